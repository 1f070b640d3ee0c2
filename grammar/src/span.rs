//! Byte ranges into a source file.
//!
//! Spans are byte offsets (what pest produces and what ariadne renders with `IndexType::Byte`);
//! line and column are computed only when a diagnostic is displayed.

/// A half-open byte range `start..end` into one file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets; offsets beyond `u32::MAX` are clamped (files that large are
    /// rejected before parsing).
    pub fn new(start: usize, end: usize) -> Span {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The span moved `by` bytes further into the file (a part parsed on its own, put back in
    /// place).
    pub fn shifted(self, by: u32) -> Span {
        Span {
            start: self.start.saturating_add(by),
            end: self.end.saturating_add(by),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// An empty span at this span's start.
    pub fn shrink_to_start(self) -> Span {
        Span {
            start: self.start,
            end: self.start,
        }
    }

    /// An empty span at this span's end.
    pub fn shrink_to_end(self) -> Span {
        Span {
            start: self.end,
            end: self.end,
        }
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the span (end inclusive, so a cursor just after a token counts).
    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// The span as a `usize` range, for slicing and rendering.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// A sub-span given by a byte range relative to this span's start, clamped to this span.
    pub fn slice(self, range: std::ops::Range<usize>) -> Span {
        let start = (self.start as usize + range.start).min(self.end as usize);
        let end = (self.start as usize + range.end).clamp(start, self.end as usize);
        Span::new(start, end)
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(span: pest::Span<'_>) -> Span {
        Span::new(span.start(), span.end())
    }
}
