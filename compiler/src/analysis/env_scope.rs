//! What a path inside an `env` declaration overrides, so that hover and completion there give
//! what they give where the overridden thing is declared: `web.replicas` and `web { replicas }`
//! are the field `replicas` of the workload `web` of the environment's app, `tier` and
//! `labels { … }` the app's fields, `gitops.revision` a field of the app's `gitops`, and `cluster`
//! the environment's own. The paths are read as the checker reads them (`semantic/env.rs`).

use crate::db::{Db, File, Project};
use crate::model::schema::APP_FIELDS;
use crate::semantic::envs::EnvKey;
use crate::semantic::structure::{AppEntry, WorkloadEntry, project_structure};
use crate::syntax::parse;
use k8sc_grammar::Decl;

/// The environment a position is in: its name and its app.
pub struct EnvScope<'a> {
    /// The environment's name as written.
    pub name: String,
    /// The app it belongs to (`None` while the project has no app for it).
    pub app: Option<&'a AppEntry>,
}

/// What a path of an environment overrides.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    /// A field of the app (`gitops` and its fields included).
    App(&'a AppEntry),
    /// `cluster`: the API server the environment deploys to.
    Cluster,
    /// A workload of the app.
    Workload(&'a WorkloadEntry),
}

/// A path resolved: what it overrides and the rest of the path inside it (the catalogue's path,
/// `["gitops", "sync"]` for the app, `["probes", "ready"]` for a workload).
pub struct Resolved<'a> {
    /// What is overridden.
    pub target: Target<'a>,
    /// The segments inside the target.
    pub path: Vec<String>,
}

impl<'a> EnvScope<'a> {
    /// The scope of the environment declared at `index` of `file`.
    pub fn of(
        db: &'a dyn Db,
        project: Project,
        file: File,
        index: u32,
        decl: &Decl,
    ) -> EnvScope<'a> {
        let app = project_structure(db, project)
            .apps
            .iter()
            .find(|a| a.envs.iter().any(|e| e.file == file && e.index == index));
        EnvScope {
            name: decl
                .name
                .as_ref()
                .map_or_else(String::new, |n| n.name.clone()),
            app,
        }
    }

    /// The environment as the checker keys it.
    pub fn key<'db>(&self, db: &'db dyn Db) -> EnvKey<'db> {
        EnvKey::new(db, self.name.clone())
    }

    /// The workloads an environment of this app may override, in the app's order.
    pub fn workloads(&self) -> &'a [WorkloadEntry] {
        self.app.map_or(&[], |a| a.workloads.as_slice())
    }

    /// Resolves `segments`, the path from the environment's body down (every key split at its
    /// dots); `outer_dotted` says whether the outermost key was written with a dot
    /// (`labels.team` names a workload `labels`, `labels { … }` the app's labels).
    pub fn resolve(&self, segments: &[String], outer_dotted: bool) -> Option<Resolved<'a>> {
        let (first, rest) = segments.split_first()?;
        let app = self.app?;
        if first == "gitops" {
            return Some(Resolved {
                target: Target::App(app),
                path: segments.to_vec(),
            });
        }
        if !outer_dotted && first == "cluster" && rest.is_empty() {
            return Some(Resolved {
                target: Target::Cluster,
                path: Vec::new(),
            });
        }
        if !outer_dotted && APP_FIELDS.iter().any(|f| f.name == first) {
            return Some(Resolved {
                target: Target::App(app),
                path: segments.to_vec(),
            });
        }
        let workload = self
            .workloads()
            .iter()
            .find(|w| w.name == *first || w.k8s_name == *first)?;
        Some(Resolved {
            target: Target::Workload(workload),
            path: rest.to_vec(),
        })
    }

    /// The environments that extend this one, directly or not, sorted.
    pub fn extended_by(&self, db: &dyn Db) -> Vec<String> {
        let Some(app) = self.app else {
            return Vec::new();
        };
        let parents: Vec<(String, Option<String>)> = app
            .envs
            .iter()
            .filter_map(|e| {
                let decl = parse(db, e.file).file.decls().nth(e.index as usize)?;
                Some((e.name.clone(), decl.parent.as_ref().map(|p| p.name.clone())))
            })
            .collect();
        let mut found: Vec<String> = Vec::new();
        let mut frontier = vec![self.name.clone()];
        while let Some(parent) = frontier.pop() {
            for (name, of) in &parents {
                if of.as_ref() == Some(&parent) && *name != self.name && !found.contains(name) {
                    found.push(name.clone());
                    frontier.push(name.clone());
                }
            }
        }
        found.sort();
        found
    }
}

/// The segments of a location's path: every key split at its dots.
pub fn segments(path: &[String]) -> Vec<String> {
    path.iter()
        .flat_map(|p| p.split('.'))
        .map(str::to_string)
        .collect()
}
