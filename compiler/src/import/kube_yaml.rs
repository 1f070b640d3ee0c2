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
//! serde-saphyr reads all of these alike with `legacy_octal_numbers`, except booleans, which it
//! takes in any case (`yES`): so the text is read twice, once with YAML 1.1 booleans and once with
//! only `true`/`false`, and a value that is a boolean in the first reading and text in the second
//! is a boolean only if go-yaml spells it so. Mapping keys are kept as written: serde-saphyr gives
//! them as text whether or not they were quoted, so an unquoted key `on` or `0440`, which
//! Kubernetes reads as `true` or `288`, is read as `on` or `0440` (SECURITY.md, docs/testing.md).

use serde_json::{Number, Value};

/// Every document of `text`, its values as Kubernetes reads them (see the module's documentation).
pub fn read_documents_as_kubernetes(text: &str) -> Result<Vec<Value>, serde_saphyr::Error> {
    let mut options = serde_saphyr::Options::default();
    options.legacy_octal_numbers = true;
    let loose: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options.clone())?;
    options.strict_booleans = true;
    let strict: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options)?;
    Ok(loose
        .into_iter()
        .zip(strict.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(loose, strict)| reconcile(loose, strict))
        .collect())
}

/// `loose` (YAML 1.1 booleans in any case), its booleans checked against `strict` (where they are
/// still the text written) and its integral floats made integers.
fn reconcile(loose: Value, strict: Option<&Value>) -> Value {
    match (loose, strict) {
        (Value::Bool(value), Some(Value::String(written))) => match go_yaml_bool(written) {
            Some(_) => Value::Bool(value),
            None => Value::String(written.clone()),
        },
        (Value::Number(number), _) => Value::Number(integral(number)),
        (Value::Array(items), strict) => {
            let strict = strict.and_then(Value::as_array);
            Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| reconcile(item, strict.and_then(|s| s.get(i))))
                    .collect(),
            )
        }
        (Value::Object(map), strict) => {
            let strict = strict.and_then(Value::as_object);
            Value::Object(
                map.into_iter()
                    .map(|(key, value)| {
                        let other = strict.and_then(|s| s.get(&key));
                        (key, reconcile(value, other))
                    })
                    .collect(),
            )
        }
        (other, _) => other,
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
        let documents = read_documents_as_kubernetes(text).expect("YAML");
        documents.into_iter().next().expect("a document")
    }

    #[test]
    fn integers_are_read_as_go_parses_them() {
        let text = "a: 0440\nb: 0o440\nc: -0440\nd: +0440\ne: 0x1F\nf: 0b101\ng: 1_000\nh: 0_440\n\
                    i: 08\nj: 012345678\nk: 1e3\nl: 0.5\nm: '0440'\nn: 0\no: 00\np: 0440.5\nq: 0O17\n";
        assert_eq!(
            read(text),
            json!({"a": 288, "b": 288, "c": -288, "d": 288, "e": 31, "f": 5, "g": 1000, "h": 288,
                   "i": 8, "j": 12345678, "k": 1000, "l": 0.5, "m": "0440", "n": 0, "o": 0,
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
    fn nulls_timestamps_and_keys() {
        let value = read("a: ~\nb: null\nc: NULL\nd:\ne: 2001-12-14\nf: nULL\n0440: x\non: y\n");
        assert_eq!(
            value,
            json!({"a": null, "b": null, "c": null, "d": null, "e": "2001-12-14", "f": "nULL",
                   "0440": "x", "on": true})
        );
    }
}
