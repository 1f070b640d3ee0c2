//! Every name k8sc derives is one the API server accepts, or k8sc says why not: for generated
//! projects whose names and values come from every character class and sit near the length
//! limits (app, namespace, environment, tier and workload names of every kind, team, labels,
//! image tags), either the build reports an error or every document of its output passes the
//! API server's rules for names, namespaces and labels (`support/api_names.rs`, written apart
//! from the compiler's `types::names` the way the shared validator writes them).

use crate::support;

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;
use support::api_names;

/// Lengths around every limit a derived name meets: 52 (CronJobs and StatefulSets), 54 (Jobs),
/// 63 (labels) and the image tag's 128.
const LENGTHS: [usize; 14] = [1, 2, 8, 30, 51, 52, 53, 54, 55, 62, 63, 64, 70, 128];

/// A string of `len` characters: mostly lowercase letters (so that many programs are valid), and
/// some of every other class an identifier, a name or a tag may hold.
fn text(first: &'static str, rest: &'static str) -> impl Strategy<Value = String> {
    (
        prop::sample::select(LENGTHS.to_vec()),
        prop::sample::select(first.chars().collect::<Vec<_>>()),
        prop::collection::vec(
            prop_oneof![
                12 => prop::sample::select("abcdefghijklmnopqrstuvwxyz".chars().collect::<Vec<_>>()),
                1 => prop::sample::select(rest.chars().collect::<Vec<_>>()),
            ],
            128,
        ),
    )
        .prop_map(|(len, first, rest)| {
            std::iter::once(first)
                .chain(rest)
                .take(len)
                .collect::<String>()
        })
}

/// Mostly `usual` (so that most programs have no other error and build), sometimes generated.
fn or_usual(
    usual: &'static str,
    generated: impl Strategy<Value = String>,
) -> impl Strategy<Value = String> {
    prop_oneof![4 => Just(usual.to_string()), 1 => generated]
}

/// An identifier: a letter or `_`, then letters, digits, `_` and `-`.
fn ident(usual: &'static str) -> impl Strategy<Value = String> {
    or_usual(usual, text("abcxyzQ_", "0189_-AZ"))
}

/// A quoted name: anything a user might type.
fn quoted(usual: &'static str) -> impl Strategy<Value = String> {
    or_usual(usual, text("abz09A_-.", "0189_-.AZ"))
}

/// An image tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn tag() -> impl Strategy<Value = String> {
    or_usual("1.0", text("a1Z_", "09AZ_.-"))
}

#[derive(Debug, Clone)]
struct Project {
    app: String,
    namespace: String,
    team: String,
    tier: String,
    label: (String, String),
    envs: Vec<String>,
    workloads: Vec<(&'static str, String, String)>,
    several_envs_as_set: bool,
    /// With the mesh, every service gets a canary whose image has this tag.
    mesh_canary: Option<String>,
    /// A label on every workload.
    workload_label: (String, String),
}

fn project() -> impl Strategy<Value = Project> {
    let kind = prop::sample::select(vec![
        "service", "worker", "database", "stateful", "job", "cron", "daemon",
    ]);
    (
        (
            ident("media"),
            quoted("media"),
            quoted("payments"),
            ident("gold"),
        ),
        (quoted("owner"), quoted("acme")),
        prop::collection::vec(ident("prod"), 0..3),
        prop::collection::vec((kind, ident("web"), tag()), 1..4),
        (
            any::<bool>(),
            prop::option::of(tag()),
            (quoted("tier"), quoted("frontend")),
        ),
    )
        .prop_map(
            |((app, namespace, team, tier), label, envs, workloads, (several, canary, wl))| {
                Project {
                    app,
                    namespace,
                    team,
                    tier,
                    label,
                    envs,
                    workloads,
                    several_envs_as_set: several,
                    mesh_canary: canary,
                    workload_label: wl,
                }
            },
        )
}

fn source(p: &Project) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "tier {} {{\n  defaults {{ replicas: 1 }}\n  require {{ replicas.min >= 1 }}\n}}\n",
        p.tier
    );
    let _ = writeln!(out, "app {} {{", p.app);
    let _ = writeln!(out, "  namespace: \"{}\"", p.namespace);
    let _ = writeln!(out, "  team: \"{}\"", p.team);
    let _ = writeln!(out, "  tier: {}", p.tier);
    let _ = writeln!(out, "  labels {{ \"{}\": \"{}\" }}", p.label.0, p.label.1);
    let _ = writeln!(
        out,
        "  gitops: argocd {{ repo: \"https://git.example.com/acme/platform.git\", path: \"deploy\"{} }}",
        if p.several_envs_as_set {
            ", applicationset: true"
        } else {
            ""
        }
    );
    if p.mesh_canary.is_some() {
        out.push_str("  mesh: istio\n");
    }
    out.push_str("}\n");
    let mut seen = Vec::new();
    for (kind, name, tag) in &p.workloads {
        // Two workloads of one name are E0006, which would hide everything else.
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let _ = writeln!(out, "\n{kind} {name} {{");
        let _ = writeln!(out, "  image: \"ghcr.io/acme/app:{tag}\"");
        let (key, value) = &p.workload_label;
        let _ = writeln!(out, "  labels {{ \"{key}\": \"{value}\" }}");
        if let (Some(canary), "service") = (&p.mesh_canary, *kind) {
            let _ = writeln!(
                out,
                "  traffic {{ canary {{ image: \"ghcr.io/acme/app:{canary}\", steps: [10%] }} }}"
            );
        }
        match *kind {
            "cron" => out.push_str("  schedule: \"0 2 * * *\"\n"),
            "job" => {}
            "database" | "stateful" => out.push_str("  port: tcp 5432\n  storage: 1Gi\n"),
            _ => out.push_str("  port: http 8080\n"),
        }
        out.push_str("}\n");
    }
    let mut seen = Vec::new();
    for env in &p.envs {
        if seen.contains(&env) {
            continue;
        }
        seen.push(env);
        let _ = writeln!(out, "\nenv {env} {{}}");
    }
    out
}

