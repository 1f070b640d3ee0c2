//! The Kyverno backend: every rule in force for an app (a tier `require` or a `policy`) becomes a
//! namespaced `kyverno.io/v1` `Policy` in the app's namespace that refuses, at admission, exactly
//! the resources the compile-time check refuses (errors `Enforce`d, warnings `Audit`ed). It reads
//! only [`crate::ir`]: the rule in disjunctive normal form, its severity, message and exemptions.
//!
//! Explicit rules are written per controller kind (Deployment, StatefulSet, DaemonSet, Job,
//! CronJob) and, for rules that hold for every kind of workload, for bare Pods; Kyverno's own
//! rule generation for controllers is switched off so nothing is checked twice. A rule on
//! containers is checked on every container of the pod — `containers`, `initContainers` and
//! `ephemeralContainers` (which `kubectl debug` adds through the `pods/ephemeralcontainers`
//! subresource, and which Kyverno since 1.10 checks with the rules that match `Pod`) — where the
//! property exists (see [`keys::Lists`]); in a meshed namespace the image rules skip the mesh's
//! own containers and nothing else ([`mesh`]).

mod conditions;
mod crd;
mod exemptions;
mod keys;
mod mesh;
mod message;
pub mod requirements;
mod rules;
mod targets;

use super::needs::Collector;
use super::{Backend, Kind, Resource, Subject, Target};
use crate::ir::graph::Graph;
use crate::ir::labels::app_labels;
use crate::ir::policy::{RuleIr, RuleSeverity, RuleSource};
use crate::ir::{AppIr, ProjectIr};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

pub use crd::conditions_built;
pub use exemptions::EXEMPTIONS_ANNOTATION;

/// The annotation naming where a policy's rule is declared (`policy trusted_registries`).
pub const SOURCE_ANNOTATION: &str = "k8sc.dev/rule";

/// Kyverno policies enforcing the app's rules at admission, in `OUT/<env>/kyverno/`.
pub const TARGET: Target = Target::new("kyverno");

/// The Kyverno backend, as registered.
pub struct Kyverno;

/// The kinds it emits: admission policies govern the namespace, so they come before anything
/// they admit.
const KINDS: &[Kind] = &[Kind::namespaced("kyverno.io", crd::KIND, -2)];

impl Backend for Kyverno {
    fn target(&self) -> Target {
        TARGET
    }

    fn subject(&self) -> Subject {
        Subject::Rules
    }

    fn kinds(&self) -> &'static [Kind] {
        KINDS
    }

    fn render_app(
        &self,
        _graph: &Graph<'_>,
        _ir: &ProjectIr,
        app: &AppIr,
        out: &mut Vec<Resource>,
    ) {
        render_app(app, out);
    }

    fn app_requirements(&self, _ir: &ProjectIr, app: &AppIr, out: &mut Collector) {
        requirements::app(app, out);
    }
}

/// Every Kyverno policy of the project: apps in name order, each app's rules in name order. A
/// rule that can never deny anything yields no policy.
pub fn render(ir: &ProjectIr) -> Vec<Resource> {
    let mut out = Vec::new();
    for app in &ir.apps {
        render_app(app, &mut out);
    }
    out
}

/// The Kyverno policies of one app, in rule name order, appended to `out`.
pub(crate) fn render_app(app: &AppIr, out: &mut Vec<Resource>) {
    for rule in &app.rules {
        if let Some(policy) = policy(app, rule) {
            out.push(policy);
        }
    }
}

/// The title shown by policy reports: the rule as `allow` names it, with its arguments.
fn title(rule: &RuleIr) -> String {
    match &rule.source {
        RuleSource::Policy { args, .. } if !args.is_empty() => {
            let args: Vec<String> = args.iter().map(|a| a.display()).collect();
            format!("{}({})", rule.source.allow_name(), args.join(", "))
        }
        source => source.allow_name(),
    }
}

/// Where the rule is declared, in words.
fn source(rule: &RuleIr) -> String {
    match &rule.source {
        RuleSource::Tier { tier, rule } => format!("tier {tier}, require {rule}"),
        RuleSource::Policy { .. } => format!("policy {}", title(rule)),
    }
}

/// The `Policy` enforcing `rule` in `app`'s namespace, if it has any rule.
fn policy(app: &AppIr, rule: &RuleIr) -> Option<Resource> {
    let rules = rules::rules(app, rule);
    if rules.is_empty() {
        return None;
    }
    let mut annotations = BTreeMap::from([
        ("policies.kyverno.io/title".to_string(), title(rule)),
        (
            "policies.kyverno.io/description".to_string(),
            message::describe(&rule.message),
        ),
        (
            "policies.kyverno.io/severity".to_string(),
            match rule.severity {
                RuleSeverity::Error => "high",
                RuleSeverity::Warning => "medium",
            }
            .to_string(),
        ),
        // Rules are written per controller kind; Kyverno must not add its own copies.
        (
            "pod-policies.kyverno.io/autogen-controllers".to_string(),
            "none".to_string(),
        ),
        (SOURCE_ANNOTATION.to_string(), source(rule)),
    ]);
    if let Some(exemptions) = exemptions::annotation(rule) {
        annotations.insert(EXEMPTIONS_ANNOTATION.to_string(), exemptions);
    }
    let policy = crd::Policy {
        api_version: crd::API_VERSION,
        kind: crd::KIND,
        metadata: ObjectMeta {
            name: Some(rule.name.clone()),
            namespace: Some(app.namespace.value.clone()),
            labels: Some(app_labels(app)),
            annotations: Some(annotations),
            ..ObjectMeta::default()
        },
        spec: crd::PolicySpec {
            background: true,
            rules,
        },
    };
    let body = serde_json::to_value(&policy).unwrap_or(serde_json::Value::Null);
    Some(Resource::from_value(
        &app.name,
        TARGET,
        &app.file,
        crd::API_VERSION,
        crd::KIND,
        &rule.name,
        body,
    ))
}
