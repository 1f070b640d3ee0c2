//! The output stage builds and renders each app's resources together, apps on every core
//! (`k8sc_compiler::emit`). It must give exactly what the backends' whole output, rendered in
//! turn, gives: the same documents and the same summaries for Argo CD, for every environment of
//! every example and of a project of many apps. Every kind emitted is registered by its backend
//! with its true scope and group; and a backend registered by a test alone shows in the build,
//! the editor preview, Argo CD's sync waves and AppProject, and the requirements.

use k8sc_compiler::analysis::preview::{preview, preview_with};
use k8sc_compiler::backends::argocd::waves;
use k8sc_compiler::backends::needs::Collector;
use k8sc_compiler::backends::registry::BACKENDS;
use k8sc_compiler::backends::{
    Backend, EnvOutput, Kind, Kinds, Resource, ResourceSummary, Subject, Target, api_group,
};
use k8sc_compiler::build::{environments, project_diagnostics};
use k8sc_compiler::db::Database;
use k8sc_compiler::emit::{emit_environment, emit_environment_with};
use k8sc_compiler::ir::graph::Graph;
use k8sc_compiler::ir::{AppIr, ProjectIr};
use k8sc_compiler::lower::lower_env;
use k8sc_compiler::output::layout::render_documents;
use k8sc_compiler::requirements::for_environment_with;
use k8sc_compiler::semantic::envs::EnvKey;
use serde_json::json;
use std::path::Path;

type Rendered = (Vec<(String, String, String, String)>, Vec<ResourceSummary>);

/// Every registered backend over the whole environment, then each backend's finishing of every
/// resource (Argo CD's sync waves and retention options), then rendering: the order of the
/// stages before `emit` existed.
fn in_turn(ir: &ProjectIr) -> Rendered {
    let resources = registered_resources(ir);
    check_registered(&resources);
    let summaries = resources
        .iter()
        .map(Resource::summary)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    (keyed(render_documents(&resources)), summaries)
}

/// Every registered backend's resources for `ir`, backend by backend, each finished.
fn registered_resources(ir: &ProjectIr) -> Vec<Resource> {
    let graph = Graph::new(ir);
    let mut resources = Vec::new();
    for backend in BACKENDS {
        for app in &ir.apps {
            backend.render_app(&graph, ir, app, &mut resources);
        }
    }
    for resource in &mut resources {
        let Some(app) = ir.apps.iter().find(|a| a.name == resource.app) else {
            continue;
        };
        for backend in BACKENDS {
            backend.finish_app(app, std::slice::from_mut(resource), Kinds::of(BACKENDS));
        }
    }
    resources
}

/// Every resource's kind is registered by the backend that emitted it, in its API group and
/// with its scope: the sync waves and the AppProject's allow-lists are read from there.
fn check_registered(resources: &[Resource]) {
    for resource in resources {
        let backend = BACKENDS
            .iter()
            .find(|b| b.target() == resource.target)
            .unwrap_or_else(|| panic!("{:?} of no registered backend", resource.target));
        let group = api_group(&resource.api_version);
        let kind = backend
            .kinds()
            .iter()
            .find(|k| k.kind == resource.kind && k.group == group)
            .unwrap_or_else(|| {
                panic!(
                    "{} {} of backend `{}` is not among its kinds",
                    resource.api_version,
                    resource.kind,
                    backend.target().folder()
                )
            });
        assert_eq!(
            kind.namespaced,
            resource.summary().namespaced,
            "{} {}: registered scope",
            resource.kind,
            resource.name
        );
    }
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
        // What the backends describing the project (Argo CD) emit is registered too.
        let envs = [EnvOutput {
            env,
            ir,
            resources: &emitted.summaries,
        }];
        for backend in BACKENDS {
            for shared in backend.render_project(&envs, ir.apps.len() > 1) {
                check_registered(&shared.resources);
            }
        }
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

/// A backend that exists only in this test: a `Widget` for every workload, in a wave of its own.
struct Toy;

const TOY_TARGET: Target = Target::new("toy");
const TOY_KINDS: &[Kind] = &[Kind::namespaced("toy.k8sc.dev", "Widget", 2)];

impl Backend for Toy {
    fn target(&self) -> Target {
        TOY_TARGET
    }

    fn subject(&self) -> Subject {
        Subject::Workloads
    }

    fn kinds(&self) -> &'static [Kind] {
        TOY_KINDS
    }

    fn render_app(&self, _: &Graph<'_>, _: &ProjectIr, app: &AppIr, out: &mut Vec<Resource>) {
        for workload in &app.workloads {
            let body = json!({
                "apiVersion": "toy.k8sc.dev/v1",
                "kind": "Widget",
                "metadata": {
                    "name": workload.name,
                    "namespace": app.namespace.value,
                    "labels": {"app.kubernetes.io/name": workload.name},
                },
                "spec": {"size": 3},
            });
            out.push(Resource::from_value(
                &app.name,
                TOY_TARGET,
                &workload.file,
                "toy.k8sc.dev/v1",
                "Widget",
                &workload.name,
                body,
            ));
        }
    }

    fn app_requirements(&self, _: &ProjectIr, app: &AppIr, out: &mut Collector) {
        out.cluster_object(
            "CustomResourceDefinition",
            None,
            "widgets.toy.k8sc.dev",
            "Widgets",
            &app.name,
        );
    }
}

