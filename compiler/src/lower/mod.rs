//! From checked declarations to the IR: layers are stacked by precedence, defaults filled in, and
//! what can only be judged on effective values is checked (required fields, the ports probes and
//! routes target, budgets that would block node drains…).

pub mod allow_scope;
mod capacity;
mod containers;
pub mod env_hosts;
pub mod facts;
mod files;
mod graph;
mod layers;
mod lifecycle;
mod namespaces;
mod placement;
mod policy;
mod ports;
mod requests;
mod rules;
mod service;
mod traffic;
mod workload;

use crate::db::{Db, File, Project};
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::ir::WorkloadIr;
use crate::ir::policy::ExemptionIr;
use crate::ir::{AppIr, ExternalIr, PortIr, ProjectIr};
use crate::model::gitops::{GitOps, GitOpsFields};
use crate::model::mesh::{Mesh, Network};
use crate::model::spec::{AllowSpec, AppSpec, Origin, PodSecurity, Sourced};
use crate::semantic::decls::{DeclContent, DeclId, check_decl};
use crate::semantic::envs::{EnvKey, env_layers};
use crate::semantic::policy::property::Property;
use crate::semantic::resolve::resolve_decl;
use crate::semantic::rules::{RuleInForce, TierLayers, app_policies, lookup_decl, tier_layers};
use crate::semantic::structure::{AppEntry, DEFAULT_ENV, project_structure};
use crate::syntax::parse;
use k8sc_grammar::DeclKind;
use k8sc_grammar::Span;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use layers::{WorkloadLayers, stack_layers, workload_layers};

/// The IR and the problems found while building it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lowered {
    /// The IR (complete only when no error was reported anywhere in the project).
    pub ir: ProjectIr,
    /// Problems with effective values.
    pub diagnostics: Vec<Diagnostic>,
}

/// Where lowering diagnostics go, and where to point when a value has no source location.
pub struct LowerCtx<'d> {
    /// The file of the declaration being lowered.
    pub file: Arc<str>,
    /// The declaration's name, pointed at for missing values.
    pub name_span: Span,
    /// Collected diagnostics.
    pub diagnostics: &'d mut Vec<Diagnostic>,
}

impl LowerCtx<'_> {
    /// A diagnostic at `span` in the file `origin` comes from (the declaration's file for
    /// built-in defaults, pointing at its name).
    pub fn diagnostic_at(
        &self,
        origin: &Origin,
        span: Span,
        code: Code,
        message: impl Into<String>,
    ) -> Diagnostic {
        match &origin.file() {
            Some(file) => Diagnostic::new(code, message, file, span),
            None => Diagnostic::new(code, message, &self.file, self.name_span),
        }
    }

    /// A diagnostic on the declaration's name.
    pub fn on_name(&self, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, message, &self.file, self.name_span)
    }

    /// A label at an origin, for secondary locations.
    pub fn label_at(&self, origin: &Origin, message: impl Into<String>) -> Option<Label> {
        origin
            .file()
            .map(|file| Label::new(file, origin.span).with_message(message))
    }

    /// Reports a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// What every workload of an app needs from it: its spec, its tier, its IR without workloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppContext {
    /// What the app declaration says.
    pub spec: AppSpec,
    /// The app's tier (file and declaration index), if it names one that resolves.
    pub tier: Option<(File, u32)>,
    /// The app's IR, without workloads and rules.
    pub ir: AppIr,
    /// Problems with the app's policies and its tier's required policies.
    pub diagnostics: Vec<Diagnostic>,
}

