//! Where a byte offset of a file falls, in lines and characters, found from an index of the
//! file's line starts built once per file: counting from the start of the file for every label
//! made rendering the diagnostics of one large file quadratic (80,000 warned services in one
//! 6.7 MB file). Within a line, characters are counted from the nearest checkpoint (one every
//! [`CHECKPOINT_BYTES`]), not from the line's start: many labels on one long line (a 2 MB list on
//! one line) cost a bounded count each, not the line's length.

use super::{Diagnostic, SourceLookup};
use std::collections::BTreeMap;

/// The bytes between two checkpoints of the character count (at most: each is on the first
/// character boundary at or after its place).
const CHECKPOINT_BYTES: usize = 256;

/// A file's text with the byte offset and the character count at the start of each line, and the
/// character count at checkpoints along the text.
pub(crate) struct Positions {
    text: String,
    /// The byte offset of each line's start (the first is 0).
    line_starts: Vec<usize>,
    /// The characters before each line's start.
    chars_before: Vec<usize>,
    /// Byte offsets (character boundaries, about [`CHECKPOINT_BYTES`] apart, the first 0) with
    /// the characters before each.
    checkpoints: Vec<(usize, usize)>,
}

impl Positions {
    /// Indexes `text`'s lines (one pass over it).
    pub fn new(text: String) -> Positions {
        crate::work::scan_source(text.len());
        let mut line_starts = vec![0];
        let mut chars_before = vec![0];
        let mut checkpoints = vec![(0, 0)];
        let mut next_checkpoint = CHECKPOINT_BYTES;
        let mut chars = 0;
        for (offset, c) in text.char_indices() {
            if offset >= next_checkpoint {
                checkpoints.push((offset, chars));
                next_checkpoint = offset + CHECKPOINT_BYTES;
            }
            chars += 1;
            if c == '\n' {
                line_starts.push(offset + 1);
                chars_before.push(chars);
            }
        }
        Positions {
            text,
            line_starts,
            chars_before,
            checkpoints,
        }
    }

    /// The text indexed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The files the diagnostics' labels point into, each read once and indexed.
    pub fn of_files(
        diagnostics: &[Diagnostic],
        sources: &dyn SourceLookup,
    ) -> BTreeMap<String, Positions> {
        let mut files = BTreeMap::new();
        for diagnostic in diagnostics {
            for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
                if !files.contains_key(&label.file) {
                    let text = sources.source_text(&label.file).unwrap_or_default();
                    files.insert(label.file.clone(), Positions::new(text));
                }
            }
        }
        files
    }

    /// The 0-based line of a byte offset (clamped to the text), and where that line starts.
    fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1)
    }

    /// The characters before a byte offset, which must be on a character boundary of the text:
    /// counted from its line's start or the checkpoint before it, whichever is nearer.
    pub fn char_offset(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let index = self
            .checkpoints
            .partition_point(|(at, _)| *at <= offset)
            .saturating_sub(1);
        let checkpoint = self.checkpoints.get(index).copied().unwrap_or((0, 0));
        let line_start = (self.line_starts[line], self.chars_before[line]);
        let (at, chars) = checkpoint.max(line_start);
        crate::work::scan_source(offset.saturating_sub(at));
        chars + self.text.get(at..offset).map_or(0, |s| s.chars().count())
    }

    /// 1-based line and column (in characters) of a byte offset, clamped to the text and moved
    /// back to a character boundary.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let column = self.char_offset(offset) - self.chars_before[line];
        (line + 1, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::Positions;

    /// What counting from the start of the text gives.
    fn counted(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    #[test]
    fn every_offset_gives_what_counting_from_the_start_gives() {
        let long = format!("{}\n{}é\n", "ü€a".repeat(300), "x".repeat(700));
        for text in [
            "",
            "a",
            "\n",
            "ab\ncd\n",
            "é\n\nü x\r\n€",
            "\n\n",
            long.as_str(),
        ] {
            let positions = Positions::new(text.to_string());
            for offset in 0..=text.len() {
                if !text.is_char_boundary(offset) {
                    continue;
                }
                assert_eq!(
                    positions.line_column(offset),
                    counted(text, offset),
                    "{text:?} {offset}"
                );
                assert_eq!(
                    positions.char_offset(offset),
                    text[..offset].chars().count()
                );
            }
            assert_eq!(
                positions.line_column(text.len() + 5),
                counted(text, text.len())
            );
        }
    }
}
