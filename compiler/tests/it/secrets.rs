//! Secrets never leak. A literal that looks like a credential — by its variable's name, or by its
//! shape (private keys, access tokens, JSON Web Tokens, passwords in URLs) — is an error (E0015)
//! with a fix, wherever it is written (environment, config, annotations, arguments), and then
//! nothing is generated; the diagnostic names the variable but never repeats the value. A `secret`
//! reference is built into a `secretKeyRef` and nothing else: no value, no copy in a ConfigMap.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::{Code, render_all, to_json};
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

/// Where a value can be written, each with the value's place marked `%`. `named`: the place's name
/// says it holds a credential, so any password-like value is one; otherwise only values whose
/// shape gives them away (tokens, URLs with a password) are.
const CONSTRUCTS: &[(&str, bool)] = &[
    ("env { DB_PASSWORD: \"%\" }", true),
    ("env { PGPASSWORD: \"%\" }", true),
    ("env { MYSQL_ROOT_PASSWORD: \"%\" }", true),
    ("env { MYSQL_PWD: \"%\" }", true),
    ("env { GREETING: \"%\" }", false),
    ("config { MYSQL_PASSWORD: \"%\" }", true),
    ("config { MOTD: \"%\" }", false),
    ("files { \"/etc/app/motd.txt\": \"%\" }", false),
    (
        "files { \"/etc/app/db.ini\": \"\"\"\n  [db]\n  password = %\n  \"\"\" }",
        true,
    ),
    (
        "files { \"/etc/app/settings.yaml\": \"\"\"\n  db_password: \"%\"\n  \"\"\" }",
        true,
    ),
    ("annotations { \"example.com/db-password\": \"%\" }", true),
    ("annotations { \"acme.io/note\": \"%\" }", false),
    ("labels { \"db-password\": \"%\" }", true),
    ("labels { tier: \"%\" }", false),
    ("args: [\"--password=%\"]", true),
    ("args: [\"--pass\", \"%\"]", true),
    ("args: [\"--greeting\", \"%\"]", false),
    ("command: [\"mysql\", \"-uroot\", \"-p%\", \"shop\"]", true),
    (
        "command: [\"sh\", \"-c\", \"mysqladmin ping -u root -p%\"]",
        true,
    ),
    (
        "probes { live: exec [\"sh\", \"-c\", \"mysqladmin ping -p%\"] }",
        true,
    ),
    (
        "probes { live: exec [\"check\", \"--token\", \"%\"] }",
        true,
    ),
    ("probes { live: exec [\"check\", \"%\"] }", false),
    // redis-cli passes its password with `-a` (or `--pass`); `-a` is a credential flag only
    // after it (`ls -a` lists hidden files).
    ("command: [\"redis-cli\", \"-a\", \"%\", \"ping\"]", true),
    (
        "command: [\"redis-cli\", \"--no-auth-warning\", \"-a\", \"%\", \"ping\"]",
        true,
    ),
    ("command: [\"valkey-cli\", \"--pass\", \"%\"]", true),
    (
        "probes { live: exec [\"sh\", \"-c\", \"redis-cli -a % --no-auth-warning ping\"] }",
        true,
    ),
    ("command: [\"ls\", \"-a\", \"%\"]", false),
    (
        "patch Deployment { spec { template { spec { containers: [{ name: \"api\", env: [{ name: \"DB_PASSWORD\", value: \"%\" }] }] } } } }",
        true,
    ),
    (
        "patch Deployment { spec { template { spec { containers: [{ name: \"api\", env: [{ name: \"GREETING\", value: \"%\" }] }] } } } }",
        false,
    ),
    (
        "patch Deployment { spec { template { spec { containers: [{ name: \"api\", args: [\"--password=%\"] }] } } } }",
        true,
    ),
    (
        "patch Deployment { spec { template { spec { containers: [{ name: \"api\", command: [\"sh\", \"-c\", \"%\"] }] } } } }",
        false,
    ),
    (
        "patch Deployment { metadata { annotations { \"example.com/db-password\": \"%\" } } }",
        true,
    ),
    (
        "patch Deployment { spec { template { metadata { annotations { \"acme.io/note\": \"%\" } } } } }",
        false,
    ),
    (
        "patch Deployment { spec { template { spec { containers: [{ name: \"api\", livenessProbe: { exec: { command: [\"check\", \"--token\", \"%\"] } } }] } } } }",
        true,
    ),
    (
        "patch Deployment { spec { template { spec { containers: [{ name: \"api\", readinessProbe: { exec: { command: [\"/usr/local/bin/redis-cli\", \"-a\", \"%\", \"ping\"] } } }] } } } }",
        true,
    ),
];

