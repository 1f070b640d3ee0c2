//! NetworkPolicies from the service graph, for apps whose namespace denies by default
//! (`network: default_deny`): a policy isolating every pod of the namespace (ingress and
//! egress), DNS egress to kube-dns, egress to the mesh's control plane when the mesh is on, and
//! per workload exactly the edges of the graph — ingress from its callers' pods on the ports they
//! call (namespace selectors for other apps) and from the gateway's namespace on its exposed
//! port; egress mirroring its own calls, and to its external hosts' addresses on their ports.
//!
//! Probes are not affected: traffic from the node a pod runs on is always allowed by
//! NetworkPolicy.

use super::meta::{app_labels, workload_meta, workload_pod_labels};
use crate::ir::graph::{Admission, Destination, Graph, Peer};
use crate::ir::{AppIr, ExternalIr, Network, PortIr, WorkloadIr};
use crate::model::spec::Protocol;
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::{BTreeMap, BTreeSet};

/// The label the API server puts on every namespace, holding its name.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Where the cluster DNS runs, and its pods' label.
const DNS_NAMESPACE: &str = "kube-system";
const DNS_LABEL: (&str, &str) = ("k8s-app", "kube-dns");

pub use crate::ir::platform::ISTIOD_NAMESPACE;

/// The label of Istio's control plane pods (in [`ISTIOD_NAMESPACE`]), and the port sidecars fetch
/// configuration and certificates from.
const ISTIOD_LABEL: (&str, &str) = ("app", "istiod");
const ISTIOD_PORT: u16 = 15012;

/// Addresses that are never an external host's: private, carrier-grade NAT (used for pod
/// networks too), link-local and loopback ranges.
pub const NON_PUBLIC_V4: [&str; 6] = [
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
];

/// IPv6 unique-local, link-local and loopback ranges.
pub const NON_PUBLIC_V6: [&str; 3] = ["fc00::/7", "fe80::/10", "::1/128"];

/// Every NetworkPolicy of `app`, or none when its namespace does not deny by default.
pub fn network_policies(graph: &Graph<'_>, app: &AppIr) -> Vec<(String, NetworkPolicy)> {
    if app.network.value != Network::DefaultDeny {
        return Vec::new();
    }
    let mut out = vec![
        ("default-deny".to_string(), default_deny(app)),
        ("allow-dns".to_string(), allow_dns(app)),
    ];
    if app.mesh.is_some() {
        out.push(("allow-istiod".to_string(), allow_istiod(app)));
    }
    for workload in &app.workloads {
        if let Some(policy) = workload_policy(graph, app, workload) {
            out.push((workload.name.clone(), policy));
        }
    }
    out
}

fn namespace_meta(app: &AppIr, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(app.namespace.value.clone()),
        labels: Some(app_labels(app)),
        ..ObjectMeta::default()
    }
}

/// Every pod of the namespace (an empty selector).
fn all_pods() -> LabelSelector {
    LabelSelector::default()
}

fn labels(pairs: &[(&str, &str)]) -> LabelSelector {
    LabelSelector {
        match_labels: Some(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        ),
        ..LabelSelector::default()
    }
}

fn port(number: u16, protocol: &str) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(IntOrString::Int(i32::from(number))),
        protocol: Some(protocol.to_string()),
        ..NetworkPolicyPort::default()
    }
}

fn transport(port: &PortIr) -> &'static str {
    if port.protocol == Protocol::Udp {
        "UDP"
    } else {
        "TCP"
    }
}

fn ports(ports: &[&PortIr]) -> Vec<NetworkPolicyPort> {
    let set: BTreeSet<(u16, &str)> = ports.iter().map(|p| (p.number, transport(p))).collect();
    set.into_iter().map(|(n, t)| port(n, t)).collect()
}

fn default_deny(app: &AppIr) -> NetworkPolicy {
    NetworkPolicy {
        metadata: namespace_meta(app, "default-deny"),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(all_pods()),
            policy_types: Some(vec!["Ingress".to_string(), "Egress".to_string()]),
            ..NetworkPolicySpec::default()
        }),
    }
}

fn allow_dns(app: &AppIr) -> NetworkPolicy {
    NetworkPolicy {
        metadata: namespace_meta(app, "allow-dns"),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(all_pods()),
            policy_types: Some(vec!["Egress".to_string()]),
            egress: Some(vec![NetworkPolicyEgressRule {
                to: Some(vec![NetworkPolicyPeer {
                    namespace_selector: Some(labels(&[(NAMESPACE_NAME_LABEL, DNS_NAMESPACE)])),
                    pod_selector: Some(labels(&[DNS_LABEL])),
                    ..NetworkPolicyPeer::default()
                }]),
                ports: Some(vec![port(53, "UDP"), port(53, "TCP")]),
            }]),
            ..NetworkPolicySpec::default()
        }),
    }
}

fn allow_istiod(app: &AppIr) -> NetworkPolicy {
    NetworkPolicy {
        metadata: namespace_meta(app, "allow-istiod"),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(all_pods()),
            policy_types: Some(vec!["Egress".to_string()]),
            egress: Some(vec![NetworkPolicyEgressRule {
                to: Some(vec![NetworkPolicyPeer {
                    namespace_selector: Some(labels(&[(NAMESPACE_NAME_LABEL, ISTIOD_NAMESPACE)])),
                    pod_selector: Some(labels(&[ISTIOD_LABEL])),
                    ..NetworkPolicyPeer::default()
                }]),
                ports: Some(vec![port(ISTIOD_PORT, "TCP")]),
            }]),
            ..NetworkPolicySpec::default()
        }),
    }
}

