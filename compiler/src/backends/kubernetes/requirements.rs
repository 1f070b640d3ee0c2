//! What the Kubernetes backend's output needs from the cluster: the Kubernetes release its fields
//! need, Pod Security admission, a network plugin enforcing NetworkPolicy, the Secrets, classes
//! and Gateway it names, and the cluster DNS its policies admit. Read from the same IR values
//! the backend emits from, each beside the field it explains.

use super::network::ISTIOD_NAMESPACE;
use crate::backends::needs::{Collector, Component, Consumer, GatewayKind, Version};
use crate::ir::{AppIr, Network, WorkloadIr};
use crate::model::patch::{PatchNode, PatchValue};
use crate::model::spec::{Disruption, EnvValue, ExposeKind, ProbeCheck, WorkloadKind};

/// The keys of a `kubernetes.io/tls` Secret, which Ingress and gateways read.
pub const TLS_KEYS: [&str; 2] = ["tls.crt", "tls.key"];

/// Pod Security admission (the `pod-security.kubernetes.io/*` namespace labels): GA in 1.25.
const POD_SECURITY: Version = Version::new(1, 25);
/// `autoscaling/v2` HorizontalPodAutoscaler: GA in 1.23.
const AUTOSCALING_V2: Version = Version::new(1, 23);
/// PodDisruptionBudget `unhealthyPodEvictionPolicy`: beta and on by default in 1.27, GA in 1.31.
const UNHEALTHY_POD_EVICTION: Version = Version::new(1, 27);
/// The `sleep` pre-stop action: beta and on by default in 1.30, GA in 1.34.
const SLEEP_ACTION: Version = Version::new(1, 30);
/// gRPC probes: beta and on by default in 1.24, GA in 1.27.
const GRPC_PROBE: Version = Version::new(1, 24);
/// CronJob `timeZone`: beta and on by default in 1.25, GA in 1.27.
const CRON_TIME_ZONE: Version = Version::new(1, 25);
/// Sidecar containers (init containers with `restartPolicy: Always`), which Istio's native
/// sidecar mode injects: beta and on by default in 1.29, GA in 1.33.
const SIDECAR_CONTAINERS: Version = Version::new(1, 29);
/// `gateway.networking.k8s.io/v1` HTTPRoute: Gateway API 1.0 made it v1 (GA).
const GATEWAY_API_V1: Version = Version::new(1, 0);

/// States what `app`'s Kubernetes resources need.
pub fn app(app: &AppIr, out: &mut Collector) {
    let name = app.name.as_str();
    let namespace = app.namespace.value.as_str();
    out.component(
        Component::KUBERNETES,
        Some(POD_SECURITY),
        format!(
            "Pod Security admission enforcing `{}` on namespace `{namespace}` \
             (`pod-security.kubernetes.io/enforce` label)",
            app.pod_security.value.as_str()
        ),
        name,
    );
    if app.mesh.is_some() {
        out.component(
            Component::KUBERNETES,
            Some(SIDECAR_CONTAINERS),
            "sidecar containers for Istio's native sidecar (`sidecar.istio.io/nativeSidecar`; \
             on by default since 1.29, GA in 1.33)",
            name,
        );
    }
    if app.network.value == Network::DefaultDeny {
        out.component(
            Component::NETWORK_POLICY,
            None,
            format!("the default-deny NetworkPolicies of namespace `{namespace}`"),
            name,
        );
        out.cluster_object(
            "Pods",
            Some("kube-system"),
            "k8s-app=kube-dns",
            "the cluster DNS, the only destination the `allow-dns` NetworkPolicy admits on port 53",
            name,
        );
        if app.mesh.is_some() {
            out.cluster_object(
                "Pods",
                Some(ISTIOD_NAMESPACE),
                "app=istiod",
                "Istio's control plane, which the `allow-istiod` NetworkPolicy admits on port 15012",
                name,
            );
        }
    }
    for workload in &app.workloads {
        workload_needs(app, workload, out);
    }
}

