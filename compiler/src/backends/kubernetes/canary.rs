//! The canary of a service: a second Deployment, `NAME-canary`, running the new image beside the
//! stable one, with a PodDisruptionBudget of its own when it runs several pods.
//!
//! No two controllers may claim the same pods, and the stable Deployment's selector
//! (`app.kubernetes.io/name` and `app.kubernetes.io/instance`) is immutable, so it stays as it
//! always was. The canary's pods carry another `app.kubernetes.io/instance` (`APP-NAME-canary`)
//! and the `canary` [`TRACK_LABEL`], and the canary Deployment selects on those: the stable
//! Deployment, its HPA and its budget never count a canary pod, and the canary's controller never
//! counts a stable one. Both versions' pods carry `app.kubernetes.io/name` and
//! `app.kubernetes.io/part-of` ([`workload_pod_labels`](crate::ir::labels::workload_pod_labels)),
//! which is what the Service, the NetworkPolicies and the mesh's policies select, so the canary
//! receives the workload's traffic and may call what the stable version calls; the mesh's
//! `stable` and `canary` subsets tell the two apart by the track.

use super::controllers::{Controller, controller};
use super::scaling::disruption_budget;
use crate::ir::labels::{TRACK_LABEL, canary_instance, canary_selector_labels};
use crate::ir::{AppIr, WorkloadIr};
use crate::model::spec::{Disruption, IntOrPercent, Sourced};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;

const INSTANCE: &str = "app.kubernetes.io/instance";

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
    let instance = canary_instance(app, workload);
    deployment.metadata.name = Some(canary_name(workload));
    relabel(&mut deployment.metadata, &instance);
    if let Some(spec) = deployment.spec.as_mut() {
        spec.selector = selector(app, workload);
        if let Some(meta) = spec.template.metadata.as_mut() {
            relabel(meta, &instance);
            meta.labels
                .get_or_insert_default()
                .insert(TRACK_LABEL.to_string(), "canary".to_string());
        }
        // Spread the canary's own pods, not the stable version's.
        if let Some(pod) = spec.template.spec.as_mut() {
            for constraint in pod.topology_spread_constraints.iter_mut().flatten() {
                constraint.label_selector = Some(selector(app, workload));
            }
        }
    }
    Some(*deployment)
}

/// The canary's PodDisruptionBudget, `NAME-canary`, when the workload has a budget and the canary
/// runs several pods: the workload's disruption settings over the canary's pods only (the stable
/// version's budget does not cover them), so a node drain never evicts every canary pod at once
/// and leaves the mesh's `canary` subset without endpoints. A `min_available` the canary's pods
/// could never satisfy while one is evicted becomes `max_unavailable: 1`.
pub fn canary_budget(app: &AppIr, workload: &WorkloadIr) -> Option<PodDisruptionBudget> {
    let canary = workload.traffic.as_ref()?.canary.as_ref()?;
    let stable = workload.disruption.as_ref()?;
    if canary.replicas < 2 {
        return None;
    }
    let value = match stable.value {
        Disruption::MinAvailable(IntOrPercent::Int(n)) if n >= canary.replicas => {
            Disruption::MaxUnavailable(IntOrPercent::Int(1))
        }
        Disruption::MinAvailable(IntOrPercent::Percent(100)) => {
            Disruption::MaxUnavailable(IntOrPercent::Int(1))
        }
        ref other => other.clone(),
    };
    let mut version = crate::ir::graph::canary_version(workload, canary);
    version.disruption = Some(Sourced {
        value,
        origin: stable.origin.clone(),
    });
    let mut budget = disruption_budget(app, &version)?;
    budget.metadata.name = Some(canary_name(workload));
    relabel(&mut budget.metadata, &canary_instance(app, workload));
    if let Some(spec) = budget.spec.as_mut() {
        spec.selector = Some(selector(app, workload));
    }
    Some(budget)
}

/// The canary's selector.
fn selector(app: &AppIr, workload: &WorkloadIr) -> LabelSelector {
    LabelSelector {
        match_labels: Some(canary_selector_labels(app, workload)),
        ..LabelSelector::default()
    }
}

/// Gives the object the canary's `app.kubernetes.io/instance`.
fn relabel(meta: &mut ObjectMeta, instance: &str) {
    let labels: &mut BTreeMap<String, String> = meta.labels.get_or_insert_default();
    labels.insert(INSTANCE.to_string(), instance.to_string());
}

/// `NAME-canary`.
pub fn canary_name(workload: &WorkloadIr) -> String {
    format!("{}-canary", workload.name)
}
