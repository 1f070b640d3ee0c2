//! Services (issue 21): several hosts and paths per exposed service — their Ingress, HTTPRoute
//! and the mesh's Gateway and VirtualService, each environment's hosts (E0043, W0035), and
//! `expose.tls` on every host at compile time and in admission.

use crate::support::harness::{
    ERROR, assert_equivalent, compile_time_from_facts, lower, rows, rule,
};
use k8sc_compiler::build::{build, project_diagnostics};
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::Code;
use k8sc_compiler::ir::policy::RuleIr;
use k8sc_compiler::output::OutputTree;
use k8sc_compiler::semantic::policy::expr::{Expr, Operand};
use k8sc_compiler::semantic::policy::property::Property;

/// Builds `text` as `app.k8s`; panics on an error.
pub fn tree(text: &str) -> OutputTree {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let result = build(&db, project);
    assert!(
        result.diagnostics.iter().all(|d| !d.is_error()),
        "{:#?}",
        result.diagnostics
    );
    result.tree.expect("builds")
}

/// The codes and messages of every diagnostic of `text`.
pub fn diagnostics_of(text: &str) -> Vec<(Code, String)> {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    project_diagnostics(&db, project)
        .iter()
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

/// The file `path` of the output.
pub fn file<'t>(tree: &'t OutputTree, path: &str) -> &'t str {
    tree.files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in {:#?}", tree.files.keys().collect::<Vec<_>>()))
}

const INGRESS: &str = r#"app shop {
  namespace: shop
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  expose: ingress ["shop.example.com", "www.shop.example.com"] {
    paths: ["/", "/api"]
    tls: shop-tls
    class: nginx
  }
}
"#;

const ROUTE: &str = r#"app shop {
  namespace: shop
  gateway { name: public, namespace: gateway-system, section: https, https: true }
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  expose: route ["shop.example.com", "www.shop.example.com"] { paths: ["/", "/api"] }
}
"#;

/// Every host gets a rule with every path, and the TLS entry lists every host.
#[test]
fn several_hosts_and_paths_make_one_ingress_rule_per_host() {
    let tree = tree(INGRESS);
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "services__ingress_several_hosts",
            file(&tree, "default/kubernetes/ingress-web.yaml")
        );
    });
}

/// An HTTPRoute lists every host and matches every path.
#[test]
fn several_hosts_and_paths_make_one_http_route() {
    let tree = tree(ROUTE);
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "services__http_route_several_hosts",
            file(&tree, "default/kubernetes/httproute-web.yaml")
        );
    });
}

/// In the mesh, the Gateway serves every host and the VirtualService matches every path.
#[test]
fn several_hosts_and_paths_in_the_mesh() {
    let text = ROUTE
        .replace(
            "  gateway { name: public, namespace: gateway-system, section: https, https: true }",
            "  gateway: \"istio-system/istio-ingressgateway\"\n  mesh: istio",
        )
        .replace(
            "paths: [\"/\", \"/api\"] }",
            "paths: [\"/\", \"/api\"], tls: shop-tls }",
        );
    let tree = tree(&text);
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "services__istio_gateway_several_hosts",
            file(&tree, "default/istio/gateway-web.yaml")
        );
        insta::assert_snapshot!(
            "services__istio_virtual_service_several_paths",
            file(&tree, "default/istio/virtualservice-web-ingress.yaml")
        );
    });
}

const ENVS: &str = r#"app shop {
  namespace: shop
  gateway: "gateway-system/public"
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  probes { ready: http "/ready" }
  expose: route ["shop.example.com", "www.shop.example.com"]
}

env prod {
  namespace: shop
}

env dev {
  namespace: shop-dev
  DEV_EXPOSE
}
"#;

