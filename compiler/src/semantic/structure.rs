//! How a project's declarations group into apps.
//!
//! A file declares at most one `app`; its workloads belong to it. A file without an `app` may still
//! declare workloads: they belong to the one app declared in the same directory, so a large app can
//! be split over several files. Workload names must be unique within an app, app names within the
//! project (after `_` becomes `-`, since both become Kubernetes names).

use crate::db::{Db, File, Outline, OutlineEntry, Project};
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::syntax::parse;
use crate::types::names::to_k8s_name;
use k8sc_grammar::{DeclKind, Span};
use std::collections::{BTreeMap, HashMap};

/// A workload and where it is declared.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkloadEntry {
    /// The name as written.
    pub name: String,
    /// The Kubernetes name (`_` → `-`).
    pub k8s_name: String,
    /// The declaring file.
    pub file: File,
    /// The declaration's index in its file.
    pub index: u32,
    /// The declaration keyword.
    pub keyword: DeclKind,
}

/// The one environment of an app that declares none: what it is built as, and the name of its
/// output folder.
pub const DEFAULT_ENV: &str = "default";

/// An app and its workloads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppEntry {
    /// The name as written.
    pub name: String,
    /// The Kubernetes name.
    pub k8s_name: String,
    /// The declaring file.
    pub file: File,
    /// The declaration's index in its file.
    pub index: u32,
    /// Its workloads, in file order then source order.
    pub workloads: Vec<WorkloadEntry>,
    /// Its external hosts (`keyword` is `external`), in file order then source order.
    pub externals: Vec<WorkloadEntry>,
    /// Its environments (declared in its file or directory), in file order then source order.
    pub envs: Vec<WorkloadEntry>,
}

impl WorkloadEntry {
    /// Where the name is written. Read from the declaring file's parse, not stored: the entry
    /// stays equal when typing moves the declaration, so what depends on it is reused.
    pub fn name_span(&self, db: &dyn Db) -> Span {
        name_span(db, self.file, self.index)
    }
}

impl AppEntry {
    /// Where the name is written (read from the declaring file's parse, like
    /// [`WorkloadEntry::name_span`]).
    pub fn name_span(&self, db: &dyn Db) -> Span {
        name_span(db, self.file, self.index)
    }

    /// The names of its environments, sorted; `["default"]` when it declares none.
    pub fn env_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.envs.iter().map(|e| e.name.clone()).collect();
        if names.is_empty() {
            names.push(DEFAULT_ENV.to_string());
        }
        names.sort();
        names.dedup();
        names
    }
}

/// The apps of a project.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectStructure {
    /// Apps sorted by name.
    pub apps: Vec<AppEntry>,
    /// Where each workload declaration sits: `(file, index)` → `(app, workload)` indexes.
    pub locations: HashMap<(File, u32), (usize, usize)>,
    /// Structural problems: workloads without an app, several apps in a file, duplicate names.
    pub diagnostics: Vec<Diagnostic>,
}

impl AppEntry {
    /// Adds declarations of the app: workloads, external hosts and environments.
    fn add(&mut self, entries: Vec<WorkloadEntry>) {
        for entry in entries {
            match entry.keyword {
                DeclKind::External => self.externals.push(entry),
                DeclKind::Env => self.envs.push(entry),
                _ => self.workloads.push(entry),
            }
        }
    }
}

/// "workload", "external host" or "environment", for messages.
fn noun(entry: &WorkloadEntry) -> &'static str {
    match entry.keyword {
        DeclKind::External => "external host",
        DeclKind::Env => "environment",
        _ => "workload",
    }
}

impl ProjectStructure {
    /// The app a workload declaration belongs to.
    pub fn app_of(&self, file: File, index: u32) -> Option<&AppEntry> {
        let (app, _) = self.locations.get(&(file, index))?;
        self.apps.get(*app)
    }

