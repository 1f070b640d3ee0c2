//! In-process tests of every feature, on snapshots of in-memory workspaces.

use crate::support;

use k8sc_compiler::build::project_diagnostics;
use k8sc_lsp::features::{self, preview::PreviewParams};
use support::*;
use tower_lsp_server::ls_types::*;

#[test]
fn diagnostics_are_the_checkers_per_file() {
    let snapshot = shop().snapshot();
    let expected = project_diagnostics(&snapshot.db, snapshot.project).len();
    let files = features::diagnostics::collect(&snapshot);
    let published: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    assert_eq!(published, expected);
    for file in &files {
        for diagnostic in &file.diagnostics {
            let Some(NumberOrString::String(code)) = &diagnostic.code else {
                panic!("no code: {diagnostic:?}");
            };
            let href = diagnostic
                .code_description
                .as_ref()
                .map(|d| d.href.as_str().to_string());
            assert!(href.is_some_and(|h| h.ends_with(&format!("{code}.md"))));
        }
    }
}

#[test]
fn an_edit_in_one_file_updates_the_diagnostics_of_another() {
    let mut workspace = shop();
    let count = |w: &k8sc_lsp::workspace::Workspace, path: &str| {
        let snapshot = w.snapshot();
        features::diagnostics::collect(&snapshot)
            .into_iter()
            .find(|f| f.uri == uri(path))
            .map_or(0, |f| {
                f.diagnostics
                    .iter()
                    .filter(|d| d.severity == Some(DiagnosticSeverity::ERROR))
                    .count()
            })
    };
    let before = count(&workspace, "workers.k8s");
    // Renaming `api` in app.k8s breaks `shop.api` in workers.k8s.
    let at = pos(&workspace.snapshot(), "app.k8s", "service api", 8);
    let end = Position::new(at.line, at.character + 3);
    workspace.change(
        &uri("app.k8s"),
        2,
        vec![TextDocumentContentChangeEvent {
            range: Some(Range::new(at, end)),
            range_length: None,
            text: "orders".to_string(),
        }],
    );
    assert_eq!(count(&workspace, "workers.k8s"), before + 1);
    assert!(
        count(&workspace, "app.k8s") >= 1,
        "web's `calls: [api]` breaks too"
    );
}

#[test]
fn hover_shows_the_effective_value_and_its_origin() {
    let snapshot = shop().snapshot();
    let text = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "cpu: 250m", 1),
    ));
    assert!(text.contains("**cpu**"), "{text}");
    assert!(
        text.contains("`cpu: 250m..1` — from this workload (app.k8s:"),
        "{text}"
    );
    let web = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "service web", 9),
    ));
    assert!(web.contains("The storefront."), "{web}");
    assert!(
        web.contains("`replicas: 2..10` — from tier `production` (std/tiers.k8s:"),
        "{web}"
    );
    assert!(
        web.contains("compiles to: ServiceAccount web, Deployment web"),
        "{web}"
    );
    let tier = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "tier: production", 7),
    ));
    assert!(tier.contains("tier production: foundation"), "{tier}");
}

#[test]
fn definition_of_calls_tiers_and_imports() {
    let snapshot = shop().snapshot();
    let at = |path: &str, needle: &str, delta: usize| match features::navigation::definition(
        &snapshot,
        &uri(path),
        pos(&snapshot, path, needle, delta),
    ) {
        Some(GotoDefinitionResponse::Scalar(location)) => location,
        other => panic!("no definition for {needle}: {other:?}"),
    };
    let api = at("workers.k8s", "shop.api", 6);
    assert_eq!(api.uri, uri("app.k8s"));
    assert_eq!(api.range.start, pos(&snapshot, "app.k8s", "service api", 8));
    let tier = at("app.k8s", "tier: production", 7);
    assert_eq!(tier.uri.as_str(), "k8sc:/std/tiers.k8s");
    let module = at("app.k8s", "std.policies", 5);
    assert_eq!(module.uri.as_str(), "k8sc:/std/policies.k8s");
    let text = features::preview::virtual_document(&snapshot, &module.uri).map(|d| d.text);
    assert!(text.is_some_and(|t| t.contains("policy pinned_images")));
}

