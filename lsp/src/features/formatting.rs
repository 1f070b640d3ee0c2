//! Formatting: the same formatter as `k8sc fmt`.
//!
//! INTEGRATION POINT: the formatter (`k8sc_grammar::format::format_source`) is being written on
//! the `fmt` branch and is not on this branch's base yet. Until it lands, [`AVAILABLE`] is false,
//! so formatting is not advertised, and [`format`] reports that it is unavailable. To wire it:
//! set `AVAILABLE` to true and make [`formatter`] return `Some(k8sc_grammar::format::format_source)`;
//! the edit computation, capability and tests already handle the rest.

use crate::snapshot::Snapshot;
use k8sc_grammar::{Span, SyntaxError};
use tower_lsp_server::ls_types::{TextEdit, Uri};

/// Whether the server formats documents (advertised in its capabilities).
pub const AVAILABLE: bool = false;

/// A whole-file formatter: the formatted text, or the syntax errors that prevent formatting.
pub type Formatter = fn(&str) -> Result<String, Vec<SyntaxError>>;

/// The formatter, once it exists.
pub fn formatter() -> Option<Formatter> {
    None
}

/// The edits that format a document: one replacement of the whole text, none if it is already
/// formatted. A file with syntax errors is not formatted (an error says why).
pub fn format(snapshot: &Snapshot, uri: &Uri) -> Result<Option<Vec<TextEdit>>, String> {
    let Some(format) = formatter() else {
        return Err("formatting is not available in this version of k8sc".to_string());
    };
    let Some(file) = snapshot.file(uri) else {
        return Ok(None);
    };
    let text = snapshot.text(file);
    match format(text) {
        Ok(formatted) if formatted == text => Ok(Some(Vec::new())),
        Ok(formatted) => {
            let whole = Span::new(0, text.len());
            Ok(Some(vec![TextEdit::new(
                snapshot.range(file, whole),
                formatted,
            )]))
        }
        Err(errors) => Err(format!(
            "cannot format a file with syntax errors ({} found)",
            errors.len()
        )),
    }
}
