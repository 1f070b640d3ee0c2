//! `allow … because …` in Kyverno: an `exclude` of the exempted workload's resources, selected by
//! the labels every resource k8sc generates for a workload carries (the controller, the pods of
//! its template, its HPA and its Services). PolicyExceptions are not used: they must be enabled
//! in Kyverno and live in a namespace of the cluster admin's choosing.

use super::crd::{MatchResources, ResourceDescription, ResourceFilter};
use super::targets::{Variant, covers};
use crate::ir::AppIr;
use crate::ir::policy::{ExemptionIr, RuleIr};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::BTreeMap;

/// The annotation listing a policy's exemptions and their reasons.
pub const EXEMPTIONS_ANNOTATION: &str = "k8sc.dev/exemptions";

/// The `exclude` of a rule checked on `variant`, if a workload it covers is exempted.
pub fn exclude(app: &AppIr, rule: &RuleIr, variant: &Variant) -> Option<MatchResources> {
    let mut exemptions: Vec<&ExemptionIr> = rule
        .exemptions
        .iter()
        .filter(|e| covers(variant, e.kind))
        .collect();
    exemptions.sort_by(|a, b| a.workload.cmp(&b.workload));
    exemptions.dedup_by(|a, b| a.workload == b.workload);
    if exemptions.is_empty() {
        return None;
    }
    let any = exemptions
        .into_iter()
        .map(|e| ResourceFilter {
            resources: ResourceDescription {
                kinds: vec![variant.kind.to_string()],
                namespaces: Some(vec![app.namespace.value.clone()]),
                operations: None,
                selector: Some(LabelSelector {
                    match_labels: Some(BTreeMap::from([
                        ("app.kubernetes.io/name".to_string(), e.workload.clone()),
                        ("app.kubernetes.io/part-of".to_string(), app.name.clone()),
                    ])),
                    ..LabelSelector::default()
                }),
            },
        })
        .collect();
    Some(MatchResources { any })
}

/// The text of the [`EXEMPTIONS_ANNOTATION`]: one line per exempted workload, sorted.
pub fn annotation(rule: &RuleIr) -> Option<String> {
    let mut lines: Vec<String> = rule
        .exemptions
        .iter()
        .map(|e| {
            format!(
                "{} ({}): {}",
                e.workload,
                e.kind.controller(),
                e.reason.trim()
            )
        })
        .collect();
    lines.sort();
    lines.dedup();
    (!lines.is_empty()).then(|| lines.join("\n"))
}
