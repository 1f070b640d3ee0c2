//! The effective values of a workload and where each was written (in the editor's environment,
//! [`super::editor_env`]): the environment's override over its own values over its app's
//! `defaults` over its tier's (nearest tier first) — the stack lowering starts from
//! ([`crate::lower::stack_layers`]) — available even while the workload has errors, for hovers
//! and inlay hints.

use crate::db::{Db, Project};
use crate::lower::{app_context, stack_layers};
use crate::model::spec::{Layer, Origin, WorkloadKind, WorkloadSpec};
use crate::semantic::decls::{DeclContent, DeclId, check_decl};
use crate::semantic::envs::{EnvKey, env_layers};
use crate::semantic::rules::{lookup_decl, tier_layers};
use crate::semantic::structure::{project_structure, workload_place};
use k8sc_grammar::DeclKind;

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
    let DeclContent::Workload { kind, spec } = &check_decl(db, decl).content else {
        return None;
    };
    let file = decl.file(db);
    let place = workload_place(db, project, decl).as_ref();
    let app = place.and_then(|p| {
        project_structure(db, project)
            .apps
            .iter()
            .find(|a| a.file == p.app_file && a.index == p.app_index)
    });
    let app_decl = place.map(|p| DeclId::new(db, p.app_file, p.app_index));
    let context = app_decl.map(|a| app_context(db, project, a, env));
    let env_override = app_decl.zip(place).and_then(|(a, p)| {
        env_layers(db, project, a, env)
            .workloads
            .get(&p.entry.k8s_name)
            .cloned()
    });
    let tier = match env_override
        .as_ref()
        .and_then(|o| o.tier.clone())
        .or(spec.tier.clone())
    {
        Some(t) => lookup_decl(db, project, file, &t.value, DeclKind::Tier),
        None => context
            .and_then(|c| c.tier)
            .map(|(f, i)| DeclId::new(db, f, i)),
    };
    let layers = tier.map(|t| tier_layers(db, project, t));
    let app_defaults = context.and_then(|c| c.spec.defaults.as_deref());
    Some(EffectiveWorkload {
        kind: *kind,
        app: app.map(|a| a.name.clone()),
        tier: layers.map(|l| l.name.clone()),
        spec: stack_layers(spec, *kind, env_override, app_defaults, layers),
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
