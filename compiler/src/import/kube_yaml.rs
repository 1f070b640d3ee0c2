//! Reading YAML values as Kubernetes reads them.
//!
//! `kubectl` (and every Go tool that uses `sigs.k8s.io/yaml`) turns YAML into the JSON the API
//! server receives with a fork of go-yaml v2, which resolves plain scalars by YAML 1.1 rules:
//!
//! - integers go through Go's `strconv.ParseInt(s, 0, 64)` after removing `_`: `0440` and
//!   `0o440` are octal (288), `0x1F` hex, `0b101` binary, `-0440` is -288; a spelling that is
//!   no integer but matches the float pattern is a float (`08` is 8, `1e3` is 1000), written to
//!   JSON by Go as an integer when it is one;
//! - booleans are exactly `y Y yes Yes YES on On ON true True TRUE` and
//!   `n N no No NO off Off OFF false False FALSE` — so an environment variable named `N` or a
//!   value `no` is the boolean `false`, which a string field then refuses; `yES` or `tRUE` stay
//!   text;
//! - `~`, `null`, `Null`, `NULL` and nothing are null; timestamps stay text.
//!
//! Mapping keys are read by the same rules (an unquoted key `on` is the boolean `true`, `0440` the
//! integer 288), and `sigs.k8s.io/yaml` then writes each key as a JSON string: a boolean as `true`
//! or `false`, an integer in decimal, a float as Go's `FormatFloat(f, 'g', -1, 32)`; a null key is
//! refused. So `env: {on: x}` reaches the API server as `{"true": "x"}`; import reads it so too, and
//! reports every key it reads other than as written ([`KeyNote`]).
//!
//! serde-saphyr reads all of these alike with `legacy_octal_numbers`, except booleans, which it
//! takes in any case (`yES`): so the text is read twice, once with YAML 1.1 booleans and once with
//! only `true`/`false`, and a value that is a boolean in the first reading and text in the second
//! is a boolean only if go-yaml spells it so. A third reading takes every key as the text written,
//! for the report. The readings see the same events, so their nodes match by position.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// A mapping key Kubernetes reads other than as it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNote {
    /// Where the mapping is, as `a.b[2].c` (the document's top is empty).
    pub path: String,
    /// The key as written.
    pub written: String,
    /// The JSON key the API server receives.
    pub read_as: String,
}

/// Every document of `text`, its values and keys as Kubernetes reads them (see the module's
/// documentation), and the keys read other than as written. An error for text that is not YAML
/// or a null key.
pub fn read_documents_as_kubernetes(text: &str) -> Result<(Vec<Value>, Vec<KeyNote>), String> {
    let mut options = serde_saphyr::Options::default();
    options.legacy_octal_numbers = true;
    let loose: Vec<Node> = serde_saphyr::from_multiple_with_options(text, options.clone())
        .map_err(|e| e.to_string())?;
    let written: Vec<Written> = serde_saphyr::from_multiple_with_options(text, options.clone())
        .map_err(|e| e.to_string())?;
    options.strict_booleans = true;
    let strict: Vec<Node> =
        serde_saphyr::from_multiple_with_options(text, options).map_err(|e| e.to_string())?;
    let mut notes = Vec::new();
    let mut documents = Vec::new();
    for (i, loose) in loose.into_iter().enumerate() {
        let node = reconcile(loose, strict.get(i));
        documents.push(to_json(node, written.get(i), String::new(), &mut notes)?);
    }
    Ok((documents, notes))
}

