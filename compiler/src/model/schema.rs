//! The catalogue of fields: which fields each declaration and nested block accepts, for which
//! workload kinds, with a one-line description and an example of the syntax.
//!
//! The checker uses it to report unknown fields with suggestions and fields used on the wrong kind
//! of workload; the language server uses the same table for completion and hover, and the
//! language reference documents it.

use super::spec::WorkloadKind;
use super::values::ValueInfo;

/// Which workload kinds accept a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kinds {
    /// Every workload kind.
    All,
    /// The kinds whose pods keep running (not batch, per the workload-kind registry).
    LongRunning,
    /// The kinds with a replica count (per the workload-kind registry).
    Replicated,
    /// The kinds whose pods run to completion (per the workload-kind registry).
    Batch,
    /// Only these.
    Only(&'static [WorkloadKind]),
}

impl Kinds {
    /// Whether `kind` accepts the field.
    pub fn allows(self, kind: WorkloadKind) -> bool {
        match self {
            Kinds::All => true,
            Kinds::LongRunning => !kind.is_batch(),
            Kinds::Replicated => kind.is_replicated(),
            Kinds::Batch => kind.is_batch(),
            Kinds::Only(kinds) => kinds.contains(&kind),
        }
    }
}

/// Whether a workload field may be set in layers below or above a workload's own declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defaults {
    /// In app and tier `defaults` and in environment overrides too.
    Allowed,
    /// Only in the workload's own declaration: elsewhere it is an error (E0018, field not
    /// allowed) saying `why`, with `help`.
    Refused {
        /// Why it belongs to the declaration (the label).
        why: &'static str,
        /// Where to write it instead (the help).
        help: &'static str,
    },
    /// In the workload's own declaration and in environment overrides, not in app or tier
    /// `defaults` (E0018 there, saying `why`, with `help`).
    NotInDefaults {
        /// Why defaults cannot set it (the label).
        why: &'static str,
        /// Where to write it instead (the help).
        help: &'static str,
    },
}

/// One field of a block.
#[derive(Debug, Clone, Copy)]
pub struct FieldInfo {
    /// The field's name.
    pub name: &'static str,
    /// Which workload kinds accept it (ignored outside workloads).
    pub kinds: Kinds,
    /// Whether workload defaults (an app's or a tier's) and environment overrides may set it
    /// (workload fields only).
    pub defaults: Defaults,
    /// The syntax, as an example.
    pub syntax: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Whether its value is a block (completion inserts `name { }` rather than `name: `).
    pub block: bool,
    /// What its value may be, where the registry says ([`super::fields`]); otherwise the editor
    /// looks it up by name and block.
    pub value: Option<ValueInfo>,
}

const fn field(
    name: &'static str,
    kinds: Kinds,
    syntax: &'static str,
    summary: &'static str,
) -> FieldInfo {
    FieldInfo {
        name,
        kinds,
        defaults: Defaults::Allowed,
        syntax,
        summary,
        block: false,
        value: None,
    }
}

impl FieldInfo {
    /// An option of a nested block (`token { audience }`, `up { window }`): any kind, allowed
    /// anywhere, a plain value. Shared by the blocks' option tables.
    pub(crate) const fn option(
        name: &'static str,
        syntax: &'static str,
        summary: &'static str,
        value: ValueInfo,
    ) -> FieldInfo {
        FieldInfo {
            name,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            syntax,
            summary,
            block: false,
            value: Some(value),
        }
    }

    /// The same field, whose value is a block.
    const fn block(self) -> FieldInfo {
        FieldInfo {
            block: true,
            ..self
        }
    }
}

/// Kinds whose pods keep running.
pub const LONG_RUNNING: Kinds = Kinds::LongRunning;
/// Kinds with a replica count.
pub const REPLICATED: Kinds = Kinds::Replicated;
/// Kinds whose pods run to completion.
pub const BATCH: Kinds = Kinds::Batch;

/// `pod_security`, in apps and tier defaults.
const POD_SECURITY_FIELD: FieldInfo = field(
    "pod_security",
    Kinds::All,
    "pod_security: restricted",
    "The Pod Security Standard of the namespace.",
);

