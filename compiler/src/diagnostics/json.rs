//! Machine-readable diagnostics for `k8sc check --format json`: one JSON document with every
//! diagnostic, its code, severity, message, 1-based line/column positions, labels, notes, help and
//! suggested replacements — what CI annotations and other tools consume.

use super::positions::Positions;
use super::redact::Redaction;
use super::{Diagnostic, Label, Severity, SourceLookup};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Renders diagnostics as a JSON document.
pub fn to_json(diagnostics: &[Diagnostic], sources: &dyn SourceLookup) -> Value {
    // No secret is printed (see `redact`).
    let redaction = Redaction::new(diagnostics, sources);
    let diagnostics = &redaction.diagnostics(diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    // Each file read and its lines indexed once, not for every label.
    let sources = &Positions::of_files(diagnostics, sources);
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

fn label(label: &Label, sources: &BTreeMap<String, Positions>) -> Value {
    let (line, column) = line_column(sources, &label.file, label.span.start as usize);
    let (end_line, end_column) = line_column(sources, &label.file, label.span.end as usize);
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

/// 1-based line and column (in characters) of a byte offset of `file` (an unknown file is empty).
pub(crate) fn line_column(
    sources: &BTreeMap<String, Positions>,
    file: &str,
    offset: usize,
) -> (usize, usize) {
    sources
        .get(file)
        .map_or((1, 1), |positions| positions.line_column(offset))
}
