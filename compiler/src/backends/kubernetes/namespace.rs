//! The app's Namespace, labelled with its Pod Security Standard so the API server itself rejects
//! pods that do not meet it.

use super::meta::app_labels;
use super::pod::non_empty_map;
use crate::ir::AppIr;
use k8s_openapi::api::core::v1::Namespace;
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