/// Credentials by their shape: caught wherever they are written.
const SHAPED: &[&str] = &[
    "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    "ghs_0123456789abcdefghijklmnopqrstuvwxyz",
    "gho_0123456789abcdefghijklmnopqrstuvwxyz",
    "github_pat_0123456789abcdefghijklmnopqrstuvwxyzAB",
    "glpat-0123456789abcdefghij",
    "AKIAIOSFODNN7EXAMPLE",
    "ASIAIOSFODNN7EXAMPLE",
    "sk_live_0123456789abcdefghijkl",
    "sk_test_0123456789abcdefghijkl",
    "rk_live_0123456789abcdefghijkl",
    "xoxb-0123456789-abcdefghijkl",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
];

/// Credentials that only their place gives away.
const PLAIN: &[&str] = &["hunter2-correct-horse", "Xk9#mQ2vL7pZ"];

/// Builds `construct` with `value` planted and checks the value is refused and never printed.
fn assert_refused(construct: &str, value: &str) {
    let planted = construct.replace('%', value);
    // A probe construct replaces the readiness probe the project has.
    let planted = planted.replace("probes { live:", "probes { ready: http \"/ready\", live:");
    let files = if planted.starts_with("probes") {
        project(&format!("  {planted}"))
            .into_iter()
            .map(|(name, text)| {
                (
                    name,
                    text.replace("  probes { ready: http \"/ready\" }\n", ""),
                )
            })
            .collect()
    } else {
        project(&format!("  {planted}"))
    };
    assert_refused_files(construct, value, files);
}

/// Builds `files` and checks the planted `value` is refused — at its construct (E0015) or, where
/// no construct check looks, by the scan of the generated documents (E0045) — and never printed.
fn assert_refused_files(construct: &str, value: &str, files: Vec<(String, String)>) {
    let texts: BTreeMap<String, String> = files.iter().cloned().collect();
    let db = Database::new();
    let result = build(&db, db.load_project(files));
    assert!(
        result
            .diagnostics
            .iter()
            .any(|d| matches!(d.code, Code::LiteralSecret | Code::GeneratedSecret) && d.is_error()),
        "{construct} with {value}: not refused: {:#?}",
        result.diagnostics
    );
    assert!(
        result.tree.is_none(),
        "{construct}: nothing may be generated"
    );
    let json = to_json(&result.diagnostics, &texts).to_string();
    let human = render_all(&result.diagnostics, &texts, false);
    for (format, text) in [("JSON", &json), ("human", &human)] {
        assert!(
            !text.contains(value),
            "{construct}: the {format} report prints the value:\n{text}"
        );
    }
}

#[test]
fn a_credential_planted_in_any_construct_is_refused_and_never_printed() {
    for (construct, named) in CONSTRUCTS {
        for value in SHAPED {
            assert_refused(construct, value);
        }
        if *named {
            for value in PLAIN {
                assert_refused(construct, value);
            }
        }
    }
}