/// The context of the app declared by `app`, in environment `env`.
#[salsa::tracked(returns(ref))]
pub fn app_context<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    env: EnvKey<'db>,
) -> AppContext {
    let declared = match &check_decl(db, app).content {
        DeclContent::App(spec) => (**spec).clone(),
        _ => AppSpec::default(),
    };
    let env_layers = env_layers(db, project, app, env);
    // The environment's overrides win over the app's own values.
    let mut spec = env_layers.app.clone().overlay(declared);
    let mut gitops_diagnostics = Vec::new();
    if let Some(overrides) = &env_layers.gitops {
        spec.gitops = env_gitops(spec.gitops.as_ref(), overrides, &mut gitops_diagnostics);
    }
    let structure = project_structure(db, project);
    let entry = structure.app_declared_at(app.file(db), app.index(db));
    let tier = spec
        .tier
        .as_ref()
        .and_then(|t| lookup_decl(db, project, app.file(db), &t.value, DeclKind::Tier));
    let layers = tier.map(|t| tier_layers(db, project, t));
    let mut diagnostics = env_layers.diagnostics.clone();
    diagnostics.extend(gitops_diagnostics);
    let policies = app_policies(db, project, app);
    diagnostics.extend(policies.diagnostics.iter().cloned());
    if let Some(layers) = layers {
        diagnostics.extend(layers.diagnostics.iter().cloned());
        let path = app.file(db).path(db).clone();
        let at = spec.tier.as_ref().map_or_else(
            || entry.map_or(Span::default(), |e| e.name_span(db)),
            |t| t.origin.span,
        );
        if let Some((tier_name, file, span)) = &layers.require_gitops
            && spec.gitops.is_none()
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::GitOpsRequired,
                    format!("tier `{tier_name}` requires the app to be deployed by GitOps"),
                    &path,
                    at,
                )
                .with_label(format!("the app's tier: `{}`", layers.name))
                .with_secondary(Label::new(&**file, *span).with_message("required here"))
                .with_help(
                    "add `gitops: argocd { repo: \"https://…\", path: \"deploy/APP\" }` to the app",
                ),
            );
        }
        for (required, tier_name, file, span) in &layers.require_policies {
            if spec.policies.iter().any(|p| &p.name == required) {
                continue;
            }
            diagnostics.push(
                Diagnostic::new(
                    Code::MissingPolicy,
                    format!("tier `{tier_name}` requires the app to use policy `{required}`"),
                    &path,
                    at,
                )
                .with_label(format!("the app's tier: `{}`", layers.name))
                .with_secondary(Label::new(&**file, *span).with_message("required here"))
                .with_help(required_policy_help(db, project, app, required)),
            );
        }
    }
    let fallback;
    let entry = match entry {
        Some(entry) => entry,
        None => {
            fallback = AppEntry {
                name: String::new(),
                k8s_name: String::new(),
                file: app.file(db),
                index: app.index(db),
                workloads: Vec::new(),
                externals: Vec::new(),
                envs: Vec::new(),
            };
            &fallback
        }
    };
    let mut ir = lower_app(db, entry, &spec, layers);
    ir.env = env.name(db).clone();
    ir.cluster = env_layers.cluster.clone();
    ir.gitops = spec.gitops.clone();
    AppContext {
        spec,
        tier: tier.map(|t| (t.file(db), t.index(db))),
        ir,
        diagnostics,
    }
}

