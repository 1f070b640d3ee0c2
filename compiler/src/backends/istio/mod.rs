//! The Istio backend, for apps with `mesh: istio` (written to `OUT/<env>/istio/`): the
//! namespace's mutual TLS mode and a deny-by-default authorization policy; per workload an
//! authorization policy from the service graph, a `DestinationRule`, a `VirtualService` when its
//! traffic settings need routes, a `Sidecar` limiting its egress to the graph, and a `Gateway`
//! with its route when it is exposed; a `ServiceEntry` per external host meshed workloads call.
//! The sidecars themselves are injected through the Namespace's `istio-injection` label (see the
//! Kubernetes backend).

mod crd;
mod egress;
mod meta;
pub mod requirements;
mod routing;
mod security;

use super::needs::Collector;
use super::{Backend, Kind, Resource, Subject, Target};
use crate::ir::graph::Graph;
use crate::ir::{AppIr, ProjectIr};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

pub use routing::{duration, gateway_selector};
pub use security::{TRUST_DOMAIN, principal};

/// Istio resources: mutual TLS, authorization, routing and egress of the mesh, in
/// `OUT/<env>/istio/`.
pub const TARGET: Target = Target::new("istio");

/// The Istio backend, as registered.
pub struct Istio;

/// The kinds it emits: the mesh's security governs the namespace; routing comes last, once
/// there is something to route to.
const KINDS: &[Kind] = &[
    Kind::namespaced("security.istio.io", PEER_AUTHENTICATION.1, -2),
    Kind::namespaced("security.istio.io", AUTHORIZATION_POLICY.1, -2),
    Kind::namespaced("networking.istio.io", DESTINATION_RULE.1, 1),
    Kind::namespaced("networking.istio.io", VIRTUAL_SERVICE.1, 1),
    Kind::namespaced("networking.istio.io", GATEWAY.1, 1),
    Kind::namespaced("networking.istio.io", SERVICE_ENTRY.1, 1),
    Kind::namespaced("networking.istio.io", SIDECAR.1, 1),
];

impl Backend for Istio {
    fn target(&self) -> Target {
        TARGET
    }

    fn subject(&self) -> Subject {
        Subject::Workloads
    }

    fn kinds(&self) -> &'static [Kind] {
        KINDS
    }

    fn render_app(&self, graph: &Graph<'_>, ir: &ProjectIr, app: &AppIr, out: &mut Vec<Resource>) {
        render_app(graph, ir, app, out);
    }

    fn app_requirements(&self, ir: &ProjectIr, app: &AppIr, out: &mut Collector) {
        requirements::app(ir, app, out);
    }
}

/// Every Istio resource of the project, apps in name order.
pub fn render(ir: &ProjectIr) -> Vec<Resource> {
    let graph = Graph::new(ir);
    let mut out = Vec::new();
    for app in &ir.apps {
        render_app(&graph, ir, app, &mut out);
    }
    out
}

fn push<S: Serialize>(
    out: &mut Vec<Resource>,
    app: &AppIr,
    source: &str,
    (api_version, kind): (&'static str, &'static str),
    (metadata, spec): (ObjectMeta, S),
) {
    let stem = metadata.name.clone().unwrap_or_default();
    let object = crd::Object {
        api_version,
        kind,
        metadata,
        spec,
    };
    let body = serde_json::to_value(&object).unwrap_or(serde_json::Value::Null);
    out.push(Resource::from_value(
        &app.name,
        TARGET,
        source,
        api_version,
        kind,
        &stem,
        body,
    ));
}

const PEER_AUTHENTICATION: (&str, &str) = (crd::SECURITY, "PeerAuthentication");
const AUTHORIZATION_POLICY: (&str, &str) = (crd::SECURITY, "AuthorizationPolicy");
const DESTINATION_RULE: (&str, &str) = (crd::NETWORKING, "DestinationRule");
const VIRTUAL_SERVICE: (&str, &str) = (crd::NETWORKING, "VirtualService");
const GATEWAY: (&str, &str) = (crd::NETWORKING, "Gateway");
const SERVICE_ENTRY: (&str, &str) = (crd::NETWORKING, "ServiceEntry");
const SIDECAR: (&str, &str) = (crd::NETWORKING, "Sidecar");

/// The Istio resources of one app of `ir`, appended to `out`; `graph` indexes the project's calls.
pub(crate) fn render_app(graph: &Graph<'_>, ir: &ProjectIr, app: &AppIr, out: &mut Vec<Resource>) {
    // External hosts belong to the app that declares them, whether or not it is meshed.
    for external in &app.externals {
        if let Some(entry) = egress::service_entry(&ir.apps, app, external) {
            push(out, app, &external.file, SERVICE_ENTRY, entry);
        }
    }
    let Some(mtls) = &app.mesh else {
        return;
    };
    let file = app.file.as_str();
    push(
        out,
        app,
        file,
        PEER_AUTHENTICATION,
        security::peer_authentication(app, mtls.value),
    );
    push(
        out,
        app,
        file,
        AUTHORIZATION_POLICY,
        security::allow_nothing(app),
    );
    for workload in &app.workloads {
        let source = workload.file.as_str();
        if let Some(policy) = security::authorization_policy(graph, app, workload) {
            push(out, app, source, AUTHORIZATION_POLICY, policy);
        }
        if workload.kind.has_service() && !workload.ports.is_empty() {
            push(
                out,
                app,
                source,
                DESTINATION_RULE,
                routing::destination_rule(app, workload),
            );
        }
        if let Some(virtual_service) = routing::virtual_service(app, workload) {
            push(out, app, source, VIRTUAL_SERVICE, virtual_service);
        }
        if let Some((gateway, virtual_service)) = routing::ingress(app, workload) {
            push(out, app, source, GATEWAY, gateway);
            push(out, app, source, VIRTUAL_SERVICE, virtual_service);
        }
        push(
            out,
            app,
            source,
            SIDECAR,
            egress::sidecar(graph, app, workload),
        );
    }
}
