//! The Kubernetes backend: per app a Namespace, and per workload its controller, Service,
//! ServiceAccount, ConfigMap, HPA, PodDisruptionBudget and route — built with `k8s-openapi` types
//! so field names and shapes cannot drift from the API.

mod canary;
mod config;
mod containers;
mod controllers;
mod files;
mod meta;
mod namespace;
pub mod network;
pub mod patch;
mod placement;
mod pod;
pub mod requirements;
mod rollout;
mod routes;
mod scaling;
mod service_options;
mod services;

use super::needs::Collector;
use super::{Backend, Kind, Resource, Subject, Target};
use crate::ir::graph::Graph;
use crate::ir::{AppIr, ProjectIr, WorkloadIr};
use crate::model::spec::ExposeKind;
use controllers::Controller;

/// Plain Kubernetes resources, in `OUT/<env>/kubernetes/`.
pub const TARGET: Target = Target::new("kubernetes");

/// The Kubernetes backend, as registered.
pub struct Kubernetes;

/// The kinds it emits: the namespace and what governs it first, then configuration and
/// identities, workloads and their services, budgets and autoscalers, routing last.
const KINDS: &[Kind] = &[
    Kind::cluster("", "Namespace", -3),
    Kind::cluster("scheduling.k8s.io", "PriorityClass", -3),
    Kind::namespaced("", "ResourceQuota", -2),
    Kind::namespaced("", "LimitRange", -2),
    Kind::namespaced("networking.k8s.io", "NetworkPolicy", -2),
    Kind::namespaced("", "ConfigMap", -1),
    Kind::namespaced("", "ServiceAccount", -1),
    Kind::namespaced("", "PersistentVolumeClaim", -1),
    Kind::namespaced("apps", "Deployment", 0),
    Kind::namespaced("apps", "StatefulSet", 0),
    Kind::namespaced("apps", "DaemonSet", 0),
    Kind::namespaced("batch", "Job", 0),
    Kind::namespaced("batch", "CronJob", 0),
    Kind::namespaced("", "Service", 0),
    Kind::namespaced("autoscaling", "HorizontalPodAutoscaler", 0),
    Kind::namespaced("policy", "PodDisruptionBudget", 0),
    Kind::namespaced("gateway.networking.k8s.io", "HTTPRoute", 1),
    Kind::namespaced("networking.k8s.io", "Ingress", 1),
];

impl Backend for Kubernetes {
    fn target(&self) -> Target {
        TARGET
    }

    fn subject(&self) -> Subject {
        Subject::Workloads
    }

    fn kinds(&self) -> &'static [Kind] {
        KINDS
    }

    fn render_app(&self, graph: &Graph<'_>, _ir: &ProjectIr, app: &AppIr, out: &mut Vec<Resource>) {
        render_app(graph, app, out);
    }

    fn app_requirements(&self, _ir: &ProjectIr, app: &AppIr, out: &mut Collector) {
        requirements::app(app, out);
    }
}

/// Every Kubernetes resource of the project, apps in name order, each app's resources in a fixed
/// order (the writer sorts files by name anyway).
pub fn render(ir: &ProjectIr) -> Vec<Resource> {
    let graph = Graph::new(ir);
    let mut out = Vec::new();
    for app in &ir.apps {
        render_app(&graph, app, &mut out);
    }
    out
}

/// The Kubernetes resources of one app, appended to `out`; `graph` indexes the project's calls.
pub(crate) fn render_app(graph: &Graph<'_>, app: &AppIr, out: &mut Vec<Resource>) {
    let ns = namespace::namespace(app);
    out.push(ns.resource(&app.name, &app.file, &app.namespace.value));
    if let Some(quota) = namespace::resource_quota(app) {
        out.push(quota.resource(&app.name, &app.file, &app.namespace.value));
    }
    if let Some(range) = namespace::limit_range(app) {
        out.push(range.resource(&app.name, &app.file, &app.namespace.value));
    }
    for class in &app.priority_classes {
        let source = class.origin.file().unwrap_or(&app.file);
        out.push(Resource::new(
            &app.name,
            TARGET,
            source,
            &class.name,
            &placement::priority_class(class),
        ));
    }
    for workload in &app.workloads {
        render_workload(app, workload, out);
    }
    for (name, policy) in network::network_policies(graph, app) {
        out.push(policy.resource(&app.name, &app.file, &name));
    }
}

