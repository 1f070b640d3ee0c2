//! Environments: overrides by path win over every other layer, environments extend each other,
//! each builds into its own folder without depending on the others, and every resource of a
//! GitOps-deployed app carries a sync wave in the documented order.

use k8sc_compiler::build::{build, project_diagnostics};
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::Code;
use k8sc_compiler::ir::ProjectIr;
use k8sc_compiler::lower::lower_env;
use k8sc_compiler::output::OutputTree;
use k8sc_compiler::semantic::envs::EnvKey;
use k8sc_compiler::semantic::spec::{Layer, Replicas};

const APP: &str = r#"
import std.tiers.{foundation, production}

app shop {
  tier: production
  defaults { cpu: 300m }
  gitops: argocd { repo: "https://github.com/acme/platform.git", path: "deploy/shop" }
}

service web {
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  replicas: 3..6
  probes { ready: http "/ready", live: http "/healthz" }
  env { LOG_LEVEL: "info", REGION: "eu" }
}

env prod {
  cluster: "https://prod.k8s.acme.internal"
}

env staging: prod {
  namespace: shop-staging
  web.replicas: 2..3
}

env dev {
  tier: foundation
  namespace: shop-dev
  web.replicas: 1
  web.cpu: 100m
  web.env { LOG_LEVEL: "debug" }
}
"#;

fn env_ir(text: &str, env: &str) -> ProjectIr {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    lower_env(&db, project, EnvKey::new(&db, env.to_string()))
        .ir
        .clone()
}

#[test]
fn an_environment_override_wins_over_every_other_layer() {
    let dev = env_ir(APP, "dev");
    let app = &dev.apps[0];
    let web = &app.workloads[0];
    let replicas = web.replicas.as_ref().expect("replicas");
    assert_eq!(replicas.value, Replicas::Fixed(1));
    assert_eq!(replicas.origin.layer, Layer::Env("dev".to_string()));
    // Over the app's defaults (300m).
    assert_eq!(web.resources.cpu_request.value, 100);
    assert_eq!(
        web.resources.cpu_request.origin.layer,
        Layer::Env("dev".to_string())
    );
    // Keyed maps merge: the override changes one key, keeps the other.
    let env: Vec<(&str, String)> = web
        .env
        .iter()
        .map(|e| (e.key.as_str(), format!("{:?}", e.value.value)))
        .collect();
    assert!(
        env.iter()
            .any(|(k, v)| *k == "LOG_LEVEL" && v.contains("debug")),
        "{env:?}"
    );
    assert!(
        env.iter().any(|(k, v)| *k == "REGION" && v.contains("eu")),
        "{env:?}"
    );
    // App fields: namespace and tier.
    assert_eq!(app.namespace.value, "shop-dev");
    assert_eq!(
        app.tier.as_ref().map(|t| t.value.as_str()),
        Some("foundation")
    );
    assert!(app.quota.is_none(), "foundation sets no quota");
}

#[test]
fn without_an_override_the_workload_and_app_values_stand() {
    let prod = env_ir(APP, "prod");
    let app = &prod.apps[0];
    let web = &app.workloads[0];
    let replicas = web.replicas.as_ref().expect("replicas");
    assert_eq!(replicas.value, Replicas::Auto { min: 3, max: 6 });
    assert_eq!(replicas.origin.layer, Layer::Workload);
    assert_eq!(web.resources.cpu_request.value, 300);
    assert_eq!(web.resources.cpu_request.origin.layer, Layer::App);
    assert_eq!(app.namespace.value, "shop");
    assert_eq!(
        app.cluster.as_ref().map(|c| c.value.as_str()),
        Some("https://prod.k8s.acme.internal")
    );
    assert!(app.quota.is_some(), "production's quota");
}

#[test]
fn an_environment_extends_another() {
    let staging = env_ir(APP, "staging");
    let app = &staging.apps[0];
    // Its own overrides…
    assert_eq!(app.namespace.value, "shop-staging");
    let replicas = app.workloads[0].replicas.as_ref().expect("replicas");
    assert_eq!(replicas.value, Replicas::Auto { min: 2, max: 3 });
    assert_eq!(replicas.origin.layer, Layer::Env("staging".to_string()));
    // …over its parent's.
    assert_eq!(
        app.cluster.as_ref().map(|c| c.value.as_str()),
        Some("https://prod.k8s.acme.internal")
    );
}

