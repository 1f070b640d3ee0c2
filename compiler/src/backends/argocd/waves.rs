//! Sync waves: the order Argo CD applies an app's resources in. The namespace and what governs it
//! (quota, limit range, admission policies, mesh security) first; then configuration and
//! identities; then workloads and their services, budgets and autoscalers; routing last, once
//! there is something to route to.

use crate::backends::Resource;

/// The annotation Argo CD orders a sync by.
pub const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";

/// The wave of a kind of resource.
pub fn wave(kind: &str) -> i32 {
    match kind {
        "Namespace" => -3,
        "ResourceQuota"
        | "LimitRange"
        | "Policy"
        | "ClusterPolicy"
        | "PeerAuthentication"
        | "AuthorizationPolicy"
        | "NetworkPolicy" => -2,
        "ConfigMap" | "Secret" | "ExternalSecret" | "ServiceAccount" | "Role" | "RoleBinding" => -1,
        "HTTPRoute" | "Ingress" | "Gateway" | "VirtualService" | "DestinationRule"
        | "ServiceEntry" | "Sidecar" => 1,
        _ => 0,
    }
}

/// Annotates every resource of an app deployed by Argo CD with its sync wave.
pub fn annotate(resources: &mut [Resource]) {
    for resource in resources.iter_mut() {
        let wave = wave(&resource.kind).to_string();
        let Some(metadata) = resource
            .body
            .get_mut("metadata")
            .and_then(serde_json::Value::as_object_mut)
        else {
            continue;
        };
        let annotations = metadata
            .entry("annotations")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(map) = annotations.as_object_mut() {
            map.insert(SYNC_WAVE.to_string(), serde_json::Value::String(wave));
        }
    }
}
