//! Range formatting: only the top-level items that overlap a byte range are rewritten.
//!
//! The unit is a whole top-level item with its comments (see [`super::chunks`]): a declaration
//! is laid out as a whole, so formatting part of one would leave a layout that the next full
//! format changes again. The items are formatted exactly as [`super::format_source`] formats them;
//! the text outside them — including the blank lines around them — is left as it is.

use super::chunks::chunks;
use super::format_source;
use super::source::Source;
use crate::parser::parse;
use crate::syntax_error::SyntaxError;
use std::ops::Range;

/// A replacement: the bytes `range` of the original text are to be replaced by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeEdit {
    /// The byte range of the original text that changes.
    pub range: Range<usize>,
    /// Its new text.
    pub text: String,
}

/// Formats the top-level items (with their comments) that overlap the byte range `range` of
/// `text` (an empty range at a cursor selects the item around it). Returns `None` when the range
/// touches no item or the items are already formatted, the syntax errors when the file has any.
/// Never panics.
pub fn format_range(
    text: &str,
    range: Range<usize>,
) -> Result<Option<RangeEdit>, Vec<SyntaxError>> {
    let parsed = parse(text);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    let src = Source::new(text, &parsed.comments);
    let all = chunks(&src, &parsed.file);
    let mut touched = all
        .iter()
        .filter(|c| c.start <= range.end && range.start <= c.end);
    let Some(first) = touched.next() else {
        return Ok(None);
    };
    let last = touched.next_back().unwrap_or(first);
    let region = first.start..last.end;
    let Some(original) = text.get(region.clone()) else {
        return Ok(None);
    };
    let formatted = format_source(original)?;
    let formatted = formatted.strip_suffix('\n').unwrap_or(&formatted);
    if formatted == original {
        return Ok(None);
    }
    Ok(Some(RangeEdit {
        range: region,
        text: formatted.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_touched_item_changes() {
        let text = "service a {\n    x: 1\n}\n\n\n// b\nservice b {\n        y:2\n}\n";
        let at = text.find("y:2").unwrap_or(0);
        let edit = format_range(text, at..at).ok().flatten();
        let edit = edit.unwrap_or(RangeEdit {
            range: 0..0,
            text: String::new(),
        });
        assert_eq!(
            &text[edit.range.clone()],
            "// b\nservice b {\n        y:2\n}"
        );
        assert_eq!(edit.text, "// b\nservice b {\n  y: 2\n}");
    }

    #[test]
    fn formatted_items_and_empty_ranges_give_no_edit() {
        let text = "service a {\n  x: 1\n}\n";
        assert_eq!(format_range(text, 0..text.len()), Ok(None));
        assert_eq!(format_range("\n\n", 0..1), Ok(None));
    }

    #[test]
    fn syntax_errors_are_returned() {
        assert!(format_range("service a {", 0..1).is_err());
    }
}