/// The app's GitOps in an environment that overrides some of its fields: each field written
/// in the environment wins; without GitOps in the app, the environment must give `repo` and
/// `path`. Under `applicationset: true` the environments share the app's sync policy (E0044).
fn env_gitops(
    app: Option<&Sourced<GitOps>>,
    overrides: &Sourced<GitOpsFields>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Sourced<GitOps>> {
    let file = overrides.origin.file().unwrap_or_default();
    let Some(app) = app else {
        let gitops = GitOps::from_fields(&overrides.value);
        if gitops.is_none() {
            diagnostics.push(
                Diagnostic::new(
                    Code::MissingField,
                    "`argocd` needs a `repo` and a `path`",
                    file,
                    overrides.origin.span,
                )
                .with_label("the app declares no `gitops` to take them from")
                .with_help("add `gitops: argocd { repo: \"https://…\", path: \"deploy/APP\" }` to the app, or give this environment both"),
            );
        }
        return gitops.map(|g| Sourced::new(g, overrides.origin.clone()));
    };
    if app.value.applicationset
        && let Some((sync, span)) = overrides.value.sync
        && sync != app.value.sync()
    {
        let mut diagnostic = Diagnostic::new(
            Code::GitOpsNotPerEnvironment,
            "with `applicationset: true`, every environment has the app's sync policy",
            file,
            span,
        )
        .with_label("differs from the app's `sync`")
        .with_help("remove `applicationset: true` from the app (one Application per environment), or this override");
        if let Some(label) = app.origin.file().map(|f| {
            Label::new(f, app.origin.span)
                .with_message("one ApplicationSet template for every environment")
        }) {
            diagnostic = diagnostic.with_secondary(label);
        }
        diagnostics.push(diagnostic);
    }
    Some(Sourced::new(
        app.value.with(&overrides.value),
        overrides.origin.clone(),
    ))
}

/// How to add a policy a tier requires: with its arguments, if it has any.
fn required_policy_help(db: &dyn Db, project: Project, app: DeclId<'_>, policy: &str) -> String {
    // The app may not import it yet: look for it anywhere, the standard library included.
    let declared = lookup_decl(db, project, app.file(db), policy, DeclKind::Policy).or_else(|| {
        project.all_files(db).into_iter().find_map(|file| {
            let index = parse(db, file).file.decls().position(|d| {
                d.kind == DeclKind::Policy && d.name.as_ref().is_some_and(|n| n.name == policy)
            })?;
            Some(DeclId::new(
                db,
                file,
                u32::try_from(index).unwrap_or(u32::MAX),
            ))
        })
    });
    let params = declared
        .and_then(|decl| match &check_decl(db, decl).content {
            DeclContent::Policy(Some(spec)) => Some(
                spec.params
                    .iter()
                    .map(|p| format!("{}: {}", p.name, p.ty.describe()))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    if params.is_empty() {
        format!("add it to the app's policies: `policies: [{policy}]`, and import it")
    } else {
        format!(
            "add it to the app's policies with its arguments ({}): `policies: [{policy}(…)]`",
            params.join(", ")
        )
    }
}

/// One workload lowered, and checked against the rules in force for it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoweredWorkload {
    /// The workload's IR, when it has no errors; shared with every environment's IR.
    pub ir: Option<Arc<WorkloadIr>>,
    /// The rules that apply to it, with its exemption from each.
    pub rules: Vec<(Arc<RuleInForce>, Option<ExemptionIr>)>,
    /// Problems with its effective values and rule violations.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lowers one workload: its layers stacked (workload over app defaults over tier defaults), its
/// defaults filled in, and its rules checked. Tracked per workload, so editing one workload
/// re-checks only that workload's values and rules.
#[salsa::tracked(returns(ref))]
pub fn lower_workload_decl<'db>(
    db: &'db dyn Db,
    project: Project,
    decl: DeclId<'db>,
    env: EnvKey<'db>,
) -> LoweredWorkload {
    let mut out = LoweredWorkload::default();
    let file = decl.file(db);
    // The layers, found and stacked as the editor finds them (`analysis::effective`).
    let Some(layers) = workload_layers(db, project, decl, env) else {
        return out;
    };
    let (Some(place), Some(app_decl), Some(context)) =
        (layers.place, layers.app_decl(db), layers.app)
    else {
        return out;
    };
    let entry = &place.entry;
    let (kind, spec) = (&layers.kind, layers.own);
    let env_layer = env_layers(db, project, app_decl, env);
    let allows = allows_in_force(&spec.allows, env_layer.allows.get(&entry.k8s_name));
    let tier = layers.tier;
    let effective = layers.spec;
    let calls = &resolve_decl(db, project, decl).calls;
    let priorities = placement::visible_priorities(
        db,
        project,
        &placement::scope_files(db, project, file, effective.priority.as_ref()),
    );
    let mut diagnostics = Vec::new();
    let ir = workload::lower_workload(
        db,
        &context.ir,
        &context.spec,
        entry,
        *kind,
        effective,
        calls,
        &priorities,
        &mut diagnostics,
    );
    let Some(mut ir) = ir else {
        out.diagnostics = diagnostics;
        return out;
    };
    // Patches are the workload's own (never inherited); they are checked against the resources
    // the Kubernetes backend generates, above lowering (`build::app_patch_diagnostics`).
    ir.patches = spec.patches.clone();
    diagnostics.extend(capacity::check_limit_range(&context.ir, &ir));
    let mut rules: Vec<Arc<RuleInForce>> = tier.map(|l| l.rules.clone()).unwrap_or_default();
    rules.extend(app_policies(db, project, app_decl).rules.iter().cloned());
    let facts = facts::workload_facts(&context.ir, &ir);
    let subject = rules::Subject {
        name: &entry.name,
        k8s_name: &entry.k8s_name,
        what: crate::semantic::workload::keyword_phrase(entry.keyword),
        kind: *kind,
        file: Arc::from(file.path(db).as_str()),
        name_span: entry.name_span(db),
        allows: &allows,
    };
    let containers: Vec<_> = ir
        .sidecars
        .iter()
        .chain(&ir.init)
        .map(|c| facts::container_facts(&facts, c))
        .collect();
    let mut outcome = rules::check_rules(&subject, &facts, &containers, &rules);
    if let Some(canary) = ir.traffic.as_ref().and_then(|t| t.canary.as_ref()) {
        let variant =
            facts::workload_facts(&context.ir, &crate::ir::graph::canary_version(&ir, canary));
        let more = rules::variant_violations(&subject, &facts, &variant, &outcome.applied);
        outcome.diagnostics.extend(more);
    }
    // A rule that demands a readiness probe says more than the generic warning.
    if outcome
        .applied
        .iter()
        .any(|(r, _)| r.deny.properties().contains(&Property::ProbesReady))
    {
        diagnostics.retain(|d| d.code != Code::NoReadinessProbe);
    }
    diagnostics.extend(outcome.diagnostics);
    diagnostics.extend(patch_weakenings(&ir, &outcome.applied));
    ir.exemptions = outcome
        .applied
        .iter()
        .filter_map(|(rule, exemption)| {
            exemption.as_ref().map(|e| {
                (
                    rule.allow_name(),
                    e.reason.clone(),
                    e.origin.layer().clone(),
                )
            })
        })
        .collect();
    out.ir = Some(Arc::new(ir));
    out.rules = outcome.applied;
    out.rules.shrink_to_fit();
    out.diagnostics = diagnostics;
    // Memoised for every workload in every environment: no spare capacity (a pushed warning
    // reserved room for four).
    out.diagnostics.shrink_to_fit();
    out
}

/// The exceptions of a workload in one environment: the environment's own (`env dev { web {
/// allow … } }`), then the workload's for every other rule. A workload's `allow` is in force in
/// every environment; an environment's only in it and in those extending it.
pub(crate) fn allows_in_force(
    own: &[AllowSpec],
    scoped: Option<&Vec<AllowSpec>>,
) -> Vec<AllowSpec> {
    let scoped: &[AllowSpec] = scoped.map_or(&[], Vec::as_slice);
    let mut out = scoped.to_vec();
    out.extend(
        own.iter()
            .filter(|allow| !scoped.iter().any(|a| a.name == allow.name))
            .cloned(),
    );
    out
}

/// W0020 for each piece of hardening a patch turns off that no rule in force tests: a rule that
/// tests it reports the patched value itself (E0024), or an `allow` exempts the workload.
fn patch_weakenings(
    ir: &WorkloadIr,
    applied: &[(Arc<RuleInForce>, Option<ExemptionIr>)],
) -> Vec<Diagnostic> {
    use crate::semantic::patch_security::weakenings;
    let mut out = Vec::new();
    for patch in &ir.patches {
        for (hardening, span) in weakenings(patch) {
            let covered = facts::patched_property(hardening).is_some_and(|(property, _)| {
                applied
                    .iter()
                    .any(|(rule, _)| rule.deny.properties().contains(&property))
            });
            if covered {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::PatchWeakens,
                    format!(
                        "this patch turns off `{}`, part of the hardening k8sc gives every pod",
                        hardening.field()
                    ),
                    &patch.file,
                    span,
                )
                .with_label("weakens the pod's hardening")
                .with_note("no rule in force for this workload requires it")
                .with_help(
                    "if the workload needs it, say why in a comment; a tier such as `production` \
                     refuses it unless the workload has `allow RULE because \"…\"`",
                ),
            );
        }
    }
    out
}

/// The names of every environment of the project, sorted (`default` when none is declared).
#[salsa::tracked(returns(ref))]
pub fn environments(db: &dyn Db, project: Project) -> Vec<String> {
    let mut names: Vec<String> = project_structure(db, project)
        .apps
        .iter()
        .flat_map(AppEntry::env_names)
        .collect();
    if names.is_empty() {
        names.push(DEFAULT_ENV.to_string());
    }
    names.sort();
    names.dedup();
    names
}

/// The IR of the project's first environment (`default` for a project without environments).
pub fn lower_project(db: &dyn Db, project: Project) -> &Lowered {
    let first = environments(db, project)
        .first()
        .cloned()
        .unwrap_or_else(|| DEFAULT_ENV.to_string());
    lower_env(db, project, EnvKey::new(db, first))
}

/// The problems of one app in one environment found while lowering it: its own (policies,
/// required policies), its workloads' (effective values, rule violations) and its quota at full
/// scale — what [`lower_env`] reports for it, without copying any IR. Tracked per app and
/// environment, so after an edit only the edited workload is lowered again.
#[salsa::tracked(returns(ref))]
pub fn app_diagnostics<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    env: EnvKey<'db>,
) -> Vec<Diagnostic> {
    let context = app_context(db, project, app, env);
    let mut diagnostics = context.diagnostics.clone();
    let Some(entry) = project_structure(db, project).app_declared_at(app.file(db), app.index(db))
    else {
        return diagnostics;
    };
    let mut workloads = Vec::new();
    let mut lowered = Vec::new();
    for workload in &entry.workloads {
        let result = lower_workload_decl(
            db,
            project,
            DeclId::new(db, workload.file, workload.index),
            env,
        );
        diagnostics.extend(result.diagnostics.iter().cloned());
        workloads.extend(result.ir.as_deref());
        if result.ir.is_some() {
            lowered.push(result);
        }
    }
    workloads.sort_by(|a, b| a.name.cmp(&b.name));
    let mut app_ir = context.ir.clone();
    app_ir.rules = policy::rules_of_app(&app_rules(db, project, app, context), &lowered);
    diagnostics.extend(unwritten_rules(db, project, app, &app_ir, entry));
    diagnostics.extend(capacity::check_quota(
        &context.ir,
        &workloads,
        entry.name_span(db),
    ));
    diagnostics.shrink_to_fit();
    diagnostics
}

/// The rules in force for an app: its tier's (with the policies the tier applies) and its own
/// policies'.
fn app_rules<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    context: &AppContext,
) -> Vec<Arc<RuleInForce>> {
    let mut rules: Vec<Arc<RuleInForce>> = context
        .tier
        .map(|(f, i)| {
            tier_layers(db, project, DeclId::new(db, f, i))
                .rules
                .clone()
        })
        .unwrap_or_default();
    rules.extend(app_policies(db, project, app).rules.iter().cloned());
    rules
}