/// Each environment serves its own hosts: an environment that overrides the apex but keeps the
/// `www` host collides with prod on that host only, and one with hosts of its own does not.
#[test]
fn each_environment_claims_each_of_its_hosts() {
    let found = diagnostics_of(&ENVS.replace(
        "DEV_EXPOSE",
        "web.expose: route [\"dev.shop.example.com\", \"www.shop.example.com\"]",
    ));
    let collisions: Vec<&String> = found
        .iter()
        .filter(|(c, _)| *c == Code::HostCollision)
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        collisions,
        ["environments `dev` and `prod` route `www.shop.example.com/` through one Gateway"],
        "{found:#?}"
    );
    let found = diagnostics_of(&ENVS.replace(
        "DEV_EXPOSE",
        "web.expose: route [\"dev.shop.example.com\", \"www.dev.shop.example.com\"]",
    ));
    assert!(
        found
            .iter()
            .all(|(c, _)| *c != Code::HostCollision && *c != Code::HostReused),
        "{found:#?}"
    );
    // Inheriting both hosts collides on both.
    let found = diagnostics_of(&ENVS.replace("DEV_EXPOSE", ""));
    let collisions = found
        .iter()
        .filter(|(c, _)| *c == Code::HostCollision)
        .count();
    assert_eq!(collisions, 2, "{found:#?}");
}

/// `require expose.tls`.
fn requires_tls() -> RuleIr {
    rule(
        "expose-tls",
        ERROR,
        &Expr::Not(Box::new(Expr::Compare(
            Property::ExposeTls,
            k8sc_compiler::semantic::policy::expr::CmpOp::Eq,
            Operand::Lit(k8sc_compiler::semantic::policy::expr::Lit::Bool(true)),
        ))),
        "hosts are served over TLS only",
    )
}

/// An Ingress with several hosts and a TLS Secret serves all of them over TLS, at compile time
/// and in admission; without `tls`, both deny it.
#[test]
fn expose_tls_covers_every_host() {
    for (source, denied) in [
        (INGRESS.to_string(), false),
        (INGRESS.replace("    tls: shop-tls\n", ""), true),
    ] {
        let mut ir = lower(&[("app.k8s", &source)]);
        ir.apps[0].rules = vec![requires_tls()];
        let rows = rows(&ir, compile_time_from_facts);
        assert_equivalent(&rows);
        let web = rows.iter().find(|r| r.workload == "web").expect("web");
        assert_eq!(web.compile_time, denied);
        assert_eq!(web.admission.is_empty(), !denied, "{web:#?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The Service's options: a load balancer, session affinity, external traffic, headless.

const BROKER: &str = r#"app iot {
  namespace: iot
  network: default_deny
}

service broker {
  image: "docker.io/eclipse-mosquitto:2.0.20"
  ports { mqtt: tcp 1883, metrics: http 9100 }
  probes { ready: tcp { port: mqtt } }
  OPTIONS
}

service client {
  image: "ghcr.io/acme/client:1.0.0"
  port: http 8080
  probes { ready: http "/ready" }
  calls: [broker { port: mqtt }]
}
"#;

fn broker(options: &str) -> String {
    BROKER.replace("OPTIONS", options)
}

/// Every document of the output of `text`, parsed.
fn documents(text: &str) -> Vec<serde_json::Value> {
    tree(text)
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".yaml"))
        .map(|(_, content)| serde_saphyr::from_str(content).expect("generated YAML parses"))
        .collect()
}

/// The Services of the broker: a load balancer with its ranges, annotations, traffic policy and
/// affinity; and the headless twin under its own name.
#[test]
fn a_load_balancer_with_affinity_and_a_headless_twin() {
    let tree = tree(&broker(
        r#"service {
    type: load_balancer {
      source_ranges: ["10.0.0.0/8", "2001:db8::/32"]
      annotations { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" }
    }
    session_affinity: client_ip { timeout: 3h }
    external_traffic: local
  }
  headless: true"#,
    ));
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "services__load_balancer",
            file(&tree, "default/kubernetes/service-broker.yaml")
        );
        insta::assert_snapshot!(
            "services__headless_twin",
            file(&tree, "default/kubernetes/service-broker-headless.yaml")
        );
    });
}

/// Without options, the Service is exactly what it was (no headless twin).
#[test]
fn without_options_the_service_is_unchanged() {
    let tree = tree(&broker(""));
    let service = file(&tree, "default/kubernetes/service-broker.yaml");
    assert!(service.contains("type: ClusterIP"), "{service}");
    assert!(!service.contains("sessionAffinity"), "{service}");
    assert!(
        !tree
            .files
            .contains_key("default/kubernetes/service-broker-headless.yaml")
    );
}