    /// The entry of the app declared at `index` in `file`.
    pub fn app_declared_at(&self, file: File, index: u32) -> Option<&AppEntry> {
        self.apps
            .iter()
            .find(|a| a.file == file && a.index == index)
    }
}

fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// A named declaration of a file, as the app structure sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredName {
    /// The declaration's index in its file.
    pub index: u32,
    /// Its keyword.
    pub kind: DeclKind,
    /// Its name, as written, and where.
    pub name: k8sc_grammar::ast::Ident,
}

/// Where the name of the declaration at `index` of `file` is written.
pub fn name_span(db: &dyn Db, file: File, index: u32) -> Span {
    let declared = file_declarations(db, file);
    declared
        .binary_search_by_key(&index, |d| d.index)
        .ok()
        .and_then(|at| declared.get(at))
        .map_or(Span::new(0, 0), |d| d.name.span)
}

/// The named declarations of one file, with the spans of their names. Tracked per file and
/// equal after an edit that changes no name and moves no text.
#[salsa::tracked(returns(ref))]
pub fn file_declarations(db: &dyn Db, file: File) -> Vec<DeclaredName> {
    parse(db, file)
        .file
        .decls()
        .enumerate()
        .filter_map(|(index, decl)| {
            Some(DeclaredName {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                kind: decl.kind,
                name: decl.name.clone()?,
            })
        })
        .collect()
}

/// The outline of a file: its named declarations without spans.
pub fn outline(db: &dyn Db, file: File) -> Outline {
    file_declarations(db, file)
        .iter()
        .map(|d| OutlineEntry {
            index: d.index,
            kind: d.kind,
            name: d.name.name.clone(),
        })
        .collect()
}

/// The file's outline: the tracked input when a long-lived database keeps it, else read from
/// the parse.
fn current_outline(db: &dyn Db, file: File) -> std::borrow::Cow<'_, Outline> {
    match file.outline(db) {
        Some(outline) => std::borrow::Cow::Borrowed(outline),
        None => std::borrow::Cow::Owned(outline(db, file)),
    }
}

