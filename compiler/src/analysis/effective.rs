//! The effective values of a workload and where each was written (in the editor's environment,
//! [`super::editor_env`]): the environment's override over its own values over its app's
//! `defaults` over its tier's (nearest tier first) — found and stacked by the very lookup
//! lowering uses ([`crate::lower::workload_layers`]) — available even while the workload has
//! errors, for hovers and inlay hints.

use crate::db::{Db, Project};
use crate::lower::workload_layers;
use crate::model::spec::{Layer, Origin, WorkloadKind, WorkloadSpec};
use crate::semantic::decls::DeclId;
use crate::semantic::envs::EnvKey;
use crate::semantic::structure::project_structure;

/// A workload's stacked layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveWorkload {
    /// Its kind.
    pub kind: WorkloadKind,
    /// Its app, if it belongs to one.
    pub app: Option<String>,
    /// The tier in force for it (its own `tier:` or its app's), if it resolves.
    pub tier: Option<String>,
    /// Every value set by some layer, each with its origin; built-in defaults are not included
    /// (see the IR for those).
    pub spec: WorkloadSpec,
}

/// Stacks the layers of one workload declaration in the editor's environment; `None` for other
/// declarations.
pub fn effective_workload<'db>(
    db: &'db dyn Db,
    project: Project,
    decl: DeclId<'db>,
) -> &'db Option<EffectiveWorkload> {
    effective_workload_in(db, project, decl, super::editor_env(db, project))
}

/// Stacks the layers of one workload declaration in environment `env` (what a hover inside
/// `env staging { … }` shows); `None` for other declarations.
#[salsa::tracked(returns(ref))]
pub fn effective_workload_in<'db>(
    db: &'db dyn Db,
    project: Project,
    decl: DeclId<'db>,
    env: EnvKey<'db>,
) -> Option<EffectiveWorkload> {
    let layers = workload_layers(db, project, decl, env)?;
    let app = layers.place.and_then(|p| {
        project_structure(db, project)
            .app_declared_at(p.app_file, p.app_index)
            .map(|a| a.name.clone())
    });
    Some(EffectiveWorkload {
        kind: layers.kind,
        app,
        tier: layers.tier.map(|l| l.name.clone()),
        spec: layers.spec,
    })
}

/// The fields a spec sets, with where each value was written: `("replicas", origin)`; probes
/// are listed as `probes.ready`, `probes.live`, `probes.startup`, and keyed maps (`env`,
/// `labels`…) entry by entry as `labels.KEY`.
pub fn field_origins(spec: &WorkloadSpec) -> Vec<(String, &Origin)> {
    spec.origins()
}

/// Where a value comes from, in words: "tier `production`", "the app's defaults", "this
/// workload", "k8sc's default".
pub fn describe_layer(layer: &Layer) -> String {
    match layer {
        Layer::Env(name) => format!("environment `{name}`"),
        Layer::Workload => "this workload".to_string(),
        Layer::App => "the app's defaults".to_string(),
        Layer::Tier(name) => format!("tier `{name}`"),
        Layer::Builtin => "k8sc's default".to_string(),
    }
}
