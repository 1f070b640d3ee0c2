//! The equivalence harness: for every rule in force and every workload of a project, the
//! compile-time verdict and the verdict of the emitted Kyverno policy on the generated
//! resources (the controller, a bare Pod made from its template, its HPA, Services and mesh
//! routes).

use super::kyverno_eval;
use k8sc_compiler::backends::{Resource, istio, kubernetes, kyverno};
use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::Database;
use k8sc_compiler::ir::policy::{ExemptionIr, RuleIr, RuleSeverity, RuleSource};
use k8sc_compiler::ir::{AppIr, Origin, ProjectIr, WorkloadIr};
use k8sc_compiler::lower::facts::{container_facts, workload_facts as facts};
use k8sc_compiler::lower::lower_project;
use k8sc_compiler::semantic::policy::decl::rule_scope;
use k8sc_compiler::semantic::policy::expr::Expr;
use k8sc_compiler::semantic::policy::normal::{clauses, eval_clauses};
use serde_json::{Value, json};

/// Lowers a project (no policies) from `(path, source)` pairs; panics on any error.
pub fn lower(sources: &[(&str, &str)]) -> ProjectIr {
    lower_files(
        sources
            .iter()
            .map(|(p, s)| ((*p).to_string(), (*s).to_string()))
            .collect(),
    )
}

/// [`lower`] of owned `(path, source)` pairs.
pub fn lower_files(files: Vec<(String, String)>) -> ProjectIr {
    let db = Database::new();
    let project = db.load_project(files);
    let errors: Vec<_> = project_diagnostics(&db, project)
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    assert!(
        errors.is_empty(),
        "the test project has errors: {errors:#?}"
    );
    lower_project(&db, project).ir.clone()
}

/// A rule in force, as the compile-time side will build it: its group and kinds as the checker
/// finds them (`kind` does not decide the group), its deny the normal form of `deny`.
pub fn rule(name: &str, severity: RuleSeverity, deny: &Expr, message: &str) -> RuleIr {
    let (group, kinds, tests_kind) = rule_scope(deny);
    RuleIr {
        name: name.to_string(),
        source: RuleSource::Policy {
            policy: name.replace('-', "_"),
            args: Vec::new(),
        },
        severity,
        message: message.to_string(),
        group,
        kinds,
        tests_kind,
        deny: clauses(deny).expect("a small rule has few clauses"),
        exemptions: Vec::new(),
        origin: Origin::builtin(),
    }
}

/// Exempts `workload` from `rule`, as `allow RULE because "reason"` does.
pub fn exempt(rule: &mut RuleIr, workload: &WorkloadIr, reason: &str) {
    rule.exemptions.push(ExemptionIr {
        workload: workload.name.clone(),
        kind: workload.kind,
        reason: reason.to_string(),
        origin: Origin::builtin(),
    });
}

/// The resources of the project as admission sees them: every generated Kubernetes resource,
/// plus a bare Pod made from each controller's pod template (what the controller creates).
pub fn admission_resources(ir: &ProjectIr) -> Vec<Resource> {
    let mut out = kubernetes::render(ir);
    out.extend(istio::render(ir));
    let pods: Vec<Resource> = out.iter().filter_map(pod_of).collect();
    out.extend(pods);
    out
}

fn pod_of(controller: &Resource) -> Option<Resource> {
    let template = match controller.kind.as_str() {
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => {
            controller.body.pointer("/spec/template")?
        }
        "CronJob" => controller.body.pointer("/spec/jobTemplate/spec/template")?,
        _ => return None,
    };
    let body = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": format!("{}-pod", controller.name),
            "namespace": controller.body.pointer("/metadata/namespace"),
            "labels": template.pointer("/metadata/labels"),
        },
        "spec": template.get("spec"),
    });
    Some(Resource::from_value(
        &controller.app,
        kubernetes::TARGET,
        &controller.source,
        "v1",
        "Pod",
        &format!("{}-pod", controller.name),
        body,
    ))
}

/// Every (policy name, `Kind/name` of a resource) such that the policy denies the resource at
/// admission. Panics when the evaluator meets something it does not know.
pub fn kyverno_denies(policies: &[Resource], resources: &[Resource]) -> Vec<(String, String)> {
    kyverno_denies_with(policies, resources, kyverno_eval::Options::default())
}

