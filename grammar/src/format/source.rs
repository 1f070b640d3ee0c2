//! Questions the printer asks about the original text: where the comments, line breaks and
//! parentheses are. The syntax tree keeps spans but no punctuation, so these are answered from the
//! text itself, skipping whitespace and comments the way the grammar does.

use crate::comments::Comment;
use crate::lexical::{RegionKind, regions};
use crate::span::Span;

/// A byte range `lo..hi` that a search for parentheses around a value must stay inside, so that
/// the parentheses of a call (`f((x))`) are not taken for the argument's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Window {
    /// First byte that may be looked at.
    pub lo: usize,
    /// One past the last byte that may be looked at.
    pub hi: usize,
}

impl Window {
    /// The window `lo..hi`.
    pub fn new(lo: usize, hi: usize) -> Window {
        Window { lo, hi: hi.max(lo) }
    }

    /// The window of a span.
    pub fn of(span: Span) -> Window {
        Window::new(span.start as usize, span.end as usize)
    }
}

/// The original text with its comments and matched parentheses.
pub(super) struct Source<'s> {
    /// The text being formatted.
    pub text: &'s str,
    /// Its comments, in order.
    pub comments: &'s [Comment],
    /// `(close, open)` byte offsets of every matched pair of parentheses in code, by `close`.
    parens: Vec<(usize, usize)>,
}

impl<'s> Source<'s> {
    /// Indexes `text`, whose comments are `comments`.
    pub fn new(text: &'s str, comments: &'s [Comment]) -> Source<'s> {
        let bytes = text.as_bytes();
        let mut open: Vec<usize> = Vec::new();
        let mut parens = Vec::new();
        for region in regions(text) {
            if region.kind != RegionKind::Code {
                continue;
            }
            for i in region.range {
                match bytes[i] {
                    b'(' => open.push(i),
                    b')' => {
                        if let Some(o) = open.pop() {
                            parens.push((i, o));
                        }
                    }
                    _ => {}
                }
            }
        }
        parens.sort_unstable();
        Source {
            text,
            comments,
            parens,
        }
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &'s str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// How many line breaks lie between two offsets.
    pub fn newlines(&self, from: usize, to: usize) -> usize {
        self.text
            .as_bytes()
            .get(from..to.max(from))
            .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count())
    }

    /// Whether a line break lies between two offsets.
    pub fn has_newline(&self, from: usize, to: usize) -> bool {
        self.newlines(from, to) > 0
    }

    /// Whether a comment starts inside `from..to`.
    pub fn has_comment_within(&self, from: usize, to: usize) -> bool {
        let first = self
            .comments
            .partition_point(|c| (c.span.start as usize) < from);
        self.comments
            .get(first)
            .is_some_and(|c| (c.span.start as usize) < to)
    }

    fn comment_ending_at(&self, at: usize) -> Option<&'s Comment> {
        let i = self
            .comments
            .partition_point(|c| (c.span.end as usize) < at);
        self.comments.get(i).filter(|c| c.span.end as usize == at)
    }

    fn comment_starting_at(&self, at: usize) -> Option<&'s Comment> {
        let i = self
            .comments
            .partition_point(|c| (c.span.start as usize) < at);
        self.comments.get(i).filter(|c| c.span.start as usize == at)
    }

    /// `at` moved back over whitespace, line breaks and comments, not below `lo`.
    pub fn skip_back(&self, mut at: usize, lo: usize) -> usize {
        while at > lo {
            let Some(c) = self.text.get(..at).and_then(|t| t.chars().next_back()) else {
                break;
            };
            // A line comment's text ends with the `\r` of a CRLF line: look for comments first.
            if let Some(comment) = self
                .comment_ending_at(at)
                .filter(|m| m.span.start as usize >= lo)
            {
                at = comment.span.start as usize;
            } else if is_space(c) {
                at -= c.len_utf8();
            } else {
                break;
            }
        }
        at
    }

    /// `at` moved forward over whitespace, line breaks and comments, not beyond `hi`.
    pub fn skip_forward(&self, mut at: usize, hi: usize) -> usize {
        while at < hi {
            let Some(c) = self.text.get(at..).and_then(|t| t.chars().next()) else {
                break;
            };
            if is_space(c) {
                at += c.len_utf8();
            } else if let Some(comment) = self
                .comment_starting_at(at)
                .filter(|m| m.span.end as usize <= hi)
            {
                at = comment.span.end as usize;
            } else {
                break;
            }
        }
        at
    }

    /// The offset of `wanted`, if it is the next code character after `from` (skipping
    /// whitespace, comments and, with `skip_commas`, commas).
    pub fn find_next(&self, from: usize, wanted: u8, skip_commas: bool) -> Option<usize> {
        let mut at = from;
        loop {
            at = self.skip_forward(at, self.text.len());
            match self.text.as_bytes().get(at) {
                Some(b) if *b == wanted => return Some(at),
                Some(b',') if skip_commas => at += 1,
                _ => return None,
            }
        }
    }

    /// `span` with whitespace and comments at its end left out: some grammar rules end with a
    /// lookahead that lets their span run over the rest of the line.
    pub fn trim(&self, span: Span) -> Span {
        let end = self.skip_back(span.end as usize, span.start as usize);
        Span::new(span.start as usize, end)
    }

    /// The outermost pair of parentheses the source wrote around the value at `span` (redundant
    /// double parentheses count once), as the offsets of `(` and `)`.
    pub fn own_parens(&self, span: Span, window: Window) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut opens = Vec::new();
        let mut at = span.start as usize;
        loop {
            at = self.skip_back(at, window.lo);
            if at > window.lo && bytes.get(at - 1) == Some(&b'(') {
                at -= 1;
                opens.push(at);
            } else {
                break;
            }
        }
        if opens.is_empty() {
            return None;
        }
        let mut found = None;
        let mut at = span.end as usize;
        loop {
            at = self.skip_forward(at, window.hi);
            if at >= window.hi || bytes.get(at) != Some(&b')') {
                break;
            }
            match self.open_of(at) {
                Some(open) if opens.contains(&open) => {
                    found = Some((open, at));
                    at += 1;
                }
                _ => break,
            }
        }
        found
    }

    fn open_of(&self, close: usize) -> Option<usize> {
        let i = self.parens.partition_point(|(c, _)| *c < close);
        self.parens
            .get(i)
            .filter(|(c, _)| *c == close)
            .map(|(_, o)| *o)
    }
}

