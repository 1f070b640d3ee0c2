//! The whole pipeline behind `k8sc check` and `k8sc build`: every diagnostic of the project, and —
//! only when there is no error — the output tree.

use crate::backends;
use crate::db::{Db, File, FileKind, Project};
use crate::diagnostics::{self, Diagnostic};
use crate::emit::emit_environment;
use crate::ir::ProjectIr;
use crate::lower::allow_scope::{AllowSite, SiteIndex, allows_in_env};
pub use crate::lower::environments;
use crate::lower::{app_context, env_diagnostics, lower_env, lower_workload_decl};
use crate::output::{OutputTree, build_shared_tree, build_tree, requirements_tree};
use crate::semantic::decls::{DeclId, check_decl};
use crate::semantic::envs::EnvKey;
use crate::semantic::imports::{import_cycles, resolve_imports};
use crate::semantic::resolve::{resolve_decl, unused_imports};
use crate::semantic::rules::tier_cycles;
use crate::semantic::scope::file_scope;
use crate::semantic::structure::project_structure;
use crate::syntax::{parse, syntax_diagnostics};
use std::collections::HashSet;

/// Every diagnostic of the project, sorted by file and position, without duplicates.
#[salsa::tracked(returns(ref))]
pub fn project_diagnostics(db: &dyn Db, project: Project) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for file in &project.all_files(db) {
        all.extend(file_diagnostics(db, project, *file).iter().cloned());
    }
    all.extend(import_cycles(db, project).iter().cloned());
    all.extend(tier_cycles(db, project).iter().cloned());
    all.extend(project_structure(db, project).diagnostics.iter().cloned());
    all.extend(environment_diagnostics(db, project));
    all.extend(
        crate::lower::env_hosts::shared_hosts(db, project)
            .iter()
            .cloned(),
    );
    suppress_covered_warnings(&mut all);
    diagnostics::sort(&mut all);
    all.dedup();
    all
}

/// The diagnostics found in one file on its own: syntax, imports, scope, and each declaration's
/// checking and references. Tracked per file, so after an edit only the edited file's are
/// gathered again.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, project: Project, file: File) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    all.extend(syntax_diagnostics(db, file).iter().cloned());
    all.extend(
        resolve_imports(db, project, file)
            .diagnostics
            .iter()
            .cloned(),
    );
    all.extend(file_scope(db, project, file).diagnostics.iter().cloned());
    let decls = parse(db, file).file.decls().count();
    for index in 0..decls {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let decl = DeclId::new(db, file, index);
        all.extend(check_decl(db, decl).diagnostics.iter().cloned());
        all.extend(resolve_decl(db, project, decl).diagnostics.iter().cloned());
    }
    if file.kind(db) == FileKind::Project {
        all.extend(unused_imports(db, project, file).iter().cloned());
    }
    all.shrink_to_fit();
    all
}

