//! The rollout settings of long-running workloads: how a Deployment replaces its pods
//! (`strategy`), how long a new pod must be ready before it counts (`min_ready`), when a stuck
//! rollout is reported (`progress_deadline`), and how a StatefulSet starts and updates its pods
//! (`pod_management`, `partition`). The values as checked; the IR carries them on unchanged.

use super::schema::{Defaults, FieldInfo, Kinds};
use super::spec::IntOrPercent;
use super::values::{COUNT, Choice, ValueInfo};

/// `strategy`: how a Deployment replaces its pods on an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// `recreate`: every old pod stops before any new one starts (single-writer apps, which
    /// must never run two versions at once).
    Recreate,
    /// `rolling { max_surge, max_unavailable }`: new pods replace old ones a few at a time;
    /// what is not written keeps k8sc's default (25% surge, none unavailable).
    Rolling {
        /// Pods above the wanted count during the rollout.
        max_surge: Option<IntOrPercent>,
        /// Pods below the wanted count during the rollout.
        max_unavailable: Option<IntOrPercent>,
    },
}

/// `pod_management`: whether a StatefulSet starts and stops its pods one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PodManagement {
    /// `ordered`: one pod at a time, in order (Kubernetes' `OrderedReady`, the default).
    Ordered,
    /// `parallel`: all at once (Kubernetes' `Parallel`), for peers that find each other.
    Parallel,
}

impl PodManagement {
    /// The value of `podManagementPolicy`.
    pub fn kubernetes(self) -> &'static str {
        match self {
            PodManagement::Ordered => "OrderedReady",
            PodManagement::Parallel => "Parallel",
        }
    }
}

const fn option(name: &'static str, syntax: &'static str, summary: &'static str) -> FieldInfo {
    FieldInfo {
        name,
        kinds: Kinds::All,
        defaults: Defaults::Allowed,
        syntax,
        summary,
        block: false,
        value: Some(COUNT_OR_PERCENT),
    }
}

/// A pod count or a share of the replicas.
pub const COUNT_OR_PERCENT: ValueInfo = ValueInfo {
    ty: "a pod count (`1`) or a share of the replicas (`25%`)",
    choices: COUNT.choices,
    units: super::values::PERCENT,
};

/// The options of `strategy: rolling { … }`.
pub const ROLLING_FIELDS: &[FieldInfo] = &[
    option(
        "max_surge",
        "max_surge: 25%",
        "Pods started above the wanted count during a rollout.",
    ),
    option(
        "max_unavailable",
        "max_unavailable: 0",
        "Pods that may be missing below the wanted count during a rollout.",
    ),
];

/// What `strategy` may be.
pub const STRATEGY: ValueInfo = ValueInfo {
    ty: "`recreate`, or `rolling { max_surge, max_unavailable }`",
    choices: &[
        Choice {
            text: "recreate",
            summary: "stop every old pod before starting new ones",
        },
        Choice {
            text: "rolling",
            summary: "replace pods a few at a time (default: 25% surge, none unavailable)",
        },
    ],
    units: &[],
};

/// What `pod_management` may be.
pub const POD_MANAGEMENT: ValueInfo = ValueInfo {
    ty: "how a StatefulSet starts and stops its pods",
    choices: &[
        Choice {
            text: "ordered",
            summary: "one at a time, in order (default)",
        },
        Choice {
            text: "parallel",
            summary: "all at once",
        },
    ],
    units: &[],
};
