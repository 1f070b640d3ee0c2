//! Reading a `policy` declaration: parameters, severity, `match`, `deny`/`require`, message.

use super::expr::{Expr, ParamSpec};
use super::normal::TooLarge;
use super::property::{Group, Property};
use super::typecheck::{check_condition, read_type};
use crate::diagnostics::Code;
use crate::model::schema::POLICY_FIELDS;
use crate::model::spec::WorkloadKind;
use crate::semantic::policy::source::RuleSeverity;
use crate::semantic::reader::Ctx;
use k8sc_grammar::{Decl, Span};

/// Everything a `policy` declaration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySpec {
    /// Its parameters.
    pub params: Vec<ParamSpec>,
    /// Error (default) or warning.
    pub severity: RuleSeverity,
    /// The workloads it applies to.
    pub matches: Option<Expr>,
    /// When a workload breaks it.
    pub deny: Expr,
    /// The message, with `{…}` placeholders.
    pub message: String,
    /// Where the rule (`deny`/`require`) is written.
    pub rule_span: Span,
}

/// Reads a policy; `None` if it has errors that leave it without a rule.
pub fn read_policy(ctx: &mut Ctx<'_>, decl: &Decl) -> Option<PolicySpec> {
    let mut params = Vec::new();
    for param in decl.params.iter().flatten() {
        let Some(ty_value) = &param.ty else {
            ctx.report(
                ctx.diagnostic(
                    Code::WrongType,
                    format!("parameter `{}` has no type", param.name.name),
                    param.span,
                )
                .with_label("expected `NAME: TYPE`")
                .with_help(format!(
                    "write `{}: [string]` or another type",
                    param.name.name
                )),
            );
            continue;
        };
        if let Some(ty) = read_type(ctx, ty_value) {
            params.push(ParamSpec {
                name: param.name.name.clone(),
                ty,
                span: param.span,
            });
        }
    }
    let mut severity = RuleSeverity::Error;
    let mut matches = None;
    let mut rule: Option<(Expr, Span)> = None;
    let mut message = None;
    let mut ok = true;
    for (info, field) in ctx.known_fields(&decl.body, POLICY_FIELDS, "a policy") {
        let value = &field.value;
        match info.name {
            "severity" => {
                severity = ctx
                    .read_choice(
                        value,
                        "severity",
                        &[
                            ("error", RuleSeverity::Error),
                            ("warning", RuleSeverity::Warning),
                        ],
                    )
                    .unwrap_or(RuleSeverity::Error)
            }
            "match" => {
                matches = check_condition(ctx, value, &params);
                ok &= matches.is_some();
            }
            "deny" | "require" => {
                if rule.is_some() {
                    ctx.report(
                        ctx.diagnostic(
                            Code::DuplicateField,
                            "a policy has one rule: `deny` or `require`",
                            field.key_span(),
                        )
                        .with_label("second rule")
                        .with_help("combine them with `and` / `or`"),
                    );
                    continue;
                }
                match check_condition(ctx, value, &params) {
                    Some(expr) => {
                        let deny = if info.name == "require" {
                            expr.negate()
                        } else {
                            expr
                        };
                        rule = Some((deny, value.span));
                    }
                    None => ok = false,
                }
            }
            _ => message = ctx.read_string(value).map(|m| (m, value.span)),
        }
    }
    let name_span = decl.name.as_ref().map_or(decl.span, |n| n.span);
    let Some((deny, rule_span)) = rule else {
        if ok {
            ctx.report(
                ctx.diagnostic(Code::MissingField, "policy has no rule", name_span)
                    .with_label("missing `deny` or `require`")
                    .with_help(
                        "add `deny: CONDITION` (when a workload breaks it) or `require: CONDITION`",
                    ),
            );
        }
        return None;
    };
    if let Some((text, span)) = &message {
        check_placeholders(ctx, text, *span, &params);
    }
    let combined = match &matches {
        Some(m) => Expr::And(Box::new(m.clone()), Box::new(deny.clone())),
        None => deny.clone(),
    };
    if !check_enforceable(ctx, &combined, rule_span) || !check_size(ctx, &combined, rule_span) {
        return None;
    }
    let policy_name = decl.name.as_ref().map_or("policy", |n| n.name.as_str());
    Some(PolicySpec {
        params,
        severity,
        matches,
        deny,
        message: message.map_or_else(|| format!("breaks policy `{policy_name}`"), |(m, _)| m),
        rule_span,
    })
}