/// The diagnostics of lowering every environment. One that every environment reports is reported
/// once; one that only some report says in which.
fn environment_diagnostics(db: &dyn Db, project: Project) -> Vec<Diagnostic> {
    let envs = environments(db, project);
    let per_env: Vec<(&String, Vec<&Diagnostic>)> = envs
        .iter()
        .map(|env| {
            let key = EnvKey::new(db, env.clone());
            let mut all: Vec<&Diagnostic> = env_diagnostics(db, project, key).iter().collect();
            all.extend(patch_diagnostics(db, project, key));
            (env, all)
        })
        .collect();
    let sites: Vec<&Vec<AllowSite>> = envs
        .iter()
        .map(|env| allows_in_env(db, project, EnvKey::new(db, env.clone())))
        .collect();
    // Each environment's diagnostics as a set, and the problems already reported keyed by
    // [`ProblemKey`]: one lookup per diagnostic instead of a scan of every one gathered
    // before (80,000 warned services took 442 s in a debug build).
    let in_env: Vec<HashSet<&Diagnostic>> = per_env
        .iter()
        .map(|(_, ds)| ds.iter().copied().collect())
        .collect();
    // The exceptions, found by a position inside them; those in force in each environment; and
    // those each environment reports unused (W0005) — looked up, not scanned, for each unused
    // one (a scan of every diagnostic of every environment per unused exception was quadratic).
    let index = SiteIndex::new(sites.iter().flat_map(|s| s.iter()));
    let in_force: Vec<HashSet<&AllowSite>> = sites.iter().map(|s| s.iter().collect()).collect();
    let unused_in: Vec<HashSet<&AllowSite>> = per_env
        .iter()
        .map(|(_, diagnostics)| {
            diagnostics
                .iter()
                .filter(|d| d.code == crate::diagnostics::Code::UnusedAllow)
                .filter_map(|d| index.holding(&d.primary.file, d.primary.span))
                .collect()
        })
        .collect();
    let mut reported: HashSet<ProblemKey<'_>> = HashSet::new();
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut unused_reported: HashSet<&AllowSite> = HashSet::new();
    for (_, diagnostics) in &per_env {
        for &diagnostic in diagnostics {
            crate::work::compare_diagnostic();
            if reported.contains(&ProblemKey::of(diagnostic)) {
                continue;
            }
            let mut in_envs: Vec<&str> = per_env
                .iter()
                .zip(&in_env)
                .filter(|(_, set)| {
                    crate::work::compare_diagnostic();
                    set.contains(diagnostic)
                })
                .map(|((env, _), _)| env.as_str())
                .collect();
            if diagnostic.code == crate::diagnostics::Code::UnusedAllow {
                // An exception needed in some environments where it is in force is not unused in
                // the others: it is reported once, when it exempts nothing anywhere it applies.
                let primary = &diagnostic.primary;
                let Some(site) = index.holding(&primary.file, primary.span) else {
                    continue;
                };
                let scope: Vec<usize> = (0..per_env.len())
                    .filter(|i| in_force[*i].contains(site))
                    .collect();
                let unused_everywhere = scope.iter().all(|i| unused_in[*i].contains(site));
                if !unused_everywhere || !unused_reported.insert(site) {
                    continue;
                }
                in_envs = scope.iter().map(|i| per_env[*i].0.as_str()).collect();
            }
            reported.insert(ProblemKey::of(diagnostic));
            let mut diagnostic = diagnostic.clone();
            if in_envs.len() < per_env.len() {
                let names: Vec<String> = in_envs.iter().map(|e| format!("`{e}`")).collect();
                diagnostic = diagnostic.with_note(format!(
                    "in environment{} {}",
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                ));
            }
            out.push(diagnostic);
        }
    }
    out
}

/// The problems of the patches of every workload of the environment's apps, one app's after
/// another's.
fn patch_diagnostics<'db>(
    db: &'db dyn Db,
    project: Project,
    env: EnvKey<'db>,
) -> impl Iterator<Item = &'db Diagnostic> {
    project_structure(db, project)
        .apps
        .iter()
        .filter(move |entry| entry.env_names().contains(env.name(db)))
        .flat_map(move |entry| {
            app_patch_diagnostics(db, project, DeclId::new(db, entry.file, entry.index), env)
        })
}

/// The problems of the patches of one app's workloads in one environment. A patch is checked by
/// generating its workload's resources with the Kubernetes backend's own code and merging it in,
/// so the check runs here, above lowering and the backends, on the lowered workload. Tracked per
/// app, like lowering's diagnostics, so that an edit re-checks only the edited app's patches.
#[salsa::tracked(returns(ref))]
fn app_patch_diagnostics<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    env: EnvKey<'db>,
) -> Vec<Diagnostic> {
    let Some(entry) = project_structure(db, project).app_declared_at(app.file(db), app.index(db))
    else {
        return Vec::new();
    };
    let context = app_context(db, project, app, env);
    let mut out = Vec::new();
    for workload in &entry.workloads {
        let decl = DeclId::new(db, workload.file, workload.index);
        if let Some(ir) = &lower_workload_decl(db, project, decl, env).ir {
            out.extend(backends::kubernetes::patch::check_patches(&context.ir, ir));
        }
    }
    out
}

/// What makes two diagnostics about the same problem (one may carry an environment note): the
/// code, the message and the primary label.
#[derive(PartialEq, Eq, Hash)]
struct ProblemKey<'a> {
    code: crate::diagnostics::Code,
    message: &'a str,
    primary: &'a crate::diagnostics::Label,
}

