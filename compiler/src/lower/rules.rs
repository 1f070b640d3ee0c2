//! Checking one lowered workload against the rules in force for it: each violation is a
//! diagnostic on the offending value (or the workload's name when the value is missing), with a
//! secondary label on the rule; `allow … because …` exempts it, and an `allow` that exempts nothing
//! is reported.

use crate::diagnostics::{Code, Diagnostic, Label};
use crate::ir::policy::{ExemptionIr, RuleSeverity};
use crate::model::spec::{AllowSpec, Layer, WorkloadKind};
use crate::semantic::policy::eval::{Facts, eval, interpolate};
use crate::semantic::policy::normal::{Test, clauses, eval_clauses};
use crate::semantic::policy::property::Property;
use crate::semantic::rules::RuleInForce;
use crate::semantic::suggest::closest;
use k8sc_grammar::Span;
use std::sync::Arc;

/// The workload being checked.
pub struct Subject<'a> {
    /// Its name as written.
    pub name: &'a str,
    /// Its Kubernetes name.
    pub k8s_name: &'a str,
    /// What it was declared as (`service`, `cron job`…).
    pub what: &'a str,
    /// Its kind.
    pub kind: WorkloadKind,
    /// Its file.
    pub file: Arc<str>,
    /// Where its name is written.
    pub name_span: Span,
    /// Its `allow` exceptions.
    pub allows: &'a [AllowSpec],
}

/// What checking the rules found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleOutcome {
    /// The rules that apply to the workload, with its exemption from each (if any).
    pub applied: Vec<(Arc<RuleInForce>, Option<ExemptionIr>)>,
    /// Violations and unused exceptions.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks `facts` (the workload's, as its main container shows them) and `containers` (the same
/// pod as each sidecar and init container shows it: see `facts::container_facts`) against every
/// rule in `rules`: a rule is broken when it is broken for any container, and an `allow` exempts
/// the whole pod.
pub fn check_rules(
    subject: &Subject<'_>,
    facts: &Facts,
    containers: &[Facts],
    rules: &[Arc<RuleInForce>],
) -> RuleOutcome {
    let mut out = RuleOutcome::default();
    let mut used_allows = vec![false; subject.allows.len()];
    for rule in rules {
        if !facts.applies(&rule.deny) {
            continue;
        }
        let allow_name = rule.allow_name();
        let allow_index = subject.allows.iter().position(|a| a.name == allow_name);
        let main_violated = eval(&rule.deny, facts);
        // Each container breaking it where the main one does not, once per distinct message.
        let mut by_container: Vec<Diagnostic> = Vec::new();
        if !main_violated {
            for container in containers.iter().filter(|c| eval(&rule.deny, c)) {
                let diagnostic = violation(subject, container, rule);
                if !by_container.contains(&diagnostic) {
                    by_container.push(diagnostic);
                }
            }
        }
        let violated = main_violated || !by_container.is_empty();
        let exemption = allow_index.map(|i| {
            let allow = &subject.allows[i];
            ExemptionIr {
                workload: subject.k8s_name.to_string(),
                kind: subject.kind,
                reason: allow.reason.clone(),
                origin: allow.origin.clone(),
            }
        });
        if let Some(i) = allow_index {
            if violated {
                used_allows[i] = true;
            } else {
                let allow = &subject.allows[i];
                out.diagnostics.push(
                    Diagnostic::new(
                        Code::UnusedAllow,
                        format!(
                            "`{}` satisfies `{allow_name}`: this exception exempts nothing",
                            subject.name
                        ),
                        allow_file(subject, allow),
                        allow.span,
                    )
                    .with_label("not needed")
                    .with_help("remove it, so the rule protects this workload again"),
                );
                used_allows[i] = true;
            }
        } else if main_violated {
            out.diagnostics.push(violation(subject, facts, rule));
        } else {
            out.diagnostics.extend(by_container);
        }
        out.applied.push((Arc::clone(rule), exemption));
    }
    for (allow, used) in subject.allows.iter().zip(used_allows) {
        if used {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Code::UnusedAllow,
            format!(
                "no rule named `{}` applies to `{}`",
                allow.name, subject.name
            ),
            allow_file(subject, allow),
            allow.name_span,
        )
        .with_label("exempts nothing");
        let names: Vec<String> = rules
            .iter()
            .filter(|r| facts.applies(&r.deny))
            .map(|rule| rule.allow_name())
            .collect();
        if let Some(best) = closest(&allow.name, names.iter().map(String::as_str)) {
            diagnostic = diagnostic.with_replacement(best.to_string());
        } else if names.is_empty() {
            diagnostic =
                diagnostic.with_note("no tier rule or policy is in force for this workload");
        } else {
            diagnostic =
                diagnostic.with_note(format!("the rules in force are: {}", names.join(", ")));
        }
        out.diagnostics.push(diagnostic);
    }
    out
}

/// The file an exception is written in: the workload's, or its environment's.
fn allow_file<'a>(subject: &'a Subject<'_>, allow: &'a AllowSpec) -> &'a str {
    allow.origin.file().unwrap_or(&subject.file)
}

/// The rules a second version of the workload (its canary, described by `variant`) breaks where
/// the workload itself does not: admission control checks the canary's Deployment too.
pub fn variant_violations(
    subject: &Subject<'_>,
    facts: &Facts,
    variant: &Facts,
    applied: &[(Arc<RuleInForce>, Option<ExemptionIr>)],
) -> Vec<Diagnostic> {
    applied
        .iter()
        .filter(|(rule, exemption)| {
            exemption.is_none()
                && variant.applies(&rule.deny)
                && eval(&rule.deny, variant)
                && !eval(&rule.deny, facts)
        })
        .map(|(rule, _)| violation(subject, variant, rule))
        .collect()
}

