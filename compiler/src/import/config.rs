//! ConfigMaps folded into `config {}`. k8sc writes the ConfigMap of `config {}` itself — named
//! `WORKLOAD-config-HASH`, immutable, given to the main container whole through `envFrom` — so a
//! ConfigMap folds only when that is exactly how it is used: by one imported workload, through
//! the one `envFrom` entry of its main container, without a prefix and not optional, and holding
//! text the language can write under keys it accepts. Any other ConfigMap is skipped with every
//! reason that keeps it out, and the references to it stay in the patched pod spec.

use super::emit::{ident_or_quoted, string};
use super::read::Manifest;
use crate::semantic::secrets::secret_reason;
use crate::types::names::validate_env_var_name;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A ConfigMap folded into a workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// Its index among the manifests.
    pub config_map: usize,
    /// Its `data`, key by key (in the order of the keys).
    pub entries: Vec<(String, String)>,
}

/// The ConfigMaps folded, by the index of the controller they fold into, and the others with
/// the reasons they are skipped, by their own index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Folded ConfigMaps by controller.
    pub folds: BTreeMap<usize, Fold>,
    /// Why each other ConfigMap is skipped.
    pub skipped: BTreeMap<usize, String>,
}

/// How a manifest refers to a ConfigMap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum How {
    /// `envFrom[].configMapRef` of the main container of an imported workload.
    MainEnvFrom,
    /// `envFrom[].configMapRef` anywhere else.
    EnvFrom,
    /// `env[].valueFrom.configMapKeyRef`.
    KeyRef,
    /// A `configMap` volume or projected source.
    Files,
}

/// One reference to a ConfigMap.
struct Use {
    manifest: usize,
    how: How,
}

/// Decides for every ConfigMap of `manifests` whether it folds into one of `workloads` (the
/// indices of the controllers imported as workloads).
pub fn plan(manifests: &[Manifest], workloads: &[usize]) -> Plan {
    let mut references: Vec<(usize, String, How)> = Vec::new();
    for (index, manifest) in manifests.iter().enumerate() {
        let main = workloads
            .contains(&index)
            .then(|| main_env_from(manifest.kind()));
        let mut found = Vec::new();
        walk(&manifest.value, String::new(), &mut found);
        for (pointer, key, name) in found {
            let how = match key {
                "configMapKeyRef" => How::KeyRef,
                "configMap" => How::Files,
                _ if main
                    .as_ref()
                    .is_some_and(|prefix| is_entry_of(&pointer, prefix)) =>
                {
                    How::MainEnvFrom
                }
                _ => How::EnvFrom,
            };
            references.push((index, name, how));
        }
    }
    let mut plan = Plan::default();
    for (index, config_map) in manifests.iter().enumerate() {
        if config_map.kind() != "ConfigMap" {
            continue;
        }
        let uses: Vec<Use> = references
            .iter()
            .filter(|(user, name, _)| {
                *user != index
                    && name == config_map.name()
                    && same_namespace(&manifests[*user], config_map)
            })
            .map(|(user, _, how)| Use {
                manifest: *user,
                how: *how,
            })
            .collect();
        match decide(manifests, index, &uses, workloads) {
            Ok((workload, fold)) => {
                plan.folds.insert(workload, fold);
            }
            Err(mut reasons) => {
                if !uses.is_empty() {
                    reasons.push(
                        "keep applying it as it is: it is referred to by its name".to_string(),
                    );
                }
                plan.skipped.insert(index, reasons.join("; "));
            }
        }
    }
    plan
}

/// The `config { … }` field of a fold.
pub fn field(fold: &Fold) -> String {
    let entries: Vec<String> = fold
        .entries
        .iter()
        .map(|(key, value)| format!("{}: {}", ident_or_quoted(key), string(value)))
        .collect();
    format!("config {{ {} }}", entries.join(", "))
}

/// The pointer to the main container's `envFrom` list of a controller kind.
fn main_env_from(kind: &str) -> String {
    format!(
        "{}/spec/containers/0/envFrom",
        super::convert::pod_template_pointer(kind)
    )
}

