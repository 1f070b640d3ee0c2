//! Services (issue 21) in the editor: completion and hover of `expose`'s hosts and paths and of
//! the Service's options.

use crate::support::*;
use k8sc_lsp::features;

const TEXT: &str = "app shop {\n  namespace: shop\n  gateway: \"gateway-system/public\"\n}\n\nservice web {\n  image: \"ghcr.io/acme/web:1.0.0\"\n  port: http 8080\n  expose: route [\"shop.example.com\", \"www.shop.example.com\"] {\n    paths: [\"/\", \"/api\"]\n    \n  }\n}\n";

#[test]
fn completion_in_expose_offers_paths() {
    let snapshot = workspace(&[("app.k8s", TEXT)]).snapshot();
    let items = labels(features::completion::completion(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "]\n    \n", 6),
    ));
    assert!(items.contains(&"port".to_string()), "{items:?}");
    assert!(
        !items.contains(&"paths".to_string()),
        "already written: {items:?}"
    );
    let fresh = TEXT.replace("    paths: [\"/\", \"/api\"]\n", "");
    let snapshot = workspace(&[("app.k8s", &fresh)]).snapshot();
    let items = labels(features::completion::completion(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "] {\n    \n", 8),
    ));
    assert!(
        items.contains(&"paths".to_string()) && items.contains(&"path".to_string()),
        "{items:?}"
    );
}

#[test]
fn hover_on_expose_names_several_hosts_and_paths() {
    let snapshot = workspace(&[("app.k8s", TEXT)]).snapshot();
    let text = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "expose: route", 1),
    ));
    assert!(text.contains("**expose**"), "{text}");
    assert!(text.contains("several hosts as a list"), "{text}");
    let paths = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "paths: [", 1),
    ));
    assert!(paths.contains("Several path prefixes"), "{paths}");
}

const OPTIONS: &str = "app iot {\n  namespace: iot\n}\n\nservice broker {\n  image: \"docker.io/eclipse-mosquitto:2.0.20\"\n  port: tcp 1883\n  service {\n    type: load_balancer { source_ranges: [\"10.0.0.0/8\"] }\n    session_affinity: \n    \n  }\n  headless: true\n}\n";

#[test]
fn completion_in_the_service_block_offers_its_settings_and_choices() {
    let snapshot = workspace(&[("app.k8s", OPTIONS)]).snapshot();
    let complete = |needle: &str, delta: usize| {
        labels(features::completion::completion(
            &snapshot,
            &uri("app.k8s"),
            pos(&snapshot, "app.k8s", needle, delta),
        ))
    };
    let fields = complete("affinity: \n    \n", 15);
    assert!(
        fields.contains(&"external_traffic".to_string())
            && fields.contains(&"publish_not_ready".to_string())
            && !fields.contains(&"type".to_string()),
        "{fields:?}"
    );
    assert_eq!(complete("session_affinity: ", 18), ["none", "client_ip"]);
}

#[test]
fn hover_on_the_service_settings() {
    let snapshot = workspace(&[("app.k8s", OPTIONS)]).snapshot();
    let hover = |needle: &str| {
        markdown(features::hover::hover(
            &snapshot,
            &uri("app.k8s"),
            pos(&snapshot, "app.k8s", needle, 1),
        ))
    };
    let block = hover("service {");
    assert!(
        block.contains("**service**") && block.contains("load balancer"),
        "{block}"
    );
    let kind = hover("type: load_balancer");
    assert!(kind.contains("load_balancer"), "{kind}");
    let headless = hover("headless: true");
    assert!(headless.contains("headless Service"), "{headless}");
}
