//! Zero trust in the mesh: the namespace's mutual TLS mode (`PeerAuthentication`), a
//! deny-by-default `AuthorizationPolicy`, and per workload an `AuthorizationPolicy` allowing
//! exactly its callers' identities on the ports (and HTTP paths and methods) they call, and the
//! ingress gateway's namespace on its exposed port.

use super::crd::{
    AuthorizationPolicySpec, AuthorizationRule, From, MutualTls, Operation, PeerAuthenticationSpec,
    Selector, Source, To,
};
use super::meta::{namespace_meta, workload_meta};
use crate::ir::graph::{Graph, Peer};
use crate::ir::labels::workload_pod_labels;
use crate::ir::{AppIr, Mtls, WorkloadIr};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::{BTreeMap, BTreeSet};

/// The trust domain of workload identities.
pub const TRUST_DOMAIN: &str = "cluster.local";

/// The SPIFFE identity of a workload's pods: they run as its ServiceAccount, named after it.
pub fn principal(app: &AppIr, workload: &WorkloadIr) -> String {
    format!(
        "{TRUST_DOMAIN}/ns/{}/sa/{}",
        app.namespace.value, workload.name
    )
}

/// `PeerAuthentication/default`: the namespace's mutual TLS mode.
pub fn peer_authentication(app: &AppIr, mtls: Mtls) -> (ObjectMeta, PeerAuthenticationSpec) {
    (
        namespace_meta(app, "default"),
        PeerAuthenticationSpec {
            mtls: MutualTls {
                mode: mtls.as_istio(),
            },
        },
    )
}

/// `AuthorizationPolicy/allow-nothing`: an ALLOW policy without rules for the whole namespace,
/// so a request is refused unless a workload's own policy allows it.
pub fn allow_nothing(app: &AppIr) -> (ObjectMeta, AuthorizationPolicySpec) {
    (
        namespace_meta(app, "allow-nothing"),
        AuthorizationPolicySpec {
            selector: None,
            action: "ALLOW",
            rules: Vec::new(),
        },
    )
}

/// Who may call: identities (principals) or peer namespaces; anyone when both are empty.
#[derive(Default)]
struct Sources {
    principals: BTreeSet<String>,
    namespaces: BTreeSet<String>,
    anyone: bool,
}

/// What a rule allows: ports, paths, methods.
type OperationKey = (Vec<String>, Vec<String>, Vec<String>);

/// The `AuthorizationPolicy` of a workload that receives traffic, if it does.
pub fn authorization_policy(
    graph: &Graph<'_>,
    app: &AppIr,
    workload: &WorkloadIr,
) -> Option<(ObjectMeta, AuthorizationPolicySpec)> {
    // (ports, paths, methods) → who may call them.
    let mut rules: BTreeMap<OperationKey, Sources> = BTreeMap::new();
    for admission in graph.admissions(app, workload) {
        let ports: BTreeSet<String> = admission
            .ports
            .iter()
            .map(|p| p.number.to_string())
            .collect();
        let key = (
            ports.into_iter().collect(),
            admission.paths.to_vec(),
            admission.methods.to_vec(),
        );
        let sources = rules.entry(key).or_default();
        match admission.from {
            Peer::Workload {
                app: caller_app,
                workload: caller,
            } => {
                if caller_app.mesh.is_some() {
                    sources.principals.insert(principal(caller_app, caller));
                } else {
                    // A caller outside the mesh has no identity: only possible while the
                    // namespace accepts plaintext (`mtls: permissive`), and then only the port
                    // can be checked. The NetworkPolicies still admit only that caller's pods.
                    sources.anyone = true;
                }
            }
            Peer::Gateway { namespace } => {
                sources.namespaces.insert(namespace.to_string());
            }
            // Lowering refuses a load balancer in the mesh (E0076); were it there, its clients
            // would have no identity either.
            Peer::Addresses { .. } => sources.anyone = true,
        }
    }
    if rules.is_empty() {
        return None;
    }
    let rules = rules
        .into_iter()
        .flat_map(|((ports, paths, methods), sources)| {
            let to = vec![To {
                operation: Operation {
                    ports,
                    paths,
                    methods,
                },
            }];
            let mut out = Vec::new();
            if sources.anyone {
                out.push(AuthorizationRule {
                    from: Vec::new(),
                    to,
                });
            } else {
                let mut from = Vec::new();
                if !sources.principals.is_empty() {
                    from.push(From {
                        source: Source {
                            principals: sources.principals.into_iter().collect(),
                            namespaces: Vec::new(),
                        },
                    });
                }
                if !sources.namespaces.is_empty() {
                    from.push(From {
                        source: Source {
                            principals: Vec::new(),
                            namespaces: sources.namespaces.into_iter().collect(),
                        },
                    });
                }
                out.push(AuthorizationRule { from, to });
            }
            out
        })
        .collect();
    Some((
        workload_meta(app, workload, &workload.name),
        AuthorizationPolicySpec {
            selector: Some(Selector {
                match_labels: workload_pod_labels(app, workload),
            }),
            action: "ALLOW",
            rules,
        },
    ))
}
