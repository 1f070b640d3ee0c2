//! The rollout of a long-running workload, final: what the controllers' update settings are
//! built from. Every field is `None` where nothing was written and Kubernetes' (or k8sc's
//! built-in) behaviour applies, so a workload that sets none of them builds as before.

use crate::model::lifecycle::{PodManagement, Strategy};
use crate::model::spec::Sourced;

/// `strategy`, `min_ready`, `progress_deadline`, `pod_management` and `partition`, checked
/// against each other.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RolloutIr {
    /// How a Deployment replaces its pods (Deployments only; `None`: rolling, 25% surge, none
    /// unavailable).
    pub strategy: Option<Sourced<Strategy>>,
    /// `minReadySeconds` of a Deployment, StatefulSet or DaemonSet.
    pub min_ready_seconds: Option<Sourced<u64>>,
    /// `progressDeadlineSeconds` of a Deployment (longer than `min_ready_seconds`).
    pub progress_deadline_seconds: Option<Sourced<u64>>,
    /// `podManagementPolicy` of a StatefulSet.
    pub pod_management: Option<Sourced<PodManagement>>,
    /// `updateStrategy.rollingUpdate.partition` of a StatefulSet.
    pub partition: Option<Sourced<u32>>,
}

/// What a workload that sets no rollout field has.
static UNSET: RolloutIr = RolloutIr {
    strategy: None,
    min_ready_seconds: None,
    progress_deadline_seconds: None,
    pod_management: None,
    partition: None,
};

impl super::WorkloadIr {
    /// The workload's rollout settings (every one unset when it writes none).
    pub fn rollout(&self) -> &RolloutIr {
        self.rollout.as_deref().unwrap_or(&UNSET)
    }
}
