//! Keeping a source file's control characters off the user's terminal.
//!
//! Diagnostics show the user's text: excerpts of the source, and names and values quoted in
//! messages. A source file may hold bytes a terminal obeys rather than shows: ESC starting a
//! colour or an OSC sequence (which can set the window title, write to the clipboard or make a
//! link), a carriage return that overwrites the line, C1 controls, and Unicode bidirectional
//! overrides that make the excerpt read differently from what the compiler reads. Every
//! renderer (human, GitHub annotations, JSON) passes the user's text through this module: JSON
//! keeps the text exact but writes those characters as `\uXXXX` escapes, so a consumer that
//! prints a message raw prints nothing a terminal obeys.

use std::borrow::Cow;

/// Whether `c` is obeyed by terminals or reorders text, rather than shown: C0 controls but tab
/// and line feed, DEL, C1 controls, and the bidirectional formatting characters.
pub fn is_hidden_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every hidden control character written as a visible escape, `\u{1b}`: for
/// messages, file names and other text that is not a source excerpt.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Serialised JSON `json` with every hidden control character, and the line and paragraph
/// separators U+2028 and U+2029 (line breaks to JavaScript), written as a `\uXXXX` escape.
/// serde_json escapes only C0 controls. The characters replaced can only occur inside JSON
/// strings (outside them JSON is ASCII), where the escape means the same character, so the
/// document's value is unchanged.
pub fn escape_json_text(json: &str) -> Cow<'_, str> {
    let escaped = |c: char| is_hidden_control(c) || c == '\u{2028}' || c == '\u{2029}';
    if !json.chars().any(escaped) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escaped(c) {
            // Every such character is in the Basic Multilingual Plane: one escape.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every hidden control character replaced by one visible character, so that
/// character offsets into it stay those of the original: a C0 control by its Unicode control
/// picture (ESC becomes `␛`), DEL by `␡`, a carriage return not followed by a line feed by `␍`,
/// C1 and bidirectional controls by `�`. For source excerpts, whose labels are character
/// offsets.
pub fn picture_controls(text: &str) -> Cow<'_, str> {
    let lone_return = |i: usize| text.as_bytes().get(i + 1) != Some(&b'\n');
    let needs = text.char_indices().any(|(i, c)| {
        if c == '\r' {
            lone_return(i)
        } else {
            is_hidden_control(c)
        }
    });
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        let shown = match c {
            '\r' if lone_return(i) => '\u{240d}',
            '\r' => '\r',
            '\u{0}'..='\u{1f}' if is_hidden_control(c) => {
                char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}')
            }
            '\u{7f}' => '\u{2421}',
            c if is_hidden_control(c) => '\u{fffd}',
            c => c,
        };
        out.push(shown);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_and_the_rest_stays() {
        let text = "a\u{1b}]0;owned\u{7}b\u{9b}c\u{202e}d\te\r\nf\rg";
        assert_eq!(
            escape_controls(text),
            "a\\u{1b}]0;owned\\u{7}b\\u{9b}c\\u{202e}d\te\\u{d}\nf\\u{d}g"
        );
        let pictured = picture_controls(text);
        assert_eq!(pictured, "a␛]0;owned␇b�c�d\te\r\nf␍g");
        assert_eq!(pictured.chars().count(), text.chars().count());
        assert!(matches!(escape_controls("plain é"), Cow::Borrowed(_)));
        assert!(matches!(picture_controls("a\r\nb\tc"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_text_escapes_what_a_terminal_obeys_and_keeps_the_value() {
        let value = serde_json::json!({ "m\u{202e}": "a\u{1b}]0;x\u{7}b\u{9b}c\u{2028}d\u{2066}é\u{1f600}" });
        let text = serde_json::to_string(&value).expect("serialises");
        let safe = escape_json_text(&text);
        assert_eq!(
            safe,
            r#"{"m\u202e":"a\u001b]0;x\u0007b\u009bc\u2028d\u2066é😀"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value);
    }
}
