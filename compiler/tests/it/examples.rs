//! Every example in `examples/` builds without a diagnostic, its full output matches a reviewed
//! snapshot, building is deterministic, and every generated pod meets the hardening baseline.

use crate::support;

use k8sc_compiler::build::{BuildResult, build};
use k8sc_compiler::db::Database;
use k8sc_compiler::loader;
use k8sc_compiler::output::OutputTree;
use serde_json::Value;
use std::path::Path;
use support::examples::example_dirs as examples;

fn build_dir(dir: &Path) -> BuildResult {
    let loaded = loader::load(dir).expect("example loads");
    let db = Database::new();
    let project = db.load_project(loaded.files);
    build(&db, project)
}

fn tree_of(dir: &Path) -> OutputTree {
    let result = build_dir(dir);
    assert!(
        result.diagnostics.is_empty(),
        "{} has diagnostics: {:#?}",
        dir.display(),
        result.diagnostics
    );
    result.tree.expect("a clean build has output")
}

fn render_tree(tree: &OutputTree) -> String {
    let mut out = String::new();
    for (path, content) in &tree.files {
        out.push_str(&format!("==> {path} <==\n{content}\n"));
    }
    out
}

#[test]
fn examples_match_their_snapshots() {
    for dir in examples() {
        let name = dir
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        let tree = tree_of(&dir);
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false, snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!("example", render_tree(&tree));
        });
    }
}

#[test]
fn builds_are_byte_identical() {
    for dir in examples() {
        let first = tree_of(&dir);
        let second = tree_of(&dir);
        assert_eq!(first, second, "{} built twice differs", dir.display());
        // The order files are given in must not matter either.
        let mut loaded = loader::load(&dir).expect("loads");
        loaded.files.reverse();
        let db = Database::new();
        let project = db.load_project(loaded.files);
        assert_eq!(build(&db, project).tree.as_ref(), Some(&first));
    }
}

/// Every document of every example, parsed back from the generated YAML.
fn documents() -> Vec<(String, Value)> {
    let mut docs = Vec::new();
    for dir in examples() {
        for (path, content) in tree_of(&dir).files {
            if !path.ends_with(".yaml") {
                continue;
            }
            let value: Value = serde_saphyr::from_str(&content).expect("generated YAML parses");
            docs.push((format!("{}: {path}", dir.display()), value));
        }
    }
    docs
}

/// Pod templates of the workload kinds, with the kind.
fn pod_templates(doc: &Value) -> Option<(&str, &Value)> {
    let kind = doc["kind"].as_str()?;
    let template = match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => &doc["spec"]["template"],
        "CronJob" => &doc["spec"]["jobTemplate"]["spec"]["template"],
        _ => return None,
    };
    Some((kind, template))
}

