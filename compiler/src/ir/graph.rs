//! The service graph: who calls whom on which ports, the external hosts of each app, and how the
//! mesh routes requests to each workload. Backends derive NetworkPolicies, authorization policies
//! and routing from it; [`Graph`] answers the questions they ask (who calls this workload?).

use super::{AppIr, Origin, PortIr, ProjectIr, WorkloadIr};
use crate::model::spec::{PortRef, Sourced};
use crate::model::traffic::{Breaker, Fault, Pool, Retries};
use crate::types::image::ImageRef;
use k8sc_grammar::Span;
use std::collections::BTreeMap;

/// A call edge from a workload to a workload or an external host.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallIr {
    /// The callee's app (Kubernetes name).
    pub app: String,
    /// The callee: a workload or an external host of that app (Kubernetes name).
    pub target: String,
    /// Whether the callee is an external host.
    pub external: bool,
    /// The ports named in the call, as written and where (in the caller's file); empty: every
    /// port of the callee. The graph check resolves them into the app's `call_ports`.
    pub port_refs: Vec<(PortRef, Span)>,
    /// HTTP path patterns called (empty: any).
    pub paths: Vec<String>,
    /// HTTP methods called, upper-case (empty: any).
    pub methods: Vec<String>,
    /// Where each of `paths` and then each of `methods` is written (in the caller's file), for
    /// the checks of what the mesh will make of them.
    pub request_spans: Vec<Span>,
    /// Where the call is written.
    pub origin: Origin,
}

/// A host outside the cluster that workloads call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIr {
    /// The Kubernetes name (of the `ServiceEntry`).
    pub name: String,
    /// The declaring file (display path).
    pub file: String,
    /// The DNS name (`*.example.com` for every subdomain).
    pub host: Sourced<String>,
    /// Its ports.
    pub ports: Vec<PortIr>,
    /// The address ranges it resolves to, when declared.
    pub cidrs: Vec<String>,
}

/// A second version of a workload receiving a share of its requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanaryIr {
    /// The new version's image (the app's registry applied).
    pub image: Sourced<ImageRef>,
    /// The share of requests the canary receives now (percent, 0 with only a header).
    pub weight: u32,
    /// Every step, in order (percent).
    pub steps: Vec<u32>,
    /// Requests carrying this header go to the canary.
    pub header: Option<String>,
    /// Canary pods.
    pub replicas: u32,
    /// How long each step should be watched (seconds), for the record.
    pub pause_seconds: Option<u64>,
    /// Where the canary is declared.
    pub origin: Origin,
}

/// A copy of a share of the requests, sent to another workload of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorIr {
    /// The workload receiving the copies (Kubernetes name, same app).
    pub to: String,
    /// The share of requests copied (percent).
    pub percent: u32,
    /// Where the mirror is declared (the target's name).
    pub origin: Origin,
}

/// How the mesh routes requests to a workload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrafficIr {
    /// Overall request timeout (ms).
    pub timeout_ms: Option<u64>,
    /// Retries.
    pub retries: Option<Sourced<Retries>>,
    /// Outlier detection.
    pub breaker: Option<Breaker>,
    /// Connection pool limits.
    pub pool: Option<Pool>,
    /// A canary version.
    pub canary: Option<CanaryIr>,
    /// Request mirroring.
    pub mirror: Option<MirrorIr>,
    /// Fault injection.
    pub fault: Option<Sourced<Fault>>,
}

impl TrafficIr {
    /// Whether requests need a route of their own (a `VirtualService`): anything but the
    /// breaker and the pool, which are destination settings.
    pub fn routes(&self) -> bool {
        self.timeout_ms.is_some()
            || self.retries.is_some()
            || self.canary.is_some()
            || self.mirror.is_some()
            || self.fault.is_some()
    }
}

/// A call into a workload, seen from the callee.
#[derive(Debug, Clone, Copy)]
pub struct Inbound<'ir> {
    /// The caller's app.
    pub app: &'ir AppIr,
    /// The caller.
    pub workload: &'ir WorkloadIr,
    /// The call.
    pub call: &'ir CallIr,
    /// The callee's ports it calls, as the graph check resolved them.
    pub ports: &'ir [PortIr],
}

/// The graph of a project, indexed for the backends.
pub struct Graph<'ir> {
    ir: &'ir ProjectIr,
    /// (app, workload) → the calls into it.
    inbound: BTreeMap<(String, String), Vec<Inbound<'ir>>>,
}