#[test]
fn a_backend_registered_by_a_test_shows_in_the_preview_the_waves_and_the_app_project() {
    let db = Database::new();
    let project = db.load_project(vec![(
        "shop.k8s".to_string(),
        "import std.tiers.production\n\napp shop {\n  tier: production\n  team: t\n  \
         gitops: argocd { repo: \"https://github.com/acme/deploy.git\", path: \"out\" }\n}\n\n\
         service web {\n  image: \"ghcr.io/acme/web:1.0.0\"\n  port: http 8080\n  replicas: 2..4\n  \
         cpu: 100m..500m\n  memory: 128Mi..256Mi\n  probes { ready: http \"/ready\", live: http \"/healthz\" }\n}\n"
            .to_string(),
    )]);
    let errors: Vec<_> = project_diagnostics(&db, project)
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "the project has errors: {errors:#?}");
    let backends: Vec<&dyn Backend> = BACKENDS
        .iter()
        .copied()
        .chain([&Toy as &dyn Backend])
        .collect();

    // The editor preview of the service and of the app show the widget.
    let file = project.files(&db)[0];
    for index in [0, 1] {
        let with_toy = preview_with(&backends, &db, project, file, index).expect("a preview");
        assert!(
            with_toy.resources.contains(&"Widget web".to_string()),
            "{:?}",
            with_toy.resources
        );
        assert!(
            with_toy.yaml.contains("# toy/widget-web.yaml\n"),
            "{}",
            with_toy.yaml
        );
        let registered = preview(&db, project, file, index).expect("a preview");
        assert_eq!(with_toy.documents, registered.documents + 1);
    }

    // The build writes it in its folder, in the wave it registered.
    let env = environments(&db, project).first().expect("an environment");
    let ir = &lower_env(&db, project, EnvKey::new(&db, env.clone())).ir;
    let emitted = emit_environment_with(&backends, ir);
    let widget = emitted
        .documents
        .iter()
        .find(|d| d.target == TOY_TARGET)
        .expect("the widget is built");
    assert!(
        widget
            .content
            .contains(&format!("{}: \"2\"\n", waves::SYNC_WAVE)),
        "{}",
        widget.content
    );

    // Argo CD's AppProject allows its kind.
    let envs = [EnvOutput {
        env,
        ir,
        resources: &emitted.summaries,
    }];
    let project_resources: Vec<Resource> = backends
        .iter()
        .flat_map(|b| b.render_project(&envs, false))
        .flat_map(|shared| shared.resources)
        .collect();
    let app_project = project_resources
        .iter()
        .find(|r| r.kind == "AppProject")
        .expect("an AppProject");
    let allowed = app_project.body["spec"]["namespaceResourceWhitelist"]
        .as_array()
        .expect("a list");
    assert!(
        allowed.contains(&json!({"group": "toy.k8sc.dev", "kind": "Widget"})),
        "{allowed:?}"
    );

    // `k8sc requirements` states what it needs.
    let needs = for_environment_with(&backends, env, ir);
    assert!(
        needs
            .cluster_objects
            .iter()
            .any(|o| o.name == "widgets.toy.k8sc.dev"),
        "{:?}",
        needs.cluster_objects
    );
}
