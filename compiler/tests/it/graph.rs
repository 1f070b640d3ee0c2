//! The service graph in the cluster: the NetworkPolicies k8sc emits admit a connection between two
//! workloads exactly when the graph has that edge — checked by evaluating the emitted policies'
//! selectors against the pods of the emitted controllers (`support/netpol_eval.rs`), for the
//! `marketplace` example (nine workloads in two apps, a cross-app call, an external host, an
//! exposed service, a canary and a mirror) and for random graphs; and golden summaries of exactly
//! which NetworkPolicy rules and AuthorizationPolicy principals the example produces.

use crate::support;

use k8sc_compiler::build::{BuildResult, build};
use k8sc_compiler::db::Database;
use k8sc_compiler::ir::{Network, ProjectIr};
use k8sc_compiler::loader;
use k8sc_compiler::lower::lower_project;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use support::netpol_eval::{Cluster, Endpoint, Pod};

/// A built project: its IR and every emitted document.
struct Built {
    ir: ProjectIr,
    documents: Vec<Value>,
}

fn built(files: Vec<(String, String)>) -> Built {
    let db = Database::new();
    let project = db.load_project(files);
    let result: BuildResult = build(&db, project);
    let errors: Vec<_> = result.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "the project has errors: {errors:#?}");
    let tree = result.tree.expect("a project without errors builds");
    let documents = tree
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".yaml"))
        .map(|(_, content)| serde_saphyr::from_str(content).expect("generated YAML parses"))
        .collect();
    Built {
        ir: lower_project(&db, project).ir.clone(),
        documents,
    }
}

fn marketplace() -> Built {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/marketplace");
    built(loader::load(&dir).expect("the example loads").files)
}

/// A workload across the project: (namespace, workload).
type Node = (String, String);

/// An edge: caller, callee, port number, transport.
type Edge = (Node, Node, u16, String);

fn transport(protocol: &str) -> String {
    if protocol == "udp" { "UDP" } else { "TCP" }.to_string()
}

/// The edges of the graph, read from the IR — independently of the backends: every call on every
/// port it calls, and, for a workload that mirrors its requests, every caller of it to the mirror
/// target's first HTTP or gRPC port.
fn graph_edges(ir: &ProjectIr) -> BTreeSet<Edge> {
    let namespace = |app: &str| {
        ir.apps
            .iter()
            .find(|a| a.name == app)
            .map(|a| a.namespace.value.clone())
            .unwrap_or_default()
    };
    let mut edges = BTreeSet::new();
    for app in &ir.apps {
        for workload in &app.workloads {
            let from = (app.namespace.value.clone(), workload.name.clone());
            for (index, call) in workload.calls.iter().enumerate() {
                if call.external {
                    continue;
                }
                let to = (namespace(&call.app), call.target.clone());
                for port in app.call_ports(&workload.name, index) {
                    edges.insert((
                        from.clone(),
                        to.clone(),
                        port.number,
                        transport(port.protocol.keyword()),
                    ));
                }
            }
        }
    }
    for app in &ir.apps {
        for workload in &app.workloads {
            let Some(mirror) = workload.traffic.as_ref().and_then(|t| t.mirror.as_ref()) else {
                continue;
            };
            let Some(target) = app.workloads.iter().find(|w| w.name == mirror.to) else {
                continue;
            };
            let Some(port) = target.ports.iter().find(|p| p.protocol.is_routable()) else {
                continue;
            };
            let source = (app.namespace.value.clone(), workload.name.clone());
            let callers: Vec<Node> = edges
                .iter()
                .filter(|(_, to, _, _)| *to == source)
                .map(|(from, _, _, _)| from.clone())
                .collect();
            for caller in callers {
                edges.insert((
                    caller,
                    (app.namespace.value.clone(), target.name.clone()),
                    port.number,
                    "TCP".to_string(),
                ));
            }
        }
    }
    edges
}

