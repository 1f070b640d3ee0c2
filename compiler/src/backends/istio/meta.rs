//! Metadata of Istio resources: the app's labels for namespace-wide resources, the workload's
//! for its own (so a rule's exemptions, which select on them, cover them too).

use crate::ir::labels::{app_labels, workload_labels};
use crate::ir::{AppIr, WorkloadIr};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Metadata of a namespace-wide resource.
pub fn namespace_meta(app: &AppIr, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(app.namespace.value.clone()),
        labels: Some(app_labels(app)),
        ..ObjectMeta::default()
    }
}

/// Metadata of a workload's resource.
pub fn workload_meta(app: &AppIr, workload: &WorkloadIr, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(app.namespace.value.clone()),
        labels: Some(workload_labels(app, workload)),
        ..ObjectMeta::default()
    }
}

/// The cluster-local host name of a workload's Service.
pub fn service_host(app: &AppIr, workload: &WorkloadIr) -> String {
    format!(
        "{}.{}.svc.cluster.local",
        workload.name, app.namespace.value
    )
}