/// `quota`, in apps and tier defaults.
const QUOTA_FIELD: FieldInfo = field(
    "quota",
    Kinds::All,
    "quota { cpu: 20, memory: 64Gi, pods: 200 }",
    "The namespace's ResourceQuota.",
)
.block();

/// `limit_range`, in apps and tier defaults.
const LIMIT_RANGE_FIELD: FieldInfo = field(
    "limit_range",
    Kinds::All,
    "limit_range { cpu: 100m..1, memory: 128Mi..512Mi, max_cpu: 4, max_memory: 8Gi }",
    "The namespace's LimitRange: container defaults and maxima.",
)
.block();

/// `mesh`, in apps and tier defaults.
const MESH_FIELD: FieldInfo = field(
    "mesh",
    Kinds::All,
    "mesh: istio { mtls: strict }",
    "The service mesh of the namespace: `istio` (mutual TLS `strict` or `permissive`) or `none`.",
);

/// `network`, in apps and tier defaults.
const NETWORK_FIELD: FieldInfo = field(
    "network",
    Kinds::All,
    "network: default_deny",
    "`default_deny`: NetworkPolicies admit exactly the edges of the service graph; `open`: none.",
);

pub use super::fields::WORKLOAD_FIELDS;

/// The fields of an `app` declaration.
pub const APP_FIELDS: &[FieldInfo] = &[
    field(
        "namespace",
        Kinds::All,
        "namespace: shop",
        "The namespace of every resource (default: the app's name).",
    ),
    field(
        "tier",
        Kinds::All,
        "tier: production",
        "The tier whose defaults and rules apply.",
    ),
    field(
        "team",
        Kinds::All,
        "team: payments",
        "The owning team, as a label on every resource.",
    ),
    field(
        "registry",
        Kinds::All,
        "registry: \"ghcr.io/acme\"",
        "Prefix for images written without a registry.",
    ),
    POD_SECURITY_FIELD,
    field(
        "gateway",
        Kinds::All,
        "gateway: \"gateway-system/public\"",
        "The Gateway that routes attach to (namespace/name).",
    ),
    field(
        "labels",
        Kinds::All,
        "labels { cost-center: \"cc-42\" }",
        "Extra labels on every resource.",
    )
    .block(),
    field(
        "annotations",
        Kinds::All,
        "annotations { \"example.com/x\": \"y\" }",
        "Extra annotations on the namespace.",
    )
    .block(),
    field(
        "policies",
        Kinds::All,
        "policies: [pinned_images, trusted_registries([\"ghcr.io/acme\"])]",
        "Policies every workload of the app must satisfy.",
    ),
    field(
        "gitops",
        Kinds::All,
        "gitops: argocd { repo: \"https://github.com/acme/platform.git\", path: \"deploy/shop\" }",
        "Deploy with Argo CD from the compiled output in Git.",
    ),
    field(
        "defaults",
        Kinds::All,
        "defaults { cpu: 250m, memory: 256Mi }",
        "Workload values for every workload of the app (over the tier's defaults).",
    )
    .block(),
    QUOTA_FIELD,
    LIMIT_RANGE_FIELD,
    MESH_FIELD,
    NETWORK_FIELD,
];

/// The fields of `gitops: argocd { … }`.
pub const GITOPS_FIELDS: &[FieldInfo] = &[
    field(
        "repo",
        Kinds::All,
        "repo: \"https://github.com/acme/platform.git\"",
        "The Git repository holding the compiled output.",
    ),
    field(
        "path",
        Kinds::All,
        "path: \"deploy/shop\"",
        "The folder of `k8sc build --out` inside the repository.",
    ),
    field(
        "revision",
        Kinds::All,
        "revision: \"main\"",
        "The branch, tag or commit Argo CD follows (default `main`).",
    ),
    field(
        "sync",
        Kinds::All,
        "sync: auto { prune: true, self_heal: true }",
        "`auto` (with `prune`, `self_heal`, both default true) or `manual`.",
    ),
    field(
        "applicationset",
        Kinds::All,
        "applicationset: true",
        "One ApplicationSet over the environments instead of one Application each.",
    ),
];

