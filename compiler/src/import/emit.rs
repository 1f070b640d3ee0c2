//! Writing values in the language's syntax: strings, keys, and JSON as the block of a `patch`.

use super::convert::is_identifier;
use serde_json::Value;

/// A string literal, escaped: control characters too, so any text reads back as it was.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key: bare when it is an identifier, quoted otherwise (`"app.kubernetes.io/name"`).
pub fn ident_or_quoted(key: &str) -> String {
    if is_identifier(key) && key != "patch" {
        key.to_string()
    } else {
        string(key)
    }
}

/// `patch KIND ["NAME"] { … }` for a JSON patch (an object).
pub fn patch_block(kind: &str, name: Option<&str>, patch: &Value) -> String {
    let target = match name {
        Some(name) => format!("{kind} {}", string(name)),
        None => kind.to_string(),
    };
    format!("patch {target} {}", value(patch))
}

fn value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(self::value).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| match v {
                    Value::Object(_) => format!("{} {}", ident_or_quoted(k), self::value(v)),
                    _ => format!("{}: {}", ident_or_quoted(k), self::value(v)),
                })
                .collect();
            if fields.is_empty() {
                "{}".to_string()
            } else {
                format!("{{\n{}\n}}", fields.join("\n"))
            }
        }
    }
}
