//! Environments: overrides by path win over every other layer, environments extend each other,
//! each builds into its own folder without depending on the others, and every resource of a
//! GitOps-deployed app carries a sync wave in the documented order; an exception written in an
//! environment is in force there only, at compile time and in the cluster.

use crate::support;

use k8sc_compiler::build::{build, project_diagnostics};
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::Code;
use k8sc_compiler::ir::ProjectIr;
use k8sc_compiler::lower::lower_env;
use k8sc_compiler::model::spec::{Layer, Replicas};
use k8sc_compiler::output::OutputTree;
use k8sc_compiler::semantic::envs::EnvKey;

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
    assert_eq!(*replicas.origin.layer(), Layer::Env("dev".into()));
    // Over the app's defaults (300m).
    assert_eq!(web.resources.cpu_request.value, 100);
    assert_eq!(
        *web.resources.cpu_request.origin.layer(),
        Layer::Env("dev".into())
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
    assert_eq!(*replicas.origin.layer(), Layer::Workload);
    assert_eq!(web.resources.cpu_request.value, 300);
    assert_eq!(*web.resources.cpu_request.origin.layer(), Layer::App);
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
    assert_eq!(*replicas.origin.layer(), Layer::Env("staging".into()));
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
        // A PriorityClass lands with the namespace, before any pod that names it.
        vec!["Namespace", "PriorityClass"],
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

/// A workload that breaks `production.replicas_min` in dev only, where an exception scoped to
/// dev (and to `preview`, which extends it) admits it.
const EXEMPT: &str = r#"
import std.tiers.production

app shop {
  namespace: shop
  tier: production
}

service web {
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  replicas: 2..4
  probes { ready: http "/ready", live: http "/healthz" }
}

env prod {
  cluster: "https://prod.k8s.acme.internal"
}

env dev {
  cluster: "https://dev.k8s.acme.internal"
  web.replicas: 1
  web { allow production.replicas_min because "dev runs one replica to save cost" }
}

env preview: dev {
  cluster: "https://preview.k8s.acme.internal"
}
"#;

/// The YAML of `path` in `tree`, as JSON.
fn document(tree: &OutputTree, path: &str) -> serde_json::Value {
    let text = tree
        .files
        .get(path)
        .unwrap_or_else(|| panic!("no {path}: {:?}", tree.files.keys().collect::<Vec<_>>()));
    serde_saphyr::from_str(text).expect("generated YAML parses")
}

#[test]
fn an_allow_in_an_environment_exempts_the_workload_there_only() {
    let tree = tree(EXEMPT);
    let policy = |env: &str| {
        document(
            &tree,
            &format!("{env}/kyverno/policy-production-replicas-min.yaml"),
        )
    };
    let dev_deployment = document(&tree, "dev/kubernetes/deployment-web.yaml");
    // Dev's and preview's policies exclude web; prod's excludes nothing.
    for env in ["dev", "preview"] {
        let text = serde_json::to_string(&policy(env)).expect("json");
        assert!(text.contains("\"exclude\""), "{env}: {text}");
        assert!(text.contains("dev runs one replica"), "{env}: {text}");
    }
    let prod_text = serde_json::to_string(&policy("prod")).expect("json");
    assert!(!prod_text.contains("\"exclude\""), "{prod_text}");
    assert!(!prod_text.contains("k8sc.dev/exemptions"), "{prod_text}");
    // What admission does with dev's one-replica Deployment: dev's policy admits it, prod's
    // policy would deny it.
    let denied = |env: &str| {
        support::kyverno_eval::denying_rules(&policy(env), &dev_deployment).expect("evaluates")
    };
    assert!(denied("dev").is_empty(), "{:?}", denied("dev"));
    assert!(
        !denied("prod").is_empty(),
        "prod's policy admits one replica"
    );
}

#[test]
fn an_allow_in_an_environment_does_not_silence_another_environments_violation() {
    // web breaks the rule everywhere now; only dev (and preview) are exempt.
    let text = EXEMPT.replace("replicas: 2..4", "replicas: 1");
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text)]);
    let diagnostics = project_diagnostics(&db, project);
    let violations: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code == Code::RuleViolation)
        .collect();
    assert_eq!(violations.len(), 1, "{diagnostics:#?}");
    assert!(
        violations[0]
            .notes
            .iter()
            .any(|n| n == "in environment `prod`"),
        "{:#?}",
        violations[0]
    );
    // The exception is used in dev, so it is not reported as unused.
    assert!(
        diagnostics.iter().all(|d| d.code != Code::UnusedAllow),
        "{diagnostics:#?}"
    );
}

