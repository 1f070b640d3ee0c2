//! What the cluster must provide (`k8sc requirements`, `OUT/<env>/REQUIREMENTS.md`): reviewed
//! snapshots for every example, a check that the requirements name everything the generated
//! output references (so they stay true as backends change), the cases the issue names, and the
//! file's place in the output tree.

use k8sc_compiler::backends::argocd::requirements::sync_option_minimum;
use k8sc_compiler::backends::kyverno::requirements::MINIMUM_KYVERNO;
use k8sc_compiler::build::{BuildResult, build};
use k8sc_compiler::db::Database;
use k8sc_compiler::loader;
use k8sc_compiler::output::OutputTree;
use k8sc_compiler::output::layout::REQUIREMENTS;
use k8sc_compiler::requirements::{Component, EnvRequirements, GatewayKind, Version, render};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("examples/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

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
        insta::with_settings!({ snapshot_suffix => name_of(&dir), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("requirements_human", render::human(&result.requirements));
            insta::assert_snapshot!("requirements_json", render::json(&result.requirements));
        });
    }
}

/// Every document of environment `env` in `tree`, parsed back.
fn documents(tree: &OutputTree, prefix: &str) -> Vec<Value> {
    let mut docs = Vec::new();
    for (path, content) in &tree.files {
        if path.starts_with(prefix) && path.ends_with(".yaml") {
            let body = content.split_once('\n').map_or("", |(_, b)| b);
            docs.push(serde_saphyr::from_str(body).expect("generated YAML parses"));
        }
    }
    docs
}

/// Calls `visit(key, value, document)` on every key of every map under `value`.
fn walk<'a>(value: &'a Value, visit: &mut dyn FnMut(&str, &'a Value)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                visit(key, child);
                walk(child, visit);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, visit);
            }
        }
        _ => {}
    }
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn minimum(env: &EnvRequirements, component: Component) -> Option<Version> {
    env.component(component).and_then(|c| c.minimum)
}