/// Every problem of every document of the output, or the build's errors.
fn output_problems(text: &str) -> Result<Vec<String>, Vec<String>> {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let result = build(&db, project);
    let Some(tree) = result.tree else {
        return Err(result
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.code.as_str(), d.message))
            .collect());
    };
    let mut out = Vec::new();
    for (path, content) in &tree.files {
        if path.ends_with("Kustomization") || !path.ends_with(".yaml") {
            continue;
        }
        let doc: Value = serde_saphyr::from_str(content).expect("generated YAML parses");
        out.extend(
            api_names::problems(&doc)
                .into_iter()
                .map(|p| format!("{path}: {p}")),
        );
    }
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_derived_name_is_valid_or_diagnosed(p in project()) {
        let text = source(&p);
        if let Ok(problems) = output_problems(&text) {
            prop_assert!(problems.is_empty(), "{problems:#?}\n{text}");
        }
    }
}

/// The generator is not vacuous: a project at every limit builds, and its output passes.
#[test]
fn names_at_the_limits_build_and_pass() {
    let p = Project {
        app: "a".repeat(63),
        namespace: "n".repeat(63),
        team: "t".repeat(63),
        tier: "gold".to_string(),
        label: (
            format!("{}/{}", "p".repeat(200), "k".repeat(63)),
            "v".repeat(63),
        ),
        envs: vec!["e".repeat(63), "ap_southeast".to_string()],
        workloads: vec![
            ("service", "s".repeat(63), "t".repeat(128)),
            ("database", "d".repeat(52), "_1.0-".to_string()),
            ("stateful", "f".repeat(52), "1".repeat(64)),
            ("cron", "c".repeat(52), "1.0".to_string()),
            ("job", "j".repeat(54), "1.0".to_string()),
            ("daemon", "m".repeat(63), "1.0".to_string()),
            ("worker", "w".repeat(63), "1.0".to_string()),
        ],
        several_envs_as_set: false,
        mesh_canary: Some("_canary.".to_string()),
        workload_label: ("example.com/tier".to_string(), "frontend".to_string()),
    };
    for as_set in [false, true] {
        let p = Project {
            several_envs_as_set: as_set,
            ..p.clone()
        };
        let text = source(&p);
        let problems = output_problems(&text).unwrap_or_else(|e| panic!("errors: {e:#?}\n{text}"));
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

/// The test's rules agree with the shared validator on these cases (each was run through
/// `validate-manifests --strict` as the name of a ConfigMap, a Service and a Namespace, and as
/// a label value: the verdicts below are its verdicts).
#[test]
fn the_rules_agree_with_the_validator() {
    // (text, ConfigMap name, Service name, Namespace name, label value)
    let cases: BTreeMap<&str, (bool, bool, bool, bool)> = BTreeMap::from([
        ("web", (true, true, true, true)),
        ("9web", (true, false, true, true)),
        ("web.api", (true, false, false, true)),
        ("web_api", (false, false, false, true)),
        ("Web", (false, false, false, true)),
        ("-web", (false, false, false, false)),
        ("web-", (false, false, false, false)),
        ("_web", (false, false, false, false)),
        ("a..b", (false, false, false, true)),
    ]);
    let long = "a".repeat(64);
    for (text, (config_map, service, namespace, label)) in cases
        .iter()
        .map(|(t, v)| (t.to_string(), *v))
        .chain([(long, (true, false, false, false))])
    {
        assert_eq!(
            api_names::is_valid_name("ConfigMap", &text),
            config_map,
            "{text}"
        );
        assert_eq!(
            api_names::is_valid_name("Service", &text),
            service,
            "{text}"
        );
        assert_eq!(
            api_names::is_valid_name("Namespace", &text),
            namespace,
            "{text}"
        );
        assert_eq!(api_names::is_label_value(&text), label, "{text}");
    }
    assert!(api_names::is_label_key("app.kubernetes.io/name"));
    assert!(!api_names::is_label_key("App.io/name"));
    assert!(!api_names::is_label_key("a/b/c"));
}
