//! Byte offsets (what the compiler uses) to LSP positions and back, in the position encoding
//! agreed with the client: UTF-8 when it offers it, UTF-16 (the LSP default) otherwise.

use k8sc_compiler::db::{Db, File};
use k8sc_grammar::Span;
use tower_lsp_server::ls_types::{Position, Range};

/// How `Position::character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default).
    #[default]
    Utf16,
}

/// Where each line of a text starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        LineIndex { starts }
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> u32 {
        let line = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// The position of a byte offset of `text` (clamped to the text, moved back to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: u32, encoding: Encoding) -> Position {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset as u32);
        let start = self.starts.get(line as usize).copied().unwrap_or(0) as usize;
        let prefix = text.get(start..offset).unwrap_or("");
        let character = match encoding {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.encode_utf16().count(),
        };
        Position::new(line, u32::try_from(character).unwrap_or(u32::MAX))
    }

    /// The byte offset of a position of `text`; positions past the end of a line or of the text
    /// are clamped to it, as the protocol asks.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> u32 {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return u32::try_from(text.len()).unwrap_or(u32::MAX);
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |next| (*next as usize).saturating_sub(1));
        let line = text.get(start as usize..end).unwrap_or("");
        let mut units = 0u32;
        for (index, c) in line.char_indices() {
            if units >= position.character {
                return start + u32::try_from(index).unwrap_or(0);
            }
            units += match encoding {
                Encoding::Utf8 => c.len_utf8() as u32,
                Encoding::Utf16 => c.len_utf16() as u32,
            };
        }
        start + u32::try_from(line.len()).unwrap_or(0)
    }

    /// The range of a span of `text`.
    pub fn range(&self, text: &str, span: Span, encoding: Encoding) -> Range {
        Range::new(
            self.position(text, span.start, encoding),
            self.position(text, span.end, encoding),
        )
    }

    /// The span of a range of `text`.
    pub fn span(&self, text: &str, range: Range, encoding: Encoding) -> Span {
        let start = self.offset(text, range.start, encoding);
        let end = self.offset(text, range.end, encoding);
        Span::new(start as usize, end.max(start) as usize)
    }
}

/// The line index of a file, computed once per text.
#[salsa::tracked(returns(ref))]
pub fn line_index(db: &dyn Db, file: File) -> LineIndex {
    LineIndex::new(file.text(db))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_both_encodings() {
        let text = "a: \"é😀\"\nb\n";
        let index = LineIndex::new(text);
        let after_emoji = text.find("\"\n").unwrap_or(0) as u32;
        assert_eq!(
            index.position(text, after_emoji, Encoding::Utf16),
            Position::new(0, 7)
        );
        assert_eq!(
            index.position(text, after_emoji, Encoding::Utf8),
            Position::new(0, 10)
        );
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let position = index.position(text, after_emoji, encoding);
            assert_eq!(index.offset(text, position, encoding), after_emoji);
        }
        assert_eq!(
            index.position(text, 12, Encoding::Utf16),
            Position::new(1, 0)
        );
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, Position::new(0, 99), Encoding::Utf16), 2);
        assert_eq!(index.offset(text, Position::new(9, 0), Encoding::Utf16), 5);
        assert_eq!(
            index.position(text, 99, Encoding::Utf16),
            Position::new(1, 2)
        );
    }
}
