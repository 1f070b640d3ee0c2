//! The editor on placement: completion of the placement fields, their blocks and words, of the
//! declared priority classes; hover on the fields; go to a priority's declaration.

use crate::support;

use k8sc_lsp::features;
use support::*;
use tower_lsp_server::ls_types::*;

const TEXT: &str = "priority critical { value: 1000000 }\npriority batch { assumed: true }\n\napp shop {\n  network: open\n}\n\ndatabase db {\n  image: \"docker.io/library/postgres:16.4\"\n  port: tcp 5432\n  storage: 20Gi\n  \n  priority: \n  affinity {\n    \n  }\n  tolerations {\n    dedicated: \"db\" { effect: no_schedule,  }\n  }\n  spread: zones hard\n}\n\nworker sync {\n  image: \"ghcr.io/acme/sync:1.0.0\"\n  priority: critical\n}\n";

#[test]
fn completion_offers_placement_fields_blocks_words_and_priorities() {
    let snapshot = workspace(&[("app.k8s", TEXT)]).snapshot();
    let complete = |needle: &str, delta: usize| {
        labels(features::completion::completion(
            &snapshot,
            &uri("app.k8s"),
            pos(&snapshot, "app.k8s", needle, delta),
        ))
    };
    let fields = complete("20Gi\n  \n", 7);
    for field in ["nodes", "runtime_class"] {
        assert!(fields.contains(&field.to_string()), "{field}: {fields:?}");
    }
    assert!(
        !fields.contains(&"tolerations".to_string()),
        "already written: {fields:?}"
    );
    assert_eq!(complete("priority: \n", 10), ["batch", "critical"]);
    assert_eq!(
        complete("affinity {\n    ", 15),
        ["required", "preferred", "apart", "together"]
    );
    assert_eq!(complete("no_schedule,  ", 14), ["for"]);
    let effects = complete("effect: ", 8);
    assert_eq!(effects, ["no_schedule", "prefer_no_schedule", "no_execute"]);
}

#[test]
fn hover_on_placement_fields_and_definition_of_a_priority() {
    let snapshot = workspace(&[("app.k8s", TEXT)]).snapshot();
    let hover = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "spread: zones hard", 1),
    ));
    assert!(hover.contains("**spread**"), "{hover}");
    assert!(hover.contains("`hard`"), "{hover}");
    let tolerations = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "tolerations {", 1),
    ));
    assert!(
        tolerations.contains("Node taints the pods tolerate"),
        "{tolerations}"
    );
    let at = pos(&snapshot, "app.k8s", "priority: critical", 12);
    let Some(GotoDefinitionResponse::Scalar(location)) =
        features::navigation::definition(&snapshot, &uri("app.k8s"), at)
    else {
        panic!("no definition for the priority");
    };
    assert_eq!(
        location.range.start,
        pos(&snapshot, "app.k8s", "priority critical", 9)
    );
}