/// The group of resources a rule is enforced on, and the workload kinds it applies to.
pub fn rule_scope(expr: &Expr) -> (Group, Vec<WorkloadKind>, bool) {
    let properties = expr.properties();
    let group = properties
        .iter()
        .filter(|p| **p != Property::Kind)
        .map(|p| p.info().group)
        .next()
        .unwrap_or(Group::Pod);
    let kinds = WorkloadKind::ALL
        .into_iter()
        .filter(|k| properties.iter().all(|p| p.applies_to(*k)))
        .collect();
    (group, kinds, properties.contains(&Property::Kind))
}

/// A rule must have a normal form small enough to become admission rules: at most
/// [`super::normal::MAX_CLAUSES`] alternatives (E0027) of at most [`super::normal::MAX_TESTS`]
/// tests in all (E0080).
pub fn check_size(ctx: &mut Ctx<'_>, expr: &Expr, span: Span) -> bool {
    let Err(reason) = super::normal::clauses(expr) else {
        return true;
    };
    let (code, message, label) = too_large(reason);
    ctx.report(
        ctx.diagnostic(code, format!("this rule {message}"), span)
            .with_label(label)
            .with_note(too_large_note(reason))
            .with_help("split it into several rules or policies"),
    );
    false
}

/// The code, the reason ("is too …") and the label of a rule whose normal form is too large.
pub fn too_large(reason: TooLarge) -> (Code, &'static str, String) {
    match reason {
        TooLarge::Clauses => (
            Code::UnenforceableRule,
            "is too complex to enforce in the cluster",
            format!(
                "expands to more than {} alternatives",
                super::normal::MAX_CLAUSES
            ),
        ),
        TooLarge::Tests => (
            Code::RuleTooLarge,
            "is too large to enforce in the cluster",
            format!(
                "its normal form holds more than {} tests",
                super::normal::MAX_TESTS
            ),
        ),
    }
}

/// Why the limit exists, for a rule that is too large.
pub fn too_large_note(reason: TooLarge) -> &'static str {
    match reason {
        TooLarge::Clauses => {
            "each alternative (an `or` of `and`s, once `not` is pushed inwards) becomes one admission rule"
        }
        TooLarge::Tests => {
            "every test is repeated in each alternative it belongs to and becomes Kyverno conditions for every kind of resource that enforces the rule; the limit keeps the policy small enough to apply (SECURITY.md)"
        }
    }
}

/// Reports the placeholders of a message that name neither a property nor a parameter.
pub fn check_placeholders(ctx: &mut Ctx<'_>, message: &str, span: Span, params: &[ParamSpec]) {
    for unknown in super::eval::unknown_placeholders(message, params) {
        let mut diagnostic = ctx
            .diagnostic(
                Code::UnknownProperty,
                format!(
                    "the message names `{{{unknown}}}`, which is neither a property nor a parameter"
                ),
                span,
            )
            .with_label("unknown placeholder");
        let candidates = super::property::PROPERTIES
            .iter()
            .map(|p| p.name)
            .chain(params.iter().map(|p| p.name.as_str()));
        if let Some(best) = crate::semantic::suggest::closest(&unknown, candidates) {
            diagnostic = diagnostic.with_help(format!("did you mean `{{{best}}}`?"));
        }
        ctx.report(diagnostic);
    }
}

/// A rule may test properties of one group only (each group is enforced on other resources), and
/// `kind` only with pod or replica properties. Reports E0027 otherwise.
pub fn check_enforceable(ctx: &mut Ctx<'_>, expr: &Expr, span: Span) -> bool {
    let properties = expr.properties();
    let groups: Vec<(Group, Property)> = properties
        .iter()
        .filter(|p| **p != Property::Kind)
        .map(|p| (p.info().group, *p))
        .collect();
    if let Some((first_group, first)) = groups.first()
        && let Some((_, other)) = groups.iter().find(|(g, _)| g != first_group)
    {
        ctx.report(
            ctx.diagnostic(
                Code::UnenforceableRule,
                format!(
                    "`{}` and `{}` cannot be tested in one rule",
                    first.name(),
                    other.name()
                ),
                span,
            )
            .with_label("these properties live on different resources in the cluster")
            .with_note("pod properties are checked on pod controllers, replica counts on controllers and their autoscalers, `service.type` on Services, `traffic.fault` on the mesh's routes, `expose.tls` on Ingresses, HTTPRoutes and the mesh's Gateways")
            .with_help("split it into two rules"),
        );
        return false;
    }
    if let Some((_, other)) = groups
        .iter()
        .find(|(g, _)| matches!(g, Group::Service | Group::Traffic | Group::Expose))
        && properties.contains(&Property::Kind)
    {
        ctx.report(
            ctx.diagnostic(
                Code::UnenforceableRule,
                format!("`kind` cannot be tested together with `{}`", other.name()),
                span,
            )
            .with_label("a Service, a route or an Ingress has no controller kind")
            .with_help(format!("test `{}` on its own", other.name())),
        );
        return false;
    }
    true
}