/// Groups the project's workloads into apps. It reads the files' outlines, not their spans, so
/// an edit that only moves text leaves it valid; the spans of its diagnostics are read from the
/// files that have a problem.
#[salsa::tracked(returns(ref))]
pub fn project_structure(db: &dyn Db, project: Project) -> ProjectStructure {
    let mut diagnostics = Vec::new();
    let mut apps: Vec<AppEntry> = Vec::new();
    // Directory → indexes into `apps` of the apps declared there.
    let mut apps_by_dir: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut loose: Vec<(File, WorkloadEntry)> = Vec::new();

    for file in project.files(db) {
        let path = file.path(db);
        let mut file_app: Option<usize> = None;
        let mut file_workloads = Vec::new();
        for decl in current_outline(db, *file).iter() {
            let (index, name) = (decl.index, &decl.name);
            if decl.kind == DeclKind::App {
                if let Some(first) = file_app {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::AppStructure,
                            format!("a second app `{name}` in one file"),
                            path,
                            name_span(db, *file, index),
                        )
                        .with_label("second app")
                        .with_secondary(
                            Label::new(path, apps[first].name_span(db))
                                .with_message("this file's app"),
                        )
                        .with_help("declare each app in its own file; the workloads of a file belong to its app"),
                    );
                    continue;
                }
                file_app = Some(apps.len());
                apps_by_dir
                    .entry(directory(path))
                    .or_default()
                    .push(apps.len());
                apps.push(AppEntry {
                    name: name.clone(),
                    k8s_name: to_k8s_name(name),
                    file: *file,
                    index,
                    workloads: Vec::new(),
                    externals: Vec::new(),
                    envs: Vec::new(),
                });
            } else if decl.kind.is_workload()
                || decl.kind == DeclKind::External
                || decl.kind == DeclKind::Env
            {
                file_workloads.push(WorkloadEntry {
                    name: name.clone(),
                    k8s_name: to_k8s_name(name),
                    file: *file,
                    index,
                    keyword: decl.kind,
                });
            }
        }
        match file_app {
            Some(app) => apps[app].add(file_workloads),
            None => loose.extend(file_workloads.into_iter().map(|w| (*file, w))),
        }
    }

    for (file, workload) in loose {
        let path = file.path(db);
        match apps_by_dir.get(directory(path)).map(Vec::as_slice) {
            Some([app]) => apps[*app].add(vec![workload]),
            Some(several) => {
                let names: Vec<String> = several.iter().map(|i| format!("`{}`", apps[*i].name)).collect();
                diagnostics.push(
                    Diagnostic::new(
                        Code::AppStructure,
                        format!("{} `{}` could belong to several apps", noun(&workload), workload.name),
                        path,
                        workload.name_span(db),
                    )
                    .with_label("this file declares no app")
                    .with_note(format!("this directory declares the apps {}", names.join(" and ")))
                    .with_help("move the workload into the file of its app, or put each app in its own directory"),
                );
            }
            None => diagnostics.push(
                Diagnostic::new(
                    Code::AppStructure,
                    format!("{} `{}` is not part of any app", noun(&workload), workload.name),
                    path,
                    workload.name_span(db),
                )
                .with_label("no app is declared in this file or its directory")
                .with_help("declare the app it belongs to, e.g. `app shop { namespace: shop }`, in this file"),
            ),
        }
    }

    report_duplicate_apps(db, &apps, &mut diagnostics);
    for app in &mut apps {
        report_duplicate_workloads(db, app, &mut diagnostics);
        report_duplicate_envs(db, app, &mut diagnostics);
    }
    apps.sort_by(|a, b| a.k8s_name.cmp(&b.k8s_name).then(a.name.cmp(&b.name)));
    let locations = apps
        .iter()
        .enumerate()
        .flat_map(|(a, app)| {
            app.workloads
                .iter()
                .enumerate()
                .map(move |(w, workload)| ((workload.file, workload.index), (a, w)))
        })
        .collect();
    ProjectStructure {
        apps,
        locations,
        diagnostics,
    }
}

fn report_duplicate_apps(db: &dyn Db, apps: &[AppEntry], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &AppEntry> = BTreeMap::new();
    for app in apps {
        if let Some(first) = seen.get(app.k8s_name.as_str()) {
            diagnostics.push(duplicate(
                db,
                "app",
                &app.name,
                app.file,
                app.name_span(db),
                first.file,
                first.name_span(db),
                &first.name,
            ));
        } else {
            seen.insert(&app.k8s_name, app);
        }
    }
}

/// Duplicate workloads and external hosts are reported and dropped, so later stages see each name
/// once; `calls` names both, so they share one set of names.
fn report_duplicate_workloads(db: &dyn Db, app: &mut AppEntry, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<String, WorkloadEntry> = BTreeMap::new();
    let mut keep = |list: &mut Vec<WorkloadEntry>, seen: &mut BTreeMap<String, WorkloadEntry>| {
        let mut kept = Vec::new();
        for workload in list.drain(..) {
            if let Some(first) = seen.get(&workload.k8s_name) {
                diagnostics.push(duplicate(
                    db,
                    noun(&workload),
                    &workload.name,
                    workload.file,
                    workload.name_span(db),
                    first.file,
                    first.name_span(db),
                    &first.name,
                ));
                continue;
            }
            seen.insert(workload.k8s_name.clone(), workload.clone());
            kept.push(workload);
        }
        *list = kept;
    };
    keep(&mut app.workloads, &mut seen);
    keep(&mut app.externals, &mut seen);
}