/// The pods the emitted controllers create (one per controller), with addresses in 10.0.0.0/16.
fn pods(documents: &[Value]) -> Vec<(Node, Pod)> {
    let mut out = Vec::new();
    for doc in documents {
        let template = match doc["kind"].as_str() {
            Some("Deployment" | "StatefulSet" | "DaemonSet" | "Job") => &doc["spec"]["template"],
            Some("CronJob") => &doc["spec"]["jobTemplate"]["spec"]["template"],
            _ => continue,
        };
        let namespace = doc["metadata"]["namespace"].as_str().unwrap_or_default();
        let labels: BTreeMap<String, String> = template["metadata"]["labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let workload = labels
            .get("app.kubernetes.io/name")
            .cloned()
            .unwrap_or_default();
        let mut ports = Vec::new();
        for container in template["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for port in container["ports"].as_array().into_iter().flatten() {
                ports.push((
                    port["name"].as_str().unwrap_or_default().to_string(),
                    u16::try_from(port["containerPort"].as_u64().unwrap_or(0)).unwrap_or(0),
                    port["protocol"].as_str().unwrap_or("TCP").to_string(),
                ));
            }
        }
        let n = u8::try_from(out.len() + 1).expect("fewer than 256 pods");
        out.push((
            (namespace.to_string(), workload),
            Pod {
                name: format!(
                    "{namespace}/{}",
                    doc["metadata"]["name"].as_str().unwrap_or_default()
                ),
                namespace: namespace.to_string(),
                labels,
                ip: IpAddr::V4(Ipv4Addr::new(10, 0, 1, n)),
                ports,
            },
        ));
    }
    out
}

fn system_pod(namespace: &str, name: &str, labels: &[(&str, &str)], last: u8) -> Pod {
    Pod {
        name: format!("{namespace}/{name}"),
        namespace: namespace.to_string(),
        labels: labels
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
        ip: IpAddr::V4(Ipv4Addr::new(10, 0, 2, last)),
        ports: Vec::new(),
    }
}

/// The cluster of the emitted documents, with the namespaces k8sc does not generate.
fn cluster(built: &Built) -> Cluster {
    let mut cluster = Cluster::new(&built.documents);
    for namespace in ["kube-system", "istio-system", "elsewhere"] {
        cluster.add_namespace(namespace, BTreeMap::new());
    }
    for app in &built.ir.apps {
        if let Some(gateway) = &app.gateway {
            cluster.add_namespace(&gateway.value.namespace, BTreeMap::new());
        }
    }
    cluster
}

