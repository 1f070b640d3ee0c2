//! What every formatted file must satisfy, checked independently of the formatter's own safety
//! net: formatting succeeds, is idempotent, keeps the tree (compared through its `Debug` output
//! with every span removed) and keeps every comment, in order.

/// Running a test alone in a process of its own (pest's call limit is global): the compiler's
/// tests share the same helper.
#[macro_use]
#[path = "../../../../compiler/tests/it/support/alone.rs"]
pub mod alone;

use k8sc_grammar::format::format_source;
use k8sc_grammar::{Item, parse};

/// `Debug` output with every `Span { start: …, end: … }` replaced by `Span`.
pub fn without_spans(debug: &str) -> String {
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

/// The imports and the declarations of a file, each without spans. They are compared apart
/// because the formatter moves a late import up to the others.
pub fn tree(text: &str) -> (Vec<String>, Vec<String>) {
    let mut imports = Vec::new();
    let mut decls = Vec::new();
    for item in parse(text).file.items {
        match &item {
            Item::Import(_) => imports.push(without_spans(&format!("{item:?}"))),
            Item::Decl(_) => decls.push(without_spans(&format!("{item:?}"))),
        }
    }
    (imports, decls)
}

/// The comments of a file, trailing whitespace (and CR) of each line removed.
pub fn comment_texts(text: &str) -> Vec<String> {
    parse(text)
        .comments
        .iter()
        .map(|c| {
            let lines: Vec<&str> = c.text.split('\n').map(str::trim_end).collect();
            lines.join("\n")
        })
        .collect()
}

/// Whether an import follows a declaration (the formatter then moves it, and its comments).
fn has_late_import(text: &str) -> bool {
    let items = parse(text).file.items;
    let first_decl = items.iter().position(|i| matches!(i, Item::Decl(_)));
    first_decl.is_some_and(|d| items[d..].iter().any(|i| matches!(i, Item::Import(_))))
}

/// The first differing line of two texts, with a little context.
pub fn first_difference(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(3);
    format!(
        "once:\n{}\ntwice:\n{}",
        a[from..(at + 3).min(a.len())].join("\n"),
        b[from..(at + 3).min(b.len())].join("\n")
    )
}

/// Formats `text` (which must have no syntax errors) and checks the three properties; returns
/// the formatted text. Panics with a readable report when a property fails.
pub fn check_format(text: &str) -> String {
    let once = match format_source(text) {
        Ok(formatted) => formatted,
        Err(errors) => panic!("formatting failed: {errors:#?}\n--- input ---\n{text}"),
    };
    let twice = match format_source(&once) {
        Ok(formatted) => formatted,
        Err(errors) => panic!("formatting the output failed: {errors:#?}\n--- output ---\n{once}"),
    };
    assert!(
        twice == once,
        "not idempotent\n--- input ---\n{text}\n--- first difference ---\n{}",
        first_difference(&once, &twice)
    );
    assert!(
        parse(&once).errors.is_empty(),
        "output does not parse:\n{once}"
    );
    assert_eq!(
        tree(&once),
        tree(text),
        "the tree changed\n--- input ---\n{text}\n--- output ---\n{once}"
    );
    let (mut before, mut after) = (comment_texts(text), comment_texts(&once));
    if has_late_import(text) {
        before.sort();
        after.sort();
    }
    assert_eq!(
        after, before,
        "comments changed\n--- input ---\n{text}\n--- output ---\n{once}"
    );
    once
}

/// insta's settings for this binary's snapshots: they stay in `tests/snapshots/`, under the names
/// they had when each test file was a binary of its own, which every assertion spells out
/// (`"parse_golden__parser_golden"`) — insta's default for a module of the `it` binary would be
/// `tests/it/snapshots/it__parse_golden__parser_golden@….snap`.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}