/// The fields of `sync: auto { … }`.
pub const SYNC_FIELDS: &[FieldInfo] = &[
    field(
        "prune",
        Kinds::All,
        "prune: true",
        "Delete from the cluster what was removed from Git.",
    ),
    field(
        "self_heal",
        Kinds::All,
        "self_heal: true",
        "Revert changes made in the cluster.",
    ),
];

/// The fields of a `tier` declaration.
pub const TIER_FIELDS: &[FieldInfo] = &[
    field(
        "defaults",
        Kinds::All,
        "defaults { replicas: 2..10, pod_security: restricted }",
        "Values workloads (and the namespace) get unless they say otherwise.",
    )
    .block(),
    field(
        "policies",
        Kinds::All,
        "policies: [pinned_images]",
        "Policies every workload of the tier must satisfy.",
    ),
    field(
        "require_policies",
        Kinds::All,
        "require_policies: [trusted_registries]",
        "Policies an app of the tier must use, with its own arguments.",
    ),
    field(
        "require_gitops",
        Kinds::All,
        "require_gitops: true",
        "Apps of the tier must be deployed by GitOps (`gitops: argocd { … }`).",
    ),
];

/// The namespace-level fields a tier's `defaults` may set besides workload fields.
pub const TIER_NAMESPACE_FIELDS: &[FieldInfo] = &[
    POD_SECURITY_FIELD,
    QUOTA_FIELD,
    LIMIT_RANGE_FIELD,
    MESH_FIELD,
    NETWORK_FIELD,
];

/// The options of `mesh: istio { … }`.
pub const MESH_FIELDS: &[FieldInfo] = &[field(
    "mtls",
    Kinds::All,
    "mtls: strict",
    "`strict`: only mutual TLS is accepted; `permissive`: plaintext too, while callers migrate.",
)];

/// The fields of an `external` declaration.
pub const EXTERNAL_FIELDS: &[FieldInfo] = &[
    field(
        "host",
        Kinds::All,
        "host: \"api.stripe.com\"",
        "The DNS name called (`*.example.com` for every subdomain).",
    ),
    field(
        "port",
        Kinds::All,
        "port: https 443",
        "The port called, with its protocol.",
    ),
    field(
        "ports",
        Kinds::All,
        "ports { api: https 443, events: tls 8443 }",
        "Several ports.",
    ),
    field(
        "cidrs",
        Kinds::All,
        "cidrs: [\"203.0.113.0/24\"]",
        "The addresses the host resolves to, which narrow the NetworkPolicy egress rules.",
    ),
];

/// The options of one entry of `calls`: `api { port: grpc, methods: [GET] }`.
pub const CALL_FIELDS: &[FieldInfo] = &[
    field(
        "port",
        Kinds::All,
        "port: grpc",
        "The callee's port called (name or number); default: every port.",
    ),
    field(
        "ports",
        Kinds::All,
        "ports: [http, metrics]",
        "Several ports of the callee.",
    ),
    field(
        "paths",
        Kinds::All,
        "paths: [\"/v1/*\"]",
        "The HTTP paths called (`*` as a prefix or suffix); default: any.",
    ),
    field(
        "methods",
        Kinds::All,
        "methods: [GET, POST]",
        "The HTTP methods called; default: any.",
    ),
];

/// The fields of `traffic { … }`.
pub const TRAFFIC_FIELDS: &[FieldInfo] = &[
    field(
        "timeout",
        Kinds::All,
        "timeout: 5s",
        "How long a request may take, retries included.",
    ),
    field(
        "retries",
        Kinds::All,
        "retries: 3 { per_try: 1s, on: [5xx, reset] }",
        "How often a failed request is retried, each attempt's timeout, and on which failures.",
    ),
    field(
        "breaker",
        Kinds::All,
        "breaker { consecutive_errors: 5, eject: 30s }",
        "Circuit breaking: pods that keep failing are ejected from the load balancer for a while.",
    ),
    field(
        "pool",
        Kinds::All,
        "pool { connections: 100, pending: 50, requests: 1000 }",
        "Connection pool limits of each caller.",
    ),
    field(
        "canary",
        Kinds::All,
        "canary { image: \"ghcr.io/acme/api:2.0.0\", steps: [5%, 25%, 50%] }",
        "A second version beside the stable one, receiving a share of the requests.",
    ),
    field(
        "mirror",
        Kinds::All,
        "mirror: shadow 10%",
        "A copy of a share of the requests, sent to another workload of the app.",
    ),
    field(
        "fault",
        Kinds::All,
        "fault { delay: 5s 10%, abort: 503 1% }",
        "Injected delays and errors, for resilience tests.",
    ),
];

