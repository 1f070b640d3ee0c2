//! No two controllers k8sc emits claim each other's pods, every PodDisruptionBudget covers one
//! controller, and what selects a workload as a whole (its Service, the mesh's policies) reaches
//! every version of it — a canary included — and nothing else: checked on every environment of
//! every example (`support/selectors.rs` says exactly what is checked; `properties.rs` checks the
//! same on generated projects, canaries among them).

use crate::support;

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::loader;
use support::examples::example_dirs as examples;
use support::selectors::{Counts, by_environment, violations};

#[test]
fn no_two_controllers_of_any_example_claim_the_same_pods() {
    let mut counts = Counts::default();
    let mut wrong = Vec::new();
    let mut canaries = 0;
    for dir in examples() {
        let loaded = loader::load(&dir).expect("the example loads");
        let db = Database::new();
        let project = db.load_project(loaded.files);
        let tree = build(&db, project).tree.expect("the example builds");
        canaries += tree
            .files
            .keys()
            .filter(|p| p.contains("deployment-") && p.ends_with("-canary.yaml"))
            .count();
        for (env, docs) in by_environment(&tree.files) {
            for problem in violations(&docs, &mut counts) {
                wrong.push(format!("{}: {env}: {problem}", dir.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Not vacuous: the examples have a canary, budgets and selectors of every kind checked.
    assert!(canaries >= 1, "no example has a canary");
    assert!(
        counts.controllers >= 20 && counts.budgets >= 5,
        "{counts:?}"
    );
    assert!(counts.workload_selectors >= 20, "{counts:?}");
}
