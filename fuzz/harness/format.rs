//! The `format` fuzz target's body, shared with the regression tests that replay its corpus on
//! stable (`compiler/tests/it/fuzz_corpus.rs`): a file the parser accepts is always formatted (the
//! formatter never refuses it), formatting is idempotent, and printing then re-parsing gives the
//! same tree (spans aside) and the same comments. A file with syntax errors is refused, never
//! formatted.

use k8sc_grammar::format::format_source;
use k8sc_grammar::parse;

/// Formats `data` (if it is UTF-8) and checks the formatter's invariants.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = parse(text);
    let formatted = format_source(text);
    if !parsed.errors.is_empty() {
        assert!(
            formatted.is_err(),
            "a file with syntax errors was formatted"
        );
        return;
    }
    let once = match formatted {
        Ok(once) => once,
        Err(errors) => panic!("a valid file was refused: {errors:?}"),
    };
    let reparsed = parse(&once);
    assert!(
        reparsed.errors.is_empty(),
        "the output does not parse: {:?}\n{once}",
        reparsed.errors
    );
    let twice = match format_source(&once) {
        Ok(twice) => twice,
        Err(errors) => panic!("the output was refused: {errors:?}\n{once}"),
    };
    assert_eq!(once, twice, "formatting is not idempotent");
    let (mut before, mut after) = (tree(&parsed.file), tree(&reparsed.file));
    // The formatter moves a late import up to the others; compare imports and declarations apart.
    before.0.sort();
    after.0.sort();
    assert_eq!(before, after, "formatting changed the tree");
    let comments = |file: &k8sc_grammar::ParseResult| {
        let mut texts: Vec<String> = file
            .comments
            .iter()
            .map(|c| {
                let lines: Vec<&str> = c.text.split('\n').map(str::trim_end).collect();
                lines.join("\n")
            })
            .collect();
        texts.sort();
        texts
    };
    assert_eq!(
        comments(&parsed),
        comments(&reparsed),
        "formatting changed the comments"
    );
}

/// The imports and the declarations of a file, each as its `Debug` output without spans.
fn tree(file: &k8sc_grammar::SourceFile) -> (Vec<String>, Vec<String>) {
    let mut imports = Vec::new();
    let mut decls = Vec::new();
    for item in &file.items {
        let text = without_spans(&format!("{item:?}"));
        match item {
            k8sc_grammar::Item::Import(_) => imports.push(text),
            k8sc_grammar::Item::Decl(_) => decls.push(text),
        }
    }
    (imports, decls)
}

/// `Debug` output with every `Span { start: …, end: … }` replaced by `Span`.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span { start: ") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let after = &rest[at..];
        let end = after.find(" }").map_or(after.len(), |e| e + 2);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}
