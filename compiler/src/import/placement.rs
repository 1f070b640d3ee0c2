//! From a pod template's placement to the workload's placement fields: `nodeSelector` to
//! `nodes`, `tolerations`, node affinity to `affinity { required, preferred }`,
//! `priorityClassName` to `priority` (with the declaration it names: the imported PriorityClass,
//! or an assumed one), `runtimeClassName` to `runtime_class`. What the language cannot say — a
//! toleration of every taint (no key), several node selector terms, pod (anti-)affinity on other
//! labels than k8sc's — is left to the patch computed afterwards ([`super::residual`]).

use super::emit::{ident_or_quoted, string};
use crate::model::placement::{MAX_PRIORITY, SYSTEM_PRIORITIES};
use serde_json::Value;
use std::collections::BTreeMap;

/// The placement fields of a pod template's spec.
pub fn fields(pod: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Object(selector)) = pod.get("nodeSelector") {
        let entries: Option<Vec<String>> = selector
            .iter()
            .map(|(k, v)| Some(format!("{}: {}", ident_or_quoted(k), string(v.as_str()?))))
            .collect();
        if let Some(entries) = entries.filter(|e| !e.is_empty()) {
            out.push(format!("nodes {{ {} }}", entries.join(", ")));
        }
    }
    if let Some(tolerations) = pod.get("tolerations").and_then(tolerations) {
        out.push(tolerations);
    }
    if let Some(affinity) = pod.get("affinity").and_then(node_affinity) {
        out.push(affinity);
    }
    if let Some(name) = pod.get("priorityClassName").and_then(Value::as_str)
        && declarable(name)
    {
        out.push(format!("priority: {name}"));
    }
    if let Some(name) = pod.get("runtimeClassName").and_then(Value::as_str) {
        out.push(format!("runtime_class: {}", string(name)));
    }
    out
}

/// Whether a PriorityClass name can be named by `priority` and declared (or is a system class).
pub fn declarable(name: &str) -> bool {
    SYSTEM_PRIORITIES.contains(&name)
        || (super::convert::is_identifier(name)
            && !name.starts_with("system-")
            && !name.contains('_'))
}

/// What the tolerations of one taint key say: the value (`None`: any), the time, the effects.
type Tolerated = (Option<String>, Option<u64>, Vec<String>);

/// `tolerations { … }`, when every toleration has a key and the ones of a key differ only in
/// their effect.
fn tolerations(value: &Value) -> Option<String> {
    let list = value.as_array().filter(|l| !l.is_empty())?;
    // key → (value, seconds, effects), keys in input order.
    let mut keys: Vec<String> = Vec::new();
    let mut by_key: BTreeMap<String, Tolerated> = BTreeMap::new();
    for toleration in list {
        let key = toleration
            .get("key")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())?;
        let operator = toleration
            .get("operator")
            .and_then(Value::as_str)
            .unwrap_or("Equal");
        let taint_value = match operator {
            "Exists" => None,
            "Equal" => Some(
                toleration
                    .get("value")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            ),
            _ => return None,
        };
        let seconds = match toleration.get("tolerationSeconds") {
            None | Some(Value::Null) => None,
            Some(n) => Some(n.as_u64()?),
        };
        let effect = match toleration.get("effect").and_then(Value::as_str) {
            None | Some("") => None,
            Some(e @ ("NoSchedule" | "PreferNoSchedule" | "NoExecute")) => Some(e.to_string()),
            Some(_) => return None,
        };
        match by_key.get_mut(key) {
            None => {
                keys.push(key.to_string());
                by_key.insert(
                    key.to_string(),
                    (taint_value, seconds, effect.into_iter().collect()),
                );
            }
            Some((v, s, effects)) => {
                // Another effect of the same key: the same value and time, and both with an effect.
                if *v != taint_value || *s != seconds || effects.is_empty() {
                    return None;
                }
                effects.push(effect?);
            }
        }
    }
    let mut entries = Vec::new();
    for key in &keys {
        let (taint_value, seconds, effects) = by_key.get(key)?;
        // The language writes `for` only with exactly `no_execute`, as the API server wants.
        if seconds.is_some() && effects.as_slice() != ["NoExecute"] {
            return None;
        }
        let base = match taint_value {
            None => "exists".to_string(),
            Some(v) if v == "exists" || v.is_empty() => return None,
            Some(v) => string(v),
        };
        let mut options = Vec::new();
        match effects.as_slice() {
            [] => {}
            [one] => options.push(format!("effect: {}", effect_word(one)?)),
            several => {
                let words: Option<Vec<&str>> = several.iter().map(|e| effect_word(e)).collect();
                options.push(format!("effect: [{}]", words?.join(", ")));
            }
        }
        if let Some(seconds) = seconds {
            options.push(format!("for: {seconds}s"));
        }
        let options = if options.is_empty() {
            String::new()
        } else {
            format!(" {{ {} }}", options.join(", "))
        };
        entries.push(format!("{}: {base}{options}", ident_or_quoted(key)));
    }
    Some(format!("tolerations {{ {} }}", entries.join(", ")))
}

fn effect_word(effect: &str) -> Option<&'static str> {
    Some(match effect {
        "NoSchedule" => "no_schedule",
        "PreferNoSchedule" => "prefer_no_schedule",
        "NoExecute" => "no_execute",
        _ => return None,
    })
}

