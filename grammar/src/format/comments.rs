//! How comments are written back: their text, and which of them form a doc comment.

use crate::comments::Comment;

/// A comment as the formatter writes it: trailing whitespace (and the `\r` of a CRLF line) is
/// removed from each of its lines; everything else is kept byte for byte.
pub(crate) fn normalized(text: &str) -> String {
    if !text.contains('\n') {
        return text.trim_end().to_string();
    }
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    lines.join("\n")
}

/// Whether a comment runs to the end of its line (`// …`), so that a line break must follow it.
pub(super) fn is_line_comment(comment: &Comment) -> bool {
    comment.text.starts_with("//")
}

/// The index (into `comments`) of the first `///` line of the doc comment that the parser attached
/// to a declaration starting at `decl_start`: the same walk as the parser's, so the formatter keeps
/// exactly those lines directly above the declaration.
pub(super) fn doc_chain_start(
    text: &str,
    comments: &[Comment],
    decl_start: usize,
) -> Option<usize> {
    let end = comments.partition_point(|c| (c.span.end as usize) <= decl_start);
    let mut cursor = decl_start;
    let mut first = None;
    for i in (0..end).rev() {
        let comment = &comments[i];
        let Some(gap) = text.get(comment.span.end as usize..cursor) else {
            break;
        };
        let newlines = gap.chars().filter(|c| *c == '\n').count();
        if !gap.chars().all(char::is_whitespace) || newlines > 1 || !comment.is_doc() {
            break;
        }
        first = Some(i);
        cursor = comment.span.start as usize;
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::comments;

    #[test]
    fn trailing_whitespace_and_carriage_returns_go() {
        assert_eq!(normalized("// a  \r"), "// a");
        assert_eq!(normalized("/* a \r\n   b\t*/"), "/* a\n   b\t*/");
    }

    #[test]
    fn the_doc_chain_is_the_parsers() {
        let text = "/// a\n// b\n/// c\n/// d\nservice x {}";
        let all = comments(text);
        let start = text.find("service").unwrap_or(0);
        assert_eq!(doc_chain_start(text, &all, start), Some(2));
        let detached = "/// a\n\nservice x {}";
        let all = comments(detached);
        let start = detached.find("service").unwrap_or(0);
        assert_eq!(doc_chain_start(detached, &all, start), None);
    }
}
