//! A Deployment's `claim` volume is data: Argo CD never prunes or deletes its
//! PersistentVolumeClaim, and routine edits of the workload (its image, its replicas, its other
//! files) leave the claim as it was — no field the API server refuses to update, nothing changed
//! at all — while a change of its class, which would need a new claim, is marked.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::output::semantic_diff::{Manifests, semantic_diff};

fn source(image: &str, replicas: &str, class: &str) -> String {
    format!(
        r#"
app shop {{
  namespace: shop
  gitops: argocd {{
    repo: "https://github.com/acme/platform.git"
    path: "deploy/shop"
  }}
}}

service web {{
  image: "ghcr.io/acme/web:{image}"
  port: http 8080
  probes {{ ready: http "/ready" }}
  replicas: {replicas}
  volumes {{ uploads: claim 50Gi {{ class: {class}, mount: "/srv/uploads" }} }}
}}
"#
    )
}

fn output(text: &str) -> (Manifests, Vec<(String, String)>) {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let result = build(&db, project);
    let tree = result
        .tree
        .unwrap_or_else(|| panic!("{:#?}", result.diagnostics));
    let manifests = Manifests::parse(&tree.files, "out").expect("the output parses");
    let files = tree
        .files
        .iter()
        .map(|(path, text)| (path.clone(), text.clone()))
        .collect();
    (manifests, files)
}

fn claim(files: &[(String, String)]) -> &str {
    files
        .iter()
        .find(|(path, _)| path.ends_with("persistentvolumeclaim-web-uploads.yaml"))
        .map(|(_, text)| text.as_str())
        .unwrap_or_else(|| {
            panic!(
                "no claim among {:?}",
                files.iter().map(|f| &f.0).collect::<Vec<_>>()
            )
        })
}

#[test]
fn argo_cd_never_prunes_or_deletes_the_claim() {
    let (_, files) = output(&source("1.0.0", "3", "efs"));
    let claim = claim(&files);
    assert!(
        claim.contains("argocd.argoproj.io/sync-options: Prune=false,Delete=false"),
        "{claim}"
    );
    assert!(claim.contains("- ReadWriteMany"), "{claim}");
}

#[test]
fn routine_edits_leave_the_claim_alone_and_a_class_change_is_marked() {
    let (old, old_files) = output(&source("1.0.0", "3", "efs"));
    let (new, new_files) = output(&source("1.1.0", "2..6", "efs"));
    let diff = semantic_diff(&old, &new);
    assert!(!diff.is_empty());
    assert!(diff.immutable_changes().is_empty(), "{}", diff.render());
    let spec = |text: &str| text[text.find("spec:").expect("a spec")..].to_string();
    assert_eq!(spec(claim(&old_files)), spec(claim(&new_files)));
    let (moved, _) = output(&source("1.0.0", "3", "gp3"));
    let refused: Vec<String> = semantic_diff(&old, &moved)
        .immutable_changes()
        .iter()
        .map(|(resource, change)| format!("{} {}", resource.title(), change.field))
        .collect();
    assert!(
        refused
            .iter()
            .any(|r| r.contains("PersistentVolumeClaim/web-uploads")),
        "{refused:?}"
    );
}
