//! The typed, checked content of declarations: what a workload or app *says*, before defaults.
//!
//! Every field is optional and carries its [`Origin`], so layers (tier defaults, app values, the
//! workload's own values, environment overrides) can be stacked by precedence with
//! [`WorkloadSpec::overlay`], and every effective value still knows where it was written.

pub use super::kinds::WorkloadKind;
use k8sc_grammar::Span;
use std::sync::Arc;

/// Which layer of the precedence ladder a value comes from (highest first).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// An environment override (`env prod { web.replicas: 3 }`).
    Env(Arc<str>),
    /// The workload's own declaration.
    Workload,
    /// The app declaration.
    App,
    /// A tier's `defaults` (by tier name).
    Tier(Arc<str>),
    /// A k8sc built-in default.
    Builtin,
}

/// Where a value was written (or that it is a built-in default).
///
/// Sixteen bytes: the layer and file every value of one declaration shares sit behind one
/// [`Arc`] ([`Written`]), cloned rather than copied into each value, and only the span is the
/// value's own. A workload carries about fifty origins in its spec and as many in its IR; with
/// the layer and file inline (56 bytes) they were half of the checker's memory per workload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The layer and file; `None` for built-in defaults.
    written: Option<Arc<Written>>,
    /// The span of the value in that file (empty for built-in defaults).
    pub span: Span,
}

/// The layer and file of values written in one place (shared by their [`Origin`]s).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Written {
    /// The precedence layer.
    pub layer: Layer,
    /// The file the values were written in.
    pub file: Arc<str>,
}

impl Written {
    /// The place shared by values written in `layer` of `file`.
    pub fn new(layer: Layer, file: &Arc<str>) -> Arc<Written> {
        Arc::new(Written {
            layer,
            file: file.clone(),
        })
    }
}

impl Origin {
    /// A value written at `span` of `file` in `layer`. Allocates the shared part: code that makes
    /// many origins in one place builds a [`Written`] once and uses [`Origin::within`].
    pub fn at(layer: Layer, file: &Arc<str>, span: Span) -> Origin {
        Origin::within(&Written::new(layer, file), span)
    }

    /// A value written at `span` of the layer and file `written` describes.
    pub fn within(written: &Arc<Written>, span: Span) -> Origin {
        Origin {
            written: Some(written.clone()),
            span,
        }
    }

    /// A k8sc built-in default.
    pub fn builtin() -> Origin {
        Origin {
            written: None,
            span: Span::default(),
        }
    }

    /// The same layer and file, at another span.
    pub fn with_span(&self, span: Span) -> Origin {
        Origin {
            written: self.written.clone(),
            span,
        }
    }

    /// The precedence layer.
    pub fn layer(&self) -> &Layer {
        match &self.written {
            Some(written) => &written.layer,
            None => &Layer::Builtin,
        }
    }

    /// The file it was written in; `None` for built-in defaults.
    pub fn file(&self) -> Option<&str> {
        self.written.as_ref().map(|written| &*written.file)
    }

    /// The layer and file, shared, for origins of other values written in the same place.
    pub fn written(&self) -> Option<&Arc<Written>> {
        self.written.as_ref()
    }
}

/// A value with its origin.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub origin: Origin,
}

impl<T> Sourced<T> {
    /// Pairs a value with its origin.
    pub fn new(value: T, origin: Origin) -> Sourced<T> {
        Sourced { value, origin }
    }

    /// A built-in default.
    pub fn builtin(value: T) -> Sourced<T> {
        Sourced {
            value,
            origin: Origin::builtin(),
        }
    }

    /// The span where it was written.
    pub fn span(&self) -> Span {
        self.origin.span
    }
}

/// The protocol of a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// HTTP/1.1 (and h2c upgrades).
    Http,
    /// HTTP/2 cleartext.
    Http2,
    /// HTTPS served by the workload itself.
    Https,
    /// gRPC.
    Grpc,
    /// TLS-wrapped TCP.
    Tls,
    /// Plain TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// Every protocol, in the order documentation lists them.
    pub const ALL: [Protocol; 7] = [
        Protocol::Http,
        Protocol::Http2,
        Protocol::Https,
        Protocol::Grpc,
        Protocol::Tls,
        Protocol::Tcp,
        Protocol::Udp,
    ];

    /// The keyword, also used as the port's name prefix (Istio selects protocols by it).
    pub fn keyword(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Http2 => "http2",
            Protocol::Https => "https",
            Protocol::Grpc => "grpc",
            Protocol::Tls => "tls",
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }

    /// Parses a keyword.
    pub fn from_keyword(text: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.keyword() == text)
    }

    /// Whether it speaks HTTP (can be probed with `http` and routed by a Gateway).
    pub fn is_http(self) -> bool {
        matches!(self, Protocol::Http | Protocol::Http2)
    }

    /// Whether a mesh routes its requests one by one (HTTP, HTTP/2, gRPC): what timeouts,
    /// retries, canaries, mirroring, fault injection, paths and methods need.
    pub fn is_routable(self) -> bool {
        matches!(self, Protocol::Http | Protocol::Http2 | Protocol::Grpc)
    }
}