/// A pod of `workload` as the emitted Deployment describes it.
fn pod_of(documents: &[serde_json::Value], workload: &str, last: u8) -> netpol::Pod {
    let deployment = documents
        .iter()
        .find(|d| d["kind"] == "Deployment" && d["metadata"]["name"] == workload)
        .expect("the Deployment");
    let template = &deployment["spec"]["template"];
    netpol::Pod {
        name: workload.to_string(),
        namespace: deployment["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        labels: template["metadata"]["labels"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect(),
        ip: std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 1, last)),
        ports: template["spec"]["containers"][0]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p["name"].as_str().unwrap_or_default().to_string(),
                    u16::try_from(p["containerPort"].as_u64().unwrap_or(0)).unwrap_or(0),
                    p["protocol"].as_str().unwrap_or("TCP").to_string(),
                )
            })
            .collect(),
    }
}

use crate::support::netpol_eval as netpol;

/// A load balancer admits clients outside the cluster on every port of the Service: from every
/// address when kube-proxy replaces the client's address (the default policy), from the source
/// ranges only when the client's address is kept (`external_traffic: local`). Without a load
/// balancer, the default-deny admits nobody from outside.
#[test]
fn the_network_policy_admits_the_load_balancers_clients() {
    let outside = |ip: [u8; 4]| netpol::Endpoint::External(std::net::IpAddr::from(ip));
    let check = |options: &str, expect: &[([u8; 4], u16, bool)]| {
        let documents = documents(&broker(options));
        let cluster = netpol::Cluster::new(&documents);
        let broker = pod_of(&documents, "broker", 1);
        for (ip, port, allowed) in expect {
            let verdict = cluster
                .ingress_allowed(&outside(*ip), &broker, *port, "TCP")
                .expect("the evaluator knows every emitted field");
            assert_eq!(verdict, *allowed, "{options}: {ip:?} on {port}");
        }
        // The graph is still enforced between pods: the client calls mqtt only.
        let client = netpol::Endpoint::Pod(pod_of(&documents, "client", 2));
        assert!(
            cluster
                .allowed(&client, &netpol::Endpoint::Pod(broker.clone()), 1883, "TCP")
                .expect("evaluates")
        );
        documents
    };
    check(
        "",
        &[
            ([203, 0, 113, 9], 1883, false),
            ([10, 1, 1, 1], 9100, false),
        ],
    );
    check(
        r#"service { type: load_balancer { source_ranges: ["10.0.0.0/8"] } }"#,
        &[
            ([203, 0, 113, 9], 1883, true),
            ([10, 1, 1, 1], 1883, true),
            ([10, 1, 1, 1], 9100, true),
        ],
    );
    check(
        r#"service { type: load_balancer { source_ranges: ["10.0.0.0/8"] }, external_traffic: local }"#,
        &[
            ([203, 0, 113, 9], 1883, false),
            ([10, 1, 1, 1], 1883, true),
            ([10, 1, 1, 1], 9100, true),
        ],
    );
}

