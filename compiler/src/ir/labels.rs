//! The labels every resource of a workload carries. They are part of the IR because rules test
//! them (`labels.has_all([…])`) and every backend must emit the same ones.

use super::{AppIr, WorkloadIr};
use crate::semantic::spec::WorkloadKind;
use crate::types::names::is_valid_label_value;
use std::collections::BTreeMap;

/// The value of `app.kubernetes.io/managed-by`.
pub const MANAGED_BY: &str = "k8sc";

/// The annotation on a Deployment or StatefulSet whose replica count an HPA owns; its value is
/// the HPA's name. The API server defaults a missing `spec.replicas` to 1 before admission, so
/// admission policies cannot tell an autoscaled controller from a single-replica one without it:
/// they check such a controller's replica bounds on its HorizontalPodAutoscaler instead.
pub const AUTOSCALER_ANNOTATION: &str = "k8sc.dev/autoscaler";

/// The label that tells a canary's pods (`canary`) from the stable version's (`stable`); the
/// mesh's subsets select on it.
pub const TRACK_LABEL: &str = "k8sc.dev/track";

/// Labels every resource of the app carries: `part-of`, `managed-by`, the team and the app's own.
pub fn app_labels(app: &AppIr) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    for entry in &app.labels {
        labels.insert(entry.key.clone(), entry.value.value.clone());
    }
    if let Some(team) = &app.team {
        labels.insert("team".to_string(), team.value.clone());
    }
    labels.insert("app.kubernetes.io/part-of".to_string(), app.name.clone());
    labels.insert(
        "app.kubernetes.io/managed-by".to_string(),
        MANAGED_BY.to_string(),
    );
    labels
}

/// The labels that select a workload's pods; they never change, so selectors stay valid.
pub fn selector_labels(app: &AppIr, workload: &WorkloadIr) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), workload.name.clone()),
        (
            "app.kubernetes.io/instance".to_string(),
            instance(app, workload),
        ),
    ])
}

/// `app.kubernetes.io/instance`: unique in the cluster, at most 63 characters.
fn instance(app: &AppIr, workload: &WorkloadIr) -> String {
    let full = format!("{}-{}", app.name, workload.name);
    if full.len() <= 63 {
        return full;
    }
    full[..63].trim_end_matches('-').to_string()
}

/// The labels of a StatefulSet's volume claim templates: its selector labels and
/// `managed-by`, nothing a user changes. The API server refuses any update of a StatefulSet's
/// claim templates, so a version, team or user label there would make the next image bump or
/// re-labelling a failed sync (see `output::immutable`).
pub fn claim_template_labels(app: &AppIr, workload: &WorkloadIr) -> BTreeMap<String, String> {
    let mut labels = selector_labels(app, workload);
    labels.insert(
        "app.kubernetes.io/managed-by".to_string(),
        MANAGED_BY.to_string(),
    );
    labels
}

/// The component label: what role the workload plays.
pub fn component(workload: &WorkloadIr) -> &'static str {
    match workload.kind {
        WorkloadKind::Service => "service",
        WorkloadKind::Worker => "worker",
        WorkloadKind::Stateful => workload.keyword.keyword(),
        WorkloadKind::Job => "job",
        WorkloadKind::Cron => "cron",
        WorkloadKind::Daemon => "daemon",
    }
}

/// All labels of a workload's resources: app labels, the workload's own, and the six
/// `app.kubernetes.io` labels.
pub fn workload_labels(app: &AppIr, workload: &WorkloadIr) -> BTreeMap<String, String> {
    let mut labels = app_labels(app);
    for entry in &workload.labels {
        labels.insert(entry.key.clone(), entry.value.value.clone());
    }
    labels.extend(selector_labels(app, workload));
    labels.insert(
        "app.kubernetes.io/component".to_string(),
        component(workload).to_string(),
    );
    if let Some(version) = workload.image.value.label_version()
        && is_valid_label_value(&version)
    {
        labels.insert("app.kubernetes.io/version".to_string(), version);
    }
    labels
}
