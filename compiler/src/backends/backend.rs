//! The interface every backend implements: what the build, the editor preview, Argo CD's sync
//! waves and AppProjects, and `k8sc requirements` ask of a target. Each target is one folder of
//! `backends/` with one implementation of [`Backend`], listed once in [`super::registry`].

use super::needs::Collector;
use super::{Resource, ResourceSummary, Target};
use crate::ir::graph::Graph;
use crate::ir::{AppIr, ProjectIr};

/// One kind of resource a backend emits, with what Argo CD needs to know of it: the AppProject's
/// allow-lists are by API group, kind and scope, and the sync wave orders the apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The API group (`""` for the core group, `apps`, `kyverno.io`, …).
    pub group: &'static str,
    /// The kind (`Deployment`).
    pub kind: &'static str,
    /// Whether it lives in a namespace (otherwise it is cluster-scoped).
    pub namespaced: bool,
    /// Argo CD's sync wave: what governs a namespace (-3, -2) before configuration (-1) before
    /// workloads (0) before routing (1).
    pub wave: i32,
}

impl Kind {
    /// A namespaced kind of `group` applied in `wave`.
    pub const fn namespaced(group: &'static str, kind: &'static str, wave: i32) -> Kind {
        Kind {
            group,
            kind,
            namespaced: true,
            wave,
        }
    }

    /// A cluster-scoped kind of `group` applied in `wave`.
    pub const fn cluster(group: &'static str, kind: &'static str, wave: i32) -> Kind {
        Kind {
            group,
            kind,
            namespaced: false,
            wave,
        }
    }
}

/// The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → the core group `""`).
pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// What a backend's per-app documents are about, which decides the editor previews that show
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// Each document belongs to one workload (labelled `app.kubernetes.io/name: WORKLOAD`) or to
    /// the app's namespace: shown in the workload's and the app's previews.
    Workloads,
    /// Each document enforces one rule in force (named after it): shown in the preview of the
    /// tier or policy declaring the rule, and in the app's, after the workloads' documents.
    Rules,
    /// The backend writes only the project's shared folders ([`Backend::render_project`]): in no
    /// declaration's preview.
    Project,
}

/// One environment's IR and a summary of the resources the backends made from it, for the
/// backends that describe the project as a whole (Argo CD).
pub struct EnvOutput<'a> {
    /// The environment's name.
    pub env: &'a str,
    /// Its IR.
    pub ir: &'a ProjectIr,
    /// What the backends emitted for it: each distinct summary once.
    pub resources: &'a [ResourceSummary],
}

/// A folder of the output shared by every environment (`OUT/argocd/`), with its documents.
pub struct SharedFolder {
    /// The folder's name under the output root.
    pub folder: &'static str,
    /// Its documents.
    pub resources: Vec<Resource>,
}

/// Every registered backend's kinds, looked up by API group and kind.
#[derive(Clone, Copy)]
pub struct Kinds<'a> {
    backends: &'a [&'a dyn Backend],
}

impl<'a> Kinds<'a> {
    /// The kinds `backends` emit.
    pub fn of(backends: &'a [&'a dyn Backend]) -> Kinds<'a> {
        Kinds { backends }
    }

    /// The registration of `kind` in the API group of `api_version`, if a backend has one.
    pub fn find(&self, api_version: &str, kind: &str) -> Option<&'static Kind> {
        let group = api_group(api_version);
        self.backends
            .iter()
            .flat_map(|b| b.kinds())
            .find(|k| k.kind == kind && k.group == group)
    }
}

/// A target k8sc writes: everything the build, the editor preview, Argo CD and
/// `k8sc requirements` ask of it. It reads only the IR.
pub trait Backend: Sync {
    /// Its target, which names its output folder.
    fn target(&self) -> Target;

    /// What its per-app documents are about (which previews show them).
    fn subject(&self) -> Subject;

    /// Every kind it emits, with its scope and sync wave. A kind missing here would get wave 0:
    /// the example tests fail on any emitted resource whose kind is not registered.
    fn kinds(&self) -> &'static [Kind];

    /// Appends its documents for `app` of `ir` to `out`; `graph` indexes the calls of the whole
    /// `ir`.
    fn render_app(&self, graph: &Graph<'_>, ir: &ProjectIr, app: &AppIr, out: &mut Vec<Resource>);

    /// Adjusts every backend's documents of `app` once they are all rendered (Argo CD adds its
    /// sync waves, looked up in `kinds`). Nothing by default.
    fn finish_app(&self, _app: &AppIr, _resources: &mut [Resource], _kinds: Kinds<'_>) {}

    /// Its documents describing the project as a whole, over every environment, in folders
    /// shared by them. None by default.
    fn render_project(&self, _envs: &[EnvOutput<'_>], _several_apps: bool) -> Vec<SharedFolder> {
        Vec::new()
    }

    /// States what its output for `app` of `ir` needs from the cluster.
    fn app_requirements(&self, ir: &ProjectIr, app: &AppIr, out: &mut Collector);

    /// States what its output for the project as a whole needs. Nothing by default.
    fn project_requirements(&self, _ir: &ProjectIr, _out: &mut Collector) {}
}