/// `service.type` is the Service's type at compile time and in admission: a tier rule refusing
/// load balancers refuses this one in both.
#[test]
fn a_rule_on_the_service_type_refuses_a_load_balancer() {
    let rule_ir = rule(
        "no-load-balancers",
        ERROR,
        &Expr::Compare(
            Property::ServiceType,
            k8sc_compiler::semantic::policy::expr::CmpOp::Eq,
            Operand::Lit(k8sc_compiler::semantic::policy::expr::Lit::Str(
                "LoadBalancer".to_string(),
            )),
        ),
        "no load balancers",
    );
    for (options, denied) in [
        ("", false),
        (
            r#"service { type: load_balancer { source_ranges: ["10.0.0.0/8"] } }"#,
            true,
        ),
    ] {
        let mut ir = lower(&[("app.k8s", &broker(options))]);
        ir.apps[0].rules = vec![rule_ir.clone()];
        let rows = rows(&ir, compile_time_from_facts);
        assert_equivalent(&rows);
        let row = rows
            .iter()
            .find(|r| r.workload == "broker")
            .expect("broker");
        assert_eq!(row.compile_time, denied, "{options}");
        if denied {
            assert_eq!(row.admission, ["Service/broker"], "{row:#?}");
        }
    }
    // Written as a tier rule, the checker refuses it with the rule's diagnostic.
    let text = format!(
        "tier closed {{\n  require {{\n    service.type != \"LoadBalancer\" \"no load balancers\"\n  }}\n}}\n\n{}",
        broker(r#"service { type: load_balancer { source_ranges: ["10.0.0.0/8"] } }"#).replace(
            "network: default_deny",
            "network: default_deny\n  tier: closed"
        )
    );
    let found = diagnostics_of(&text);
    assert!(
        found
            .iter()
            .any(|(c, m)| *c == Code::RuleViolation && m.contains("no load balancers")),
        "{found:#?}"
    );
    // The production tier's `no_node_ports` policy refuses it too.
    let text = format!(
        "import std.tiers.production\n\n{}",
        broker(r#"service { type: load_balancer { source_ranges: ["10.0.0.0/8"] } }"#)
            .replace("network: default_deny", "tier: production")
    );
    let found = diagnostics_of(&text);
    assert!(
        found
            .iter()
            .any(|(c, m)| *c == Code::RuleViolation && m.contains("LoadBalancer")),
        "{found:#?}"
    );
}

/// Turning the Service options on and off are updates the API server accepts: the headless twin
/// is another Service, so no existing Service's immutable `clusterIP` changes — which making the
/// client Service itself headless would do (checked on a hand-made change below).
#[test]
fn service_options_change_no_immutable_field() {
    use k8sc_compiler::output::semantic_diff::{Manifests, semantic_diff};
    let manifests =
        |text: &str| Manifests::parse(&tree(text).files, "out").expect("the output parses");
    let plain = manifests(&broker(""));
    let full = manifests(&broker(
        r#"service {
    type: load_balancer { source_ranges: ["10.0.0.0/8"] }
    session_affinity: client_ip { timeout: 3h }
    external_traffic: local
    publish_not_ready: true
  }
  headless: true"#,
    ));
    for (what, old, new) in [("on", &plain, &full), ("off", &full, &plain)] {
        let diff = semantic_diff(old, new);
        assert!(
            !diff.is_empty(),
            "turning the options {what} changes nothing"
        );
        assert!(
            diff.immutable_changes().is_empty(),
            "turning the options {what} changes immutable fields:\n{}",
            diff.render()
        );
    }
    // The hazard the twin avoids: the same Service turned headless in place.
    let mut files = tree(&broker("")).files;
    let path = "default/kubernetes/service-broker.yaml";
    let turned = files[path].replace("spec:\n", "spec:\n  clusterIP: None\n");
    files.insert(path.to_string(), turned);
    let headless_in_place = Manifests::parse(&files, "out").expect("parses");
    assert!(
        !semantic_diff(&plain, &headless_in_place)
            .immutable_changes()
            .is_empty()
    );
}

/// `k8sc import` maps an Ingress onto `expose: ingress`, an HTTPRoute onto `expose: route` (and
/// its Gateway onto the app's `gateway`), and a Service's type, affinity, traffic policy onto
/// `service { … }` — with no `patch` for any of them (the fixture `edge.yaml`; the full round
/// trip, field by field, is `import::round_trip_reproduces_every_imported_resource`).
#[test]
fn import_maps_ingresses_routes_and_service_options_without_patches() {
    use k8sc_compiler::import::{import, read_documents};
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/edge.yaml");
    let text = std::fs::read_to_string(path).expect("the fixture");
    let manifests = read_documents("edge.yaml", &text).expect("YAML");
    let imported = import(&manifests, "edge").expect("imports");
    let source = &imported.file.1;
    for expected in [
        "gateway { name: \"public\", namespace: \"gateway-system\", section: \"https\" }",
        "expose: ingress [\"site.example.com\", \"www.site.example.com\"]",
        "paths: [\"/\", \"/api\"]",
        "expose: route [\"docs.example.com\", \"www.docs.example.com\"] { paths: [\"/\", \"/v2\"], port: 8080 }",
        "source_ranges: [\"10.40.0.0/16\"]",
        "session_affinity: client_ip { timeout: 3600s }",
        "external_traffic: local",
    ] {
        assert!(source.contains(expected), "{expected} in\n{source}");
    }
    assert!(!source.contains("patch"), "{source}");
    assert!(
        imported.report.skipped.is_empty(),
        "{:#?}",
        imported.report.skipped
    );
    assert!(
        imported.report.patches.is_empty(),
        "{:#?}",
        imported.report.patches
    );
}