impl<'ir> Graph<'ir> {
    /// Indexes the calls of `ir`.
    pub fn new(ir: &'ir ProjectIr) -> Graph<'ir> {
        let mut inbound: BTreeMap<(String, String), Vec<Inbound<'ir>>> = BTreeMap::new();
        for app in &ir.apps {
            for workload in &app.workloads {
                for (index, call) in workload.calls.iter().enumerate() {
                    if call.external {
                        continue;
                    }
                    inbound
                        .entry((call.app.clone(), call.target.clone()))
                        .or_default()
                        .push(Inbound {
                            app,
                            workload,
                            call,
                            ports: app.call_ports(&workload.name, index),
                        });
                }
            }
        }
        Graph { ir, inbound }
    }

    /// The calls into `workload` of `app`, callers in name order.
    pub fn callers(&self, app: &str, workload: &str) -> &[Inbound<'ir>] {
        self.inbound
            .get(&(app.to_string(), workload.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// An app by Kubernetes name.
    pub fn app(&self, name: &str) -> Option<&'ir AppIr> {
        self.ir.apps.iter().find(|a| a.name == name)
    }

    /// A workload by app and name.
    pub fn workload(&self, app: &str, name: &str) -> Option<(&'ir AppIr, &'ir WorkloadIr)> {
        let app = self.app(app)?;
        app.workloads
            .binary_search_by(|w| w.name.as_str().cmp(name))
            .ok()
            .map(|index| (app, &*app.workloads[index]))
    }

    /// An external host by app and name.
    pub fn external(&self, app: &str, name: &str) -> Option<(&'ir AppIr, &'ir ExternalIr)> {
        let app = self.app(app)?;
        app.externals
            .iter()
            .find(|e| e.name == name)
            .map(|e| (app, e))
    }

    /// The workloads whose traffic is mirrored to `workload` of `app`.
    pub fn mirrored_from(&self, app: &'ir AppIr, workload: &str) -> Vec<&'ir WorkloadIr> {
        app.workloads
            .iter()
            .filter(|w| {
                w.traffic
                    .as_ref()
                    .and_then(|t| t.mirror.as_ref())
                    .is_some_and(|m| m.to == workload)
            })
            .map(AsRef::as_ref)
            .collect()
    }
}

/// Who is admitted to a workload.
#[derive(Debug, Clone, Copy)]
pub enum Peer<'ir> {
    /// The pods of a workload.
    Workload {
        /// Its app.
        app: &'ir AppIr,
        /// The workload.
        workload: &'ir WorkloadIr,
    },
    /// The ingress gateway, by the namespace it runs in.
    Gateway {
        /// The gateway's namespace.
        namespace: &'ir str,
    },
    /// Clients outside the cluster, through the workload's load balancer.
    Addresses {
        /// The client ranges the pods can tell them by: the load balancer's source ranges when
        /// it keeps the client's address (`external_traffic: local`); empty: every address
        /// (kube-proxy replaces the client's address with a node's otherwise).
        ranges: &'ir [String],
    },
}

/// Traffic a workload admits: from whom, on which of its ports, with which HTTP paths and
/// methods (any when empty).
#[derive(Debug, Clone)]
pub struct Admission<'ir> {
    /// The source.
    pub from: Peer<'ir>,
    /// The workload's ports.
    pub ports: Vec<&'ir PortIr>,
    /// HTTP path patterns.
    pub paths: &'ir [String],
    /// HTTP methods.
    pub methods: &'ir [String],
}

/// Where a workload sends traffic.
#[derive(Debug, Clone)]
pub enum Destination<'ir> {
    /// A workload's pods, on these ports.
    Workload {
        /// Its app.
        app: &'ir AppIr,
        /// The workload.
        workload: &'ir WorkloadIr,
        /// Its ports.
        ports: Vec<&'ir PortIr>,
    },
    /// An external host.
    External {
        /// Its app.
        app: &'ir AppIr,
        /// The host.
        external: &'ir ExternalIr,
        /// Its ports.
        ports: Vec<&'ir PortIr>,
    },
}

/// The port a workload receives mirrored requests on: its first HTTP or gRPC port.
pub fn mirror_port(workload: &WorkloadIr) -> Option<&PortIr> {
    workload.ports.iter().find(|p| p.protocol.is_routable())
}

/// The ports of `workload` among those a call resolved to.
fn ports_of<'ir>(workload: &'ir WorkloadIr, called: &[PortIr]) -> Vec<&'ir PortIr> {
    workload
        .ports
        .iter()
        .filter(|p| called.iter().any(|c| c.name == p.name))
        .collect()
}