/// Places no construct check looks at, each a whole project with the value's place marked `%`:
/// the value reaches the generated documents (Argo CD's repository URL and destination, the
/// image), so only the scan of every generated document before it is written can stop it.
const OUTPUT_ONLY: &[&str] = &[
    "app shop {\n  namespace: shop\n  gitops: argocd { repo: \"https://deploy:%@github.com/acme/platform.git\", path: \"deploy/shop\" }\n}\n\nservice api {\n  image: \"ghcr.io/acme/api:1.0.0\"\n  port: http 8080\n  probes { ready: http \"/ready\" }\n}\n",
    "app shop {\n  namespace: shop\n  gitops: argocd { repo: \"https://github.com/acme/platform.git\", path: \"deploy/shop\" }\n}\n\nservice api {\n  image: \"ghcr.io/acme/api:1.0.0\"\n  port: http 8080\n  probes { ready: http \"/ready\" }\n}\n\nenv prod {\n  cluster: \"https://admin:%@prod.k8s.acme.internal\"\n}\n",
    "app shop {\n  namespace: shop\n  gitops: argocd { repo: \"https://github.com/acme/platform.git\", path: \"deploy/shop\", revision: \"%\" }\n}\n\nservice api {\n  image: \"ghcr.io/acme/api:1.0.0\"\n  port: http 8080\n  probes { ready: http \"/ready\" }\n}\n",
    "app shop { namespace: shop }\n\nservice api {\n  image: \"ghcr.io/acme/api:%\"\n  port: http 8080\n  probes { ready: http \"/ready\" }\n}\n",
];

/// A credential in a place only the output scan sees is refused (E0045) and never printed.
#[test]
fn a_credential_that_reaches_the_output_unchecked_is_refused_by_the_output_scan() {
    for construct in OUTPUT_ONLY {
        for value in SHAPED {
            let planted = construct.replace('%', value);
            assert_refused_files(construct, value, vec![("app.k8s".to_string(), planted)]);
        }
        // A URL's password is a credential whatever it looks like.
        if construct.contains("https://deploy:%") || construct.contains("https://admin:%") {
            let planted = construct.replace('%', "hunter2-correct-horse");
            assert_refused_files(
                construct,
                "hunter2-correct-horse",
                vec![("app.k8s".to_string(), planted)],
            );
        }
    }
}

/// `OUT/<env>/REQUIREMENTS.md` names user values: the cluster an environment deploys to is
/// listed there as well as in Argo CD's Application, and the output scan reads the file as it
/// reads the documents (the E0045 names it among the places the value reaches). A credential
/// that reached only the file (no document) would stop the build the same way.
#[test]
fn the_requirements_file_is_scanned_like_the_documents() {
    let files = vec![(
        "app.k8s".to_string(),
        OUTPUT_ONLY[1].replace('%', "hunter2-correct-horse"),
    )];
    let db = Database::new();
    let result = build(&db, db.load_project(files));
    let scanned: Vec<&k8sc_compiler::diagnostics::Diagnostic> = result
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::GeneratedSecret)
        .collect();
    assert_eq!(scanned.len(), 1, "{:#?}", result.diagnostics);
    let words = format!("{} {}", scanned[0].message, scanned[0].notes.join(" "));
    assert!(
        words.contains("requirements `prod/REQUIREMENTS.md` at `line"),
        "the requirements file is not among the places scanned: {words}"
    );
    assert!(!words.contains("hunter2"), "{words}");
}

/// The token families by prefix, with a real token's length.
const FAMILIES: &[(&str, usize)] = &[
    ("ghp_", 40),
    ("ghs_", 40),
    ("gho_", 40),
    ("ghu_", 40),
    ("github_pat_", 82),
    ("glpat-", 26),
    ("AKIA", 20),
    ("ASIA", 20),
    ("sk_live_", 32),
    ("sk_test_", 32),
    ("rk_live_", 32),
    ("xoxb-", 40),
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Any token of any family, random in its body, in any construct.
    #[test]
    fn random_tokens_in_random_constructs_are_refused(
        construct in 0..CONSTRUCTS.len(),
        family in 0..FAMILIES.len(),
        body in "[a-z0-9]{16,40}",
    ) {
        let (prefix, length) = FAMILIES[family];
        let mut rest: String = body.chars().cycle().take(length - prefix.len()).collect();
        if prefix.starts_with("AKIA") || prefix.starts_with("ASIA") {
            rest = rest.to_ascii_uppercase();
        }
        assert_refused(CONSTRUCTS[construct].0, &format!("{prefix}{rest}"));
    }
}

