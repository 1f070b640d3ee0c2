//! Egress in the mesh: a `ServiceEntry` per external host that meshed workloads call, and a
//! `Sidecar` per workload limiting what its proxy can reach to the workload's edges of the graph
//! (`REGISTRY_ONLY`: anything else, inside the cluster or out, is refused by the proxy).

use super::crd::{
    EgressListener, OutboundTrafficPolicy, ServiceEntryPort, ServiceEntrySpec, SidecarSpec,
    WorkloadSelector,
};
use super::meta::{namespace_meta, service_host, workload_meta};
use crate::ir::graph::{Destination, Graph};
use crate::ir::labels::workload_pod_labels;
use crate::ir::{AppIr, ExternalIr, WorkloadIr};
use crate::model::spec::Protocol;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeSet;

/// Istio's name of a port protocol.
fn protocol(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Http => "HTTP",
        Protocol::Http2 => "HTTP2",
        Protocol::Https => "HTTPS",
        Protocol::Grpc => "GRPC",
        Protocol::Tls => "TLS",
        Protocol::Tcp => "TCP",
        Protocol::Udp => "UDP",
    }
}

/// The namespaces of the meshed workloads that call `external` of `app`.
fn meshed_callers(apps: &[AppIr], app: &AppIr, external: &ExternalIr) -> BTreeSet<String> {
    apps.iter()
        .filter(|caller_app| caller_app.mesh.is_some())
        .filter(|caller_app| {
            caller_app.workloads.iter().any(|w| {
                w.calls
                    .iter()
                    .any(|c| c.external && c.app == app.name && c.target == external.name)
            })
        })
        .map(|caller_app| caller_app.namespace.value.clone())
        .collect()
}

/// The `ServiceEntry` of an external host, if a meshed workload calls it; visible to the
/// namespaces of those callers only.
pub fn service_entry(
    apps: &[AppIr],
    app: &AppIr,
    external: &ExternalIr,
) -> Option<(ObjectMeta, ServiceEntrySpec)> {
    let callers = meshed_callers(apps, app, external);
    if callers.is_empty() {
        return None;
    }
    let export_to = callers
        .into_iter()
        .map(|ns| {
            if ns == app.namespace.value {
                ".".to_string()
            } else {
                ns
            }
        })
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    let host = &external.host.value;
    Some((
        namespace_meta(app, &external.name),
        ServiceEntrySpec {
            hosts: vec![host.clone()],
            location: "MESH_EXTERNAL",
            // A wildcard has no single name to resolve: the proxy forwards to the address the
            // application connected to.
            resolution: if host.starts_with("*.") {
                "NONE"
            } else {
                "DNS"
            },
            ports: external
                .ports
                .iter()
                .map(|p| ServiceEntryPort {
                    number: p.number,
                    name: p.name.clone(),
                    protocol: protocol(p.protocol),
                })
                .collect(),
            export_to,
        },
    ))
}

/// The `Sidecar` of a meshed workload: its proxy knows exactly the hosts it calls (and the
/// control plane's namespace, as Istio's own examples do).
pub fn sidecar(graph: &Graph<'_>, app: &AppIr, workload: &WorkloadIr) -> (ObjectMeta, SidecarSpec) {
    let mut hosts = BTreeSet::from([format!(
        "{}/*",
        crate::backends::kubernetes::network::ISTIOD_NAMESPACE
    )]);
    for destination in graph.destinations(app, workload) {
        match destination {
            Destination::Workload {
                app: to_app,
                workload: callee,
                ..
            } => {
                hosts.insert(format!(
                    "{}/{}",
                    to_app.namespace.value,
                    service_host(to_app, callee)
                ));
            }
            Destination::External {
                app: to_app,
                external,
                ..
            } => {
                hosts.insert(format!(
                    "{}/{}",
                    to_app.namespace.value, external.host.value
                ));
            }
        }
    }
    (
        workload_meta(app, workload, &workload.name),
        SidecarSpec {
            workload_selector: WorkloadSelector {
                labels: workload_pod_labels(app, workload),
            },
            egress: vec![EgressListener {
                hosts: hosts.into_iter().collect(),
            }],
            outbound_traffic_policy: OutboundTrafficPolicy {
                mode: "REGISTRY_ONLY",
            },
        },
    )
}
