//! What an Argo CD Application must never delete: the Namespace (deleting it deletes everything in
//! it, data included, and things k8sc does not manage), PersistentVolumeClaims (the data) and
//! PriorityClasses (cluster-wide: the API server refuses new pods of every app that names a
//! deleted one, and the class moves between apps' folders as they start or stop naming it). Each
//! such resource carries `argocd.argoproj.io/sync-options: Prune=false,Delete=false`, so neither
//! deleting the Application (whose resources finalizer deletes what it deployed) nor pruning a
//! resource removed from Git deletes it. The claims a StatefulSet makes from its claim templates
//! are not Argo CD's: the StatefulSet's `persistentVolumeClaimRetentionPolicy` (`Retain`, see the
//! Kubernetes backend) keeps them. `docs/ci.md` says how to remove an app on purpose.

use crate::backends::Resource;
use serde_json::Value;

/// The annotation Argo CD reads a resource's own sync options from.
pub const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";

/// The options that keep a resource through pruning and the Application's deletion.
pub const KEEP: [&str; 2] = ["Prune=false", "Delete=false"];

/// Whether Argo CD must never delete resources of `kind`.
pub fn is_kept(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace" | "PersistentVolumeClaim" | "PriorityClass"
    )
}

/// Marks every resource Argo CD must never delete, keeping any other sync option it has.
pub fn protect(resources: &mut [Resource]) {
    for resource in resources.iter_mut().filter(|r| is_kept(&r.kind)) {
        let Some(metadata) = resource
            .body
            .get_mut("metadata")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let annotations = metadata
            .entry("annotations")
            .or_insert_with(|| serde_json::json!({}));
        let Some(map) = annotations.as_object_mut() else {
            continue;
        };
        let existing = map.get(SYNC_OPTIONS).and_then(Value::as_str).unwrap_or("");
        map.insert(SYNC_OPTIONS.to_string(), Value::String(kept(existing)));
    }
}

/// `options` (comma-separated) without any `Prune=`/`Delete=` option, followed by [`KEEP`].
fn kept(options: &str) -> String {
    let mut out: Vec<&str> = options
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty() && !o.starts_with("Prune=") && !o.starts_with("Delete="))
        .collect();
    out.extend(KEEP);
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_options_are_kept_and_prune_or_delete_replaced() {
        assert_eq!(kept(""), "Prune=false,Delete=false");
        assert_eq!(
            kept("ServerSideApply=true, Prune=true,Delete=true"),
            "ServerSideApply=true,Prune=false,Delete=false"
        );
    }
}