/// One declared port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortSpec {
    /// The name given in a `ports { name: … }` block; otherwise derived from the protocol.
    pub name: Option<String>,
    /// The protocol.
    pub protocol: Protocol,
    /// The port number, 1–65535.
    pub number: u16,
    /// Where it was written.
    pub span: Span,
}

/// `replicas: 3` or `replicas: 2..10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Replicas {
    /// A fixed count.
    Fixed(u32),
    /// Autoscaled between `min` and `max` (an HPA).
    Auto {
        /// Lower bound.
        min: u32,
        /// Upper bound.
        max: u32,
    },
}

impl Replicas {
    /// The smallest number of replicas that will run.
    pub fn min(self) -> u32 {
        match self {
            Replicas::Fixed(n) => n,
            Replicas::Auto { min, .. } => min,
        }
    }

    /// The largest number of replicas that may run.
    pub fn max(self) -> u32 {
        match self {
            Replicas::Fixed(n) => n,
            Replicas::Auto { max, .. } => max,
        }
    }
}

/// A resource request with an optional limit (`250m..1`): millicores for CPU, bytes for memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Resource {
    /// What the scheduler reserves.
    pub request: u64,
    /// The most the container may use; `None` if not written.
    pub limit: Option<u64>,
}

/// How a probe checks the container.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProbeCheck {
    /// `http "/path"`.
    Http {
        /// The request path.
        path: String,
    },
    /// `tcp`.
    Tcp,
    /// `grpc` (the standard gRPC health service).
    Grpc,
    /// `exec ["cmd", "arg"]`.
    Exec {
        /// The command line.
        command: Vec<String>,
    },
}

/// Which port a probe or route targets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PortRef {
    /// By name, as declared.
    Name(String),
    /// By number.
    Number(u16),
}

/// A probe with its timing options.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Probe {
    /// What is checked.
    pub check: ProbeCheck,
    /// An explicit port; otherwise the first suitable declared port.
    pub port: Option<(PortRef, Span)>,
    /// `delay`: initial delay (ms).
    pub delay: Option<u64>,
    /// `period`: how often (ms).
    pub period: Option<u64>,
    /// `timeout`: per attempt (ms).
    pub timeout: Option<u64>,
    /// `failures`: consecutive failures before acting.
    pub failures: Option<u32>,
    /// `success`: consecutive successes before a failed probe counts as passing again
    /// (readiness only; liveness and startup must be 1: E0070).
    pub success: Option<u32>,
}

/// `probes { ready, live, startup }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ProbeSet {
    /// Readiness: when to send traffic.
    pub ready: Option<Sourced<Probe>>,
    /// Liveness: when to restart.
    pub live: Option<Sourced<Probe>>,
    /// Startup: how long to wait before liveness applies.
    pub startup: Option<Sourced<Probe>>,
}

/// The value of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EnvValue {
    /// A literal value.
    Literal(String),
    /// `secret NAME.KEY`: a key of a Kubernetes Secret.
    Secret {
        /// The Secret's name.
        name: String,
        /// The key inside it.
        key: String,
    },
}

/// One named entry of `env {}`, `config {}`, `labels {}` or `annotations {}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entry<T> {
    /// The key as written.
    pub key: String,
    /// Where the key was written.
    pub key_span: Span,
    /// The value.
    pub value: Sourced<T>,
}

/// Persistent storage of a stateful workload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Storage {
    /// Size in bytes.
    pub size: u64,
    /// The StorageClass; the cluster default if `None`.
    pub class: Option<String>,
    /// Where it is mounted.
    pub mount: Option<String>,
}

/// How a service is exposed outside the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Expose {
    /// Gateway API HTTPRoute or Ingress.
    pub kind: ExposeKind,
    /// The host names, in the order written (`route "a.example.com"` or
    /// `route ["a.example.com", "www.a.example.com"]`); never empty, no two alike.
    pub hosts: Vec<String>,
    /// The path prefixes (`path: "/"` or `paths: ["/", "/api"]`); empty: `/`.
    pub paths: Vec<String>,
    /// The port to route to; otherwise the first HTTP port.
    pub port: Option<(PortRef, Span)>,
    /// Ingress only: the TLS Secret.
    pub tls: Option<String>,
    /// Ingress only: the IngressClass.
    pub class: Option<String>,
}

/// The resource `expose` produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExposeKind {
    /// Gateway API `HTTPRoute`.
    Route,
    /// `networking.k8s.io/v1` `Ingress`.
    Ingress,
}

