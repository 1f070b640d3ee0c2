//! The types of a workload's `service { … }` block — how its Service is reached: its type (a
//! `load_balancer` with source ranges and annotations), session affinity, the external traffic
//! policy and whether not-ready pods are published — read in `semantic::service_options`.

use super::fields::Slot;
use super::spec::{Origin, Sourced};
use k8sc_grammar::Span;

/// Everything a `service { … }` block says; each setting layers on its own (a tier's
/// `session_affinity` stays when a workload sets only `type`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ServiceOptions {
    /// `type`: `cluster_ip` or `load_balancer { … }`.
    pub kind: Option<Sourced<ServiceType>>,
    /// `session_affinity`: `none` or `client_ip { timeout }`.
    pub session_affinity: Option<Sourced<SessionAffinity>>,
    /// `external_traffic`: `cluster` or `local` (LoadBalancer only).
    pub external_traffic: Option<Sourced<ExternalTraffic>>,
    /// `publish_not_ready`: the Service lists pods before they are ready.
    pub publish_not_ready: Option<Sourced<bool>>,
}

/// Each setting of the block layers on its own.
impl Slot for ServiceOptions {
    type Read = ServiceOptions;
    fn store(&mut self, read: ServiceOptions, _origin: Origin) {
        *self = read;
    }
    fn overlay(&mut self, lower: Self) {
        self.kind.overlay(lower.kind);
        self.session_affinity.overlay(lower.session_affinity);
        self.external_traffic.overlay(lower.external_traffic);
        self.publish_not_ready.overlay(lower.publish_not_ready);
    }
    fn origins<'a>(&'a self, name: &str, out: &mut Vec<(String, &'a Origin)>) {
        self.kind.origins(&format!("{name}.type"), out);
        self.session_affinity
            .origins(&format!("{name}.session_affinity"), out);
        self.external_traffic
            .origins(&format!("{name}.external_traffic"), out);
        self.publish_not_ready
            .origins(&format!("{name}.publish_not_ready"), out);
    }
}

/// The Service's `type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ServiceType {
    /// A cluster-internal address (the default).
    ClusterIp,
    /// An external load balancer in front of the Service.
    LoadBalancer(LoadBalancer),
}

impl ServiceType {
    /// Kubernetes' name of the type (`spec.type`), which the `service.type` rule property reads.
    pub fn kubernetes(&self) -> &'static str {
        match self {
            ServiceType::ClusterIp => "ClusterIP",
            ServiceType::LoadBalancer(_) => "LoadBalancer",
        }
    }
}

/// `load_balancer { source_ranges: [...], annotations { ... } }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LoadBalancer {
    /// The client address ranges the load balancer admits (`loadBalancerSourceRanges`), each
    /// with where it is written; empty: every address (W0018).
    pub source_ranges: Vec<(String, Span)>,
    /// Annotations of the Service for the cloud's load-balancer controller, sorted by key.
    pub annotations: Vec<(String, String)>,
}

/// `session_affinity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionAffinity {
    /// Every connection may go to any pod (the default).
    None,
    /// Connections from one client address go to one pod for `timeout` seconds (Kubernetes'
    /// default 10800 when not written).
    ClientIp {
        /// `sessionAffinityConfig.clientIP.timeoutSeconds`, 1..=86400.
        timeout_seconds: Option<u32>,
    },
}

/// `external_traffic`: `externalTrafficPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExternalTraffic {
    /// Any node forwards to any pod; the client address is replaced by a node's (the default).
    Cluster,
    /// Only nodes running a pod receive traffic; the client address is kept.
    Local,
}
