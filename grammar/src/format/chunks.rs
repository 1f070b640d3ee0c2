//! Top-level items with the comments attached to them, as byte ranges of the source: what import
//! hoisting moves and what range formatting rewrites.

use super::source::Source;
use crate::ast::{Item, SourceFile};

/// One top-level item and its comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Chunk {
    /// Index of the item in [`SourceFile::items`].
    pub item: usize,
    /// Where the chunk starts: the start of the first comment line directly above the item (no
    /// blank line between), or the item itself.
    pub start: usize,
    /// Where it ends: after the item or after the last comment on the item's last line.
    pub end: usize,
    /// After the line break that ends the chunk's last line (or the end of the text).
    pub line_end: usize,
}

/// The chunks of every item, in order.
pub(super) fn chunks(src: &Source<'_>, file: &SourceFile) -> Vec<Chunk> {
    let text = src.text;
    let mut out = Vec::with_capacity(file.items.len());
    let mut previous_end = 0;
    for (i, item) in file.items.iter().enumerate() {
        let span = src.trim(match item {
            Item::Import(import) => import.span,
            Item::Decl(decl) => decl.span,
        });
        let start = attached_start(src, span.start as usize, previous_end);
        let mut end = span.end as usize;
        let first = src
            .comments
            .partition_point(|c| (c.span.start as usize) < end);
        for comment in &src.comments[first..] {
            if src.has_newline(end, comment.span.start as usize) {
                break;
            }
            end = comment.span.end as usize;
        }
        let line_end = text
            .get(end..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |nl| end + nl + 1);
        out.push(Chunk {
            item: i,
            start,
            end,
            line_end,
        });
        previous_end = end;
    }
    out
}

/// The start of an item's chunk: the start of its line if only whitespace and comments precede
/// it there, moved up over whole comment lines directly above it; never before `previous_end`.
fn attached_start(src: &Source<'_>, item_start: usize, previous_end: usize) -> usize {
    let text = src.text;
    let line_start = |at: usize| {
        text.get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |nl| nl + 1)
    };
    let mut start = line_start(item_start);
    if start < previous_end || src.skip_forward(start, item_start) != item_start {
        return item_start.max(previous_end);
    }
    while start > previous_end {
        // The last comment before the line break above, if only blanks follow it on its line
        // (a line comment's text may end with the `\r` of a CRLF line).
        let newline = start - 1;
        let index = src
            .comments
            .partition_point(|c| (c.span.end as usize) <= newline);
        let Some(comment) = index.checked_sub(1).and_then(|i| src.comments.get(i)) else {
            break;
        };
        let rest_of_line = text.get(comment.span.end as usize..newline).unwrap_or("x");
        if !rest_of_line.chars().all(|c| matches!(c, ' ' | '\t' | '\r')) {
            break;
        }
        let comment_line = line_start(comment.span.start as usize);
        let only_space = text
            .get(comment_line..comment.span.start as usize)
            .is_some_and(|t| t.chars().all(|c| matches!(c, ' ' | '\t' | '\u{FEFF}')));
        if comment_line < previous_end || !only_space {
            break;
        }
        start = comment_line;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::comments;
    use crate::parser::parse;

    #[test]
    fn chunks_take_comment_lines_above_and_trailing_comments() {
        let text = "import a // one\n\n// about b\n/// doc\nservice b {} // two\n// loose\n";
        let all = comments(text);
        let src = Source::new(text, &all);
        let file = parse(text).file;
        let found = chunks(&src, &file);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].start..found[0].end], "import a // one");
        assert_eq!(
            &text[found[1].start..found[1].end],
            "// about b\n/// doc\nservice b {} // two"
        );
        assert_eq!(found[1].line_end, text.find("// loose").unwrap_or(0));
    }

    #[test]
    fn crlf_comment_lines_attach_too() {
        let text = "service a {}\r\n\r\n// about b\r\nservice b {}\r\n";
        let all = comments(text);
        let src = Source::new(text, &all);
        let found = chunks(&src, &parse(text).file);
        assert_eq!(
            &text[found[1].start..found[1].end],
            "// about b\r\nservice b {}"
        );
    }
}
