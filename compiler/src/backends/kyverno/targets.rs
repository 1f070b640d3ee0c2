//! Which resources enforce a rule: the pod controllers (and bare Pods) for pod rules, the
//! controllers and their HorizontalPodAutoscalers for replica rules, Services for service rules.

use crate::ir::AppIr;
use crate::ir::policy::{Group, RuleIr};
use crate::model::kinds::{CONTROLLERS, KINDS};
use crate::model::schema::WORKLOAD_FIELDS;
use crate::model::spec::ExposeKind;
use crate::model::spec::WorkloadKind;
use std::sync::LazyLock;

/// Where the values a rule tests are read from, in one kind of resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A pod spec at this JMESPath (`request.object.spec.template.spec`).
    PodSpec(&'static str),
    /// `spec.replicas` of a Deployment or StatefulSet not managed by an HPA.
    Controller,
    /// `spec.minReplicas` / `spec.maxReplicas` of an HPA.
    Autoscaler,
    /// A Service.
    Service,
    /// A `VirtualService` (the mesh's routes).
    VirtualService,
    /// A `networking.k8s.io/v1` Ingress.
    Ingress,
    /// A Gateway API `HTTPRoute`.
    HttpRoute,
    /// An Istio `Gateway` (the mesh's ingress servers).
    IstioGateway,
}

/// One kind of resource a rule is checked on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The resource kind matched.
    pub kind: &'static str,
    /// Where values are read.
    pub scope: Scope,
    /// For an HPA: the controller kinds whose autoscalers are checked.
    pub scale_targets: Vec<&'static str>,
}

impl Variant {
    /// The lowercase plural used in rule names (`deployments`, `istio-gateways`).
    pub fn plural(&self) -> String {
        match self.scope {
            Scope::IstioGateway => "istio-gateways".to_string(),
            Scope::Ingress => "ingresses".to_string(),
            _ => format!("{}s", self.kind.to_ascii_lowercase()),
        }
    }
}

/// The Istio `Gateway` as Kyverno matches it: group, any version, kind (a bare `Gateway` would
/// match the Gateway API's too).
pub const ISTIO_GATEWAY_KIND: &str = "networking.istio.io/*/Gateway";

/// Every workload kind.
const ALL_KINDS: [WorkloadKind; 6] = WorkloadKind::ALL;

/// The JMESPath of the pod spec in a resource of `kind`: a bare Pod's, or where the
/// workload-kind registry puts it in a controller.
pub fn pod_spec_path(kind: &str) -> &'static str {
    static PATHS: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
        let mut paths = vec![("Pod", "request.object.spec".to_string())];
        paths.extend(
            KINDS
                .iter()
                .map(|info| (info.controller, info.pod_spec_path("request.object.", "."))),
        );
        paths
    });
    PATHS
        .iter()
        .find(|(controller, _)| *controller == kind)
        .unwrap_or(&PATHS[1])
        .1
        .as_str()
}

/// The controller kinds of the rule's workload kinds, in a fixed order, without duplicates.
pub fn controller_kinds(kinds: &[WorkloadKind]) -> Vec<&'static str> {
    CONTROLLERS
        .into_iter()
        .filter(|c| kinds.iter().any(|k| k.controller() == *c))
        .collect()
}

/// Whether a rule applies to every workload kind, so a bare Pod (which has no workload kind) can
/// be held to it too.
fn applies_to_every_kind(rule: &RuleIr) -> bool {
    ALL_KINDS.iter().all(|k| rule.kinds.contains(k))
}

/// The resources that enforce `rule`, in a fixed order.
pub fn variants(rule: &RuleIr) -> Vec<Variant> {
    let controllers = controller_kinds(&rule.kinds);
    let variant = |kind: &'static str, scope: Scope| Variant {
        kind,
        scope,
        scale_targets: Vec::new(),
    };
    match rule.group {
        Group::Pod => {
            let mut out: Vec<Variant> = controllers
                .iter()
                .map(|kind| variant(kind, Scope::PodSpec(pod_spec_path(kind))))
                .collect();
            if applies_to_every_kind(rule) && !rule.tests_kind {
                out.push(variant("Pod", Scope::PodSpec(pod_spec_path("Pod"))));
            }
            out
        }
        Group::Replicas => {
            let scalable: Vec<&'static str> = controllers
                .into_iter()
                .filter(|c| KINDS.iter().any(|k| k.controller == *c && k.replicated))
                .collect();
            let mut out: Vec<Variant> = scalable
                .iter()
                .map(|kind| variant(kind, Scope::Controller))
                .collect();
            if !scalable.is_empty() {
                out.push(Variant {
                    kind: "HorizontalPodAutoscaler",
                    scope: Scope::Autoscaler,
                    scale_targets: scalable,
                });
            }
            out
        }
        Group::Service => vec![variant("Service", Scope::Service)],
        Group::Traffic => vec![variant("VirtualService", Scope::VirtualService)],
        Group::Expose => vec![
            variant("Ingress", Scope::Ingress),
            variant("HTTPRoute", Scope::HttpRoute),
            variant(ISTIO_GATEWAY_KIND, Scope::IstioGateway),
        ],
    }
}

/// Whether a workload of `kind` has resources of `variant`'s kind that the variant checks.
pub fn covers(variant: &Variant, kind: WorkloadKind) -> bool {
    let controller = kind.controller();
    match variant.scope {
        Scope::PodSpec(_) => variant.kind == "Pod" || variant.kind == controller,
        Scope::Controller => variant.kind == controller,
        Scope::Autoscaler => variant.scale_targets.contains(&controller),
        Scope::Service | Scope::VirtualService => kind.has_service(),
        Scope::Ingress | Scope::HttpRoute | Scope::IstioGateway => WORKLOAD_FIELDS
            .iter()
            .any(|field| field.name == "expose" && field.kinds.allows(kind)),
    }
}

/// Whether the policy of an app may match `variant`'s kind at all: Kyverno refuses a policy on a
/// kind the cluster does not know, so a kind that only a CRD defines is matched only where the
/// app's output needs that CRD anyway — the mesh's `VirtualService`s and Istio `Gateway`s in a
/// meshed app, `HTTPRoute`s where the app writes one (outside the mesh, with a `gateway`).
/// Ingress is built in.
pub fn available(app: &AppIr, variant: &Variant) -> bool {
    match variant.scope {
        Scope::VirtualService | Scope::IstioGateway => app.mesh.is_some(),
        Scope::HttpRoute => {
            app.mesh.is_none()
                && app.gateway.is_some()
                && app.workloads.iter().any(|w| {
                    w.expose
                        .as_ref()
                        .is_some_and(|e| e.kind == ExposeKind::Route)
                })
        }
        _ => true,
    }
}
