//! Where each `allow … because …` is in force: a workload's own in every environment of its app,
//! an environment's (`env dev { web { allow … } }`) in that environment and those extending it.
//! An exception is unused (W0005) only when it exempts nothing in *every* environment where it is
//! in force, so the build needs to know, per environment, which exceptions are.

use super::allows_in_force;
use crate::db::{Db, Project};
use crate::semantic::decls::{DeclContent, DeclId, check_decl};
use crate::semantic::envs::{EnvKey, env_layers};
use crate::semantic::structure::project_structure;
use k8sc_grammar::Span;
use std::collections::HashMap;

/// Where one exception is written: its file and the span of the whole `allow … because "…"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllowSite {
    /// The file's display path.
    pub file: String,
    /// The whole exception.
    pub span: Span,
}

impl AllowSite {
    /// Whether `span` of `file` (a diagnostic's primary location) lies inside this exception.
    pub fn holds(&self, file: &str, span: Span) -> bool {
        crate::work::compare_diagnostic();
        self.file == file && self.span.start <= span.start && span.end <= self.span.end
    }
}

/// Exceptions found by a position inside them: each file's, sorted by where they start. Two
/// exceptions never overlap (each is one `allow … because "…"`), so only the last one starting
/// at or before a position can hold it — a binary search, where scanning every exception for
/// every unused one was quadratic.
pub struct SiteIndex<'a> {
    by_file: HashMap<&'a str, Vec<&'a AllowSite>>,
}

impl<'a> SiteIndex<'a> {
    /// Indexes `sites` (the same exception listed by several environments counts once).
    pub fn new(sites: impl IntoIterator<Item = &'a AllowSite>) -> SiteIndex<'a> {
        let mut by_file: HashMap<&'a str, Vec<&'a AllowSite>> = HashMap::new();
        for site in sites {
            by_file.entry(site.file.as_str()).or_default().push(site);
        }
        for sites in by_file.values_mut() {
            sites.sort_by_key(|site| (site.span.start, site.span.end));
            sites.dedup();
        }
        SiteIndex { by_file }
    }

    /// The exception `span` of `file` lies inside, if any.
    pub fn holding(&self, file: &str, span: Span) -> Option<&'a AllowSite> {
        let sites = self.by_file.get(file)?;
        let starting_before = sites.partition_point(|site| site.span.start <= span.start);
        sites[..starting_before]
            .last()
            .copied()
            .filter(|site| site.holds(file, span))
    }
}

/// Every exception in force in environment `env`, for every workload of every app that has it.
#[salsa::tracked(returns(ref))]
pub fn allows_in_env<'db>(db: &'db dyn Db, project: Project, env: EnvKey<'db>) -> Vec<AllowSite> {
    let mut out = Vec::new();
    for app in &project_structure(db, project).apps {
        if !app.env_names().contains(env.name(db)) {
            continue;
        }
        let decl = DeclId::new(db, app.file, app.index);
        out.extend(app_allows_in_env(db, project, decl, env).iter().cloned());
    }
    out
}

/// The exceptions in force in environment `env` for the workloads of one app. Tracked per app,
/// so that an edit of one app does not walk the workloads of the others.
#[salsa::tracked(returns(ref))]
pub fn app_allows_in_env<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    env: EnvKey<'db>,
) -> Vec<AllowSite> {
    let mut out = Vec::new();
    let Some(entry) = project_structure(db, project).app_declared_at(app.file(db), app.index(db))
    else {
        return out;
    };
    let layers = env_layers(db, project, app, env);
    for workload in &entry.workloads {
        let DeclContent::Workload { spec, .. } =
            &check_decl(db, DeclId::new(db, workload.file, workload.index)).content
        else {
            continue;
        };
        let file = workload.file.path(db);
        for allow in allows_in_force(&spec.allows, layers.allows.get(&workload.k8s_name)) {
            out.push(AllowSite {
                file: allow.origin.file().unwrap_or(file).to_string(),
                span: allow.span,
            });
        }
    }
    out
}
