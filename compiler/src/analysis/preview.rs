//! What one declaration compiles to, as YAML: a workload's resources, an app's whole bundle, the
//! Kyverno policies generated from a tier's rules or from a policy. Rendered by the same
//! backends as `k8sc build` (every registered one, by what its documents are about), from the IR
//! of the current (possibly unfinished) project.

use crate::backends::{Backend, Resource, Subject, registry};
use crate::db::{Db, File, Project};
use crate::ir::graph::Graph;
use crate::ir::policy::RuleSource;
use crate::ir::{AppIr, ProjectIr};
use crate::lower::{app_context, lower_env, lower_workload_decl};
use crate::output::yaml::to_yaml;
use crate::semantic::decls::DeclId;
use crate::semantic::structure::project_structure;
use crate::syntax::parse;
use k8sc_grammar::DeclKind;
use std::collections::BTreeSet;

/// The YAML of one declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// What is shown: "service `web`".
    pub title: String,
    /// The documents, `---`-separated, each preceded by a comment naming its file; or a comment
    /// saying why there is nothing to show.
    pub yaml: String,
    /// How many documents it holds.
    pub documents: usize,
    /// The resources, as `Kind name`, in order.
    pub resources: Vec<String>,
}

/// The YAML the declaration at `index` of `file` compiles to with the registered backends; `None`
/// if there is no such declaration.
pub fn preview(db: &dyn Db, project: Project, file: File, index: u32) -> Option<Preview> {
    preview_with(registry::BACKENDS, db, project, file, index)
}

/// [`preview`] with `backends` instead of the registered ones (a test's).
pub fn preview_with(
    backends: &[&dyn Backend],
    db: &dyn Db,
    project: Project,
    file: File,
    index: u32,
) -> Option<Preview> {
    let decl = parse(db, file).file.decls().nth(index as usize)?;
    let name = decl.name.as_ref().map_or("", |n| n.name.as_str());
    let env = super::editor_env(db, project);
    let title = match env.name(db).as_str() {
        crate::output::DEFAULT_ENV => format!("{} `{name}`", decl.kind.keyword()),
        env => format!("{} `{name}` in environment `{env}`", decl.kind.keyword()),
    };
    let resources = match decl.kind {
        kind if kind.is_workload() => workload_resources(backends, db, project, file, index),
        DeclKind::App => app_resources(backends, db, project, file, index),
        DeclKind::Tier => rule_resources(
            backends,
            db,
            project,
            |source| matches!(source, RuleSource::Tier { tier, .. } if tier == name),
        ),
        DeclKind::Policy => rule_resources(
            backends,
            db,
            project,
            |source| matches!(source, RuleSource::Policy { policy, .. } if policy == name),
        ),
        _ => Err("environments are not compiled yet".to_string()),
    };
    let (yaml, names) = match resources {
        Ok(resources) if resources.is_empty() => (
            "# nothing is generated from this declaration\n".to_string(),
            Vec::new(),
        ),
        Ok(resources) => (
            render(&resources),
            resources
                .iter()
                .map(|r| format!("{} {}", r.kind, r.name))
                .collect(),
        ),
        Err(why) => (format!("# {why}\n"), Vec::new()),
    };
    Some(Preview {
        title,
        yaml,
        documents: names.len(),
        resources: names,
    })
}

/// Every document the backends about `subject` make of `ir`: backend by backend, apps in order.
fn render_subject(backends: &[&dyn Backend], subject: Subject, ir: &ProjectIr) -> Vec<Resource> {
    let graph = Graph::new(ir);
    let mut out = Vec::new();
    for backend in backends.iter().filter(|b| b.subject() == subject) {
        for app in &ir.apps {
            backend.render_app(&graph, ir, app, &mut out);
        }
    }
    out
}

fn render(resources: &[Resource]) -> String {
    let mut out = String::new();
    for resource in resources {
        out.push_str(&format!(
            "---\n# {}/{}.yaml\n",
            resource.target.folder(),
            resource.file_stem
        ));
        out.push_str(&to_yaml(&resource.body));
    }
    out
}

fn workload_resources(
    backends: &[&dyn Backend],
    db: &dyn Db,
    project: Project,
    file: File,
    index: u32,
) -> Result<Vec<Resource>, String> {
    let structure = project_structure(db, project);
    let app = structure
        .app_of(file, index)
        .ok_or("this workload belongs to no app")?;
    let env = super::editor_env(db, project);
    let lowered = lower_workload_decl(db, project, DeclId::new(db, file, index), env);
    let ir = lowered
        .ir
        .clone()
        .ok_or("this workload has errors: fix them to see what it compiles to")?;
    let name = ir.name.clone();
    // The workload's resources as `build` writes them: lowered with its whole environment, so its
    // NetworkPolicy and mesh resources see its callers and callees.
    let in_env = lower_env(db, project, env)
        .ir
        .apps
        .iter()
        .find(|a| a.name == app.k8s_name)
        .filter(|a| a.workloads.iter().any(|w| w.name == name))
        .cloned();
    let single = match in_env {
        Some(app) => ProjectIr { apps: vec![app] },
        // Another workload of the environment has errors: this one alone, without its graph.
        None => {
            let context = app_context(db, project, DeclId::new(db, app.file, app.index), env);
            ProjectIr {
                apps: vec![AppIr {
                    rules: Vec::new(),
                    workloads: vec![ir],
                    ..context.ir.clone()
                }],
            }
        }
    };
    Ok(render_subject(backends, Subject::Workloads, &single)
        .into_iter()
        .filter(|r| {
            r.body
                .pointer("/metadata/labels/app.kubernetes.io~1name")
                .and_then(serde_json::Value::as_str)
                == Some(name.as_str())
        })
        .collect())
}

fn app_resources(
    backends: &[&dyn Backend],
    db: &dyn Db,
    project: Project,
    file: File,
    index: u32,
) -> Result<Vec<Resource>, String> {
    let structure = project_structure(db, project);
    let entry = structure
        .apps
        .iter()
        .find(|a| a.file == file && a.index == index)
        .ok_or("this app is declared twice")?;
    let app = lower_env(db, project, super::editor_env(db, project))
        .ir
        .apps
        .iter()
        .find(|a| a.name == entry.k8s_name)
        .cloned()
        .ok_or("this app has errors")?;
    let single = ProjectIr { apps: vec![app] };
    // The workloads' documents, then the policies in force.
    let mut resources = render_subject(backends, Subject::Workloads, &single);
    resources.extend(render_subject(backends, Subject::Rules, &single));
    Ok(resources)
}

fn rule_resources(
    backends: &[&dyn Backend],
    db: &dyn Db,
    project: Project,
    wanted: impl Fn(&RuleSource) -> bool,
) -> Result<Vec<Resource>, String> {
    let ir = &lower_env(db, project, super::editor_env(db, project)).ir;
    let names: BTreeSet<&str> = ir
        .apps
        .iter()
        .flat_map(|a| &a.rules)
        .filter(|r| wanted(&r.source))
        .map(|r| r.name.as_str())
        .collect();
    if names.is_empty() {
        return Err("no app uses it: it generates nothing until one does".to_string());
    }
    Ok(render_subject(backends, Subject::Rules, ir)
        .into_iter()
        .filter(|r| names.contains(r.name.as_str()))
        .collect())
}
