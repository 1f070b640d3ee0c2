//! The canonical layout of `.k8s` files (`k8sc fmt`, and the language server's formatting).
//!
//! [`format_source`] rewrites a whole file; [`format_range`] rewrites only the top-level items
//! that overlap a byte range. Both refuse a file with syntax errors and return those errors.
//!
//! The layout, in short (`docs/decisions.md` explains each choice):
//!
//! - two spaces per level; `key: value`; one space around operators, none in `a..b`;
//! - a bracketed group (block, list, call, parameters, import set, `require` block, parentheses)
//!   stays on one line if it was written on one line, holds no comment and fits in 100 columns;
//!   otherwise it is broken one entry per line, lists, calls, parameters and import sets with a
//!   trailing comma;
//! - fields, rules and list elements keep their order; imports are moved in front of the
//!   declarations, keeping their order;
//! - exactly one blank line after each declaration; elsewhere blank lines are collapsed to at most
//!   one, and none directly inside brackets;
//! - every comment is kept where it was: on its own line, at the end of a line (trailing comments
//!   of consecutive lines are aligned, two spaces after the longest code), or in front of code;
//!   `///` doc comments stay directly above their declaration; messages of consecutive `require`
//!   rules are aligned;
//! - literals are written as in the source (strings with their escapes, raw strings byte for
//!   byte, numbers with their units); the source's parentheses are kept, and none are added;
//! - lines end with `\n` (CRLF input is converted; a raw string keeps its bytes); the file ends
//!   with one line break; trailing whitespace goes.
//!
//! As a safety net the output is parsed again and compared with the input — same tree (spans
//! aside), same comments in the same order — and the file is refused if they differ.

mod chunks;
mod comments;
mod imports;
mod lines;
mod placement;
mod printer;
mod range;
mod source;
mod values;
mod verify;

pub use printer::WIDTH;
pub use range::{RangeEdit, format_range};

use crate::parser::parse;
use crate::span::Span;
use crate::syntax_error::SyntaxError;
use printer::Printer;
use source::Source;

/// Formats a whole file. Returns the syntax errors instead if it has any (the file cannot be
/// formatted safely then). Never panics.
pub fn format_source(text: &str) -> Result<String, Vec<SyntaxError>> {
    let parsed = parse(text);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    let src = Source::new(text, &parsed.comments);
    // Moving imports must not change anything else (a trailing `///` on the last import's line
    // documents the first declaration, for one); if it would, the imports stay where they are.
    let hoisted = imports::hoist(&src, &parsed.file)
        .map(|moved| (parse(&moved), moved))
        .filter(|(reparsed, _)| {
            reparsed.errors.is_empty() && verify::same_tree(&parsed.file, &reparsed.file)
        });
    let output = match &hoisted {
        Some((reparsed, moved)) => {
            let moved_src = Source::new(moved, &reparsed.comments);
            Printer::new(&moved_src).file(&reparsed.file)
        }
        None => Printer::new(&src).file(&parsed.file),
    };
    let printed_comments = hoisted
        .as_ref()
        .map_or(&parsed.comments, |(reparsed, _)| &reparsed.comments);
    verify::check(&parsed.file, printed_comments, &output).map_err(|reason| {
        vec![
            SyntaxError::new(
                format!("k8sc cannot format this file safely: {reason}"),
                Span::new(0, 0),
            )
            .with_help("this is a bug in k8sc; please report it with the file"),
        ]
    })?;
    Ok(output)
}
