//! The rules in force for an app, gathered from its workloads for the admission-control backends:
//! each rule once, in normal form, with the workloads exempted from it.

use super::LoweredWorkload;
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::ir::AppIr;
use crate::ir::policy::{ExemptionIr, RuleIr, RuleSource, Test};
use crate::model::spec::{Layer, Origin};
use crate::semantic::policy::decl::rule_scope;
use crate::semantic::policy::normal::clauses;
use crate::semantic::rules::RuleInForce;
use crate::types::names::to_k8s_name;
use k8sc_grammar::Span;
use std::sync::Arc;

/// Every rule in force for the app (its tier's and its policies, which govern its whole namespace
/// even where no workload is subject to them yet) or for any of its workloads (a workload's own
/// tier), sorted by name. A workload the rule could apply to but that is not under it (another
/// tier) is exempted from it, so the namespace-wide admission policy enforces exactly what the
/// compiler checked.
pub fn rules_of_app(app_rules: &[Arc<RuleInForce>], workloads: &[&LoweredWorkload]) -> Vec<RuleIr> {
    let mut rules: Vec<(Arc<RuleInForce>, Vec<ExemptionIr>)> = Vec::new();
    for rule in app_rules {
        if !rules.iter().any(|(r, _)| r.source == rule.source) {
            rules.push((rule.clone(), Vec::new()));
        }
    }
    for workload in workloads {
        for (rule, exemption) in &workload.rules {
            let index = match rules.iter().position(|(r, _)| r.source == rule.source) {
                Some(index) => index,
                None => {
                    rules.push((rule.clone(), Vec::new()));
                    rules.len() - 1
                }
            };
            if let Some(exemption) = exemption {
                rules[index].1.push(exemption.clone());
            }
        }
    }
    let mut out: Vec<RuleIr> = Vec::new();
    for (rule, mut exemptions) in rules {
        let Ok(deny) = clauses(&rule.deny) else {
            continue;
        };
        let (group, kinds, tests_kind) = rule_scope(&rule.deny);
        for workload in workloads {
            let Some(ir) = &workload.ir else {
                continue;
            };
            let under_rule = workload.rules.iter().any(|(r, _)| r.source == rule.source);
            if !under_rule && kinds.contains(&ir.kind) {
                exemptions.push(ExemptionIr {
                    workload: ir.name.clone(),
                    kind: ir.kind,
                    reason: "the rule is not in force for this workload (it uses another tier)"
                        .to_string(),
                    origin: Origin::at(
                        Layer::Workload,
                        &Arc::from(ir.file.as_str()),
                        Default::default(),
                    ),
                });
            }
        }
        exemptions.sort_by(|a, b| a.workload.cmp(&b.workload));
        exemptions.dedup_by(|a, b| a.workload == b.workload);
        let base = match &rule.source {
            RuleSource::Tier { tier, rule } => {
                format!("{}-{}", to_k8s_name(tier), to_k8s_name(rule))
            }
            RuleSource::Policy { policy, .. } => to_k8s_name(policy),
        };
        let mut name = base.clone();
        let mut n = 2;
        while out.iter().any(|r| r.name == name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        out.push(RuleIr {
            name,
            source: rule.source.clone(),
            severity: rule.severity,
            message: rule.message.clone(),
            group,
            kinds,
            tests_kind,
            deny,
            exemptions,
            origin: Origin::at(Layer::Builtin, &rule.file, rule.span),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The rules in force for `app` that no Kyverno policy will enforce, each with the reason, at the
/// rule (`own`: the sources of the app's own `policies`; `app_span`: where the app is named):
///
/// - W0013, a rule that can never deny anything (its normal form has no clause): there is
///   nothing to enforce, and it is almost always a mistake (`require true`, a policy whose
///   arguments switch it off);
/// - W0012, a rule on the mesh's routes in an app outside the mesh: k8sc writes no routes there,
///   and Kyverno refuses a policy on a kind the cluster may not have. Reported when the app names
///   the policy itself, or when the rule could deny something without the mesh (a clause that
///   holds while the mesh's properties are absent); a tier's `not traffic.fault` in an app
///   without the mesh asks for the absence of something that cannot exist there, and is
///   documented rather than reported (docs/language.md).
///
/// Every other rule in force becomes a policy (`compiler/tests/it/kyverno.rs` checks this over every
/// example).
pub fn unwritten_rules(app: &AppIr, own: &[RuleSource], app_span: Span) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let rule_file = |rule: &RuleIr| rule.origin.file().unwrap_or(&app.file).to_string();
    for rule in &app.rules {
        let name = rule.source.allow_name();
        let args = match &rule.source {
            RuleSource::Policy { args, .. } if !args.is_empty() => {
                let args: Vec<String> = args.iter().map(|a| a.display()).collect();
                format!(" with the arguments ({})", args.join(", "))
            }
            _ => String::new(),
        };
        if rule.deny.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::RuleNeverDenies,
                    format!("rule `{name}`{args} can never deny anything"),
                    &rule_file(rule),
                    rule.origin.span,
                )
                .with_label("holds for every workload: no Kyverno policy is written for it")
                .with_secondary(
                    Label::new(&app.file, app_span)
                        .with_message(format!("in force for app `{}`", app.name)),
                )
                .with_note("once `not` is pushed inwards and parameters are bound, the condition a workload must meet is always true, so the rule refuses nothing, at compile time or in the cluster")
                .with_help("write the condition the rule was meant to require, or remove the rule"),
            );
            continue;
        }
        if !rule.group.needs_mesh() || app.mesh.is_some() {
            continue;
        }
        let named_by_app = own.contains(&rule.source);
        let denies_without_mesh = rule.deny.iter().any(|clause| {
            clause
                .iter()
                .all(|a| !a.property.info().group.needs_mesh() || a.test == Test::Absent)
        });
        if !named_by_app && !denies_without_mesh {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::MeshOnlyRule,
                format!(
                    "rule `{name}`{args} is not enforced in the cluster for app `{}`: it tests the mesh's routes, and the app has no mesh",
                    app.name
                ),
                &rule_file(rule),
                rule.origin.span,
            )
            .with_label(format!("no Kyverno policy for app `{}`", app.name))
            .with_secondary(Label::new(&app.file, app_span).with_message("no `mesh` for this app"))
            .with_note("outside the mesh k8sc writes no VirtualService, and Kyverno refuses a policy on a kind the cluster may not know (Istio's CRDs); what is enforced instead is the compile-time check of the workloads k8sc writes, where `traffic` settings need the mesh (E0034)")
            .with_help(if named_by_app {
                "add the mesh to the app (`mesh: istio`), or remove the policy from its `policies`"
            } else {
                "add the mesh to the app (`mesh: istio`), or move the rule to a tier only meshed apps use"
            }),
        );
    }
    out
}
