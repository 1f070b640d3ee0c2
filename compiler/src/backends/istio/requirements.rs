//! What the Istio backend's output needs from the cluster: Istio at a release serving the API
//! versions it emits, the CNI plugin when meshed pods run under a Pod Security level that
//! forbids `istio-init`, and the ingress gateway (with its certificate) exposed services use.

use super::crd;
use super::egress;
use super::routing;
use crate::backends::kubernetes::requirements::TLS_KEYS;
use crate::backends::needs::{Collector, Component, Consumer, GatewayKind, Version};
use crate::ir::{AppIr, ProjectIr};
use crate::model::spec::{ExposeKind, PodSecurity};

/// Istio 1.22 promoted the networking and security APIs to `v1`, the versions
/// [`crd::NETWORKING`] and [`crd::SECURITY`] name.
pub const V1_APIS: Version = Version::new(1, 22);

/// States what `app`'s Istio resources need; `ir` is the whole environment (external hosts are
/// exported to their meshed callers in other apps).
pub fn app(ir: &ProjectIr, app: &AppIr, out: &mut Collector) {
    let name = app.name.as_str();
    let namespace = app.namespace.value.as_str();
    if app
        .externals
        .iter()
        .any(|external| egress::service_entry(&ir.apps, app, external).is_some())
    {
        out.component(
            Component::ISTIO,
            Some(V1_APIS),
            format!("`{}` ServiceEntry for external hosts", crd::NETWORKING),
            name,
        );
    }
    if app.mesh.is_none() {
        return;
    }
    out.component(
        Component::ISTIO,
        Some(V1_APIS),
        format!(
            "`{}` PeerAuthentication and AuthorizationPolicy",
            crd::SECURITY
        ),
        name,
    );
    out.component(
        Component::ISTIO,
        Some(V1_APIS),
        format!(
            "`{}` DestinationRule, VirtualService and Sidecar",
            crd::NETWORKING
        ),
        name,
    );
    out.component(
        Component::ISTIO,
        None,
        format!("sidecar injection in namespace `{namespace}` (`istio-injection: enabled`)"),
        name,
    );
    let level = app.pod_security.value;
    if matches!(level, PodSecurity::Restricted | PodSecurity::Baseline) {
        out.component(
            Component::ISTIO_CNI,
            None,
            format!(
                "meshed pods in namespace `{namespace}` run under Pod Security `{}`, which \
                 refuses the `istio-init` container's NET_ADMIN and NET_RAW capabilities",
                level.as_str()
            ),
            name,
        );
    }
    let Some(gateway) = &app.gateway else {
        return;
    };
    let gateway = &gateway.value;
    for workload in &app.workloads {
        let Some(expose) = workload
            .expose
            .as_ref()
            .filter(|e| e.kind == ExposeKind::Route)
        else {
            continue;
        };
        let consumer = || Consumer::new(name, &workload.name);
        out.component(
            Component::ISTIO,
            Some(V1_APIS),
            format!("`{}` Gateway for exposed services", crd::NETWORKING),
            name,
        );
        let selector = routing::gateway_selector(&gateway.name);
        let labels: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.cluster_object(
            "Pods",
            Some(&gateway.namespace),
            &labels.join(","),
            "Istio's ingress gateway, which the Gateways of exposed services select",
            name,
        );
        for host in &expose.hosts {
            out.gateway(
                GatewayKind::IstioIngress,
                (
                    &gateway.namespace,
                    &gateway.name,
                    gateway.section.as_deref(),
                ),
                host,
                consumer(),
            );
        }
        // Istio reads a Gateway's `credentialName` from the ingress gateway's own namespace.
        if let Some(tls) = &expose.tls {
            out.secret(&gateway.namespace, tls, &TLS_KEYS, consumer());
        }
    }
}