/// The rules in force for `ir` (an app with its rules lowered) that no Kyverno policy enforces,
/// each reported at the rule (see [`policy::unwritten_rules`]).
fn unwritten_rules<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    ir: &AppIr,
    entry: &AppEntry,
) -> Vec<Diagnostic> {
    let own: Vec<_> = app_policies(db, project, app)
        .rules
        .iter()
        .map(|r| r.source.clone())
        .collect();
    policy::unwritten_rules(ir, &own, entry.name_span(db))
}

/// The diagnostics of [`lower_env`], gathered per app without building the environment's IR
/// (what `check` and the language server need after each edit).
#[salsa::tracked(returns(ref))]
pub fn env_diagnostics<'db>(
    db: &'db dyn Db,
    project: Project,
    env: EnvKey<'db>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut apps = Vec::new();
    for entry in &project_structure(db, project).apps {
        if !entry.env_names().contains(env.name(db)) {
            continue;
        }
        let app = DeclId::new(db, entry.file, entry.index);
        diagnostics.extend(app_diagnostics(db, project, app, env).iter().cloned());
        apps.push(&app_context(db, project, app, env).ir);
    }
    report_shared_namespaces(&apps, &mut diagnostics);
    diagnostics.extend(
        apps.iter()
            .filter_map(|a| namespaces::check_system_namespace(a)),
    );
    diagnostics.extend(env_graph_diagnostics(db, project, env).iter().cloned());
    diagnostics.shrink_to_fit();
    diagnostics
}

