//! The tree walk that writes a file in the canonical layout.
//!
//! The walk is in source order, so that comments (see [`super::placement`]) can be written as it
//! passes them.
//!
//! A group — a block, list, call, parameter list, import set, `require` block or parenthesised
//! expression — is written on one line when it was written on one line, holds no comment and fits
//! in [`WIDTH`] columns; otherwise it is broken, one entry per line.

use super::comments::doc_chain_start;
use super::lines::{Lines, width};
use super::placement::{Next, Previous};
use super::source::{Source, Window};
use crate::ast::{
    Allow, Block, BlockItem, Decl, Field, Ident, Import, ImportTarget, Item, Param, RequireBlock,
    RequireRule, SourceFile, Value,
};
use crate::span::Span;

/// The line width the layout aims for.
pub const WIDTH: usize = 100;

/// One entry of a bracketed group.
#[derive(Clone, Copy)]
pub(super) enum Entry<'a> {
    /// A field, `require` block or `allow` exception of a block.
    Item(&'a BlockItem),
    /// A rule of a `require` block.
    Rule(&'a RequireRule),
    /// An element of a list or an argument of a call, searched for parentheses inside the window.
    Value(&'a Value, Window),
    /// The expression inside a pair of parentheses (which are the group itself).
    Bare(&'a Value, Window),
    /// A parameter of a declaration, with the window of the parameter list.
    Param(&'a Param, Window),
    /// A name picked by an import.
    Name(&'a Ident),
}

/// A bracketed group: its brackets, where they are, and its entries.
pub(super) struct Group<'a> {
    /// The opening bracket.
    pub open: &'static str,
    /// The closing bracket.
    pub close: &'static str,
    /// Whether the one-line form has spaces inside the brackets (`{ a: 1 }`, not `[a]`).
    pub pad: bool,
    /// Whether entries of the broken form end with a comma (lists, calls, parameters, imports).
    pub commas: bool,
    /// The offset of the opening bracket.
    pub open_at: usize,
    /// The offset of the closing bracket.
    pub close_at: usize,
    /// The entries in order.
    pub entries: Vec<Entry<'a>>,
}

/// Writes one file.
pub(super) struct Printer<'s> {
    pub(super) src: &'s Source<'s>,
    pub(super) next_comment: usize,
    pub(super) out: Lines,
    /// Set for the printer that renders a group's one-line form: groups never break.
    pub(super) flat: bool,
}

impl<'s> Printer<'s> {
    /// A printer for `src`.
    pub fn new(src: &'s Source<'s>) -> Printer<'s> {
        Printer {
            src,
            next_comment: 0,
            out: Lines::default(),
            flat: false,
        }
    }

    /// Writes the file and returns the text.
    pub fn file(mut self, file: &SourceFile) -> String {
        let mut previous: Option<Previous> = None;
        for item in &file.items {
            let (span, import, doc_from) = match item {
                Item::Import(import) => (self.src.trim(import.span), true, None),
                Item::Decl(decl) => (
                    decl.span,
                    false,
                    decl.doc.as_ref().and_then(|_| {
                        doc_chain_start(self.src.text, self.src.comments, decl.span.start as usize)
                    }),
                ),
            };
            let next = Next {
                start: span.start as usize,
                import,
                doc_from,
            };
            self.top_gap(previous, Some(next));
            match item {
                Item::Import(import) => self.import(import),
                Item::Decl(decl) => self.decl(decl),
            }
            previous = Some(Previous {
                end: span.end as usize,
                import,
            });
        }
        self.top_gap(previous, None);
        self.out.finish()
    }

    // -- groups -----------------------------------------------------------------------------

    /// Writes a group on one line if it may stay there, broken otherwise.
    pub(super) fn group(&mut self, group: Group<'_>) {
        self.flush_inline(group.open_at);
        if self.flat {
            self.flat_group(&group);
            return;
        }
        let (open, close) = (group.open_at, group.close_at + 1);
        let quiet = !self.src.has_comment_within(open, close);
        let empty = group.entries.is_empty();
        if quiet && (empty || !self.src.has_newline(open, close)) {
            let mut one_line = Printer {
                src: self.src,
                next_comment: self.next_comment,
                out: Lines::default(),
                flat: true,
            };
            one_line.flat_group(&group);
            let text = one_line.out.into_code();
            if empty || self.out.column() + width(&text) <= WIDTH {
                self.out.text(&text);
                return;
            }
        }
        self.broken_group(&group);
    }

    fn flat_group(&mut self, group: &Group<'_>) {
        self.out.text(group.open);
        if group.entries.is_empty() {
            self.out.text(group.close);
            return;
        }
        if group.pad {
            self.out.text(" ");
        }
        for (i, entry) in group.entries.iter().enumerate() {
            if i > 0 {
                self.out.text(", ");
            }
            self.entry(*entry);
        }
        if group.pad {
            self.out.text(" ");
        }
        self.out.text(group.close);
    }

    fn broken_group(&mut self, group: &Group<'_>) {
        self.out.text(group.open);
        self.out.indent();
        let mut previous_end = group.open_at + 1;
        for (i, entry) in group.entries.iter().enumerate() {
            let span = self.entry_span(*entry);
            self.inner_gap(previous_end, span.start as usize, i == 0);
            self.entry(*entry);
            if group.commas {
                self.out.text(",");
            }
            previous_end = span.end as usize;
        }
        self.final_gap(previous_end, group.close_at, group.entries.is_empty());
        self.out.dedent();
        self.out.text(group.close);
    }

    /// Where an entry is in the source, its own parentheses included.
    fn entry_span(&self, entry: Entry<'_>) -> Span {
        match entry {
            Entry::Item(item) => self.src.trim(item_span(item)),
            Entry::Rule(rule) => self.src.trim(rule.span),
            Entry::Value(value, window) => self.outer_span(value, window),
            Entry::Bare(value, window) => self.bare_span(value, window),
            Entry::Param(param, _) => self.src.trim(param.span),
            Entry::Name(name) => name.span,
        }
    }

    fn entry(&mut self, entry: Entry<'_>) {
        match entry {
            Entry::Item(item) => self.block_item(item),
            Entry::Rule(rule) => self.rule(rule),
            Entry::Value(value, window) => self.value(value, window),
            Entry::Bare(value, window) => self.bare(value, window),
            Entry::Param(param, window) => self.param(param, window),
            Entry::Name(name) => {
                self.flush_inline(name.span.start as usize);
                self.out.text(&name.name);
            }
        }
    }

    // -- items ------------------------------------------------------------------------------

    fn import(&mut self, import: &Import) {
        self.flush_inline(import.span.start as usize);
        self.out.text("import ");
        let (target, target_span) = match &import.target {
            ImportTarget::Module(path) => (
                dotted(path),
                match (path.first(), path.last()) {
                    (Some(first), Some(last)) => first.span.to(last.span),
                    _ => import.span,
                },
            ),
            ImportTarget::Relative { path, span } => (path.clone(), *span),
        };
        self.flush_inline(target_span.start as usize);
        self.out.text(&target);
        let Some(selection) = &import.selection else {
            return;
        };
        let dot = self
            .src
            .find_next(target_span.end as usize, b'.', false)
            .unwrap_or(target_span.end as usize);
        self.flush_inline(dot);
        self.out.text(".");
        let end = self.src.trim(import.span).end as usize;
        match self.src.find_next(dot + 1, b'{', false) {
            Some(open) => self.group(Group {
                open: "{",
                close: "}",
                pad: false,
                commas: true,
                open_at: open,
                close_at: end.saturating_sub(1).max(open),
                entries: selection.iter().map(Entry::Name).collect(),
            }),
            None => {
                for name in selection {
                    self.flush_inline(name.span.start as usize);
                    self.out.text(&name.name);
                }
            }
        }
    }

    fn decl(&mut self, decl: &Decl) {
        self.flush_inline(decl.span.start as usize);
        self.out.text(decl.kind.keyword());
        let mut header_end = decl.keyword_span.end as usize;
        if let Some(name) = &decl.name {
            self.out.text(" ");
            self.flush_inline(name.span.start as usize);
            self.out.text(&name.name);
            header_end = name.span.end as usize;
        }
        if let Some(params) = &decl.params {
            let open = self
                .src
                .find_next(header_end, b'(', false)
                .unwrap_or(header_end);
            let after = params.last().map_or(open + 1, |p| p.span.end as usize);
            let close = self.src.find_next(after, b')', true).unwrap_or(after);
            let window = Window::new(open + 1, close);
            self.group(Group {
                open: "(",
                close: ")",
                pad: false,
                commas: true,
                open_at: open,
                close_at: close,
                entries: params.iter().map(|p| Entry::Param(p, window)).collect(),
            });
        }
        if let Some(parent) = &decl.parent {
            self.out.text(": ");
            self.flush_inline(parent.span.start as usize);
            self.out.text(&parent.name);
        }
        self.out.text(" ");
        self.block(&decl.body);
    }

    fn param(&mut self, param: &Param, window: Window) {
        self.flush_inline(param.span.start as usize);
        self.out.text(&param.name.name);
        if let Some(ty) = &param.ty {
            self.out.text(": ");
            self.value(ty, Window::new(param.name.span.end as usize, window.hi));
        }
    }

    /// A block: `{ … }`.
    pub(super) fn block(&mut self, block: &Block) {
        let close = (block.span.end as usize).saturating_sub(1);
        self.group(Group {
            open: "{",
            close: "}",
            pad: true,
            commas: false,
            open_at: block.span.start as usize,
            close_at: close.max(block.span.start as usize),
            entries: block.items.iter().map(Entry::Item).collect(),
        });
    }

    fn block_item(&mut self, item: &BlockItem) {
        match item {
            BlockItem::Field(field) => self.field(field),
            BlockItem::Require(require) => self.require(require),
            BlockItem::Allow(allow) => self.allow(allow),
        }
    }

    fn field(&mut self, field: &Field) {
        self.flush_inline(field.span.start as usize);
        let parts: Vec<&str> = field
            .key
            .iter()
            .map(|k| {
                if k.quoted {
                    self.src.slice(k.span)
                } else {
                    k.name.as_str()
                }
            })
            .collect();
        self.out.text(&parts.join("."));
        match &field.value.kind {
            crate::ast::ValueKind::Block(block) if !field.has_colon => {
                self.out.text(" ");
                self.block(block);
            }
            // `patch Deployment { … }`: the target follows the key without a colon.
            crate::ast::ValueKind::Apply { .. } if !field.has_colon => {
                self.out.text(" ");
                let window = Window::new(field.key_span().end as usize, field.span.end as usize);
                self.value(&field.value, window);
            }
            _ => {
                self.out.text(": ");
                let window = Window::new(field.key_span().end as usize, field.span.end as usize);
                self.value(&field.value, window);
            }
        }
    }

    fn require(&mut self, require: &RequireBlock) {
        self.flush_inline(require.span.start as usize);
        self.out.text("require ");
        let keyword_end = require.keyword_span.end as usize;
        let open = self
            .src
            .find_next(keyword_end, b'{', false)
            .unwrap_or(keyword_end);
        let close = (require.span.end as usize).saturating_sub(1).max(open);
        self.group(Group {
            open: "{",
            close: "}",
            pad: true,
            commas: false,
            open_at: open,
            close_at: close,
            entries: require.rules.iter().map(Entry::Rule).collect(),
        });
    }

    fn rule(&mut self, rule: &RequireRule) {
        self.value(&rule.condition, Window::of(rule.span));
        if let Some(message) = &rule.message {
            self.flush_inline(message.span.start as usize);
            let text = self.src.slice(message.span);
            if self.flat {
                self.out.space();
                self.out.text(text);
            } else {
                self.out.message(text);
            }
        }
    }

    fn allow(&mut self, allow: &Allow) {
        self.flush_inline(allow.span.start as usize);
        self.out.text("allow ");
        self.flush_inline(allow.name_span().start as usize);
        self.out.text(&allow.name_text());
        self.out.text(" because ");
        self.flush_inline(allow.reason.span.start as usize);
        self.out.text(self.src.slice(allow.reason.span));
    }
}

/// The span of a block item.
fn item_span(item: &BlockItem) -> Span {
    match item {
        BlockItem::Field(field) => field.span,
        BlockItem::Require(require) => require.span,
        BlockItem::Allow(allow) => allow.span,
    }
}

/// Identifiers joined with dots.
pub(super) fn dotted(path: &[Ident]) -> String {
    let parts: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
    parts.join(".")
}