/// The options of `retries: N { … }`.
pub const RETRY_FIELDS: &[FieldInfo] = &[
    field(
        "per_try",
        Kinds::All,
        "per_try: 1s",
        "The timeout of each attempt.",
    ),
    field(
        "on",
        Kinds::All,
        "on: [5xx, reset, connect_failure]",
        "The failures retried (default: `connect_failure`, `refused_stream`, `5xx`).",
    ),
];

/// The fields of `breaker { … }`.
pub const BREAKER_FIELDS: &[FieldInfo] = &[
    field(
        "consecutive_errors",
        Kinds::All,
        "consecutive_errors: 5",
        "Consecutive errors before a pod is ejected.",
    ),
    field(
        "eject",
        Kinds::All,
        "eject: 30s",
        "How long an ejected pod stays out (longer each time).",
    ),
    field(
        "interval",
        Kinds::All,
        "interval: 10s",
        "How often pods are evaluated.",
    ),
    field(
        "max_ejected",
        Kinds::All,
        "max_ejected: 50%",
        "The largest share of pods ejected at once.",
    ),
];

/// The fields of `pool { … }`.
pub const POOL_FIELDS: &[FieldInfo] = &[
    field(
        "connections",
        Kinds::All,
        "connections: 100",
        "Most TCP connections per caller.",
    ),
    field(
        "pending",
        Kinds::All,
        "pending: 50",
        "Most HTTP requests waiting for a connection.",
    ),
    field(
        "requests",
        Kinds::All,
        "requests: 1000",
        "Most concurrent HTTP/2 and gRPC requests.",
    ),
];

/// The fields of `canary { … }`.
pub const CANARY_FIELDS: &[FieldInfo] = &[
    field(
        "image",
        Kinds::All,
        "image: \"ghcr.io/acme/api:2.0.0\"",
        "The new version's image (required).",
    ),
    field(
        "steps",
        Kinds::All,
        "steps: [5%, 25%, 50%]",
        "The shares of requests the canary receives, step by step.",
    ),
    field(
        "at",
        Kinds::All,
        "at: 25%",
        "The step in force (default: the first).",
    ),
    field(
        "header",
        Kinds::All,
        "header: \"x-canary\"",
        "Requests carrying this header go to the canary.",
    ),
    field(
        "replicas",
        Kinds::All,
        "replicas: 1",
        "How many canary pods run (default: the stable version's minimum replicas).",
    ),
    field(
        "pause",
        Kinds::All,
        "pause: 10m",
        "How long to watch each step before advancing (recorded for reviewers).",
    ),
];

/// The fields of `fault { … }`.
pub const FAULT_FIELDS: &[FieldInfo] = &[
    field(
        "delay",
        Kinds::All,
        "delay: 5s 10%",
        "A delay added to a share of requests.",
    ),
    field(
        "abort",
        Kinds::All,
        "abort: 503 1%",
        "An HTTP status returned instead, for a share of requests.",
    ),
];

/// The fields of a `policy` declaration.
pub const POLICY_FIELDS: &[FieldInfo] = &[
    field(
        "severity",
        Kinds::All,
        "severity: error",
        "`error` fails the build and is enforced at admission; `warning` reports and audits.",
    ),
    field(
        "match",
        Kinds::All,
        "match: kind == \"Deployment\"",
        "Which workloads the policy applies to (default: all).",
    ),
    field(
        "deny",
        Kinds::All,
        "deny: image.tag == \"latest\"",
        "When a workload breaks the policy.",
    ),
    field(
        "require",
        Kinds::All,
        "require: probes.ready",
        "What every workload must satisfy (the opposite of `deny`).",
    ),
    field(
        "message",
        Kinds::All,
        "message: \"image {image} is not pinned\"",
        "What the diagnostic and the admission controller say; `{property}` and `{parameter}` are filled in.",
    ),
];

