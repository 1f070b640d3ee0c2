//! The Service of a workload with ports, and its ServiceAccount.

use super::meta::{workload_meta, workload_pod_labels};
use super::pod::transport;
use crate::ir::{AppIr, WorkloadIr};
use k8s_openapi::api::core::v1::{Service, ServiceAccount, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The Services of a workload with ports: a ClusterIP Service for clients (ready pods only), and,
/// for stateful workloads, a headless Service that gives every replica a stable DNS name
/// (`db-0.db-headless`) and lists pods before they are ready, so peers can find each other while a
/// cluster forms. Kinds that receive no traffic get none.
pub fn services(app: &AppIr, workload: &WorkloadIr) -> Vec<(String, Service)> {
    if !workload.kind.has_service() || workload.ports.is_empty() {
        return Vec::new();
    }
    let mut out = vec![(
        workload.name.clone(),
        service(app, workload, &workload.name, false),
    )];
    if workload.kind.info().headless_service || super::service_options::wants_headless(workload) {
        let name = headless_name(workload);
        out.push((name.clone(), service(app, workload, &name, true)));
    }
    out
}

/// The name of a stateful workload's headless Service (the StatefulSet's `serviceName`).
pub fn headless_name(workload: &WorkloadIr) -> String {
    format!("{}-headless", workload.name)
}

fn service(app: &AppIr, workload: &WorkloadIr, name: &str, headless: bool) -> Service {
    let ports = workload
        .ports
        .iter()
        .map(|port| ServicePort {
            name: Some(port.name.clone()),
            port: i32::from(port.number),
            target_port: Some(IntOrString::String(port.name.clone())),
            protocol: Some(transport(port).to_string()),
            // Names like `metrics` say nothing of the protocol: tell the mesh explicitly.
            app_protocol: app
                .mesh
                .is_some()
                .then(|| port.protocol.keyword().to_string()),
            ..ServicePort::default()
        })
        .collect();
    let mut metadata = workload_meta(app, workload, name);
    let mut spec = ServiceSpec {
        type_: Some("ClusterIP".to_string()),
        cluster_ip: headless.then(|| "None".to_string()),
        publish_not_ready_addresses: headless.then_some(true),
        selector: Some(workload_pod_labels(app, workload)),
        ports: Some(ports),
        ..ServiceSpec::default()
    };
    super::service_options::apply(workload, headless, &mut metadata, &mut spec);
    Service {
        metadata,
        spec: Some(spec),
        ..Service::default()
    }
}

/// A ServiceAccount per workload, so identities (and later RBAC and mesh policies) are never
/// shared; the API token is not mounted.
pub fn service_account(app: &AppIr, workload: &WorkloadIr) -> ServiceAccount {
    ServiceAccount {
        metadata: workload_meta(app, workload, &workload.name),
        automount_service_account_token: Some(false),
        ..ServiceAccount::default()
    }
}
