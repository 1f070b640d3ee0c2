//! The output stage builds and renders each app's resources together, apps on every core
//! (`k8sc_compiler::emit`). It must give exactly what the backends' whole output, rendered in
//! turn, gives: the same documents and the same summaries for Argo CD, for every environment of
//! every example and of a project of many apps.

use k8sc_compiler::backends::argocd::{retention, waves};
use k8sc_compiler::backends::{Resource, ResourceSummary, istio, kubernetes, kyverno};
use k8sc_compiler::build::{environments, project_diagnostics};
use k8sc_compiler::db::Database;
use k8sc_compiler::emit::emit_environment;
use k8sc_compiler::ir::ProjectIr;
use k8sc_compiler::lower::lower_env;
use k8sc_compiler::output::layout::render_documents;
use k8sc_compiler::semantic::envs::EnvKey;
use std::path::Path;

type Rendered = (Vec<(String, String, String, String)>, Vec<ResourceSummary>);

/// Every backend over the whole environment, then sync waves and Argo CD's retention options,
/// then rendering: the order of the stages before `emit` existed.
fn in_turn(ir: &ProjectIr) -> Rendered {
    let mut resources: Vec<Resource> = kubernetes::render(ir);
    resources.extend(kyverno::render(ir));
    resources.extend(istio::render(ir));
    for resource in &mut resources {
        let deployed = ir
            .apps
            .iter()
            .any(|a| a.name == resource.app && a.gitops.is_some());
        if deployed {
            waves::annotate(std::slice::from_mut(resource));
            retention::protect(std::slice::from_mut(resource));
        }
    }
    let summaries = resources
        .iter()
        .map(Resource::summary)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    (keyed(render_documents(&resources)), summaries)
}

fn keyed(
    documents: Vec<k8sc_compiler::output::layout::Document>,
) -> Vec<(String, String, String, String)> {
    documents
        .into_iter()
        .map(|d| (d.app, d.target.folder().to_string(), d.file_stem, d.content))
        .collect()
}

fn sorted(mut rendered: Rendered) -> Rendered {
    rendered.0.sort();
    rendered.1.sort();
    rendered
}

/// Compares both ways for every environment of the project in `files`; returns how many
/// documents were compared, and how many of them are Istio's or carry a sync wave.
fn compare(files: Vec<(String, String)>) -> (usize, usize) {
    let db = Database::new();
    let project = db.load_project(files);
    let errors: Vec<_> = project_diagnostics(&db, project)
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "the project has errors: {errors:#?}");
    let mut documents = 0;
    let mut waves_and_mesh = 0;
    for env in environments(&db, project) {
        let ir = &lower_env(&db, project, EnvKey::new(&db, env.clone())).ir;
        let emitted = emit_environment(ir);
        let emitted = sorted((keyed(emitted.documents), emitted.summaries));
        let expected = sorted(in_turn(ir));
        assert_eq!(emitted.1, expected.1, "summaries differ in `{env}`");
        assert_eq!(
            emitted.0.len(),
            expected.0.len(),
            "document count in `{env}`"
        );
        for (got, want) in emitted.0.iter().zip(&expected.0) {
            assert_eq!(got, want, "a document differs in `{env}`");
        }
        documents += emitted.0.len();
        waves_and_mesh += emitted
            .0
            .iter()
            .filter(|(_, target, _, content)| {
                target == "istio" || content.contains(waves::SYNC_WAVE)
            })
            .count();
    }
    (documents, waves_and_mesh)
}

#[test]
fn every_example_renders_as_the_backends_in_turn() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut examples: Vec<_> = std::fs::read_dir(&root)
        .expect("examples/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    examples.sort();
    for dir in examples {
        let loaded = k8sc_compiler::loader::load(&dir).expect("example loads");
        let (documents, _) = compare(loaded.files);
        assert!(
            documents > 10,
            "{}: only {documents} documents",
            dir.display()
        );
    }
}

#[test]
fn a_project_of_many_apps_renders_as_the_backends_in_turn() {
    // Nine apps, some meshed and some deployed by Argo CD, calling each other's services, so
    // the apps are spread over threads and network policies read the whole project's calls.
    let mut files = Vec::new();
    for a in 0..9 {
        let mesh = if a % 3 == 0 {
            "  mesh: istio { mtls: permissive }\n"
        } else {
            ""
        };
        let gitops = if a % 2 == 0 {
            "  gitops: argocd { repo: \"https://github.com/acme/deploy.git\", path: \"out\" }\n"
        } else {
            ""
        };
        let next = (a + 1) % 9;
        files.push((
            format!("a{a}/app.k8s"),
            format!(
                "import std.tiers.production\n\napp a{a} {{\n  tier: production\n  team: t{a}\n{mesh}{gitops}}}\n\n\
                 service web {{\n  image: \"ghcr.io/acme/web:1.{a}.0\"\n  port: http 8080\n  replicas: 2..4\n\
                   cpu: 100m..500m\n  memory: 128Mi..256Mi\n  probes {{ ready: http \"/ready\", live: http \"/healthz\" }}\n\
                   calls: [api, a{next}.api]\n}}\n\n\
                 service api {{\n  image: \"ghcr.io/acme/api:2.{a}.0\"\n  port: http 8080\n  replicas: 2..4\n\
                   cpu: 100m..500m\n  memory: 128Mi..256Mi\n  probes {{ ready: http \"/ready\", live: http \"/healthz\" }}\n}}\n"
            ),
        ));
    }
    let (documents, waves_and_mesh) = compare(files);
    assert!(documents > 9 * 10, "only {documents} documents");
    assert!(waves_and_mesh > 20, "only {waves_and_mesh} meshed or waved");
}