/// One app's part of the service graph in one environment. Tracked per app, and equal after an
/// edit the graph does not see, so the editor does not check the whole graph again on every
/// keystroke.
#[salsa::tracked(returns(ref))]
pub fn app_graph<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    env: EnvKey<'db>,
) -> graph::AppGraph {
    let ir = app_context(db, project, app, env).ir.clone();
    let entry = project_structure(db, project).app_declared_at(app.file(db), app.index(db));
    let mut workloads = Vec::new();
    let mut incomplete = false;
    let mut externals = Vec::new();
    if let Some(entry) = entry {
        for workload in &entry.workloads {
            let lowered = lower_workload_decl(
                db,
                project,
                DeclId::new(db, workload.file, workload.index),
                env,
            );
            match &lowered.ir {
                Some(ir) => workloads.push(graph::GraphNode::of(
                    ir,
                    workload.file.path(db),
                    workload.name_span(db),
                )),
                None => incomplete = true,
            }
        }
        externals = lower_externals(db, entry);
    }
    workloads.sort_by(|a, b| a.name.cmp(&b.name));
    graph::AppGraph {
        app: ir,
        workloads,
        externals,
        incomplete,
    }
}

/// What one app's calls contribute to the environment's index; equal after typing that only
/// moves text, so the index, and the other apps' checks, are reused.
#[salsa::tracked(returns(ref))]
pub fn app_calls<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    env: EnvKey<'db>,
) -> graph::AppCalls {
    graph::AppCalls::of(app_graph(db, project, app, env))
}

