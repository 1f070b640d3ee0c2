//! What a generated resource still lacks of an imported one: the smallest patch that, merged
//! into the generated resource with k8sc's strategic merge, gives back every field of the input.

use crate::backends::kubernetes::patch::merge::merge_key;
use serde_json::{Map, Value};

/// The patch that makes `generated` hold every field of `input` (`None`: it already does).
pub fn residual(input: &Value, generated: &Value) -> Option<Value> {
    residual_at(input, generated, "")
}

fn residual_at(input: &Value, generated: &Value, field: &str) -> Option<Value> {
    match (input, generated) {
        (Value::Object(input), Value::Object(generated)) => {
            let mut out = Map::new();
            for (key, value) in input {
                if value.is_null() {
                    continue;
                }
                match generated.get(key) {
                    None => {
                        out.insert(key.clone(), value.clone());
                    }
                    Some(existing) => {
                        if let Some(rest) = residual_at(value, existing, key) {
                            out.insert(key.clone(), rest);
                        }
                    }
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        (Value::Array(input), Value::Array(generated)) if merged_list(field, input) => {
            let mut out = Vec::new();
            for item in input {
                let Some(key) = merge_key(field, item) else {
                    continue;
                };
                let wanted = item.get(key);
                match generated.iter().find(|g| g.get(key) == wanted) {
                    None => out.push(item.clone()),
                    Some(existing) => {
                        if let Some(Value::Object(mut rest)) = residual_at(item, existing, "") {
                            if let Some(id) = wanted {
                                rest.insert(key.to_string(), id.clone());
                            }
                            out.push(Value::Object(rest));
                        }
                    }
                }
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
        (input, generated) if same(input, generated) => None,
        (input, _) => Some(input.clone()),
    }
}

fn merged_list(field: &str, items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|item| merge_key(field, item).is_some_and(|key| item.get(key).is_some()))
}

/// Equal, numbers compared by value (`1` and `1.0` are the same number).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}
