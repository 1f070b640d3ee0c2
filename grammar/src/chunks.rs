//! Splitting a file into its top-level items, so that an editor re-parses only the item a
//! keystroke changed.
//!
//! A file's items do not influence how each other parse: an item ends at its own closing brace
//! (or line, for an import) and nothing in the grammar looks further. So a file whose items all
//! parse without an error parses as the concatenation of its items, parsed one by one, with their
//! spans moved by where each item starts. Only error recovery looks across items (an unclosed
//! block ends where the next declaration starts), so a caller falls back to parsing the whole
//! file whenever an item has an error.
//!
//! [`split_items`] cuts conservatively: at the start of a line, outside any bracket, string or
//! comment, right after a line of code that carries no comment (so a `///` doc comment always
//! stays with the declaration below it); the blank and comment lines between two items go with
//! the second. Text it cannot cut cleanly (an unclosed bracket, string or comment) is one chunk.

use crate::ast::{
    Allow, Block, BlockItem, Decl, Field, Ident, Import, ImportTarget, Item, Param, RequireBlock,
    Value, ValueKind,
};
use crate::comments::Comment;
use crate::lexical::{RegionKind, regions};
use crate::parser::ParseResult;
use crate::span::Span;

/// The byte offsets at which the top-level items of `text` start: the first is always 0, and each
/// chunk `offsets[i]..offsets[i + 1]` (the last one to the end) holds one item with the blank and
/// comment lines above it. One chunk (`[0]`) when the text cannot be cut cleanly.
pub fn split_items(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut cuts = vec![0];
    let mut depth: i64 = 0;
    // Whether the current line has code, and whether it has a comment (or a string running
    // onto the next line), so far.
    let mut line_has_code = false;
    let mut line_is_clean = true;
    // The start of the line after the last line with code, if it can be cut at.
    let mut after_code: Option<usize> = None;
    let mut seen_code = false;
    for region in regions(text) {
        let range = region.range.clone();
        match region.kind {
            RegionKind::Code => {
                for at in range {
                    let byte = bytes[at];
                    match byte {
                        b'\n' => {
                            if line_has_code {
                                after_code = (depth == 0 && line_is_clean).then_some(at + 1);
                            }
                            line_has_code = false;
                            line_is_clean = true;
                        }
                        b' ' | b'\t' | b'\r' => {}
                        _ => {
                            if !line_has_code && depth == 0 && seen_code {
                                // A line of code outside any bracket: a new item starts, and
                                // the trivia above it belongs to it.
                                // (No cut after a line ending in a comment: the item
                                // above keeps this one.)
                                if let Some(cut) = after_code
                                    && cut > *cuts.last().unwrap_or(&0)
                                {
                                    cuts.push(cut);
                                }
                            }
                            line_has_code = true;
                            seen_code = true;
                            match byte {
                                b'{' | b'[' | b'(' => depth += 1,
                                b'}' | b']' | b')' => depth -= 1,
                                _ => {}
                            }
                            if depth < 0 {
                                return vec![0];
                            }
                        }
                    }
                }
            }
            RegionKind::Comment => {
                line_is_clean = false;
                if text[range].contains('\n') {
                    // A block comment over several lines: what follows it is on a new line.
                    if line_has_code {
                        after_code = None;
                    }
                    line_has_code = false;
                }
            }
            RegionKind::Str => {
                line_has_code = true;
                seen_code = true;
                if text[range].contains('\n') {
                    line_is_clean = false;
                }
            }
        }
    }
    if depth != 0 {
        return vec![0];
    }
    cuts
}

/// The chunks of `text` ([`split_items`]), each with the offset it starts at.
pub fn item_texts(text: &str) -> Vec<(usize, &str)> {
    let cuts = split_items(text);
    cuts.iter()
        .enumerate()
        .map(|(i, start)| {
            let end = cuts.get(i + 1).copied().unwrap_or(text.len());
            (*start, &text[*start..end])
        })
        .collect()
}

/// Joins the parses of a file's chunks into the parse of the file: `parts` are `(offset, parse)`
/// in order, each parse's spans relative to its chunk.
pub fn join_parts<'a>(parts: impl IntoIterator<Item = (usize, &'a ParseResult)>) -> ParseResult {
    let mut out = ParseResult::default();
    for (offset, part) in parts {
        let by = u32::try_from(offset).unwrap_or(u32::MAX);
        out.file
            .items
            .extend(part.file.items.iter().cloned().map(|mut item| {
                item.shift(by);
                item
            }));
        out.errors.extend(part.errors.iter().cloned().map(|mut e| {
            e.span = e.span.shifted(by);
            if let Some((span, _)) = &mut e.related {
                *span = span.shifted(by);
            }
            e
        }));
        out.comments
            .extend(part.comments.iter().map(|comment| Comment {
                text: comment.text.clone(),
                span: comment.span.shifted(by),
            }));
    }
    out
}

/// Moving every span of a tree by a number of bytes.
trait Shift {
    fn shift(&mut self, by: u32);
}