#[test]
fn an_unused_allow_in_an_environment_is_reported_there() {
    // Dev no longer breaks the rule: its exception exempts nothing where it is in force.
    let text = EXEMPT.replace("  web.replicas: 1\n", "");
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.clone())]);
    let diagnostics = project_diagnostics(&db, project);
    let unused: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code == Code::UnusedAllow)
        .collect();
    assert_eq!(unused.len(), 1, "{diagnostics:#?}");
    let at = &text[unused[0].primary.span.range()];
    assert!(at.starts_with("allow production.replicas_min"), "{at}");
    assert!(
        unused[0]
            .notes
            .iter()
            .any(|n| n == "in environments `dev`, `preview`"),
        "{:#?}",
        unused[0]
    );
}

#[test]
fn a_workload_allow_is_in_force_in_every_environment() {
    let text = EXEMPT
        .replace(
            "  web { allow production.replicas_min because \"dev runs one replica to save cost\" }\n",
            "",
        )
        .replace(
            "  probes {",
            "  allow production.replicas_min because \"one replica is enough\"\n  probes {",
        );
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text)]);
    let result = build(&db, project);
    // Used in dev and preview, so not unused, though prod satisfies the rule.
    assert!(
        result
            .diagnostics
            .iter()
            .all(|d| d.code != Code::UnusedAllow && !d.is_error()),
        "{:#?}",
        result.diagnostics
    );
    let tree = result.tree.expect("builds");
    let prod = &tree.files["prod/kyverno/policy-production-replicas-min.yaml"];
    assert!(prod.contains("exclude"), "{prod}");
    assert_eq!(result.exceptions.len(), 1);
    assert!(
        result.exceptions[0].envs.is_empty(),
        "{:?}",
        result.exceptions
    );
}

#[test]
fn the_build_lists_an_environments_exception_with_its_environments() {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), EXEMPT.to_string())]);
    let result = build(&db, project);
    assert_eq!(result.exceptions.len(), 1, "{:?}", result.exceptions);
    assert_eq!(result.exceptions[0].envs, ["dev", "preview"]);
}

#[test]
fn an_allow_directly_in_an_environment_must_name_its_workload() {
    let text = EXEMPT
        .replace(
            "  web { allow production.replicas_min",
            "  allow production.replicas_min",
        )
        .replace("to save cost\" }", "to save cost\"");
    let found = diagnostics_of(&text);
    assert!(
        found
            .iter()
            .any(|(c, m)| *c == Code::UnknownField && m.contains("must name the workload")),
        "{found:#?}"
    );
}

/// Every field of `gitops` overridden somewhere: dev follows another branch, prod deploys from
/// its own repository at a tag and is synced by hand, staging (extending prod) syncs on its own
/// without pruning.
const GITOPS: &str = r#"
app shop {
  gitops: argocd {
    repo: "https://github.com/acme/platform.git"
    path: "deploy/shop"
    sync: auto { prune: true, self_heal: true }
  }
}

service web {
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  probes { ready: http "/ready" }
}

env dev {
  namespace: shop-dev
  gitops.revision: "develop"
}

env prod {
  cluster: "https://prod.k8s.acme.internal"
  gitops: argocd {
    repo: "https://github.com/acme/platform-prod.git"
    path: "clusters/prod/shop"
    revision: "v2.3.1"
    sync: manual
  }
}

env staging: prod {
  namespace: shop-staging
  cluster: "https://staging.k8s.acme.internal"
  gitops.sync: auto { prune: false }
}
"#;

