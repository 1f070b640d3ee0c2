//! Hover, completion and navigation inside `env` declarations: paths that override a workload
//! (`web.replicas: 1`, `web { … }`), the app (`tier`, `namespace`) or its GitOps fields
//! (`gitops.revision`), and exceptions scoped to an environment (`api { allow … }`) get the texts
//! they get where the workload or app is declared, in the environment's own context.

use crate::support;

use k8sc_lsp::features;
use support::*;
use tower_lsp_server::ls_types::*;

/// The shop with GitOps and two environments; `staging` extends `dev`.
const SHOP: &str = r#"import std.tiers.production

app shop {
  namespace: shop
  tier: production
  gitops: argocd { repo: "https://github.com/acme/platform.git", path: "deploy/shop" }
}

/// The storefront.
service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  calls: [api]
}

/// The order API.
service api {
  image: "ghcr.io/acme/api:1.9.0"
  port: grpc 9090
  replicas: 2..6
}
"#;

const ENVS: &str = r#"
env dev {
  tier: production
  gitops.revision: "develop"
  web.replicas: 1
  api.replicas: 1
  api {
    allow production.replicas_min because "dev carries no traffic"
  }
}

env staging: dev {
  namespace: shop-staging
  web {
    replicas: 3
  }
}
"#;

fn shop_with_envs() -> k8sc_lsp::snapshot::Snapshot {
    workspace(&[("app.k8s", &format!("{SHOP}{ENVS}"))]).snapshot()
}

fn hover_at(
    snapshot: &k8sc_lsp::snapshot::Snapshot,
    needle: &str,
    nth: usize,
    delta: usize,
) -> String {
    markdown(features::hover::hover(
        snapshot,
        &uri("app.k8s"),
        pos_nth(snapshot, "app.k8s", needle, nth, delta),
    ))
}

#[test]
fn hover_on_an_environments_workload_path_is_the_fields_with_the_envs_value() {
    let snapshot = shop_with_envs();
    let replicas = hover_at(&snapshot, "web.replicas", 0, 5);
    assert!(replicas.contains("**replicas** — "), "{replicas}");
    assert!(replicas.contains("type: a replica count"), "{replicas}");
    assert!(
        replicas.contains("effective: `replicas: 1` — from environment `dev` (app.k8s:"),
        "{replicas}"
    );
    // In a workload block of another environment, that environment's value.
    let staging = hover_at(&snapshot, "replicas: 3", 0, 1);
    assert!(
        staging.contains("effective: `replicas: 3` — from environment `staging` (app.k8s:"),
        "{staging}"
    );
    // The workload's name is the workload: its documentation, as on a call.
    let web = hover_at(&snapshot, "web.replicas", 0, 1);
    assert!(
        web.contains("service web") && web.contains("The storefront."),
        "{web}"
    );
    let block = hover_at(&snapshot, "web {\n    replicas", 0, 1);
    assert!(block.contains("The storefront."), "{block}");
}

#[test]
fn hover_on_an_environments_app_and_gitops_paths_is_the_apps() {
    let snapshot = shop_with_envs();
    // The same text as on the app's own field.
    let in_app = hover_at(&snapshot, "tier: production", 0, 1);
    let in_env = hover_at(&snapshot, "tier: production", 1, 1);
    assert_eq!(in_env, in_app);
    assert!(in_env.starts_with("**tier** — "), "{in_env}");
    let namespace = hover_at(&snapshot, "namespace: shop-staging", 0, 1);
    assert_eq!(namespace, hover_at(&snapshot, "namespace: shop\n", 0, 1));
    let revision = hover_at(&snapshot, "gitops.revision", 0, 9);
    assert!(
        revision.starts_with("**revision** — The branch, tag or commit"),
        "{revision}"
    );
    let gitops = hover_at(&snapshot, "gitops.revision", 0, 2);
    assert!(gitops.starts_with("**gitops** — "), "{gitops}");
}

#[test]
fn hover_on_an_environments_exception_says_what_and_where() {
    let snapshot = shop_with_envs();
    let allow = hover_at(&snapshot, "allow production", 0, 2);
    assert!(
        allow.contains("**allow** `production.replicas_min`"),
        "{allow}"
    );
    assert!(
        allow.contains("`api` is not checked against this rule in environment `dev`"),
        "{allow}"
    );
    assert!(
        allow.contains("and in `staging`, which extends it"),
        "{allow}"
    );
    assert!(allow.contains("dev carries no traffic"), "{allow}");
}

