//! The size of Kyverno output (issue 19, item 3): the backend's work — Kyverno conditions built
//! or copied, counted, not timed — is linear in the size of the rule, and a rule whose normal form
//! is too large for an admission policy is refused with E0080 before anything is written.

use crate::support;

use k8sc_compiler::backends::kyverno::{self, conditions_built};
use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::Database;
use k8sc_compiler::ir::policy::{Atom, CmpOp, Lit, Property, Test};
use k8sc_compiler::semantic::policy::normal::MAX_TESTS;
use serde_json::Value;
use support::harness::{ERROR, lower, rule};

const APP: &str = r#"app shop {
  namespace: shop
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  probes { ready: http "/ready" }
}
"#;

/// The shape that took 215 s and 1.7 GB: every one of `alternatives` clauses holds the same
/// `labels` labels (`labels.has_all([…]) and (a or b or …)`), as the normal form writes it.
fn clauses(labels: usize, alternatives: usize) -> Vec<Vec<Atom>> {
    (0..alternatives)
        .map(|i| {
            let mut clause: Vec<Atom> = (0..labels)
                .map(|n| Atom {
                    property: Property::Labels,
                    test: Test::HasLabel(format!("label-{n}")),
                })
                .collect();
            clause.push(Atom {
                property: Property::ImageRegistry,
                test: Test::Compare(CmpOp::Eq, Lit::Str(format!("r{i}.example.com"))),
            });
            clause
        })
        .collect()
}

/// Conditions built or copied to render the rule, and conditions in the output.
fn work(labels: usize, alternatives: usize) -> (usize, usize) {
    let mut ir = lower(&[("app.k8s", APP)]);
    let mut rule = rule(
        "sprawl",
        ERROR,
        &k8sc_compiler::semantic::policy::expr::Expr::Const(true),
        "m",
    );
    rule.deny = clauses(labels, alternatives);
    ir.apps[0].rules = vec![rule];
    let before = conditions_built();
    let policies = kyverno::render(&ir);
    let built = conditions_built() - before;
    let output = policies.iter().map(|p| count_conditions(&p.body)).sum();
    (built, output)
}

fn count_conditions(value: &Value) -> usize {
    match value {
        Value::Object(map) => {
            usize::from(map.contains_key("operator") && map.contains_key("key"))
                + map.values().map(count_conditions).sum::<usize>()
        }
        Value::Array(items) => items.iter().map(count_conditions).sum(),
        _ => 0,
    }
}

#[test]
fn the_backend_builds_each_condition_once() {
    let (built, output) = work(200, 16);
    assert!(output > 200 * 16, "{output}");
    // Every condition of the output, plus the few shared ones (preconditions, exemptions) copied
    // once per Kyverno rule.
    assert!(built <= output + 4 * 16 * 6, "built {built} for {output}");
}

#[test]
fn the_backend_work_is_linear_in_the_rule() {
    let (small, _) = work(200, 16);
    let (double_labels, _) = work(400, 16);
    let (double_alternatives, _) = work(200, 32);
    // Twice the rule, at most twice the work (and a little for what every rule shares).
    assert!(
        double_labels <= 2 * small + 100,
        "{small} conditions for 200 labels, {double_labels} for 400"
    );
    assert!(
        double_alternatives <= 2 * small + 100,
        "{small} conditions for 16 alternatives, {double_alternatives} for 32"
    );
}

fn diagnostics(source: &str) -> Vec<String> {
    let db = Database::new();
    let project = db.load_project(
        [("app.k8s".to_string(), source.to_string())]
            .into_iter()
            .collect(),
    );
    project_diagnostics(&db, project)
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect()
}

/// The project of the report: a policy of 36 KB, `labels.has_all([4000 labels])` and 64 or-ed
/// tests. Refused with E0080 (its normal form holds 64 × 4001 tests), nothing to write.
#[test]
fn the_reported_rule_is_refused_with_e0080() {
    let labels: Vec<String> = (0..4000).map(|n| format!("\"l{n}\"")).collect();
    let ors: Vec<String> = (0..64)
        .map(|n| format!("image.registry == \"r{n}.example.com\""))
        .collect();
    let source = format!(
        "policy sprawl {{\n  deny: labels.has_all([{}]) and ({})\n}}\n\n{APP}",
        labels.join(", "),
        ors.join(" or ")
    )
    .replace("namespace: shop", "namespace: shop\n  policies: [sprawl]");
    assert!(source.len() > 36_000, "{}", source.len());
    let codes = diagnostics(&source);
    assert_eq!(codes, vec!["E0080"]);
    // At the limit it builds.
    let labels: Vec<String> = (0..MAX_TESTS - 1).map(|n| format!("\"l{n}\"")).collect();
    let source = format!(
        "policy sprawl {{\n  deny: labels.has_all([{}]) and image.registry == \"r.example.com\"\n}}\n\n{APP}",
        labels.join(", ")
    )
    .replace("namespace: shop", "namespace: shop\n  policies: [sprawl]");
    assert_eq!(diagnostics(&source), Vec::<String>::new());
}
