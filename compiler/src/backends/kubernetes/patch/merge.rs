//! Strategic merge of a patch into a generated resource, as `kubectl patch --type strategic`
//! does for the lists k8sc generates: maps merge key by key, the lists of named things
//! (containers, ports, env, volumes…) merge item by item on their merge key, any other list is
//! replaced, and `null` deletes a key.

use serde_json::Value;

/// The key that identifies the items of the list under `field`, or `None` for a list that a
/// patch replaces whole.
pub fn merge_key(field: &str, item: &Value) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        // Service ports and container ports: by name when the patch item has one.
        "ports" if has_key(item, "name") => Some("name"),
        "ports" if has_key(item, "containerPort") => Some("containerPort"),
        "ports" if has_key(item, "port") => Some("port"),
        _ => None,
    }
}

/// Merges `patch` into `target`.
pub fn merge(target: &mut Value, patch: &Value) {
    merge_at(target, patch, "");
}

fn merge_at(target: &mut Value, patch: &Value, field: &str) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                    continue;
                }
                match target.get_mut(key) {
                    Some(existing) => merge_at(existing, value, key),
                    None => {
                        target.insert(key.clone(), strip_nulls(value));
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(patch)) if is_merged_list(field, patch) => {
            for item in patch {
                let Some(key) = merge_key(field, item) else {
                    target.push(strip_nulls(item));
                    continue;
                };
                let wanted = item.get(key);
                match target.iter_mut().find(|t| t.get(key) == wanted) {
                    Some(existing) => merge_at(existing, item, ""),
                    None => target.push(strip_nulls(item)),
                }
            }
        }
        (target, patch) => *target = strip_nulls(patch),
    }
}

/// Whether the list under `field` merges by key: every item of the patch has the key.
fn is_merged_list(field: &str, patch: &[Value]) -> bool {
    !patch.is_empty()
        && patch
            .iter()
            .all(|item| merge_key(field, item).is_some_and(|key| has_key(item, key)))
}

/// Whether `item` names itself by `key`. A `null` key names nothing: the item would be written
/// without it and could never be found again, so a list holding one is replaced, not merged.
fn has_key(item: &Value, key: &str) -> bool {
    item.get(key).is_some_and(|value| !value.is_null())
}

/// A new value has no `null`s to delete anything with: they are dropped.
fn strip_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}
