//! Equivalence of the two enforcements for every rule of the standard library: a table of
//! workloads that must pass and must fail; each row is compiled, the compiler's own verdict is read
//! from its diagnostics, the emitted Kyverno policy is evaluated against the generated resources
//! (controller, pods, autoscaler, Services), and both must agree — on the row's workload and on
//! every other rule in force.
//!
//! Rules a program cannot break (k8sc always emits what they demand: non-root, no privilege,
//! no host namespaces, requests and limits, ClusterIP Services, a read-only root) get rows where
//! a generated resource is altered the way a hand-written manifest would be; the compile-time
//! side evaluates the same rule on the same altered facts.

use crate::support;

use k8sc_compiler::backends::{Resource, kyverno};
use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::Code;
use k8sc_compiler::ir::ProjectIr;
use k8sc_compiler::ir::policy::Property;
use k8sc_compiler::lower::facts::workload_facts;
use k8sc_compiler::lower::lower_project;
use k8sc_compiler::semantic::policy::eval::{Fact, FactValue};
use k8sc_compiler::semantic::policy::normal::eval_clauses;
use serde_json::{Value, json};
use support::harness::{admission_resources, assert_equivalent, kyverno_denies, rows};

const DIGEST: &str = "@sha256:3f1c9a2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

/// A project: the app header (imports and `app`) and one workload `w`.
fn source(header: &str, workload: &str) -> String {
    format!("{header}\n{}\n", workload.replace("DIGEST", DIGEST))
}

/// Compiles a row; returns the IR and the rules the compiler reports `w` as breaking.
fn compile(text: &str) -> (ProjectIr, Vec<String>) {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let diagnostics = project_diagnostics(&db, project);
    let unexpected: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.is_error() && d.code != Code::RuleViolation)
        .collect();
    assert!(unexpected.is_empty(), "{text}\n{unexpected:#?}");
    let broken = diagnostics
        .iter()
        .filter(|d| matches!(d.code, Code::RuleViolation | Code::RuleWarning))
        .filter_map(|d| {
            let rest = d.message.split(" breaks `").nth(1)?;
            Some(rest.split('`').next()?.to_string())
        })
        .collect();
    (lower_project(&db, project).ir.clone(), broken)
}

/// Checks a row: the expected verdict for `rule` on `w`, and agreement on every rule in force.
fn check(header: &str, rule: &str, must_fail: bool, workload: &str) {
    let text = source(header, workload);
    let (ir, broken) = compile(&text);
    assert_eq!(
        broken.iter().any(|r| r == rule),
        must_fail,
        "compile time, rule `{rule}`:\n{text}\nbroken: {broken:?}"
    );
    let table = rows(&ir, |_, rule, workload| {
        broken.contains(&rule.source.allow_name()) && workload.name == "w"
    });
    let row = table.iter().find(|r| {
        r.workload == "w"
            && ir.apps[0]
                .rules
                .iter()
                .any(|x| x.name == r.rule && x.source.allow_name() == rule)
    });
    // Every rule of the app is in force in its namespace, even one that does not apply to `w`'s
    // kind (then neither side denies `w`).
    assert!(row.is_some(), "`{rule}` is in force:\n{text}\n{table:#?}");
    assert_equivalent(&table);
}

const PRODUCTION: &str = "import std.tiers.production\napp shop { tier: production }";
const ENTERPRISE: &str = "import std.tiers.enterprise\nimport std.policies.{trusted_registries}\napp shop {\n  tier: enterprise\n  team: ops\n  gitops: argocd { repo: \"https://github.com/acme/platform.git\", path: \"deploy/shop\" }\n  labels { cost-center: \"cc-1\" }\n  policies: [trusted_registries([\"ghcr.io/acme\"])]\n}";
const MULTICLUSTER: &str = "import std.tiers.multicluster\nimport std.policies.{trusted_registries}\napp shop {\n  tier: multicluster\n  team: ops\n  gitops: argocd { repo: \"https://github.com/acme/platform.git\", path: \"deploy/shop\" }\n  labels { cost-center: \"cc-1\" }\n  policies: [trusted_registries([\"ghcr.io/acme\"])]\n}";

/// An app that uses one policy of the library (`name` or `name(arguments)`).
fn library(policy: &str) -> String {
    let name = policy.split('(').next().unwrap_or(policy);
    format!("import std.policies.{{{name}}}\napp shop {{ policies: [{policy}] }}")
}

const GOOD_SERVICE: &str = r#"service w {
  image: "ghcr.io/acme/w:1.0DIGEST"
  port: http 8080
  probes { ready: http "/ready", live: http "/healthz" }
}"#;

