//! Formatting: the same formatter as `k8sc fmt` (`k8sc_grammar::format`), for whole documents
//! and for ranges (the top-level items a range touches).

use crate::snapshot::Snapshot;
use k8sc_grammar::Span;
use k8sc_grammar::format::{format_range, format_source};
use tower_lsp_server::ls_types::{Range, TextEdit, Uri};

/// Whether the server formats documents (advertised in its capabilities).
pub const AVAILABLE: bool = true;

/// The edits that format a document: one replacement of the whole text, none if it is already
/// formatted. A file with syntax errors is not formatted (an error says why, as `k8sc fmt` does).
pub fn format(snapshot: &Snapshot, uri: &Uri) -> Result<Option<Vec<TextEdit>>, String> {
    let Some(file) = snapshot.file(uri) else {
        return Ok(None);
    };
    let text = snapshot.text(file);
    match format_source(text) {
        Ok(formatted) if formatted == text => Ok(Some(Vec::new())),
        Ok(formatted) => {
            let whole = Span::new(0, text.len());
            Ok(Some(vec![TextEdit::new(
                snapshot.range(file, whole),
                formatted,
            )]))
        }
        Err(errors) => Err(syntax_errors(errors.len())),
    }
}

/// The edit that formats the top-level items a range touches.
pub fn format_in_range(
    snapshot: &Snapshot,
    uri: &Uri,
    range: Range,
) -> Result<Option<Vec<TextEdit>>, String> {
    let Some(file) = snapshot.file(uri) else {
        return Ok(None);
    };
    let text = snapshot.text(file);
    let span = snapshot.span(file, range);
    match format_range(text, span.range()) {
        Ok(Some(edit)) => Ok(Some(vec![TextEdit::new(
            snapshot.range(file, Span::new(edit.range.start, edit.range.end)),
            edit.text,
        )])),
        Ok(None) => Ok(Some(Vec::new())),
        Err(errors) => Err(syntax_errors(errors.len())),
    }
}

fn syntax_errors(count: usize) -> String {
    format!(
        "cannot format a file with syntax errors ({count} found): fix them first, as `k8sc fmt` asks"
    )
}