fn tree(text: &str) -> OutputTree {
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

fn files_of<'a>(tree: &'a OutputTree, env: &str) -> Vec<(&'a String, &'a String)> {
    tree.files
        .iter()
        .filter(|(path, _)| path.starts_with(&format!("{env}/")))
        .collect()
}

#[test]
fn every_environment_builds_into_its_own_folder_independently() {
    let before = tree(APP);
    for env in ["dev", "staging", "prod"] {
        assert!(
            before
                .files
                .contains_key(&format!("{env}/kubernetes/deployment-web.yaml")),
            "{env}"
        );
    }
    // Changing dev changes nothing of prod's or staging's output.
    let after = tree(&APP.replace("web.replicas: 1", "web.replicas: 2"));
    assert_ne!(files_of(&before, "dev"), files_of(&after, "dev"));
    assert_eq!(files_of(&before, "prod"), files_of(&after, "prod"));
    assert_eq!(files_of(&before, "staging"), files_of(&after, "staging"));
}

#[test]
fn without_environments_there_is_one_default_environment() {
    let text = APP.split("\nenv prod").next().expect("the app part");
    let tree = tree(text);
    // One app alone needs no app-of-apps root.
    assert!(!tree.files.keys().any(|p| p.starts_with("argocd-root/")));
    assert!(
        tree.files
            .contains_key("default/kubernetes/deployment-web.yaml")
    );
    assert!(
        tree.files
            .contains_key("argocd/application-shop-default.yaml")
    );
    assert!(!tree.files.keys().any(|p| p.starts_with("dev/")));
}

fn diagnostics_of(text: &str) -> Vec<(Code, String)> {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    project_diagnostics(&db, project)
        .iter()
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

#[test]
fn unknown_paths_and_wrong_values_are_errors() {
    let broken = APP
        .replace("web.replicas: 1", "wbe.replicas: 1")
        .replace("web.cpu: 100m", "web.cpu: 100Mi")
        .replace("namespace: shop-dev", "namespce: shop-dev");
    let found = diagnostics_of(&broken);
    assert!(
        found
            .iter()
            .any(|(c, m)| *c == Code::UnknownEnvPath && m.contains("no workload `wbe`")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|(c, _)| *c == Code::WrongUnit),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|(c, m)| *c == Code::UnknownEnvPath && m.contains("namespce")),
        "{found:#?}"
    );
}

#[test]
fn a_cycle_of_environments_is_an_error() {
    let text = APP.replace("env prod {", "env prod: staging {");
    let found = diagnostics_of(&text);
    assert!(
        found.iter().any(|(c, _)| *c == Code::EnvCycle),
        "{found:#?}"
    );
}

