//! Resolving references between declarations: the tiers named by apps, workloads and other tiers,
//! the parents of environments, and the workloads named in `calls` — each unresolved name is an
//! error with a suggestion, and an import nothing uses is a warning.

use super::decls::{DeclContent, DeclId, check_decl, decl_syntax};
use super::imports::resolve_imports;
use super::scope::{FileScope, file_scope};
use super::structure::{AppNames, app_names, workload_place};
use super::suggest::closest;
use crate::db::{Db, File, FileKind, Project};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::spec::{CallRef, Sourced};
use crate::syntax::parse;
use k8sc_grammar::{DeclKind, Span};
use std::collections::BTreeSet;

/// A resolved entry of `calls`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResolvedCall {
    /// The callee's app (Kubernetes name).
    pub app: String,
    /// The callee: a workload or an external host (Kubernetes name).
    pub workload: String,
    /// Whether the callee is an external host.
    pub external: bool,
    /// Where the call is written.
    pub span: Span,
    /// The call as written: its ports, paths and methods.
    pub call: CallRef,
}

/// The references of one declaration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeclResolution {
    /// The resolved `calls` of a workload.
    pub calls: Vec<ResolvedCall>,
    /// The tiers, policies and environments of the file's scope this declaration uses.
    pub used: Vec<String>,
    /// Unresolved references.
    pub diagnostics: Vec<Diagnostic>,
}

