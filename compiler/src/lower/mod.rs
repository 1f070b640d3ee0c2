//! From checked declarations to the IR: layers are stacked by precedence, defaults filled in, and
//! what can only be judged on effective values is checked (required fields, the ports probes and
//! routes target, budgets that would block node drains…).

mod ports;
mod workload;

use crate::db::{Db, Project};
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::ir::{AppIr, ProjectIr};
use crate::semantic::decls::{DeclContent, DeclId, check_decl};
use crate::semantic::resolve::resolve_references;
use crate::semantic::spec::{AppSpec, Origin, PodSecurity, Sourced};
use crate::semantic::structure::{AppEntry, project_structure};
use k8sc_grammar::Span;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The IR and the problems found while building it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lowered {
    /// The IR (complete only when no error was reported anywhere in the project).
    pub ir: ProjectIr,
    /// Problems with effective values.
    pub diagnostics: Vec<Diagnostic>,
}

/// Where lowering diagnostics go, and where to point when a value has no source location.
pub struct LowerCtx<'d> {
    /// The file of the declaration being lowered.
    pub file: Arc<str>,
    /// The declaration's name, pointed at for missing values.
    pub name_span: Span,
    /// Collected diagnostics.
    pub diagnostics: &'d mut Vec<Diagnostic>,
}

impl LowerCtx<'_> {
    /// A diagnostic at `span` in the file `origin` comes from (the declaration's file for
    /// built-in defaults, pointing at its name).
    pub fn diagnostic_at(
        &self,
        origin: &Origin,
        span: Span,
        code: Code,
        message: impl Into<String>,
    ) -> Diagnostic {
        match &origin.file {
            Some(file) => Diagnostic::new(code, message, file, span),
            None => Diagnostic::new(code, message, &self.file, self.name_span),
        }
    }

    /// A diagnostic on the declaration's name.
    pub fn on_name(&self, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, message, &self.file, self.name_span)
    }

    /// A label at an origin, for secondary locations.
    pub fn label_at(&self, origin: &Origin, message: impl Into<String>) -> Option<Label> {
        origin
            .file
            .as_ref()
            .map(|file| Label::new(&**file, origin.span).with_message(message))
    }

    /// Reports a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// Builds the IR of the whole project.
#[salsa::tracked(returns(ref))]
pub fn lower_project(db: &dyn Db, project: Project) -> Lowered {
    let structure = project_structure(db, project);
    let resolution = resolve_references(db, project);
    let mut diagnostics = Vec::new();
    let mut apps = Vec::new();
    for (app_index, entry) in structure.apps.iter().enumerate() {
        let spec = match &check_decl(db, DeclId::new(db, entry.file, entry.index)).content {
            DeclContent::App(spec) => (**spec).clone(),
            _ => AppSpec::default(),
        };
        let mut app = lower_app(db, entry, &spec);
        for (workload_index, workload) in entry.workloads.iter().enumerate() {
            let calls = resolution
                .calls
                .get(app_index)
                .and_then(|w| w.get(workload_index))
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            if let Some(lowered) =
                workload::lower_workload(db, &app, &spec, workload, calls, &mut diagnostics)
            {
                app.workloads.push(lowered);
            }
        }
        app.workloads.sort_by(|a, b| a.name.cmp(&b.name));
        apps.push(app);
    }
    report_shared_namespaces(&apps, &mut diagnostics);
    Lowered {
        ir: ProjectIr { apps },
        diagnostics,
    }
}

fn lower_app(db: &dyn Db, entry: &AppEntry, spec: &AppSpec) -> AppIr {
    let file = entry.file.path(db).clone();
    let namespace = spec.namespace.clone().unwrap_or_else(|| Sourced {
        value: entry.k8s_name.clone(),
        origin: Origin::at(
            crate::semantic::spec::Layer::App,
            &Arc::from(file.as_str()),
            entry.name_span,
        ),
    });
    AppIr {
        name: entry.k8s_name.clone(),
        file,
        namespace,
        team: spec.team.clone(),
        tier: spec.tier.clone(),
        pod_security: spec
            .pod_security
            .clone()
            .unwrap_or_else(|| Sourced::builtin(PodSecurity::Restricted)),
        gateway: spec.gateway.clone(),
        labels: spec.labels.clone(),
        annotations: spec.annotations.clone(),
        quota: None,
        limit_range: None,
        rules: Vec::new(),
        workloads: Vec::new(),
    }
}

/// Two apps in one namespace would both emit the Namespace and could clash on every name.
fn report_shared_namespaces(apps: &[AppIr], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &AppIr> = BTreeMap::new();
    for app in apps {
        let namespace = app.namespace.value.as_str();
        let Some(first) = seen.get(namespace) else {
            seen.insert(namespace, app);
            continue;
        };
        let origin = &app.namespace.origin;
        let file = origin.file.as_deref().unwrap_or(app.file.as_str());
        let mut diagnostic = Diagnostic::new(
            Code::Duplicate,
            format!(
                "apps `{}` and `{}` both use namespace `{namespace}`",
                first.name, app.name
            ),
            file,
            origin.span,
        )
        .with_label("namespace already used by another app")
        .with_help("give each app its own namespace");
        if let Some(first_file) = &first.namespace.origin.file {
            diagnostic = diagnostic.with_secondary(
                Label::new(&**first_file, first.namespace.origin.span)
                    .with_message(format!("used by `{}`", first.name)),
            );
        }
        diagnostics.push(diagnostic);
    }
}
