//! The ConfigMap of `config {}`, named with a hash of its content so that a change rolls the pods
//! and an old ReplicaSet keeps the config it started with.

use super::meta::workload_meta;
use crate::ir::{AppIr, WorkloadIr};
use k8s_openapi::api::core::v1::ConfigMap;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The ConfigMap and its name, if the workload has config.
pub fn config_map(app: &AppIr, workload: &WorkloadIr) -> Option<(String, ConfigMap)> {
    if workload.config.is_empty() {
        return None;
    }
    let data: BTreeMap<String, String> = workload
        .config
        .iter()
        .map(|e| (e.key.clone(), e.value.value.clone()))
        .collect();
    let name = format!("{}-config-{}", workload.name, content_hash(&data));
    let map = ConfigMap {
        metadata: workload_meta(app, workload, &name),
        data: Some(data),
        immutable: Some(true),
        ..ConfigMap::default()
    };
    Some((name, map))
}

/// Ten hex digits of the SHA-256 of the sorted entries (unambiguously delimited).
pub(super) fn content_hash(data: &BTreeMap<String, String>) -> String {
    let mut hasher = Sha256::new();
    for (key, value) in data {
        hasher.update((key.len() as u64).to_le_bytes());
        hasher.update(key.as_bytes());
        hasher.update((value.len() as u64).to_le_bytes());
        hasher.update(value.as_bytes());
    }
    let digest = hasher.finalize();
    digest.iter().take(5).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::content_hash;
    use std::collections::BTreeMap;

    #[test]
    fn hash_depends_on_content_and_is_stable() {
        let a = BTreeMap::from([("A".to_string(), "1".to_string())]);
        let b = BTreeMap::from([("A".to_string(), "2".to_string())]);
        assert_eq!(content_hash(&a), content_hash(&a.clone()));
        assert_ne!(content_hash(&a), content_hash(&b));
        assert_eq!(content_hash(&a).len(), 10);
        let joined = BTreeMap::from([("AB".to_string(), "".to_string())]);
        let split = BTreeMap::from([("A".to_string(), "B".to_string())]);
        assert_ne!(content_hash(&joined), content_hash(&split));
    }
}
