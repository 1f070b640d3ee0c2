//! One `Application` per environment of an app, or one `ApplicationSet` with a list generator
//! over the environments.

use super::{ARGOCD_NAMESPACE, EnvOutput, resource, server, source_path};
use crate::backends::Resource;
use crate::ir::AppIr;
use crate::ir::labels::app_labels;
use crate::types::names::to_k8s_name;
use serde_json::{Value, json};

/// The finalizer that makes deleting an Application delete what it deployed.
const FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// The sync policy of an app: automated as declared, no namespace creation (k8sc emits the
/// Namespace, with its Pod Security labels), server-side apply, pruning last, and retries with
/// exponential backoff.
pub(super) fn sync_policy(app: &AppIr) -> Value {
    let gitops = app.gitops.as_ref().map(|g| &g.value);
    let mut policy = json!({
        "syncOptions": ["CreateNamespace=false", "PruneLast=true", "ServerSideApply=true"],
        "retry": {
            "limit": 5,
            "backoff": {"duration": "5s", "factor": 2, "maxDuration": "3m"},
        },
    });
    if let Some(gitops) = gitops.filter(|g| g.automated)
        && let Some(map) = policy.as_object_mut()
    {
        map.insert(
            "automated".to_string(),
            json!({"prune": gitops.prune, "selfHeal": gitops.self_heal}),
        );
    }
    policy
}

/// `APP-ENV`: the environment's name is an identifier, and like every identifier it becomes a
/// Kubernetes name with `_` turned into `-` (`ap_southeast` → `media-ap-southeast`).
pub fn application_name(app: &AppIr, env: &str) -> String {
    format!("{}-{}", app.name, to_k8s_name(env))
}

/// The Application deploying `app` in environment `env`.
pub fn application(env: &str, app: &AppIr, several_apps: bool) -> Resource {
    let gitops = app.gitops.as_ref().map(|g| g.value.clone());
    let (repo, base, revision) = gitops
        .map(|g| (g.repo, g.path, g.revision))
        .unwrap_or_default();
    let name = application_name(app, env);
    let mut labels = app_labels(app);
    labels.insert("k8sc.dev/environment".to_string(), to_k8s_name(env));
    let body = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": name,
            "namespace": ARGOCD_NAMESPACE,
            "labels": labels,
            "finalizers": [FINALIZER],
        },
        "spec": {
            "project": app.name,
            "source": {
                "repoURL": repo,
                "path": source_path(&base, env, app, several_apps),
                "targetRevision": revision,
            },
            "destination": {"server": server(app), "namespace": app.namespace.value},
            "syncPolicy": sync_policy(app),
        },
    });
    resource(app, "Application", &name, body)
}

/// One ApplicationSet for every environment of `app`.
pub fn application_set(
    app: &AppIr,
    instances: &[(&EnvOutput<'_>, &AppIr)],
    several_apps: bool,
) -> Resource {
    let gitops = app.gitops.as_ref().map(|g| g.value.clone());
    let (repo, base, _) = gitops
        .map(|g| (g.repo, g.path, g.revision))
        .unwrap_or_default();
    let elements: Vec<Value> = instances
        .iter()
        .map(|(env, a)| {
            json!({
                "env": to_k8s_name(env.env),
                "server": server(a),
                "namespace": a.namespace.value,
                "repo": a.gitops.as_ref().map_or_else(|| repo.clone(), |g| g.value.repo.clone()),
                "path": source_path(
                    a.gitops.as_ref().map_or(&base, |g| &g.value.path),
                    env.env,
                    a,
                    several_apps,
                ),
                "revision": a.gitops.as_ref().map_or("main".to_string(), |g| g.value.revision.clone()),
            })
        })
        .collect();
    let mut labels = app_labels(app);
    labels.insert("k8sc.dev/environment".to_string(), "{{env}}".to_string());
    let body = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": {
            "name": app.name,
            "namespace": ARGOCD_NAMESPACE,
            "labels": app_labels(app),
        },
        "spec": {
            "generators": [{"list": {"elements": elements}}],
            "template": {
                "metadata": {
                    "name": format!("{}-{{{{env}}}}", app.name),
                    "labels": labels,
                    "finalizers": [FINALIZER],
                },
                "spec": {
                    "project": app.name,
                    "source": {
                        "repoURL": "{{repo}}",
                        "path": "{{path}}",
                        "targetRevision": "{{revision}}",
                    },
                    "destination": {"server": "{{server}}", "namespace": "{{namespace}}"},
                    "syncPolicy": sync_policy(app),
                },
            },
        },
    });
    resource(app, "ApplicationSet", &app.name, body)
}
