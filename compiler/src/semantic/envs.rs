//! Environments applied to an app: the chain of an environment (`env staging: prod`, nearest
//! first, cycles reported), its overrides folded into one layer, and every path checked against
//! the app's workloads and their kinds.

use super::decls::{DeclContent, DeclId, check_decl};
use super::env::WorkloadOverride;
use super::gitops::GitOpsFields;
use super::structure::{AppEntry, project_structure};
use super::suggest::closest;
use crate::db::{Db, Project};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::schema::WORKLOAD_FIELDS;
use crate::model::spec::{AllowSpec, AppSpec, Sourced, WorkloadKind, WorkloadSpec};
use std::collections::{BTreeMap, HashMap, HashSet};

/// An environment, by name (`default` for a project without environments).
#[salsa::interned(debug)]
pub struct EnvKey<'db> {
    /// The environment's name.
    #[returns(ref)]
    pub name: String,
}

/// The overrides of one environment for one app, its chain folded in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvLayers {
    /// App fields it overrides.
    pub app: AppSpec,
    /// The cluster it deploys to.
    pub cluster: Option<Sourced<String>>,
    /// GitOps fields it overrides, the nearest environment's winning field by field.
    pub gitops: Option<Sourced<GitOpsFields>>,
    /// Workload overrides by Kubernetes name.
    pub workloads: BTreeMap<String, WorkloadSpec>,
    /// Exceptions scoped to the environment (or to one it extends), by workload Kubernetes name:
    /// the nearest environment's first, one per rule.
    pub allows: BTreeMap<String, Vec<AllowSpec>>,
    /// Unknown workloads, fields not valid for a workload's kind, cycles.
    pub diagnostics: Vec<Diagnostic>,
}

/// The layers of environment `env` for `app`: empty for the implicit `default` environment.
#[salsa::tracked(returns(ref))]
pub fn env_layers<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    env: EnvKey<'db>,
) -> EnvLayers {
    let mut out = EnvLayers::default();
    let structure = project_structure(db, project);
    let Some(entry) = structure.app_declared_at(app.file(db), app.index(db)) else {
        return out;
    };
    // The chain: this environment, then its parent, and so on. Looked up by name and checked for
    // cycles through maps, so that a chain of n environments costs O(n), not O(n²) (limits.rs).
    let mut by_name: HashMap<&str, &super::structure::WorkloadEntry> = HashMap::new();
    for e in &entry.envs {
        by_name.entry(e.name.as_str()).or_insert(e);
    }
    let mut chain: Vec<&super::structure::WorkloadEntry> = Vec::new();
    let mut in_chain: HashSet<&str> = HashSet::new();
    let mut next = by_name.get(env.name(db).as_str()).copied();
    while let Some(current) = next {
        if !in_chain.insert(current.name.as_str()) {
            let names: Vec<String> = chain.iter().map(|e| format!("`{}`", e.name)).collect();
            if let Some(first) = chain.first() {
                out.diagnostics.push(
                    Diagnostic::new(
                        Code::EnvCycle,
                        format!("environment `{}` extends itself", first.name),
                        first.file.path(db),
                        first.name_span(db),
                    )
                    .with_label(format!("{} → `{}`", names.join(" → "), first.name))
                    .with_help("remove one of the `: PARENT` links"),
                );
            }
            break;
        }
        chain.push(current);
        next = super::decls::decl_syntax(db, DeclId::new(db, current.file, current.index))
            .and_then(|d| d.parent.as_ref())
            .and_then(|p| by_name.get(p.name.as_str()).copied());
    }
    for env_entry in chain {
        let DeclContent::Env(spec) =
            &check_decl(db, DeclId::new(db, env_entry.file, env_entry.index)).content
        else {
            continue;
        };
        out.app = std::mem::take(&mut out.app).overlay(spec.app.clone());
        if out.cluster.is_none() {
            out.cluster = spec.cluster.clone();
        }
        out.gitops = match (out.gitops.take(), &spec.gitops) {
            (Some(near), Some(far)) => {
                Some(Sourced::new(near.value.overlay(&far.value), near.origin))
            }
            (near, far) => near.or_else(|| far.clone()),
        };
        let path = env_entry.file.path(db);
        for (name, overrides) in &spec.workloads {
            let Some(workload) = entry
                .workloads
                .iter()
                .find(|w| w.name == *name || w.k8s_name == *name)
            else {
                out.diagnostics
                    .push(unknown_workload(path, name, overrides, entry));
                continue;
            };
            let Some(kind) = WorkloadKind::from_decl(workload.keyword) else {
                continue;
            };
            out.diagnostics
                .extend(fields_not_allowed(path, &workload.name, kind, overrides));
            let scoped = out.allows.entry(workload.k8s_name.clone()).or_default();
            for allow in &overrides.allows {
                // The nearest environment's exception for a rule wins over its parent's.
                if !scoped.iter().any(|a| a.name == allow.name) {
                    scoped.push(allow.clone());
                }
            }
            let layer = out.workloads.remove(&workload.k8s_name).unwrap_or_default();
            out.workloads.insert(
                workload.k8s_name.clone(),
                layer.overlay(overrides.spec.clone()),
            );
        }
    }
    out
}

fn unknown_workload(
    path: &str,
    name: &str,
    overrides: &WorkloadOverride,
    app: &AppEntry,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::UnknownEnvPath,
        format!("app `{}` has no workload `{name}`", app.name),
        path,
        overrides.name_span,
    )
    .with_label("unknown workload");
    if let Some(best) = closest(name, app.workloads.iter().map(|w| w.name.as_str())) {
        diagnostic = diagnostic.with_replacement(best.to_string());
    } else {
        let names: Vec<&str> = app.workloads.iter().map(|w| w.name.as_str()).collect();
        diagnostic = diagnostic.with_note(format!("its workloads are: {}", names.join(", ")));
    }
    diagnostic
}

fn fields_not_allowed(
    path: &str,
    workload: &str,
    kind: WorkloadKind,
    overrides: &WorkloadOverride,
) -> Vec<Diagnostic> {
    overrides
        .fields
        .iter()
        .filter_map(|(field, span)| {
            let info = WORKLOAD_FIELDS.iter().find(|f| f.name == field)?;
            (!info.kinds.allows(kind)).then(|| {
                Diagnostic::new(
                    Code::FieldNotAllowed,
                    format!("`{workload}` cannot have `{field}`"),
                    path,
                    *span,
                )
                .with_label("not valid for this kind of workload")
            })
        })
        .collect()
}