/// `affinity { required { … }, preferred: W { … } }` for node affinity of one term each, when
/// the pod has no pod (anti-)affinity (which stays in the patch).
fn node_affinity(affinity: &Value) -> Option<String> {
    let map = affinity.as_object()?;
    if map.keys().any(|k| k != "nodeAffinity") {
        return None;
    }
    let node = map.get("nodeAffinity")?.as_object()?;
    let mut parts = Vec::new();
    if let Some(required) = node.get("requiredDuringSchedulingIgnoredDuringExecution") {
        let terms = required.get("nodeSelectorTerms")?.as_array()?;
        let [term] = terms.as_slice() else {
            return None;
        };
        parts.push(format!("required {}", node_term(term)?));
    }
    if let Some(preferred) = node.get("preferredDuringSchedulingIgnoredDuringExecution") {
        let [term] = preferred.as_array()?.as_slice() else {
            return None;
        };
        let weight = term
            .get("weight")?
            .as_u64()
            .filter(|w| (1..=100).contains(w))?;
        parts.push(format!(
            "preferred: {weight} {}",
            node_term(term.get("preference")?)?
        ));
    }
    if node.keys().any(|k| {
        k != "requiredDuringSchedulingIgnoredDuringExecution"
            && k != "preferredDuringSchedulingIgnoredDuringExecution"
    }) || parts.is_empty()
    {
        return None;
    }
    Some(format!("affinity {{ {} }}", parts.join(", ")))
}

/// `{ "KEY": ["a"], "OTHER": not exists }` for a term of `matchExpressions` only, each key once.
fn node_term(term: &Value) -> Option<String> {
    let map = term.as_object()?;
    if map.keys().any(|k| k != "matchExpressions") {
        return None;
    }
    let expressions = map
        .get("matchExpressions")?
        .as_array()
        .filter(|e| !e.is_empty())?;
    let mut seen = Vec::new();
    let mut entries = Vec::new();
    for expression in expressions {
        let key = expression.get("key")?.as_str()?;
        if seen.contains(&key) {
            return None;
        }
        seen.push(key);
        let values = || -> Option<String> {
            let list: Option<Vec<String>> = expression
                .get("values")?
                .as_array()
                .filter(|v| !v.is_empty())?
                .iter()
                .map(|v| v.as_str().map(string))
                .collect();
            Some(format!("[{}]", list?.join(", ")))
        };
        let matched = match expression.get("operator")?.as_str()? {
            "In" => values()?,
            "NotIn" => format!("not {}", values()?),
            "Exists" => "exists".to_string(),
            "DoesNotExist" => "not exists".to_string(),
            _ => return None,
        };
        entries.push(format!("{}: {matched}", ident_or_quoted(key)));
    }
    Some(format!("{{ {} }}", entries.join(", ")))
}

/// The `priority` declarations the imported workloads name: each PriorityClass of the input that
/// the language can say whole (returned with its index, to be folded), and `assumed` for the
/// others (not the cluster's own system classes, which need none).
pub fn declarations(
    manifests: &[super::Manifest],
    named: &[(String, String)],
) -> (String, Vec<(usize, String)>) {
    let mut text = String::new();
    let mut folded = Vec::new();
    let mut names: Vec<&String> = named.iter().map(|(name, _)| name).collect();
    names.sort();
    names.dedup();
    for name in names {
        let workload = named
            .iter()
            .find(|(n, _)| n == name)
            .map_or(String::new(), |(_, w)| w.clone());
        if SYSTEM_PRIORITIES.contains(&name.as_str()) || !declarable(name) {
            continue;
        }
        let class = manifests
            .iter()
            .position(|m| m.kind() == "PriorityClass" && m.name() == name);
        match class.and_then(|index| Some((index, declared(&manifests[index].value)?))) {
            Some((index, body)) => {
                folded.push((index, workload));
                text.push_str(&format!("priority {name} {{ {body} }}\n"));
            }
            None => text.push_str(&format!("priority {name} {{ assumed: true }}\n")),
        }
    }
    (text, folded)
}

/// The body of a `priority` declaration for a PriorityClass the language says whole.
fn declared(class: &Value) -> Option<String> {
    let map = class.as_object()?;
    let known = [
        "apiVersion",
        "kind",
        "metadata",
        "value",
        "preemptionPolicy",
        "description",
    ];
    if map.keys().any(|k| !known.contains(&k.as_str())) {
        return None;
    }
    // Labels and annotations of the input would be lost: such a class stays the cluster's.
    let metadata = map.get("metadata")?.as_object()?;
    if metadata.keys().any(|k| k != "name") {
        return None;
    }
    let value = map.get("value")?.as_i64().filter(|v| *v <= MAX_PRIORITY)?;
    let mut parts = vec![format!("value: {value}")];
    match map.get("preemptionPolicy").and_then(Value::as_str) {
        None | Some("PreemptLowerPriority") => {}
        Some("Never") => parts.push("preemption: never".to_string()),
        Some(_) => return None,
    }
    if let Some(description) = map.get("description").and_then(Value::as_str) {
        parts.push(format!("description: {}", string(description)));
    }
    Some(parts.join(", "))
}