/// The apps of an environment: name and declaration, in the project's order.
#[salsa::tracked(returns(ref))]
pub fn env_apps<'db>(
    db: &'db dyn Db,
    project: Project,
    env: EnvKey<'db>,
) -> Vec<(String, DeclId<'db>)> {
    project_structure(db, project)
        .apps
        .iter()
        .filter(|entry| entry.env_names().contains(env.name(db)))
        .map(|entry| {
            (
                entry.k8s_name.clone(),
                DeclId::new(db, entry.file, entry.index),
            )
        })
        .collect()
}

/// The apps of an environment by name (the first of a name, as everywhere else), for the graph
/// checks' lookups of the apps a workload calls.
#[salsa::tracked(returns(ref))]
pub fn env_apps_by_name<'db>(
    db: &'db dyn Db,
    project: Project,
    env: EnvKey<'db>,
) -> BTreeMap<String, DeclId<'db>> {
    let mut by_name = BTreeMap::new();
    for (name, app) in env_apps(db, project, env) {
        by_name.entry(name.clone()).or_insert(*app);
    }
    by_name
}

/// Who calls whom in an environment, for the checks of each app.
#[salsa::tracked(returns(ref))]
pub fn env_index<'db>(db: &'db dyn Db, project: Project, env: EnvKey<'db>) -> graph::EnvIndex {
    graph::EnvIndex::new(
        env_apps(db, project, env)
            .iter()
            .map(|(_, app)| app_calls(db, project, *app, env)),
    )
}

/// The graph checks of one app in one environment. It reads the graphs of the apps its workloads
/// call, and no others, so typing in one app re-checks that app and its callers only.
#[salsa::tracked(returns(ref))]
pub fn app_graph_check<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    env: EnvKey<'db>,
) -> graph::AppCheck {
    let apps = env_apps_by_name(db, project, env);
    let lookup = |name: &str| {
        apps.get(name)
            .map(|decl| app_graph(db, project, *decl, env))
    };
    graph::check_app(
        app_graph(db, project, app, env),
        &lookup,
        env_index(db, project, env),
    )
}

/// The service graph of one environment, checked: its diagnostics and the ports each call
/// resolves to. `check`, the editor and `build` all read this one result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphCheck {
    /// The ports of each call that resolves, by app (in the environment's order), workload name
    /// and call index.
    pub resolved: Vec<(usize, String, usize, Vec<PortIr>)>,
    /// The graph's problems.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks the service graph of `env`, app by app.
