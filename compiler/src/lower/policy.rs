//! The rules in force for an app, gathered from its workloads for the admission-control backends:
//! each rule once, in normal form, with the workloads exempted from it.

use super::LoweredWorkload;
use crate::ir::policy::{ExemptionIr, RuleIr, RuleSource};
use crate::semantic::policy::decl::rule_scope;
use crate::semantic::policy::normal::clauses;
use crate::semantic::rules::RuleInForce;
use crate::semantic::spec::{Layer, Origin};
use crate::types::names::to_k8s_name;
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
