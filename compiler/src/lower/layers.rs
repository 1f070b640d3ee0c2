//! Finding a workload's layers in an environment and stacking them by precedence (environment
//! override > workload > app `defaults` > tier `defaults`, nearest tier first): the one lookup
//! that lowering ([`super::lower_workload_decl`]) and the editor's effective values
//! (`crate::analysis::effective`) share, so that a hover shows the values the build uses.

use super::{AppContext, app_context};
use crate::db::{Db, Project};
use crate::model::spec::{WorkloadKind, WorkloadSpec};
use crate::semantic::decls::{DeclContent, DeclId, check_decl};
use crate::semantic::envs::{EnvKey, env_layers};
use crate::semantic::rules::{TierLayers, lookup_decl, tier_layers};
use crate::semantic::structure::{WorkloadPlace, workload_place};
use k8sc_grammar::DeclKind;

/// A workload's layers in one environment, found and stacked.
pub struct WorkloadLayers<'db> {
    /// Its kind.
    pub kind: WorkloadKind,
    /// What its own declaration says (its `allow`s and `patch`es are never inherited).
    pub own: &'db WorkloadSpec,
    /// Where it sits in its app; `None` for a workload no app holds.
    pub place: Option<&'db WorkloadPlace>,
    /// Its app in the environment (the app's values with the environment's overrides); `None`
    /// for a workload no app holds.
    pub app: Option<&'db AppContext>,
    /// The tier in force for it — the environment's `tier:` for it, else its own, else its
    /// app's — if that resolves.
    pub tier: Option<&'db TierLayers>,
    /// Every value some layer sets, each with its origin; built-in defaults are filled in later,
    /// by lowering.
    pub spec: WorkloadSpec,
}

impl<'db> WorkloadLayers<'db> {
    /// The declaration of its app, if it belongs to one.
    pub fn app_decl(&self, db: &'db dyn Db) -> Option<DeclId<'db>> {
        self.place
            .map(|place| DeclId::new(db, place.app_file, place.app_index))
    }
}

/// Finds and stacks the layers of workload declaration `decl` in environment `env`; `None` for
/// a declaration that is not a workload. A workload no app holds has its own values and its own
/// tier's defaults only.
pub fn workload_layers<'db>(
    db: &'db dyn Db,
    project: Project,
    decl: DeclId<'db>,
    env: EnvKey<'db>,
) -> Option<WorkloadLayers<'db>> {
    let DeclContent::Workload { kind, spec } = &check_decl(db, decl).content else {
        return None;
    };
    let place = workload_place(db, project, decl).as_ref();
    let app_decl = place.map(|p| DeclId::new(db, p.app_file, p.app_index));
    let app = app_decl.map(|a| app_context(db, project, a, env));
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
        Some(t) => lookup_decl(db, project, decl.file(db), &t.value, DeclKind::Tier),
        None => app.and_then(|c| c.tier).map(|(f, i)| DeclId::new(db, f, i)),
    };
    let tier = tier.map(|t| tier_layers(db, project, t));
    let app_defaults = app.and_then(|c| c.spec.defaults.as_deref());
    Some(WorkloadLayers {
        kind: *kind,
        own: spec,
        place,
        app,
        tier,
        spec: stack_layers(spec, *kind, env_override, app_defaults, tier),
    })
}

/// The precedence ladder of a workload's values: the environment's override, over its own
/// values, over its app's `defaults`, over its tier's defaults (nearest tier first), the lower
/// layers limited to the fields a workload of `kind` can have. Built-in defaults are filled in
/// later, during lowering.
pub fn stack_layers(
    own: &WorkloadSpec,
    kind: WorkloadKind,
    env_override: Option<WorkloadSpec>,
    app_defaults: Option<&WorkloadSpec>,
    tier: Option<&TierLayers>,
) -> WorkloadSpec {
    let mut effective = own.clone();
    if let Some(env_override) = env_override {
        effective = env_override.overlay(effective);
    }
    if let Some(app_defaults) = app_defaults {
        effective = effective.overlay(app_defaults.clone().applicable_to(kind));
    }
    if let Some(layers) = tier {
        let defaults = layers.defaults.as_deref().cloned().unwrap_or_default();
        effective = effective.overlay(defaults.applicable_to(kind));
    }
    effective
}
