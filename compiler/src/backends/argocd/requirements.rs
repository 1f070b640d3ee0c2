//! What the Argo CD backend's output needs: Argo CD at a release that knows every sync option
//! and feature its Applications use, installed in [`ARGOCD_NAMESPACE`], with each environment's
//! destination cluster registered.

use super::application::sync_policy;
use super::{ARGOCD_NAMESPACE, IN_CLUSTER, retention, root};
use crate::backends::needs::{Collector, Component, Version};
use crate::ir::{AppIr, ProjectIr};

/// The sync options k8sc may emit, with the Argo CD release that added each (`None`: every
/// supported release has it). An option missing here is listed without a minimum, and the
/// requirements tests fail until it is added.
pub const SYNC_OPTIONS: [(&str, Option<Version>); 5] = [
    ("CreateNamespace=false", None),
    ("PruneLast=true", None),
    // Server-side apply came in Argo CD 2.5.
    ("ServerSideApply=true", Some(Version::new(2, 5))),
    // A resource's own `Prune=false` is as old as sync options (1.1).
    ("Prune=false", None),
    // `Delete=false` (argo-cd#12448, merged for 2.7): kept through the Application's deletion.
    ("Delete=false", Some(Version::new(2, 7))),
];

/// The ApplicationSet controller is bundled with Argo CD since 2.3.
const APPLICATION_SET: Version = Version::new(2, 3);

/// The release that added sync option `option`, and whether k8sc knows it.
pub fn sync_option_minimum(option: &str) -> (bool, Option<Version>) {
    SYNC_OPTIONS
        .iter()
        .find(|(known, _)| *known == option)
        .map_or((false, None), |(_, minimum)| (true, *minimum))
}

/// States what the Argo CD resources deploying `app` need.
pub fn app(app: &AppIr, out: &mut Collector) {
    let Some(gitops) = &app.gitops else {
        return;
    };
    let name = app.name.as_str();
    out.component(
        Component::ARGOCD,
        None,
        format!(
            "the Application deploying `{name}` (`argoproj.io/v1alpha1`, applied from `argocd/`)"
        ),
        name,
    );
    let policy = sync_policy(app);
    let options = policy
        .get("syncOptions")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str);
    for option in options {
        let (_, minimum) = sync_option_minimum(option);
        if minimum.is_some() {
            out.component(
                Component::ARGOCD,
                minimum,
                format!("sync option `{option}`"),
                name,
            );
        }
    }
    // The resources that must outlive the Application carry their own options.
    for option in retention::KEEP {
        let (_, minimum) = sync_option_minimum(option);
        if minimum.is_some() {
            out.component(
                Component::ARGOCD,
                minimum,
                format!(
                    "sync option `{option}` on the Namespace and volume claims (`{}`)",
                    retention::SYNC_OPTIONS
                ),
                name,
            );
        }
    }
    if gitops.value.applicationset {
        out.component(
            Component::ARGOCD,
            Some(APPLICATION_SET),
            "an ApplicationSet with a list generator (the ApplicationSet controller)",
            name,
        );
    }
    out.cluster_object(
        "Namespace",
        None,
        ARGOCD_NAMESPACE,
        "where Argo CD runs: the Applications and AppProjects are created there",
        name,
    );
    if let Some(cluster) = app.cluster.as_ref().filter(|c| c.value != IN_CLUSTER) {
        out.cluster_object(
            "Argo CD cluster",
            Some(ARGOCD_NAMESPACE),
            &cluster.value,
            "the environment's destination, registered in Argo CD (`argocd cluster add`)",
            name,
        );
    }
}

/// States what the project-wide Argo CD resources need: the root Application's project.
pub fn project(ir: &ProjectIr, out: &mut Collector) {
    let apps: Vec<&AppIr> = ir.apps.iter().collect();
    if root::root(&apps).is_none() {
        return;
    }
    for app in apps.iter().filter(|a| a.gitops.is_some()) {
        out.cluster_object(
            "AppProject",
            Some(ARGOCD_NAMESPACE),
            "default",
            "the project of the root Application `k8sc-apps` (Argo CD creates it on install)",
            &app.name,
        );
    }
}
