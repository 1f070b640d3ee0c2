//! How a string is written as a YAML scalar: plain when that is certainly safe, otherwise as
//! `serde-saphyr` writes it.
//!
//! The output's bytes are a contract with GitOps repositories, and they were defined by
//! `serde-saphyr`'s quoting rules (YAML 1.1-safe: `yes`, `on`, `1.0`, `12:30` and `""` are
//! quoted). Those rules are intricate (numbers in every radix, sexagesimals, timestamps, document
//! markers, indicators, comments), so this module does not re-implement them: it recognises the
//! strings that are certainly plain (almost every string k8sc emits: names, labels, images,
//! quantities, paths) and asks `serde-saphyr` about every other one. A property test compares
//! the two on strings built from the characters that matter.

use serde_json::{Map, Value};

/// Whether a value string can be written plain; `None` when it takes `serde-saphyr` to say.
pub(crate) fn plain_value(s: &str) -> Option<bool> {
    let bytes = s.as_bytes();
    let (&first, &last) = (bytes.first()?, bytes.last()?);
    if last == b' ' || last == b':' {
        return None;
    }
    let safe =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b' ');
    if !bytes.iter().all(|&b| safe(b)) || s.contains(": ") {
        return None;
    }
    if first.is_ascii_alphabetic() {
        return (!is_keyword(s)).then_some(true);
    }
    // A quantity (`100m`, `128Mi`, `5s`): starts with a digit, only digits, dots and letters,
    // and one letter that no number, radix prefix, exponent or timestamp can contain.
    let quantity = first.is_ascii_digit()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'.')
        && bytes.iter().any(|b| is_non_numeric_letter(*b));
    quantity.then_some(true)
}

/// Whether a mapping key can be written plain; `None` when it takes `serde-saphyr` to say.
pub(crate) fn plain_key(s: &str) -> Option<bool> {
    let bytes = s.as_bytes();
    let &first = bytes.first()?;
    let safe = |b: u8| {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b'(' | b')' | b'=')
    };
    let plain = (first.is_ascii_alphabetic() || first == b'(' || first == b'=')
        && s != "="
        && bytes.iter().all(|&b| safe(b))
        && !is_keyword(s);
    plain.then_some(true)
}

/// Words a YAML 1.1 reader would take for a null, a boolean or a special float.
fn is_keyword(s: &str) -> bool {
    s.len() <= 5
        && [
            "null", "true", "false", "yes", "no", "y", "n", "on", "off", "nan", "inf",
        ]
        .iter()
        .any(|word| s.eq_ignore_ascii_case(word))
}

/// A letter that is not a digit of any radix up to 16, a radix prefix (`x`, `o`, `b`), an
/// exponent (`e`) or a timestamp separator (`t`, `z`).
fn is_non_numeric_letter(b: u8) -> bool {
    matches!(b.to_ascii_lowercase(), b'g'..=b'n' | b'p'..=b's' | b'u'..=b'w' | b'y')
}

/// Appends `s` as a value scalar.
pub(crate) fn write_value(out: &mut String, s: &str) {
    match plain_value(s) {
        Some(true) => out.push_str(s),
        _ => out.push_str(&ask_saphyr(Value::String(s.to_string()))),
    }
}

/// Appends `s` as a mapping key.
pub(crate) fn write_key(out: &mut String, s: &str) {
    match plain_key(s) {
        Some(true) => out.push_str(s),
        _ => {
            let mut map = Map::new();
            map.insert(s.to_string(), Value::Bool(true));
            let text = crate::output::yaml::saphyr_yaml(&Value::Object(map));
            out.push_str(text.strip_suffix(": true\n").unwrap_or(&text));
        }
    }
}

/// Appends a number `serde-saphyr` must write (a float).
pub(crate) fn write_float(out: &mut String, value: &Value) {
    out.push_str(&ask_saphyr(value.clone()));
}

/// How `serde-saphyr` writes `value` in value position: the mapping `{k: value}` without `k: `
/// and the line end.
fn ask_saphyr(value: Value) -> String {
    let mut map = Map::new();
    map.insert("k".to_string(), value);
    let text = crate::output::yaml::saphyr_yaml(&Value::Object(map));
    let text = text.strip_suffix('\n').unwrap_or(&text);
    text.strip_prefix("k: ").unwrap_or(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::{plain_key, plain_value};

    #[test]
    fn names_images_and_quantities_are_plain() {
        for s in [
            "web",
            "ghcr.io/acme/web:1.2.0",
            "app.kubernetes.io/name",
            "100m",
            "128Mi",
            "5s",
            "RuntimeDefault",
            "a b",
        ] {
            assert_eq!(plain_value(s), Some(true), "{s}");
        }
    }

    #[test]
    fn anything_that_could_be_read_otherwise_is_left_to_saphyr() {
        for s in [
            "",
            "yes",
            "Off",
            "1.0",
            "12:30",
            "0o17",
            "1e5",
            "2024-01-01",
            "a: b",
            "a:",
            " a",
            "#a",
            "-",
            "0x1f",
        ] {
            assert_eq!(plain_value(s), None, "{s}");
        }
        for s in ["a:b", "on", "=", "-a", "1a"] {
            assert_eq!(plain_key(s), None, "{s}");
        }
    }
}
