//! The Kyverno backend: golden policies for representative rules, and equivalence with the
//! compile-time check — for every rule and every workload of small projects, the emitted policy
//! denies one of the workload's generated resources at admission exactly when the rule denies the
//! workload at compile time.

use crate::support;

use k8sc_compiler::backends::{Resource, kubernetes, kyverno};
use k8sc_compiler::ir::ProjectIr;
use k8sc_compiler::ir::policy::{CmpOp, Lit, Property, RuleIr, RuleSeverity};
use k8sc_compiler::output::yaml::to_yaml;
use k8sc_compiler::semantic::policy::expr::{Expr, Operand};
use support::harness::{
    ERROR, assert_equivalent, compile_time_from_facts, exempt, kyverno_denies, kyverno_denies_with,
    lower, rows, rule,
};
use support::kyverno_eval::Options;

const APP: &str = r#"app shop {
  namespace: shop
  team: payments
  labels { cost-center: "cc-1042" }
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  replicas: 3..12
  cpu: 250m..1
  memory: 256Mi
  probes { ready: http "/ready", live: http "/healthz" }
}

service api {
  image: "ghcr.io/acme/api@sha256:3f1c9a2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
  port: grpc 9090
  replicas: 1
  cpu: 500m
  memory: 512Mi
  probes { ready: grpc }
}

worker consumer {
  image: "nginx"
  replicas: 2
  cpu: 1
  memory: 1Gi..2Gi
}

database db {
  image: "docker.io/library/postgres:16.4"
  port: tcp 5432
  storage: 20Gi
  cpu: 500m..2
  memory: 1Gi..2Gi
  user: 999
  probes { ready: tcp }
}

stateful cache {
  image: "redis:7.2"
  port: tcp 6379
  replicas: 2..4
  memory: 256Mi
}

job migrate {
  image: "ghcr.io/acme/api:1.9.0"
  cpu: 100m..500m
  memory: 128Mi
}

cron report {
  schedule: "0 2 * * *"
  image: "localhost:5000/report:1.0.0"
}

daemon agent {
  image: "cr.fluentbit.io/fluent/fluent-bit:3.1.9"
  port: http 2020
  cpu: 50m..500m
}

service site {
  image: "ghcr.io/acme/site:1.0.0"
  port: http 8080
  expose: ingress "site.example.com" { tls: site-tls }
}

service blog {
  image: "ghcr.io/acme/blog:1.0.0"
  port: http 8080
  expose: ingress "blog.example.com"
}
"#;

fn lit(l: Lit) -> Operand {
    Operand::Lit(l)
}

fn cmp(p: Property, op: CmpOp, l: Lit) -> Expr {
    Expr::Compare(p, op, lit(l))
}

fn s(text: &str) -> Lit {
    Lit::Str(text.to_string())
}

fn strs(items: &[&str]) -> Lit {
    Lit::List(items.iter().map(|t| s(t)).collect())
}

fn not(e: Expr) -> Expr {
    Expr::Not(Box::new(e))
}

fn or(a: Expr, b: Expr) -> Expr {
    Expr::Or(Box::new(a), Box::new(b))
}

fn and(a: Expr, b: Expr) -> Expr {
    Expr::And(Box::new(a), Box::new(b))
}

fn present(p: Property) -> Expr {
    Expr::Present(p)
}

fn is_true(p: Property) -> Expr {
    cmp(p, CmpOp::Eq, Lit::Bool(true))
}

const MI: u64 = 1 << 20;
const GI: u64 = 1 << 30;

/// `pinned_images` of the stdlib.
fn pinned_images() -> Expr {
    or(
        cmp(Property::ImageTag, CmpOp::Eq, s("latest")),
        and(
            not(present(Property::ImageTag)),
            not(present(Property::ImageDigest)),
        ),
    )
}