#[test]
fn references_and_rename_of_a_workload_across_files() {
    let snapshot = shop().snapshot();
    let at = pos(&snapshot, "app.k8s", "service api", 9);
    let references =
        features::navigation::references(&snapshot, &uri("app.k8s"), at, true).unwrap_or_default();
    let files: Vec<&str> = references.iter().map(|l| l.uri.path().as_str()).collect();
    assert_eq!(references.len(), 3, "{references:?}");
    assert!(files.iter().any(|f| f.ends_with("workers.k8s")));
    let prepared = features::navigation::prepare_rename(&snapshot, &uri("app.k8s"), at);
    assert!(
        matches!(prepared, Ok(Some(PrepareRenameResponse::RangeWithPlaceholder { ref placeholder, .. })) if placeholder == "api")
    );
    let edit = features::navigation::rename(&snapshot, &uri("app.k8s"), at, "orders")
        .ok()
        .flatten()
        .and_then(|e| e.changes)
        .unwrap_or_default();
    assert_eq!(edit.get(&uri("app.k8s")).map(Vec::len), Some(2));
    let workers = edit.get(&uri("workers.k8s")).cloned().unwrap_or_default();
    assert_eq!(workers.len(), 1);
    assert_eq!(
        workers[0].range.start,
        pos(&snapshot, "workers.k8s", "shop.api", 5)
    );
    let bad = features::navigation::rename(&snapshot, &uri("app.k8s"), at, "9lives");
    assert!(bad.is_err());
    let std_tier = features::navigation::prepare_rename(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "tier: production", 7),
    );
    assert!(std_tier.is_err(), "the standard library is read-only");
}

#[test]
fn completion_offers_fields_values_units_and_names() {
    let text = "import std.tiers.production\nimport std.policies.{trusted_registries}\n\napp shop {\n  tier: \n  policies: [\n]\n}\n\nservice web {\n  image: \"ghcr.io/acme/web:1.0.0\"\n  \n  spread: \n  memory: 256\n  calls: []\n  probes {\n    \n  }\n}\n\nservice api {\n  image: \"ghcr.io/acme/api:1.0.0\"\n}\n\ncron nightly {\n  \n}\n";
    let snapshot = workspace(&[("app.k8s", text)]).snapshot();
    let complete = |needle: &str, delta: usize| {
        labels(features::completion::completion(
            &snapshot,
            &uri("app.k8s"),
            pos(&snapshot, "app.k8s", needle, delta),
        ))
    };
    let fields = complete("\"\n  \n", 4);
    assert!(
        fields.contains(&"replicas".to_string()) && fields.contains(&"expose".to_string()),
        "{fields:?}"
    );
    assert!(
        !fields.contains(&"image".to_string()),
        "already written: {fields:?}"
    );
    let cron = complete("nightly {\n  ", 12);
    assert!(
        cron.contains(&"schedule".to_string()) && !cron.contains(&"replicas".to_string()),
        "{cron:?}"
    );
    assert!(complete("spread: ", 8).contains(&"zones".to_string()));
    assert!(complete("memory: 256", 11).contains(&"256Mi".to_string()));
    assert_eq!(complete("calls: [", 8), ["api", "nightly"]);
    assert_eq!(complete("tier: \n", 6), ["production"]);
    assert_eq!(complete("probes {\n    ", 13), ["ready", "live", "startup"]);
    let policies = features::completion::completion(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "policies: [", 11),
    );
    let Some(CompletionResponse::Array(items)) = policies else {
        panic!("no policies")
    };
    assert_eq!(items[0].label, "trusted_registries");
    assert_eq!(
        items[0].detail.as_deref(),
        Some("trusted_registries(allowed: [string])")
    );
    let imports = workspace(&[("app.k8s", "import std.\n")]).snapshot();
    let modules = labels(features::completion::completion(
        &imports,
        &uri("app.k8s"),
        Position::new(0, 11),
    ));
    assert_eq!(modules, ["std.policies", "std.tiers"]);
}