/// [`kyverno_denies`] for a chosen Kyverno behaviour.
pub fn kyverno_denies_with(
    policies: &[Resource],
    resources: &[Resource],
    options: kyverno_eval::Options,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for policy in policies {
        for resource in resources {
            let rules = kyverno_eval::denying_rules_with(&policy.body, &resource.body, options)
                .unwrap_or_else(|e| {
                    panic!(
                        "evaluating policy {} on {}/{}: {e}",
                        policy.name, resource.kind, resource.name
                    )
                });
            if !rules.is_empty() {
                out.push((
                    policy.name.clone(),
                    format!("{}/{}", resource.kind, resource.name),
                ));
            }
        }
    }
    out
}

/// Whether `resource` was generated for `workload` of `app`.
fn belongs(resource: &Resource, app: &AppIr, workload: &WorkloadIr) -> bool {
    let label = |key: &str| {
        resource
            .body
            .pointer("/metadata/labels")
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
    };
    resource.app == app.name
        && label("app.kubernetes.io/name") == Some(workload.name.as_str())
        && label("app.kubernetes.io/part-of") == Some(app.name.as_str())
}

/// The compile-time verdict from [`facts`]: the rule applies to the workload's kind, the
/// workload is not exempted, and a clause holds for the pod as its main container, one of its
/// sidecars or one of its init containers shows it.
pub fn compile_time_from_facts(app: &AppIr, rule: &RuleIr, workload: &WorkloadIr) -> bool {
    let main = facts(app, workload);
    rule.kinds.contains(&workload.kind)
        && !rule.exemptions.iter().any(|e| e.workload == workload.name)
        && (eval_clauses(&rule.deny, &main)
            || workload
                .sidecars
                .iter()
                .chain(&workload.init)
                .any(|c| eval_clauses(&rule.deny, &container_facts(&main, c))))
}

/// One row of the equivalence table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The rule.
    pub rule: String,
    /// The workload.
    pub workload: String,
    /// Denied at compile time.
    pub compile_time: bool,
    /// Denied at admission: the resources that a policy of the rule denies.
    pub admission: Vec<String>,
}

impl Row {
    /// Whether both sides agree.
    pub fn agrees(&self) -> bool {
        self.compile_time != self.admission.is_empty()
    }
}

/// The verdicts of every rule in force on every workload of `ir`, the compile-time side given
/// by `compile_time` (e.g. [`compile_time_from_facts`], or the checker's own verdict).
pub fn rows(
    ir: &ProjectIr,
    compile_time: impl Fn(&AppIr, &RuleIr, &WorkloadIr) -> bool,
) -> Vec<Row> {
    let resources = admission_resources(ir);
    let policies = kyverno::render(ir);
    let mut out = Vec::new();
    for app in &ir.apps {
        for rule in &app.rules {
            let own: Vec<Resource> = policies
                .iter()
                .filter(|p| p.app == app.name && p.name == rule.name)
                .cloned()
                .collect();
            for workload in &app.workloads {
                let mine: Vec<Resource> = resources
                    .iter()
                    .filter(|r| belongs(r, app, workload))
                    .cloned()
                    .collect();
                out.push(Row {
                    rule: rule.name.clone(),
                    workload: workload.name.clone(),
                    compile_time: compile_time(app, rule, workload),
                    admission: kyverno_denies(&own, &mine)
                        .into_iter()
                        .map(|(_, resource)| resource)
                        .collect(),
                });
            }
        }
    }
    out
}

/// Panics with every row on which the two sides disagree.
pub fn assert_equivalent(rows: &[Row]) {
    let disagreements: Vec<&Row> = rows.iter().filter(|r| !r.agrees()).collect();
    assert!(
        disagreements.is_empty(),
        "compile time and admission disagree on {} of {} rows:\n{disagreements:#?}",
        disagreements.len(),
        rows.len()
    );
}

/// Convenience: the severity of most test rules.
pub const ERROR: RuleSeverity = RuleSeverity::Error;
