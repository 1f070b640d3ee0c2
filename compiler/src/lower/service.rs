//! Lowering a workload's `service { … }` and `headless` to [`ServiceIr`], with the checks that
//! need the whole workload and its app: a Service to configure at all (E0077), a load balancer
//! for `external_traffic` (E0075), none in the mesh (E0076), and an open one reported (W0018).

use super::LowerCtx;
use crate::diagnostics::Code;
use crate::ir::AppIr;
use crate::ir::service::{LoadBalancerIr, ServiceIr};
use crate::model::service::{ServiceType, SessionAffinity};
use crate::model::spec::WorkloadSpec;
use crate::model::spec::{Sourced, WorkloadKind};

/// The suffix of a headless Service's name.
const HEADLESS_SUFFIX: &str = "-headless";

/// The longest Service name (a DNS label).
const MAX_SERVICE_NAME: usize = 63;

/// The Service settings of a workload of `kind` with `has_ports`, or `None` after an error.
pub fn lower_service(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    kind: WorkloadKind,
    has_ports: bool,
    app: &AppIr,
    name: &str,
) -> Option<ServiceIr> {
    let options = &spec.service;
    let written = [
        options.kind.as_ref().map(|k| (&k.origin, "service.type")),
        options
            .session_affinity
            .as_ref()
            .map(|a| (&a.origin, "service.session_affinity")),
        options
            .external_traffic
            .as_ref()
            .map(|e| (&e.origin, "service.external_traffic")),
        options
            .publish_not_ready
            .as_ref()
            .map(|p| (&p.origin, "service.publish_not_ready")),
        spec.headless
            .as_ref()
            .filter(|h| h.value)
            .map(|h| (&h.origin, "headless")),
    ];
    if !(kind.has_service() && has_ports) {
        // Tier and app defaults apply to every workload: only a workload's own setting is wrong.
        if let Some((origin, what)) = written
            .into_iter()
            .flatten()
            .find(|(origin, _)| *origin.layer() == crate::model::spec::Layer::Workload)
        {
            ctx.report(
                ctx.diagnostic_at(
                    origin,
                    origin.span,
                    Code::NoServiceToConfigure,
                    format!("`{what}` configures a Service this workload does not have"),
                )
                .with_label("no Service: the workload declares no port")
                .with_help(
                    "declare the port clients connect to (`port: tcp 1883`), or remove the setting",
                ),
            );
            return None;
        }
        return Some(ServiceIr::default());
    }
    let load_balancer = match &options.kind {
        Some(Sourced {
            value: ServiceType::LoadBalancer(balancer),
            origin,
        }) => Some(Sourced::new(
            LoadBalancerIr {
                source_ranges: balancer
                    .source_ranges
                    .iter()
                    .map(|(r, _)| r.clone())
                    .collect(),
                annotations: balancer.annotations.clone(),
            },
            origin.clone(),
        )),
        _ => None,
    };
    if let Some(external) = &options.external_traffic
        && load_balancer.is_none()
    {
        ctx.report(
            ctx.diagnostic_at(&external.origin, external.origin.span, Code::ExternalTrafficNeedsLoadBalancer, "`external_traffic` applies only to a load balancer")
                .with_label("this Service is a ClusterIP Service")
                .with_note("the API server refuses `externalTrafficPolicy` on a ClusterIP Service: only traffic arriving at a node (a load balancer's) has a policy")
                .with_help("add `type: load_balancer` to the `service` block, or remove `external_traffic`"),
        );
        return None;
    }
    if let Some(balancer) = &load_balancer {
        if app.mesh.is_some() {
            ctx.report(
                ctx.diagnostic_at(&balancer.origin, balancer.origin.span, Code::LoadBalancerInMesh, "a load balancer cannot reach pods in the mesh")
                    .with_label("clients outside the mesh send plain connections")
                    .with_note("the pods' sidecars take only mutual TLS from workloads of the mesh, and the namespace's `allow-nothing` policy admits no caller outside it")
                    .with_help("expose HTTP through the mesh's ingress gateway with `expose: route`, or run this workload in an app outside the mesh"),
            );
            return None;
        }
        if balancer.value.source_ranges.is_empty() {
            ctx.report(
                ctx.diagnostic_at(&balancer.origin, balancer.origin.span, Code::LoadBalancerOpen, "this load balancer admits every address")
                    .with_label("no `source_ranges`")
                    .with_note("a load balancer usually gets a public address: every port of the Service is then reachable from the internet")
                    .with_help("list the client ranges: `load_balancer { source_ranges: [\"203.0.113.0/24\"] }` (or `[\"0.0.0.0/0\", \"::/0\"]` to say it is public on purpose)"),
            );
        }
    }
    let headless = spec.headless.clone().filter(|h| h.value);
    if let Some(headless) = &headless
        && name.len() + HEADLESS_SUFFIX.len() > MAX_SERVICE_NAME
    {
        ctx.report(
            ctx.diagnostic_at(&headless.origin, headless.origin.span, Code::InvalidName, format!("the headless Service `{name}{HEADLESS_SUFFIX}` would be longer than {MAX_SERVICE_NAME} characters"))
                .with_label("a Service's name is a DNS label")
                .with_help(format!("shorten the workload's name to at most {} characters", MAX_SERVICE_NAME - HEADLESS_SUFFIX.len())),
        );
        return None;
    }
    let client_ip_affinity = options
        .session_affinity
        .as_ref()
        .and_then(|a| match a.value {
            SessionAffinity::None => None,
            SessionAffinity::ClientIp { timeout_seconds } => {
                Some(Sourced::new(timeout_seconds, a.origin.clone()))
            }
        });
    Some(ServiceIr {
        load_balancer,
        client_ip_affinity,
        external_traffic: options.external_traffic.clone(),
        publish_not_ready: options.publish_not_ready.clone(),
        headless,
    })
}