#[test]
fn every_pod_is_hardened() {
    let docs = documents();
    let services: Vec<(String, String)> = docs
        .iter()
        .filter(|(_, d)| d["kind"] == "Service")
        .map(|(_, d)| {
            (
                d["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                d["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    let mut pods = 0;
    for (path, doc) in &docs {
        let Some((kind, template)) = pod_templates(doc) else {
            continue;
        };
        pods += 1;
        let spec = &template["spec"];
        let pod_security = &spec["securityContext"];
        assert_eq!(pod_security["runAsNonRoot"], true, "{path}");
        for id in ["runAsUser", "runAsGroup", "fsGroup"] {
            assert!(
                pod_security[id].as_i64().is_some_and(|n| n > 0),
                "{path}: numeric non-root {id}"
            );
        }
        assert_eq!(
            pod_security["seccompProfile"]["type"], "RuntimeDefault",
            "{path}"
        );
        assert_eq!(spec["automountServiceAccountToken"], false, "{path}");
        assert!(
            spec["terminationGracePeriodSeconds"].as_i64().is_some(),
            "{path}"
        );

        let labels = &template["metadata"]["labels"];
        for key in [
            "name",
            "instance",
            "version",
            "component",
            "part-of",
            "managed-by",
        ] {
            assert!(
                labels[format!("app.kubernetes.io/{key}")].is_string(),
                "{path}: label {key}"
            );
        }
        let selector = if kind == "CronJob" || kind == "Job" {
            None
        } else {
            doc["spec"]["selector"]["matchLabels"].as_object()
        };
        if let Some(selector) = selector {
            for (key, value) in selector {
                assert_eq!(
                    &labels[key], value,
                    "{path}: selector matches the pod labels"
                );
            }
        }

        let containers = spec["containers"].as_array().expect("containers");
        // Every container: the workload's own, its sidecars and its init containers.
        for container in support::hardening::every_container(spec) {
            support::hardening::assert_container_hardened(path, container);
        }
        // A read-only root filesystem needs a writable /tmp (unless the workload turned it off).
        let mounts_tmp = containers.iter().any(|c| {
            c["volumeMounts"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["mountPath"] == "/tmp"))
        });
        assert!(mounts_tmp, "{path}: /tmp is writable");

        // Pods behind a Service drain before stopping.
        let namespace = doc["metadata"]["namespace"].as_str().unwrap_or_default();
        let name = doc["metadata"]["name"].as_str().unwrap_or_default();
        if services.contains(&(namespace.to_string(), name.to_string())) {
            for container in containers {
                assert!(
                    container["lifecycle"]["preStop"]["sleep"]["seconds"]
                        .as_i64()
                        .is_some(),
                    "{path}: preStop drain"
                );
            }
        }

        // Several replicas are spread.
        let replicas = doc["spec"]["replicas"].as_i64();
        let autoscaled = docs.iter().any(|(_, d)| {
            d["kind"] == "HorizontalPodAutoscaler"
                && d["metadata"]["namespace"] == doc["metadata"]["namespace"]
                && d["spec"]["scaleTargetRef"]["name"] == doc["metadata"]["name"]
        });
        if replicas.is_some_and(|r| r >= 2) || autoscaled {
            assert!(
                spec["topologySpreadConstraints"].is_array(),
                "{path}: spread"
            );
        }
    }
    assert!(
        pods >= 8,
        "the examples cover every workload kind ({pods} pods)"
    );
}

#[test]
fn service_accounts_do_not_mount_tokens() {
    for (path, doc) in documents() {
        if doc["kind"] == "ServiceAccount" {
            assert_eq!(doc["automountServiceAccountToken"], false, "{path}");
        }
    }
}

/// No document contains an empty map, list or string, or a null — except the empty string a
/// Kyverno condition compares with to test that a field is absent, the core API group (`""`) in
/// an Argo CD project's kind lists, and the empty selector of a NetworkPolicy that applies to
/// every pod of its namespace (a required field).
#[test]
fn no_field_is_emitted_empty() {
    fn walk(path: &str, at: &str, value: &Value) {
        match value {
            Value::Null => panic!("{path}: null at {at}"),
            Value::String(s)
                if s.is_empty()
                    && !(at.contains(".conditions.")
                        || at.contains(".preconditions.")
                        || at.ends_with("].group")) =>
            {
                panic!("{path}: empty string at {at}")
            }
            Value::Array(items) => {
                assert!(!items.is_empty(), "{path}: empty list at {at}");
                for (i, item) in items.iter().enumerate() {
                    walk(path, &format!("{at}[{i}]"), item);
                }
            }
            Value::Object(map) => {
                assert!(
                    !map.is_empty() || at == ".spec.podSelector",
                    "{path}: empty map at {at}"
                );
                for (key, item) in map {
                    walk(path, &format!("{at}.{key}"), item);
                }
            }
            _ => {}
        }
    }
    for (path, doc) in documents() {
        walk(&path, "", &doc);
    }
}

#[test]
fn every_workload_kind_is_covered() {
    let kinds: std::collections::BTreeSet<String> = documents()
        .iter()
        .filter_map(|(_, d)| d["kind"].as_str().map(str::to_string))
        .collect();
    for kind in [
        "Namespace",
        "Deployment",
        "StatefulSet",
        "Job",
        "CronJob",
        "DaemonSet",
        "Service",
        "ServiceAccount",
        "ConfigMap",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "HTTPRoute",
        "Ingress",
    ] {
        assert!(kinds.contains(kind), "no example produces a {kind}");
    }
}