/// A name in `calls`: `api`, `payments.ledger`, or `api { port: grpc, methods: [GET] }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallRef {
    /// The dotted path as written.
    pub path: Vec<String>,
    /// Where the name was written.
    pub span: Span,
    /// The ports called (`port` / `ports`), each with where it is written; empty: every port
    /// of the callee.
    pub ports: Vec<(PortRef, Span)>,
    /// HTTP path patterns called (`paths: ["/v1/*"]`); empty: any path.
    pub paths: Vec<String>,
    /// Where each of `paths` is written.
    pub path_spans: Vec<Span>,
    /// HTTP methods called (`methods: [GET, POST]`), upper-case, each with where it is written;
    /// empty: any method.
    pub methods: Vec<(String, Span)>,
}

/// Where replicas are spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Spread {
    /// Across regions, zones and nodes (clusters that span regions).
    Regions,
    /// Across zones and across nodes.
    Zones,
    /// Across nodes only.
    Hosts,
    /// No spreading constraints.
    None,
}

/// `disruption { … }`: the PodDisruptionBudget.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Disruption {
    /// `min_available: N` or `N%`.
    MinAvailable(IntOrPercent),
    /// `max_unavailable: N` or `N%`.
    MaxUnavailable(IntOrPercent),
    /// `disruption: none` — no budget.
    None,
}

/// A count or a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntOrPercent {
    /// A count.
    Int(u32),
    /// A percentage.
    Percent(u32),
}

/// `autoscale { cpu: 70%, memory: 80% }`: HPA utilisation targets.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Autoscale {
    /// Target average CPU utilisation, percent of request.
    pub cpu: Option<u32>,
    /// Target average memory utilisation, percent of request.
    pub memory: Option<u32>,
    /// `up { … }`: how fast it scales up ([`super::scaling`]; boxed: most workloads have none,
    /// and every layer of every workload carries the field).
    pub up: Option<Box<super::scaling::ScalingRules>>,
    /// `down { … }`: how fast it scales down.
    pub down: Option<Box<super::scaling::ScalingRules>>,
}

/// What to do when a cron run is due while the last is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concurrency {
    /// Run both.
    Allow,
    /// Skip the new run.
    Forbid,
    /// Stop the old run.
    Replace,
}

/// When a failed batch container is restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Restart {
    /// In the same pod.
    OnFailure,
    /// Never in the same pod (the Job makes a new one).
    Never,
}

/// When the kubelet pulls the image (`imagePullPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImagePull {
    /// On every container start.
    Always,
    /// When the node does not have it.
    IfNotPresent,
    /// Never: the image must be on the node.
    Never,
}

impl ImagePull {
    /// The keyword, as written in `.k8s`.
    pub fn keyword(self) -> &'static str {
        match self {
            ImagePull::Always => "always",
            ImagePull::IfNotPresent => "if_not_present",
            ImagePull::Never => "never",
        }
    }

    /// The Kubernetes value.
    pub fn as_str(self) -> &'static str {
        match self {
            ImagePull::Always => "Always",
            ImagePull::IfNotPresent => "IfNotPresent",
            ImagePull::Never => "Never",
        }
    }
}

/// `/tmp` for read-only root filesystems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tmp {
    /// No `/tmp` volume.
    Off,
    /// An `emptyDir` at `/tmp`, optionally size-limited (bytes).
    On(Option<u64>),
}

pub use super::fields::WorkloadSpec;

impl WorkloadSpec {
    /// Marks every field as possibly written: the declaration has syntax errors, so any field may
    /// be on a line that could not be parsed.
    pub const INCOMPLETE: &'static str = "*";

    /// Whether `field` was written but rejected (or may have been, in a broken declaration).
    pub fn was_rejected(&self, field: &str) -> bool {
        self.rejected
            .iter()
            .any(|r| *r == field || *r == Self::INCOMPLETE)
    }
}

macro_rules! overlay_fields {
    ($upper:ident, $lower:ident; $($field:ident),*) => {
        $( if $upper.$field.is_none() { $upper.$field = $lower.$field; } )*
    };
}

/// Appends the entries of `lower` whose keys `upper` does not have.
pub(crate) fn merge_entries<T>(upper: &mut Vec<Entry<T>>, lower: Vec<Entry<T>>) {
    for entry in lower {
        if !upper.iter().any(|e| e.key == entry.key) {
            upper.push(entry);
        }
    }
}

/// Pod Security Standards level of a namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PodSecurity {
    /// The hardened profile (the default).
    Restricted,
    /// Minimal restrictions.
    Baseline,
    /// No restrictions.
    Privileged,
}

impl PodSecurity {
    /// The label value Kubernetes uses.
    pub fn as_str(self) -> &'static str {
        match self {
            PodSecurity::Restricted => "restricted",
            PodSecurity::Baseline => "baseline",
            PodSecurity::Privileged => "privileged",
        }
    }
}