impl<'a> ProblemKey<'a> {
    fn of(diagnostic: &'a Diagnostic) -> ProblemKey<'a> {
        ProblemKey {
            code: diagnostic.code,
            message: &diagnostic.message,
            primary: &diagnostic.primary,
        }
    }
}

/// A `:latest` warning on an image that a rule already reports is noise: drop it. The places the
/// rules report are a set: one lookup per warning, not a scan of every rule diagnostic.
fn suppress_covered_warnings(all: &mut Vec<Diagnostic>) {
    use crate::diagnostics::Code;
    let covered: HashSet<(String, k8sc_grammar::Span)> = all
        .iter()
        .filter(|d| matches!(d.code, Code::RuleViolation | Code::RuleWarning))
        .map(|d| (d.primary.file.clone(), d.primary.span))
        .collect();
    all.retain(|d| {
        d.code != Code::UnpinnedImage
            || !covered.contains(&(d.primary.file.clone(), d.primary.span))
    });
}

/// A reviewed exception (`allow … because …`) in force in the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The app.
    pub app: String,
    /// The workload.
    pub workload: String,
    /// The rule it is exempted from (`pinned_images`, `production.replicas_min`).
    pub rule: String,
    /// The reason given.
    pub reason: String,
    /// The environments it is in force in, sorted; empty when it is in force in every
    /// environment of the app (an `allow` in the workload itself).
    pub envs: Vec<String>,
}

/// Every exception of the project, sorted, for the build summary.
pub fn exceptions(db: &dyn Db, project: Project) -> Vec<Exception> {
    use std::collections::BTreeMap;
    type Key = (String, String, String, String);
    let mut in_envs: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    // From each workload's lowering, not the environment's IR: `check` lists the exceptions
    // without assembling every environment (and copying its diagnostics) just for them.
    let structure = project_structure(db, project);
    for env in environments(db, project) {
        let key = EnvKey::new(db, env.clone());
        for app in structure
            .apps
            .iter()
            .filter(|a| a.env_names().contains(env))
        {
            for entry in &app.workloads {
                let decl = DeclId::new(db, entry.file, entry.index);
                let Some(workload) = &crate::lower::lower_workload_decl(db, project, decl, key).ir
                else {
                    continue;
                };
                for (rule, reason, layer) in &workload.exemptions {
                    let key = (
                        app.k8s_name.clone(),
                        workload.name.clone(),
                        rule.clone(),
                        reason.clone(),
                    );
                    let envs = in_envs.entry(key).or_default();
                    // A workload's own exception is in force everywhere: listed without
                    // environments.
                    if *layer != crate::model::spec::Layer::Workload {
                        envs.push(env.clone());
                    }
                }
            }
        }
    }
    let mut out: Vec<Exception> = in_envs
        .into_iter()
        .map(|((app, workload, rule, reason), envs)| Exception {
            app,
            workload,
            rule,
            reason,
            envs,
        })
        .collect();
    out.sort_by(|a, b| (&a.app, &a.workload, &a.rule).cmp(&(&b.app, &b.workload, &b.rule)));
    out
}

/// What a build produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildResult {
    /// Every diagnostic (warnings too).
    pub diagnostics: Vec<Diagnostic>,
    /// The reviewed exceptions in force.
    pub exceptions: Vec<Exception>,
    /// The output, present only when no diagnostic is an error.
    pub tree: Option<OutputTree>,
    /// What the cluster must provide, for each environment written (none when a diagnostic is
    /// an error); also in the tree, as `<env>/REQUIREMENTS.md`.
    pub requirements: Vec<crate::requirements::EnvRequirements>,
}

impl BuildResult {
    /// How many diagnostics are errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Checks the project and, if it has no errors, renders its output.
pub fn build(db: &dyn Db, project: Project) -> BuildResult {
    build_environments(db, project, &[])
}

/// Like [`build`], writing only the environments named in `only` (every one when empty); the
/// Argo CD folder always describes every environment. Unknown names are the caller's to check
/// against [`environments`].
pub fn build_environments(db: &dyn Db, project: Project, only: &[String]) -> BuildResult {
    check_project(db, project).render(only)
}

/// A checked project, ready to render: everything a build needs after the checks, owned, so
/// that the CLI can drop the database — the syntax trees, checked declarations and every other
/// memo, the larger part of a build's memory — before the output is rendered.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Every diagnostic (warnings too).
    pub diagnostics: Vec<Diagnostic>,
    /// The reviewed exceptions in force (none when a diagnostic is an error).
    pub exceptions: Vec<Exception>,
    /// Each environment's name and IR, in order; empty when a diagnostic is an error.
    envs: Vec<(String, ProjectIr)>,
    /// Whether the project has several apps (each then gets its own folder).
    several_apps: bool,
}

