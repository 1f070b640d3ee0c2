//! Invariants of the parser on arbitrary input: it never panics, it is deterministic, every span
//! lies inside the text on character boundaries, and valid files have no errors.

use k8sc_grammar::parse;
use proptest::prelude::*;

/// Text built from the language's own tokens, so the fuzzing reaches deep into the grammar.
fn token_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "service",
        "app",
        "tier",
        "policy",
        "env",
        "require",
        "import",
        "std.tiers",
        "./x",
        "web",
        "a.b",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ":",
        ",",
        "\n",
        " ",
        "\"s\"",
        "\"",
        "\"\"\"",
        "\\",
        "8080",
        "250m",
        "1.5",
        "..",
        "5%",
        "not",
        "in",
        "and",
        "or",
        "==",
        ">=",
        "//c\n",
        "/*",
        "*/",
        "http",
        "secret",
        "é",
        "🚀",
        "\t",
        "-",
        "=",
    ]);
    prop::collection::vec(tokens, 0..80).prop_map(|parts| parts.concat())
}

fn check_spans(text: &str) {
    let result = parse(text);
    for error in &result.errors {
        let range = error.span.range();
        assert!(range.end <= text.len(), "span {range:?} outside text");
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_token_soup(text in token_soup()) {
        check_spans(&text);
    }

    #[test]
    fn never_panics_on_any_string(text in any::<String>()) {
        check_spans(&text);
    }

    #[test]
    fn is_deterministic(text in token_soup()) {
        prop_assert_eq!(parse(&text), parse(&text));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!(
        "service a {{ x: {}{} }}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let result = parse(&text);
    assert!(result.errors.iter().any(|e| e.message.contains("nest")));
    let deep_blocks = format!("service a {{ {} }}", "b { ".repeat(50_000));
    let _ = parse(&deep_blocks);
}

#[test]
fn long_operator_chains_are_bounded() {
    let text = format!("policy p {{ deny: {}x }}", "not ".repeat(100_000));
    let result = parse(&text);
    assert!(!result.errors.is_empty());
    let chain = format!("policy p {{ deny: a{} }}", " or a".repeat(100_000));
    assert!(!parse(&chain).errors.is_empty());
}

#[test]
fn valid_example_has_no_errors() {
    let text = include_str!("../parse/design_example.k8s");
    assert_eq!(parse(text).errors, vec![]);
}

#[test]
fn a_space_before_an_imported_item_gives_the_same_tree() {
    // The formatter writes `import std.tiers.production`; the tree must not depend on the space.
    let imports = |text: &str| -> Vec<String> {
        parse(text)
            .file
            .imports()
            .map(|i| match &i.target {
                k8sc_grammar::ImportTarget::Module(path) => {
                    let names: Vec<&str> = path.iter().map(|p| p.name.as_str()).collect();
                    format!(
                        "{} {:?}",
                        names.join("."),
                        i.selection.as_ref().map(Vec::len)
                    )
                }
                k8sc_grammar::ImportTarget::Relative { path, .. } => path.clone(),
            })
            .collect()
    };
    assert_eq!(
        imports("import std.tiers .production\n"),
        imports("import std.tiers.production\n")
    );
    assert_eq!(
        imports("import std.tiers .production\n"),
        ["std.tiers.production None"]
    );
    assert_eq!(
        imports("import std.policies .{a, b}\n"),
        ["std.policies Some(2)"]
    );
}
