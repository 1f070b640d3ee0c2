//! How a workload's Service is reached, every value final: what the Kubernetes backend writes
//! into the Service (and the headless one), and what the graph admits from outside the cluster.

use crate::model::service::ExternalTraffic;
use crate::model::spec::Sourced;

/// The Service settings of a workload; [`ServiceIr::default`] is today's ClusterIP Service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceIr {
    /// A load balancer in front of the Service, if `type: load_balancer`.
    pub load_balancer: Option<Sourced<LoadBalancerIr>>,
    /// `sessionAffinity: ClientIP`, with its timeout in seconds if written.
    pub client_ip_affinity: Option<Sourced<Option<u32>>>,
    /// `externalTrafficPolicy` (only with a load balancer).
    pub external_traffic: Option<Sourced<ExternalTraffic>>,
    /// `publishNotReadyAddresses` of the client Service.
    pub publish_not_ready: Option<Sourced<bool>>,
    /// A headless `NAME-headless` Service besides (a `service` with `headless: true`).
    pub headless: Option<Sourced<bool>>,
}

/// `type: load_balancer { … }`, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBalancerIr {
    /// `loadBalancerSourceRanges`: valid CIDRs, in the order written; empty: every address.
    pub source_ranges: Vec<String>,
    /// The Service's annotations for the load-balancer controller, sorted by key.
    pub annotations: Vec<(String, String)>,
}

impl ServiceIr {
    /// The Service's `spec.type`.
    pub fn type_name(&self) -> &'static str {
        if self.load_balancer.is_some() {
            "LoadBalancer"
        } else {
            "ClusterIP"
        }
    }

    /// Whether clients keep their address through the load balancer (`external_traffic:
    /// local`), so that the pods' NetworkPolicy can admit them by address.
    pub fn keeps_client_address(&self) -> bool {
        self.external_traffic
            .as_ref()
            .is_some_and(|e| e.value == ExternalTraffic::Local)
    }
}