#[test]
fn production_rules() {
    let rule = "production.replicas_min";
    check(PRODUCTION, rule, false, GOOD_SERVICE);
    check(
        PRODUCTION,
        rule,
        false,
        &GOOD_SERVICE.replace("port:", "replicas: 2\n  port:"),
    );
    check(
        PRODUCTION,
        rule,
        false,
        &GOOD_SERVICE.replace("port:", "replicas: 3..9\n  port:"),
    );
    check(
        PRODUCTION,
        rule,
        true,
        &GOOD_SERVICE.replace("port:", "replicas: 1\n  port:"),
    );
    check(
        PRODUCTION,
        rule,
        true,
        &GOOD_SERVICE.replace("port:", "replicas: 1..4\n  port:"),
    );
    check(
        PRODUCTION,
        rule,
        true,
        "database w {\n  image: \"ghcr.io/acme/db:1.0\"\n  port: tcp 5432\n  storage: 1Gi\n  replicas: 1\n  probes { ready: tcp, live: tcp }\n}",
    );

    let rule = "production.probes_ready";
    check(PRODUCTION, rule, false, GOOD_SERVICE);
    check(
        PRODUCTION,
        rule,
        true,
        &GOOD_SERVICE.replace("ready: http \"/ready\", ", ""),
    );
    check(
        PRODUCTION,
        rule,
        true,
        "worker w {\n  image: \"ghcr.io/acme/w:1.0\"\n  probes { live: exec [\"true\"] }\n}",
    );
    check(
        PRODUCTION,
        rule,
        true,
        "daemon w {\n  image: \"ghcr.io/acme/w:1.0\"\n  probes { live: exec [\"true\"] }\n}",
    );

    let rule = "production.probes_live";
    check(PRODUCTION, rule, false, GOOD_SERVICE);
    check(
        PRODUCTION,
        rule,
        true,
        &GOOD_SERVICE.replace(", live: http \"/healthz\"", ""),
    );

    let rule = "production.image_pinned";
    check(PRODUCTION, rule, false, GOOD_SERVICE);
    check(PRODUCTION, rule, false, &GOOD_SERVICE.replace("DIGEST", ""));
    check(
        PRODUCTION,
        rule,
        true,
        &GOOD_SERVICE.replace("w:1.0DIGEST", "w:latest"),
    );
    check(
        PRODUCTION,
        rule,
        true,
        &GOOD_SERVICE.replace("ghcr.io/acme/w:1.0DIGEST", "nginx"),
    );
    check(
        PRODUCTION,
        rule,
        false,
        &GOOD_SERVICE.replace("w:1.0DIGEST", "wDIGEST"),
    );
    check(
        PRODUCTION,
        rule,
        true,
        "cron w {\n  schedule: \"0 2 * * *\"\n  image: \"ghcr.io/acme/w:latest\"\n}",
    );

    check(PRODUCTION, "production.cpu_request", false, GOOD_SERVICE);
}

const PRODUCTION_MESH: &str =
    "import std.tiers.production\napp shop {\n  tier: production\n  mesh: istio\n}";

/// Fault injection is refused on the mesh's routes (VirtualServices), unless allowed.
#[test]
fn production_refuses_fault_injection() {
    let rule = "production.traffic_fault";
    let traffic = |settings: &str| GOOD_SERVICE.replace("port:", &format!("{settings}\n  port:"));
    check(PRODUCTION_MESH, rule, false, GOOD_SERVICE);
    check(
        PRODUCTION_MESH,
        rule,
        false,
        &traffic("traffic { timeout: 5s }"),
    );
    check(
        PRODUCTION_MESH,
        rule,
        true,
        &traffic("traffic { fault { abort: 503 1% } }"),
    );
    check(
        PRODUCTION_MESH,
        rule,
        true,
        &traffic("traffic {\n    timeout: 5s\n    fault { delay: 2s 5% }\n  }"),
    );
    check(
        PRODUCTION_MESH,
        rule,
        false,
        &traffic(
            "traffic { fault { abort: 503 1% } }\n  allow production.traffic_fault because \"game day, INC-77\"",
        ),
    );
    // Without the mesh the rule is in force, but no route exists and no policy is written.
    check(PRODUCTION, rule, false, GOOD_SERVICE);
}

