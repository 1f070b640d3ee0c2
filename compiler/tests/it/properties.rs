//! Invariants of the whole compiler on generated valid programs: a random project — apps in
//! several directories, every kind of workload with random ports, replicas, resources, probes,
//! environment variables (literals and `secret` references), calls between them, tiers from the
//! standard library and environments — always builds without errors; building it twice, or with
//! its files given in another order, gives identical bytes; `fmt` is idempotent on it; and
//! printing then re-parsing every file gives back the same tree; and no two controllers of its
//! output claim each other's pods, while every version of a workload (canaries among them) is
//! reached by what selects the workload (`support/selectors.rs`). (The NetworkPolicy/graph
//! equivalence on random graphs is `graph.rs`'s `random_graphs_are_enforced_exactly`.)

use crate::support;

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_grammar::format::format_source;
use k8sc_grammar::parse;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone)]
struct Workload {
    kind: &'static str,
    ports: Vec<(&'static str, u16)>,
    replicas: Option<(u8, u8)>,
    cpu: Option<(u16, u16)>,
    memory_mi: Option<u16>,
    env: Vec<(u8, bool)>,
    calls: Vec<usize>,
    probe: bool,
    /// A canary beside it (a meshed service with an HTTP or gRPC port only).
    canary: bool,
    /// A sidecar (bit 0; with a port of its own in long-running workloads) and an init
    /// container (bit 1).
    extra: u8,
}

#[derive(Debug, Clone)]
struct App {
    tier: Option<&'static str>,
    deny: bool,
    workloads: Vec<Workload>,
    split: bool,
    envs: Vec<u8>,
    mesh: bool,
}

fn workload() -> impl Strategy<Value = Workload> {
    let kind = prop::sample::select(vec![
        "service", "worker", "stateful", "cron", "job", "daemon",
    ]);
    let port = (
        prop::sample::select(vec!["http", "grpc", "tcp"]),
        1024u16..1100,
    );
    (
        kind,
        prop::collection::vec(port, 1..3),
        prop::option::of((1u8..4, 0u8..5)),
        prop::option::of((50u16..900, 0u16..4)),
        prop::option::of(64u16..2048),
        prop::collection::vec((0u8..6, any::<bool>()), 0..4),
        prop::collection::vec(0usize..6, 0..3),
        any::<bool>(),
        any::<bool>(),
        0u8..4,
    )
        .prop_map(
            |(kind, ports, replicas, cpu, memory_mi, env, calls, probe, canary, extra)| Workload {
                kind,
                ports,
                replicas,
                cpu,
                memory_mi,
                env,
                calls,
                probe,
                canary,
                extra,
            },
        )
}

fn app() -> impl Strategy<Value = App> {
    (
        prop::option::of(prop::sample::select(vec!["foundation", "production"])),
        any::<bool>(),
        prop::collection::vec(workload(), 1..6),
        any::<bool>(),
        prop::collection::vec(1u8..4, 0..3),
        any::<bool>(),
    )
        .prop_map(|(tier, deny, workloads, split, envs, mesh)| App {
            tier,
            deny,
            workloads,
            split,
            envs,
            mesh,
        })
}

/// The variable names and literal values an environment may hold; none is a secret.
const VARS: &[(&str, &str)] = &[
    ("LOG_LEVEL", "info"),
    ("LOG_FORMAT", "json"),
    ("REGION", "eu-west-1"),
    ("FEATURE_X", "on"),
    ("CACHE_TTL", "30s"),
    ("MAX_BODY", "1MiB"),
];

/// The project's files: one directory per app, its workloads in one file or two.
fn files(apps: &[App]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for (a, app) in apps.iter().enumerate() {
        let mut head = String::new();
        if let Some(tier) = app.tier {
            let _ = writeln!(head, "import std.tiers.{tier}\n");
        }
        let _ = writeln!(head, "app a{a} {{");
        let _ = writeln!(head, "  namespace: ns{a}");
        if let Some(tier) = app.tier {
            let _ = writeln!(head, "  tier: {tier}");
        }
        let network = if app.deny { "default_deny" } else { "open" };
        let _ = writeln!(head, "  network: {network}");
        if app.mesh {
            head.push_str("  mesh: istio\n");
        }
        head.push_str("}\n");
        let production = app.tier == Some("production");
        let mut body = String::new();
        for (w, workload) in app.workloads.iter().enumerate() {
            let _ = writeln!(body, "\n{} w{w} {{", workload.kind);
            let _ = writeln!(body, "  image: \"ghcr.io/acme/w{w}:1.{a}.{w}\"");
            let scheduled = matches!(workload.kind, "cron" | "job");
            if workload.kind == "cron" {
                body.push_str("  schedule: \"0 2 * * *\"\n");
            }
            let own_ports = ports(workload);
            if !scheduled && !own_ports.is_empty() {
                body.push_str("  ports {\n");
                for (i, (protocol, number)) in own_ports.iter().enumerate() {
                    let _ = writeln!(body, "    p{i}: {protocol} {number}");
                }
                body.push_str("  }\n");
            }
            let scalable = matches!(workload.kind, "service" | "worker" | "stateful");
            if scalable {
                match workload.replicas {
                    _ if production => body.push_str("  replicas: 2..4\n"),
                    Some((min, 0)) => {
                        let _ = writeln!(body, "  replicas: {min}");
                    }
                    Some((min, extra)) => {
                        let _ = writeln!(body, "  replicas: {min}..{}", min + extra);
                    }
                    None => {}
                }
            }
            if let Some((request, extra)) = workload.cpu {
                if extra == 0 {
                    let _ = writeln!(body, "  cpu: {request}m");
                } else {
                    let _ = writeln!(body, "  cpu: {request}m..{}m", request + extra * 500);
                }
            }
            if let Some(memory) = workload.memory_mi {
                let _ = writeln!(body, "  memory: {memory}Mi");
            }
            if !scheduled && (workload.probe || production) {
                body.push_str("  probes { ready: tcp, live: tcp }\n");
            }
            if !workload.env.is_empty() {
                body.push_str("  env {\n");
                let mut seen = Vec::new();
                for (var, secret) in &workload.env {
                    let (name, value) = VARS[usize::from(*var) % VARS.len()];
                    if seen.contains(&name) {
                        continue;
                    }
                    seen.push(name);
                    if *secret {
                        let _ = writeln!(
                            body,
                            "    {name}_TOKEN: secret w{w}-credentials.{}",
                            name.to_lowercase().replace('_', "-")
                        );
                    } else {
                        let _ = writeln!(body, "    {name}: \"{value}\"");
                    }
                }
                body.push_str("  }\n");
            }
            let mut calls = Vec::new();
            for target in &workload.calls {
                let target = target % app.workloads.len();
                let callee = &app.workloads[target];
                if target == w || ports(callee).is_empty() || matches!(callee.kind, "cron" | "job")
                {
                    continue;
                }
                if !calls.contains(&target) {
                    calls.push(target);
                }
            }
            if !calls.is_empty() {
                let names: Vec<String> = calls.iter().map(|t| format!("w{t}")).collect();
                let _ = writeln!(body, "  calls: [{}]", names.join(", "));
            }
            if workload.extra & 1 != 0 {
                body.push_str("  sidecars {\n    agent {\n");
                let _ = writeln!(body, "      image: \"ghcr.io/acme/agent:1.{a}.{w}\"");
                if !scheduled {
                    let _ = writeln!(body, "      port: http {}", 9100 + w);
                }
                body.push_str("      cpu: 50m\n      memory: 64Mi\n    }\n  }\n");
            }
            if workload.extra & 2 != 0 {
                let _ = writeln!(
                    body,
                    "  init {{ setup {{ image: \"ghcr.io/acme/setup:1.0.{w}\", command: [\"/setup\"] }} }}"
                );
            }
            let routable = own_ports.iter().any(|(p, _)| matches!(*p, "http" | "grpc"));
            if workload.canary && app.mesh && workload.kind == "service" && routable {
                let _ = writeln!(
                    body,
                    "  traffic {{ canary {{ image: \"ghcr.io/acme/w{w}:2.{a}.{w}\", steps: [10%, 50%] }} }}"
                );
            }
            body.push_str("}\n");
        }
        let mut envs = app.envs.clone();
        envs.sort_unstable();
        envs.dedup();
        for env in &envs {
            let _ = writeln!(body, "\nenv e{env} {{\n  namespace: ns{a}-e{env}\n}}");
        }
        if app.split {
            files.push((format!("a{a}/app.k8s"), head));
            files.push((format!("a{a}/workloads.k8s"), body));
        } else {
            files.push((format!("a{a}/app.k8s"), head + &body));
        }
    }
    files
}

/// A workload's ports, each number once.
fn ports(workload: &Workload) -> Vec<(&'static str, u16)> {
    let mut seen = Vec::new();
    workload
        .ports
        .iter()
        .filter(|(_, n)| {
            let new = !seen.contains(n);
            seen.push(*n);
            new
        })
        .copied()
        .collect()
}

/// Every output file, built in a fresh database.
fn output(files: Vec<(String, String)>) -> BTreeMap<String, String> {
    let db = Database::new();
    let project = db.load_project(files.clone());
    let result = build(&db, project);
    let errors: Vec<String> = result
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {} {}", d.code.as_str(), d.primary.file, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "a generated valid project has errors: {errors:#?}\n{}",
        files
            .iter()
            .map(|(p, t)| format!("--- {p}\n{t}"))
            .collect::<String>()
    );
    result.tree.expect("no errors, so an output").files
}

/// `Debug` output without spans.
fn spanless(text: &str) -> String {
    let debug = format!("{:?}", parse(text).file.items);
    let mut out = String::new();
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span { start: ") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        rest = &after[after.find(" }").map_or(after.len(), |e| e + 2)..];
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn valid_programs_build_deterministically(apps in prop::collection::vec(app(), 1..4)) {
        let files = files(&apps);
        let once = output(files.clone());
        prop_assert!(!once.is_empty());
        let mut reversed = files.clone();
        reversed.reverse();
        let twice = output(reversed);
        prop_assert!(once == twice, "two builds differ");
    }

    /// Every container of every pod — the workload's, its sidecars', its init containers' — is
    /// hardened, and every Kyverno rule that refuses a hostile container in `containers` refuses
    /// it in `initContainers` too (probe rules aside: they concern the workload's container).
    #[test]
    fn every_container_is_hardened_and_covered_by_every_container_rule(
        apps in prop::collection::vec(app(), 1..3)
    ) {
        let ir = support::harness::lower_files(files(&apps));
        let policies = k8sc_compiler::backends::kyverno::render(&ir);
        for pod in support::harness::admission_resources(&ir).iter().filter(|r| r.kind == "Pod") {
            let spec = &pod.body["spec"];
            for container in support::hardening::every_container(spec) {
                support::hardening::assert_container_hardened(&pod.name, container);
            }
            for policy in &policies {
                if policy.name.contains("probes") {
                    continue;
                }
                let denies = |list: &str| {
                    let mut hostile = pod.body.clone();
                    support::hardening::push_hostile(&mut hostile, list);
                    !support::kyverno_eval::denying_rules(&policy.body, &hostile)
                        .unwrap_or_else(|e| panic!("evaluating {}: {e}", policy.name))
                        .is_empty()
                };
                if denies("containers") {
                    prop_assert!(
                        denies("initContainers"),
                        "{} refuses a hostile container but not a hostile init container in {}",
                        policy.name,
                        pod.name
                    );
                }
            }
        }
    }

    #[test]
    fn no_two_controllers_claim_the_same_pods(apps in prop::collection::vec(app(), 1..4)) {
        let mut counts = support::selectors::Counts::default();
        for (env, docs) in support::selectors::by_environment(&output(files(&apps))) {
            let wrong = support::selectors::violations(&docs, &mut counts);
            prop_assert!(wrong.is_empty(), "{}: {}", env, wrong.join("\n"));
        }
    }

    #[test]
    fn requirements_name_everything_the_output_uses(apps in prop::collection::vec(app(), 1..3)) {
        let db = Database::new();
        let result = build(&db, db.load_project(files(&apps)));
        let tree = result.tree.as_ref().expect("a generated valid project builds");
        prop_assert!(!result.requirements.is_empty());
        for env in &result.requirements {
            let docs = support::requirements_cover::documents(tree, &format!("{}/", env.env));
            support::requirements_cover::check_covered(env, &docs);
        }
    }

    #[test]
    fn fmt_is_idempotent_and_printing_reparses_to_the_same_tree(
        apps in prop::collection::vec(app(), 1..3)
    ) {
        for (path, text) in files(&apps) {
            let once = format_source(&text).map_err(|e| TestCaseError::fail(format!("{path}: {e:?}")))?;
            let twice = format_source(&once).map_err(|e| TestCaseError::fail(format!("{path}: {e:?}")))?;
            prop_assert_eq!(&once, &twice, "not idempotent: {}", path);
            prop_assert_eq!(spanless(&once), spanless(&text), "the tree changed: {}", path);
        }
        // And the formatted project builds to the very same bytes.
        let formatted: Vec<(String, String)> = files(&apps)
            .into_iter()
            .map(|(p, t)| (p, format_source(&t).unwrap_or(t)))
            .collect();
        prop_assert!(output(formatted) == output(files(&apps)), "formatting changed the output");
    }
}
