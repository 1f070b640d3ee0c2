//! The API server's update rules: which fields of each kind it refuses to change in place, and
//! what changing one takes instead. `k8sc diff` and `k8sc build --check` mark such changes with
//! it, and the upgrade property test checks that no routine edit of a project makes one.
//!
//! The rules follow the API server's update validation (`ValidateStatefulSetUpdate`,
//! `ValidateDeploymentUpdate`, `ValidateJobUpdate`, `ValidateServiceUpdate`,
//! `ValidatePersistentVolumeClaimUpdate`, `ValidateConfigMapUpdate`, …) for Kubernetes 1.33–1.37:
//!
//! | kind | cannot change in place |
//! |---|---|
//! | StatefulSet | every `spec` field but `replicas`, `ordinals`, `template`, `updateStrategy`, `persistentVolumeClaimRetentionPolicy`, `minReadySeconds` — so `volumeClaimTemplates` (and the storage size in it), `selector`, `serviceName`, `podManagementPolicy`, `revisionHistoryLimit` |
//! | Deployment, DaemonSet, ReplicaSet | `spec.selector` |
//! | Job | `spec.selector`, `spec.template`, `spec.completions`, `spec.completionMode`, `spec.podFailurePolicy`, `spec.successPolicy`, `spec.managedBy` |
//! | Service | `spec.clusterIP`, `spec.clusterIPs` (unless either side is `ExternalName`); a headless Service cannot become `NodePort` or `LoadBalancer` |
//! | PersistentVolumeClaim | `spec`, except growing `resources.requests.storage` (and `volumeAttributesClassName`) |
//! | ConfigMap, Secret | `data`, `binaryData` (`stringData`) and `immutable` once `immutable: true`; a Secret's `type` always |
//! | Gateway (Gateway API) | `spec.gatewayClassName` |
//! | RoleBinding, ClusterRoleBinding | `roleRef` |

use crate::types::quantity::parse_bytes;
use serde_json::Value;

/// Which resource a pair of documents is: what the rules and the remedies need to know.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    /// The API group: `apps`, `batch`, empty for the core group.
    pub group: &'a str,
    /// `kind`.
    pub kind: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
    /// `metadata.namespace`, if set.
    pub namespace: Option<&'a str>,
}

/// A change to a field the API server will not update in place: `kubectl apply` and an Argo CD
/// sync fail on it until someone does what [`ImmutableChange::remedy`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImmutableChange {
    /// The field, as a path from the document's root: `spec.volumeClaimTemplates`.
    pub field: String,
    /// What it takes to make the change, with the commands where there are some.
    pub remedy: String,
}