/// The pods of `workload` of `to_app`, seen from a policy in `from`'s namespace.
fn workload_peer(from: &AppIr, to_app: &AppIr, workload: &WorkloadIr) -> NetworkPolicyPeer {
    let namespace_selector = (to_app.namespace.value != from.namespace.value)
        .then(|| labels(&[(NAMESPACE_NAME_LABEL, &to_app.namespace.value)]));
    NetworkPolicyPeer {
        namespace_selector,
        pod_selector: Some(LabelSelector {
            match_labels: Some(workload_pod_labels(to_app, workload)),
            ..LabelSelector::default()
        }),
        ..NetworkPolicyPeer::default()
    }
}

fn peer(app: &AppIr, from: &Peer<'_>) -> NetworkPolicyPeer {
    match from {
        Peer::Workload {
            app: other,
            workload,
        } => workload_peer(app, other, workload),
        Peer::Gateway { namespace } => NetworkPolicyPeer {
            namespace_selector: Some(labels(&[(NAMESPACE_NAME_LABEL, namespace)])),
            ..NetworkPolicyPeer::default()
        },
        // One peer per range: `peers` expands them (see `outside_peers`).
        Peer::Addresses { .. } => NetworkPolicyPeer::default(),
    }
}

/// The peers of an admission: one, or for clients outside the cluster, an address block per
/// range (every IPv4 and IPv6 address when the load balancer does not keep the client's).
fn peers(app: &AppIr, from: &Peer<'_>) -> Vec<NetworkPolicyPeer> {
    let Peer::Addresses { ranges } = from else {
        return vec![peer(app, from)];
    };
    let block = |cidr: &str| NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: cidr.to_string(),
            except: None,
        }),
        ..NetworkPolicyPeer::default()
    };
    if ranges.is_empty() {
        vec![block("0.0.0.0/0"), block("::/0")]
    } else {
        ranges.iter().map(|r| block(r)).collect()
    }
}

/// The addresses of an external host: its declared ranges, or every public address.
fn external_peers(external: &ExternalIr) -> Vec<NetworkPolicyPeer> {
    let block = |cidr: &str, except: &[&str]| NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: cidr.to_string(),
            except: (!except.is_empty()).then(|| except.iter().map(|e| (*e).to_string()).collect()),
        }),
        ..NetworkPolicyPeer::default()
    };
    if external.cidrs.is_empty() {
        vec![
            block("0.0.0.0/0", &NON_PUBLIC_V4),
            block("::/0", &NON_PUBLIC_V6),
        ]
    } else {
        external.cidrs.iter().map(|c| block(c, &[])).collect()
    }
}

/// Rules with the same ports are merged: one rule lists every peer admitted on them.
fn group<T: Ord + Clone>(
    entries: Vec<(Vec<NetworkPolicyPort>, NetworkPolicyPeer)>,
    key: impl Fn(&NetworkPolicyPort) -> T,
) -> Vec<(Vec<NetworkPolicyPort>, Vec<NetworkPolicyPeer>)> {
    let mut by_ports: BTreeMap<Vec<T>, (Vec<NetworkPolicyPort>, Vec<NetworkPolicyPeer>)> =
        BTreeMap::new();
    for (ports, peer) in entries {
        let k: Vec<T> = ports.iter().map(&key).collect();
        let entry = by_ports.entry(k).or_insert_with(|| (ports, Vec::new()));
        if !entry.1.contains(&peer) {
            entry.1.push(peer);
        }
    }
    by_ports.into_values().collect()
}

fn port_key(port: &NetworkPolicyPort) -> (i32, String) {
    let number = match &port.port {
        Some(IntOrString::Int(n)) => *n,
        _ => 0,
    };
    (number, port.protocol.clone().unwrap_or_default())
}

fn workload_policy(graph: &Graph<'_>, app: &AppIr, workload: &WorkloadIr) -> Option<NetworkPolicy> {
    let admissions: Vec<Admission<'_>> = graph.admissions(app, workload);
    let ingress: Vec<NetworkPolicyIngressRule> = group(
        admissions
            .iter()
            .flat_map(|a| {
                peers(app, &a.from)
                    .into_iter()
                    .map(|p| (ports(&a.ports), p))
            })
            .collect(),
        port_key,
    )
    .into_iter()
    .map(|(ports, from)| NetworkPolicyIngressRule {
        from: Some(from),
        ports: Some(ports),
    })
    .collect();
    let mut outbound = Vec::new();
    for destination in graph.destinations(app, workload) {
        match destination {
            Destination::Workload {
                app: to_app,
                workload: callee,
                ports: called,
            } => outbound.push((ports(&called), workload_peer(app, to_app, callee))),
            Destination::External {
                external,
                ports: called,
                ..
            } => {
                for block in external_peers(external) {
                    outbound.push((ports(&called), block));
                }
            }
        }
    }
    let egress: Vec<NetworkPolicyEgressRule> = group(outbound, port_key)
        .into_iter()
        .map(|(ports, to)| NetworkPolicyEgressRule {
            to: Some(to),
            ports: Some(ports),
        })
        .collect();
    if ingress.is_empty() && egress.is_empty() {
        return None;
    }
    let mut types = Vec::new();
    if !ingress.is_empty() {
        types.push("Ingress".to_string());
    }
    if !egress.is_empty() {
        types.push("Egress".to_string());
    }
    Some(NetworkPolicy {
        metadata: workload_meta(app, workload, &workload.name),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(workload_pod_labels(app, workload)),
                ..LabelSelector::default()
            }),
            policy_types: Some(types),
            ingress: (!ingress.is_empty()).then_some(ingress),
            egress: (!egress.is_empty()).then_some(egress),
        }),
    })
}