fn workload_needs(app: &AppIr, workload: &WorkloadIr, out: &mut Collector) {
    super::service_options::needs(app, workload, out);
    let name = app.name.as_str();
    let namespace = app.namespace.value.as_str();
    let consumer = || Consumer::new(name, &workload.name);
    let extra = workload.sidecars.iter().chain(&workload.init);
    for entry in workload.env.iter().chain(extra.flat_map(|c| &c.env)) {
        if let EnvValue::Secret { name: secret, key } = &entry.value.value {
            out.secret(namespace, secret, &[key.as_str()], consumer());
        }
    }
    if !workload.sidecars.is_empty() {
        out.component(
            Component::KUBERNETES,
            Some(SIDECAR_CONTAINERS),
            "sidecar containers (init containers with `restartPolicy: Always`; \
             on by default since 1.29, GA in 1.33)",
            name,
        );
    }
    if let Some(storage) = &workload.storage {
        out.storage_class(storage.class.as_deref(), consumer());
    }
    super::files::needs(app, workload, out);
    if workload.autoscale.is_some() {
        out.component(
            Component::KUBERNETES,
            Some(AUTOSCALING_V2),
            "`autoscaling/v2` HorizontalPodAutoscaler",
            name,
        );
    }
    if workload
        .disruption
        .as_ref()
        .is_some_and(|d| d.value != Disruption::None)
    {
        out.component(
            Component::KUBERNETES,
            Some(UNHEALTHY_POD_EVICTION),
            "PodDisruptionBudget `unhealthyPodEvictionPolicy` (on by default since 1.27, GA in 1.31)",
            name,
        );
    }
    if workload.drain_seconds.is_some() {
        out.component(
            Component::KUBERNETES,
            Some(SLEEP_ACTION),
            "the `sleep` pre-stop action (on by default since 1.30, GA in 1.34)",
            name,
        );
    }
    let probes = std::iter::once(&workload.probes)
        .chain(workload.sidecars.iter().map(|c| &c.probes))
        .flat_map(|p| [&p.ready, &p.live, &p.startup]);
    if probes.into_iter().any(|p| {
        p.as_ref()
            .is_some_and(|p| p.value.check == ProbeCheck::Grpc)
    }) {
        out.component(
            Component::KUBERNETES,
            Some(GRPC_PROBE),
            "gRPC probes (on by default since 1.24, GA in 1.27)",
            name,
        );
    }
    if workload.kind == WorkloadKind::Cron
        && workload
            .batch
            .as_ref()
            .is_some_and(|b| b.timezone.is_some())
    {
        out.component(
            Component::KUBERNETES,
            Some(CRON_TIME_ZONE),
            "CronJob `timeZone` (on by default since 1.25, GA in 1.27)",
            name,
        );
    }
    if let Some(expose) = &workload.expose {
        match expose.kind {
            ExposeKind::Ingress => {
                out.ingress_class(expose.class.as_deref(), consumer());
                if let Some(tls) = &expose.tls {
                    out.secret(namespace, tls, &TLS_KEYS, consumer());
                }
                if let Some(gateway) = app
                    .gateway
                    .as_ref()
                    .filter(|_| app.network.value == Network::DefaultDeny)
                {
                    out.cluster_object(
                        "Namespace",
                        None,
                        &gateway.value.namespace,
                        "the ingress controller's, which the NetworkPolicies admit on exposed ports",
                        name,
                    );
                }
            }
            // In the mesh the Istio backend serves the route; it states its own needs.
            ExposeKind::Route if app.mesh.is_some() => {}
            ExposeKind::Route => {
                if let Some(gateway) = &app.gateway {
                    let gateway = &gateway.value;
                    out.component(
                        Component::GATEWAY_API,
                        Some(GATEWAY_API_V1),
                        "`gateway.networking.k8s.io/v1` HTTPRoute",
                        name,
                    );
                    for host in &expose.hosts {
                        out.gateway(
                            GatewayKind::GatewayApi,
                            (
                                &gateway.namespace,
                                &gateway.name,
                                gateway.section.as_deref(),
                            ),
                            host,
                            consumer(),
                        );
                    }
                }
            }
        }
    }
    super::placement::needs(app, workload, out);
    for patch in &workload.patches {
        patched_needs(&patch.body, namespace, &consumer(), out);
    }
}

/// The classes and Secrets a `patch` names: `priorityClassName`, `imagePullSecrets`, a
/// `secretKeyRef`, an `envFrom` `secretRef` or a `secret` volume, at any depth.
fn patched_needs(node: &PatchNode, namespace: &str, consumer: &Consumer, out: &mut Collector) {
    match &node.value {
        PatchValue::List(items) => {
            for item in items {
                patched_needs(item, namespace, consumer, out);
            }
        }
        PatchValue::Map(entries) => {
            for entry in entries {
                let value = &entry.value;
                match entry.key.as_str() {
                    "priorityClassName" => {
                        if let PatchValue::Str(class) = &value.value {
                            out.priority_class(class, consumer.clone());
                        }
                    }
                    "imagePullSecrets" => {
                        for item in list(value) {
                            if let Some(secret) = string_field(item, "name") {
                                out.secret(
                                    namespace,
                                    secret,
                                    &[".dockerconfigjson"],
                                    consumer.clone(),
                                );
                            }
                        }
                    }
                    "secretKeyRef" => {
                        if let (Some(secret), Some(key)) =
                            (string_field(value, "name"), string_field(value, "key"))
                        {
                            out.secret(namespace, secret, &[key], consumer.clone());
                        }
                    }
                    "secretRef" => {
                        if let Some(secret) = string_field(value, "name") {
                            out.secret(namespace, secret, &[], consumer.clone());
                        }
                    }
                    "secret" => {
                        if let Some(secret) = string_field(value, "secretName") {
                            out.secret(namespace, secret, &[], consumer.clone());
                        }
                    }
                    _ => {}
                }
                patched_needs(value, namespace, consumer, out);
            }
        }
        _ => {}
    }
}

fn list(node: &PatchNode) -> &[PatchNode] {
    match &node.value {
        PatchValue::List(items) => items,
        _ => &[],
    }
}

fn string_field<'a>(node: &'a PatchNode, key: &str) -> Option<&'a str> {
    let PatchValue::Map(entries) = &node.value else {
        return None;
    };
    entries
        .iter()
        .find(|e| e.key == key)
        .and_then(|e| match &e.value.value {
            PatchValue::Str(s) => Some(s.as_str()),
            _ => None,
        })
}