/// The fields of `quota { … }`.
pub const QUOTA_FIELDS: &[FieldInfo] = &[
    field("cpu", Kinds::All, "cpu: 20", "Sum of CPU requests."),
    field(
        "memory",
        Kinds::All,
        "memory: 64Gi",
        "Sum of memory requests (and of limits).",
    ),
    field("pods", Kinds::All, "pods: 200", "Number of pods."),
    field(
        "storage",
        Kinds::All,
        "storage: 500Gi",
        "Sum of volume claim sizes.",
    ),
];

/// The fields of `limit_range { … }`.
pub const LIMIT_RANGE_FIELDS: &[FieldInfo] = &[
    field(
        "cpu",
        Kinds::All,
        "cpu: 100m..1",
        "Default CPU request..limit of containers that set none.",
    ),
    field(
        "memory",
        Kinds::All,
        "memory: 128Mi..512Mi",
        "Default memory request..limit.",
    ),
    field(
        "max_cpu",
        Kinds::All,
        "max_cpu: 4",
        "Largest CPU limit a container may have.",
    ),
    field(
        "max_memory",
        Kinds::All,
        "max_memory: 8Gi",
        "Largest memory limit a container may have.",
    ),
];

/// The fields of `probes { … }`.
pub const PROBE_FIELDS: &[FieldInfo] = &[
    field(
        "ready",
        Kinds::All,
        "ready: http \"/ready\"",
        "Readiness: traffic is sent only when it passes.",
    ),
    field(
        "live",
        Kinds::All,
        "live: http \"/healthz\"",
        "Liveness: the container is restarted when it fails.",
    ),
    field(
        "startup",
        Kinds::All,
        "startup: http \"/healthz\" { failures: 30 }",
        "Startup: holds liveness off until the app has started.",
    ),
];

/// The options of one probe: `http "/ready" { … }`.
pub const PROBE_OPTION_FIELDS: &[FieldInfo] = &[
    field(
        "port",
        Kinds::All,
        "port: metrics",
        "The port (name or number) to probe.",
    ),
    field(
        "delay",
        Kinds::All,
        "delay: 10s",
        "Wait before the first probe.",
    ),
    field("period", Kinds::All, "period: 10s", "Time between probes."),
    field(
        "timeout",
        Kinds::All,
        "timeout: 1s",
        "Time a probe may take.",
    ),
    field(
        "failures",
        Kinds::All,
        "failures: 3",
        "Consecutive failures before acting.",
    ),
    field(
        "success",
        Kinds::All,
        "success: 2",
        "Consecutive successes before a failing readiness probe passes again (1 for live and startup).",
    ),
];

/// The options of `storage: 20Gi { … }`.
pub const STORAGE_FIELDS: &[FieldInfo] = &[
    field("class", Kinds::All, "class: fast-ssd", "The StorageClass."),
    field(
        "mount",
        Kinds::All,
        "mount: \"/var/lib/postgresql/data\"",
        "Where the volume is mounted (default /data).",
    ),
];

/// The options of `expose: route "host" { … }`.
pub const ROUTE_FIELDS: &[FieldInfo] = &[
    field(
        "path",
        Kinds::All,
        "path: \"/\"",
        "The path prefix routed to the service.",
    ),
    field(
        "paths",
        Kinds::All,
        "paths: [\"/\", \"/api\"]",
        "Several path prefixes routed to the service (instead of `path`).",
    ),
    field(
        "port",
        Kinds::All,
        "port: http",
        "The port (name or number) to route to.",
    ),
    field(
        "tls",
        Kinds::All,
        "tls: shop-tls",
        "With the mesh: the Secret (in the ingress gateway's namespace) holding the host's certificate.",
    ),
];

/// The options of `expose: ingress "host" { … }`.
pub const INGRESS_FIELDS: &[FieldInfo] = &[
    field(
        "path",
        Kinds::All,
        "path: \"/\"",
        "The path prefix routed to the service.",
    ),
    field(
        "paths",
        Kinds::All,
        "paths: [\"/\", \"/api\"]",
        "Several path prefixes routed to the service (instead of `path`).",
    ),
    field(
        "port",
        Kinds::All,
        "port: http",
        "The port (name or number) to route to.",
    ),
    field(
        "tls",
        Kinds::All,
        "tls: shop-tls",
        "The Secret holding the certificate for the host.",
    ),
    field("class", Kinds::All, "class: nginx", "The IngressClass."),
];