/// Whitespace as the grammar skips it, line breaks included.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::comments;

    fn with_source<T>(text: &str, f: impl FnOnce(&Source<'_>) -> T) -> T {
        let all = comments(text);
        f(&Source::new(text, &all))
    }

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap_or(0);
        Span::new(start, start + needle.len())
    }

    #[test]
    fn finds_the_parentheses_of_a_value() {
        let text = "x: ((a) or b) and ( /* c */ (z))";
        with_source(text, |s| {
            let all = Window::new(0, text.len());
            assert_eq!(s.own_parens(span_of(text, "a"), all), Some((4, 6)));
            assert_eq!(s.own_parens(span_of(text, "a) or b"), all), Some((3, 12)));
            assert_eq!(s.own_parens(span_of(text, "z"), all), Some((18, 31)));
            assert_eq!(s.own_parens(span_of(text, "b"), all), None);
        });
    }

    #[test]
    fn a_window_keeps_call_parentheses_out() {
        let text = "x: f((a))";
        with_source(text, |s| {
            let a = span_of(text, "a");
            assert_eq!(s.own_parens(a, Window::new(5, 8)), Some((5, 7)));
        });
    }

    #[test]
    fn trim_drops_trailing_comments() {
        let text = "import std.tiers // c\n";
        with_source(text, |s| {
            assert_eq!(s.trim(Span::new(0, 21)), Span::new(0, 16));
        });
        let crlf = "import std.tiers // c\r\n";
        with_source(crlf, |s| {
            assert_eq!(s.trim(Span::new(0, 22)), Span::new(0, 16));
        });
    }

    #[test]
    fn find_next_skips_comments_and_commas() {
        let text = "a, /* ) */ , )";
        with_source(text, |s| {
            assert_eq!(s.find_next(1, b')', true), Some(13));
            assert_eq!(s.find_next(1, b')', false), None);
        });
    }
}
