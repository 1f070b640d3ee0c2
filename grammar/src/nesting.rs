//! A guard against pathological nesting.
//!
//! The grammar and the AST builder recurse once per bracket level. To keep the stack bounded on any
//! input, brackets nested deeper than [`crate::MAX_NESTING`] are reported and their contents blanked
//! (bytes become spaces, newlines stay) before parsing, so every span and line number is unchanged.
//! Block comments get the same treatment: the `/*`s of one that is never closed are reported and
//! blanked, so the grammar never looks for a `*/` that is not there (which, retried at every `/*`,
//! took time quadratic in the file's size), and one whose `/*`s nest deeper than the limit is
//! blanked whole.

use crate::MAX_NESTING;
use crate::lexical::{RegionKind, regions};
use crate::span::Span;
use crate::syntax_error::SyntaxError;
use std::borrow::Cow;

/// Returns the text to parse (blanked where nesting is too deep) and the errors for it.
pub(crate) fn guard(text: &str) -> (Cow<'_, str>, Vec<SyntaxError>) {
    // Comments first: blanking an unclosed `/*` turns the text after it back into code, whose
    // brackets the second pass must then count.
    let (text, mut errors) = comments(Cow::Borrowed(text));
    let mut blank: Vec<std::ops::Range<usize>> = Vec::new();
    let mut depth = 0usize;
    let mut too_deep_start: Option<usize> = None;
    let bytes = text.as_bytes();
    for region in regions(&text) {
        if region.kind != RegionKind::Code {
            continue;
        }
        for i in region.range.clone() {
            match bytes[i] {
                b'{' | b'[' | b'(' => {
                    depth += 1;
                    if depth > MAX_NESTING && too_deep_start.is_none() {
                        too_deep_start = Some(i);
                    }
                }
                b'}' | b']' | b')' => {
                    if depth == MAX_NESTING + 1
                        && let Some(start) = too_deep_start.take()
                    {
                        blank.push(start..i + 1);
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
    }
    if let Some(start) = too_deep_start {
        blank.push(start..text.len());
    }
    for range in &blank {
        errors.push(
            SyntaxError::new(
                format!("brackets nest more than {MAX_NESTING} levels deep"),
                Span::new(range.start, range.start + 1),
            )
            .with_label("too deep")
            .with_help("flatten the structure; the contents of this bracket were not parsed"),
        );
    }
    (blanked(text, blank), errors)
}

/// Blanks the block comments the grammar must not see (see [`comment_problem`]).
fn comments(text: Cow<'_, str>) -> (Cow<'_, str>, Vec<SyntaxError>) {
    let mut blank = Vec::new();
    let mut errors = Vec::new();
    for region in regions(&text) {
        if region.kind == RegionKind::Comment
            && let Some((error, ranges)) = comment_problem(&text, region.range.clone())
        {
            errors.push(error);
            blank.extend(ranges);
        }
    }
    (blanked(text, blank), errors)
}

/// `text` with the bytes of `ranges` replaced by spaces (newlines stay).
fn blanked(text: Cow<'_, str>, ranges: Vec<std::ops::Range<usize>>) -> Cow<'_, str> {
    if ranges.is_empty() {
        return text;
    }
    let mut out = text.as_bytes().to_vec();
    for range in ranges {
        for byte in &mut out[range] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    // Every range starts at an ASCII bracket or `/*` and ends after an ASCII bracket, at a
    // newline or at the end of the text, so the bytes are still UTF-8; fall back to a lossy
    // conversion rather than trusting that blindly.
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// What to do about a block comment (`comment`, starting at `start`) that the grammar must not see
/// as it is: the error, and the ranges to blank. A comment that is never closed loses each `/*`
/// that no `*/` closes, up to the end of its line — so the lines after it are parsed, as the
/// grammar always did; one whose `/*`s nest deeper than the limit is blanked whole. Line comments
/// are always fine.
fn comment_problem(
    text: &str,
    region: std::ops::Range<usize>,
) -> Option<(SyntaxError, Vec<std::ops::Range<usize>>)> {
    let start = region.start;
    let comment = &text[region];
    if !comment.starts_with("/*") {
        return None;
    }
    let bytes = comment.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let (mut deepest, mut i) = (0usize, 0usize);
    while i + 1 < bytes.len() {
        match &bytes[i..i + 2] {
            b"/*" => {
                open.push(i);
                deepest = deepest.max(open.len());
                i += 2;
            }
            b"*/" => {
                open.pop();
                i += 2;
            }
            _ => i += 1,
        }
    }
    let span = Span::new(start, start + 2);
    if !open.is_empty() {
        let error = SyntaxError::new("unterminated block comment", span)
            .with_label("this `/*` is never closed")
            .with_help("close it with `*/`");
        let ranges = open
            .iter()
            .map(|o| {
                let from = start + o;
                from..text[from..].find('\n').map_or(text.len(), |e| from + e)
            })
            .collect();
        Some((error, ranges))
    } else if deepest > MAX_NESTING {
        let error = SyntaxError::new(
            format!("block comments nest more than {MAX_NESTING} levels deep"),
            span,
        )
        .with_label("too deep")
        .with_help("a `/*` inside a block comment opens another one; remove the inner ones");
        let whole = start..start + comment.len();
        Some((error, Vec::from([whole])))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_text_is_untouched() {
        let (text, errors) = guard("a { b: [1, 2] }");
        assert!(matches!(text, Cow::Borrowed(_)));
        assert!(errors.is_empty());
    }

    #[test]
    fn deep_nesting_is_blanked_and_reported() {
        let deep = format!("x: {}{}", "[".repeat(100), "]".repeat(100));
        let (text, errors) = guard(&deep);
        assert_eq!(errors.len(), 1);
        assert_eq!(text.len(), deep.len());
        assert_eq!(text.matches('[').count(), MAX_NESTING);
    }

    #[test]
    fn brackets_in_strings_do_not_count() {
        let quoted = format!("x: \"{}\"", "[".repeat(100));
        let (_, errors) = guard(&quoted);
        assert!(errors.is_empty());
    }
}
