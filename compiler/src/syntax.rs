//! Parsing as a tracked query: a file is re-parsed only when its text changes.

use crate::db::{Db, File};
use crate::diagnostics::{Code, Diagnostic, Label};
use k8sc_grammar::{ParseResult, SyntaxError};

/// The syntax tree, syntax errors and comments of a file.
#[salsa::tracked(returns(ref))]
pub fn parse(db: &dyn Db, file: File) -> ParseResult {
    k8sc_grammar::parse(file.text(db))
}

/// The syntax errors of a file as `E0001` diagnostics.
#[salsa::tracked(returns(ref))]
pub fn syntax_diagnostics(db: &dyn Db, file: File) -> Vec<Diagnostic> {
    let path = file.path(db);
    parse(db, file)
        .errors
        .iter()
        .map(|error| syntax_error_diagnostic(path, error))
        .collect()
}

/// One syntax error of the file at display path `path` as an `E0001` diagnostic.
pub fn syntax_error_diagnostic(path: &str, error: &SyntaxError) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(Code::Syntax, &error.message, path, error.span);
    if let Some(label) = &error.label {
        diagnostic = diagnostic.with_label(label);
    }
    if let Some((span, message)) = &error.related {
        diagnostic = diagnostic.with_secondary(Label::new(path, *span).with_message(message));
    }
    if let Some(help) = &error.help {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}
