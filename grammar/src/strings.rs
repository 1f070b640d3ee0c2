//! String literal contents: escapes in `"…"` and indentation in `"""…"""`.

use crate::span::Span;
use crate::syntax_error::SyntaxError;

/// Unescapes the text between the quotes of a `"…"` literal that starts at byte `offset` of the
/// file (the offset of the first content byte). Invalid escapes are reported and kept as written.
pub(crate) fn unescape(text: &str, offset: usize, errors: &mut Vec<SyntaxError>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, escaped)) = chars.next() else {
            out.push('\\');
            break;
        };
        match escaped {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            'u' => {
                let rest = &text[i + 2..];
                match parse_unicode_escape(rest) {
                    Some((ch, used)) => {
                        out.push(ch);
                        for _ in 0..used {
                            chars.next();
                        }
                    }
                    None => {
                        let end = i + 2 + rest.find('}').map_or(0, |p| p + 1);
                        errors.push(
                            SyntaxError::new(
                                "invalid unicode escape",
                                Span::new(offset + i, offset + end.max(i + 2)),
                            )
                            .with_help("write a code point as `\\u{1F600}`"),
                        );
                        out.push_str("\\u");
                    }
                }
            }
            other => {
                errors.push(
                    SyntaxError::new(
                        format!("unknown escape `\\{other}`"),
                        Span::new(offset + i, offset + i + 1 + other.len_utf8()),
                    )
                    .with_label("not an escape")
                    .with_help(
                        "the escapes are \\n \\t \\r \\0 \\\\ \\\" and \\u{…}; write `\\\\` for a backslash",
                    ),
                );
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

/// Parses `{XXXX}` after `\u`; returns the character and how many chars were consumed.
fn parse_unicode_escape(rest: &str) -> Option<(char, usize)> {
    let inner = rest.strip_prefix('{')?;
    let close = inner.find('}')?;
    let hex = &inner[..close];
    if hex.is_empty() || hex.len() > 6 {
        return None;
    }
    let code = u32::from_str_radix(hex, 16).ok()?;
    let ch = char::from_u32(code)?;
    Some((ch, hex.len() + 2))
}

/// The value of a `"""…"""` literal: a first line break is dropped, the common indentation of the
/// non-blank lines is removed, and the whitespace before the closing quotes is dropped — so a raw
/// string can be indented with the code around it.
pub(crate) fn dedent_raw(text: &str) -> String {
    let body = text
        .strip_prefix("\r\n")
        .or_else(|| text.strip_prefix('\n'))
        .unwrap_or(text);
    let body = match body.rfind('\n') {
        Some(last) if body[last + 1..].chars().all(|c| c == ' ' || c == '\t') => &body[..=last],
        _ => body,
    };
    let indent = body
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(body.len());
    for line in body.split_inclusive('\n') {
        let strip = indent.min(line.len() - line.trim_start_matches([' ', '\t']).len());
        out.push_str(&line[strip..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded() {
        let mut errors = Vec::new();
        assert_eq!(unescape(r#"a\n\t\"\\\u{41}"#, 0, &mut errors), "a\n\t\"\\A");
        assert!(errors.is_empty());
    }

    #[test]
    fn unknown_escape_is_reported_with_its_span() {
        let mut errors = Vec::new();
        assert_eq!(unescape(r"a\qb", 10, &mut errors), r"a\qb");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].span, Span::new(11, 13));
    }

    #[test]
    fn bad_unicode_escape_is_reported() {
        let mut errors = Vec::new();
        unescape(r"\u{zz}", 0, &mut errors);
        unescape(r"\u{110000}", 0, &mut errors);
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn raw_strings_are_dedented() {
        assert_eq!(dedent_raw("\n    a:\n      b\n    "), "a:\n  b\n");
        assert_eq!(dedent_raw("one line"), "one line");
    }
}