#[test]
fn signature_help_for_parameterised_policies() {
    let text = "import std.policies.{trusted_registries}\napp shop {\n  policies: [trusted_registries([\"a\"]\n}\n";
    let snapshot = workspace(&[("app.k8s", text)]).snapshot();
    let help = features::signature_help::signature_help(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "[\"a\"]", 5),
    );
    let help = help.expect("signature help");
    assert_eq!(
        help.signatures[0].label,
        "trusted_registries(allowed: [string])"
    );
    assert_eq!(help.active_parameter, Some(0));
}

#[test]
fn document_and_workspace_symbols() {
    let snapshot = shop().snapshot();
    let Some(DocumentSymbolResponse::Nested(symbols)) =
        features::symbols::document_symbols(&snapshot, &uri("app.k8s"))
    else {
        panic!("no outline");
    };
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["shop", "web", "api"]);
    let Some(WorkspaceSymbolResponse::Flat(found)) =
        features::symbols::workspace_symbols(&snapshot, "prod")
    else {
        panic!("no workspace symbols");
    };
    assert!(
        found
            .iter()
            .any(|s| s.name == "production" && s.location.uri.as_str() == "k8sc:/std/tiers.k8s")
    );
}

#[test]
fn semantic_tokens_cover_the_file() {
    let snapshot = shop().snapshot();
    let tokens = features::semantic_tokens::full(&snapshot, &uri("app.k8s")).expect("tokens");
    assert!(tokens.data.len() > 40);
    // The first token is `import`, a keyword at 0:0.
    assert_eq!(
        (
            tokens.data[0].delta_line,
            tokens.data[0].delta_start,
            tokens.data[0].length,
            tokens.data[0].token_type
        ),
        (0, 0, 6, 0)
    );
    let range = Range::new(Position::new(11, 0), Position::new(12, 0));
    let some = features::semantic_tokens::range(&snapshot, &uri("app.k8s"), range).expect("tokens");
    assert!(!some.data.is_empty() && some.data.len() < tokens.data.len());
}

#[test]
fn inlay_hints_show_inherited_values() {
    let snapshot = shop().snapshot();
    let whole = Range::new(Position::new(0, 0), Position::new(100, 0));
    let hints =
        features::inlay_hints::inlay_hints(&snapshot, &uri("app.k8s"), whole).unwrap_or_default();
    let labels: Vec<String> = hints
        .iter()
        .map(|h| match &h.label {
            InlayHintLabel::String(s) => s.clone(),
            InlayHintLabel::LabelParts(parts) => parts.iter().map(|p| p.value.as_str()).collect(),
        })
        .collect();
    assert!(
        labels
            .iter()
            .any(|l| l.contains("replicas 2..10") && l.ends_with("from tier production")),
        "{labels:?}"
    );
    assert!(
        !labels.iter().any(|l| l.contains("cpu 250m..1")),
        "web writes its own cpu: {labels:?}"
    );
}

#[test]
fn code_actions_fix_what_diagnostics_point_at() {
    let text = "import std.tiers.production\n\napp shop {\n  tier: production\n}\n\nservice web {\n  image: \"nginx:latest\"\n  port: http 8080\n  replicsa: 3\n}\n\nworker old {\n  image: \"nginx:1.27.1\"\n  probes { live: exec [\"true\"] }\n}\n";
    let snapshot = workspace(&[("app.k8s", text)]).snapshot();
    let actions_at = |needle: &str| {
        let at = pos(&snapshot, "app.k8s", needle, 1);
        let params = CodeActionParams {
            text_document: TextDocumentIdentifier {
                uri: uri("app.k8s"),
            },
            range: Range::new(at, at),
            context: CodeActionContext::default(),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        };
        features::code_actions::code_actions(&snapshot, &params)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => Some(a.title),
                CodeActionOrCommand::Command(_) => None,
            })
            .collect::<Vec<_>>()
    };
    assert!(actions_at("replicsa").contains(&"Replace with `replicas`".to_string()));
    let web = actions_at("web {");
    assert!(
        web.iter()
            .any(|t| t == "Add a readiness probe (`ready: http \"/ready\"`)"),
        "{web:?}"
    );
    assert!(
        web.iter().any(
            |t| t.starts_with("Pin the image to `docker.io/library/nginx:1.27.1`")
                || t.starts_with("Pin the image to `nginx:1.27.1`")
        ),
        "{web:?}"
    );
    assert!(
        web.iter()
            .any(|t| t == "Exempt `web` from `production.probes_ready` (allow … because …)"),
        "{web:?}"
    );
}

