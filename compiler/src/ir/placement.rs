//! Where a workload's pods may run, final: node labels, tolerations, affinity, how hard replicas
//! are spread, the priority class and the runtime class.

pub use crate::model::placement::{NodeMatch, NodeTerm, TaintEffect, Toleration, Topology};
use crate::model::spec::{Entry, Sourced};

/// Pod (anti-)affinity against the workload's own pods or another workload of its app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodTermIr {
    /// Where the term is written (the `affinity` block).
    pub origin: crate::model::spec::Origin,
    /// The Kubernetes name of the workload whose pods are matched (the workload's own name when
    /// it is kept apart from itself).
    pub target: String,
    /// The domain.
    pub topology: Topology,
    /// Required or preferred.
    pub hard: bool,
}

/// Everything the pod spec says about placement. Empty (the default) writes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlacementIr {
    /// `nodeSelector`, in source order.
    pub nodes: Vec<Entry<String>>,
    /// Tolerations keyed by taint key, in source order.
    pub tolerations: Vec<Entry<Toleration>>,
    /// Required node affinity.
    pub require: Option<NodeTerm>,
    /// Preferred node affinity and its weight.
    pub prefer: Option<(u32, NodeTerm)>,
    /// Pod anti-affinity.
    pub apart: Option<PodTermIr>,
    /// Pod affinity.
    pub together: Option<PodTermIr>,
    /// Where the effective `affinity` block is written, if one is.
    pub affinity_origin: Option<crate::model::spec::Origin>,
    /// Whether the widest spreading domain is `DoNotSchedule`.
    pub spread_hard: bool,
    /// `priorityClassName`.
    pub priority: Option<Sourced<String>>,
    /// The declared PriorityClass it names, to emit (`None` for an assumed or system class).
    pub priority_class: Option<PriorityIr>,
    /// `runtimeClassName`.
    pub runtime_class: Option<Sourced<String>>,
}

/// The placement of a workload that declares none.
pub static NO_PLACEMENT: PlacementIr = PlacementIr {
    nodes: Vec::new(),
    tolerations: Vec::new(),
    require: None,
    prefer: None,
    apart: None,
    together: None,
    affinity_origin: None,
    spread_hard: false,
    priority: None,
    priority_class: None,
    runtime_class: None,
};

/// A PriorityClass the project declares (not an assumed one), emitted once per environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityIr {
    /// Its name.
    pub name: String,
    /// `value`.
    pub value: i32,
    /// `preemptionPolicy`.
    pub preemption: crate::model::placement::Preemption,
    /// `description`.
    pub description: Option<String>,
    /// Where it is declared.
    pub origin: crate::model::spec::Origin,
}