#[salsa::tracked(returns(ref))]
pub fn env_graph<'db>(db: &'db dyn Db, project: Project, env: EnvKey<'db>) -> GraphCheck {
    let mut out = GraphCheck::default();
    for (index, (_, app)) in env_apps(db, project, env).iter().enumerate() {
        let check = app_graph_check(db, project, *app, env);
        out.resolved.extend(
            check
                .resolved
                .iter()
                .map(|(workload, call, ports)| (index, workload.clone(), *call, ports.clone())),
        );
        out.diagnostics.extend(check.diagnostics.iter().cloned());
    }
    out
}

/// The problems of the service graph of `env`: what `check` and the editor need from it. Apart
/// from [`env_graph`], which also gathers every call's resolved ports (with their spans) for
/// `build`: typing that moves a callee's ports changes those, not the problems, so the editor
/// neither rebuilds nor drops that list on each keystroke.
#[salsa::tracked(returns(ref))]
pub fn env_graph_diagnostics<'db>(
    db: &'db dyn Db,
    project: Project,
    env: EnvKey<'db>,
) -> Vec<Diagnostic> {
    env_apps(db, project, env)
        .iter()
        .flat_map(|(_, app)| app_graph_check(db, project, *app, env).diagnostics.iter())
        .cloned()
        .collect()
}

/// Builds the IR of one environment: every app that has it.
#[salsa::tracked(returns(ref))]
pub fn lower_env<'db>(db: &'db dyn Db, project: Project, env: EnvKey<'db>) -> Lowered {
    let structure = project_structure(db, project);
    let mut diagnostics = Vec::new();
    let mut apps = Vec::new();
    for entry in &structure.apps {
        if !entry.env_names().contains(env.name(db)) {
            continue;
        }
        let app_decl = DeclId::new(db, entry.file, entry.index);
        let context = app_context(db, project, app_decl, env);
        diagnostics.extend(context.diagnostics.iter().cloned());
        let mut app = context.ir.clone();
        let mut lowered = Vec::new();
        for workload in &entry.workloads {
            let result = lower_workload_decl(
                db,
                project,
                DeclId::new(db, workload.file, workload.index),
                env,
            );
            diagnostics.extend(result.diagnostics.iter().cloned());
            if let Some(ir) = &result.ir {
                app.workloads.push(Arc::clone(ir));
                lowered.push(result);
            }
        }
        app.workloads.sort_by(|a, b| a.name.cmp(&b.name));
        for workload in &app.workloads {
            diagnostics.extend(placement::check_targets(&app, workload));
        }
        app.externals = lower_externals(db, entry);
        app.rules = policy::rules_of_app(&app_rules(db, project, app_decl, context), &lowered);
        diagnostics.extend(unwritten_rules(db, project, app_decl, &app, entry));
        let workloads: Vec<&WorkloadIr> = app.workloads.iter().map(Arc::as_ref).collect();
        diagnostics.extend(capacity::check_quota(&app, &workloads, entry.name_span(db)));
        apps.push(app);
    }
    placement::assign_priority_classes(&mut apps);
    report_shared_namespaces(&apps.iter().collect::<Vec<_>>(), &mut diagnostics);
    diagnostics.extend(apps.iter().filter_map(namespaces::check_system_namespace));
    let mut ir = ProjectIr { apps };
    let checked = env_graph(db, project, env);
    apply_resolved_ports(&mut ir, &checked.resolved);
    diagnostics.extend(checked.diagnostics.iter().cloned());
    Lowered { ir, diagnostics }
}

/// Records in each app the ports the graph check resolved each call of its workloads to.
fn apply_resolved_ports(ir: &mut ProjectIr, resolved: &[(usize, String, usize, Vec<PortIr>)]) {
    for (app, workload, call, ports) in resolved {
        let Some(app) = ir.apps.get_mut(*app) else {
            continue;
        };
        let Ok(index) = app
            .workloads
            .binary_search_by(|w| w.name.as_str().cmp(workload.as_str()))
        else {
            continue;
        };
        let calls = app.workloads[index].calls.len();
        if *call >= calls {
            continue;
        }
        let per_call = app
            .call_ports
            .entry(workload.clone())
            .or_insert_with(|| vec![Vec::new(); calls]);
        per_call[*call] = ports.clone();
    }
}

