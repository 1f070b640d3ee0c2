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
