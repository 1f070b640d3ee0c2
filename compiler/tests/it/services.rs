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