/// The external hosts of an app that have no errors, sorted by name.
fn lower_externals(db: &dyn Db, entry: &AppEntry) -> Vec<ExternalIr> {
    let mut out: Vec<ExternalIr> = entry
        .externals
        .iter()
        .filter_map(|external| {
            let decl = DeclId::new(db, external.file, external.index);
            let DeclContent::External(spec) = &check_decl(db, decl).content else {
                return None;
            };
            if spec.rejected {
                return None;
            }
            Some(ExternalIr {
                name: external.k8s_name.clone(),
                file: external.file.path(db).clone(),
                host: spec.host.clone()?,
                ports: spec.ports.as_ref().map(ports::name_ports)?,
                cidrs: spec
                    .cidrs
                    .as_ref()
                    .map(|c| c.value.clone())
                    .unwrap_or_default(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn lower_app(db: &dyn Db, entry: &AppEntry, spec: &AppSpec, layers: Option<&TierLayers>) -> AppIr {
    let file = entry.file.path(db).clone();
    let namespace = spec.namespace.clone().unwrap_or_else(|| Sourced {
        value: entry.k8s_name.clone(),
        origin: Origin::at(
            crate::model::spec::Layer::App,
            &Arc::from(file.as_str()),
            entry.name_span(db),
        ),
    });
    AppIr {
        name: entry.k8s_name.clone(),
        file,
        namespace,
        team: spec.team.clone(),
        tier: spec.tier.clone(),
        pod_security: spec
            .pod_security
            .clone()
            .or_else(|| layers.and_then(|l| l.pod_security.clone()))
            .unwrap_or_else(|| Sourced::builtin(PodSecurity::Restricted)),
        gateway: spec.gateway.clone(),
        labels: spec.labels.clone(),
        annotations: spec.annotations.clone(),
        quota: spec
            .quota
            .clone()
            .or_else(|| layers.and_then(|l| l.quota.clone())),
        limit_range: spec
            .limit_range
            .clone()
            .or_else(|| layers.and_then(|l| l.limit_range.clone())),
        mesh: match spec
            .mesh
            .clone()
            .or_else(|| layers.and_then(|l| l.mesh.clone()))
        {
            Some(Sourced {
                value: Mesh::Istio { mtls },
                origin,
            }) => Some(Sourced::new(mtls, origin)),
            _ => None,
        },
        network: spec
            .network
            .clone()
            .or_else(|| layers.and_then(|l| l.network.clone()))
            .unwrap_or_else(|| Sourced::builtin(Network::Open)),
        rules: Vec::new(),
        workloads: Vec::new(),
        call_ports: BTreeMap::new(),
        externals: Vec::new(),
        priority_classes: Vec::new(),
        env: String::new(),
        cluster: None,
        gitops: None,
    }
}

/// Two apps in one namespace would both emit the Namespace and could clash on every name.
fn report_shared_namespaces(apps: &[&AppIr], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &AppIr> = BTreeMap::new();
    for &app in apps {
        let namespace = app.namespace.value.as_str();
        let Some(first) = seen.get(namespace) else {
            seen.insert(namespace, app);
            continue;
        };
        let origin = &app.namespace.origin;
        let file = origin.file().unwrap_or(app.file.as_str());
        let mut diagnostic = Diagnostic::new(
            Code::Duplicate,
            format!(
                "apps `{}` and `{}` both use namespace `{namespace}`",
                first.name, app.name
            ),
            file,
            origin.span,
        )
        .with_label("namespace already used by another app")
        .with_help("give each app its own namespace");
        if let Some(first_file) = &first.namespace.origin.file() {
            diagnostic = diagnostic.with_secondary(
                Label::new(&**first_file, first.namespace.origin.span)
                    .with_message(format!("used by `{}`", first.name)),
            );
        }
        diagnostics.push(diagnostic);
    }
}