/// Representative rules, one per kind of test the backend translates.
fn rules() -> Vec<RuleIr> {
    let r = |name: &str, deny: Expr| rule(name, ERROR, &deny, &format!("{name}: {{image}}"));
    vec![
        rule(
            "pinned-images",
            ERROR,
            &pinned_images(),
            "image {image} is not pinned",
        ),
        r(
            "trusted-registries",
            not(Expr::ImageFrom(lit(strs(&[
                "ghcr.io/acme",
                "docker.io/library",
            ])))),
        ),
        r(
            "registry-in",
            not(Expr::In(
                Property::ImageRegistry,
                lit(strs(&["ghcr.io", "docker.io"])),
            )),
        ),
        r(
            "official-postgres",
            and(
                cmp(Property::ImageRepository, CmpOp::Eq, s("library/postgres")),
                cmp(Property::ImageTag, CmpOp::Ne, s("16.4")),
            ),
        ),
        r(
            "official-images",
            cmp(Property::ImageRepository, CmpOp::Eq, s("library/nginx")),
        ),
        r("plain-image", cmp(Property::Image, CmpOp::Eq, s("nginx"))),
        r("digest-required", not(present(Property::ImageDigest))),
        r(
            "tag-in",
            Expr::In(Property::ImageTag, lit(strs(&["latest", "1.0.0", "16.4"]))),
        ),
        rule(
            "required-labels",
            RuleSeverity::Warning,
            &not(Expr::HasLabels(lit(strs(&["team", "cost-center"])))),
            "{labels} lack team or cost-center",
        ),
        r("owner-label", not(Expr::HasLabels(lit(strs(&["owner"]))))),
        r(
            "replicas-min",
            cmp(Property::ReplicasMin, CmpOp::Lt, Lit::Int(2)),
        ),
        rule(
            "replicas-max",
            ERROR,
            &cmp(Property::ReplicasMax, CmpOp::Gt, Lit::Int(10)),
            "at most 10 replicas, not {replicas.max}",
        ),
        r(
            "replicas-exact",
            or(
                cmp(Property::ReplicasMin, CmpOp::Eq, Lit::Int(1)),
                cmp(Property::ReplicasMax, CmpOp::Ne, Lit::Int(4)),
            ),
        ),
        r(
            "replicas-in",
            Expr::In(
                Property::ReplicasMin,
                lit(Lit::List(vec![Lit::Int(2), Lit::Int(3)])),
            ),
        ),
        r("probes-ready", not(present(Property::ProbesReady))),
        r("probes-live", not(present(Property::ProbesLive))),
        r("cpu-limit", not(present(Property::CpuLimit))),
        r(
            "memory-cap",
            cmp(Property::MemoryLimit, CmpOp::Gt, Lit::Memory(GI)),
        ),
        r(
            "cpu-floor",
            cmp(Property::CpuRequest, CmpOp::Lt, Lit::Cpu(500)),
        ),
        r(
            "cpu-exact",
            cmp(Property::CpuRequest, CmpOp::Eq, Lit::Cpu(500)),
        ),
        r(
            "cpu-not",
            cmp(Property::CpuRequest, CmpOp::Ne, Lit::Cpu(250)),
        ),
        r(
            "cpu-in",
            Expr::In(
                Property::CpuRequest,
                lit(Lit::List(vec![Lit::Cpu(1000), Lit::Cpu(500)])),
            ),
        ),
        r(
            "memory-not-in",
            not(Expr::In(
                Property::MemoryRequest,
                lit(Lit::List(vec![Lit::Memory(256 * MI), Lit::Memory(GI)])),
            )),
        ),
        r(
            "cpu-limit-high",
            cmp(Property::CpuLimit, CmpOp::Ge, Lit::Cpu(2000)),
        ),
        r(
            "hardened",
            or(
                or(
                    not(is_true(Property::NonRoot)),
                    is_true(Property::Privileged),
                ),
                or(
                    or(
                        is_true(Property::PrivilegeEscalation),
                        not(is_true(Property::ReadOnlyRoot)),
                    ),
                    or(
                        is_true(Property::HostNetwork),
                        or(is_true(Property::HostPid), is_true(Property::HostIpc)),
                    ),
                ),
            ),
        ),
        r("read-only-root", is_true(Property::ReadOnlyRoot)),
        r(
            "service-type",
            Expr::In(
                Property::ServiceType,
                lit(strs(&["NodePort", "LoadBalancer"])),
            ),
        ),
        r(
            "cluster-ip",
            cmp(Property::ServiceType, CmpOp::Eq, s("ClusterIP")),
        ),
        r(
            "port-8080",
            Expr::Contains(Property::Ports, lit(Lit::Int(8080))),
        ),
        r(
            "needs-2020",
            not(Expr::Contains(Property::Ports, lit(Lit::Int(2020)))),
        ),
        r("no-daemons", cmp(Property::Kind, CmpOp::Eq, s("DaemonSet"))),
        r(
            "batch-kinds",
            Expr::In(Property::Kind, lit(strs(&["Job", "CronJob"]))),
        ),
        r("always", Expr::Const(true)),
        // `kind` with replica counts: checked on the controller and on its autoscaler.
        r(
            "stateful-replicas",
            and(
                cmp(Property::Kind, CmpOp::Eq, s("StatefulSet")),
                cmp(Property::ReplicasMin, CmpOp::Lt, Lit::Int(3)),
            ),
        ),
        r(
            "deployment-max",
            and(
                Expr::In(Property::Kind, lit(strs(&["Deployment"]))),
                cmp(Property::ReplicasMax, CmpOp::Gt, Lit::Int(5)),
            ),
        ),
    ]
}