/// The sync wave of every kind emitted for a GitOps-deployed app (the shop example, which emits
/// every kind k8sc has), in the documented order.
#[test]
fn every_resource_of_a_gitops_app_has_its_sync_wave() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
    let loaded = k8sc_compiler::loader::load(&dir).expect("the shop loads");
    let db = Database::new();
    let project = db.load_project(loaded.files);
    let tree = build(&db, project).tree.expect("the shop builds");
    let mut waves: Vec<(String, i32)> = Vec::new();
    for (path, content) in &tree.files {
        if path.starts_with("argocd/") || !path.ends_with(".yaml") {
            continue;
        }
        let kind = content
            .lines()
            .find_map(|l| l.strip_prefix("kind: "))
            .expect("a kind")
            .to_string();
        let wave = content
            .lines()
            .find_map(|l| l.trim().strip_prefix("argocd.argoproj.io/sync-wave: "))
            .unwrap_or_else(|| panic!("{path} has no sync wave"))
            .trim_matches('"')
            .parse::<i32>()
            .expect("a number");
        waves.push((kind, wave));
    }
    let wave_of = |kind: &str| {
        waves
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, w)| *w)
            .unwrap_or_else(|| panic!("no {kind} emitted"))
    };
    for (kind, wave) in &waves {
        assert_eq!(*wave, wave_of(kind), "one wave per kind: {kind}");
    }
    let order = [
        vec!["Namespace"],
        vec![
            "ResourceQuota",
            "LimitRange",
            "Policy",
            "NetworkPolicy",
            "PeerAuthentication",
            "AuthorizationPolicy",
        ],
        vec!["ConfigMap", "ServiceAccount"],
        vec![
            "Deployment",
            "StatefulSet",
            "CronJob",
            "Service",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
        ],
        vec![
            "Gateway",
            "VirtualService",
            "DestinationRule",
            "ServiceEntry",
            "Sidecar",
        ],
    ];
    let emitted: std::collections::BTreeSet<&str> = waves.iter().map(|(k, _)| k.as_str()).collect();
    let listed: std::collections::BTreeSet<&str> = order.iter().flatten().copied().collect();
    assert_eq!(
        emitted, listed,
        "every emitted kind has a place in the order"
    );
    for pair in order.windows(2) {
        for earlier in &pair[0] {
            for later in &pair[1] {
                assert!(
                    wave_of(earlier) < wave_of(later),
                    "{earlier} before {later}"
                );
            }
        }
    }
}

#[test]
fn an_applicationset_replaces_the_applications() {
    let text = APP.replace(
        r#"path: "deploy/shop" }"#,
        r#"path: "deploy/shop", applicationset: true }"#,
    );
    let tree = tree(&text);
    assert!(tree.files.contains_key("argocd/applicationset-shop.yaml"));
    assert!(tree.files.contains_key("argocd/appproject-shop.yaml"));
    assert!(
        !tree
            .files
            .keys()
            .any(|p| p.starts_with("argocd/application-"))
    );
    let set = &tree.files["argocd/applicationset-shop.yaml"];
    for env in ["dev", "staging", "prod"] {
        assert!(set.contains(&format!("env: {env}")), "{set}");
        assert!(set.contains(&format!("path: deploy/shop/{env}")), "{set}");
    }
}

#[test]
fn the_app_project_allows_exactly_what_is_emitted() {
    let tree = tree(APP);
    let project = &tree.files["argocd/appproject-shop.yaml"];
    for kind in [
        "Deployment",
        "Service",
        "Policy",
        "ResourceQuota",
        "Namespace",
    ] {
        assert!(
            project.contains(&format!("kind: {kind}")),
            "{kind}: {project}"
        );
    }
    assert!(
        !project.contains("kind: StatefulSet"),
        "not emitted for this app"
    );
    for server in [
        "https://prod.k8s.acme.internal",
        "https://kubernetes.default.svc",
    ] {
        assert!(project.contains(server), "{server}: {project}");
    }
}

#[test]
fn several_apps_in_one_repository_folder_get_an_app_of_apps_root() {
    let app = |name: &str| {
        format!(
            r#"app {name} {{
  gitops: argocd {{ repo: "https://github.com/acme/platform.git", path: "deploy/platform" }}
}}

service web {{
  image: "ghcr.io/acme/{name}:1.0"
  port: http 8080
  probes {{ ready: http "/ready" }}
}}

env prod {{}}
"#
        )
    };
    let db = Database::new();
    let project = db.load_project(vec![
        ("shop/app.k8s".to_string(), app("shop")),
        ("payments/app.k8s".to_string(), app("payments")),
    ]);
    let result = build(&db, project);
    assert!(result.diagnostics.is_empty(), "{:#?}", result.diagnostics);
    let tree = result.tree.expect("builds");
    let root = &tree.files["argocd-root/application-k8sc-apps.yaml"];
    assert!(root.contains("path: deploy/platform/argocd"), "{root}");
    let shop = &tree.files["argocd/application-shop-prod.yaml"];
    assert!(shop.contains("path: deploy/platform/prod/shop"), "{shop}");
    assert!(
        tree.files
            .contains_key("prod/payments/kubernetes/deployment-web.yaml")
    );
}