/// Checks the project and, if it has no errors, lowers every environment.
pub fn check_project(db: &dyn Db, project: Project) -> Checked {
    let diagnostics = project_diagnostics(db, project).clone();
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Checked {
            diagnostics,
            exceptions: Vec::new(),
            envs: Vec::new(),
            several_apps: false,
        };
    }
    let envs = environments(db, project)
        .iter()
        .map(|env| {
            let lowered = lower_env(db, project, EnvKey::new(db, env.clone()));
            (env.clone(), lowered.ir.clone())
        })
        .collect();
    Checked {
        diagnostics,
        exceptions: exceptions(db, project),
        envs,
        several_apps: project_structure(db, project).apps.len() > 1,
    }
}

impl Checked {
    /// Renders the output of the environments named in `only` (every one when empty), unless a
    /// diagnostic is an error.
    pub fn render(self, only: &[String]) -> BuildResult {
        let requirements = self.requirements(only);
        let mut diagnostics = self.diagnostics;
        let mut tree = None;
        if !diagnostics.iter().any(Diagnostic::is_error) {
            let (rendered, leaks) = render_tree(&self.envs, self.several_apps, only, &requirements);
            // The last line of defence (E0045): a generated value that looks like a credential
            // stops the build, whatever construct carried it; nothing is written.
            if leaks.is_empty() {
                tree = Some(rendered);
            } else {
                diagnostics.extend(crate::output_secrets::diagnostics(leaks));
                diagnostics::sort(&mut diagnostics);
                diagnostics.dedup();
            }
        }
        BuildResult {
            diagnostics,
            exceptions: self.exceptions,
            tree,
            requirements,
        }
    }

    /// The E0045 diagnostics of the credential-looking values in `text`, a text made from these
    /// environments that is about to be printed (`k8sc requirements`), named `document`.
    pub fn secrets_in(&self, document: &str, text: &str) -> Vec<Diagnostic> {
        let apps: Vec<&crate::ir::AppIr> = self.envs.iter().flat_map(|(_, ir)| &ir.apps).collect();
        crate::output_secrets::diagnostics(crate::output_secrets::scan_text(document, text, &apps))
    }

    /// What the cluster must provide for the environments named in `only` (every one when
    /// empty); none when a diagnostic is an error.
    pub fn requirements(&self, only: &[String]) -> Vec<crate::requirements::EnvRequirements> {
        self.envs
            .iter()
            .filter(|(env, _)| only.is_empty() || only.contains(env))
            .map(|(env, ir)| crate::requirements::for_environment(env, ir))
            .collect()
    }
}

/// The output tree of lowered environments: each environment's resources and the requirements
/// of its cluster, and the Argo CD folder describing every environment.
fn render_tree(
    envs: &[(String, ProjectIr)],
    several_apps: bool,
    only: &[String],
    requirements: &[crate::requirements::EnvRequirements],
) -> (OutputTree, Vec<crate::output_secrets::Finding>) {
    let mut tree = OutputTree::default();
    let mut outputs = Vec::new();
    let mut leaks = Vec::new();
    for (env, ir) in envs {
        let emitted = emit_environment(ir);
        leaks.extend(emitted.leaks);
        if only.is_empty() || only.contains(env) {
            tree.extend(build_tree(env, emitted.documents, several_apps));
        }
        if let Some(needs) = requirements.iter().find(|r| &r.env == env) {
            let markdown = crate::requirements::render::markdown(needs);
            let apps: Vec<&crate::ir::AppIr> = ir.apps.iter().collect();
            let document = format!(
                "requirements `{env}/{}`",
                crate::output::layout::REQUIREMENTS
            );
            leaks.extend(crate::output_secrets::scan_text(
                &document, &markdown, &apps,
            ));
            tree.extend(requirements_tree(env, markdown));
        }
        outputs.push((env.as_str(), ir, emitted.summaries));
    }
    let envs: Vec<backends::EnvOutput<'_>> = outputs
        .iter()
        .map(|(env, ir, resources)| backends::EnvOutput { env, ir, resources })
        .collect();
    let every_app: Vec<&crate::ir::AppIr> = envs.iter().flat_map(|e| e.ir.apps.iter()).collect();
    for backend in backends::registry::BACKENDS {
        for shared in backend.render_project(&envs, several_apps) {
            leaks.extend(crate::output_secrets::scan_resources(
                &shared.resources,
                &every_app,
            ));
            tree.extend(build_shared_tree(shared.folder, &shared.resources));
        }
    }
    (tree, leaks)
}