/// The test project with `rules` in force, `consumer` exempted from `pinned-images` and `web`
/// from `replicas-max`.
fn project(rules: Vec<RuleIr>) -> ProjectIr {
    let mut ir = lower(&[("app.k8s", APP)]);
    let app = &mut ir.apps[0];
    let workload = |name: &str| {
        app.workloads
            .iter()
            .find(|w| w.name == name)
            .cloned()
            .expect("workload exists")
    };
    let (consumer, web) = (workload("consumer"), workload("web"));
    app.rules = rules
        .into_iter()
        .map(|mut rule| {
            match rule.name.as_str() {
                "pinned-images" => exempt(&mut rule, &consumer, "upstream publishes no tags"),
                "replicas-max" => exempt(&mut rule, &web, "Black Friday"),
                _ => {}
            }
            rule
        })
        .collect();
    ir
}

#[test]
fn every_rule_agrees_with_the_compile_time_check_on_every_workload() {
    let ir = project(rules());
    let rows = rows(&ir, compile_time_from_facts);
    assert_eq!(rows.len(), rules().len() * ir.apps[0].workloads.len());
    assert_equivalent(&rows);
    // The table is not trivial: both verdicts occur, and so do exemptions.
    assert!(rows.iter().any(|r| r.compile_time));
    assert!(rows.iter().any(|r| !r.compile_time));
    let denied = |rule: &str, workload: &str| {
        rows.iter()
            .find(|r| r.rule == rule && r.workload == workload)
            .is_some_and(|r| r.compile_time)
    };
    assert!(!denied("pinned-images", "consumer"), "exempted");
    assert!(!denied("pinned-images", "cache"));
    assert!(!denied("replicas-max", "web"), "exempted");
    assert!(denied("replicas-min", "api"));
    assert!(denied("official-images", "consumer"));
    assert!(denied("no-daemons", "agent"));
    assert!(denied("cpu-exact", "api") && !denied("cpu-exact", "web"));
    assert!(denied("stateful-replicas", "cache") && !denied("stateful-replicas", "web"));
    assert!(denied("deployment-max", "web") && !denied("deployment-max", "cache"));
}