/// The files of the `argocd/` folders, concatenated in path order.
fn argocd_files(tree: &OutputTree) -> String {
    tree.files
        .iter()
        .filter(|(path, _)| path.starts_with("argocd"))
        .map(|(path, content)| format!("# {path}\n{content}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_gitops_field_can_be_overridden_per_environment() {
    let tree = tree(GITOPS);
    let app = |env: &str| document(&tree, &format!("argocd/application-shop-{env}.yaml"));
    let source = |env: &str, field: &str| {
        app(env)
            .pointer(&format!("/spec/source/{field}"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    // dev: only the revision changes.
    assert_eq!(
        source("dev", "repoURL"),
        "https://github.com/acme/platform.git"
    );
    assert_eq!(source("dev", "path"), "deploy/shop/dev");
    assert_eq!(source("dev", "targetRevision"), "develop");
    assert_eq!(
        app("dev").pointer("/spec/syncPolicy/automated/prune"),
        Some(&serde_json::Value::Bool(true))
    );
    // prod: everything, and no automated sync.
    assert_eq!(
        source("prod", "repoURL"),
        "https://github.com/acme/platform-prod.git"
    );
    assert_eq!(source("prod", "path"), "clusters/prod/shop/prod");
    assert_eq!(source("prod", "targetRevision"), "v2.3.1");
    assert_eq!(app("prod").pointer("/spec/syncPolicy/automated"), None);
    // staging: prod's repository, folder and tag, its own sync policy.
    assert_eq!(
        source("staging", "repoURL"),
        "https://github.com/acme/platform-prod.git"
    );
    assert_eq!(source("staging", "targetRevision"), "v2.3.1");
    assert_eq!(
        app("staging").pointer("/spec/syncPolicy/automated"),
        Some(&serde_json::json!({"prune": false, "selfHeal": true}))
    );
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!("environments__gitops_per_environment", argocd_files(&tree))
    });
}

#[test]
fn an_applicationset_takes_each_environments_repository_folder_and_revision() {
    let text = GITOPS
        .replace(
            "    sync: auto { prune: true, self_heal: true }\n  }",
            "    applicationset: true\n  }",
        )
        .replace("    sync: manual\n", "")
        .replace("  gitops.sync: auto { prune: false }\n", "");
    let tree = tree(&text);
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "environments__gitops_per_environment_applicationset",
            argocd_files(&tree)
        )
    });
    let set = document(&tree, "argocd/applicationset-shop.yaml");
    let elements = set
        .pointer("/spec/generators/0/list/elements")
        .and_then(serde_json::Value::as_array)
        .expect("elements");
    let prod = elements
        .iter()
        .find(|e| e["env"] == "prod")
        .expect("prod element");
    assert_eq!(prod["repo"], "https://github.com/acme/platform-prod.git");
    assert_eq!(prod["path"], "clusters/prod/shop/prod");
    assert_eq!(prod["revision"], "v2.3.1");
    assert_eq!(
        set.pointer("/spec/template/spec/source/repoURL"),
        Some(&serde_json::Value::String("{{repo}}".to_string()))
    );
}

#[test]
fn an_environment_giving_part_of_gitops_needs_the_rest_from_the_app() {
    let text = GITOPS.replace(
        r#"  gitops: argocd {
    repo: "https://github.com/acme/platform.git"
    path: "deploy/shop"
    sync: auto { prune: true, self_heal: true }
  }
"#,
        "",
    );
    let found = diagnostics_of(&text);
    // dev gives only a revision; prod and staging give a repository and a folder.
    let missing: Vec<_> = found
        .iter()
        .filter(|(c, m)| *c == Code::MissingField && m.contains("`repo` and a `path`"))
        .collect();
    assert_eq!(missing.len(), 1, "{found:#?}");
    let wrong =
        diagnostics_of(&GITOPS.replace("gitops.revision: \"develop\"", "gitops.repo: \"ftp://x\""));
    assert!(
        wrong
            .iter()
            .any(|(c, m)| *c == Code::InvalidValue && m.contains("ftp://x")),
        "{wrong:#?}"
    );
}

#[test]
fn the_app_of_apps_root_follows_the_apps_own_gitops_not_an_environments() {
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

env dev {{}}

env prod {{
  gitops.revision: "release"
}}
"#
        )
    };
    let db = Database::new();
    let project = db.load_project(vec![
        ("shop/app.k8s".to_string(), app("shop")),
        ("payments/app.k8s".to_string(), app("payments")),
    ]);
    let tree = build(&db, project).tree.expect("builds");
    let root = &tree.files["argocd-root/application-k8sc-apps.yaml"];
    assert!(root.contains("targetRevision: main"), "{root}");
    let prod = &tree.files["argocd/application-shop-prod.yaml"];
    assert!(prod.contains("targetRevision: release"), "{prod}");
}

