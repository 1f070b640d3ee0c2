//! The kinds of workload: what a declaration keyword (`service`, `cron` …) makes.

/// The kinds of workload, from the declaration keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkloadKind {
    /// Deployment + Service.
    Service,
    /// Deployment without a Service.
    Worker,
    /// StatefulSet + headless Service + volume claims (`database` or `stateful`).
    Stateful,
    /// Job.
    Job,
    /// CronJob.
    Cron,
    /// DaemonSet.
    Daemon,
}

impl WorkloadKind {
    /// Every kind, in documentation order.
    pub const ALL: [WorkloadKind; 6] = [
        WorkloadKind::Service,
        WorkloadKind::Worker,
        WorkloadKind::Stateful,
        WorkloadKind::Job,
        WorkloadKind::Cron,
        WorkloadKind::Daemon,
    ];

    /// The workload kind of a declaration keyword.
    pub fn from_decl(kind: k8sc_grammar::DeclKind) -> Option<WorkloadKind> {
        use k8sc_grammar::DeclKind as D;
        Some(match kind {
            D::Service => WorkloadKind::Service,
            D::Worker => WorkloadKind::Worker,
            D::Database | D::Stateful => WorkloadKind::Stateful,
            D::Job => WorkloadKind::Job,
            D::Cron => WorkloadKind::Cron,
            D::Daemon => WorkloadKind::Daemon,
            _ => return None,
        })
    }

    /// Whether pods run to completion (no Service, no readiness, no disruption budget).
    pub fn is_batch(self) -> bool {
        matches!(self, WorkloadKind::Job | WorkloadKind::Cron)
    }

    /// Whether the workload has a replica count.
    pub fn is_replicated(self) -> bool {
        matches!(
            self,
            WorkloadKind::Service | WorkloadKind::Worker | WorkloadKind::Stateful
        )
    }

    /// Whether the workload gets a Service for its ports.
    pub fn has_service(self) -> bool {
        matches!(self, WorkloadKind::Service | WorkloadKind::Stateful)
    }
}
