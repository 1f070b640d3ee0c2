//! Where comments go. Comments are not in the tree, so the printer walks the tree in source order
//! and keeps a cursor into the comment list: every comment is written exactly once, in order, at
//! the first point the walk passes it. Where it goes depends on where it was:
//!
//! - between the entries of a bracketed group (or between top-level items) a comment on the line
//!   of the previous entry stays at the end of that line (*trailing*); one followed by code on its
//!   own line stays in front of that code (*inline*); any other comment gets a line of its own,
//!   keeping a blank line above it if it had one;
//! - anywhere else (inside an expression, say) it is written in front of the next token.

use super::comments::{is_line_comment, normalized};
use super::printer::Printer;
use crate::comments::Comment;

/// What ended before a gap between top-level items.
#[derive(Clone, Copy)]
pub(super) struct Previous {
    /// Where the item's code ends.
    pub end: usize,
    /// Whether it is an import.
    pub import: bool,
}

/// What starts after a gap between top-level items.
#[derive(Clone, Copy)]
pub(super) struct Next {
    /// Where the item starts.
    pub start: usize,
    /// Whether it is an import.
    pub import: bool,
    /// The index of the first comment of its doc comment, if it has one.
    pub doc_from: Option<usize>,
}

impl<'s> Printer<'s> {
    /// The comments not yet written that start before `at`.
    fn take_before(&mut self, at: usize) -> &'s [Comment] {
        let all = self.src.comments;
        let first = self.next_comment.min(all.len());
        let mut end = first;
        while end < all.len() && (all[end].span.start as usize) < at {
            end += 1;
        }
        self.next_comment = end;
        &all[first..end]
    }

    /// Writes the comments before `at` in front of the next token.
    pub(super) fn flush_inline(&mut self, at: usize) {
        for comment in self.take_before(at) {
            let text = normalized(&comment.text);
            if is_line_comment(comment) {
                // Not expected: a line comment is always followed by a line break, which the
                // grammar allows only between entries. Keep it, and let the check catch it.
                self.out.trailing(&text);
                self.out.newline();
            } else {
                self.out.space();
                self.out.text(&text);
                self.out.text(" ");
            }
        }
    }

    /// The comments between top-level items; ends on a fresh line (or after inline comments
    /// that belong in front of the next item).
    pub(super) fn top_gap(&mut self, previous: Option<Previous>, next: Option<Next>) {
        let limit = next.map_or(self.src.text.len(), |n| n.start);
        let doc_from = next.and_then(|n| n.doc_from).unwrap_or(usize::MAX);
        let first_index = self.next_comment;
        let comments = self.take_before(limit);
        let mut anchor = previous.map_or(0, |p| p.end);
        let mut on_previous_line = previous.is_some();
        let mut first_break = true;
        let mut inline = false;
        for (k, comment) in comments.iter().enumerate() {
            let (start, end) = (comment.span.start as usize, comment.span.end as usize);
            let text = normalized(&comment.text);
            let before_next = next.is_some() && !self.src.has_newline(end, limit);
            if on_previous_line
                && first_index + k < doc_from
                && !before_next
                && !self.src.has_newline(anchor, start)
            {
                self.out.trailing(&text);
            } else {
                self.out.newline();
                self.top_blank(previous, next, anchor, start, first_break);
                first_break = false;
                self.out.text(&text);
                if before_next {
                    self.out.text(" ");
                    inline = true;
                } else {
                    self.out.newline();
                }
                on_previous_line = false;
            }
            anchor = end;
        }
        if !inline {
            self.out.newline();
            if next.is_some() {
                self.top_blank(previous, next, anchor, limit, first_break);
            }
        }
    }

    /// Blank lines at top level: exactly one after a declaration (and after the last import),
    /// at most one elsewhere, as written.
    fn top_blank(
        &mut self,
        previous: Option<Previous>,
        next: Option<Next>,
        from: usize,
        to: usize,
        first_break: bool,
    ) {
        let as_written = self.src.newlines(from, to) >= 2;
        let blank = match previous {
            Some(p) if first_break => {
                let between_imports = p.import && next.is_some_and(|n| n.import);
                !between_imports || as_written
            }
            _ => as_written,
        };
        if blank {
            self.out.blank();
        }
    }

    /// The comments between two entries of a broken group (or after its opening bracket); ends
    /// on a fresh line, or after inline comments that belong in front of the next entry.
    pub(super) fn inner_gap(&mut self, previous_end: usize, next_start: usize, first: bool) {
        let comments = self.take_before(next_start);
        let mut anchor = previous_end;
        let mut on_previous_line = true;
        let mut nothing_yet = first;
        let mut inline = false;
        for comment in comments {
            let (start, end) = (comment.span.start as usize, comment.span.end as usize);
            let text = normalized(&comment.text);
            let before_next = !self.src.has_newline(end, next_start);
            if on_previous_line && !before_next && !self.src.has_newline(anchor, start) {
                self.out.trailing(&text);
            } else {
                self.out.newline();
                if !nothing_yet && self.src.newlines(anchor, start) >= 2 {
                    self.out.blank();
                }
                self.out.text(&text);
                if before_next {
                    self.out.text(" ");
                    inline = true;
                } else {
                    self.out.newline();
                }
                on_previous_line = false;
                nothing_yet = false;
            }
            anchor = end;
        }
        if !inline {
            self.out.newline();
            if !nothing_yet && self.src.newlines(anchor, next_start) >= 2 {
                self.out.blank();
            }
        }
    }

    /// The comments after the last entry of a broken group, before its closing bracket.
    pub(super) fn final_gap(&mut self, previous_end: usize, close_at: usize, first: bool) {
        let comments = self.take_before(close_at);
        let mut anchor = previous_end;
        let mut on_previous_line = true;
        let mut nothing_yet = first;
        for comment in comments {
            let (start, end) = (comment.span.start as usize, comment.span.end as usize);
            let text = normalized(&comment.text);
            if on_previous_line && !self.src.has_newline(anchor, start) {
                self.out.trailing(&text);
            } else {
                self.out.newline();
                if !nothing_yet && self.src.newlines(anchor, start) >= 2 {
                    self.out.blank();
                }
                self.out.text(&text);
                self.out.newline();
                on_previous_line = false;
                nothing_yet = false;
            }
            anchor = end;
        }
        self.out.newline();
    }
}