/// A public host and three environments on three clusters; `{dev}` is dev's override, if any.
fn hosts(dev: &str, prod_cluster: &str) -> String {
    format!(
        r#"
app shop {{
  gateway: "gateway-system/public"
}}

service web {{
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  probes {{ ready: http "/ready" }}
  expose: route "shop.example.com" {{ path: "/" }}
}}

env prod {{
  {prod_cluster}
}}

env staging {{
  cluster: "https://staging.k8s.acme.internal"
  web.expose: route "staging.shop.example.com" {{ path: "/" }}
}}

env dev {{
  cluster: "https://dev.k8s.acme.internal"
  {dev}
}}
"#
    )
}

#[test]
fn an_environment_reusing_prods_host_on_another_cluster_is_a_warning() {
    let text = hosts("", r#"cluster: "https://prod.k8s.acme.internal""#);
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.clone())]);
    let diagnostics = project_diagnostics(&db, project);
    let reused: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code == Code::HostReused)
        .collect();
    assert_eq!(reused.len(), 1, "{diagnostics:#?}");
    assert!(!reused[0].is_error());
    assert!(
        reused[0].message.contains("`dev` and `prod`")
            && reused[0].message.contains("shop.example.com"),
        "{:#?}",
        reused[0]
    );
    // At the route the environments inherit; staging, with its own host, is not involved.
    assert!(text[reused[0].primary.span.range()].starts_with("route \"shop.example.com\""));
    assert!(!reused[0].message.contains("staging"));
}

#[test]
fn an_environment_with_its_own_host_is_not_reported() {
    let text = hosts(
        r#"web.expose: route "dev.shop.example.com" { path: "/" }"#,
        r#"cluster: "https://prod.k8s.acme.internal""#,
    );
    let found = diagnostics_of(&text);
    assert!(
        found
            .iter()
            .all(|(c, _)| *c != Code::HostReused && *c != Code::HostCollision),
        "{found:#?}"
    );
    // A second region writing prod's host itself means to serve it.
    let text = hosts(
        r#"web.expose: route "shop.example.com" { path: "/" }"#,
        r#"cluster: "https://prod.k8s.acme.internal"
  web.expose: route "shop.example.com" { path: "/" }"#,
    );
    let found = diagnostics_of(&text);
    assert!(
        found.iter().all(|(c, _)| *c != Code::HostReused),
        "{found:#?}"
    );
}

#[test]
fn two_environments_routing_one_host_through_one_gateway_is_an_error() {
    // prod names no cluster, and dev names prod's: both deploy to one cluster. Writing the host
    // in dev does not help: the two routes still collide.
    let text = hosts(
        r#"cluster: "https://prod.k8s.acme.internal"
  web.expose: route "shop.example.com" { path: "/" }"#,
        r#"cluster: "https://prod.k8s.acme.internal""#,
    );
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text)]);
    let result = build(&db, project);
    let collisions: Vec<_> = result
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::HostCollision)
        .collect();
    assert_eq!(collisions.len(), 1, "{:#?}", result.diagnostics);
    assert!(collisions[0].is_error());
    assert!(
        collisions[0].message.contains("`dev` and `prod`"),
        "{:#?}",
        collisions[0]
    );
    assert!(result.tree.is_none(), "nothing is written");
    // The same host on another path of the same Gateway routes fine.
    let text = hosts(
        r#"cluster: "https://prod.k8s.acme.internal"
  web.expose: route "shop.example.com" { path: "/dev" }"#,
        r#"cluster: "https://prod.k8s.acme.internal""#,
    );
    let found = diagnostics_of(&text);
    assert!(
        found
            .iter()
            .all(|(c, _)| *c != Code::HostCollision && *c != Code::HostReused),
        "{found:#?}"
    );
}

#[test]
fn two_environments_with_one_ingress_host_on_one_cluster_is_an_error() {
    let text = r#"
app shop {}

service web {
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  probes { ready: http "/ready" }
  expose: ingress "shop.example.com" { class: nginx }
}

env prod {}

env qa {
  namespace: shop-qa
}
"#;
    let found = diagnostics_of(text);
    assert!(
        found
            .iter()
            .any(|(c, m)| *c == Code::HostCollision && m.contains("one ingress controller")),
        "{found:#?}"
    );
}
