//! The Service of a workload with ports, and its ServiceAccount.

use super::meta::{selector_labels, workload_meta};
use super::pod::transport;
use crate::ir::{AppIr, WorkloadIr};
use crate::semantic::spec::WorkloadKind;
use k8s_openapi::api::core::v1::{Service, ServiceAccount, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The Service in front of a service (ClusterIP) or a stateful workload (headless, so each replica
/// has a stable DNS name); `None` for kinds that receive no traffic.
pub fn service(app: &AppIr, workload: &WorkloadIr) -> Option<Service> {
    if !workload.kind.has_service() || workload.ports.is_empty() {
        return None;
    }
    let headless = workload.kind == WorkloadKind::Stateful;
    let ports = workload
        .ports
        .iter()
        .map(|port| ServicePort {
            name: Some(port.name.clone()),
            port: i32::from(port.number),
            target_port: Some(IntOrString::String(port.name.clone())),
            protocol: Some(transport(port).to_string()),
            ..ServicePort::default()
        })
        .collect();
    Some(Service {
        metadata: workload_meta(app, workload, &workload.name),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_string()),
            cluster_ip: headless.then(|| "None".to_string()),
            selector: Some(selector_labels(app, workload)),
            ports: Some(ports),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    })
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
