//! Values and expressions.
//!
//! Literals are written exactly as in the source (strings with their escapes, raw strings
//! verbatim, numbers with their units). Operators get one space on each side, `..` none.
//! Parentheses written in the source are kept (a redundant double pair counts once) and none are
//! added: the printed tokens are the source's tokens, so the expression parses back to the same
//! tree.

use super::printer::{Entry, Group, Printer, dotted};
use super::source::Window;
use crate::ast::{Value, ValueKind};
use crate::span::Span;

impl Printer<'_> {
    /// Writes a value, with the parentheses the source wrote around it (searched inside `window`).
    pub(super) fn value(&mut self, value: &Value, window: Window) {
        if let Some((open, close)) = self.own_parens(value, window) {
            self.group(Group {
                open: "(",
                close: ")",
                pad: false,
                commas: false,
                open_at: open,
                close_at: close,
                entries: vec![Entry::Bare(value, Window::new(open + 1, close))],
            });
        } else {
            self.bare(value, window);
        }
    }

    /// The span of a value with its own parentheses, and those of its leftmost and rightmost
    /// operands, included.
    pub(super) fn outer_span(&self, value: &Value, window: Window) -> Span {
        // One `bare_span` per level: computing it twice would be exponential in the depth.
        let bare = self.bare_span(value, window);
        match self.src.own_parens(bare, window) {
            Some((open, close)) => Span::new(open, close + 1),
            None => bare,
        }
    }

    /// The parentheses the source wrote around a value: searched around the value *with* the
    /// parentheses of its operands, since a value's span stops at its last operand's.
    fn own_parens(&self, value: &Value, window: Window) -> Option<(usize, usize)> {
        self.src.own_parens(self.bare_span(value, window), window)
    }

    /// The span of a value without its own parentheses but with its operands'.
    pub(super) fn bare_span(&self, value: &Value, window: Window) -> Span {
        match &value.kind {
            ValueKind::Binary { lhs, rhs, .. }
            | ValueKind::Range {
                start: lhs,
                end: rhs,
            } => {
                let (left, right) = operand_windows(lhs, rhs, value, window);
                let start = self.outer_span(lhs, left).start;
                let end = self.outer_span(rhs, right).end;
                Span {
                    start: start.min(value.span.start),
                    end: end.max(value.span.end),
                }
            }
            ValueKind::Unary { operand, .. } => {
                let inner = Window::new(value.span.start as usize + 3, window.hi);
                let end = self.outer_span(operand, inner).end;
                Span {
                    start: value.span.start,
                    end: end.max(value.span.end),
                }
            }
            _ => value.span,
        }
    }

    /// Writes a value without its own parentheses.
    pub(super) fn bare(&mut self, value: &Value, window: Window) {
        let start = value.span.start as usize;
        match &value.kind {
            ValueKind::Str(_) => {
                self.flush_inline(start);
                self.out.text(self.src.slice(value.span));
            }
            ValueKind::Bool(b) => {
                self.flush_inline(start);
                self.out.text(if *b { "true" } else { "false" });
            }
            ValueKind::Number(n) => {
                self.flush_inline(start);
                self.out.text(&n.text);
                self.out.text(n.unit.as_deref().unwrap_or(""));
            }
            ValueKind::Path(path) => {
                self.flush_inline(start);
                self.out.text(&dotted(path));
            }
            ValueKind::List(items) => {
                let close = (value.span.end as usize).saturating_sub(1).max(start);
                let inner = Window::new(start + 1, close);
                self.group(Group {
                    open: "[",
                    close: "]",
                    pad: false,
                    commas: true,
                    open_at: start,
                    close_at: close,
                    entries: items.iter().map(|v| Entry::Value(v, inner)).collect(),
                });
            }
            ValueKind::Block(block) => self.block(block),
            ValueKind::Apply { head, args, block } => {
                self.flush_inline(start);
                self.out.text(&head.name);
                let inner = Window::of(value.span);
                for arg in args {
                    self.out.text(" ");
                    self.value(arg, inner);
                }
                if let Some(block) = block {
                    self.out.text(" ");
                    self.block(block);
                }
            }
            ValueKind::WithBlock { base, block } => {
                let inner = Window::new(start, block.span.start as usize);
                self.value(base, inner);
                self.out.text(" ");
                self.block(block);
            }
            ValueKind::Call { callee, args } => {
                self.flush_inline(start);
                self.out.text(&dotted(callee));
                let callee_end = callee.last().map_or(start, |c| c.span.end as usize);
                let open = self
                    .src
                    .find_next(callee_end, b'(', false)
                    .unwrap_or(callee_end);
                let close = (value.span.end as usize).saturating_sub(1).max(open);
                let inner = Window::new(open + 1, close);
                self.group(Group {
                    open: "(",
                    close: ")",
                    pad: false,
                    commas: true,
                    open_at: open,
                    close_at: close,
                    entries: args.iter().map(|v| Entry::Value(v, inner)).collect(),
                });
            }
            ValueKind::Range {
                start: lhs,
                end: rhs,
            } => {
                let (left, right) = operand_windows(lhs, rhs, value, window);
                self.value(lhs, left);
                self.out.text("..");
                self.value(rhs, right);
            }
            ValueKind::Unary { operand, .. } => {
                self.flush_inline(start);
                self.out.text("not ");
                let inner = Window::new(start + 3, window.hi);
                self.value(operand, inner);
            }
            ValueKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => {
                let (left, right) = operand_windows(lhs, rhs, value, window);
                self.value(lhs, left);
                self.out.text(" ");
                self.flush_inline(op_span.start as usize);
                self.out.text(op.symbol());
                self.out.text(" ");
                self.value(rhs, right);
            }
        }
    }
}

/// The windows in which the parentheses of the two operands of an infix expression are searched:
/// each stops at the other operand.
fn operand_windows(lhs: &Value, rhs: &Value, value: &Value, window: Window) -> (Window, Window) {
    let (left_hi, right_lo) = match &value.kind {
        ValueKind::Binary { op_span, .. } => (op_span.start as usize, op_span.end as usize),
        _ => (rhs.span.start as usize, lhs.span.end as usize),
    };
    (
        Window::new(window.lo, left_hi),
        Window::new(right_lo, window.hi),
    )
}