/// The fields of a workload's `service { … }` block.
pub const SERVICE_FIELDS: &[FieldInfo] = &[
    field(
        "type",
        Kinds::All,
        "type: load_balancer { source_ranges: [\"203.0.113.0/24\"] }",
        "`cluster_ip` (default) or `load_balancer { source_ranges, annotations }`: a load balancer in front of every port of the Service.",
    ),
    field(
        "session_affinity",
        Kinds::All,
        "session_affinity: client_ip { timeout: 3h }",
        "`none` (default) or `client_ip { timeout }`: a client's connections go to one pod (timeout 1s..1d, default 3h).",
    ),
    field(
        "external_traffic",
        Kinds::All,
        "external_traffic: local",
        "`cluster` (default) or `local`: only nodes running a pod take the load balancer's traffic, and the client's address is kept (LoadBalancer only).",
    ),
    field(
        "publish_not_ready",
        Kinds::All,
        "publish_not_ready: true",
        "The Service lists pods before they are ready (peers finding each other while a cluster forms).",
    ),
];

/// The options of `type: load_balancer { … }`.
pub const LOAD_BALANCER_FIELDS: &[FieldInfo] = &[
    field(
        "source_ranges",
        Kinds::All,
        "source_ranges: [\"203.0.113.0/24\"]",
        "The client address ranges the load balancer admits (CIDRs); none: every address.",
    ),
    field(
        "annotations",
        Kinds::All,
        "annotations { \"service.beta.kubernetes.io/aws-load-balancer-type\": \"nlb\" }",
        "Annotations of the Service, read by the cloud's load-balancer controller.",
    ),
];

/// The options of `session_affinity: client_ip { … }`.
pub const AFFINITY_FIELDS: &[FieldInfo] = &[field(
    "timeout",
    Kinds::All,
    "timeout: 3h",
    "How long a client stays with its pod after its last connection (1s..1d).",
)];

/// The fields of `disruption { … }`.
pub const DISRUPTION_FIELDS: &[FieldInfo] = &[
    field(
        "min_available",
        Kinds::All,
        "min_available: 1",
        "Pods that must stay up during voluntary disruptions.",
    ),
    field(
        "max_unavailable",
        Kinds::All,
        "max_unavailable: 25%",
        "Pods that may be down during voluntary disruptions.",
    ),
];

/// The fields of `autoscale { … }`.
pub const AUTOSCALE_FIELDS: &[FieldInfo] = &[
    field(
        "cpu",
        Kinds::All,
        "cpu: 70%",
        "Target average CPU use, as a share of the request.",
    ),
    field(
        "memory",
        Kinds::All,
        "memory: 80%",
        "Target average memory use, as a share of the request.",
    ),
    field(
        "up",
        Kinds::All,
        "up { window: 0s, policies: [percent 100% per 15s, pods 4 per 15s], select: max }",
        "How fast it scales up: stabilization window, rate policies, which policy wins.",
    ),
    field(
        "down",
        Kinds::All,
        "down { window: 5m, policies: [percent 10% per 1m] }",
        "How fast it scales down: stabilization window (default 5m), rate policies, which policy wins.",
    ),
];

/// The fields of a `gateway { … }` block.
pub const GATEWAY_FIELDS: &[FieldInfo] = &[
    field("name", Kinds::All, "name: public", "The Gateway's name."),
    field(
        "namespace",
        Kinds::All,
        "namespace: gateway-system",
        "The Gateway's namespace.",
    ),
    field(
        "section",
        Kinds::All,
        "section: https",
        "The Gateway listener to attach to.",
    ),
    field(
        "https",
        Kinds::All,
        "https: true",
        "The listener `section` names is an HTTPS listener: the platform's Gateway serves the host over TLS (what `expose.tls` holds routes outside the mesh to).",
    ),
];

/// Looks a field up by name.
pub fn find(table: &'static [FieldInfo], name: &str) -> Option<&'static FieldInfo> {
    table.iter().find(|f| f.name == name)
}
