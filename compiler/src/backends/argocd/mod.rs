//! The Argo CD backend: for every app deployed by GitOps, an `AppProject` restricted to what k8sc
//! emits for it, and one `Application` per environment (or one `ApplicationSet` over them), in
//! `OUT/argocd/`; and sync waves on every resource of such an app, so that namespaces, quotas and
//! admission policies land before configuration, configuration before workloads, and workloads
//! before routing; and, on the Namespace and volume claims, the sync options that keep Argo CD
//! from ever deleting them (`retention`).

mod application;
mod project;
pub mod requirements;
pub mod retention;
pub mod root;
pub mod waves;

pub use super::EnvOutput;

use super::needs::Collector;
use super::{Backend, Kind, Kinds, Resource, SharedFolder, Subject, Target};
use crate::ir::graph::Graph;
use crate::ir::{AppIr, ProjectIr};

pub use crate::ir::platform::ARGOCD_NAMESPACE;

/// The API server of the cluster Argo CD runs in, for environments that name no `cluster`.
pub const IN_CLUSTER: &str = "https://kubernetes.default.svc";

/// Argo CD projects and applications, in `OUT/argocd/` (one folder for every environment).
pub const TARGET: Target = Target::new("argocd");

/// The Argo CD backend, as registered.
pub struct ArgoCd;

/// The kinds it emits (in its shared folder, which carries no sync waves).
const KINDS: &[Kind] = &[
    Kind::namespaced("argoproj.io", "AppProject", 0),
    Kind::namespaced("argoproj.io", "Application", 0),
    Kind::namespaced("argoproj.io", "ApplicationSet", 0),
];

impl Backend for ArgoCd {
    fn target(&self) -> Target {
        TARGET
    }

    fn subject(&self) -> Subject {
        Subject::Project
    }

    fn kinds(&self) -> &'static [Kind] {
        KINDS
    }

    /// Nothing per app: it describes the other backends' output over every environment.
    fn render_app(&self, _: &Graph<'_>, _: &ProjectIr, _: &AppIr, _: &mut Vec<Resource>) {}

    /// The sync waves of the registered kinds and the retention options, on every resource of
    /// an app deployed by GitOps.
    fn finish_app(&self, app: &AppIr, resources: &mut [Resource], kinds: Kinds<'_>) {
        if app.gitops.is_some() {
            waves::annotate(resources, kinds);
            retention::protect(resources);
        }
    }

    fn render_project(&self, envs: &[EnvOutput<'_>], several_apps: bool) -> Vec<SharedFolder> {
        let mut folders = vec![SharedFolder {
            folder: TARGET.folder(),
            resources: render(envs, several_apps),
        }];
        if let Some(root) = render_root(envs) {
            folders.push(SharedFolder {
                folder: root::ROOT_FOLDER,
                resources: vec![root],
            });
        }
        folders
    }

    fn app_requirements(&self, _ir: &ProjectIr, app: &AppIr, out: &mut Collector) {
        requirements::app(app, out);
    }

    fn project_requirements(&self, ir: &ProjectIr, out: &mut Collector) {
        requirements::project(ir, out);
    }
}

/// The app-of-apps root Application of the project, if its apps share one repository folder.
pub fn render_root(envs: &[EnvOutput<'_>]) -> Option<Resource> {
    let mut apps: Vec<&AppIr> = Vec::new();
    for app in envs.iter().flat_map(|e| e.ir.apps.iter()) {
        if !apps.iter().any(|a| a.name == app.name) {
            apps.push(app);
        }
    }
    root::root(&apps)
}

/// The Argo CD resources of every app that declares `gitops`.
pub fn render(envs: &[EnvOutput<'_>], several_apps: bool) -> Vec<Resource> {
    let mut names: Vec<&str> = envs
        .iter()
        .flat_map(|e| e.ir.apps.iter())
        .filter(|a| a.gitops.is_some())
        .map(|a| a.name.as_str())
        .collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        // The app in each environment that has it.
        let instances: Vec<(&EnvOutput<'_>, &AppIr)> = envs
            .iter()
            .filter_map(|e| e.ir.apps.iter().find(|a| a.name == name).map(|a| (e, a)))
            .filter(|(_, a)| a.gitops.is_some())
            .collect();
        let Some((_, first)) = instances.first() else {
            continue;
        };
        out.push(project::app_project(first, &instances));
        let uses_set = first
            .gitops
            .as_ref()
            .is_some_and(|g| g.value.applicationset);
        if uses_set {
            out.push(application::application_set(
                first,
                &instances,
                several_apps,
            ));
        } else {
            for (env, app) in &instances {
                out.push(application::application(env.env, app, several_apps));
            }
        }
    }
    out
}

/// The resource for a JSON body in the `argocd` folder.
fn resource(app: &AppIr, kind: &str, stem: &str, body: serde_json::Value) -> Resource {
    Resource::from_value(
        &app.name,
        TARGET,
        &app.file,
        "argoproj.io/v1alpha1",
        kind,
        stem,
        body,
    )
}

/// Where an environment's output of `app` lives in the repository.
fn source_path(base: &str, env: &str, app: &AppIr, several_apps: bool) -> String {
    if several_apps {
        format!("{base}/{env}/{}", app.name)
    } else {
        format!("{base}/{env}")
    }
}

/// The API server an environment deploys to.
fn server(app: &AppIr) -> String {
    app.cluster
        .as_ref()
        .map_or_else(|| IN_CLUSTER.to_string(), |c| c.value.clone())
}
