//! What the cluster must provide (`k8sc requirements`, `OUT/<env>/REQUIREMENTS.md`): reviewed
//! snapshots for every example, a check that the requirements name everything the generated
//! output references (so they stay true as backends change), the cases the issue names, and the
//! file's place in the output tree.

use crate::support;

use k8sc_compiler::backends::argocd::requirements::sync_option_minimum;
use k8sc_compiler::build::{BuildResult, build};
use k8sc_compiler::db::Database;
use k8sc_compiler::loader;
use k8sc_compiler::output::layout::REQUIREMENTS;
use k8sc_compiler::requirements::{Component, GatewayKind, Version, render};
use std::path::Path;
use support::examples::example_dirs as examples;
use support::requirements_cover::{check_covered, documents, minimum, sync_options};

fn build_dir(dir: &Path) -> BuildResult {
    let loaded = loader::load(dir).expect("example loads");
    let db = Database::new();
    build(&db, db.load_project(loaded.files))
}

fn build_text(files: &[(&str, &str)]) -> BuildResult {
    let db = Database::new();
    let files = files
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    let result = build(&db, db.load_project(files));
    assert_eq!(result.error_count(), 0, "{:#?}", result.diagnostics);
    result
}

fn name_of(dir: &Path) -> String {
    dir.file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned())
}

#[test]
fn every_example_matches_its_snapshots() {
    for dir in examples() {
        let result = build_dir(&dir);
        assert!(!result.requirements.is_empty(), "{}", dir.display());
        insta::with_settings!({ snapshot_suffix => name_of(&dir), prepend_module_to_snapshot => false, snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!("requirements_human", render::human(&result.requirements));
            insta::assert_snapshot!("requirements_json", render::json(&result.requirements));
        });
    }
}

#[test]
fn requirements_name_everything_the_output_uses() {
    for dir in examples() {
        let result = build_dir(&dir);
        let tree = result.tree.as_ref().expect("examples build");
        for env in &result.requirements {
            check_covered(env, &documents(tree, &format!("{}/", env.env)));
        }
        let argocd = documents(tree, "argocd/");
        if !argocd.is_empty() {
            for env in &result.requirements {
                check_covered(env, &argocd);
            }
        }
        let all = documents(tree, "");
        for option in sync_options(&all) {
            let (known, needs) = sync_option_minimum(&option);
            assert!(
                known,
                "{}: sync option `{option}` has no known minimum Argo CD version",
                dir.display()
            );
            if let Some(needs) = needs {
                for env in &result.requirements {
                    assert!(minimum(env, Component::ARGOCD) >= Some(needs), "{option}");
                }
            }
        }
    }
}

#[test]
fn the_guard_catches_an_unlisted_secret() {
    // The check above must be able to fail: drop a Secret from the shop's requirements.
    let result = build_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop"));
    let tree = result.tree.as_ref().expect("builds");
    let mut env = result.requirements[0].clone();
    env.secrets.retain(|s| s.name != "db-credentials");
    let docs = documents(tree, &format!("{}/", env.env));
    let caught = std::panic::catch_unwind(|| check_covered(&env, &docs));
    assert!(caught.is_err(), "a missing Secret went unnoticed");
}

const MESHED: &str = r#"
app shop {
  namespace: shop
  mesh: istio
  pod_security: LEVEL
}

service web {
  image: "ghcr.io/acme/web:1.0.0"
  port: http 8080
  probes { ready: http "/ready" }
}
"#;

#[test]
fn meshed_pods_under_restricted_or_baseline_need_the_istio_cni_plugin() {
    for (level, needs_cni) in [
        ("restricted", true),
        ("baseline", true),
        ("privileged", false),
    ] {
        let text = MESHED.replace("LEVEL", level);
        let result = build_text(&[("app.k8s", &text)]);
        let env = &result.requirements[0];
        assert_eq!(
            env.component(Component::ISTIO_CNI).is_some(),
            needs_cni,
            "{level}: {}",
            render::human(&result.requirements)
        );
        assert_eq!(minimum(env, Component::ISTIO), Some(Version::new(1, 22)));
    }
    let unmeshed = MESHED
        .replace("  mesh: istio\n", "")
        .replace("LEVEL", "restricted");
    let result = build_text(&[("app.k8s", &unmeshed)]);
    let env = &result.requirements[0];
    assert!(env.component(Component::ISTIO_CNI).is_none());
    assert!(env.component(Component::ISTIO).is_none());
}