/// Checks that `env`'s requirements name everything `docs` (its output) references or uses.
fn check_covered(env: &EnvRequirements, docs: &[Value]) {
    let at_least = |component: Component, version: Version, what: &str| {
        let found = minimum(env, component);
        assert!(
            found.is_some_and(|v| v >= version),
            "env {}: the output uses {what}, which needs {component:?} >= {version}; the requirements say {found:?}",
            env.env
        );
    };
    for doc in docs {
        let api_version = str_at(doc, "/apiVersion").unwrap_or("");
        let kind = str_at(doc, "/kind").unwrap_or("");
        let namespace = str_at(doc, "/metadata/namespace").unwrap_or("");
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let component = match group {
            ""
            | "apps"
            | "batch"
            | "policy"
            | "autoscaling"
            | "networking.k8s.io"
            | "rbac.authorization.k8s.io" => Component::Kubernetes,
            "gateway.networking.k8s.io" => Component::GatewayApi,
            "networking.istio.io" | "security.istio.io" => Component::Istio,
            "kyverno.io" => Component::Kyverno,
            "argoproj.io" => Component::ArgoCd,
            other => panic!("a backend emits API group `{other}`: state its requirement"),
        };
        assert!(
            env.component(component).is_some(),
            "env {}: {kind} `{api_version}` is emitted but {component:?} is not required",
            env.env
        );
        match (api_version, kind) {
            ("networking.istio.io/v1" | "security.istio.io/v1", _) => {
                at_least(Component::Istio, Version::new(1, 22), api_version);
            }
            ("gateway.networking.k8s.io/v1", "HTTPRoute") => {
                at_least(Component::GatewayApi, Version::new(1, 0), api_version);
                for parent in doc["spec"]["parentRefs"].as_array().into_iter().flatten() {
                    let (ns, name) = (
                        str_at(parent, "/namespace").unwrap_or(""),
                        str_at(parent, "/name").unwrap_or(""),
                    );
                    assert!(
                        env.gateways
                            .iter()
                            .any(|g| g.kind == GatewayKind::GatewayApi
                                && g.namespace == ns
                                && g.name == name),
                        "env {}: HTTPRoute attaches to {ns}/{name}, not listed",
                        env.env
                    );
                }
            }
            ("autoscaling/v2", _) => {
                at_least(Component::Kubernetes, Version::new(1, 23), api_version);
            }
            ("networking.k8s.io/v1", "NetworkPolicy") => {
                assert!(env.component(Component::NetworkPolicy).is_some());
            }
            ("networking.k8s.io/v1", "Ingress") => {
                let class = str_at(doc, "/spec/ingressClassName");
                assert!(
                    env.ingress_classes
                        .iter()
                        .any(|c| c.name.as_deref() == class),
                    "env {}: IngressClass {class:?} not listed",
                    env.env
                );
            }
            _ => {}
        }
        let secret = |ns: &str, name: &str, key: Option<&str>| {
            assert!(
                env.secrets
                    .iter()
                    .any(|s| (ns.is_empty() || s.namespace == ns)
                        && s.name == name
                        && key.is_none_or(|k| s.keys.iter().any(|x| x == k))),
                "env {}: Secret {ns}/{name} (key {key:?}) is referenced but not listed",
                env.env
            );
        };
        let mut uses = Vec::new();
        walk(doc, &mut |key, value| uses.push((key.to_string(), value)));
        for (key, value) in uses {
            match key.as_str() {
                "secretKeyRef" => secret(
                    namespace,
                    str_at(value, "/name").unwrap_or(""),
                    str_at(value, "/key"),
                ),
                // An Ingress's certificate is in its namespace; an Istio Gateway's in the
                // ingress gateway's.
                "secretName" if kind == "Ingress" => {
                    secret(namespace, value.as_str().unwrap_or(""), Some("tls.crt"));
                }
                "credentialName" => secret("", value.as_str().unwrap_or(""), Some("tls.crt")),
                "volumeClaimTemplates" => {
                    for template in value.as_array().into_iter().flatten() {
                        let class = str_at(template, "/spec/storageClassName");
                        assert!(
                            env.storage_classes
                                .iter()
                                .any(|c| c.name.as_deref() == class),
                            "env {}: StorageClass {class:?} not listed",
                            env.env
                        );
                    }
                }
                "priorityClassName" => {
                    let class = value.as_str();
                    assert!(
                        env.priority_classes
                            .iter()
                            .any(|c| c.name.as_deref() == class),
                        "env {}: PriorityClass {class:?} not listed",
                        env.env
                    );
                }
                "sleep" => at_least(Component::Kubernetes, Version::new(1, 30), "preStop sleep"),
                "grpc" => at_least(Component::Kubernetes, Version::new(1, 24), "gRPC probes"),
                "unhealthyPodEvictionPolicy" => at_least(
                    Component::Kubernetes,
                    Version::new(1, 27),
                    "unhealthyPodEvictionPolicy",
                ),
                "timeZone" => at_least(Component::Kubernetes, Version::new(1, 25), "timeZone"),
                "sidecar.istio.io/nativeSidecar" => at_least(
                    Component::Kubernetes,
                    Version::new(1, 29),
                    "native sidecars",
                ),
                "pod-security.kubernetes.io/enforce" => {
                    at_least(Component::Kubernetes, Version::new(1, 25), "Pod Security");
                }
                "failureAction" => at_least(Component::Kyverno, MINIMUM_KYVERNO, "failureAction"),
                _ => {}
            }
        }
    }
}

/// Every Argo CD sync option the output uses, from Applications and resources' annotations.
fn sync_options(docs: &[Value]) -> Vec<String> {
    let mut options = Vec::new();
    for doc in docs {
        walk(doc, &mut |key, value| {
            if key == "syncOptions" {
                options.extend(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string),
                );
            } else if key == "argocd.argoproj.io/sync-options" {
                options.extend(
                    value
                        .as_str()
                        .unwrap_or("")
                        .split(',')
                        .map(|o| o.trim().to_string()),
                );
            }
        });
    }
    options
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
                    assert!(minimum(env, Component::ArgoCd) >= Some(needs), "{option}");
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
            env.component(Component::IstioCni).is_some(),
            needs_cni,
            "{level}: {}",
            render::human(&result.requirements)
        );
        assert_eq!(minimum(env, Component::Istio), Some(Version::new(1, 22)));
    }
    let unmeshed = MESHED
        .replace("  mesh: istio\n", "")
        .replace("LEVEL", "restricted");
    let result = build_text(&[("app.k8s", &unmeshed)]);
    let env = &result.requirements[0];
    assert!(env.component(Component::IstioCni).is_none());
    assert!(env.component(Component::Istio).is_none());
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
        minimum(env, Component::GatewayApi),
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