/// Two environments of one app with the same name: the second is reported and dropped.
fn report_duplicate_envs(db: &dyn Db, app: &mut AppEntry, diagnostics: &mut Vec<Diagnostic>) {
    let mut kept: Vec<WorkloadEntry> = Vec::new();
    for env in app.envs.drain(..) {
        // Compared as Kubernetes names: `ap_southeast` and `ap-southeast` would deploy the same
        // Argo CD Application.
        if let Some(first) = kept.iter().find(|e| e.k8s_name == env.k8s_name) {
            diagnostics.push(duplicate(
                db,
                "environment",
                &env.name,
                env.file,
                env.name_span(db),
                first.file,
                first.name_span(db),
                &first.name,
            ));
            continue;
        }
        kept.push(env);
    }
    app.envs = kept;
}

#[allow(clippy::too_many_arguments)]
fn duplicate(
    db: &dyn Db,
    what: &str,
    name: &str,
    file: File,
    span: Span,
    first_file: File,
    first_span: Span,
    first_name: &str,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::Duplicate,
        format!("{what} `{name}` is declared twice"),
        file.path(db),
        span,
    )
    .with_label(format!("second {what} named `{name}`"))
    .with_secondary(Label::new(first_file.path(db), first_span).with_message("first declared here"))
    .with_help(format!("rename one of them; {what} names must be unique"));
    if first_name != name {
        diagnostic = diagnostic.with_note(format!(
            "`{first_name}` and `{name}` are the same Kubernetes name: `_` becomes `-`"
        ));
    }
    diagnostic
}

/// Where one workload declaration sits: its entry and its app's declaration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkloadPlace {
    /// The workload.
    pub entry: WorkloadEntry,
    /// The file declaring its app.
    pub app_file: File,
    /// The app declaration's index in that file.
    pub app_index: u32,
}

/// The place of one workload declaration, if it belongs to an app. A query of its own (a
/// firewall): an edit that shifts the spans of one file changes [`project_structure`], but not
/// the place of the workloads it did not move, so their checking is reused.
#[salsa::tracked(returns(ref))]
pub fn workload_place<'db>(
    db: &'db dyn Db,
    project: Project,
    decl: crate::semantic::decls::DeclId<'db>,
) -> Option<WorkloadPlace> {
    let structure = project_structure(db, project);
    let (app, workload) = structure.locations.get(&(decl.file(db), decl.index(db)))?;
    let app = structure.apps.get(*app)?;
    Some(WorkloadPlace {
        entry: app.workloads.get(*workload)?.clone(),
        app_file: app.file,
        app_index: app.index,
    })
}

/// A name of a workload: as written and as a Kubernetes name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkloadName {
    /// As written.
    pub name: String,
    /// The Kubernetes name.
    pub k8s_name: String,
}

/// An app and its workloads by name, without spans.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppNames {
    /// As written.
    pub name: String,
    /// The Kubernetes name.
    pub k8s_name: String,
    /// The declaring file.
    pub file: File,
    /// The declaration's index.
    pub index: u32,
    /// Its workloads.
    pub workloads: Vec<WorkloadName>,
    /// Its external hosts (`external NAME { host: … }`), which `calls` may name too.
    pub externals: Vec<WorkloadName>,
}

/// The names of the project's apps and workloads: what resolving `calls` needs. A firewall like
/// [`workload_place`]: unchanged by edits that only move text.
#[salsa::tracked(returns(ref))]
pub fn app_names(db: &dyn Db, project: Project) -> Vec<AppNames> {
    project_structure(db, project)
        .apps
        .iter()
        .map(|app| AppNames {
            name: app.name.clone(),
            k8s_name: app.k8s_name.clone(),
            file: app.file,
            index: app.index,
            workloads: app
                .workloads
                .iter()
                .map(|w| WorkloadName {
                    name: w.name.clone(),
                    k8s_name: w.k8s_name.clone(),
                })
                .collect(),
            externals: app
                .externals
                .iter()
                .map(|w| WorkloadName {
                    name: w.name.clone(),
                    k8s_name: w.k8s_name.clone(),
                })
                .collect(),
        })
        .collect()
}