impl ImmutableChange {
    /// Whether a changed path of the semantic diff (`spec.selector.matchLabels.app`) lies in
    /// this field.
    pub fn covers(&self, path: &str) -> bool {
        path.strip_prefix(self.field.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[', ' ']))
    }
}

/// The fields of a StatefulSet's `spec` the API server lets an update change.
const STATEFULSET_MUTABLE: [&str; 6] = [
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];

/// The fields of a Job's `spec` fixed at creation.
const JOB_IMMUTABLE: [&str; 7] = [
    "selector",
    "template",
    "completions",
    "completionMode",
    "podFailurePolicy",
    "successPolicy",
    "managedBy",
];

/// Every change from `old` to `new` (two versions of `resource`) that the API server refuses to
/// make in place, in field order. Empty when the update can be applied.
pub fn immutable_changes(resource: Resource<'_>, old: &Value, new: &Value) -> Vec<ImmutableChange> {
    let mut out = Vec::new();
    let mut refuse = |field: String, remedy: String| out.push(ImmutableChange { field, remedy });
    match (resource.group, resource.kind) {
        ("apps", "StatefulSet") => {
            for key in changed_keys(old.get("spec"), new.get("spec")) {
                if STATEFULSET_MUTABLE.contains(&key.as_str()) {
                    continue;
                }
                let remedy = statefulset_remedy(resource, &key, old, new);
                refuse(format!("spec.{key}"), remedy);
            }
        }
        ("apps", "Deployment" | "DaemonSet" | "ReplicaSet")
            if differs(old, new, "/spec/selector") =>
        {
            refuse("spec.selector".to_string(), controller_remedy(resource));
        }
        ("batch", "Job") => {
            for key in JOB_IMMUTABLE {
                if differs(old, new, &format!("/spec/{key}")) {
                    refuse(format!("spec.{key}"), job_remedy(resource));
                }
            }
        }
        ("", "Service") => service_rules(resource, old, new, &mut refuse),
        ("", "PersistentVolumeClaim") => claim_rules(resource, old, new, &mut refuse),
        ("", "ConfigMap" | "Secret") => {
            let was_immutable = old.pointer("/immutable").and_then(Value::as_bool) == Some(true);
            let mut fields = vec!["binaryData", "data", "immutable"];
            if resource.kind == "Secret" {
                fields.push("stringData");
            }
            fields.sort_unstable();
            for field in fields {
                if was_immutable && differs(old, new, &format!("/{field}")) {
                    refuse(field.to_string(), immutable_data_remedy(resource));
                }
            }
            if resource.kind == "Secret" && differs(old, new, "/type") {
                refuse(
                    "type".to_string(),
                    format!(
                        "a Secret's type never changes: delete and recreate it ({}), or give it a new name and point its users at it",
                        kubectl_delete(resource, "")
                    ),
                );
            }
        }
        ("gateway.networking.k8s.io", "Gateway") if differs(old, new, "/spec/gatewayClassName") => {
            refuse(
                "spec.gatewayClassName".to_string(),
                format!(
                    "a Gateway's class is fixed at creation: create a Gateway under a new name, move the routes to it, then delete the old one (or {}, then re-apply, with downtime)",
                    kubectl_delete(resource, "")
                ),
            );
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding")
            if differs(old, new, "/roleRef") =>
        {
            refuse(
                "roleRef".to_string(),
                format!(
                    "a binding's role is fixed at creation: delete and recreate it ({}, then re-apply), or bind the new role under a new name",
                    kubectl_delete(resource, "")
                ),
            );
        }
        _ => {}
    }
    out
}

/// Whether the value at `pointer` differs (a missing value differs from any present one).
fn differs(old: &Value, new: &Value, pointer: &str) -> bool {
    old.pointer(pointer) != new.pointer(pointer)
}

/// The keys of two mappings whose values differ, sorted.
fn changed_keys(old: Option<&Value>, new: Option<&Value>) -> Vec<String> {
    let keys = |value: Option<&Value>| -> Vec<String> {
        value
            .and_then(Value::as_object)
            .map(|map| map.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut all = keys(old);
    all.extend(keys(new));
    all.sort();
    all.dedup();
    all.retain(|key| old.and_then(|v| v.get(key)) != new.and_then(|v| v.get(key)));
    all
}

/// `kubectl delete statefulset db --namespace shop`, plus `extra` flags.
fn kubectl_delete(resource: Resource<'_>, extra: &str) -> String {
    let mut command = format!(
        "`kubectl delete {} {}",
        resource.kind.to_ascii_lowercase(),
        resource.name
    );
    if let Some(namespace) = resource.namespace {
        command.push_str(&format!(" --namespace {namespace}"));
    }
    if !extra.is_empty() {
        command.push(' ');
        command.push_str(extra);
    }
    command.push('`');
    command
}

fn statefulset_remedy(resource: Resource<'_>, key: &str, old: &Value, new: &Value) -> String {
    let orphan = kubectl_delete(resource, "--cascade=orphan");
    match key {
        "volumeClaimTemplates" => {
            let claims: Vec<String> = new
                .pointer("/spec/volumeClaimTemplates")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|t| t.pointer("/metadata/name").and_then(Value::as_str))
                .map(|template| format!("`{template}-{}-N`", resource.name))
                .collect();
            let claims = if claims.is_empty() {
                "claims".to_string()
            } else {
                format!("claims {}", claims.join(", "))
            };
            let storage = "/spec/resources/requests/storage";
            let resized = |side: &Value| -> Vec<Option<Value>> {
                side.pointer("/spec/volumeClaimTemplates")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|t| t.pointer(storage).cloned())
                    .collect()
            };
            let (before, after) = (resized(old), resized(new));
            let shrinks = before.iter().zip(&after).any(|(a, b)| {
                let size = |v: &Option<Value>| v.as_ref().and_then(Value::as_str).map(String::from);
                match (size(a), size(b)) {
                    (Some(a), Some(b)) => a != b && !grows(&a, &b),
                    _ => false,
                }
            });
            let size_step = if shrinks {
                return format!(
                    "a StatefulSet's claim templates, storage size included, are fixed at creation, and a claim can never shrink: a smaller size takes new claims and a data migration (deploy the database under a new name, copy the data, switch its clients, then delete the old StatefulSet and its {claims})"
                );
            } else if before != after {
                ", grow each claim to the new size with `kubectl patch pvc` (their StorageClass must allow volume expansion)".to_string()
            } else {
                String::new()
            };
            format!(
                "a StatefulSet's claim templates, storage size included, are fixed at creation: {orphan} (its pods and {claims} stay){size_step}, then re-apply: the new StatefulSet adopts the pods and claims; claims already made keep their old labels"
            )
        }
        "selector" => format!(
            "a StatefulSet's selector is fixed at creation: {orphan} (its pods and claims stay), re-apply, then delete the old pods one at a time (the new selector does not adopt them; their replacements reuse the claims)"
        ),
        _ => format!(
            "a StatefulSet's `spec.{key}` is fixed at creation: {orphan} (its pods and claims stay), then re-apply: the new StatefulSet adopts them"
        ),
    }
}

fn controller_remedy(resource: Resource<'_>) -> String {
    format!(
        "a {}'s selector is fixed at creation: delete and recreate it ({}, then re-apply: its pods are replaced, with downtime), or roll out a copy under a new name and delete the old one once it is ready",
        resource.kind,
        kubectl_delete(resource, "")
    )
}

fn job_remedy(resource: Resource<'_>) -> String {
    format!(
        "a Job's pod template, selector and completion settings are fixed at creation: delete it ({}) and re-apply, or give it a new name (k8sc names its Jobs after a hash of their spec, so a changed Job it builds is a new Job)",
        kubectl_delete(resource, "")
    )
}

fn immutable_data_remedy(resource: Resource<'_>) -> String {
    format!(
        "an immutable {}'s content is fixed: give it a new name and point its users at it (k8sc names its ConfigMaps after a hash of their content), or delete and recreate it ({}, then re-apply; running pods keep the old content until they restart)",
        resource.kind,
        kubectl_delete(resource, "")
    )
}

/// `spec.clusterIP`/`clusterIPs` stay once allocated (unless the Service is or becomes an
/// `ExternalName`), and a headless Service (`clusterIP: None`) cannot become a `NodePort` or
/// `LoadBalancer`.
fn service_rules(
    resource: Resource<'_>,
    old: &Value,
    new: &Value,
    refuse: &mut impl FnMut(String, String),
) {
    let text = |side: &Value, pointer: &str| {
        side.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let type_of = |side: &Value| text(side, "/spec/type").unwrap_or_else(|| "ClusterIP".into());
    let external = type_of(old) == "ExternalName" || type_of(new) == "ExternalName";
    let recreate = format!(
        "delete and recreate the Service ({}, then re-apply: it gets a new cluster IP, and connections through it fail meanwhile), or create the new one under another name and move its clients",
        kubectl_delete(resource, "")
    );
    for field in ["clusterIP", "clusterIPs"] {
        if !external && differs(old, new, &format!("/spec/{field}")) {
            refuse(
                format!("spec.{field}"),
                format!("a Service's cluster IP is fixed once allocated: {recreate}"),
            );
        }
    }
    let headless = text(old, "/spec/clusterIP").as_deref() == Some("None");
    let new_type = type_of(new);
    if headless
        && type_of(old) != new_type
        && matches!(new_type.as_str(), "NodePort" | "LoadBalancer")
    {
        refuse(
            "spec.type".to_string(),
            format!("a headless Service cannot become a {new_type}: {recreate}"),
        );
    }
}

/// A claim's spec is fixed but for growing its storage request (and its volume attributes
/// class).
fn claim_rules(
    resource: Resource<'_>,
    old: &Value,
    new: &Value,
    refuse: &mut impl FnMut(String, String),
) {
    let migrate = format!(
        "a claim's spec is fixed once created, but for growing its storage: create a claim under a new name, copy the data, point the workload at it, then delete the old one ({})",
        kubectl_delete(resource, "")
    );
    for key in changed_keys(old.get("spec"), new.get("spec")) {
        match key.as_str() {
            "volumeAttributesClassName" => {}
            "resources" => {
                let storage = "/spec/resources/requests/storage";
                if let (Some(before), Some(after)) = (
                    old.pointer(storage).and_then(Value::as_str),
                    new.pointer(storage).and_then(Value::as_str),
                ) && before != after
                    && !grows(before, after)
                {
                    refuse(
                        "spec.resources.requests.storage".to_string(),
                        format!("a claim's storage can grow, never shrink: {migrate}"),
                    );
                }
                let without_storage = |side: &Value| {
                    let mut resources = side.pointer("/spec/resources").cloned();
                    if let Some(requests) = resources
                        .as_mut()
                        .and_then(|r| r.get_mut("requests"))
                        .and_then(Value::as_object_mut)
                    {
                        requests.remove("storage");
                    }
                    resources
                };
                for part in
                    changed_keys(without_storage(old).as_ref(), without_storage(new).as_ref())
                {
                    refuse(format!("spec.resources.{part}"), migrate.clone());
                }
            }
            _ => refuse(format!("spec.{key}"), migrate.clone()),
        }
    }
}

/// Whether the quantity `after` is larger than `before` (`20Gi` → `30Gi`); false when either
/// cannot be read.
fn grows(before: &str, after: &str) -> bool {
    match (bytes(before), bytes(after)) {
        (Some(a), Some(b)) => b > a,
        _ => false,
    }
}

fn bytes(quantity: &str) -> Option<u64> {
    let split = quantity
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(quantity.len());
    let (number, unit) = quantity.split_at(split);
    let unit = (!unit.is_empty()).then_some(unit);
    match unit {
        // A bare number of bytes: `parse_bytes` refuses it on purpose (a unit is required in
        // `.k8s`), but Kubernetes reads it.
        None => number.parse().ok(),
        Some(unit) => parse_bytes(number, Some(unit), "storage").ok(),
    }
}

#[cfg(test)]
mod tests;
