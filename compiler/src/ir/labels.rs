//! The labels every resource of a workload carries. They are part of the IR because rules test
//! them (`labels.has_all([…])`) and every backend must emit the same ones.

use super::{AppIr, WorkloadIr};
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

/// What a canary adds to the stable version's `app.kubernetes.io/instance`.
const CANARY_SUFFIX: &str = "-canary";

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

/// The selector of the workload's controller (and of its PodDisruptionBudget): the labels of its
/// stable version's pods that never change. A Deployment's or StatefulSet's selector is immutable,
/// so these must stay exactly what they have always been; a canary's pods carry another
/// `app.kubernetes.io/instance` ([`canary_selector_labels`]), so this selector never matches them.
pub fn selector_labels(app: &AppIr, workload: &WorkloadIr) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), workload.name.clone()),
        (
            "app.kubernetes.io/instance".to_string(),
            instance(app, workload),
        ),
    ])
}

/// The labels every pod of the workload carries, whichever version it runs (the stable one or
/// its canary): what selects the workload as a whole — its Services, the NetworkPolicies and the
/// mesh's policies — so that both versions receive its traffic and may call what it calls. These
/// selectors are all mutable; the controllers' own are narrower ([`selector_labels`],
/// [`canary_selector_labels`]), so no two controllers ever claim the same pods.
pub fn workload_pod_labels(app: &AppIr, workload: &WorkloadIr) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), workload.name.clone()),
        ("app.kubernetes.io/part-of".to_string(), app.name.clone()),
    ])
}

/// The selector of the workload's canary Deployment: its pods' own `app.kubernetes.io/instance`
/// ([`canary_instance`]) and the `canary` track.
pub fn canary_selector_labels(app: &AppIr, workload: &WorkloadIr) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), workload.name.clone()),
        (
            "app.kubernetes.io/instance".to_string(),
            canary_instance(app, workload),
        ),
        (TRACK_LABEL.to_string(), "canary".to_string()),
    ])
}

/// `app.kubernetes.io/instance` of a canary's pods: the stable version's with `-canary` (shortened
/// to fit 63 characters), and never equal to it — that difference is what keeps the stable
/// controller's selector off the canary's pods.
pub fn canary_instance(app: &AppIr, workload: &WorkloadIr) -> String {
    canary_instance_of(&instance(app, workload))
}

/// [`canary_instance`] of the stable instance `stable` (at most 63 characters).
fn canary_instance_of(stable: &str) -> String {
    let with = |suffix: &str| {
        let keep = stable.floor_char_boundary(63 - suffix.len());
        format!("{}{suffix}", stable[..keep].trim_end_matches('-'))
    };
    let first = with(CANARY_SUFFIX);
    if first != stable {
        return first;
    }
    // Only a stable instance that already ends in `-canary` (cut at 63) can equal the first
    // candidate; it does not end in `-canary-2`, so the second differs.
    with("-canary-2")
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

/// The component label: what role the workload plays (its keyword's, in the workload-kind
/// registry).
pub fn component(workload: &WorkloadIr) -> &'static str {
    let keywords = workload.kind.info().keywords;
    keywords
        .iter()
        .find(|k| k.decl == workload.keyword)
        .unwrap_or(&keywords[0])
        .component
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

#[cfg(test)]
mod tests {
    use super::canary_instance_of;

    #[test]
    fn a_canary_instance_fits_and_differs_from_the_stable_one() {
        assert_eq!(canary_instance_of("shop-web"), "shop-web-canary");
        let long = "a".repeat(63);
        assert_eq!(
            canary_instance_of(&long),
            format!("{}-canary", "a".repeat(56))
        );
        // Cut where a `-` would end the value: it is trimmed.
        let dashed = format!("{}-{}", "a".repeat(55), "b".repeat(7));
        assert_eq!(
            canary_instance_of(&dashed),
            format!("{}-canary", "a".repeat(55))
        );
        // A stable instance that is its own first candidate gets the second.
        let tricky = format!("{}-canary", "a".repeat(56));
        assert_eq!(
            canary_instance_of(&tricky),
            format!("{}-canary-2", "a".repeat(54))
        );
        for stable in ["shop-web", long.as_str(), dashed.as_str(), tricky.as_str()] {
            let canary = canary_instance_of(stable);
            assert!(
                canary.len() <= 63 && canary != stable,
                "{stable} -> {canary}"
            );
        }
    }
}
