//! Writes a JSON tree as a block-style YAML document in one pass over the tree, into one string.
//!
//! It writes exactly what `serde-saphyr` wrote before it (the bytes every generated file was
//! reviewed with): keys in the tree's order (sorted), two spaces per level, sequences at the
//! indentation of their key, a mapping in a sequence starting on the dash's line, `{}` and `[]`
//! for empty collections, and scalars quoted by [`super::scalars`]. Rendering was a quarter of a
//! large build through the general serialiser. A document with a key longer than YAML allows an
//! implicit key to be (1,024 characters, written as an explicit `? key`) is left to
//! `serde-saphyr` whole.

use super::scalars::{write_float, write_key, write_value};
use serde_json::{Map, Value};

/// The longest key YAML lets stand without the explicit `? ` indicator, in characters.
const SIMPLE_KEY_MAX_CHARS: usize = 1024;

/// What this emitter leaves to `serde-saphyr`: a key too long to be written implicitly.
pub(crate) struct LongKey;

/// The YAML text of `value` (a mapping, as every document is), ending with a line break; `None`
/// for what only `serde-saphyr` writes (another top-level value, a key too long).
pub(crate) fn document(value: &Value) -> Option<String> {
    let Value::Object(map) = value else {
        return None;
    };
    let mut out = String::with_capacity(2048);
    if map.is_empty() {
        out.push_str("{}\n");
    } else {
        mapping(&mut out, map, 0, false).ok()?;
    }
    Some(out)
}

/// The entries of a non-empty mapping, each on its own line at `indent`; when `after_dash`, the
/// first one continues the line of a sequence item's `- `.
fn mapping(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    after_dash: bool,
) -> Result<(), LongKey> {
    for (position, (key, value)) in map.iter().enumerate() {
        if position > 0 || !after_dash {
            pad(out, indent);
        }
        let key_start = out.len();
        write_key(out, key);
        let key_text = &out[key_start..];
        if key_text.len() > SIMPLE_KEY_MAX_CHARS && key_text.chars().count() > SIMPLE_KEY_MAX_CHARS
        {
            return Err(LongKey);
        }
        out.push(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                mapping(out, inner, indent + 2, false)?;
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                sequence(out, items, indent)?;
            }
            _ => {
                out.push(' ');
                scalar(out, value);
                out.push('\n');
            }
        }
    }
    Ok(())
}

/// The items of a non-empty sequence, each starting with `- ` at `indent`.
fn sequence(out: &mut String, items: &[Value], indent: usize) -> Result<(), LongKey> {
    for item in items {
        pad(out, indent);
        out.push_str("- ");
        match item {
            Value::Object(inner) if !inner.is_empty() => mapping(out, inner, indent + 2, true)?,
            Value::Array(inner) if !inner.is_empty() => {
                // A sequence in a sequence: its first item continues the dash's line.
                let mut nested = String::new();
                sequence(&mut nested, inner, indent + 2)?;
                out.push_str(nested.get(indent + 2..).unwrap_or(&nested));
            }
            _ => {
                scalar(out, item);
                out.push('\n');
            }
        }
    }
    Ok(())
}

/// A scalar, or an empty collection.
fn scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_i64() || n.is_u64() => out.push_str(&n.to_string()),
        Value::String(s) => write_value(out, s),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        Value::Number(_) => write_float(out, value),
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}