/// Whether `pointer` is `PREFIX/N/configMapRef`.
fn is_entry_of(pointer: &str, prefix: &str) -> bool {
    pointer
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|rest| rest.strip_suffix("/configMapRef"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Every `configMapRef`, `configMapKeyRef` and `configMap` object with a `name` under `value`,
/// as (JSON pointer, key, name).
fn walk(value: &Value, pointer: String, out: &mut Vec<(String, &'static str, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let at = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                let reference = ["configMapRef", "configMapKeyRef", "configMap"]
                    .into_iter()
                    .find(|k| k == key);
                if let Some(reference) = reference
                    && let Some(name) = inner.get("name").and_then(Value::as_str)
                {
                    out.push((at.clone(), reference, name.to_string()));
                }
                walk(inner, at, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// References only reach ConfigMaps of their own namespace; a manifest without one is taken to
/// be in the namespace it is applied to, like the others.
fn same_namespace(a: &Manifest, b: &Manifest) -> bool {
    match (a.namespace(), b.namespace()) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// The workload the ConfigMap at `index` folds into and how, or every reason it cannot.
fn decide(
    manifests: &[Manifest],
    index: usize,
    uses: &[Use],
    workloads: &[usize],
) -> Result<(usize, Fold), Vec<String>> {
    let config_map = &manifests[index];
    let users: BTreeSet<usize> = uses.iter().map(|u| u.manifest).collect();
    let user = match users.iter().copied().collect::<Vec<_>>()[..] {
        [] => {
            return Err(vec![
                "no imported resource uses it, and k8sc writes a ConfigMap only as a workload's `config {}`"
                    .to_string(),
            ]);
        }
        [one] => one,
        ref several => {
            let mut ids: Vec<String> = several.iter().map(|i| manifests[*i].id()).collect();
            let last = ids.pop().unwrap_or_default();
            return Err(vec![format!(
                "{} and {last} use it, and the ConfigMap of `config {{}}` belongs to one workload",
                ids.join(", ")
            )]);
        }
    };
    let id = manifests[user].id();
    if !workloads.contains(&user) {
        return Err(vec![format!(
            "{id} uses it, and {id} is not imported as a workload"
        )]);
    }
    let mut reasons = Vec::new();
    for how in uses.iter().map(|u| u.how).collect::<BTreeSet<_>>() {
        match how {
            How::MainEnvFrom => reasons.extend(env_from_reasons(&manifests[user], config_map)),
            How::EnvFrom => reasons.push(format!(
                "{id} gives it to a container other than the main one, and `config {{}}` is for the main container"
            )),
            How::KeyRef => reasons.push(format!(
                "{id} reads single keys of it (`configMapKeyRef`), and `config {{}}` gives every key as a variable of its own name"
            )),
            How::Files => reasons.push(format!(
                "{id} mounts it as files, and `config {{}}` gives its keys as environment variables"
            )),
        }
    }
    let entries = match data_entries(config_map) {
        Ok(entries) => entries,
        Err(more) => {
            reasons.extend(more);
            Vec::new()
        }
    };
    if reasons.is_empty() {
        Ok((
            user,
            Fold {
                config_map: index,
                entries,
            },
        ))
    } else {
        Err(reasons)
    }
}

/// What keeps the main container's `envFrom` from being the one k8sc writes for `config {}`:
/// `[{ configMapRef: { name, optional: false } }]`.
fn env_from_reasons(controller: &Manifest, config_map: &Manifest) -> Vec<String> {
    let id = controller.id();
    let mut reasons = Vec::new();
    let list = controller
        .value
        .pointer(&main_env_from(controller.kind()))
        .and_then(Value::as_array);
    let Some(list) = list else {
        return reasons;
    };
    if list.len() > 1 {
        reasons.push(format!(
            "the main container of {id} takes variables from other sources in `envFrom` too, and k8sc writes that list itself for `config {{}}`"
        ));
    }
    let entries = list.iter().filter(|entry| {
        entry.pointer("/configMapRef/name").and_then(Value::as_str) == Some(config_map.name())
    });
    for entry in entries {
        if let Some(prefix) = entry.get("prefix").and_then(Value::as_str) {
            reasons.push(format!(
                "{id} puts the prefix {} before its keys, which `config {{}}` cannot write",
                string(prefix)
            ));
        }
        if entry.pointer("/configMapRef/optional") == Some(&Value::Bool(true)) {
            reasons.push(format!(
                "{id} marks it `optional: true`, and the ConfigMap of `config {{}}` is required"
            ));
        }
        let known = |map: Option<&Value>, keys: &[&str]| {
            map.and_then(Value::as_object)
                .is_none_or(|m| m.keys().all(|k| keys.contains(&k.as_str())))
        };
        if !known(Some(entry), &["configMapRef", "prefix"])
            || !known(entry.get("configMapRef"), &["name", "optional"])
        {
            reasons.push(format!(
                "its `envFrom` entry in {id} has fields k8sc does not write"
            ));
        }
    }
    reasons
}

/// The entries of `data`, or why `config {}` cannot hold them.
fn data_entries(config_map: &Manifest) -> Result<Vec<(String, String)>, Vec<String>> {
    let mut reasons = Vec::new();
    let binary = config_map
        .value
        .get("binaryData")
        .and_then(Value::as_object);
    if binary.is_some_and(|b| !b.is_empty()) {
        reasons.push(
            "it has `binaryData`, and the values of `config {}` are text (its ConfigMap has `data` only)"
                .to_string(),
        );
    }
    let data = config_map.value.get("data").and_then(Value::as_object);
    let Some(data) = data.filter(|d| !d.is_empty()) else {
        reasons
            .push("it has no `data`, and an empty `config {}` generates no ConfigMap".to_string());
        return Err(reasons);
    };
    let mut entries = Vec::new();
    let mut bad_keys = Vec::new();
    for (key, value) in data {
        if validate_env_var_name(key).is_err() {
            bad_keys.push(format!("`{key}`"));
            continue;
        }
        let Some(text) = value.as_str() else {
            reasons.push(format!(
                "its value of `{key}` is not a string, and ConfigMap values are strings"
            ));
            continue;
        };
        if let Some(why) = secret_reason(key, text) {
            reasons.push(format!(
                "its `{key}` looks like a credential written in plain text ({why}), which `config {{}}` refuses (E0015) and which belongs in a Secret"
            ));
            continue;
        }
        entries.push((key.clone(), text.to_string()));
    }
    if !bad_keys.is_empty() {
        let (noun, verb) = if bad_keys.len() == 1 {
            ("key", "is not")
        } else {
            ("keys", "are not")
        };
        reasons.push(format!(
            "its {noun} {} {verb} a key of `config {{}}`, whose keys are environment variable names (letters, digits and `_`, not starting with a digit)",
            bad_keys.join(", ")
        ));
    }
    if reasons.is_empty() {
        Ok(entries)
    } else {
        Err(reasons)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest(value: Value) -> Manifest {
        Manifest {
            source: "test.yaml".to_string(),
            value,
        }
    }

    fn worker(name: &str, container: Value) -> Manifest {
        manifest(json!({
            "kind": "Deployment",
            "metadata": { "name": name },
            "spec": { "template": { "spec": { "containers": [container] } } }
        }))
    }

    fn config_map(name: &str, data: Value) -> Manifest {
        manifest(json!({ "kind": "ConfigMap", "metadata": { "name": name }, "data": data }))
    }

    fn env_from(name: &str) -> Value {
        json!({ "name": "main", "envFrom": [{ "configMapRef": { "name": name } }] })
    }

    #[test]
    fn folds_the_config_map_of_the_main_container_alone() {
        let manifests = vec![
            config_map("settings", json!({ "B": "say \"hi\"\nbye", "A": "" })),
            worker("app", env_from("settings")),
        ];
        let plan = plan(&manifests, &[1]);
        assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
        let fold = &plan.folds[&1];
        assert_eq!(fold.config_map, 0);
        assert_eq!(field(fold), r#"config { A: "", B: "say \"hi\"\nbye" }"#);
    }

    #[test]
    fn a_cron_job_folds_the_config_map_of_its_job_template() {
        let cron = manifest(json!({
            "kind": "CronJob",
            "metadata": { "name": "report" },
            "spec": { "jobTemplate": { "spec": { "template": { "spec": {
                "containers": [env_from("settings")]
            } } } } }
        }));
        let manifests = vec![config_map("settings", json!({ "FORMAT": "csv" })), cron];
        let plan = plan(&manifests, &[1]);
        assert_eq!(
            plan.folds[&1].entries,
            [("FORMAT".to_string(), "csv".to_string())]
        );
    }

    #[test]
    fn what_config_cannot_say_is_every_reason_given() {
        let manifests = vec![
            config_map(
                "settings",
                json!({ "app.properties": "x=1", "PORT": 8080, "API_TOKEN": "ghp-a1b2c3d4e5" }),
            ),
            worker(
                "app",
                json!({ "name": "main", "envFrom": [
                    { "prefix": "APP_", "configMapRef": { "name": "settings", "optional": true } },
                    { "secretRef": { "name": "keys" } }
                ] }),
            ),
        ];
        let plan = plan(&manifests, &[1]);
        assert!(plan.folds.is_empty());
        let reason = &plan.skipped[&0];
        for part in [
            "other sources in `envFrom`",
            "prefix \"APP_\"",
            "`optional: true`",
            "`app.properties` is not a key",
            "value of `PORT` is not a string",
            "`API_TOKEN` looks like a credential",
        ] {
            assert!(reason.contains(part), "{part} in {reason}");
        }
    }

    #[test]
    fn shared_key_referenced_mounted_and_unused_maps_stay_out() {
        let mounted = manifest(json!({
            "kind": "Deployment",
            "metadata": { "name": "files" },
            "spec": { "template": { "spec": {
                "containers": [{ "name": "main" }],
                "volumes": [{ "name": "c", "configMap": { "name": "mounted" } }]
            } } }
        }));
        let key_ref = json!({ "name": "main", "env": [{ "name": "A", "valueFrom": {
            "configMapKeyRef": { "name": "keyed", "key": "A" } } }] });
        let manifests = vec![
            config_map("shared", json!({ "A": "1" })),
            config_map("keyed", json!({ "A": "1" })),
            config_map("mounted", json!({ "A": "1" })),
            config_map("unused", json!({ "A": "1" })),
            worker("one", env_from("shared")),
            worker("two", env_from("shared")),
            worker("keys", key_ref),
            mounted,
        ];
        let plan = plan(&manifests, &[4, 5, 6, 7]);
        assert!(plan.folds.is_empty());
        assert!(plan.skipped[&0].contains("Deployment/one and Deployment/two use it"));
        assert!(plan.skipped[&1].contains("`configMapKeyRef`"));
        assert!(plan.skipped[&2].contains("mounts it as files"));
        assert!(plan.skipped[&3].contains("no imported resource uses it"));
    }

    #[test]
    fn a_reference_from_another_namespace_or_an_unimported_resource_counts() {
        let mut other = worker("elsewhere", env_from("settings"));
        other.value["metadata"]["namespace"] = json!("b");
        let mut map = config_map("settings", json!({ "A": "1" }));
        map.value["metadata"]["namespace"] = json!("a");
        let manifests = vec![map.clone(), other, worker("pod", env_from("settings"))];
        let plan = plan(&manifests, &[1]);
        assert!(plan.folds.is_empty());
        assert_eq!(
            plan.skipped[&0],
            "Deployment/pod uses it, and Deployment/pod is not imported as a workload; keep applying it as it is: it is referred to by its name"
        );
        let manifests = vec![map, worker("app", env_from("settings"))];
        assert!(super::plan(&manifests, &[1]).folds.contains_key(&1));
    }
}