/// A canary runs as a Deployment of its own: admission checks its image and replica count, so the
/// compiler checks them too.
#[test]
fn canaries_are_held_to_the_same_rules() {
    let header = "import std.tiers.production\nimport std.policies.{trusted_registries}\napp shop {\n  tier: production\n  mesh: istio\n  policies: [trusted_registries([\"ghcr.io/acme\"])]\n}";
    let canary = |image: &str, replicas: &str| {
        GOOD_SERVICE.replace(
            "port:",
            &format!(
                "traffic {{ canary {{ image: \"{image}\", steps: [10%]{replicas} }} }}\n  port:"
            ),
        )
    };
    check(
        header,
        "trusted_registries",
        false,
        &canary("ghcr.io/acme/w:2.0", ""),
    );
    check(
        header,
        "trusted_registries",
        true,
        &canary("quay.io/acme/w:2.0", ""),
    );
    check(
        header,
        "production.image_pinned",
        true,
        &canary("ghcr.io/acme/w:latest", ""),
    );
    check(
        header,
        "production.replicas_min",
        false,
        &canary("ghcr.io/acme/w:2.0", ""),
    );
    check(
        header,
        "production.replicas_min",
        true,
        &canary("ghcr.io/acme/w:2.0", ", replicas: 1"),
    );
}

#[test]
fn enterprise_and_multicluster_rules() {
    let labelled = GOOD_SERVICE;
    check(ENTERPRISE, "enterprise.image_digest", false, labelled);
    check(
        ENTERPRISE,
        "enterprise.image_digest",
        true,
        &labelled.replace("DIGEST", ""),
    );
    check(ENTERPRISE, "enterprise.labels_has_all", false, labelled);
    let unlabelled = ENTERPRISE.replace("  labels { cost-center: \"cc-1\" }\n", "");
    check(&unlabelled, "enterprise.labels_has_all", true, labelled);
    check(
        &unlabelled,
        "enterprise.labels_has_all",
        false,
        &labelled.replace("port:", "labels { cost-center: \"cc-2\" }\n  port:"),
    );
    check(MULTICLUSTER, "multicluster.replicas_min", false, labelled);
    check(
        MULTICLUSTER,
        "multicluster.replicas_min",
        true,
        &labelled.replace("port:", "replicas: 2..6\n  port:"),
    );
}

#[test]
fn policy_library_rules() {
    let header = library("pinned_images");
    check(&header, "pinned_images", false, GOOD_SERVICE);
    check(
        &header,
        "pinned_images",
        true,
        &GOOD_SERVICE.replace("w:1.0DIGEST", "w:latest"),
    );
    check(
        &header,
        "pinned_images",
        false,
        &GOOD_SERVICE.replace("w:1.0DIGEST", "w:latestDIGEST"),
    );

    let header = library("trusted_registries([\"ghcr.io/acme\", \"docker.io/library\"])");
    check(&header, "trusted_registries", false, GOOD_SERVICE);
    // Written without a registry: emitted as `docker.io/library/postgres`, which is trusted.
    check(
        &header,
        "trusted_registries",
        false,
        &GOOD_SERVICE.replace("ghcr.io/acme/w", "postgres"),
    );
    check(
        &header,
        "trusted_registries",
        true,
        &GOOD_SERVICE.replace("ghcr.io/acme/w", "bitnami/postgres"),
    );
    check(
        &header,
        "trusted_registries",
        true,
        &GOOD_SERVICE.replace("ghcr.io/acme/w", "ghcr.io/acmeevil/w"),
    );
    check(
        &header,
        "trusted_registries",
        true,
        &GOOD_SERVICE.replace("ghcr.io/acme/w", "quay.io/acme/w"),
    );

    let header = library("digest_images");
    check(&header, "digest_images", false, GOOD_SERVICE);
    check(
        &header,
        "digest_images",
        true,
        &GOOD_SERVICE.replace("DIGEST", ""),
    );

    let header = library("required_labels([\"owner\", \"tier\"])");
    let with = GOOD_SERVICE.replace(
        "port:",
        "labels { owner: \"ops\", tier: \"gold\" }\n  port:",
    );
    check(&header, "required_labels", false, &with);
    check(
        &header,
        "required_labels",
        true,
        &with.replace("tier: \"gold\"", "team: \"x\""),
    );
    check(&header, "required_labels", true, GOOD_SERVICE);

    let header = library("probes_present");
    check(&header, "probes_present", false, GOOD_SERVICE);
    check(
        &header,
        "probes_present",
        true,
        &GOOD_SERVICE.replace(", live: http \"/healthz\"", ""),
    );
    check(
        &header,
        "probes_present",
        true,
        "worker w {\n  image: \"ghcr.io/acme/w:1.0\"\n}",
    );

    for policy in [
        "non_root",
        "no_privileged",
        "no_host_namespaces",
        "requests_and_limits",
        "no_node_ports",
        "read_only_root",
    ] {
        check(&library(policy), policy, false, GOOD_SERVICE);
        check(
            &library(policy),
            policy,
            false,
            "cron w {\n  schedule: \"0 2 * * *\"\n  image: \"ghcr.io/acme/w:1.0\"\n}",
        );
    }
}

