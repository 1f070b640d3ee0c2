//! What a workload's `service { … }` block and `headless` write into its Services: the type and
//! the load balancer's source ranges and annotations, session affinity, the external traffic
//! policy and `publishNotReadyAddresses` on the client Service; the headless twin of a
//! `service` is the same Service with `clusterIP: None`, under another name, so that turning
//! it on or off never changes the immutable `clusterIP` of an existing Service.

use crate::backends::needs::{Collector, Component};
use crate::ir::{AppIr, WorkloadIr};
use crate::model::service::ExternalTraffic;
use k8s_openapi::api::core::v1::{ClientIPConfig, ServiceSpec, SessionAffinityConfig};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// Whether the workload gets a headless `NAME-headless` Service because it asks for one (stateful
/// kinds always have theirs).
pub fn wants_headless(workload: &WorkloadIr) -> bool {
    workload.service.headless.as_ref().is_some_and(|h| h.value)
}

/// Applies the options to the client Service's (`headless: false`) or the headless Service's
/// spec and metadata.
pub fn apply(workload: &WorkloadIr, headless: bool, meta: &mut ObjectMeta, spec: &mut ServiceSpec) {
    let options = &workload.service;
    // A headless Service has no virtual address: no proxy applies affinity or a load balancer.
    if headless {
        return;
    }
    if let Some(affinity) = &options.client_ip_affinity {
        spec.session_affinity = Some("ClientIP".to_string());
        spec.session_affinity_config = affinity.value.map(|seconds| SessionAffinityConfig {
            client_ip: Some(ClientIPConfig {
                timeout_seconds: i32::try_from(seconds).ok(),
            }),
        });
    }
    if let Some(publish) = &options.publish_not_ready
        && publish.value
    {
        spec.publish_not_ready_addresses = Some(true);
    }
    let Some(balancer) = &options.load_balancer else {
        return;
    };
    spec.type_ = Some("LoadBalancer".to_string());
    spec.load_balancer_source_ranges =
        (!balancer.value.source_ranges.is_empty()).then(|| balancer.value.source_ranges.clone());
    spec.external_traffic_policy = options.external_traffic.as_ref().map(|e| {
        match e.value {
            ExternalTraffic::Cluster => "Cluster",
            ExternalTraffic::Local => "Local",
        }
        .to_string()
    });
    if !balancer.value.annotations.is_empty() {
        let annotations: BTreeMap<String, String> =
            balancer.value.annotations.iter().cloned().collect();
        meta.annotations
            .get_or_insert_with(BTreeMap::new)
            .extend(annotations);
    }
}

/// Something that provisions the load balancers of `LoadBalancer` Services: without one (a bare
/// cluster), the Service stays `<pending>` and nothing outside reaches it.
pub const LOAD_BALANCER: Component = Component::new(
    15,
    "load-balancer",
    "a load-balancer implementation for `LoadBalancer` Services (the cloud's controller, MetalLB, …)",
    "load balancers",
);

/// What a workload's Service options need from the cluster: a load-balancer implementation.
pub fn needs(app: &AppIr, workload: &WorkloadIr, out: &mut Collector) {
    if workload.service.load_balancer.is_some() && !workload.ports.is_empty() {
        out.component(
            LOAD_BALANCER,
            None,
            format!("the load balancer of Service `{}`", workload.name),
            &app.name,
        );
    }
}
