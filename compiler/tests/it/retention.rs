//! What an Argo CD Application must never delete survives its deletion and pruning: in every
//! example and every `k8sc init`-style project whose app Argo CD deploys, the Namespace of every
//! Application carries `argocd.argoproj.io/sync-options` with `Prune=false` and `Delete=false`
//! (the resources finalizer and pruning then leave it, and the data in it, alone), every
//! PersistentVolumeClaim k8sc emits does too, and every StatefulSet with claim templates keeps its
//! claims when it is deleted or scaled down (`persistentVolumeClaimRetentionPolicy: Retain`).

use crate::support;

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::loader;
use serde_json::Value;
use std::collections::BTreeSet;
use support::examples::example_dirs as examples;

/// Every document of a project's output, with its path.
fn documents(files: Vec<(String, String)>) -> Vec<(String, Value)> {
    let db = Database::new();
    let project = db.load_project(files);
    let result = build(&db, project);
    assert!(
        result.diagnostics.iter().all(|d| !d.is_error()),
        "{:#?}",
        result.diagnostics
    );
    let tree = result.tree.expect("a clean build has output");
    tree.files
        .iter()
        .filter(|(path, _)| path.ends_with(".yaml"))
        .map(|(path, text)| {
            let doc: Value = serde_saphyr::from_str(text).expect("generated YAML parses");
            (path.clone(), doc)
        })
        .collect()
}

fn keeps(doc: &Value) -> bool {
    let options = doc["metadata"]["annotations"]["argocd.argoproj.io/sync-options"]
        .as_str()
        .unwrap_or_default();
    let options: BTreeSet<&str> = options.split(',').map(str::trim).collect();
    options.contains("Prune=false") && options.contains("Delete=false")
}

/// Checks the output of one project; returns how many (namespaces, claim-holding StatefulSets)
/// of Argo CD-deployed apps it checked.
fn check(name: &str, docs: &[(String, Value)]) -> (usize, usize) {
    // The namespaces Argo CD deploys into, and the folder of each environment's output.
    let mut deployed: BTreeSet<String> = BTreeSet::new();
    for (_, doc) in docs {
        match doc["kind"].as_str() {
            Some("Application") => {
                if let Some(ns) = doc["spec"]["destination"]["namespace"].as_str() {
                    deployed.insert(ns.to_string());
                }
            }
            Some("ApplicationSet") => {
                for element in doc["spec"]["generators"][0]["list"]["elements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    if let Some(ns) = element["namespace"].as_str() {
                        deployed.insert(ns.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    let (mut namespaces, mut statefulsets) = (0, 0);
    for (path, doc) in docs {
        let kind = doc["kind"].as_str().unwrap_or_default();
        let own_name = doc["metadata"]["name"].as_str().unwrap_or_default();
        let namespace = doc["metadata"]["namespace"].as_str().unwrap_or_default();
        match kind {
            "Namespace" if deployed.contains(own_name) => {
                namespaces += 1;
                assert!(
                    keeps(doc),
                    "{name}: {path}: Argo CD may delete the Namespace"
                );
            }
            "PersistentVolumeClaim" if deployed.contains(namespace) => {
                assert!(keeps(doc), "{name}: {path}: Argo CD may delete the claim");
            }
            "StatefulSet" if doc["spec"]["volumeClaimTemplates"].is_array() => {
                statefulsets += usize::from(deployed.contains(namespace));
                let policy = &doc["spec"]["persistentVolumeClaimRetentionPolicy"];
                assert_eq!(policy["whenDeleted"], "Retain", "{name}: {path}");
                assert_eq!(policy["whenScaled"], "Retain", "{name}: {path}");
            }
            _ => {}
        }
    }
    for ns in &deployed {
        assert!(
            docs.iter()
                .any(|(_, d)| d["kind"] == "Namespace" && d["metadata"]["name"] == *ns.as_str()),
            "{name}: Argo CD deploys into `{ns}`, which k8sc does not emit"
        );
    }
    (namespaces, statefulsets)
}

#[test]
fn every_example_keeps_its_namespaces_and_volumes_through_argocd_deletion() {
    let (mut namespaces, mut statefulsets) = (0, 0);
    for dir in examples() {
        let loaded = loader::load(&dir).expect("the example loads");
        let docs = documents(loaded.files);
        let (n, s) = check(&dir.display().to_string(), &docs);
        namespaces += n;
        statefulsets += s;
    }
    // Not vacuous: the examples deploy through Argo CD, with a database among them.
    assert!(namespaces >= 3, "only {namespaces} namespaces checked");
    assert!(
        statefulsets >= 1,
        "only {statefulsets} StatefulSets checked"
    );
}

#[test]
fn an_application_set_keeps_them_too() {
    let app = r#"
app media {
  namespace: media
  gitops: argocd {
    repo: "https://github.com/acme/media.git"
    path: "deploy"
    applicationset: true
  }
}
database db {
  image: "postgres:16.4"
  port: tcp 5432
  storage: 10Gi
}
env dev { namespace: media-dev }
env prod {}
"#;
    let docs = documents(vec![("media/app.k8s".to_string(), app.to_string())]);
    assert!(docs.iter().any(|(_, d)| d["kind"] == "ApplicationSet"));
    let (namespaces, statefulsets) = check("applicationset", &docs);
    assert_eq!((namespaces, statefulsets), (2, 2));
}