/// What is not a credential builds, everywhere: references, paths, policies, shell variables.
#[test]
fn references_and_harmless_values_build() {
    let files = project(
        "  env {\n    PASSWORD_FILE: \"/run/secrets/db\"\n    DB_PASSWORD: secret db.password\n    PASSWORD_POLICY: \"strict\"\n    REGION: \"ASIA-PACIFIC-SOUTHEAST-1\"\n  }\n  annotations { \"example.com/password-policy\": \"strict\" }\n  labels { \"token-audience\": \"api\" }\n  args: [\"--password-file\", \"/run/secrets/db\", \"--pass\", \"$(DB_PASSWORD)\"]\n  patch Deployment { spec { template { spec { containers: [{ name: \"api\", livenessProbe: { exec: { command: [\"sh\", \"-c\", \"mysqladmin ping -u root -p$MYSQL_ROOT_PASSWORD\"] } }, env: [{ name: \"API_TOKEN\", valueFrom: { secretKeyRef: { name: \"api\", key: \"token\" } } }] }] } } } }",
    );
    let db = Database::new();
    let result = build(&db, db.load_project(files));
    assert_eq!(result.error_count(), 0, "{:#?}", result.diagnostics);
    assert!(result.tree.is_some());
}

/// `-a` passes a password only to redis-cli: elsewhere (`ls -a`, `cp -a`, after a redis-cli
/// command that ended) it is an ordinary flag, and the word after it builds.
#[test]
fn a_dash_a_flag_outside_redis_cli_builds() {
    for command in [
        "[\"ls\", \"-a\", \"backups\"]",
        "[\"cp\", \"-a\", \"templates\", \"rendered\"]",
        "[\"sh\", \"-c\", \"redis-cli ping; ls -a backups\"]",
        "[\"sh\", \"-c\", \"redis-cli ping && tar -a -cf archive.tgz backups\"]",
    ] {
        let files = project(&format!("  command: {command}"));
        let db = Database::new();
        let result = build(&db, db.load_project(files));
        assert_eq!(
            result.error_count(),
            0,
            "{command}: {:#?}",
            result.diagnostics
        );
        assert!(result.tree.is_some(), "{command}");
    }
}

/// What k8sc itself generates never trips the output scan (E0045): Kyverno policies of every
/// standard rule, `secretKeyRef`s, config hashes, image digests, Argo CD applications with a
/// repository and a cluster URL without credentials, the mesh's resources.
#[test]
fn generated_shapes_pass_the_output_scan() {
    let files = vec![(
        "app.k8s".to_string(),
        "import std.tiers.{production}\nimport std.policies.{pinned_images, trusted_registries}\n\napp shop {\n  namespace: shop\n  tier: production\n  team: payments\n  policies: [pinned_images, trusted_registries([\"ghcr.io/acme\"])]\n  mesh: istio\n  gitops: argocd { repo: \"https://github.com/acme/platform.git\", path: \"deploy/shop\" }\n}\n\nservice api {\n  image: \"ghcr.io/acme/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n  port: http 8080\n  replicas: 3\n  probes { ready: http \"/ready\", live: http \"/live\" }\n  cpu: 100m..500m\n  memory: 128Mi\n  env { DB_PASSWORD: secret db.password\n    API_TOKEN: secret api.token }\n  config { TOKEN_AUDIENCE: \"api.example.com\" }\n}\n\nenv prod {\n  cluster: \"https://prod.k8s.acme.internal:6443\"\n}\n".to_string(),
    )];
    let db = Database::new();
    let result = build(&db, db.load_project(files));
    assert!(
        !result
            .diagnostics
            .iter()
            .any(|d| d.code == Code::GeneratedSecret),
        "{:#?}",
        result.diagnostics
    );
    assert_eq!(result.error_count(), 0, "{:#?}", result.diagnostics);
    let tree = result.tree.expect("a tree");
    assert!(
        tree.files.keys().any(|f| f.contains("kyverno/")),
        "{:?}",
        tree.files.keys()
    );
    assert!(tree.files.keys().any(|f| f.contains("argocd/")));
}

