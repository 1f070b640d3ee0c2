//! The Kyverno rules of one k8sc rule: one per resource kind that enforces it and per clause
//! (more when a clause needs several alternatives), named `deny-<kinds>`, `deny-<kinds>-2`, …

use super::conditions::{self, condition};
use super::crd::{
    Conditions, Deny, ForEach, MatchResources, Operator, ResourceDescription, ResourceFilter, Rule,
    Validation,
};
use super::exemptions;
use super::keys;
use super::mesh;
use super::message;
use super::targets::{Scope, Variant, available, variants};
use crate::ir::AppIr;
use crate::ir::policy::{RuleIr, RuleSeverity};
use serde_json::{Value, json};

/// Kyverno's failure action for a severity: errors are refused, warnings audited.
pub fn failure_action(severity: RuleSeverity) -> &'static str {
    match severity {
        RuleSeverity::Error => "Enforce",
        RuleSeverity::Warning => "Audit",
    }
}

/// The longest rule name Kyverno accepts.
const MAX_RULE_NAME: usize = 63;

fn rule_name(variant: &Variant, n: usize) -> String {
    let base = format!("deny-{}", variant.plural());
    let name = if n == 1 { base } else { format!("{base}-{n}") };
    name.chars().take(MAX_RULE_NAME).collect()
}

/// Conditions under which the variant's rules apply at all.
fn preconditions(variant: &Variant) -> Option<Conditions> {
    let all = match variant.scope {
        // Controllers whose replica count an HPA owns are checked on the HPA.
        Scope::Controller => vec![condition(
            keys::autoscaler_annotation(),
            Operator::AnyIn,
            json!([""]),
        )],
        Scope::Autoscaler => vec![condition(
            "request.object.spec.scaleTargetRef.kind || ''".to_string(),
            Operator::AnyIn,
            Value::Array(
                variant
                    .scale_targets
                    .iter()
                    .map(|k| Value::String((*k).to_string()))
                    .collect(),
            ),
        )],
        Scope::PodSpec(_)
        | Scope::Service
        | Scope::VirtualService
        | Scope::Ingress
        | Scope::HttpRoute
        | Scope::IstioGateway => return None,
    };
    Some(Conditions { all })
}

/// Every Kyverno rule of `rule`, in a fixed order.
pub fn rules(app: &AppIr, rule: &RuleIr) -> Vec<Rule> {
    let action = failure_action(rule.severity);
    let mut out = Vec::new();
    for variant in variants(rule) {
        // A policy on a kind the cluster may not know (no Istio, no Gateway API) would be
        // refused by Kyverno itself (see `targets::available`).
        if !available(app, &variant) {
            continue;
        }
        let exclude = exemptions::exclude(app, rule, &variant);
        let preconditions = preconditions(&variant);
        let message = message::render(&rule.message, variant.scope);
        let mut n = 0;
        for clause in &rule.deny {
            let conditions::ClauseConditions {
                alternatives,
                containers,
                image,
            } = conditions::clause(clause, variant.scope);
            for mut all in alternatives {
                n += 1;
                if all.is_empty() {
                    // A clause that always holds: state it, rather than rely on how Kyverno reads
                    // an empty list of conditions.
                    all.push(condition(
                        "request.object.kind".to_string(),
                        Operator::AnyIn,
                        json!([variant.kind]),
                    ));
                }
                let deny = Deny {
                    conditions: Conditions { all },
                };
                let (deny, foreach) = match (variant.scope, containers) {
                    (Scope::PodSpec(pod), Some(lists)) => (
                        None,
                        Some(vec![ForEach {
                            list: lists.path(pod),
                            preconditions: (image && app.mesh.is_some())
                                .then(mesh::not_a_mesh_container),
                            deny,
                        }]),
                    ),
                    _ => (Some(deny), None),
                };
                out.push(Rule {
                    name: rule_name(&variant, n),
                    match_: MatchResources {
                        any: vec![ResourceFilter {
                            resources: ResourceDescription {
                                kinds: vec![variant.kind.to_string()],
                                namespaces: None,
                                // Not DELETE (nothing to check), and CREATE so background
                                // scans report existing resources.
                                operations: Some(vec!["CREATE".to_string(), "UPDATE".to_string()]),
                                selector: None,
                            },
                        }],
                    },
                    exclude: exclude.clone(),
                    preconditions: preconditions.clone(),
                    validate: Validation {
                        failure_action: action,
                        message: message.clone(),
                        deny,
                        foreach,
                    },
                });
            }
        }
    }
    out
}
