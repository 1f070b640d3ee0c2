//! The rollout fields in the editor: completion offers them where they apply (and their words
//! and options), hover shows their summary and where the effective value comes from.

use crate::support;

use k8sc_lsp::features;
use support::*;

const TEXT: &str = "tier steady {\n  defaults { min_ready: 5s }\n}\n\napp shop { tier: steady }\n\nservice web {\n  image: \"ghcr.io/acme/web:1.0.0\"\n  port: http 8080\n  probes { ready: http \"/ready\" }\n  strategy: recreate\n  \n}\n\nstateful kafka {\n  image: \"ghcr.io/acme/kafka:1.0.0\"\n  port: tcp 9092\n  pod_management: \n}\n\nworker api {\n  image: \"ghcr.io/acme/api:1.0.0\"\n  strategy: rolling {  }\n}\n";

#[test]
fn completion_offers_rollout_fields_where_they_apply() {
    let snapshot = workspace(&[("app.k8s", TEXT)]).snapshot();
    let complete = |needle: &str, delta: usize| {
        labels(features::completion::completion(
            &snapshot,
            &uri("app.k8s"),
            pos(&snapshot, "app.k8s", needle, delta),
        ))
    };
    let service = complete("recreate\n  \n", 11);
    for field in ["min_ready", "progress_deadline"] {
        assert!(service.contains(&field.to_string()), "{field}: {service:?}");
    }
    for field in ["pod_management", "partition", "strategy"] {
        assert!(
            !service.contains(&field.to_string()),
            "{field} is a StatefulSet's or already written: {service:?}"
        );
    }
    let stateful = complete("9092\n", 5);
    assert!(
        stateful.contains(&"partition".to_string())
            && !stateful.contains(&"progress_deadline".to_string()),
        "{stateful:?}"
    );
    assert_eq!(complete("pod_management: ", 16), ["ordered", "parallel"]);
    assert_eq!(complete("rolling { ", 10), ["max_surge", "max_unavailable"]);
}

#[test]
fn hover_shows_rollout_values_and_their_origin() {
    let snapshot = workspace(&[("app.k8s", TEXT)]).snapshot();
    let hover = |needle: &str, delta: usize| {
        markdown(features::hover::hover(
            &snapshot,
            &uri("app.k8s"),
            pos(&snapshot, "app.k8s", needle, delta),
        ))
    };
    let strategy = hover("strategy: recreate", 2);
    assert!(strategy.contains("**strategy**"), "{strategy}");
    assert!(strategy.contains("single-writer"), "{strategy}");
    assert!(
        strategy.contains("`strategy: recreate` — from this workload (app.k8s:"),
        "{strategy}"
    );
    let web = hover("service web", 9);
    assert!(
        web.contains("`min_ready: 5s` — from tier `steady` (app.k8s:"),
        "{web}"
    );
}

#[test]
fn completion_offers_scaling_behaviour_and_probe_success() {
    let text = "app shop {}\n\nservice web {\n  image: \"ghcr.io/acme/web:1.0.0\"\n  port: http 8080\n  probes { ready: http \"/ready\" {  } }\n  replicas: 2..6\n  autoscale {\n    \n    up {  }\n    down { select:  }\n  }\n}\n";
    let snapshot = workspace(&[("app.k8s", text)]).snapshot();
    let complete = |needle: &str, delta: usize| {
        labels(features::completion::completion(
            &snapshot,
            &uri("app.k8s"),
            pos(&snapshot, "app.k8s", needle, delta),
        ))
    };
    let autoscale = complete("autoscale {\n    ", 16);
    assert!(
        autoscale.contains(&"cpu".to_string()) && !autoscale.contains(&"up".to_string()),
        "`up` is already written: {autoscale:?}"
    );
    assert!(autoscale.contains(&"memory".to_string()), "{autoscale:?}");
    assert_eq!(complete("up { ", 5), ["window", "policies", "select"]);
    assert_eq!(complete("select: ", 8), ["max", "min", "disabled"]);
    let options = complete("\"/ready\" { ", 11);
    assert!(options.contains(&"success".to_string()), "{options:?}");
    let hover = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "up {", 0),
    ));
    assert!(hover.contains("How fast it scales up"), "{hover}");
}
