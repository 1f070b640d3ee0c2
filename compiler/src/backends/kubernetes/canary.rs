//! The canary of a service: a second Deployment, `NAME-canary`, running the new image beside the
//! stable one. Both versions' pods carry the workload's selector labels, so the Service (and
//! every policy selecting the workload) covers both; [`TRACK_LABEL`] tells them apart for the
//! mesh's `stable` and `canary` subsets, and the canary Deployment selects on it so the two
//! Deployments never share pods.

use super::controllers::{Controller, controller};
use crate::ir::labels::TRACK_LABEL;
use crate::ir::{AppIr, WorkloadIr};
use k8s_openapi::api::apps::v1::Deployment;

/// The canary Deployment of `workload`, if it declares a canary.
pub fn canary_deployment(
    app: &AppIr,
    workload: &WorkloadIr,
    config_map: Option<&str>,
) -> Option<Deployment> {
    let canary = workload.traffic.as_ref()?.canary.as_ref()?;
    // Without traffic settings the pods get no `stable` track; they get `canary` below.
    let version = crate::ir::graph::canary_version(workload, canary);
    let Controller::Deployment(mut deployment) = controller(app, &version, config_map) else {
        return None;
    };
    let name = canary_name(workload);
    deployment.metadata.name = Some(name);
    if let Some(spec) = deployment.spec.as_mut() {
        spec.selector
            .match_labels
            .get_or_insert_default()
            .insert(TRACK_LABEL.to_string(), "canary".to_string());
        if let Some(meta) = spec.template.metadata.as_mut() {
            meta.labels
                .get_or_insert_default()
                .insert(TRACK_LABEL.to_string(), "canary".to_string());
        }
    }
    Some(*deployment)
}

/// `NAME-canary`.
pub fn canary_name(workload: &WorkloadIr) -> String {
    format!("{}-canary", workload.name)
}
