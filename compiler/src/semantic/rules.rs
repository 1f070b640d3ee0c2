//! Which tier defaults and which rules apply where: tier chains (nearest tier first, cycles
//! reported), the layered defaults of a tier, and the rules in force — tier `require` rules and
//! policies with their arguments bound — each a tracked query, so an edit re-resolves only what
//! depends on it.

use super::decls::{DeclContent, DeclId, check_decl};
use super::policy::decl::PolicySpec;
use super::policy::expr::{Expr, Lit};
use super::policy::typecheck::read_literal;
use super::reader::Ctx;
use super::scope::file_scope;
use crate::db::{Db, File, Project};
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::model::spec::{
    Layer, LimitRangeIr, PodSecurity, PolicyUse, QuotaIr, Sourced, WorkloadSpec,
};
use crate::semantic::policy::source::{RuleSeverity, RuleSource};
use crate::syntax::parse;
use k8sc_grammar::{DeclKind, Span};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// The declaration of `name` (of `kind`) visible in `file`, if any.
pub fn lookup_decl<'db>(
    db: &'db dyn Db,
    project: Project,
    file: File,
    name: &str,
    kind: DeclKind,
) -> Option<DeclId<'db>> {
    let definition = file_scope(db, project, file).lookup(name, kind)?;
    let index = *decl_positions(db, definition.file).get(&(kind, name.to_string()))?;
    Some(DeclId::new(db, definition.file, index))
}

/// The position of the first declaration of each kind and name in `file`: what [`lookup_decl`]
/// needs, found once per file instead of by a scan per lookup (a chain of n tiers looked its
/// links up n² times; limits.rs).
#[salsa::tracked(returns(ref))]
fn decl_positions(db: &dyn Db, file: File) -> BTreeMap<(DeclKind, String), u32> {
    let mut positions = BTreeMap::new();
    for (index, decl) in parse(db, file).file.decls().enumerate() {
        if let Some(name) = &decl.name {
            positions
                .entry((decl.kind, name.name.clone()))
                .or_insert(u32::try_from(index).unwrap_or(u32::MAX));
        }
    }
    positions
}

/// A tier and the tiers it extends, nearest first; a cycle ends the chain where it closes.
#[salsa::tracked(returns(ref))]
pub fn tier_chain<'db>(db: &'db dyn Db, project: Project, tier: DeclId<'db>) -> Vec<DeclId<'db>> {
    let mut chain = vec![tier];
    let mut in_chain = HashSet::from([tier]);
    let mut current = tier;
    while let Some(decl) = super::decls::decl_syntax(db, current)
        && let Some(parent) = &decl.parent
        && let Some(next) = lookup_decl(db, project, current.file(db), &parent.name, DeclKind::Tier)
    {
        if !in_chain.insert(next) {
            break;
        }
        chain.push(next);
        current = next;
    }
    chain
}

/// The most tiers of a cycle one diagnostic names; a longer cycle shows its ends.
const CHAIN_SHOWN: usize = 8;

/// `names` joined by `separator`, each written by `show`, the middle of a long chain elided:
/// every tier of a cycle gets its own diagnostic, so naming the whole chain in each made a cycle
/// of n tiers n² names long (500 tiers: 8.4 MB scanned for secrets to render, `limits.rs`).
fn shown_chain(names: &[String], show: impl Fn(&String) -> String, separator: &str) -> String {
    if names.len() <= CHAIN_SHOWN {
        return names.iter().map(&show).collect::<Vec<_>>().join(separator);
    }
    let half = CHAIN_SHOWN / 2;
    let mut parts: Vec<String> = names[..half].iter().map(&show).collect();
    parts.push(format!("… {} more …", names.len() - 2 * half));
    parts.extend(names[names.len() - half..].iter().map(&show));
    parts.join(separator)
}

