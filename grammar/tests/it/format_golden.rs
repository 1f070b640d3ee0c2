//! Golden tests of the formatter: every `tests/format/*.k8s` file (messy on purpose) is formatted
//! and the result compared to a reviewed snapshot. Each result must also satisfy the formatter's
//! properties (idempotent, same tree, same comments); a file with syntax errors must be refused,
//! and its snapshot lists the errors.

use crate::support;

use k8sc_grammar::format::format_source;
use std::fmt::Write;

fn render(text: &str) -> String {
    match format_source(text) {
        // A carriage return is shown, so the snapshot says which line endings were written.
        Ok(_) => support::check_format(text).replace('\r', "␍"),
        Err(errors) => {
            let mut out = String::from("-- refused: syntax errors --\n");
            for error in errors {
                let before = &text[..(error.span.start as usize).min(text.len())];
                let line = before.matches('\n').count() + 1;
                let _ = writeln!(out, "line {line}: {}", error.message);
            }
            out
        }
    }
}

#[test]
fn formatter_golden() {
    insta::glob!("../format", "*.k8s", |path| {
        let text = std::fs::read_to_string(path).expect("test input is readable");
        crate::support::snapshot_settings()
            .bind(|| insta::assert_snapshot!("format_golden__formatter_golden", render(&text)));
    });
}