/// Every pair of workload pods, on every port of the destination: allowed iff the graph has that
/// edge, by both sides together and by each side that enforces the graph (a namespace with
/// `network: default_deny`) on its own. Returns how many connections were checked.
fn assert_exactly_the_graph(built: &Built) -> usize {
    let cluster = cluster(built);
    let edges = graph_edges(&built.ir);
    let pods = pods(&built.documents);
    let denies: BTreeSet<String> = built
        .ir
        .apps
        .iter()
        .filter(|a| a.network.value == Network::DefaultDeny)
        .map(|a| a.namespace.value.clone())
        .collect();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (from_node, from) in &pods {
        for (to_node, to) in &pods {
            for (_, port, protocol) in &to.ports {
                let (source, destination) =
                    (Endpoint::Pod(from.clone()), Endpoint::Pod(to.clone()));
                let evaluated =
                    |r: Result<bool, String>| r.expect("the evaluator knows every emitted field");
                // Each side alone admits exactly the graph: no rule is wider than the graph.
                // Only namespaces that deny by default enforce the graph.
                let (egress_enforced, ingress_enforced) = (
                    denies.contains(&from.namespace),
                    denies.contains(&to.namespace),
                );
                let mut verdicts = Vec::new();
                if egress_enforced || ingress_enforced {
                    verdicts.push((
                        "both",
                        evaluated(cluster.allowed(&source, &destination, *port, protocol)),
                    ));
                }
                if egress_enforced {
                    verdicts.push((
                        "egress",
                        evaluated(cluster.egress_allowed(from, &destination, *port, protocol)),
                    ));
                }
                if ingress_enforced {
                    verdicts.push((
                        "ingress",
                        evaluated(cluster.ingress_allowed(&source, to, *port, protocol)),
                    ));
                }
                let expected =
                    edges.contains(&(from_node.clone(), to_node.clone(), *port, protocol.clone()));
                checked += 1;
                for (side, allowed) in verdicts {
                    if allowed != expected {
                        wrong.push(format!(
                            "{} -> {} {port}/{protocol} ({side}): allowed {allowed}, graph edge {expected}",
                            from.name, to.name
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    checked
}

#[test]
fn marketplace_policies_admit_exactly_the_graph() {
    let built = marketplace();
    let workloads: usize = built.ir.apps.iter().map(|a| a.workloads.len()).sum();
    assert!(built.ir.apps.len() >= 2 && workloads >= 6);
    assert!(
        built
            .ir
            .apps
            .iter()
            .all(|a| a.network.value == Network::DefaultDeny)
    );
    let edges = graph_edges(&built.ir);
    assert!(
        edges.iter().any(|(from, to, _, _)| from.0 != to.0),
        "a cross-app edge"
    );
    let checked = assert_exactly_the_graph(&built);
    assert!(checked >= 100, "only {checked} connections checked");
}

#[test]
fn marketplace_policies_admit_the_gateway_dns_the_mesh_and_external_hosts_only() {
    let built = marketplace();
    let cluster = cluster(&built);
    let pods = pods(&built.documents);
    let pod = |namespace: &str, name: &str| {
        pods.iter()
            .find(|((ns, w), p)| ns == namespace && w == name && !p.name.ends_with("-canary"))
            .map(|(_, p)| Endpoint::Pod(p.clone()))
            .expect("the pod exists")
    };
    let allowed = |from: &Endpoint, to: &Endpoint, port, protocol| {
        cluster
            .allowed(from, to, port, protocol)
            .expect("the evaluator knows every emitted field")
    };
    let gateway = Endpoint::Pod(system_pod(
        "istio-system",
        "istio-ingressgateway",
        &[("istio", "ingressgateway")],
        1,
    ));
    let dns = Endpoint::Pod(system_pod(
        "kube-system",
        "coredns",
        &[("k8s-app", "kube-dns")],
        2,
    ));
    let istiod = Endpoint::Pod(system_pod(
        "istio-system",
        "istiod",
        &[("app", "istiod")],
        3,
    ));
    let stranger = Endpoint::Pod(system_pod("elsewhere", "stranger", &[], 4));
    let intruder = Endpoint::Pod(system_pod("storefront", "intruder", &[], 5));

    // The gateway reaches the exposed port of the exposed service, and nothing else.
    assert!(allowed(&gateway, &pod("storefront", "web"), 8080, "TCP"));
    assert!(!allowed(&gateway, &pod("storefront", "cart"), 8080, "TCP"));
    assert!(!allowed(
        &gateway,
        &pod("payments", "checkout"),
        8080,
        "TCP"
    ));
    // Every pod resolves names, and reaches the mesh's control plane; nothing else there.
    for (_, p) in &pods {
        let p = Endpoint::Pod(p.clone());
        assert!(allowed(&p, &dns, 53, "UDP") && allowed(&p, &dns, 53, "TCP"));
        assert!(!allowed(&p, &dns, 80, "TCP"));
        assert!(allowed(&p, &istiod, 15012, "TCP"));
        assert!(!allowed(&p, &istiod, 443, "TCP"));
        assert!(!allowed(&stranger, &p, 8080, "TCP") && !allowed(&intruder, &p, 8080, "TCP"));
    }
    // The callers of the external host reach public addresses on its port only.
    let stripe = Endpoint::External("198.51.100.7".parse().expect("an address"));
    let private = Endpoint::External("10.20.30.40".parse().expect("an address"));
    for caller in ["checkout", "reconcile"] {
        assert!(allowed(&pod("payments", caller), &stripe, 443, "TCP"));
        assert!(!allowed(&pod("payments", caller), &stripe, 80, "TCP"));
        assert!(!allowed(&pod("payments", caller), &private, 443, "TCP"));
    }
    assert!(!allowed(&pod("payments", "ledger"), &stripe, 443, "TCP"));
    assert!(!allowed(&pod("storefront", "cart"), &stripe, 443, "TCP"));
}

/// The rules of every emitted NetworkPolicy, one line each.
fn network_summary(documents: &[Value]) -> String {
    let selector = |s: &Value| -> String {
        let labels: Vec<String> = s["matchLabels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        if labels.is_empty() {
            "*".to_string()
        } else {
            labels.join(",")
        }
    };
    let peer = |p: &Value| -> String {
        if let Some(block) = p.get("ipBlock") {
            let except: Vec<&str> = block["except"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            return if except.is_empty() {
                format!("ip {}", block["cidr"].as_str().unwrap_or_default())
            } else {
                format!(
                    "ip {} except {}",
                    block["cidr"].as_str().unwrap_or_default(),
                    except.join(" ")
                )
            };
        }
        let mut parts = Vec::new();
        if let Some(ns) = p.get("namespaceSelector") {
            parts.push(format!("namespace {}", selector(ns)));
        }
        if let Some(pods) = p.get("podSelector") {
            parts.push(format!("pods {}", selector(pods)));
        }
        parts.join(" / ")
    };
    let ports = |rule: &Value| -> String {
        rule["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| format!("{}/{}", p["port"], p["protocol"].as_str().unwrap_or("TCP")))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::new();
    for doc in documents.iter().filter(|d| d["kind"] == "NetworkPolicy") {
        let spec = &doc["spec"];
        let _ = writeln!(
            out,
            "{}/{} (pods {}; {})",
            doc["metadata"]["namespace"].as_str().unwrap_or_default(),
            doc["metadata"]["name"].as_str().unwrap_or_default(),
            selector(&spec["podSelector"]),
            spec["policyTypes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        );
        for (key, arrow, peers) in [("ingress", "from", "from"), ("egress", "to", "to")] {
            for rule in spec[key].as_array().into_iter().flatten() {
                for p in rule[peers].as_array().into_iter().flatten() {
                    let _ = writeln!(out, "  {key} {arrow} {} on {}", peer(p), ports(rule));
                }
            }
        }
    }
    out
}

/// The rules of every emitted AuthorizationPolicy, one line each.
fn authorization_summary(documents: &[Value]) -> String {
    let list = |v: &Value| -> String {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::new();
    for doc in documents
        .iter()
        .filter(|d| d["kind"] == "AuthorizationPolicy")
    {
        let spec = &doc["spec"];
        let _ = writeln!(
            out,
            "{}/{} ({})",
            doc["metadata"]["namespace"].as_str().unwrap_or_default(),
            doc["metadata"]["name"].as_str().unwrap_or_default(),
            spec["action"].as_str().unwrap_or_default()
        );
        for rule in spec["rules"].as_array().into_iter().flatten() {
            let operation = &rule["to"][0]["operation"];
            let mut to = format!("ports {}", list(&operation["ports"]));
            if operation.get("methods").is_some() {
                to.push_str(&format!(", methods {}", list(&operation["methods"])));
            }
            if operation.get("paths").is_some() {
                to.push_str(&format!(", paths {}", list(&operation["paths"])));
            }
            let from: Vec<String> = rule["from"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    let source = &f["source"];
                    if source.get("principals").is_some() {
                        format!("principals {}", list(&source["principals"]))
                    } else {
                        format!("namespaces {}", list(&source["namespaces"]))
                    }
                })
                .collect();
            let from = if from.is_empty() {
                "anyone".to_string()
            } else {
                from.join("; ")
            };
            let _ = writeln!(out, "  allow {from} on {to}");
        }
    }
    out
}

#[test]
fn marketplace_network_policy_rules() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "graph__marketplace_network_policy_rules",
            network_summary(&marketplace().documents)
        )
    });
}

#[test]
fn marketplace_authorization_principals() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "graph__marketplace_authorization_principals",
            authorization_summary(&marketplace().documents)
        )
    });
}

/// A random project: apps with workloads, ports and calls between them.
#[derive(Debug, Clone)]
struct RandomGraph {
    apps: Vec<RandomApp>,
}

#[derive(Debug, Clone)]
struct RandomApp {
    mesh: bool,
    deny: bool,
    workloads: Vec<RandomWorkload>,
}

#[derive(Debug, Clone)]
struct RandomWorkload {
    keyword: &'static str,
    ports: Vec<(&'static str, u16)>,
    /// (app index, workload index, which ports by index; empty: every port).
    calls: Vec<(usize, usize, Vec<usize>)>,
}

fn random_graph() -> impl Strategy<Value = RandomGraph> {
    let protocols = prop::sample::select(vec!["http", "grpc", "tcp", "udp"]);
    let port = (protocols, 1000u16..1100);
    let workload = (
        prop::sample::select(vec!["service", "worker", "stateful", "cron"]),
        prop::collection::vec(port, 1..3),
        prop::collection::vec(
            (0usize..3, 0usize..4, prop::collection::vec(0usize..3, 0..2)),
            0..4,
        ),
    );
    let app = (
        any::<bool>(),
        prop::bool::weighted(0.8),
        prop::collection::vec(workload, 1..4),
    );
    prop::collection::vec(app, 1..4).prop_map(|apps| RandomGraph {
        apps: apps
            .into_iter()
            .map(|(mesh, deny, workloads)| RandomApp {
                mesh,
                deny,
                workloads: workloads
                    .into_iter()
                    .map(|(keyword, ports, calls)| RandomWorkload {
                        keyword,
                        ports: if keyword == "cron" { Vec::new() } else { ports },
                        calls,
                    })
                    .collect(),
            })
            .collect(),
    })
}

impl RandomGraph {
    /// The project's files: one directory per app, calls to missing targets or ports dropped,
    /// each port number used once per workload.
    fn files(&self) -> Vec<(String, String)> {
        let mut files = Vec::new();
        for (a, app) in self.apps.iter().enumerate() {
            let network = if app.deny { "default_deny" } else { "open" };
            let mut text = format!("app a{a} {{\n  network: {network}\n");
            if app.mesh {
                text.push_str("  mesh: istio { mtls: permissive }\n");
            }
            text.push_str("}\n");
            for (w, workload) in app.workloads.iter().enumerate() {
                let _ = writeln!(text, "\n{} w{w} {{", workload.keyword);
                let _ = writeln!(text, "  image: \"ghcr.io/acme/w{w}:1.0\"");
                if workload.keyword == "cron" {
                    text.push_str("  schedule: \"0 2 * * *\"\n");
                }
                let ports = self.ports(a, w);
                if !ports.is_empty() {
                    text.push_str("  ports {\n");
                    for (i, (protocol, number)) in ports.iter().enumerate() {
                        let _ = writeln!(text, "    p{i}: {protocol} {number}");
                    }
                    text.push_str("  }\n");
                }
                let mut calls = Vec::new();
                let mut seen = BTreeSet::new();
                for (to_app, to_workload, which) in &workload.calls {
                    let (to_app, to_workload) = (to_app % self.apps.len(), *to_workload);
                    let target_ports = self.ports(to_app, to_workload);
                    if to_workload >= self.apps[to_app].workloads.len()
                        || target_ports.is_empty()
                        || !seen.insert((to_app, to_workload))
                    {
                        continue;
                    }
                    let name = if to_app == a {
                        format!("w{to_workload}")
                    } else {
                        format!("a{to_app}.w{to_workload}")
                    };
                    let chosen: BTreeSet<usize> =
                        which.iter().map(|i| i % target_ports.len()).collect();
                    if chosen.is_empty() {
                        calls.push(name);
                    } else {
                        let list: Vec<String> = chosen.iter().map(|i| format!("p{i}")).collect();
                        calls.push(format!("{name} {{ ports: [{}] }}", list.join(", ")));
                    }
                }
                if !calls.is_empty() {
                    let _ = writeln!(text, "  calls: [{}]", calls.join(", "));
                }
                text.push_str("}\n");
            }
            files.push((format!("a{a}/app.k8s"), text));
        }
        files
    }

    /// The ports of a workload, without repeated numbers.
    fn ports(&self, app: usize, workload: usize) -> Vec<(&'static str, u16)> {
        let Some(w) = self.apps.get(app).and_then(|a| a.workloads.get(workload)) else {
            return Vec::new();
        };
        let mut seen = BTreeSet::new();
        w.ports
            .iter()
            .filter(|(_, n)| seen.insert(*n))
            .copied()
            .collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// For random graphs over several apps, in and out of the mesh, denying by default or not,
    /// the emitted NetworkPolicies admit a connection between two workloads exactly when the graph
    /// has that edge.
    #[test]
    fn random_graphs_are_enforced_exactly(graph in random_graph()) {
        let built = built(graph.files());
        assert_exactly_the_graph(&built);
    }
}

/// Under `mtls: permissive`, a caller outside the mesh has no identity: its rule admits any
/// source on the port it calls, and the NetworkPolicy still admits only its pods.
#[test]
fn a_caller_outside_the_mesh_is_admitted_by_port_only_while_mtls_is_permissive() {
    let files = vec![
        (
            "ledger/app.k8s".to_string(),
            "app ledger {\n  mesh: istio { mtls: permissive }\n  network: default_deny\n}\n\nservice book {\n  image: \"ghcr.io/acme/book:1.0\"\n  ports { api: http 8080, admin: http 9000 }\n  probes { ready: http \"/ready\" }\n}\n\nworker auditor {\n  image: \"ghcr.io/acme/auditor:1.0\"\n  calls: [book { port: admin }]\n}\n".to_string(),
        ),
        (
            "legacy/app.k8s".to_string(),
            "app legacy {}\n\nworker billing {\n  image: \"ghcr.io/acme/billing:1.0\"\n  calls: [ledger.book { port: api }]\n}\n".to_string(),
        ),
    ];
    let built = built(files);
    insta::assert_snapshot!(authorization_summary(&built.documents), @r"
    ledger/allow-nothing (ALLOW)
    ledger/book (ALLOW)
      allow anyone on ports 8080
      allow principals cluster.local/ns/ledger/sa/auditor on ports 9000
    ");
    assert_exactly_the_graph(&built);
}

/// A workload named like a resource generated for the graph would overwrite it: refused.
#[test]
fn a_workload_named_like_a_generated_resource_is_refused() {
    let text = "app a {\n  network: default_deny\n  mesh: istio\n}\n\nservice web {\n  image: \"ghcr.io/acme/web:1.0\"\n  port: http 8080\n  probes { ready: http \"/ready\" }\n  calls: [web_canary, allow_nothing]\n  traffic { canary { image: \"ghcr.io/acme/web:2.0\", steps: [10%] } }\n}\n\nworker web_canary {\n  image: \"ghcr.io/acme/x:1.0\"\n  port: http 8080\n}\n\nworker allow_nothing {\n  image: \"ghcr.io/acme/x:1.0\"\n  port: http 8080\n}\n";
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let messages: Vec<String> = k8sc_compiler::build::project_diagnostics(&db, project)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert_eq!(
        messages,
        [
            "E0006: workload `web-canary` has the name of the canary Deployment of `web`",
            "E0006: workload `allow-nothing` has the name of the namespace's deny-by-default AuthorizationPolicy",
        ]
    );
}
