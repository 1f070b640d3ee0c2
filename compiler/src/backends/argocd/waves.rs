//! Sync waves: the order Argo CD applies an app's resources in. Each backend registers the wave
//! of every kind it emits ([`crate::backends::Kind`]): the namespace and what governs it
//! (quota, limit range, admission policies, mesh security) first; then configuration and
//! identities; then workloads and their services, budgets and autoscalers; routing last, once
//! there is something to route to.

use crate::backends::{Kinds, Resource};

/// The annotation Argo CD orders a sync by.
pub const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";

/// The wave of a resource of `kind` in `api_version`, as its backend registered it; 0 (with the
/// workloads) for a kind no backend registered, which the example tests refuse.
pub fn wave(kinds: Kinds<'_>, api_version: &str, kind: &str) -> i32 {
    kinds.find(api_version, kind).map_or(0, |k| k.wave)
}

/// Annotates every resource of an app deployed by Argo CD with its sync wave.
pub fn annotate(resources: &mut [Resource], kinds: Kinds<'_>) {
    for resource in resources.iter_mut() {
        let wave = wave(kinds, &resource.api_version, &resource.kind).to_string();
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