const REFERENCES: &str = r#"
app shop {
  namespace: shop-ns
  gateway: "edge/public"
}

service web {
  image: "ghcr.io/acme/web:1.0.0"
  port: http 8080
  probes { ready: http "/ready" }
  expose: route "shop.example.com" { path: "/" }
  env { DB_URL: secret db.url, DB_USER: secret db.user, LOG_LEVEL: "not-a-secret-value" }
  patch Deployment { spec { template { spec { priorityClassName: "high-priority" } } } }
}

worker mailer {
  image: "ghcr.io/acme/mailer:1.0.0"
  env { DB_URL: secret db.url }
}

database pg {
  image: "postgres:16.4"
  port: tcp 5432
  storage: 10Gi { class: fast-ssd, mount: "/var/lib/postgresql/data" }
}

database cache {
  image: "redis:7.2.4"
  port: tcp 6379
  storage: 1Gi
}
"#;

#[test]
fn secrets_classes_and_gateways_are_listed_with_who_needs_them() {
    let result = build_text(&[("app.k8s", REFERENCES)]);
    let env = &result.requirements[0];

    let db = env
        .secrets
        .iter()
        .find(|s| s.name == "db")
        .expect("db listed");
    assert_eq!(db.namespace, "shop-ns");
    assert_eq!(db.keys, ["url", "user"]);
    let users: Vec<String> = db.used_by.iter().map(ToString::to_string).collect();
    assert_eq!(users, ["shop.mailer", "shop.web"]);

    let classes: Vec<Option<&str>> = env
        .storage_classes
        .iter()
        .map(|c| c.name.as_deref())
        .collect();
    assert_eq!(
        classes,
        [None, Some("fast-ssd")],
        "the default one, then fast-ssd"
    );

    let [gateway] = env.gateways.as_slice() else {
        panic!("one gateway: {:#?}", env.gateways);
    };
    assert_eq!(
        (
            gateway.kind,
            gateway.namespace.as_str(),
            gateway.name.as_str()
        ),
        (GatewayKind::GatewayApi, "edge", "public")
    );
    assert_eq!(gateway.hosts, ["shop.example.com"]);
    assert_eq!(
        minimum(env, Component::GATEWAY_API),
        Some(Version::new(1, 0))
    );

    let priority: Vec<Option<&str>> = env
        .priority_classes
        .iter()
        .map(|c| c.name.as_deref())
        .collect();
    assert_eq!(priority, [Some("high-priority")]);

    // Only references: a literal value never appears, in any form.
    let texts = [
        render::human(&result.requirements),
        render::json(&result.requirements),
        render::markdown(env),
    ];
    for text in texts {
        assert!(text.contains("`db`") || text.contains("\"db\""), "{text}");
        assert!(!text.contains("not-a-secret-value"), "{text}");
    }
    let tree = result.tree.as_ref().expect("builds");
    check_covered(env, &documents(tree, "default/"));
}

#[test]
fn requirements_md_is_in_every_environment_and_in_no_kustomization() {
    for dir in examples() {
        let result = build_dir(&dir);
        let tree = result.tree.as_ref().expect("builds");
        for env in &result.requirements {
            let path = format!("{}/{REQUIREMENTS}", env.env);
            let content = tree.files.get(&path).unwrap_or_else(|| panic!("{path}"));
            assert_eq!(content, &render::markdown(env));
            assert!(content.starts_with("# Generated by k8sc"), "{content}");
        }
        let files = tree
            .files
            .keys()
            .filter(|p| p.ends_with(REQUIREMENTS))
            .count();
        assert_eq!(files, result.requirements.len(), "{}", dir.display());
        for (path, content) in &tree.files {
            if path.ends_with("Kustomization") {
                assert!(!content.contains(REQUIREMENTS), "{path}: {content}");
            }
        }
        let stream = tree.to_stream();
        assert!(!stream.contains(REQUIREMENTS), "{}", dir.display());
        assert!(!stream.contains("What the cluster must provide"));
    }
}