/// The Gateway an HTTPRoute attaches to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GatewayRef {
    /// The Gateway's namespace.
    pub namespace: String,
    /// The Gateway's name.
    pub name: String,
    /// A listener name on the Gateway, if one is picked.
    pub section: Option<String>,
    /// `https: true`: the app states that the listener `section` names is an HTTPS listener
    /// (its protocol is on the platform's Gateway, which k8sc does not write).
    pub https: bool,
}

/// A policy named in `policies: [...]`, with its arguments as written (typed once the policy is
/// resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyUse {
    /// The policy's name.
    pub name: String,
    /// Where the name is written.
    pub name_span: Span,
    /// The arguments, if it is called: `trusted_registries(["ghcr.io/acme"])`.
    pub args: Option<Vec<k8sc_grammar::Value>>,
    /// The whole use.
    pub span: Span,
}

/// `allow NAME because "reason"` in a workload, or in a workload's block of an environment
/// (`env dev { web { allow … } }`), which scopes it to that environment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllowSpec {
    /// The policy, or `TIER.RULE`.
    pub name: String,
    /// Where the name is written.
    pub name_span: Span,
    /// Why.
    pub reason: String,
    /// The whole exception.
    pub span: Span,
    /// Where it is written: `Layer::Workload` (in force in every environment) or
    /// `Layer::Env(name)` (in force in that environment and those extending it), with its file.
    pub origin: Origin,
}

/// Totals the namespace may use (a ResourceQuota).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct QuotaIr {
    /// Sum of CPU requests, millicores.
    pub cpu: Option<u64>,
    /// Sum of memory requests and of memory limits, bytes.
    pub memory: Option<u64>,
    /// Number of pods.
    pub pods: Option<u32>,
    /// Sum of persistent volume claim sizes, bytes.
    pub storage: Option<u64>,
}

/// Per-container defaults and bounds of the namespace (a LimitRange), for pods not made by k8sc.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LimitRangeIr {
    /// Default CPU request, millicores.
    pub cpu_request: Option<u64>,
    /// Default CPU limit, millicores.
    pub cpu_limit: Option<u64>,
    /// Default memory request, bytes.
    pub memory_request: Option<u64>,
    /// Default memory limit, bytes.
    pub memory_limit: Option<u64>,
    /// Largest CPU limit a container may have, millicores.
    pub max_cpu: Option<u64>,
    /// Largest memory limit a container may have, bytes.
    pub max_memory: Option<u64>,
}

impl AppSpec {
    /// Fills every field this spec leaves unset from `lower` (a lower-precedence layer): an
    /// environment's app overrides over the app's own declaration.
    pub fn overlay(mut self, lower: AppSpec) -> AppSpec {
        let upper = &mut self;
        overlay_fields!(upper, lower; namespace, tier, team, registry, pod_security, gateway,
            quota, limit_range, gitops, mesh, network);
        if upper.policies.is_empty() {
            upper.policies = lower.policies;
        }
        upper.defaults = match (upper.defaults.take(), lower.defaults) {
            (Some(a), Some(b)) => Some(Box::new((*a).overlay(*b))),
            (a, b) => a.or(b),
        };
        merge_entries(&mut upper.labels, lower.labels);
        merge_entries(&mut upper.annotations, lower.annotations);
        self
    }
}

/// Everything an `app` declaration says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppSpec {
    /// `namespace`.
    pub namespace: Option<Sourced<String>>,
    /// `tier`.
    pub tier: Option<Sourced<String>>,
    /// `team`.
    pub team: Option<Sourced<String>>,
    /// `registry`: prefix for images written without a registry.
    pub registry: Option<Sourced<String>>,
    /// `pod_security`.
    pub pod_security: Option<Sourced<PodSecurity>>,
    /// `gateway`.
    pub gateway: Option<Sourced<GatewayRef>>,
    /// `labels`.
    pub labels: Vec<Entry<String>>,
    /// `annotations`.
    pub annotations: Vec<Entry<String>>,
    /// `policies`.
    pub policies: Vec<PolicyUse>,
    /// `defaults { … }`: workload values for the whole app.
    pub defaults: Option<Box<WorkloadSpec>>,
    /// `quota`.
    pub quota: Option<Sourced<QuotaIr>>,
    /// `limit_range`.
    pub limit_range: Option<Sourced<LimitRangeIr>>,
    /// `mesh`: the service mesh the app's workloads join.
    pub mesh: Option<Sourced<super::mesh::Mesh>>,
    /// `network`: whether the namespace denies traffic the graph does not name.
    pub network: Option<Sourced<super::mesh::Network>>,
    /// `gitops`.
    pub gitops: Option<Sourced<super::gitops::GitOps>>,
}
