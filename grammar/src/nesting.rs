//! A guard against pathological nesting.
//!
//! The grammar and the AST builder recurse once per bracket level. To keep the stack bounded on any
//! input, brackets nested deeper than [`crate::MAX_NESTING`] are reported and their contents blanked
//! (bytes become spaces, newlines stay) before parsing, so every span and line number is unchanged.

use crate::MAX_NESTING;
use crate::lexical::{RegionKind, regions};
use crate::span::Span;
use crate::syntax_error::SyntaxError;
use std::borrow::Cow;

/// Returns the text to parse (blanked where nesting is too deep) and the errors for it.
pub(crate) fn guard(text: &str) -> (Cow<'_, str>, Vec<SyntaxError>) {
    let mut blank: Vec<std::ops::Range<usize>> = Vec::new();
    let mut depth = 0usize;
    let mut too_deep_start: Option<usize> = None;
    let bytes = text.as_bytes();
    for region in regions(text) {
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
    if blank.is_empty() {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut out = bytes.to_vec();
    let mut errors = Vec::new();
    for range in blank {
        errors.push(
            SyntaxError::new(
                format!("brackets nest more than {MAX_NESTING} levels deep"),
                Span::new(range.start, range.start + 1),
            )
            .with_label("too deep")
            .with_help("flatten the structure; the contents of this bracket were not parsed"),
        );
        for byte in &mut out[range] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    // Whole characters were replaced (every range starts and ends on an ASCII bracket), so the
    // bytes are still UTF-8; fall back to a lossy conversion rather than trusting that blindly.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (Cow::Owned(text), errors)
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