/// Tiers that extend themselves (one diagnostic per tier of a cycle), and problems with the
/// policies a tier applies, whether or not an app uses the tier.
#[salsa::tracked(returns(ref))]
pub fn tier_cycles(db: &dyn Db, project: Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for file in &project.all_files(db) {
        for (index, decl) in parse(db, *file).file.decls().enumerate() {
            if decl.kind != DeclKind::Tier {
                continue;
            }
            let id = DeclId::new(db, *file, u32::try_from(index).unwrap_or(u32::MAX));
            out.extend(tier_layers(db, project, id).diagnostics.iter().cloned());
            let (Some(name), Some(parent)) = (&decl.name, &decl.parent) else {
                continue;
            };
            let chain = tier_chain(db, project, id);
            let Some(last) = chain.last() else {
                continue;
            };
            let closes = super::decls::decl_syntax(db, *last)
                .and_then(|d| d.parent.as_ref())
                .and_then(|p| lookup_decl(db, project, last.file(db), &p.name, DeclKind::Tier));
            if closes != Some(id) {
                continue;
            }
            let names: Vec<String> = chain
                .iter()
                .filter_map(|t| super::decls::decl_syntax(db, *t))
                .filter_map(|d| d.name.as_ref().map(|n| n.name.clone()))
                .chain(std::iter::once(name.name.clone()))
                .collect();
            out.push(
                Diagnostic::new(
                    Code::TierCycle,
                    match names.get(1..names.len().saturating_sub(1)) {
                        Some(between) if !between.is_empty() => format!(
                            "tier `{}` extends itself through {}",
                            name.name,
                            shown_chain(between, |n| format!("`{n}`"), ", ")
                        ),
                        _ => format!("tier `{}` extends itself", name.name),
                    },
                    file.path(db),
                    parent.span,
                )
                .with_label(format!(
                    "the chain is {}",
                    shown_chain(&names, String::clone, " → ")
                ))
                .with_help(
                    "a tier may only extend tiers below it; remove one of the `: PARENT` links",
                ),
            );
        }
    }
    out
}

/// A rule in force, with parameters bound: ready to evaluate and to lower.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInForce {
    /// Where it is declared.
    pub source: RuleSource,
    /// Error or warning.
    pub severity: RuleSeverity,
    /// When a workload breaks it (`match and deny`).
    pub deny: Expr,
    /// The message with parameters filled in; `{property}` placeholders remain.
    pub message: String,
    /// The file and span of the rule, for the secondary label.
    pub file: Arc<str>,
    /// The rule's span.
    pub span: Span,
    /// What brought it into force: "tier `production`", "policy `pinned_images` of app `shop`".
    pub via: String,
    /// The properties the rule itself tests (not its `match`), which a violation points at first.
    pub focus: Vec<super::policy::property::Property>,
}

impl RuleInForce {
    /// The name `allow` uses.
    pub fn allow_name(&self) -> String {
        self.source.allow_name()
    }
}

/// A tier's effective defaults and rules, its chain folded in (nearest tier wins).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TierLayers {
    /// The tier's name.
    pub name: String,
    /// Workload defaults of the whole chain; `None` when they set nothing (see
    /// [`boxed_unless_empty`]).
    pub defaults: Option<Box<WorkloadSpec>>,
    /// The namespace's Pod Security level.
    pub pod_security: Option<Sourced<PodSecurity>>,
    /// The namespace's ResourceQuota.
    pub quota: Option<Sourced<QuotaIr>>,
    /// The namespace's LimitRange.
    pub limit_range: Option<Sourced<LimitRangeIr>>,
    /// The namespace's service mesh.
    pub mesh: Option<Sourced<super::mesh::Mesh>>,
    /// Whether the namespace denies traffic the graph does not name.
    pub network: Option<Sourced<super::mesh::Network>>,
    /// Every rule of the chain, and the policies it applies (shared: every workload of every app
    /// on the tier holds them).
    pub rules: Vec<Arc<RuleInForce>>,
    /// Policies apps of the tier must use: (policy, the tier that requires it, where).
    pub require_policies: Vec<(String, String, Arc<str>, Span)>,
    /// Whether apps of the tier must be deployed by GitOps: (the tier that requires it, where).
    pub require_gitops: Option<(String, Arc<str>, Span)>,
    /// Problems with the policies the tiers apply (arguments).
    pub diagnostics: Vec<Diagnostic>,
}

/// Workload defaults as a tier's memos keep them: `None` when they set nothing. `WorkloadSpec` is
/// 4 KB or more inline, and a tier's checked declaration and folded layers each held one: most of
/// the 12.6 KB of memos per `tier tN {}` (issue 19 item 4, docs/performance.md).
pub(crate) fn boxed_unless_empty(defaults: WorkloadSpec) -> Option<Box<WorkloadSpec>> {
    (defaults != WorkloadSpec::default()).then(|| Box::new(defaults))
}