impl<'ir> Graph<'ir> {
    /// Everything `workload` of `app` admits: its callers on the ports they call, the ingress
    /// gateway on the exposed port, and — when it receives mirrored requests — the callers (and
    /// gateway) of the workloads mirrored to it, on its mirror port. Callers in name order.
    pub fn admissions(&self, app: &'ir AppIr, workload: &'ir WorkloadIr) -> Vec<Admission<'ir>> {
        let mut out = self.direct_admissions(app, workload);
        if let Some(port) = mirror_port(workload) {
            for source in self.mirrored_from(app, &workload.name) {
                let mirrored = self.direct_admissions(app, source);
                out.extend(mirrored.into_iter().map(|a| Admission {
                    from: a.from,
                    ports: vec![port],
                    paths: &[],
                    methods: &[],
                }));
            }
        }
        out
    }

    /// The callers of a workload and the gateway, without mirrored traffic.
    fn direct_admissions(&self, app: &'ir AppIr, workload: &'ir WorkloadIr) -> Vec<Admission<'ir>> {
        let mut out = Vec::new();
        for inbound in self.callers(&app.name, &workload.name) {
            let ports = ports_of(workload, inbound.ports);
            if ports.is_empty() {
                continue;
            }
            out.push(Admission {
                from: Peer::Workload {
                    app: inbound.app,
                    workload: inbound.workload,
                },
                ports,
                paths: &inbound.call.paths,
                methods: &inbound.call.methods,
            });
        }
        if let Some(expose) = &workload.expose
            && let Some(gateway) = &app.gateway
            && let Some(port) = workload.ports.iter().find(|p| p.name == expose.port.name)
        {
            out.push(Admission {
                from: Peer::Gateway {
                    namespace: &gateway.value.namespace,
                },
                ports: vec![port],
                paths: &[],
                methods: &[],
            });
        }
        if let Some(balancer) = &workload.service.load_balancer {
            out.push(Admission {
                from: Peer::Addresses {
                    ranges: if workload.service.keeps_client_address() {
                        &balancer.value.source_ranges
                    } else {
                        &[]
                    },
                },
                ports: workload.ports.iter().collect(),
                paths: &[],
                methods: &[],
            });
        }
        out
    }

    /// Everything `workload` of `app` sends traffic to: its callees on the ports it calls, and
    /// the workloads its callees mirror requests to, on their mirror ports.
    pub fn destinations(&self, app: &AppIr, workload: &'ir WorkloadIr) -> Vec<Destination<'ir>> {
        let mut out = Vec::new();
        for (index, call) in workload.calls.iter().enumerate() {
            let called = app.call_ports(&workload.name, index);
            if call.external {
                if let Some((app, external)) = self.external(&call.app, &call.target) {
                    let ports = external
                        .ports
                        .iter()
                        .filter(|p| called.iter().any(|c| c.name == p.name))
                        .collect();
                    out.push(Destination::External {
                        app,
                        external,
                        ports,
                    });
                }
                continue;
            }
            let Some((app, callee)) = self.workload(&call.app, &call.target) else {
                continue;
            };
            out.push(Destination::Workload {
                app,
                workload: callee,
                ports: ports_of(callee, called),
            });
            if let Some(mirror) = callee.traffic.as_ref().and_then(|t| t.mirror.as_ref())
                && let Some((_, target)) = self.workload(&app.name, &mirror.to)
                && let Some(port) = mirror_port(target)
            {
                out.push(Destination::Workload {
                    app,
                    workload: target,
                    ports: vec![port],
                });
            }
        }
        out
    }
}

/// The canary version of a workload, as its Deployment runs it: the canary's image, a fixed
/// replica count, no autoscaler, budget or traffic settings of its own.
pub fn canary_version(workload: &WorkloadIr, canary: &CanaryIr) -> WorkloadIr {
    let mut version = workload.clone();
    version.image = canary.image.clone();
    version.replicas = Some(Sourced::new(
        crate::model::spec::Replicas::Fixed(canary.replicas),
        canary.origin.clone(),
    ));
    version.autoscale = None;
    version.disruption = None;
    version.traffic = None;
    version
}