/// Every property, with every kind of test a rule can make on it, alone and restricted to a
/// controller kind (as a policy's `match: kind == …` does): the emitted policy denies exactly
/// what the compile-time check denies, on every workload — so no rule in force is left out of
/// the cluster.
#[test]
fn every_property_and_test_reaches_the_cluster() {
    use k8sc_compiler::ir::policy::Group;
    use k8sc_compiler::semantic::policy::property::{PROPERTIES, Ty};
    let mut exprs: Vec<(String, Expr)> = Vec::new();
    // The test project has no mesh, so no routes: `traffic.fault` is never set at compile time
    // and there is nothing to check at admission (its policy is written for meshed apps only).
    for info in PROPERTIES.iter().filter(|i| i.group != Group::Traffic) {
        let p = info.property;
        let mut tests: Vec<Expr> = Vec::new();
        match p.ty() {
            Ty::Bool => tests.push(is_true(p)),
            Ty::Int => {
                tests.push(cmp(p, CmpOp::Lt, Lit::Int(2)));
                tests.push(cmp(p, CmpOp::Ne, Lit::Int(1)));
                tests.push(Expr::In(p, lit(Lit::List(vec![Lit::Int(1), Lit::Int(4)]))));
            }
            Ty::Str => {
                let value = p.choices().map_or("docker.io", |c| c[0]);
                tests.push(cmp(p, CmpOp::Eq, s(value)));
                tests.push(cmp(p, CmpOp::Ne, s(value)));
                tests.push(Expr::In(p, lit(strs(&[value, "latest"]))));
            }
            Ty::Cpu => {
                tests.push(cmp(p, CmpOp::Ge, Lit::Cpu(500)));
                tests.push(cmp(p, CmpOp::Ne, Lit::Cpu(500)));
                tests.push(Expr::In(
                    p,
                    lit(Lit::List(vec![Lit::Cpu(100), Lit::Cpu(500)])),
                ));
            }
            Ty::Memory => {
                tests.push(cmp(p, CmpOp::Le, Lit::Memory(GI)));
                tests.push(not(Expr::In(
                    p,
                    lit(Lit::List(vec![Lit::Memory(256 * MI), Lit::Memory(GI)])),
                )));
            }
            Ty::Presence => tests.push(present(p)),
            Ty::Labels => {
                tests.push(Expr::HasLabels(lit(strs(&["team"]))));
                tests.push(Expr::HasLabels(lit(strs(&["owner"]))));
            }
            Ty::List(_) => tests.push(Expr::Contains(p, lit(Lit::Int(8080)))),
        }
        if p == Property::Image {
            tests.push(Expr::ImageFrom(lit(strs(&["ghcr.io/acme"]))));
        }
        for (i, test) in tests.into_iter().enumerate() {
            let both = [test.clone(), not(test)];
            for (j, e) in both.into_iter().enumerate() {
                let name = format!("{}-{i}-{j}", info.name.replace(['.', '_'], "-"));
                if matches!(info.group, Group::Pod | Group::Replicas) && p != Property::Kind {
                    for kind in ["Deployment", "StatefulSet", "CronJob"] {
                        let k = cmp(Property::Kind, CmpOp::Eq, s(kind));
                        exprs.push((format!("{name}-{}", kind.to_lowercase()), and(k, e.clone())));
                    }
                }
                exprs.push((name, e));
            }
        }
    }
    let rules: Vec<RuleIr> = exprs
        .iter()
        .map(|(name, e)| rule(name, ERROR, e, "m"))
        .collect();
    let ir = project(rules);
    let rows = rows(&ir, compile_time_from_facts);
    assert_equivalent(&rows);
    // Both verdicts occur for rules restricted to a kind.
    let restricted = |r: &&support::harness::Row| r.rule.ends_with("-statefulset");
    assert!(rows.iter().filter(restricted).any(|r| r.compile_time));
    assert!(rows.iter().filter(restricted).any(|r| !r.compile_time));
}