fn render_workload(app: &AppIr, workload: &WorkloadIr, out: &mut Vec<Resource>) {
    let mut resources = workload_resources(app, workload);
    patch::apply(&workload.name, &workload.patches, &mut resources);
    out.extend(resources);
}

/// The resources generated for one workload, before its patches are merged in.
fn workload_resources(app: &AppIr, workload: &WorkloadIr) -> Vec<Resource> {
    let mut out = Vec::new();
    workload_resources_into(app, workload, &mut out);
    out
}

fn workload_resources_into(app: &AppIr, workload: &WorkloadIr, out: &mut Vec<Resource>) {
    let source = workload.file.as_str();
    let name = workload.name.as_str();
    let typed = |stem: &str, object: &dyn ErasedResource| object.resource(&app.name, source, stem);

    let config = config::config_map(app, workload);
    if let Some((_, map)) = &config {
        // The file keeps a stable name; the resource name carries the content hash.
        out.push(typed(&format!("{name}-config"), map));
    }
    if let Some((_, map)) = files::config_map(app, workload) {
        out.push(typed(&format!("{name}-files"), &map));
    }
    for (claim, pvc) in files::claims(app, workload) {
        out.push(typed(&claim, &pvc));
    }
    out.push(typed(name, &services::service_account(app, workload)));
    let controller =
        controllers::controller(app, workload, config.as_ref().map(|(n, _)| n.as_str()));
    out.push(match &controller {
        Controller::Deployment(d) => typed(name, d.as_ref()),
        Controller::StatefulSet(s) => typed(name, s.as_ref()),
        Controller::Job(j) => typed(name, j.as_ref()),
        Controller::CronJob(c) => typed(name, c.as_ref()),
        Controller::DaemonSet(d) => typed(name, d.as_ref()),
    });
    if let Some(canary) =
        canary::canary_deployment(app, workload, config.as_ref().map(|(n, _)| n.as_str()))
    {
        out.push(typed(&canary::canary_name(workload), &canary));
    }
    for (service_name, service) in services::services(app, workload) {
        out.push(typed(&service_name, &service));
    }
    if let Some(hpa) = scaling::autoscaler(app, workload) {
        out.push(typed(name, &hpa));
    }
    if let Some(pdb) = scaling::disruption_budget(app, workload) {
        out.push(typed(name, &pdb));
    }
    if let Some(pdb) = canary::canary_budget(app, workload) {
        out.push(typed(&canary::canary_name(workload), &pdb));
    }
    let Some(expose) = &workload.expose else {
        return;
    };
    match expose.kind {
        // In the mesh, the Istio backend serves the route (a Gateway and a VirtualService).
        ExposeKind::Route if app.mesh.is_some() => {}
        ExposeKind::Route => {
            if let Some(route) = routes::http_route(app, workload, expose) {
                let body = serde_json::to_value(&route).unwrap_or(serde_json::Value::Null);
                out.push(Resource::from_value(
                    &app.name,
                    TARGET,
                    source,
                    routes::HTTP_ROUTE_API_VERSION,
                    "HTTPRoute",
                    name,
                    body,
                ));
            }
        }
        ExposeKind::Ingress => out.push(typed(name, &routes::ingress(app, workload, expose))),
    }
}

/// A typed `k8s-openapi` object, behind a trait object so one helper can wrap every kind.
trait ErasedResource {
    fn resource(&self, app: &str, source: &str, stem: &str) -> Resource;
}

impl<T: k8s_openapi::Resource + serde::Serialize> ErasedResource for T {
    fn resource(&self, app: &str, source: &str, stem: &str) -> Resource {
        Resource::new(app, TARGET, source, stem, self)
    }
}