#[test]
fn preview_renders_a_workloads_resources() {
    let snapshot = workspace(&[("app.k8s", "app shop {}\nservice web {\n  image: \"nginx:1.27.1\"\n  port: http 8080\n  probes { ready: http \"/\" }\n}\n")]).snapshot();
    let params = PreviewParams {
        text_document: TextDocumentIdentifier {
            uri: uri("app.k8s"),
        },
        position: Some(Position::new(2, 3)),
    };
    let preview = features::preview::preview(&snapshot, &params).expect("a preview");
    assert_eq!(preview.title, "service `web`");
    assert!(
        preview.yaml.contains("kind: Deployment") && preview.yaml.contains("kind: Service"),
        "{}",
        preview.yaml
    );
    assert!(
        !preview.yaml.contains("kind: Namespace"),
        "{}",
        preview.yaml
    );
}

#[test]
fn formatting_is_k8sc_fmts() {
    let text =
        "app shop {\n    namespace:   shop\n}\n\n\n\nservice web { image: \"nginx:1.27.1\" }\n";
    let snapshot = workspace(&[("app.k8s", text)]).snapshot();
    let edits = features::formatting::format(&snapshot, &uri("app.k8s"))
        .expect("formats")
        .expect("edits");
    let expected = k8sc_grammar::format::format_source(text).expect("formats");
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].new_text, expected);
    let broken = workspace(&[("app.k8s", "app shop {\n  namespace shop\n}\n")]).snapshot();
    assert!(features::formatting::format(&broken, &uri("app.k8s")).is_err());
    let range = Range::new(Position::new(6, 0), Position::new(6, 3));
    let partial = features::formatting::format_in_range(&snapshot, &uri("app.k8s"), range)
        .expect("formats")
        .unwrap_or_default();
    assert!(
        partial.iter().all(|e| e.range.start.line >= 6),
        "{partial:?}"
    );
}

#[test]
fn definition_of_external_hosts_and_calls_with_settings() {
    let text = "app shop {}\n\nexternal stripe {\n  host: \"api.stripe.com\"\n  port: https 443\n}\n\nservice api {\n  image: \"ghcr.io/acme/api:1.0\"\n  port: http 8080\n  calls: [stripe]\n}\n\nworker web {\n  image: \"ghcr.io/acme/web:1.0\"\n  calls: [api { methods: [GET] }]\n}\n";
    let snapshot = workspace(&[("app.k8s", text)]).snapshot();
    let at = |needle: &str, delta: usize| match features::navigation::definition(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", needle, delta),
    ) {
        Some(GotoDefinitionResponse::Scalar(location)) => location.range.start,
        other => panic!("no definition for {needle}: {other:?}"),
    };
    assert_eq!(
        at("calls: [stripe]", 9),
        pos(&snapshot, "app.k8s", "external stripe", 9)
    );
    assert_eq!(
        at("calls: [api {", 9),
        pos(&snapshot, "app.k8s", "service api", 8)
    );
}