/// The diagnostic for a broken rule.
fn violation(subject: &Subject<'_>, facts: &Facts, rule: &RuleInForce) -> Diagnostic {
    let code = match rule.severity {
        RuleSeverity::Error => Code::RuleViolation,
        RuleSeverity::Warning => Code::RuleWarning,
    };
    let message = interpolate(&rule.message, facts, &[], &[]);
    let headline = format!(
        "{} `{}` breaks `{}`: {message}",
        subject.what,
        subject.name,
        rule.allow_name()
    );
    let (culprit, missing) = culprit(facts, rule);
    // A missing tag or digest is still pointed at the image that lacks it.
    let pointed = match (culprit, &missing) {
        (Some(Property::ImageTag | Property::ImageDigest), Missing::Value) => Some(Property::Image),
        (property, _) => property,
    };
    let origin = pointed
        .and_then(|p| facts.values.get(&p))
        .and_then(|f| f.origin.clone());
    let label = match (culprit, &missing) {
        (Some(p), Missing::Value) => format!("no `{}`", p.name()),
        (_, Missing::Label(key)) => format!("no label `{key}`"),
        (Some(p), Missing::No) => {
            let value = facts.get(p).map(|v| v.display()).unwrap_or_default();
            format!("`{}` is {value}", p.name())
        }
        (None, _) => "breaks the rule".to_string(),
    };
    let mut diagnostic = match &origin {
        Some(origin) if pointed.is_some() => {
            let file = origin.file().unwrap_or(&subject.file);
            let from = match &origin.layer() {
                Layer::Tier(tier) => format!(" (a default of tier `{tier}`)"),
                Layer::App => " (from the app's `defaults`)".to_string(),
                _ => String::new(),
            };
            Diagnostic::new(code, headline, file, origin.span).with_label(format!("{label}{from}"))
        }
        _ => Diagnostic::new(code, headline, &subject.file, subject.name_span).with_label(label),
    };
    diagnostic = diagnostic.with_secondary(
        Label::new(&*rule.file, rule.span).with_message(format!("rule of {}", rule.via)),
    );
    let fix = culprit.map_or("change the workload so the rule holds", fix_hint);
    diagnostic.with_help(format!(
        "{fix}; or, after review, exempt it with `allow {} because \"…\"`",
        rule.allow_name()
    ))
}

/// The property to point at: the first one of a clause that holds, and whether the clause holds
/// because the property is missing.
fn culprit(facts: &Facts, rule: &RuleInForce) -> (Option<Property>, Missing) {
    if let Ok(clauses) = clauses(&rule.deny) {
        for clause in &clauses {
            if !eval_clauses(&vec![clause.clone()], facts) {
                continue;
            }
            let candidates = || {
                clause
                    .iter()
                    .filter(|a| !matches!(a.test, Test::Present) && a.property != Property::Kind)
            };
            let atom = candidates()
                .find(|a| rule.focus.contains(&a.property))
                .or_else(|| candidates().next());
            if let Some(atom) = atom {
                let missing = match &atom.test {
                    Test::Absent => Missing::Value,
                    Test::LacksLabel(key) => Missing::Label(key.clone()),
                    _ => Missing::No,
                };
                return (Some(atom.property), missing);
            }
        }
    }
    (rule.deny.properties().first().copied(), Missing::No)
}

/// Whether a rule is broken because something is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Missing {
    /// No: a value is wrong.
    No,
    /// The property has no value.
    Value,
    /// This label is not set.
    Label(String),
}

/// How to fix a value of `property`.
fn fix_hint(property: Property) -> &'static str {
    match property {
        Property::ReplicasMin | Property::ReplicasMax => {
            "change `replicas` (a range `MIN..MAX` autoscales)"
        }
        Property::ProbesReady => {
            "add `probes { ready: http \"/ready\" }` (or `tcp`, `grpc`, `exec`)"
        }
        Property::ProbesLive => {
            "add `probes { live: http \"/healthz\" }` (or `tcp`, `grpc`, `exec`)"
        }
        Property::ProbesStartup => "add `probes { startup: http \"/healthz\" }`",
        Property::ImageTag => "pin `image` to a version tag (`:1.4.2`) or a digest (`@sha256:…`)",
        Property::ImageDigest => "pin `image` by digest (`…@sha256:…`)",
        Property::Image | Property::ImageRegistry | Property::ImageRepository => {
            "use an image from an allowed registry and repository"
        }
        Property::CpuRequest | Property::CpuLimit => "change `cpu: REQUEST..LIMIT`",
        Property::MemoryRequest | Property::MemoryLimit => "change `memory: REQUEST..LIMIT`",
        Property::Labels => "add the label to the app's or the workload's `labels { }`",
        Property::Ports => "change the workload's ports",
        Property::Kind => "declare the workload with another keyword",
        Property::ServiceType => "change how the workload is exposed",
        Property::TrafficFault => "remove `fault` from the workload's `traffic`",
        Property::ExposeTls => {
            "serve the host over TLS: `tls: SECRET` on an ingress (or on a route in the mesh), or attach the route to the Gateway's HTTPS listener (`gateway { …, section: NAME, https: true }`)"
        }
        _ => "change the workload's security settings",
    }
}