/// Pieces the detector looks for, mixed with multi-byte characters, so that random strings reach
/// its every branch (URLs, tokens, keys, flags) and cut them at odd places.
fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just("://".to_string()),
        Just("@".to_string()),
        Just(":".to_string()),
        Just("ghp_".to_string()),
        Just("AKIA".to_string()),
        Just("eyJ".to_string()),
        Just(".".to_string()),
        Just("-----BEGIN".to_string()),
        Just("PRIVATE KEY".to_string()),
        Just("-----END".to_string()),
        Just("KEY-----".to_string()),
        Just("--password".to_string()),
        Just("--pass".to_string()),
        Just("mysql".to_string()),
        Just("-p".to_string()),
        Just("=".to_string()),
        Just(" ".to_string()),
        Just("\"".to_string()),
        Just("$(".to_string()),
        Just("é".to_string()),
        Just("日本".to_string()),
        Just("🔑".to_string()),
        Just("\u{301}".to_string()),
        "[a-zA-Z0-9_]{1,24}",
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    /// The detector never panics on any text, under any name, as a value, a command line or a
    /// document; and redaction never panics and leaves none of what the detector flags.
    #[test]
    fn the_detector_and_redaction_never_panic_and_redact_every_flag(
        text in proptest::prelude::prop_oneof![tricky_text(), proptest::prelude::any::<String>()],
        key in proptest::prelude::prop_oneof![tricky_text(), proptest::prelude::any::<String>()],
        start in 0usize..200,
        length in 0usize..200,
    ) {
        use k8sc_compiler::diagnostics::{Diagnostic, redact_all};
        use k8sc_compiler::secret_detect as detect;
        let _ = detect::secret_reason(&key, &text);
        let _ = detect::is_secret_name(&key);
        let _ = detect::could_be_credential(&text);
        let args: Vec<&str> = text.split(' ').chain(key.split('=')).collect();
        for (index, _) in detect::argument_secrets(&args) {
            proptest::prop_assert!(index < args.len());
        }
        let document = serde_json::json!({ key.clone(): text.clone(), "env": [{"name": key.clone(), "value": text.clone()}], "args": args });
        detect::scan(&document, &mut |_, _, _| {});
        let flagged: Vec<String> = detect::shaped_ranges(&text)
            .into_iter()
            .map(|range| text[range].to_string())
            .collect();
        // A diagnostic quoting the text, with a span anywhere (inside a character, past the end).
        let source = format!("{key}\n{text}\n");
        let span = k8sc_grammar::Span::new(start.min(source.len() + 3), (start + length).min(source.len() + 3));
        let quoting = Diagnostic::new(Code::InvalidName, format!("value `{text}`"), "a.k8s", span)
            .with_label(text.clone())
            .with_note(text.clone());
        let sources: BTreeMap<String, String> = [("a.k8s".to_string(), source)].into();
        // And a secret diagnostic at the same span, whose value (if it is a string) is redacted
        // from every other diagnostic.
        let both = [
            Diagnostic::new(Code::LiteralSecret, "a secret", "a.k8s", span),
            quoting.clone(),
        ];
        let redacted = redact_all(std::slice::from_ref(&quoting), &sources);
        let _ = redact_all(&both, &sources);
        let _ = render_all(&both, &sources, false);
        let _ = to_json(&both, &sources);
        for secret in flagged.iter().filter(|s| !s.is_empty()) {
            proptest::prop_assert!(
                !redacted[0].message.contains(secret.as_str()),
                "{:?} keeps {:?}", redacted[0].message, secret
            );
            for note in &redacted[0].notes {
                proptest::prop_assert!(!note.contains(secret.as_str()), "{note:?} keeps {secret:?}");
            }
        }
    }
}