#[test]
fn equivalence_holds_for_kyverno_before_and_after_the_library_prefix() {
    let ir = project(rules());
    let policies = kyverno::render(&ir);
    let resources = support::harness::admission_resources(&ir);
    let new = kyverno_denies_with(
        &policies,
        &resources,
        Options {
            library_prefix: true,
        },
    );
    let old = kyverno_denies_with(
        &policies,
        &resources,
        Options {
            library_prefix: false,
        },
    );
    assert_eq!(new, old);
}

#[test]
fn the_harness_notices_a_disagreement() {
    let ir = project(rules());
    // A compile-time side that never denies must disagree wherever Kyverno denies.
    let rows = rows(&ir, |_, _, _| false);
    assert!(rows.iter().any(|r| !r.agrees()));
}

#[test]
fn autoscaled_controllers_are_checked_on_their_autoscaler() {
    let ir = project(vec![rule(
        "replicas-min",
        ERROR,
        &cmp(Property::ReplicasMin, CmpOp::Lt, Lit::Int(3)),
        "at least 3 replicas, not {replicas.min}",
    )]);
    let resources = support::harness::admission_resources(&ir);
    let denied = kyverno_denies(&kyverno::render(&ir), &resources);
    let names: Vec<&str> = denied.iter().map(|(_, r)| r.as_str()).collect();
    // web runs 3..12 (HPA): its Deployment, defaulted to one replica by the API server, passes.
    assert!(!names.contains(&"Deployment/web"), "{names:?}");
    assert!(!names.contains(&"HorizontalPodAutoscaler/web"), "{names:?}");
    // cache runs 2..4 and api 1: both denied, on the HPA and on the StatefulSet's count.
    assert!(
        names.contains(&"HorizontalPodAutoscaler/cache"),
        "{names:?}"
    );
    assert!(names.contains(&"Deployment/api"), "{names:?}");
}

#[test]
fn an_unmarked_autoscaled_deployment_would_be_denied() {
    // Without the autoscaler annotation, admission sees the defaulted `replicas: 1`.
    let ir = project(vec![rule(
        "replicas-min",
        ERROR,
        &cmp(Property::ReplicasMin, CmpOp::Lt, Lit::Int(3)),
        "too few",
    )]);
    let mut resources = support::harness::admission_resources(&ir);
    for r in &mut resources {
        if let Some(meta) = r.body.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            meta.remove("annotations");
        }
    }
    let denied = kyverno_denies(&kyverno::render(&ir), &resources);
    assert!(
        denied.iter().any(|(_, r)| r == "Deployment/web"),
        "{denied:?}"
    );
}

fn policy_yaml(rule_name: &str) -> String {
    let ir = project(rules());
    let policies = kyverno::render(&ir);
    let policy = policies
        .iter()
        .find(|p| p.name == rule_name)
        .expect("the rule has a policy");
    assert_eq!(policy.target, kyverno::TARGET);
    assert_eq!(policy.file_stem, format!("policy-{rule_name}"));
    to_yaml(&policy.body)
}

#[test]
fn golden_pod_rule_with_foreach_and_exemption() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "kyverno__golden_pod_rule_with_foreach_and_exemption",
            policy_yaml("pinned-images")
        )
    });
}

#[test]
fn golden_labels_rule() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "kyverno__golden_labels_rule",
            policy_yaml("required-labels")
        )
    });
}

#[test]
fn golden_replicas_rule() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!("kyverno__golden_replicas_rule", policy_yaml("replicas-max"))
    });
}

#[test]
fn golden_service_rule() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!("kyverno__golden_service_rule", policy_yaml("service-type"))
    });
}

#[test]
fn golden_quantity_and_security_rules() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "kyverno__golden_quantity_and_security_rules",
            policy_yaml("cpu-not")
        )
    });
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "kyverno__golden_quantity_and_security_rules-2",
            policy_yaml("hardened")
        )
    });
}

