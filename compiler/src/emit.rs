//! The output stage of one environment: every app's resources from the backends, each rendered to
//! the text of its file as soon as its app is built, apps on every core. A large project never
//! holds all its resources as JSON trees at once: only the text and a summary for Argo CD remain.

use crate::backends::{Backend, Kinds, Resource, ResourceSummary, registry};
use crate::ir::graph::Graph;
use crate::ir::{AppIr, ProjectIr};
use crate::output::layout::{Document, render_document, render_documents};
use crate::output::parallel;
use crate::output_secrets;
use std::collections::BTreeSet;

/// What an environment's backends produced: the files' text, and what Argo CD needs to know.
#[derive(Debug, Default)]
pub struct EmittedEnv {
    /// Every resource of the environment, rendered.
    pub documents: Vec<Document>,
    /// A coded error (E0045) for every generated value that looks like a credential: when there
    /// is one, nothing may be written.
    pub leaks: Vec<output_secrets::Finding>,
    /// The distinct summaries of them, sorted, for the Argo CD backend (which asks only which
    /// kinds each app has; one per resource was 31,400 summaries at 5,000 services).
    pub summaries: Vec<ResourceSummary>,
}

/// Renders every app of `ir` with the registered backends. With several apps, each app's resources are built and rendered on
/// one thread, apps spread over the cores; a single app's documents are rendered on every core.
/// Either way the documents come back in the same order, so the output does not depend on it.
pub fn emit_environment(ir: &ProjectIr) -> EmittedEnv {
    emit_environment_with(registry::BACKENDS, ir)
}

/// [`emit_environment`] with `backends` instead of the registered ones (a test's).
pub fn emit_environment_with(backends: &[&dyn Backend], ir: &ProjectIr) -> EmittedEnv {
    let graph = Graph::new(ir);
    let kinds = Kinds::of(backends);
    let app_resources = |app: &AppIr| -> Vec<Resource> {
        let mut resources = Vec::new();
        for backend in backends {
            backend.render_app(&graph, ir, app, &mut resources);
        }
        for backend in backends {
            backend.finish_app(app, &mut resources, kinds);
        }
        resources
    };
    let mut emitted = EmittedEnv::default();
    if ir.apps.len() < 2 {
        let resources: Vec<Resource> = ir.apps.iter().flat_map(app_resources).collect();
        let apps: Vec<&AppIr> = ir.apps.iter().collect();
        emitted.leaks = output_secrets::scan_resources(&resources, &apps);
        emitted.summaries = distinct(resources.iter().map(Resource::summary));
        emitted.documents = render_documents(&resources);
        return emitted;
    }
    let per_app = parallel::map_from(2, &ir.apps, |app| {
        let resources = app_resources(app);
        let summaries = distinct(resources.iter().map(Resource::summary));
        let leaks = output_secrets::scan_resources(&resources, &[app]);
        let documents: Vec<Document> = resources.iter().map(render_document).collect();
        (summaries, documents, leaks)
    });
    let mut summaries = BTreeSet::new();
    for (app_summaries, documents, leaks) in per_app {
        summaries.extend(app_summaries);
        emitted.documents.extend(documents);
        emitted.leaks.extend(leaks);
    }
    emitted.summaries = summaries.into_iter().collect();
    emitted
}

/// The distinct summaries, sorted.
fn distinct(summaries: impl Iterator<Item = ResourceSummary>) -> Vec<ResourceSummary> {
    summaries.collect::<BTreeSet<_>>().into_iter().collect()
}
