//! Names, labels and metadata shared by every resource of a workload.

use crate::ir::{AppIr, WorkloadIr};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

pub use crate::ir::labels::{
    app_labels, claim_template_labels, selector_labels, workload_labels, workload_pod_labels,
};

/// Metadata for a namespaced resource of a workload.
pub fn workload_meta(app: &AppIr, workload: &WorkloadIr, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(app.namespace.value.clone()),
        labels: Some(workload_labels(app, workload)),
        ..ObjectMeta::default()
    }
}

/// The selector of the workload's controller: its stable version's pods (see [`selector_labels`]).
pub fn selector(app: &AppIr, workload: &WorkloadIr) -> LabelSelector {
    LabelSelector {
        match_labels: Some(selector_labels(app, workload)),
        ..LabelSelector::default()
    }
}