#[test]
fn output_is_deterministic() {
    let a = kyverno::render(&project(rules()));
    let b = kyverno::render(&project(rules()));
    assert_eq!(a, b);
    let yaml: Vec<String> = a.iter().map(|p| to_yaml(&p.body)).collect();
    for text in &yaml {
        assert!(
            !text.contains("{image}") && !text.contains("{labels}"),
            "{text}"
        );
    }
}

#[test]
fn a_rule_that_never_denies_has_no_policy() {
    let ir = project(vec![rule("never", ERROR, &Expr::Const(false), "never")]);
    assert!(kyverno::render(&ir).is_empty());
}

/// With `K8SC_KYVERNO_DUMP=DIR`, writes the test project's Kubernetes and Kyverno resources to
/// `DIR/<target>/` for `validate-manifests`.
#[test]
fn dump_for_the_validator() {
    let Ok(dir) = std::env::var("K8SC_KYVERNO_DUMP") else {
        return;
    };
    let ir = project(rules());
    let mut all: Vec<Resource> = k8sc_compiler::backends::kubernetes::render(&ir);
    all.extend(kyverno::render(&ir));
    for resource in all {
        let folder = std::path::Path::new(&dir).join(resource.target.folder());
        std::fs::create_dir_all(&folder).expect("create the dump folder");
        std::fs::write(
            folder.join(format!("{}.yaml", resource.file_stem)),
            to_yaml(&resource.body),
        )
        .expect("write a dumped resource");
    }
}

/// `require expose.tls`: denies a workload whose exposed host is not served over TLS only.
fn requires_tls() -> RuleIr {
    rule(
        "expose-tls",
        ERROR,
        &not(is_true(Property::ExposeTls)),
        "hosts are served over TLS only",
    )
}

/// The rows of `requires_tls` on a project: the verdicts of both sides, and which resources
/// admission denied, per workload.
fn tls_rows(source: &str) -> Vec<support::harness::Row> {
    let mut ir = lower(&[("app.k8s", source)]);
    ir.apps[0].rules = vec![requires_tls()];
    rows(&ir, compile_time_from_facts)
}

fn verdict<'r>(rows: &'r [support::harness::Row], workload: &str) -> &'r support::harness::Row {
    rows.iter()
        .find(|r| r.workload == workload)
        .expect("a row for the workload")
}

/// Issue 18, defect 9: an Ingress admits exactly when every host it routes is listed under its
/// `tls`.
#[test]
fn expose_tls_on_an_ingress_admits_tls_and_denies_plain_http() {
    let rows = tls_rows(APP);
    assert_equivalent(&rows);
    assert!(!verdict(&rows, "site").compile_time);
    let plain = verdict(&rows, "blog");
    assert!(plain.compile_time);
    assert_eq!(plain.admission, ["Ingress/blog"]);
    // Workloads that expose nothing are not subject to the rule.
    assert!(!verdict(&rows, "web").compile_time);
}

/// A hand-written Ingress admission sees: a host missing from `tls`, or a default backend, is
/// plain HTTP.
#[test]
fn expose_tls_on_an_ingress_reads_every_rule_and_the_default_backend() {
    let mut ir = lower(&[("app.k8s", APP)]);
    ir.apps[0].rules = vec![requires_tls()];
    let policies = kyverno::render(&ir);
    let ingress = |spec: serde_json::Value| {
        Resource::from_value(
            "shop",
            kubernetes::TARGET,
            "app.k8s",
            "networking.k8s.io/v1",
            "Ingress",
            "hand",
            serde_json::json!({
                "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                "metadata": {"name": "hand", "namespace": "shop"}, "spec": spec,
            }),
        )
    };
    let rule = |host: &str| serde_json::json!({"host": host, "http": {"paths": []}});
    let denied = |spec| !kyverno_denies(&policies, &[ingress(spec)]).is_empty();
    assert!(!denied(serde_json::json!({
        "rules": [rule("a.example.com"), rule("b.example.com")],
        "tls": [{"hosts": ["a.example.com"]}, {"hosts": ["b.example.com"], "secretName": "b"}],
    })));
    assert!(denied(serde_json::json!({
        "rules": [rule("a.example.com"), rule("b.example.com")],
        "tls": [{"hosts": ["a.example.com"], "secretName": "a"}],
    })));
    assert!(denied(
        serde_json::json!({"rules": [rule("a.example.com")]})
    ));
    assert!(denied(serde_json::json!({
        "defaultBackend": {"service": {"name": "web", "port": {"number": 80}}},
        "tls": [{"hosts": ["a.example.com"], "secretName": "a"}],
    })));
}

