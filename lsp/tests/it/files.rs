//! Files and volumes (issue 21) in the editor: hover on `files` and `volumes`, completion of
//! the fields and of a token's and a volume's options.

use crate::support::*;
use k8sc_lsp::features;

const TEXT: &str = "app shop {\n  namespace: shop\n}\n\nservice web {\n  image: \"ghcr.io/acme/web:1.0.0\"\n  port: http 8080\n  files {\n    \"/var/run/secrets/tokens/vault\": token {\n      \n    }\n  }\n  volumes {\n    shared: empty_dir {\n      \n    }\n  }\n  \n}\n";

#[test]
fn completion_offers_files_volumes_and_their_options() {
    let snapshot = workspace(&[("app.k8s", TEXT)]).snapshot();
    let fields = labels(features::completion::completion(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "  }\n  \n}", 6),
    ));
    let without = TEXT
        .replace("  files {", "  fils {")
        .replace("  volumes {", "  vols {");
    let fresh = workspace(&[("app.k8s", &without)]).snapshot();
    let fresh_fields = labels(features::completion::completion(
        &fresh,
        &uri("app.k8s"),
        pos(&fresh, "app.k8s", "  }\n  \n}", 6),
    ));
    assert!(
        fresh_fields.contains(&"files".to_string())
            && fresh_fields.contains(&"volumes".to_string()),
        "{fresh_fields:?}"
    );
    assert!(
        !fields.contains(&"files".to_string()),
        "already written: {fields:?}"
    );
    let token = labels(features::completion::completion(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "token {\n      \n", 14),
    ));
    assert!(
        token.contains(&"audience".to_string()) && token.contains(&"expiry".to_string()),
        "{token:?}"
    );
    let volume = labels(features::completion::completion(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "empty_dir {\n      \n", 18),
    ));
    for option in ["size", "memory", "mount", "class", "access"] {
        assert!(volume.contains(&option.to_string()), "{option}: {volume:?}");
    }
}

#[test]
fn hover_explains_files_and_volumes() {
    let snapshot = workspace(&[("app.k8s", TEXT)]).snapshot();
    let files = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "files {", 1),
    ));
    assert!(files.contains("**files**"), "{files}");
    assert!(files.contains("Files mounted read-only"), "{files}");
    let volumes = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "volumes {", 1),
    ));
    assert!(volumes.contains("PersistentVolumeClaim"), "{volumes}");
}
