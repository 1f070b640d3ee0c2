//! Rules in force for an app, in the shape admission control needs: each rule in disjunctive normal
//! form over workload properties, with its severity, message and the workloads exempted from it.

use crate::model::spec::{Origin, WorkloadKind};
pub use crate::semantic::policy::expr::{CmpOp, Lit};
pub use crate::semantic::policy::normal::{Atom, Clauses, Test};
pub use crate::semantic::policy::property::{Group, PROPERTIES, Property};
pub use crate::semantic::policy::source::{RuleSeverity, RuleSource};

/// A workload exempted from a rule by `allow … because …`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExemptionIr {
    /// The workload's Kubernetes name.
    pub workload: String,
    /// Its kind.
    pub kind: WorkloadKind,
    /// The reason given.
    pub reason: String,
    /// Where the `allow` is written.
    pub origin: Origin,
}

/// One rule in force for an app.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleIr {
    /// A stable Kubernetes name for the rule (`pinned-images`, `production-replicas-min`).
    pub name: String,
    /// Where it was declared.
    pub source: RuleSource,
    /// Error or warning.
    pub severity: RuleSeverity,
    /// The rule's message, with parameters filled in and `{property}` placeholders left as they
    /// are (a backend renders them in its own terms).
    pub message: String,
    /// The resources that enforce it in the cluster.
    pub group: Group,
    /// The workload kinds it applies to (those for which every property it tests is defined).
    pub kinds: Vec<WorkloadKind>,
    /// Whether it tests `kind` (then a bare Pod, which has no controller kind, is not matched).
    pub tests_kind: bool,
    /// When a workload is denied: when any clause holds.
    pub deny: Clauses,
    /// Workloads exempted from it.
    pub exemptions: Vec<ExemptionIr>,
    /// Where the rule is declared.
    pub origin: Origin,
}