const ROUTE_APP: &str = r#"app shop {
  namespace: shop
  gateway { name: public, namespace: gateway-system, section: https, https: true }
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  expose: route "shop.example.com" { path: "/" }
}
"#;

/// An HTTPRoute admits when every parentRef names a listener; its protocol is on the platform's
/// Gateway, which admission cannot read, so that it is HTTPS is checked at compile time only.
#[test]
fn expose_tls_on_an_http_route_admits_a_named_listener_and_denies_every_listener() {
    let rows = tls_rows(ROUTE_APP);
    assert_equivalent(&rows);
    assert!(!verdict(&rows, "web").compile_time);
    let plain = ROUTE_APP.replace(
        "gateway { name: public, namespace: gateway-system, section: https, https: true }",
        "gateway: \"gateway-system/public\"",
    );
    let rows = tls_rows(&plain);
    assert_equivalent(&rows);
    let row = verdict(&rows, "web");
    assert!(row.compile_time);
    assert_eq!(row.admission, ["HTTPRoute/web"]);
    // A listener not stated to be HTTPS: refused at compile time, admitted by the cluster (what
    // admission cannot see, and the policy's message says so).
    let unstated = ROUTE_APP.replace(", https: true", "");
    let rows = tls_rows(&unstated);
    let row = verdict(&rows, "web");
    assert!(row.compile_time && row.admission.is_empty());
    let mut ir = lower(&[("app.k8s", ROUTE_APP)]);
    ir.apps[0].rules = vec![requires_tls()];
    let policy = to_yaml(&kyverno::render(&ir)[0].body);
    assert!(policy.contains("- HTTPRoute"), "{policy}");
    assert!(policy.contains("admission checks that every parentRef names a listener"));
}

const MESH_APP: &str = r#"app shop {
  namespace: shop
  gateway: "istio-system/istio-ingressgateway"
  mesh: istio
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  expose: route "shop.example.com" { path: "/", tls: shop-tls }
}

service blog {
  image: "ghcr.io/acme/blog:2.3.1"
  port: http 8080
  expose: route "blog.example.com" { path: "/" }
}
"#;

/// In the mesh, the Istio Gateway admits when each server is HTTPS with a certificate or HTTP
/// that only redirects; the Gateway API's `Gateway` kind is not matched.
#[test]
fn expose_tls_on_an_istio_gateway_admits_https_and_redirects_and_denies_plain_http() {
    let rows = tls_rows(MESH_APP);
    assert_equivalent(&rows);
    assert!(!verdict(&rows, "web").compile_time);
    let plain = verdict(&rows, "blog");
    assert!(plain.compile_time);
    assert_eq!(plain.admission, ["Gateway/blog"]);
    let mut ir = lower(&[("app.k8s", MESH_APP)]);
    ir.apps[0].rules = vec![requires_tls()];
    let policies = kyverno::render(&ir);
    let policy = to_yaml(&policies[0].body);
    assert!(policy.contains("networking.istio.io/*/Gateway"), "{policy}");
    assert!(
        !policy.contains("HTTPRoute"),
        "no Gateway API in the mesh: {policy}"
    );
    let gateway_api = Resource::from_value(
        "shop",
        kubernetes::TARGET,
        "app.k8s",
        "gateway.networking.k8s.io/v1",
        "Gateway",
        "public",
        serde_json::json!({
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "public", "namespace": "shop"},
            "spec": {"gatewayClassName": "x", "servers": [{"port": {"protocol": "HTTP"}}]},
        }),
    );
    assert!(kyverno_denies(&policies, &[gateway_api]).is_empty());
}

