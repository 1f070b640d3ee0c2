//! Helpers shared by the integration tests: a Kyverno evaluator, and the equivalence harness that
//! compares its verdicts with the compiler's.
// Each test file uses a different part of the helpers.
#![allow(dead_code)]

#[macro_use]
pub mod alone;
pub mod api_names;
pub mod examples;
pub mod hardening;
pub mod harness;
pub mod kyverno_eval;
pub mod netpol_eval;
pub mod requirements_cover;
pub mod selectors;

/// insta's settings for this binary's snapshots: they stay in `tests/snapshots/`, under the names
/// they had when each test file was a binary of its own, which every assertion spells out
/// (`"kyverno__golden_labels_rule"`, or a name and a suffix) — insta's default for a module of
/// the `it` binary would be `tests/it/snapshots/it__kyverno__golden_labels_rule.snap`.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}
