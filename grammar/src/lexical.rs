//! A linear pass that splits text into code, strings and comments.
//!
//! The grammar drops comments, so the comment list (for doc comments, and later the formatter)
//! and the bracket-nesting guard both need to know which bytes are code without running the full
//! parser. Unterminated strings end at the end of their line, as in the grammar.

/// What a stretch of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegionKind {
    /// Anything outside strings and comments.
    Code,
    /// A `"…"` or `"""…"""` literal, quotes included.
    Str,
    /// A `//` comment (up to, not including, the newline) or a `/* … */` comment (which nests).
    Comment,
}

/// A stretch of text of one kind, as a byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Region {
    pub kind: RegionKind,
    pub range: std::ops::Range<usize>,
}

/// Splits `text` into regions covering it completely, in order.
pub(crate) fn regions(text: &str) -> Vec<Region> {
    let bytes = text.as_bytes();
    let mut out: Vec<Region> = Vec::new();
    let mut push = |kind: RegionKind, start: usize, end: usize| {
        if start >= end {
            return;
        }
        if let Some(last) = out.last_mut()
            && last.kind == kind
            && kind == RegionKind::Code
            && last.range.end == start
        {
            last.range.end = end;
            return;
        }
        out.push(Region {
            kind,
            range: start..end,
        });
    };
    let mut i = 0;
    let mut code_start = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (kind, end) = if rest.starts_with(b"//") {
            let end = find_from(bytes, i, b"\n").unwrap_or(bytes.len());
            (RegionKind::Comment, end)
        } else if rest.starts_with(b"/*") {
            (RegionKind::Comment, block_comment_end(bytes, i + 2))
        } else if rest.starts_with(b"\"\"\"") {
            let end = find_from(bytes, i + 3, b"\"\"\"").map_or(bytes.len(), |e| e + 3);
            (RegionKind::Str, end)
        } else if rest[0] == b'"' {
            (RegionKind::Str, string_end(bytes, i + 1))
        } else {
            i += 1;
            continue;
        };
        push(RegionKind::Code, code_start, i);
        push(kind, i, end);
        i = end;
        code_start = end;
    }
    push(RegionKind::Code, code_start, bytes.len());
    out
}

/// The end of a block comment whose `/*` ends just before `i`: after its matching `*/` (block
/// comments nest, as in the grammar), or the end of the text if it is unterminated.
fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 1usize;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else if bytes[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// The end of a one-line string starting after its opening quote: after the closing quote, or at
/// the end of the line if it is unterminated.
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn find_from(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(RegionKind, &str)> {
        regions(text)
            .into_iter()
            .map(|r| (r.kind, &text[r.range]))
            .collect()
    }

    #[test]
    fn splits_code_strings_and_comments() {
        assert_eq!(
            kinds("a: \"x // y\" // c\nb /* d */ \"\"\"e\n\"\"\""),
            vec![
                (RegionKind::Code, "a: "),
                (RegionKind::Str, "\"x // y\""),
                (RegionKind::Code, " "),
                (RegionKind::Comment, "// c"),
                (RegionKind::Code, "\nb "),
                (RegionKind::Comment, "/* d */"),
                (RegionKind::Code, " "),
                (RegionKind::Str, "\"\"\"e\n\"\"\""),
            ]
        );
    }

    #[test]
    fn unterminated_string_ends_at_line_end() {
        assert_eq!(
            kinds("\"abc\nd"),
            vec![(RegionKind::Str, "\"abc"), (RegionKind::Code, "\nd")]
        );
    }

    #[test]
    fn block_comments_nest_as_in_the_grammar() {
        assert_eq!(
            kinds("/* a /* b */ c */x"),
            vec![
                (RegionKind::Comment, "/* a /* b */ c */"),
                (RegionKind::Code, "x")
            ]
        );
        assert_eq!(
            kinds("/* a /* b */"),
            vec![(RegionKind::Comment, "/* a /* b */")]
        );
    }

    #[test]
    fn escaped_quote_stays_in_string() {
        assert_eq!(kinds(r#""a\"b""#), vec![(RegionKind::Str, r#""a\"b""#)]);
    }
}
