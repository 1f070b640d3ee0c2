//! Golden tests of the parser: every `tests/parse/*.k8s` file is parsed, and its tree (with spans)
//! and syntax errors (with line:column) are compared to a reviewed snapshot.

use k8sc_grammar::{parse, tree_dump};
use std::fmt::Write;

fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let before = &text[..(offset as usize).min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn render(text: &str) -> String {
    let result = parse(text);
    let mut out = tree_dump::dump(&result.file);
    if !result.errors.is_empty() {
        out.push_str("\n-- syntax errors --\n");
    }
    for error in &result.errors {
        let (line, col) = line_col(text, error.span.start);
        let _ = writeln!(
            out,
            "{line}:{col} {} [{:?}]",
            error.message,
            &text[error.span.range()]
        );
        if let Some(help) = &error.help {
            let _ = writeln!(out, "    help: {help}");
        }
    }
    out
}

#[test]
fn parser_golden() {
    insta::glob!("../parse", "*.k8s", |path| {
        let text = std::fs::read_to_string(path).expect("test input is readable");
        crate::support::snapshot_settings()
            .bind(|| insta::assert_snapshot!("parse_golden__parser_golden", render(&text)));
    });
}
