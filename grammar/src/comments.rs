//! The comments of a file, which the grammar itself skips.
//!
//! Doc comments (`///`) document the declaration below them (the language server shows them on
//! hover); the formatter needs every comment to keep it in place.

use crate::lexical::{RegionKind, regions};
use crate::span::Span;

/// One comment in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The comment's text, delimiters included.
    pub text: String,
    /// Where it is.
    pub span: Span,
}

impl Comment {
    /// Whether this is a `///` doc comment.
    pub fn is_doc(&self) -> bool {
        self.text.starts_with("///") && !self.text.starts_with("////")
    }
}

/// Every comment of `text`, in order.
pub fn comments(text: &str) -> Vec<Comment> {
    regions(text)
        .into_iter()
        .filter(|region| region.kind == RegionKind::Comment)
        .map(|region| Comment {
            text: text[region.range.clone()].to_string(),
            span: Span::new(region.range.start, region.range.end),
        })
        .collect()
}

/// The `///` lines directly above `offset` (only whitespace between them), joined with newlines
/// and stripped of the slashes, one leading space and trailing whitespace (so a CRLF file's doc
/// comments carry no `\r`, and formatting never changes them).
pub(crate) fn doc_comment_before(
    text: &str,
    comments: &[Comment],
    offset: usize,
) -> Option<String> {
    let mut lines: Vec<&str> = Vec::new();
    let mut cursor = offset;
    let end = comments.partition_point(|c| (c.span.end as usize) <= offset);
    for comment in comments[..end].iter().rev() {
        let gap = text.get(comment.span.end as usize..cursor)?;
        let newlines = gap.chars().filter(|c| *c == '\n').count();
        // Whitespace as the grammar has it: `\u{FEFF}` (a stray byte-order mark) included, which
        // the formatter drops, so that the doc comment stays attached after formatting.
        let blank = |c: char| c.is_whitespace() || c == '\u{FEFF}';
        if !gap.chars().all(blank) || newlines > 1 || !comment.is_doc() {
            break;
        }
        let line = comment.text[3..].trim_end();
        lines.push(line.strip_prefix(' ').unwrap_or(line));
        cursor = comment.span.start as usize;
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_between_doc_and_declaration_is_whitespace() {
        let text = "/// doc\n\u{FEFF}service web {}\n";
        let offset = text.find("service").unwrap_or_default();
        assert_eq!(
            doc_comment_before(text, &comments(text), offset).as_deref(),
            Some("doc")
        );
    }

    #[test]
    fn doc_comment_lines_are_collected() {
        let text = "// not doc\n/// The web tier.\n/// Second line.\nservice web {}";
        let all = comments(text);
        let offset = text.find("service").unwrap_or(0);
        assert_eq!(
            doc_comment_before(text, &all, offset).as_deref(),
            Some("The web tier.\nSecond line.")
        );
    }

    #[test]
    fn doc_comment_lines_lose_trailing_whitespace_and_carriage_returns() {
        let text = "/// One.  \r\n/// Two.\r\nservice web {}";
        let all = comments(text);
        let offset = text.find("service").unwrap_or(0);
        assert_eq!(
            doc_comment_before(text, &all, offset).as_deref(),
            Some("One.\nTwo.")
        );
    }

    #[test]
    fn blank_line_detaches_doc_comment() {
        let text = "/// Orphan.\n\nservice web {}";
        let all = comments(text);
        let offset = text.find("service").unwrap_or(0);
        assert_eq!(doc_comment_before(text, &all, offset), None);
    }
}
