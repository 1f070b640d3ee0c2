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