impl Shift for Span {
    fn shift(&mut self, by: u32) {
        *self = self.shifted(by);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: u32) {
        if let Some(inner) = self {
            inner.shift(by);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: u32) {
        for inner in self {
            inner.shift(by);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, by: u32) {
        (**self).shift(by);
    }
}

impl Shift for Item {
    fn shift(&mut self, by: u32) {
        match self {
            Item::Import(import) => import.shift(by),
            Item::Decl(decl) => std::sync::Arc::make_mut(decl).shift(by),
        }
    }
}

impl Shift for Import {
    fn shift(&mut self, by: u32) {
        match &mut self.target {
            ImportTarget::Module(path) => path.shift(by),
            ImportTarget::Relative { span, .. } => span.shift(by),
        }
        self.selection.shift(by);
        self.span.shift(by);
    }
}

impl Shift for Ident {
    fn shift(&mut self, by: u32) {
        self.span.shift(by);
    }
}

impl Shift for Decl {
    fn shift(&mut self, by: u32) {
        self.keyword_span.shift(by);
        self.name.shift(by);
        self.params.shift(by);
        self.parent.shift(by);
        self.body.shift(by);
        self.span.shift(by);
    }
}

impl Shift for Param {
    fn shift(&mut self, by: u32) {
        self.name.shift(by);
        self.ty.shift(by);
        self.span.shift(by);
    }
}

impl Shift for Block {
    fn shift(&mut self, by: u32) {
        self.items.shift(by);
        self.span.shift(by);
    }
}

impl Shift for BlockItem {
    fn shift(&mut self, by: u32) {
        match self {
            BlockItem::Field(field) => field.shift(by),
            BlockItem::Require(require) => require.shift(by),
            BlockItem::Allow(allow) => allow.shift(by),
        }
    }
}

impl Shift for Field {
    fn shift(&mut self, by: u32) {
        for key in &mut self.key {
            key.span.shift(by);
        }
        self.value.shift(by);
        self.span.shift(by);
    }
}

impl Shift for RequireBlock {
    fn shift(&mut self, by: u32) {
        for rule in &mut self.rules {
            rule.condition.shift(by);
            if let Some(message) = &mut rule.message {
                message.span.shift(by);
            }
            rule.span.shift(by);
        }
        self.keyword_span.shift(by);
        self.span.shift(by);
    }
}

impl Shift for Allow {
    fn shift(&mut self, by: u32) {
        self.name.shift(by);
        self.reason.span.shift(by);
        self.keyword_span.shift(by);
        self.span.shift(by);
    }
}

impl Shift for Value {
    fn shift(&mut self, by: u32) {
        self.span.shift(by);
        match &mut self.kind {
            ValueKind::Str(_) | ValueKind::Bool(_) => {}
            ValueKind::Number(number) => number.unit_span.shift(by),
            ValueKind::Path(path) => path.shift(by),
            ValueKind::List(values) | ValueKind::Tuple(values) => values.shift(by),
            ValueKind::Block(block) => block.shift(by),
            ValueKind::Apply { head, args, block } => {
                head.shift(by);
                args.shift(by);
                block.shift(by);
            }
            ValueKind::WithBlock { base, block } => {
                base.shift(by);
                block.shift(by);
            }
            ValueKind::Call { callee, args } => {
                callee.shift(by);
                args.shift(by);
            }
            ValueKind::Range { start, end } => {
                start.shift(by);
                end.shift(by);
            }
            ValueKind::Unary { operand, .. } => operand.shift(by),
            ValueKind::Binary {
                op_span, lhs, rhs, ..
            } => {
                op_span.shift(by);
                lhs.shift(by);
                rhs.shift(by);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn chunks(text: &str) -> Vec<&str> {
        item_texts(text).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn items_are_cut_with_the_trivia_above_them() {
        let text = "import std.tiers\n\n/// The web.\nservice web {\n  port: http 80\n}\n\n// x\nworker w { image: \"a\" }\n";
        assert_eq!(
            chunks(text),
            [
                "import std.tiers\n",
                "\n/// The web.\nservice web {\n  port: http 80\n}\n",
                "\n// x\nworker w { image: \"a\" }\n"
            ]
        );
    }

    #[test]
    fn a_line_ending_in_a_comment_is_not_cut_after() {
        // `/// doc` after a closing brace is the next declaration's doc comment.
        let text = "service a {\n} /// doc\nservice b {\n}\n";
        assert_eq!(chunks(text), [text]);
    }

    #[test]
    fn text_that_does_not_close_is_one_chunk() {
        for text in [
            "service a {\nservice b {\n}\n",
            "service a {\n}\n}\nservice b {}\n",
            "/* open\nservice b {}\n",
        ] {
            assert_eq!(split_items(text), [0], "{text:?}");
        }
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = "service a {\n  image: \"{[(\" // }\n  /* } */\n}\nservice b {}\n";
        assert_eq!(chunks(text).len(), 2);
    }

    #[test]
    fn joined_parts_equal_the_whole_parse() {
        let text = "import std.tiers.production\n\n/// The web.\n/// Two lines.\nservice web {\n  port: http 8080\n  replicas: 2..4\n  calls: [api { methods: [GET] }]\n  require { replicas.min >= 2 \"x\" }\n  allow pinned_images because \"r\"\n}\n\n\ntier t: production { cpu: 1 }\n";
        let parts: Vec<(usize, ParseResult)> = item_texts(text)
            .into_iter()
            .map(|(at, item)| (at, parse(item)))
            .collect();
        assert_eq!(parts.len(), 3);
        let joined = join_parts(parts.iter().map(|(o, p)| (*o, p)));
        assert_eq!(joined, parse(text));
    }
}
