//! Every rule of the standard library that a program can break, broken once
//! (`tests/fixtures/violations/`): each is reported as its own diagnostic with the offending value
//! (or the workload's name) as the primary label, the rule in the standard library as a secondary
//! label, and the rule's message; and one reviewed `allow … because …` turns a violation into a
//! build that succeeds and reports the exception.

use k8sc_compiler::build::{build, project_diagnostics};
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::Code;
use k8sc_compiler::loader;
use std::collections::BTreeMap;
use std::path::Path;

/// (rule, the message the rule declares).
const BREAKABLE: &[(&str, &str)] = &[
    (
        "production.replicas_min",
        "production services run at least two replicas",
    ),
    (
        "production.probes_ready",
        "production services need a readiness probe",
    ),
    (
        "production.probes_live",
        "production services need a liveness probe",
    ),
    (
        "production.image_pinned",
        "production images are pinned by tag or digest, never :latest",
    ),
    (
        "production.expose_tls",
        "production hosts are served over TLS only",
    ),
    (
        "enterprise.image_digest",
        "enterprise workloads run digest-pinned images",
    ),
    (
        "enterprise.labels_has_all",
        "enterprise workloads carry team and cost-center labels",
    ),
    (
        "multicluster.replicas_min",
        "multicluster services run at least three replicas, one per zone",
    ),
    ("pinned_images", "is not pinned to a version"),
    ("digest_images", "is not pinned by digest"),
    (
        "trusted_registries",
        "does not come from a trusted registry (ghcr.io/acme)",
    ),
    ("required_labels", "workloads need the labels owner"),
    (
        "probes_present",
        "long-running workloads need readiness and liveness probes",
    ),
];

fn fixture(
    name: &str,
) -> (
    Database,
    k8sc_compiler::db::Project,
    BTreeMap<String, String>,
) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let loaded = loader::load(&dir).expect("fixture loads");
    let texts = loaded.files.iter().cloned().collect();
    let db = Database::new();
    let project = db.load_project(loaded.files);
    (db, project, texts)
}

#[test]
fn every_breakable_stdlib_rule_is_reported_with_value_rule_and_message() {
    let (db, project, texts) = fixture("violations");
    let diagnostics = project_diagnostics(&db, project);
    let violations: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code == Code::RuleViolation)
        .collect();
    assert_eq!(
        violations.len(),
        diagnostics.len(),
        "only rule violations: {diagnostics:#?}"
    );
    for (rule, message) in BREAKABLE {
        let found: Vec<_> = violations
            .iter()
            .filter(|d| d.message.contains(&format!("breaks `{rule}`")))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "`{rule}` is broken exactly once: {violations:#?}"
        );
        let diagnostic = found[0];
        assert!(
            diagnostic.message.contains(message),
            "`{rule}` says its message: {}",
            diagnostic.message
        );
        // The primary label is in the fixture: the offending value, or the workload's name.
        assert!(
            texts.contains_key(&diagnostic.primary.file),
            "{rule}: {:?}",
            diagnostic.primary
        );
        assert!(diagnostic.primary.message.is_some(), "{rule}");
        // The secondary label is on the rule, in the standard library.
        let rule_label = diagnostic
            .secondary
            .iter()
            .find(|l| l.file.starts_with("std/"))
            .unwrap_or_else(|| panic!("{rule} has a label on the rule: {diagnostic:#?}"));
        assert!(
            rule_label
                .message
                .as_deref()
                .is_some_and(|m| m.starts_with("rule of ")),
            "{rule}: {rule_label:?}"
        );
        assert!(
            diagnostic
                .help
                .as_deref()
                .is_some_and(|h| h.contains(&format!("allow {rule} because"))),
            "{rule} says how to exempt it after review"
        );
    }
    assert_eq!(violations.len(), BREAKABLE.len());
}

#[test]
fn values_are_pointed_at_and_missing_values_point_at_the_workload() {
    let (db, project, texts) = fixture("violations");
    let diagnostics = project_diagnostics(&db, project);
    let primary_text = |rule: &str| {
        let d = diagnostics
            .iter()
            .find(|d| d.message.contains(&format!("breaks `{rule}`")))
            .expect("reported");
        let text = &texts[&d.primary.file];
        text[d.primary.span.range()].to_string()
    };
    assert_eq!(primary_text("production.replicas_min"), "1");
    assert_eq!(
        primary_text("production.image_pinned"),
        "\"ghcr.io/acme/floating:latest\""
    );
    assert_eq!(primary_text("multicluster.replicas_min"), "2..4");
    // No readiness probe: the workload's name.
    assert_eq!(primary_text("production.probes_ready"), "blind");
    assert_eq!(primary_text("required_labels"), "nameless");
}

#[test]
fn an_allowed_violation_builds_and_is_reported_as_an_exception() {
    let (db, project, _) = fixture("allowed");
    let result = build(&db, project);
    assert!(result.diagnostics.is_empty(), "{:#?}", result.diagnostics);
    assert!(result.tree.is_some());
    assert_eq!(result.exceptions.len(), 1);
    let exception = &result.exceptions[0];
    assert_eq!(exception.workload, "single");
    assert_eq!(exception.rule, "production.replicas_min");
    assert!(exception.reason.contains("ADR-12"));
}
