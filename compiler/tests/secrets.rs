//! Secrets never leak. A literal that looks like a credential — by its variable's name, or by its
//! shape (private keys, access tokens, JSON Web Tokens, passwords in URLs) — is an error (E0015)
//! with a fix, wherever it is written (environment, config, annotations, arguments), and then
//! nothing is generated; the diagnostic names the variable but never repeats the value. A `secret`
//! reference is built into a `secretKeyRef` and nothing else: no value, no copy in a ConfigMap.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::{Code, to_json};
use std::collections::BTreeMap;

fn project(workload_body: &str) -> Vec<(String, String)> {
    vec![(
        "app.k8s".to_string(),
        format!(
            "app shop {{ namespace: shop }}\n\nservice api {{\n  image: \"ghcr.io/acme/api:1.0.0\"\n  port: http 8080\n  probes {{ ready: http \"/ready\" }}\n{workload_body}\n}}\n"
        ),
    )]
}

/// Literal credentials of every kind, each with where it is written.
const LEAKS: &[(&str, &str)] = &[
    ("env { DB_PASSWORD: \"%\" }", "hunter2-correct-horse"),
    ("env { API_TOKEN: \"%\" }", "tok-8c1e2f3a4b5c6d7e"),
    (
        "env { DATABASE_URL: \"%\" }",
        "postgres://app:pa55w0rd-xyz@db:5432/shop",
    ),
    (
        "env { TLS_KEY: \"\"\"%\"\"\" }",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END RSA PRIVATE KEY-----",
    ),
    (
        "env { GH: \"%\" }",
        "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    ),
    (
        "env { AUTH_HEADER: \"%\" }",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
    ),
    (
        "env { AWS_SECRET_ACCESS_KEY: \"%\" }",
        "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
    ),
    (
        "config { STRIPE_KEY: \"%\" }",
        "sk_live_0123456789abcdefghijkl",
    ),
    (
        "annotations { \"acme.com/token\": \"%\" }",
        "xoxp-0123456789-abcdefghijkl",
    ),
    ("args: [\"--password=%\"]", "letmein-9f8e7d"),
    ("args: [\"--requirepass\", \"%\"]", "s3cr3t-v4lue-77"),
];

#[test]
fn literal_secrets_are_errors_with_a_fix_that_never_repeat_the_value() {
    for (template, value) in LEAKS {
        let files = project(&format!("  {}", template.replace('%', value)));
        let texts: BTreeMap<String, String> = files.iter().cloned().collect();
        let db = Database::new();
        let result = build(&db, db.load_project(files));
        let found: Vec<_> = result
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::LiteralSecret)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{template} with {value}: {:#?}",
            result.diagnostics
        );
        let diagnostic = found[0];
        assert!(diagnostic.is_error());
        assert!(
            result.tree.is_none(),
            "{template}: nothing may be generated"
        );
        // A fix: the help says to use a `secret` reference (or `$(VAR)` for arguments).
        let help = diagnostic.help.clone().unwrap_or_default();
        assert!(help.contains("secret"), "{template}: no fix in {help:?}");
        // The value appears in none of the diagnostic's own words (messages, labels, notes,
        // help), nor in the JSON report CI tools keep.
        let own_words = format!(
            "{} {:?} {:?} {:?} {}",
            diagnostic.message, diagnostic.primary, diagnostic.secondary, diagnostic.notes, help
        );
        let first_line = value.lines().next().unwrap_or(value);
        let core = &first_line[first_line.len().saturating_sub(8)..];
        assert!(
            !own_words.contains(core),
            "{template}: the diagnostic repeats the value"
        );
        let json = to_json(&result.diagnostics, &texts).to_string();
        assert!(
            !json.contains(core),
            "{template}: the JSON report repeats the value"
        );
    }
}

#[test]
fn secret_references_become_secret_key_refs_and_nothing_else() {
    let files = project(
        "  env {\n    DB_PASSWORD: secret db-credentials.password\n    API_TOKEN: secret api.token\n    LOG_LEVEL: \"info\"\n  }\n  config { MODE: \"fast\" }",
    );
    let db = Database::new();
    let result = build(&db, db.load_project(files));
    assert_eq!(result.error_count(), 0, "{:#?}", result.diagnostics);
    let stream = result.tree.expect("builds").to_stream();
    for (variable, secret, key) in [
        ("DB_PASSWORD", "db-credentials", "password"),
        ("API_TOKEN", "api", "token"),
    ] {
        let at = stream
            .find(&format!("name: {variable}"))
            .unwrap_or_else(|| panic!("{variable} missing:\n{stream}"));
        let entry: String = stream[at..].lines().take(5).collect::<Vec<_>>().join("\n");
        assert!(
            entry.contains("secretKeyRef")
                && entry.contains(&format!("name: {secret}"))
                && entry.contains(&format!("key: {key}")),
            "{variable} is not a secretKeyRef:\n{entry}"
        );
        assert!(
            !entry.contains("value:"),
            "{variable} has a value:\n{entry}"
        );
    }
    // No Secret object is generated, and the ConfigMap holds only the config.
    assert!(
        !stream.contains("kind: Secret\n"),
        "k8sc never writes Secret objects"
    );
    let configmap = stream
        .split("\n---")
        .find(|doc| doc.contains("kind: ConfigMap"))
        .expect("a ConfigMap");
    assert!(!configmap.contains("DB_PASSWORD") && !configmap.contains("API_TOKEN"));
}
