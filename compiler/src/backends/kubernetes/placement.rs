//! Where pods run: `nodeSelector`, `tolerations`, node and pod (anti-)affinity,
//! `priorityClassName` and `runtimeClassName` of the pod spec, and the PriorityClasses an app
//! carries.

use crate::backends::needs::{Collector, Consumer};
use crate::ir::labels::MANAGED_BY;
use crate::ir::placement::{NodeTerm, PlacementIr, PodTermIr, PriorityIr};
use crate::ir::{AppIr, WorkloadIr};
use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodAffinity,
    PodAffinityTerm, PodAntiAffinity, PodSpec, PreferredSchedulingTerm, Toleration,
    WeightedPodAffinityTerm,
};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;

/// Writes the workload's placement into its pod spec.
pub fn apply(app: &AppIr, workload: &WorkloadIr, pod: &mut PodSpec) {
    let placement = workload.placement();
    if !placement.nodes.is_empty() {
        pod.node_selector = Some(
            placement
                .nodes
                .iter()
                .map(|e| (e.key.clone(), e.value.value.clone()))
                .collect(),
        );
    }
    let tolerations: Vec<Toleration> = placement
        .tolerations
        .iter()
        .flat_map(|entry| {
            let t = &entry.value.value;
            let effects: Vec<Option<&str>> = if t.effects.is_empty() {
                vec![None]
            } else {
                t.effects.iter().map(|e| Some(e.as_str())).collect()
            };
            effects.into_iter().map(move |effect| Toleration {
                key: Some(entry.key.clone()),
                operator: Some(if t.value.is_some() { "Equal" } else { "Exists" }.to_string()),
                value: t.value.clone(),
                effect: effect.map(str::to_string),
                toleration_seconds: t.seconds.map(|s| i64::try_from(s).unwrap_or(i64::MAX)),
            })
        })
        .collect();
    if !tolerations.is_empty() {
        pod.tolerations = Some(tolerations);
    }
    pod.affinity = affinity(app, placement);
    pod.priority_class_name = placement.priority.as_ref().map(|p| p.value.clone());
    pod.runtime_class_name = placement.runtime_class.as_ref().map(|r| r.value.clone());
}

fn affinity(app: &AppIr, placement: &PlacementIr) -> Option<Affinity> {
    let node_affinity =
        (placement.require.is_some() || placement.prefer.is_some()).then(|| NodeAffinity {
            required_during_scheduling_ignored_during_execution: placement.require.as_ref().map(
                |term| NodeSelector {
                    node_selector_terms: vec![node_term(term)],
                },
            ),
            preferred_during_scheduling_ignored_during_execution: placement.prefer.as_ref().map(
                |(weight, term)| {
                    vec![PreferredSchedulingTerm {
                        weight: i32::try_from(*weight).unwrap_or(100),
                        preference: node_term(term),
                    }]
                },
            ),
        });
    let pod_anti_affinity = placement.apart.as_ref().map(|term| {
        let (required, preferred) = pod_terms(app, term);
        PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: required,
            preferred_during_scheduling_ignored_during_execution: preferred,
        }
    });
    let pod_affinity = placement.together.as_ref().map(|term| {
        let (required, preferred) = pod_terms(app, term);
        PodAffinity {
            required_during_scheduling_ignored_during_execution: required,
            preferred_during_scheduling_ignored_during_execution: preferred,
        }
    });
    (node_affinity.is_some() || pod_anti_affinity.is_some() || pod_affinity.is_some()).then_some(
        Affinity {
            node_affinity,
            pod_affinity,
            pod_anti_affinity,
        },
    )
}

fn node_term(term: &NodeTerm) -> NodeSelectorTerm {
    NodeSelectorTerm {
        match_expressions: Some(
            term.requirements
                .iter()
                .map(|(key, m)| NodeSelectorRequirement {
                    key: key.clone(),
                    operator: m.operator().to_string(),
                    values: match m {
                        crate::ir::placement::NodeMatch::In(v)
                        | crate::ir::placement::NodeMatch::NotIn(v) => Some(v.clone()),
                        _ => None,
                    },
                })
                .collect(),
        ),
        ..NodeSelectorTerm::default()
    }
}

/// The required or the preferred list of a pod (anti-)affinity: the matched workload's pods
/// (by name and app, so a canary's pods count too) in the term's domain.
#[allow(clippy::type_complexity)]
fn pod_terms(
    app: &AppIr,
    term: &PodTermIr,
) -> (
    Option<Vec<PodAffinityTerm>>,
    Option<Vec<WeightedPodAffinityTerm>>,
) {
    let affinity_term = PodAffinityTerm {
        label_selector: Some(LabelSelector {
            match_labels: Some(BTreeMap::from([
                ("app.kubernetes.io/name".to_string(), term.target.clone()),
                ("app.kubernetes.io/part-of".to_string(), app.name.clone()),
            ])),
            ..LabelSelector::default()
        }),
        topology_key: term.topology.key().to_string(),
        ..PodAffinityTerm::default()
    };
    if term.hard {
        (Some(vec![affinity_term]), None)
    } else {
        (
            None,
            Some(vec![WeightedPodAffinityTerm {
                weight: 100,
                pod_affinity_term: affinity_term,
            }]),
        )
    }
}

/// What the placement of `workload` needs from the cluster: the PriorityClass it names when the
/// output does not carry it (an assumed or system class), and its RuntimeClass.
pub fn needs(app: &AppIr, workload: &WorkloadIr, out: &mut Collector) {
    let placement = workload.placement();
    if let Some(priority) = &placement.priority
        && placement.priority_class.is_none()
    {
        out.priority_class(&priority.value, Consumer::new(&app.name, &workload.name));
    }
    if let Some(runtime) = &placement.runtime_class {
        out.cluster_object(
            "RuntimeClass",
            None,
            &runtime.value,
            "the runtime class of pods that name it (`runtime_class`): a handler configured on the nodes",
            &app.name,
        );
    }
}

/// A declared PriorityClass.
pub fn priority_class(class: &PriorityIr) -> PriorityClass {
    PriorityClass {
        metadata: ObjectMeta {
            name: Some(class.name.clone()),
            labels: Some(BTreeMap::from([(
                "app.kubernetes.io/managed-by".to_string(),
                MANAGED_BY.to_string(),
            )])),
            ..ObjectMeta::default()
        },
        value: class.value,
        preemption_policy: Some(class.preemption.as_str().to_string()),
        description: class.description.clone(),
        global_default: None,
    }
}
