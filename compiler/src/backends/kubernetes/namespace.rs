//! The app's Namespace, labelled with its Pod Security Standard so the API server itself rejects
//! pods that do not meet it, and the quota and limit range its tier (or the app) sets.

use super::meta::app_labels;
use super::pod::non_empty_map;
use crate::ir::AppIr;
use crate::types::quantity::{format_bytes, format_cpu};
use k8s_openapi::api::core::v1::{
    LimitRange, LimitRangeItem, LimitRangeSpec, Namespace, ResourceQuota, ResourceQuotaSpec,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// The Namespace of `app`.
pub fn namespace(app: &AppIr) -> Namespace {
    let level = app.pod_security.value.as_str();
    let mut labels = app_labels(app);
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(
            format!("pod-security.kubernetes.io/{mode}"),
            level.to_string(),
        );
        labels.insert(
            format!("pod-security.kubernetes.io/{mode}-version"),
            "latest".to_string(),
        );
    }
    if app.mesh.is_some() {
        labels.insert("istio-injection".to_string(), "enabled".to_string());
    }
    let annotations: BTreeMap<String, String> = app
        .annotations
        .iter()
        .map(|e| (e.key.clone(), e.value.value.clone()))
        .collect();
    Namespace {
        metadata: ObjectMeta {
            name: Some(app.namespace.value.clone()),
            labels: Some(labels),
            annotations: non_empty_map(annotations),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

/// The namespace's ResourceQuota, when the app or its tier sets one.
pub fn resource_quota(app: &AppIr) -> Option<ResourceQuota> {
    let quota = &app.quota.as_ref()?.value;
    let mut hard = BTreeMap::new();
    if let Some(cpu) = quota.cpu {
        hard.insert("requests.cpu".to_string(), Quantity(format_cpu(cpu)));
    }
    if let Some(memory) = quota.memory {
        let value = format_bytes(memory);
        hard.insert("requests.memory".to_string(), Quantity(value.clone()));
        hard.insert("limits.memory".to_string(), Quantity(value));
    }
    if let Some(pods) = quota.pods {
        hard.insert("pods".to_string(), Quantity(pods.to_string()));
    }
    if let Some(storage) = quota.storage {
        hard.insert(
            "requests.storage".to_string(),
            Quantity(format_bytes(storage)),
        );
    }
    Some(ResourceQuota {
        metadata: namespaced_meta(app),
        spec: Some(ResourceQuotaSpec {
            hard: Some(hard),
            ..ResourceQuotaSpec::default()
        }),
        ..ResourceQuota::default()
    })
}

/// The namespace's LimitRange: defaults for containers that declare no resources (k8sc's own
/// always do) and the largest limits a container may have.
pub fn limit_range(app: &AppIr) -> Option<LimitRange> {
    let range = &app.limit_range.as_ref()?.value;
    let map = |entries: [(&str, Option<String>); 2]| {
        let map: BTreeMap<String, Quantity> = entries
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), Quantity(v))))
            .collect();
        (!map.is_empty()).then_some(map)
    };
    let item = LimitRangeItem {
        type_: "Container".to_string(),
        default_request: map([
            ("cpu", range.cpu_request.map(format_cpu)),
            ("memory", range.memory_request.map(format_bytes)),
        ]),
        default: map([
            ("cpu", range.cpu_limit.map(format_cpu)),
            ("memory", range.memory_limit.map(format_bytes)),
        ]),
        max: map([
            ("cpu", range.max_cpu.map(format_cpu)),
            ("memory", range.max_memory.map(format_bytes)),
        ]),
        ..LimitRangeItem::default()
    };
    Some(LimitRange {
        metadata: namespaced_meta(app),
        spec: Some(LimitRangeSpec { limits: vec![item] }),
    })
}

fn namespaced_meta(app: &AppIr) -> ObjectMeta {
    ObjectMeta {
        name: Some(app.namespace.value.clone()),
        namespace: Some(app.namespace.value.clone()),
        labels: Some(app_labels(app)),
        ..ObjectMeta::default()
    }
}