/// Folds a tier's chain into its effective defaults and rules.
#[salsa::tracked(returns(ref))]
pub fn tier_layers<'db>(db: &'db dyn Db, project: Project, tier: DeclId<'db>) -> TierLayers {
    let mut out = TierLayers {
        name: decl_name(db, tier),
        ..TierLayers::default()
    };
    for decl in tier_chain(db, project, tier) {
        let DeclContent::Tier(spec) = &check_decl(db, *decl).content else {
            continue;
        };
        let file = decl.file(db);
        let path: Arc<str> = Arc::from(file.path(db).as_str());
        let tier_name = decl_name(db, *decl);
        let folded = out
            .defaults
            .take()
            .map(|d| *d)
            .unwrap_or_default()
            .overlay(spec.defaults.as_deref().cloned().unwrap_or_default());
        out.defaults = boxed_unless_empty(folded);
        if out.pod_security.is_none() {
            out.pod_security = spec.pod_security.clone();
        }
        if out.quota.is_none() {
            out.quota = spec.quota.clone();
        }
        if out.limit_range.is_none() {
            out.limit_range = spec.limit_range.clone();
        }
        if out.mesh.is_none() {
            out.mesh = spec.mesh.clone();
        }
        if out.network.is_none() {
            out.network = spec.network.clone();
        }
        for rule in &spec.rules {
            out.rules.push(Arc::new(RuleInForce {
                source: RuleSource::Tier {
                    tier: tier_name.clone(),
                    rule: rule.name.clone(),
                },
                severity: RuleSeverity::Error,
                deny: rule.condition.clone().negate(),
                message: rule.message.clone(),
                file: path.clone(),
                span: rule.span,
                via: format!("tier `{tier_name}`"),
                focus: rule.condition.properties(),
            }));
        }
        for policy in &spec.policies {
            match bind_policy(db, project, file, policy, &format!("tier `{tier_name}`")) {
                Ok(Some(rule)) => out.rules.push(Arc::new(rule)),
                Ok(None) => {}
                Err(diagnostic) => out.diagnostics.push(*diagnostic),
            }
        }
        if out.require_gitops.is_none()
            && let Some(span) = spec.require_gitops
        {
            out.require_gitops = Some((tier_name.clone(), path.clone(), span));
        }
        for (name, span) in &spec.require_policies {
            out.require_policies
                .push((name.clone(), tier_name.clone(), path.clone(), *span));
        }
    }
    out
}

/// The rules an app's own `policies` put in force, and problems with them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppPolicies {
    /// The bound policies (shared by the app's workloads).
    pub rules: Vec<Arc<RuleInForce>>,
    /// Argument errors.
    pub diagnostics: Vec<Diagnostic>,
}

/// Binds the policies an app lists.
#[salsa::tracked(returns(ref))]
pub fn app_policies<'db>(db: &'db dyn Db, project: Project, app: DeclId<'db>) -> AppPolicies {
    let mut out = AppPolicies::default();
    let DeclContent::App(spec) = &check_decl(db, app).content else {
        return out;
    };
    let via = format!("app `{}`", decl_name(db, app));
    for policy in &spec.policies {
        match bind_policy(db, project, app.file(db), policy, &via) {
            Ok(Some(rule)) => out.rules.push(Arc::new(rule)),
            Ok(None) => {}
            Err(diagnostic) => out.diagnostics.push(*diagnostic),
        }
    }
    out
}

/// The name of a declaration (empty if it has none).
pub fn decl_name(db: &dyn Db, decl: DeclId<'_>) -> String {
    super::decls::decl_syntax(db, decl)
        .and_then(|d| d.name.as_ref())
        .map_or_else(String::new, |n| n.name.clone())
}