/// A YAML node as serde-saphyr resolves it, keys included, entries in document order.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Text(String),
    List(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A YAML node with its mapping keys as written (for the report).
#[derive(Debug, Clone, PartialEq)]
enum Written {
    Scalar,
    List(Vec<Written>),
    Map(Vec<(String, Written)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML node")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(i64::try_from(v).map_or(Node::UInt(v), Node::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(i64::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => i64::try_from(v).map_or(Node::UInt(v), Node::Int),
            Err(_) => Node::Float(v as f64),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Text(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Text(v))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Written {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Written, D::Error> {
        deserializer.deserialize_any(WrittenVisitor)
    }
}

/// A key as the text written (serde-saphyr gives a key asked for as a string so; a null key,
/// which the conversion to JSON refuses, as nothing).
struct WrittenKey(String);

impl<'de> Deserialize<'de> for WrittenKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<WrittenKey, D::Error> {
        Option::<String>::deserialize(deserializer).map(|key| WrittenKey(key.unwrap_or_default()))
    }
}

struct WrittenVisitor;

impl<'de> Visitor<'de> for WrittenVisitor {
    type Value = Written;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML node")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Written, E> {
        Ok(Written::Scalar)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Written, E> {
        Ok(Written::Scalar)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Written, E> {
        Ok(Written::Scalar)
    }
    fn visit_i128<E>(self, _: i128) -> Result<Written, E> {
        Ok(Written::Scalar)
    }
    fn visit_u128<E>(self, _: u128) -> Result<Written, E> {
        Ok(Written::Scalar)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Written, E> {
        Ok(Written::Scalar)
    }
    fn visit_str<E>(self, _: &str) -> Result<Written, E> {
        Ok(Written::Scalar)
    }
    fn visit_unit<E>(self) -> Result<Written, E> {
        Ok(Written::Scalar)
    }
    fn visit_none<E>(self) -> Result<Written, E> {
        Ok(Written::Scalar)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Written, D::Error> {
        Written::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Written, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Written::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Written, A::Error> {
        let mut entries = Vec::new();
        while let Some((WrittenKey(key), value)) = map.next_entry()? {
            entries.push((key, value));
        }
        Ok(Written::Map(entries))
    }
}

/// `loose` (YAML 1.1 booleans in any case), its booleans, keys included, checked against `strict`
/// (where they are still the text written).
fn reconcile(loose: Node, strict: Option<&Node>) -> Node {
    match (loose, strict) {
        (Node::Bool(value), Some(Node::Text(written))) => match go_yaml_bool(written) {
            Some(_) => Node::Bool(value),
            None => Node::Text(written.clone()),
        },
        (Node::List(items), strict) => {
            let strict = match strict {
                Some(Node::List(items)) => Some(items),
                _ => None,
            };
            Node::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| reconcile(item, strict.and_then(|s| s.get(i))))
                    .collect(),
            )
        }
        (Node::Map(entries), strict) => {
            let strict = match strict {
                Some(Node::Map(entries)) => Some(entries),
                _ => None,
            };
            Node::Map(
                entries
                    .into_iter()
                    .enumerate()
                    .map(|(i, (key, value))| {
                        let other = strict.and_then(|s| s.get(i));
                        (
                            reconcile(key, other.map(|(k, _)| k)),
                            reconcile(value, other.map(|(_, v)| v)),
                        )
                    })
                    .collect(),
            )
        }
        (other, _) => other,
    }
}

/// The JSON `sigs.k8s.io/yaml` makes of `node` (at `path`), noting every key it writes other than
/// as `written` says it was written.
fn to_json(
    node: Node,
    written: Option<&Written>,
    path: String,
    notes: &mut Vec<KeyNote>,
) -> Result<Value, String> {
    Ok(match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Int(i) => Value::Number(i.into()),
        Node::UInt(u) => Value::Number(u.into()),
        Node::Float(f) => Number::from_f64(f).map_or(Value::Null, |n| Value::Number(integral(n))),
        Node::Text(text) => Value::String(text),
        Node::List(items) => {
            let written = match written {
                Some(Written::List(items)) => Some(items),
                _ => None,
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let at = format!("{path}[{i}]");
                out.push(to_json(item, written.and_then(|w| w.get(i)), at, notes)?);
            }
            Value::Array(out)
        }
        Node::Map(entries) => {
            let written = match written {
                Some(Written::Map(entries)) => Some(entries),
                _ => None,
            };
            let mut out = Map::new();
            for (i, (key, value)) in entries.into_iter().enumerate() {
                let (as_written, inner) =
                    written.and_then(|w| w.get(i)).map(|(k, v)| (k, v)).unzip();
                let json_key = json_key(&key).ok_or_else(|| {
                    let at = if path.is_empty() { "the top" } else { &path };
                    format!("a mapping key at {at} is null (`~`, `null` or nothing) or another kind of key Kubernetes refuses: quote it or give it a name")
                })?;
                if let Some(as_written) = as_written
                    && *as_written != json_key
                {
                    notes.push(KeyNote {
                        path: path.clone(),
                        written: as_written.clone(),
                        read_as: json_key.clone(),
                    });
                }
                let at = if path.is_empty() {
                    json_key.clone()
                } else {
                    format!("{path}.{json_key}")
                };
                out.insert(json_key, to_json(value, inner, at, notes)?);
            }
            Value::Object(out)
        }
    })
}

/// The JSON key `sigs.k8s.io/yaml` writes for a mapping key, or `None` for a key it refuses
/// (null, an integer beyond 64 bits, a list, a mapping).
fn json_key(key: &Node) -> Option<String> {
    match key {
        Node::Text(text) => Some(text.clone()),
        Node::Bool(b) => Some(b.to_string()),
        Node::Int(i) => Some(i.to_string()),
        Node::Float(f) => Some(go_float_key(*f)),
        // go-yaml gives an integer beyond i64 as a uint64, a key type sigs.k8s.io/yaml refuses.
        Node::UInt(_) | Node::Null | Node::List(_) | Node::Map(_) => None,
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's names for infinities and NaN: the
/// shortest digits that read back as the same 32-bit float, in exponent form (`1e+06`, at least
/// two exponent digits) when the exponent is below -4 or from 6 on (`%g` with the shortest
/// precision decides with 6), plain otherwise (`1.5`, `8`).
fn go_float_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    let single = f as f32;
    if single.is_infinite() {
        return if single > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    if single == 0.0 {
        return if single.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // Rust, like Go, writes the shortest digits that read back as the same f32.
    let scientific = format!("{single:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exponent) {
        format!("{single}")
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

/// The boolean go-yaml v2 reads a plain scalar as, if it reads it as one.
pub fn go_yaml_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Some(false)
        }
        _ => None,
    }
}

/// A float with an integral value as the integer Go writes to JSON for it (`440` for `440.0`);
/// other numbers as they are.
fn integral(number: Number) -> Number {
    match number.as_f64() {
        Some(f) if number.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
            Number::from(f as i64)
        }
        _ => number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Value {
        let (documents, _) = read_documents_as_kubernetes(text).expect("YAML");
        documents.into_iter().next().expect("a document")
    }

    #[test]
    fn integers_are_read_as_go_parses_them() {
        let text = "a: 0440\nb: 0o440\nc: -0440\nd: +0440\ne: 0x1F\nf: 0b101\ng: 1_000\nh: 0_440\n\
                    i: 08\nj: 012345678\nk: 1e3\nl: 0.5\nm: '0440'\nn: 0\no: 00\np: 0440.5\nq: 0O17\n";
        assert_eq!(
            read(text),
            json!({"a": 288, "b": 288, "c": -288, "d": 288, "e": 31, "f": 5, "g": 1000, "h": 288,
                   "i": 8, "j": 12345678, "k": 1000, "l": 0.5, "m": "0440", "false": 0, "o": 0,
                   "p": 440.5, "q": 15})
        );
    }

    #[test]
    fn booleans_are_exactly_go_yamls() {
        let text = "t: [y, Y, yes, Yes, YES, on, On, ON, true, True, TRUE]\n\
                    f: [n, N, no, No, NO, off, Off, OFF, false, False, FALSE]\n\
                    s: [yES, oN, nO, tRUE, fALSE, 'no', \"y\", yes please]\n";
        let value = read(text);
        assert_eq!(value["t"], json!(vec![true; 11]));
        assert_eq!(value["f"], json!(vec![false; 11]));
        assert_eq!(
            value["s"],
            json!(["yES", "oN", "nO", "tRUE", "fALSE", "no", "y", "yes please"])
        );
    }

    #[test]
    fn nulls_and_timestamps() {
        let value = read("a: ~\nb: null\nc: NULL\nd:\ne: 2001-12-14\nf: nULL\n");
        assert_eq!(
            value,
            json!({"a": null, "b": null, "c": null, "d": null, "e": "2001-12-14", "f": "nULL"})
        );
    }

    #[test]
    fn keys_are_read_as_sigs_k8s_io_yaml_writes_them() {
        let text = "on: 1\n'yes': 2\ny: 3\nyES: 4\nNO: 5\n0440: 6\n\"0440\": 7\n0x1F: 8\n1.5: 9\n\
                    1e3: 10\n1e7: 11\n2001-12-14: 12\nfalse: 13\nnested: [{off: a, n: b}]\n";
        let (documents, notes) = read_documents_as_kubernetes(text).expect("YAML");
        assert_eq!(
            documents[0],
            // `on` and `y` are both `true`, `NO` and `false` both `false`: the last one wins.
            json!({"true": 3, "yes": 2, "yES": 4, "false": 13, "288": 6, "0440": 7, "31": 8,
                   "1.5": 9, "1000": 10, "1e+07": 11, "2001-12-14": 12,
                   "nested": [{"false": "b"}]})
        );
        let written: Vec<(&str, &str, &str)> = notes
            .iter()
            .map(|n| (n.path.as_str(), n.written.as_str(), n.read_as.as_str()))
            .collect();
        assert_eq!(
            written,
            [
                ("", "on", "true"),
                ("", "y", "true"),
                ("", "NO", "false"),
                ("", "0440", "288"),
                ("", "0x1F", "31"),
                ("", "1e3", "1000"),
                ("", "1e7", "1e+07"),
                ("nested[0]", "off", "false"),
                ("nested[0]", "n", "false"),
            ]
        );
    }

    #[test]
    fn a_null_key_is_refused_as_kubernetes_refuses_it() {
        let error = read_documents_as_kubernetes("a:\n  ~: x\n").expect_err("refused");
        assert!(
            error.contains("is null") && error.contains("at a "),
            "{error}"
        );
    }

    #[test]
    fn float_keys_are_written_as_go_writes_them() {
        for (f, text) in [
            (1.5, "1.5"),
            (8.0, "8"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.1, "0.1"),
            (-2.5e-7, "-2.5e-07"),
        ] {
            assert_eq!(go_float_key(f), text);
        }
    }
}
