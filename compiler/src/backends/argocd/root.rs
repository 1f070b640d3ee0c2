//! The app-of-apps root: in a project whose apps are deployed from the same repository folder, one
//! Application that deploys `OUT/argocd/` (every app's project and applications), so a cluster is
//! bootstrapped with a single `kubectl apply -f OUT/argocd-root/`.

use super::TARGET;
use super::{ARGOCD_NAMESPACE, IN_CLUSTER};
use crate::backends::Resource;
use crate::ir::AppIr;
use serde_json::json;

/// The folder of the root Application, beside `argocd/` so that it does not manage itself.
pub const ROOT_FOLDER: &str = "argocd-root";

/// The root Application, when at least two apps are deployed from one repository folder.
pub fn root(apps: &[&AppIr]) -> Option<Resource> {
    // Where each app's `argocd/` folder lives: its own GitOps, before environment overrides.
    let gitops: Vec<_> = apps
        .iter()
        .filter_map(|a| a.gitops.as_ref().map(|g| &g.value.home))
        .collect();
    let first = gitops.first()?;
    let shared = gitops.iter().all(|g| g == first);
    if gitops.len() < 2 || !shared {
        return None;
    }
    let body = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": "k8sc-apps",
            "namespace": ARGOCD_NAMESPACE,
            "labels": {"app.kubernetes.io/managed-by": "k8sc"},
            "finalizers": ["resources-finalizer.argocd.argoproj.io"],
        },
        "spec": {
            "project": "default",
            "source": {
                "repoURL": first.repo,
                "path": format!("{}/argocd", first.path),
                "targetRevision": first.revision,
            },
            "destination": {"server": IN_CLUSTER, "namespace": ARGOCD_NAMESPACE},
            "syncPolicy": {
                "automated": {"prune": true, "selfHeal": true},
                "syncOptions": ["CreateNamespace=false"],
            },
        },
    });
    let source = apps.first().map_or("", |a| a.file.as_str());
    Some(Resource::from_value(
        "",
        TARGET,
        source,
        "argoproj.io/v1alpha1",
        "Application",
        "k8sc-apps",
        body,
    ))
}