/// Resolves a policy use and binds its arguments. `Ok(None)` when the policy is unresolved or
/// broken (reported elsewhere).
fn bind_policy(
    db: &dyn Db,
    project: Project,
    file: File,
    policy: &PolicyUse,
    via: &str,
) -> Result<Option<RuleInForce>, Box<Diagnostic>> {
    let Some(decl) = lookup_decl(db, project, file, &policy.name, DeclKind::Policy) else {
        return Ok(None);
    };
    let DeclContent::Policy(Some(spec)) = &check_decl(db, decl).content else {
        return Ok(None);
    };
    let path: Arc<str> = Arc::from(file.path(db).as_str());
    let args = bind_arguments(&path, policy, spec, db, decl)?;
    let deny = match &spec.matches {
        Some(m) => Expr::And(Box::new(m.bind(&args)), Box::new(spec.deny.bind(&args))),
        None => spec.deny.bind(&args),
    };
    let message = fill_parameters(&spec.message, spec, &args);
    if let Err(reason) = super::policy::normal::clauses(&deny) {
        let (code, message, label) = super::policy::decl::too_large(reason);
        return Err(Box::new(
            Diagnostic::new(
                code,
                format!("policy `{}` with these arguments {message}", policy.name),
                &path,
                policy.span,
            )
            .with_label(label)
            .with_note(super::policy::decl::too_large_note(reason))
            .with_help("pass fewer values, or split the policy"),
        ));
    }
    let focus = spec.deny.bind(&args).properties();
    Ok(Some(RuleInForce {
        source: RuleSource::Policy {
            policy: policy.name.clone(),
            args,
        },
        severity: spec.severity,
        deny,
        message,
        file: Arc::from(decl.file(db).path(db).as_str()),
        span: spec.rule_span,
        via: format!("policy `{}` of {via}", policy.name),
        focus,
    }))
}

fn bind_arguments(
    path: &Arc<str>,
    policy: &PolicyUse,
    spec: &PolicySpec,
    db: &dyn Db,
    decl: DeclId<'_>,
) -> Result<Vec<Lit>, Box<Diagnostic>> {
    let written = policy.args.as_deref().unwrap_or(&[]);
    if written.len() != spec.params.len() {
        let params: Vec<String> = spec
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name, p.ty.describe()))
            .collect();
        let mut diagnostic = Diagnostic::new(
            Code::PolicyArguments,
            format!(
                "policy `{}` takes {} argument{}, found {}",
                policy.name,
                spec.params.len(),
                if spec.params.len() == 1 { "" } else { "s" },
                written.len()
            ),
            path,
            policy.span,
        )
        .with_label("wrong number of arguments");
        if let Some(syntax) = super::decls::decl_syntax(db, decl)
            && let Some(name) = &syntax.name
        {
            diagnostic = diagnostic.with_secondary(
                Label::new(decl.file(db).path(db), name.span).with_message(format!(
                    "declared as `{}({})`",
                    policy.name,
                    params.join(", ")
                )),
            );
        }
        if written.is_empty() {
            diagnostic = diagnostic.with_help(format!("pass the arguments: `{}(…)`", policy.name));
        }
        return Err(Box::new(diagnostic));
    }
    let mut diagnostics = Vec::new();
    let mut ctx = Ctx::new(path.clone(), Layer::App, &mut diagnostics);
    let mut args = Vec::new();
    for (value, param) in written.iter().zip(&spec.params) {
        if let Some(lit) = read_literal(&mut ctx, value, &param.ty) {
            args.push(lit);
        }
    }
    if let Some(first) = diagnostics.into_iter().next() {
        let mut first = first;
        first.code = Code::PolicyArguments;
        first.severity = Code::PolicyArguments.severity();
        first.notes.push(format!(
            "policy `{}` takes {}",
            policy.name,
            spec.params
                .iter()
                .map(|p| format!("`{}: {}`", p.name, p.ty.describe()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return Err(Box::new(first));
    }
    if let Some(bad) = args
        .iter()
        .flat_map(Lit::items)
        .find(|l| matches!(l, Lit::Str(s) if s.contains(['*', '?'])))
    {
        return Err(Box::new(
            Diagnostic::new(
                Code::PolicyArguments,
                format!("argument {} contains a wildcard", bad.display()),
                path,
                policy.span,
            )
            .with_label("`*` and `?` are not allowed in policy arguments")
            .with_help("name registries and prefixes literally: `\"ghcr.io/acme\"` already matches everything under it"),
        ));
    }
    Ok(args)
}

/// Replaces `{parameter}` placeholders by the arguments, leaving `{property}` ones.
fn fill_parameters(message: &str, spec: &PolicySpec, args: &[Lit]) -> String {
    let mut out = message.to_string();
    for (param, arg) in spec.params.iter().zip(args) {
        out = out.replace(&format!("{{{}}}", param.name), &arg.plain());
    }
    out
}
