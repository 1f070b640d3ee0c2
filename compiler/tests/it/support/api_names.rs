//! The API server's checks of object names, namespaces and label keys and values
//! (`k8s.io/apimachinery/pkg/util/validation`), written out independently of the compiler's
//! `types::names`, the same way `/work/shared/validate/validate-manifests` writes them: a
//! Namespace's name is a DNS-1123 label, a Service's a DNS-1035 label, every other name a
//! DNS-1123 subdomain; namespaces are DNS-1123 labels; label values are at most 63 alphanumerics,
//! `-`, `_` and `.`, starting and ending with an alphanumeric; keys are qualified names with an
//! optional DNS-subdomain prefix. Embedded templates' labels are checked too, and an
//! ApplicationSet's template is checked once per list element, with the element's values put in.

use serde_json::Value;

fn alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| alnum(c) || c == '-')
        && s.starts_with(alnum)
        && s.ends_with(alnum)
}

/// `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Dot-separated DNS-1123 labels (each of any length), at most 253 characters in all.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|part| {
            !part.is_empty()
                && part.chars().all(|c| alnum(c) || c == '-')
                && part.starts_with(alnum)
                && part.ends_with(alnum)
        })
}

fn qualified_name(s: &str) -> bool {
    let ok = |c: char| c.is_ascii_alphanumeric();
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| ok(c) || matches!(c, '-' | '_' | '.'))
        && s.starts_with(ok)
        && s.ends_with(ok)
}

/// Empty, or a qualified name.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || qualified_name(s)
}

/// `[prefix/]name`: the prefix a DNS-1123 subdomain, the name a qualified name.
pub fn is_label_key(s: &str) -> bool {
    match s.rsplit_once('/') {
        Some((prefix, name)) => is_dns1123_subdomain(prefix) && qualified_name(name),
        None => qualified_name(s),
    }
}

/// Whether `name` is a valid `metadata.name` for `kind`.
pub fn is_valid_name(kind: &str, name: &str) -> bool {
    match kind {
        "Namespace" => is_dns1123_label(name),
        "Service" => is_dns1035_label(name),
        _ => is_dns1123_subdomain(name),
    }
}

fn check_labels(meta: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(labels) = meta.get("labels").and_then(Value::as_object) {
        for (key, value) in labels {
            if !is_label_key(key) {
                out.push(format!("{at}.labels: key {key:?}"));
            }
            if let Some(value) = value.as_str()
                && !is_label_value(value)
            {
                out.push(format!("{at}.labels.{key}: value {value:?}"));
            }
        }
    }
    if let Some(annotations) = meta.get("annotations").and_then(Value::as_object) {
        for key in annotations.keys() {
            if !is_label_key(key) {
                out.push(format!("{at}.annotations: key {key:?}"));
            }
        }
    }
}

fn check_templates(node: &Value, path: &str, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{path}.{key}");
                if key == "metadata" && path != "spec" && value.is_object() {
                    check_labels(value, &here, out);
                } else {
                    check_templates(value, &here, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_templates(item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Replaces every `{{key}}` in every string of `node` with the element's value.
fn substitute(node: &Value, element: &serde_json::Map<String, Value>) -> Value {
    match node {
        Value::String(s) => {
            let mut s = s.clone();
            for (key, value) in element {
                if let Some(value) = value.as_str() {
                    s = s.replace(&format!("{{{{{key}}}}}"), value);
                }
            }
            Value::String(s)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| substitute(i, element)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute(v, element)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every way `doc` breaks the API server's rules for names, namespaces, labels and annotation
/// keys (empty when it breaks none).
pub fn problems(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let kind = doc["kind"].as_str().unwrap_or("");
    let meta = &doc["metadata"];
    match meta["name"].as_str() {
        Some(name) if is_valid_name(kind, name) => {}
        other => out.push(format!("{kind}: metadata.name {other:?}")),
    }
    if let Some(namespace) = meta["namespace"].as_str()
        && !is_dns1123_label(namespace)
    {
        out.push(format!("{kind}: metadata.namespace {namespace:?}"));
    }
    check_labels(meta, &format!("{kind}: metadata"), &mut out);
    if kind == "ApplicationSet" {
        let elements = doc
            .pointer("/spec/generators/0/list/elements")
            .and_then(Value::as_array);
        for element in elements.into_iter().flatten() {
            let Some(element) = element.as_object() else {
                continue;
            };
            let mut application = substitute(&doc["spec"]["template"], element);
            application["kind"] = Value::String("Application".to_string());
            for problem in problems(&application) {
                out.push(format!("ApplicationSet element {element:?}: {problem}"));
            }
        }
    } else {
        check_templates(&doc["spec"], "spec", &mut out);
    }
    out
}