/// Completion at `needle` + `delta` in the shop with `env dev { BODY }`.
fn complete_in_env(body: &str, needle: &str, delta: usize) -> Vec<String> {
    let text = format!("{SHOP}\nenv dev {{\n{body}\n}}\n");
    let snapshot = workspace(&[("app.k8s", &text)]).snapshot();
    let at = text
        .rfind(needle)
        .unwrap_or_else(|| panic!("`{needle}` in the text"))
        + delta;
    let file = snapshot.file_by_path("app.k8s").expect("the file");
    labels(features::completion::completion(
        &snapshot,
        &uri("app.k8s"),
        snapshot.position(file, at as u32),
    ))
}

#[test]
fn completion_in_an_environment_offers_its_apps_paths() {
    let top = complete_in_env("  \n", "dev {\n  ", 8);
    for wanted in ["namespace", "tier", "cluster", "gitops", "web", "api"] {
        assert!(top.contains(&wanted.to_string()), "{wanted}: {top:?}");
    }
    assert!(!top.contains(&"image".to_string()), "{top:?}");
    // After a workload's name, the fields of its kind; a name no workload has, nothing.
    let web = complete_in_env("  web.re", "web.re", 6);
    assert!(web.contains(&"web.replicas".to_string()), "{web:?}");
    assert!(web.iter().all(|l| l.starts_with("web.")), "{web:?}");
    assert!(
        !web.contains(&"web.schedule".to_string()),
        "a cron field: {web:?}"
    );
    assert!(complete_in_env("  nowhere.", "nowhere.", 8).is_empty());
    // The GitOps fields an environment may override: not `applicationset`.
    assert_eq!(
        complete_in_env("  gitops.", "gitops.", 7),
        [
            "gitops.repo",
            "gitops.path",
            "gitops.revision",
            "gitops.sync"
        ]
    );
    assert_eq!(
        complete_in_env("  gitops: argocd {\n    \n  }", "{\n    ", 6),
        ["repo", "path", "revision", "sync"]
    );
}

#[test]
fn completion_in_an_environments_workload_block_is_the_workloads() {
    let block = complete_in_env("  api {\n    \n  }", "api {\n    ", 10);
    assert!(block.contains(&"allow".to_string()), "{block:?}");
    assert!(block.contains(&"replicas".to_string()), "{block:?}");
    assert!(!block.contains(&"namespace".to_string()), "{block:?}");
    assert!(complete_in_env("  web.spread: ", "spread: ", 8).contains(&"zones".to_string()));
    assert!(complete_in_env("  web { spread:  }", "spread: ", 8).contains(&"zones".to_string()));
    assert_eq!(complete_in_env("  web.calls: []", "calls: [", 8), ["api"]);
    assert_eq!(complete_in_env("  web.memory: 256", "256", 3)[0], "256Mi");
}

#[test]
fn an_environments_workload_names_are_references() {
    let snapshot = shop_with_envs();
    let declared = pos(&snapshot, "app.k8s", "service web", 8);
    let references = features::navigation::references(&snapshot, &uri("app.k8s"), declared, true)
        .unwrap_or_default();
    let starts: Vec<Position> = references.iter().map(|l| l.range.start).collect();
    for used in [
        pos(&snapshot, "app.k8s", "web.replicas", 0),
        pos(&snapshot, "app.k8s", "web {\n    replicas", 0),
    ] {
        assert!(starts.contains(&used), "{used:?} in {starts:?}");
    }
    let definition = features::navigation::definition(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "web.replicas", 1),
    );
    let Some(GotoDefinitionResponse::Scalar(location)) = definition else {
        panic!("no definition: {definition:?}");
    };
    assert_eq!(location.range.start, declared);
    let edit = features::navigation::rename(&snapshot, &uri("app.k8s"), declared, "storefront")
        .ok()
        .flatten()
        .and_then(|e| e.changes)
        .unwrap_or_default();
    let edits = edit.get(&uri("app.k8s")).cloned().unwrap_or_default();
    // The declaration, `calls: [web]` nowhere, `web.replicas` and `web { … }`.
    assert_eq!(edits.len(), 3, "{edits:?}");
}