/// Resolves the references of one declaration: its parent, its `tier`, its `calls`.
#[salsa::tracked(returns(ref))]
pub fn resolve_decl<'db>(db: &'db dyn Db, project: Project, decl: DeclId<'db>) -> DeclResolution {
    let mut out = DeclResolution::default();
    let Some(syntax) = decl_syntax(db, decl) else {
        return out;
    };
    let file = decl.file(db);
    let scope = file_scope(db, project, file);
    if let Some(parent) = &syntax.parent {
        match syntax.kind {
            DeclKind::Tier | DeclKind::Env => resolve_name(
                db,
                project,
                file,
                scope,
                &parent.name,
                parent.span,
                syntax.kind,
                &mut out,
            ),
            other => out.diagnostics.push(
                Diagnostic::new(
                    Code::Syntax,
                    format!("a {} cannot extend anything", other.keyword()),
                    file.path(db),
                    parent.span,
                )
                .with_label("only tiers and environments have a parent"),
            ),
        }
    }
    let content = &check_decl(db, decl).content;
    let tier = match content {
        DeclContent::App(app) => app.tier.clone(),
        DeclContent::Workload { spec, .. } => spec.tier.clone(),
        _ => None,
    };
    let policies: Vec<(String, Span)> = match content {
        DeclContent::App(app) => app
            .policies
            .iter()
            .map(|u| (u.name.clone(), u.name_span))
            .collect(),
        DeclContent::Tier(tier) => tier
            .policies
            .iter()
            .map(|u| (u.name.clone(), u.name_span))
            .chain(tier.require_policies.iter().cloned())
            .collect(),
        _ => Vec::new(),
    };
    for (name, span) in policies {
        resolve_name(
            db,
            project,
            file,
            scope,
            &name,
            span,
            DeclKind::Policy,
            &mut out,
        );
    }
    if let Some(Sourced { value, origin }) = tier {
        resolve_name(
            db,
            project,
            file,
            scope,
            &value,
            origin.span,
            DeclKind::Tier,
            &mut out,
        );
    }
    // Priority classes are checked on effective values (lowering, E0065); naming one uses its
    // import.
    for name in named_priorities(content) {
        if scope.lookup(name, DeclKind::Priority).is_some() {
            out.used.push(name.to_string());
        }
    }
    if let DeclContent::Workload { spec, .. } = content
        && let Some(calls) = &spec.calls
    {
        let apps = app_names(db, project);
        let app = workload_place(db, project, decl)
            .as_ref()
            .and_then(|place| {
                apps.iter()
                    .find(|a| a.file == place.app_file && a.index == place.app_index)
            });
        if let Some(app) = app {
            out.calls = resolve_calls(db, apps, app, file, &calls.value, &mut out.diagnostics);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn resolve_name(
    db: &dyn Db,
    project: Project,
    file: File,
    scope: &FileScope,
    name: &str,
    span: Span,
    kind: DeclKind,
    out: &mut DeclResolution,
) {
    if scope.lookup(name, kind).is_some() {
        out.used.push(name.to_string());
        return;
    }
    let what = kind.keyword();
    let mut diagnostic = Diagnostic::new(
        Code::Unresolved,
        format!("cannot find {what} `{name}`"),
        file.path(db),
        span,
    )
    .with_label(format!("no {what} of this name is in scope"));
    if let Some((declared_in, import)) = find_anywhere(db, project, name, kind) {
        diagnostic =
            diagnostic.with_help(format!("it is declared in `{declared_in}`: add `{import}`"));
    } else if let Some(best) = closest(name, scope.names_of(kind)) {
        diagnostic = diagnostic.with_replacement(best.to_string());
    } else if let Some(best) = closest(
        name,
        declared_anywhere(db, project, kind)
            .iter()
            .map(String::as_str),
    ) && let Some((declared_in, import)) = find_anywhere(db, project, best, kind)
    {
        diagnostic = diagnostic
            .with_replacement(best.to_string())
            .with_help(format!(
                "did you mean `{best}`? it is declared in `{declared_in}`: add `{import}`"
            ));
    } else {
        let visible: Vec<&str> = scope.names_of(kind).collect();
        diagnostic = diagnostic.with_note(if visible.is_empty() {
            format!("no {what} is in scope in this file")
        } else {
            format!(
                "the {} in scope are: {}",
                if what == "policy" {
                    "policies".to_string()
                } else {
                    format!("{what}s")
                },
                visible.join(", ")
            )
        });
    }
    out.diagnostics.push(diagnostic);
}

/// Every name of `kind` declared anywhere in the project or the standard library.
fn declared_anywhere(db: &dyn Db, project: Project, kind: DeclKind) -> Vec<String> {
    project
        .stdlib(db)
        .iter()
        .chain(project.files(db))
        .flat_map(|file| {
            parse(db, *file)
                .file
                .decls()
                .filter(|d| d.kind == kind)
                .filter_map(|d| d.name.as_ref().map(|n| n.name.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The file that declares `name` and the import statement that would bring it into scope.
fn find_anywhere(
    db: &dyn Db,
    project: Project,
    name: &str,
    kind: DeclKind,
) -> Option<(String, String)> {
    if kind == DeclKind::Env {
        return None;
    }
    for file in project.stdlib(db).iter().chain(project.files(db)) {
        let declares = parse(db, *file)
            .file
            .decls()
            .any(|d| d.kind == kind && d.name.as_ref().is_some_and(|n| n.name == name));
        if !declares {
            continue;
        }
        let path = file.path(db);
        let import = match file.kind(db) {
            FileKind::Stdlib => {
                let module = path.trim_start_matches("std/").trim_end_matches(".k8s");
                format!("import std.{module}.{name}")
            }
            FileKind::Project => format!("import ./{}.{{{name}}}", path.trim_end_matches(".k8s")),
        };
        return Some((path.clone(), import));
    }
    None
}

fn resolve_calls(
    db: &dyn Db,
    apps: &[AppNames],
    app: &AppNames,
    file: File,
    calls: &[CallRef],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ResolvedCall> {
    let path = file.path(db);
    let mut resolved = Vec::new();
    for call in calls {
        let (target_app, workload_name) = match call.path.as_slice() {
            [workload] => (Some(app), workload),
            [app_name, workload] => (
                apps.iter()
                    .find(|a| a.name == *app_name || a.k8s_name == *app_name),
                workload,
            ),
            _ => continue,
        };
        let Some(target_app) = target_app else {
            let app_name = &call.path[0];
            let mut diagnostic = Diagnostic::new(
                Code::Unresolved,
                format!("cannot find app `{app_name}`"),
                path,
                call.span,
            )
            .with_label("no app of this name in the project");
            let names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
            if let Some(best) = closest(app_name, names.iter().copied()) {
                diagnostic = diagnostic.with_replacement(format!("{best}.{workload_name}"));
            }
            diagnostics.push(diagnostic);
            continue;
        };
        let named = |w: &&super::structure::WorkloadName| {
            w.name == *workload_name || w.k8s_name == *workload_name
        };
        let target = target_app
            .workloads
            .iter()
            .find(named)
            .map(|w| (w, false))
            .or_else(|| target_app.externals.iter().find(named).map(|w| (w, true)));
        match target {
            Some((target, external)) => resolved.push(ResolvedCall {
                app: target_app.k8s_name.clone(),
                workload: target.k8s_name.clone(),
                external,
                span: call.span,
                call: call.clone(),
            }),
            None => {
                let in_app = if std::ptr::eq(target_app, app) {
                    "this app".to_string()
                } else {
                    format!("app `{}`", target_app.name)
                };
                let mut diagnostic = Diagnostic::new(
                    Code::Unresolved,
                    format!("cannot find workload or external host `{workload_name}` in {in_app}"),
                    path,
                    call.span,
                )
                .with_label("unknown workload");
                let names = target_app
                    .workloads
                    .iter()
                    .chain(&target_app.externals)
                    .map(|w| w.name.as_str());
                if let Some(best) = closest(workload_name, names) {
                    let replacement = if call.path.len() == 2 {
                        format!("{}.{best}", call.path[0])
                    } else {
                        best.to_string()
                    };
                    diagnostic = diagnostic.with_replacement(replacement);
                } else if call.path.len() == 1 {
                    let elsewhere: Vec<String> = apps
                        .iter()
                        .filter(|a| {
                            a.workloads
                                .iter()
                                .chain(&a.externals)
                                .any(|w| w.name == *workload_name)
                        })
                        .map(|a| format!("{}.{workload_name}", a.name))
                        .collect();
                    if let Some(first) = elsewhere.first() {
                        diagnostic = diagnostic.with_help(format!(
                            "a workload of another app is named with its app: `{first}`"
                        ));
                    }
                }
                diagnostics.push(diagnostic);
            }
        }
    }
    resolved
}

/// The imports of a project file none of whose items its declarations use (W0002). Tracked per
/// file: only the file's own declarations can use its imports.
#[salsa::tracked(returns(ref))]
pub fn unused_imports(db: &dyn Db, project: Project, file: File) -> Vec<Diagnostic> {
    let mut used: BTreeSet<String> = BTreeSet::new();
    let count = parse(db, file).file.decls().count();
    for index in 0..count {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        used.extend(
            resolve_decl(db, project, DeclId::new(db, file, index))
                .used
                .iter()
                .cloned(),
        );
    }
    let path = file.path(db);
    let mut diagnostics = Vec::new();
    for import in &resolve_imports(db, project, file).imports {
        let provided: Vec<String> = match &import.selection {
            Some(selection) => selection.iter().map(|(n, _)| n.clone()).collect(),
            None => super::imports::importable_items(db, import.target)
                .into_iter()
                .map(|(n, _, _)| n)
                .collect(),
        };
        if !provided.iter().any(|n| used.contains(n)) {
            diagnostics.push(
                Diagnostic::new(Code::UnusedImport, "unused import", path, import.span)
                    .with_label("nothing from this import is used")
                    .with_help("remove it"),
            );
        }
    }
    diagnostics
}

/// The priority classes a declaration's own fields and defaults name.
fn named_priorities(content: &DeclContent) -> Vec<&str> {
    let specs: Vec<&crate::model::spec::WorkloadSpec> = match content {
        DeclContent::Workload { spec, .. } => vec![&**spec],
        DeclContent::App(app) => app.defaults.iter().map(|d| &**d).collect(),
        DeclContent::Tier(tier) => tier.defaults.iter().map(|d| &**d).collect(),
        DeclContent::Env(env) => env
            .app
            .defaults
            .iter()
            .map(|d| &**d)
            .chain(env.workloads.values().map(|w| &w.spec))
            .collect(),
        _ => Vec::new(),
    };
    specs
        .into_iter()
        .filter_map(|spec| spec.priority.as_ref().map(|p| p.value.as_str()))
        .collect()
}
