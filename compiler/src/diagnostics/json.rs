//! Machine-readable diagnostics for `k8sc check --format json`: one JSON document with every
//! diagnostic, its code, severity, message, 1-based line/column positions, labels, notes, help and
//! suggested replacements — what CI annotations and other tools consume.

use super::redact::Redaction;
use super::{Diagnostic, Label, Severity, SourceLookup};
use serde_json::{Value, json};

/// Renders diagnostics as a JSON document.
pub fn to_json(diagnostics: &[Diagnostic], sources: &dyn SourceLookup) -> Value {
    // No secret is printed (see `redact`).
    let redaction = Redaction::new(diagnostics, sources);
    let diagnostics = &redaction.diagnostics(diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            json!({
                "code": d.code.as_str(),
                "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": d.message,
                "primary": label(&d.primary, sources),
                "secondary": d.secondary.iter().map(|l| label(l, sources)).collect::<Vec<_>>(),
                "notes": d.notes,
                "help": d.help,
                "suggestions": d.suggestions.iter().map(|s| json!({
                    "file": s.file,
                    "start": s.span.start,
                    "end": s.span.end,
                    "replacement": s.replacement,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "diagnostics": items, "errors": errors, "warnings": warnings })
}

/// The JSON document of [`to_json`] as text, every character a terminal obeys or that reorders
/// text escaped ([`super::escape_json_text`]): what `k8sc check --format json` prints, so that a
/// consumer printing a message raw cannot be made to run an escape sequence.
pub fn to_json_text(diagnostics: &[Diagnostic], sources: &dyn SourceLookup) -> String {
    super::escape_json_text(&to_json(diagnostics, sources).to_string()).into_owned()
}

fn label(label: &Label, sources: &dyn SourceLookup) -> Value {
    let text = sources.source_text(&label.file).unwrap_or_default();
    let (line, column) = line_column(&text, label.span.start as usize);
    let (end_line, end_column) = line_column(&text, label.span.end as usize);
    json!({
        "file": label.file,
        "start": label.span.start,
        "end": label.span.end,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "message": label.message,
    })
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