/// Issue 18, defect 5: every rule in force for an app of every example, in every environment,
/// becomes a Kyverno policy, or k8sc says at the rule why it cannot (W0013: it never denies;
/// W0012: it tests the mesh's routes in an app without the mesh). The one case left unsaid is
/// documented: a rule on the mesh's routes that cannot deny anything without the mesh, in an app
/// without one (the `production` tier's `not traffic.fault`).
#[test]
fn every_rule_in_force_in_the_examples_has_a_policy_or_says_why_not() {
    use k8sc_compiler::diagnostics::Code;
    use k8sc_compiler::ir::policy::Test;
    use k8sc_compiler::lower::{environments, lower_env};
    use k8sc_compiler::semantic::envs::EnvKey;
    let mut checked = 0;
    for dir in support::examples::example_dirs() {
        let files = k8sc_compiler::loader::load(&dir)
            .expect("example loads")
            .files;
        let db = k8sc_compiler::db::Database::new();
        let project = db.load_project(files);
        for env in environments(&db, project).clone() {
            let lowered = lower_env(&db, project, EnvKey::new(&db, env.clone()));
            let policies = kyverno::render(&lowered.ir);
            for app in &lowered.ir.apps {
                for rule in &app.rules {
                    checked += 1;
                    let written = policies
                        .iter()
                        .any(|p| p.app == app.name && p.name == rule.name);
                    let said = lowered.diagnostics.iter().any(|d| {
                        matches!(d.code, Code::MeshOnlyRule | Code::RuleNeverDenies)
                            && d.message
                                .contains(&format!("`{}`", rule.source.allow_name()))
                    });
                    let vacuous_outside_the_mesh = app.mesh.is_none()
                        && rule.group.needs_mesh()
                        && rule
                            .deny
                            .iter()
                            .all(|c| c.iter().any(|a| a.test != Test::Absent));
                    assert!(
                        written || said || vacuous_outside_the_mesh,
                        "{}: env {env}, app {}: rule {} has no policy and no diagnostic",
                        dir.display(),
                        app.name,
                        rule.name
                    );
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} rules in force");
}

/// The two warnings, on rules the examples do not have.
#[test]
fn a_rule_that_cannot_reach_the_cluster_is_reported_at_the_rule() {
    use k8sc_compiler::build::project_diagnostics;
    use k8sc_compiler::diagnostics::Code;
    let codes = |source: &str| -> Vec<Code> {
        let db = k8sc_compiler::db::Database::new();
        let project = db.load_project(vec![("app.k8s".to_string(), source.to_string())]);
        project_diagnostics(&db, project)
            .iter()
            .map(|d| d.code)
            .collect()
    };
    let service = "service web {\n  image: \"ghcr.io/acme/web:1.0\"\n  port: http 8080\n  probes { ready: http \"/ready\" }\n}\n";
    let never = format!(
        "app shop {{ policies: [p] }}\npolicy p {{ require: probes.ready or not probes.ready }}\n{service}"
    );
    assert_eq!(codes(&never), [Code::RuleNeverDenies]);
    let faults =
        format!("app shop {{ policies: [p] }}\npolicy p {{ deny: traffic.fault }}\n{service}");
    assert_eq!(codes(&faults), [Code::MeshOnlyRule]);
    let meshed = faults.replace("app shop {", "app shop { mesh: istio,");
    assert!(!codes(&meshed).contains(&Code::MeshOnlyRule));
    // A policy whose argument switches its test off never denies either.
    let switched = format!(
        "app shop {{ policies: [p(false)] }}\npolicy p(on: bool) {{ deny: on and not probes.ready }}\n{service}"
    );
    assert_eq!(codes(&switched), [Code::RuleNeverDenies]);
}