/// No diagnostic the server publishes prints a secret, as `k8sc check` prints none: not in the
/// message (E0015's value, quoted by the invalid host and label diagnostics), not in the related
/// information, not in a code action's title or its diagnostics.
#[test]
fn published_diagnostics_and_code_actions_never_print_a_secret() {
    let secrets = [
        "hunter2-correct-horse",
        "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
        "sk_live_0123456789abcdefghijkl",
        "ASIAIOSFODNN7EXAMPLE",
    ];
    let text = "app shop { namespace: shop }\n\nservice api {\n  image: \"ghcr.io/acme/api:1.0.0\"\n  port: http 8080\n  probes { ready: http \"/ready\" }\n  expose: route \"ghp_0123456789abcdefghijklmnopqrstuvwxyz.example.com\"\n  labels { team: \"sk_live_0123456789abcdefghijkl\" }\n  env {\n    DB_PASSWORD: \"hunter2-correct-horse\"\n    AWS_ACCESS_KEY_ID: \"ASIAIOSFODNN7EXAMPLE\"\n  }\n}\n";
    let snapshot = workspace(&[("app.k8s", text)]).snapshot();
    let files = features::diagnostics::collect(&snapshot);
    let published: Vec<&Diagnostic> = files.iter().flat_map(|f| &f.diagnostics).collect();
    assert!(
        published
            .iter()
            .filter(|d| d.code == Some(NumberOrString::String("E0015".to_string())))
            .count()
            >= 2,
        "{published:#?}"
    );
    let params = CodeActionParams {
        text_document: TextDocumentIdentifier {
            uri: uri("app.k8s"),
        },
        range: Range::new(Position::new(0, 0), Position::new(20, 0)),
        context: CodeActionContext::default(),
        work_done_progress_params: WorkDoneProgressParams::default(),
        partial_result_params: PartialResultParams::default(),
    };
    let actions = features::code_actions::code_actions(&snapshot, &params).unwrap_or_default();
    let printed = format!(
        "{}\n{}",
        serde_json::to_string(&published).unwrap_or_default(),
        serde_json::to_string(
            &actions
                .iter()
                .map(|a| match a {
                    CodeActionOrCommand::CodeAction(a) => (a.title.clone(), a.diagnostics.clone()),
                    CodeActionOrCommand::Command(c) => (c.title.clone(), None),
                })
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    );
    for secret in secrets {
        assert!(!printed.contains(secret), "prints `{secret}`:\n{printed}");
    }
}

#[test]
fn completion_and_hover_inside_sidecars_and_init_containers() {
    let text = "app shop {}\n\nservice web {\n  image: \"ghcr.io/acme/web:1.0.0\"\n  port: http 8080\n  sidecars {\n    exporter {\n      image: \"ghcr.io/acme/exporter:1.0.0\"\n      \n      probes {\n        \n      }\n    }\n  }\n  init {\n    migrate {\n      \n    }\n  }\n}\n";
    let snapshot = workspace(&[("app.k8s", text)]).snapshot();
    let complete = |needle: &str, delta: usize| {
        labels(features::completion::completion(
            &snapshot,
            &uri("app.k8s"),
            pos(&snapshot, "app.k8s", needle, delta),
        ))
    };
    let sidecar = complete("1.0.0\"\n      \n", 13);
    // `image` and `probes` are written already.
    for field in ["port", "ports", "cpu", "memory", "env", "args", "writable"] {
        assert!(sidecar.contains(&field.to_string()), "{field}: {sidecar:?}");
    }
    for field in ["image", "probes", "replicas", "expose", "sidecars", "calls"] {
        assert!(
            !sidecar.contains(&field.to_string()),
            "{field}: {sidecar:?}"
        );
    }
    assert_eq!(
        complete("probes {\n        ", 17),
        ["ready", "live", "startup"]
    );
    let init = complete("migrate {\n      ", 16);
    assert!(init.contains(&"command".to_string()), "{init:?}");
    for field in ["port", "probes", "replicas"] {
        assert!(!init.contains(&field.to_string()), "{field}: {init:?}");
    }
    let hover = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "sidecars {", 2),
    ));
    assert!(hover.contains("**sidecars**"), "{hover}");
    assert!(hover.contains("native sidecars"), "{hover}");
    let image = markdown(features::hover::hover(
        &snapshot,
        &uri("app.k8s"),
        pos(&snapshot, "app.k8s", "image: \"ghcr.io/acme/exporter", 2),
    ));
    assert!(image.contains("**image**"), "{image}");
}
