//! The requirements of one environment, as data: what [`super::render`] prints and writes.

use std::fmt;

/// A release of a component: `1.22`, `2.5`, `1.0.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    pub patch: u32,
}

impl Version {
    /// `major.minor`.
    pub const fn new(major: u32, minor: u32) -> Version {
        Version {
            major,
            minor,
            patch: 0,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

/// A controller, API or plugin the cluster must run. An open set: the shared ones are the
/// constants below, and a backend that needs another defines its own with [`Component::new`] in
/// its folder. Components are listed in `rank` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Component {
    rank: u16,
    id: &'static str,
    title: &'static str,
    short_title: &'static str,
}

impl Component {
    /// The API server and kubelets: the versions of the built-in APIs and fields used.
    pub const KUBERNETES: Component = Component::new(0, "kubernetes", "Kubernetes", "Kubernetes");
    /// A network plugin that enforces NetworkPolicy (Calico, Cilium…): without one, the
    /// default-deny policies are accepted and silently do nothing.
    pub const NETWORK_POLICY: Component = Component::new(
        10,
        "network-policy",
        "a network plugin that enforces NetworkPolicy",
        "NetworkPolicy enforcement",
    );
    /// The Gateway API CRDs and a controller implementing them.
    pub const GATEWAY_API: Component = Component::new(
        20,
        "gateway-api",
        "Gateway API CRDs and a Gateway controller",
        "Gateway API",
    );
    /// Istio's control plane (istiod, with its sidecar injector) and CRDs.
    pub const ISTIO: Component =
        Component::new(30, "istio", "Istio (istiod and its CRDs)", "Istio");
    /// Istio's CNI node agent, which sets up the pod's traffic redirection instead of the
    /// privileged `istio-init` container.
    pub const ISTIO_CNI: Component =
        Component::new(40, "istio-cni", "the Istio CNI plugin", "Istio CNI");
    /// Kyverno's admission controller and CRDs.
    pub const KYVERNO: Component = Component::new(50, "kyverno", "Kyverno", "Kyverno");
    /// Argo CD's application controller and CRDs.
    pub const ARGOCD: Component = Component::new(60, "argocd", "Argo CD", "Argo CD");

    /// A component listed at `rank` (the shared ones are 0, 10, … 60), identified by `id` (JSON's
    /// `id`, stable), described as `title` in the requirements and `short_title` in the build's
    /// summary line.
    pub const fn new(
        rank: u16,
        id: &'static str,
        title: &'static str,
        short_title: &'static str,
    ) -> Component {
        Component {
            rank,
            id,
            title,
            short_title,
        }
    }

    /// The stable identifier (JSON's `id`).
    pub fn id(self) -> &'static str {
        self.id
    }

    /// What it is, in words.
    pub fn title(self) -> &'static str {
        self.title
    }

    /// Its name in the build's summary line.
    pub fn short_title(self) -> &'static str {
        self.short_title
    }
}

/// One use of a component by the output, and the release it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// The oldest release that has what is used; `None`: any release does.
    pub minimum: Option<Version>,
    /// What the output uses, in words.
    pub reason: String,
    /// The apps whose output uses it, sorted.
    pub apps: Vec<String>,
}

/// A component with every use the output makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentNeed {
    /// The component.
    pub component: Component,
    /// The highest minimum of its needs: the release the cluster must run at least.
    pub minimum: Option<Version>,
    /// The uses, the deciding one (highest minimum) first.
    pub needs: Vec<Need>,
}

/// A workload that needs something: `APP.WORKLOAD`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Consumer {
    /// The app.
    pub app: String,
    /// The workload.
    pub workload: String,
}

impl Consumer {
    /// The workload `workload` of `app`.
    pub fn new(app: &str, workload: &str) -> Consumer {
        Consumer {
            app: app.to_string(),
            workload: workload.to_string(),
        }
    }
}

impl fmt::Display for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.app, self.workload)
    }
}

/// A Secret that must exist, with the keys read from it. Only names: k8sc never sees a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretNeed {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The keys read, sorted.
    pub keys: Vec<String>,
    /// The workloads that read it, sorted.
    pub used_by: Vec<Consumer>,
}

/// A cluster-scoped class named by the output (StorageClass, IngressClass, PriorityClass).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedNeed {
    /// Its name; `None`: the cluster's default one.
    pub name: Option<String>,
    /// The workloads that use it, sorted.
    pub used_by: Vec<Consumer>,
}

/// What serves a gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GatewayKind {
    /// A Gateway API `Gateway` that HTTPRoutes attach to.
    GatewayApi,
    /// Istio's ingress gateway Deployment, which Istio `Gateway` resources select.
    IstioIngress,
}

impl GatewayKind {
    /// The stable identifier (JSON's `kind`).
    pub fn id(self) -> &'static str {
        match self {
            GatewayKind::GatewayApi => "gateway-api",
            GatewayKind::IstioIngress => "istio-ingress",
        }
    }
}

/// A gateway the output routes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayNeed {
    /// What serves it.
    pub kind: GatewayKind,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The listener picked, if any.
    pub section: Option<String>,
    /// The host names routed through it, sorted.
    pub hosts: Vec<String>,
    /// The workloads exposed through it, sorted.
    pub used_by: Vec<Consumer>,
}

/// Another object the output assumes exists and does not create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterObject {
    /// What it is (`Namespace`, `Pods`, `Argo CD cluster`, …).
    pub kind: String,
    /// Its namespace, if namespaced.
    pub namespace: Option<String>,
    /// Its name (or label selector, for pods).
    pub name: String,
    /// Why the output needs it.
    pub reason: String,
    /// The apps whose output needs it, sorted.
    pub apps: Vec<String>,
}

/// Everything one environment's output needs from its cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRequirements {
    /// The environment.
    pub env: String,
    /// Controllers, CRDs and plugins with their minimum versions, in their listing order.
    pub components: Vec<ComponentNeed>,
    /// Secrets, by namespace and name.
    pub secrets: Vec<SecretNeed>,
    /// StorageClasses, the default one first.
    pub storage_classes: Vec<NamedNeed>,
    /// IngressClasses, the default one first.
    pub ingress_classes: Vec<NamedNeed>,
    /// PriorityClasses.
    pub priority_classes: Vec<NamedNeed>,
    /// Gateways.
    pub gateways: Vec<GatewayNeed>,
    /// Other objects assumed to exist.
    pub cluster_objects: Vec<ClusterObject>,
}

impl EnvRequirements {
    /// The requirement on `component`, if the output has one.
    pub fn component(&self, component: Component) -> Option<&ComponentNeed> {
        self.components.iter().find(|c| c.component == component)
    }
}