/// A generated resource altered as a hand-written one could be, and the same change to the facts.
struct Alteration {
    policy: &'static str,
    change: fn(&mut Value),
    fact: (Property, FactValue),
}

fn container(body: &mut Value) -> Option<&mut Value> {
    let spec = pod_spec(body)?;
    spec.pointer_mut("/containers/0")
}

fn pod_spec(body: &mut Value) -> Option<&mut Value> {
    let path = match body.get("kind").and_then(Value::as_str)? {
        "Pod" => "/spec",
        "CronJob" => "/spec/jobTemplate/spec/template/spec",
        _ => "/spec/template/spec",
    };
    body.pointer_mut(path)
}

fn set(target: Option<&mut Value>, path: &[&str], value: Value) {
    let Some(mut at) = target else {
        return;
    };
    for key in &path[..path.len() - 1] {
        at = match at {
            Value::Object(map) => map.entry(key.to_string()).or_insert_with(|| json!({})),
            _ => return,
        };
    }
    if let (Value::Object(map), Some(last)) = (at, path.last()) {
        map.insert((*last).to_string(), value);
    }
}

#[test]
fn rules_a_program_cannot_break_are_enforced_on_altered_resources() {
    let alterations = [
        Alteration {
            policy: "non_root",
            change: |b| {
                set(
                    container(b),
                    &["securityContext", "runAsNonRoot"],
                    json!(false),
                );
            },
            fact: (Property::NonRoot, FactValue::Bool(false)),
        },
        Alteration {
            policy: "no_privileged",
            change: |b| {
                set(
                    container(b),
                    &["securityContext", "privileged"],
                    json!(true),
                )
            },
            fact: (Property::Privileged, FactValue::Bool(true)),
        },
        Alteration {
            policy: "no_privileged",
            change: |b| {
                set(
                    container(b),
                    &["securityContext", "allowPrivilegeEscalation"],
                    json!(true),
                )
            },
            fact: (Property::PrivilegeEscalation, FactValue::Bool(true)),
        },
        Alteration {
            policy: "no_host_namespaces",
            change: |b| set(pod_spec(b), &["hostNetwork"], json!(true)),
            fact: (Property::HostNetwork, FactValue::Bool(true)),
        },
        Alteration {
            policy: "no_host_namespaces",
            change: |b| set(pod_spec(b), &["hostPID"], json!(true)),
            fact: (Property::HostPid, FactValue::Bool(true)),
        },
        Alteration {
            policy: "read_only_root",
            change: |b| {
                set(
                    container(b),
                    &["securityContext", "readOnlyRootFilesystem"],
                    json!(false),
                )
            },
            fact: (Property::ReadOnlyRoot, FactValue::Bool(false)),
        },
        Alteration {
            policy: "no_node_ports",
            change: |b| {
                if b.get("kind").and_then(Value::as_str) == Some("Service") {
                    set(Some(b), &["spec", "type"], json!("NodePort"));
                }
            },
            fact: (
                Property::ServiceType,
                FactValue::Str("NodePort".to_string()),
            ),
        },
    ];
    for alteration in alterations {
        let header = library(alteration.policy);
        let (ir, broken) = compile(&source(&header, GOOD_SERVICE));
        assert!(broken.is_empty(), "{broken:?}");
        let app = &ir.apps[0];
        let rule = app
            .rules
            .iter()
            .find(|r| r.source.allow_name() == alteration.policy)
            .expect("in force");
        let workload = &app.workloads[0];
        let mut facts = workload_facts(app, workload);
        facts.values.insert(
            alteration.fact.0,
            Fact {
                value: alteration.fact.1.clone(),
                origin: None,
            },
        );
        let compile_time = eval_clauses(&rule.deny, &facts);
        let mut resources: Vec<Resource> = admission_resources(&ir);
        for resource in &mut resources {
            (alteration.change)(&mut resource.body);
        }
        let policies: Vec<Resource> = kyverno::render(&ir)
            .into_iter()
            .filter(|p| p.name == rule.name)
            .collect();
        let denied = kyverno_denies(&policies, &resources);
        assert!(
            compile_time,
            "{}: the compile-time rule denies the altered facts",
            alteration.policy
        );
        assert!(
            !denied.is_empty(),
            "{}: the Kyverno policy denies the altered resources",
            alteration.policy
        );
    }
}
