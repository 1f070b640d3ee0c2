//! The Istio resources k8sc emits, as serde structs holding exactly the fields it writes
//! (`networking.istio.io/v1`, `security.istio.io/v1`: Istio 1.22 and later). Optional fields are
//! left out when unset, so no document carries an empty value.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use std::collections::BTreeMap;

/// `networking.istio.io/v1`.
pub const NETWORKING: &str = "networking.istio.io/v1";
/// `security.istio.io/v1`.
pub const SECURITY: &str = "security.istio.io/v1";

/// Any Istio resource: its kind, metadata and spec.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Object<S: Serialize> {
    /// `apiVersion`.
    pub api_version: &'static str,
    /// `kind`.
    pub kind: &'static str,
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: S,
}

/// Pods selected by their labels.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Selector {
    /// Labels the pods must carry.
    pub match_labels: BTreeMap<String, String>,
}

/// A `Sidecar`'s pods, selected by their labels.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadSelector {
    /// Labels the pods must carry.
    pub labels: BTreeMap<String, String>,
}

/// `PeerAuthentication.spec`.
#[derive(Debug, Clone, Serialize)]
pub struct PeerAuthenticationSpec {
    /// The mutual TLS mode of the namespace.
    pub mtls: MutualTls,
}

/// `PeerAuthentication.spec.mtls`.
#[derive(Debug, Clone, Serialize)]
pub struct MutualTls {
    /// `STRICT` or `PERMISSIVE`.
    pub mode: &'static str,
}

/// `AuthorizationPolicy.spec`.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorizationPolicySpec {
    /// The workload the policy applies to; the whole namespace when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<Selector>,
    /// Always `ALLOW`: requests matching no rule of any ALLOW policy are refused.
    pub action: &'static str,
    /// The requests allowed; none for the namespace-wide deny-by-default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<AuthorizationRule>,
}

/// One rule of an `AuthorizationPolicy`: requests from these sources to these operations.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorizationRule {
    /// Who may call; anyone when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<From>,
    /// What may be called.
    pub to: Vec<To>,
}

/// `rules[].from[]`.
#[derive(Debug, Clone, Serialize)]
pub struct From {
    /// The source.
    pub source: Source,
}

/// `rules[].from[].source`: mTLS identities.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Service-account identities (`cluster.local/ns/NS/sa/NAME`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub principals: Vec<String>,
    /// Namespaces of the peer identities.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
}

/// `rules[].to[]`.
#[derive(Debug, Clone, Serialize)]
pub struct To {
    /// The operation.
    pub operation: Operation,
}

/// `rules[].to[].operation`.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Destination ports (the pod's).
    pub ports: Vec<String>,
    /// HTTP paths; any when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// HTTP methods; any when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<String>,
}

/// `DestinationRule.spec`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationRuleSpec {
    /// The service's host name.
    pub host: String,
    /// Policies for every subset.
    pub traffic_policy: TrafficPolicy,
    /// Versions of the workload, selected by label.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subsets: Vec<Subset>,
}

/// `DestinationRule.spec.trafficPolicy`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficPolicy {
    /// How callers connect: Istio's mutual TLS.
    pub tls: ClientTls,
    /// Connection limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_pool: Option<ConnectionPool>,
    /// Circuit breaking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlier_detection: Option<OutlierDetection>,
}

/// `trafficPolicy.tls`.
#[derive(Debug, Clone, Serialize)]
pub struct ClientTls {
    /// `ISTIO_MUTUAL`.
    pub mode: &'static str,
}

/// `trafficPolicy.connectionPool`.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionPool {
    /// TCP limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpPool>,
    /// HTTP limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpPool>,
}

/// `connectionPool.tcp`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TcpPool {
    /// Most connections.
    pub max_connections: u32,
}

/// `connectionPool.http`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpPool {
    /// Most requests waiting for a connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http1_max_pending_requests: Option<u32>,
    /// Most concurrent requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http2_max_requests: Option<u32>,
}

/// `trafficPolicy.outlierDetection`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutlierDetection {
    /// Consecutive 5xx (or connection) errors before ejection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consecutive5xx_errors: Option<u32>,
    /// How often pods are evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// How long an ejected pod stays out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_ejection_time: Option<String>,
    /// Largest share of pods ejected at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ejection_percent: Option<u32>,
}

/// `DestinationRule.spec.subsets[]`.
#[derive(Debug, Clone, Serialize)]
pub struct Subset {
    /// `stable` or `canary`.
    pub name: &'static str,
    /// The pods of the subset.
    pub labels: BTreeMap<String, String>,
}

/// `VirtualService.spec`.
#[derive(Debug, Clone, Serialize)]
pub struct VirtualServiceSpec {
    /// The hosts routed.
    pub hosts: Vec<String>,
    /// The gateways the routes apply to; the mesh's sidecars when absent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<String>,
    /// HTTP routes, first match wins.
    pub http: Vec<HttpRoute>,
}

/// `VirtualService.spec.http[]`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRoute {
    /// A name for the route, shown in Envoy's statistics.
    pub name: String,
    /// When the route applies.
    #[serde(rename = "match")]
    pub match_: Vec<RouteMatch>,
    /// Where requests go, with weights.
    pub route: Vec<RouteDestination>,
    /// Overall timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<RetryPolicy>,
    /// Injected faults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultInjection>,
    /// A copy of the requests to another service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<Destination>,
    /// The share of requests copied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror_percentage: Option<Percent>,
}

/// `http[].match[]`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RouteMatch {
    /// The destination port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<StringMatch>,
    /// Request headers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, StringMatch>,
}

/// A string match.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StringMatch {
    /// Starts with.
    Prefix(String),
    /// Matches the RE2 expression.
    Regex(String),
}

/// `http[].route[]`.
#[derive(Debug, Clone, Serialize)]
pub struct RouteDestination {
    /// The destination.
    pub destination: Destination,
    /// Its share (percent); all when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
}

/// A service (and subset) to send requests to.
#[derive(Debug, Clone, Serialize)]
pub struct Destination {
    /// The service's host name.
    pub host: String,
    /// The port.
    pub port: PortSelector,
    /// The subset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subset: Option<&'static str>,
}

/// A port by number.
#[derive(Debug, Clone, Serialize)]
pub struct PortSelector {
    /// The port number.
    pub number: u16,
}

/// `http[].retries`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub attempts: u32,
    /// Timeout of each attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_try_timeout: Option<String>,
    /// Envoy's retry conditions, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_on: Option<String>,
}

/// `http[].fault`.
#[derive(Debug, Clone, Serialize)]
pub struct FaultInjection {
    /// A delay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<Delay>,
    /// An error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abort: Option<Abort>,
}

/// `fault.delay`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delay {
    /// How long.
    pub fixed_delay: String,
    /// Of which requests.
    pub percentage: Percent,
}

/// `fault.abort`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Abort {
    /// The status returned.
    pub http_status: u16,
    /// Of which requests.
    pub percentage: Percent,
}

/// A percentage.
#[derive(Debug, Clone, Serialize)]
pub struct Percent {
    /// 0 to 100.
    pub value: u32,
}

/// `Gateway.spec`.
#[derive(Debug, Clone, Serialize)]
pub struct GatewaySpec {
    /// The ingress gateway pods that serve it.
    pub selector: BTreeMap<String, String>,
    /// Listeners.
    pub servers: Vec<Server>,
}

/// `Gateway.spec.servers[]`.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// The gateway's port.
    pub port: ServerPort,
    /// The hosts served.
    pub hosts: Vec<String>,
    /// TLS settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<ServerTls>,
}

/// `servers[].port`.
#[derive(Debug, Clone, Serialize)]
pub struct ServerPort {
    /// Number.
    pub number: u16,
    /// Name.
    pub name: &'static str,
    /// `HTTP` or `HTTPS`.
    pub protocol: &'static str,
}

/// `servers[].tls`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerTls {
    /// Redirect plain HTTP to HTTPS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub https_redirect: Option<bool>,
    /// `SIMPLE` TLS termination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<&'static str>,
    /// The Secret holding the certificate, in the gateway's namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_name: Option<String>,
}

/// `ServiceEntry.spec`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEntrySpec {
    /// The external host.
    pub hosts: Vec<String>,
    /// `MESH_EXTERNAL`.
    pub location: &'static str,
    /// `DNS`, or `NONE` for wildcard hosts.
    pub resolution: &'static str,
    /// Ports.
    pub ports: Vec<ServiceEntryPort>,
    /// The namespaces that may use the entry.
    pub export_to: Vec<String>,
}

/// `ServiceEntry.spec.ports[]`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceEntryPort {
    /// Number.
    pub number: u16,
    /// Name.
    pub name: String,
    /// Protocol (`HTTPS`, `TLS`, `TCP`, …).
    pub protocol: &'static str,
}

/// `Sidecar.spec`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SidecarSpec {
    /// The workload's pods.
    pub workload_selector: WorkloadSelector,
    /// The hosts the proxy knows.
    pub egress: Vec<EgressListener>,
    /// Only hosts of the service registry (Services, ServiceEntries) are reachable.
    pub outbound_traffic_policy: OutboundTrafficPolicy,
}

/// `Sidecar.spec.egress[]`.
#[derive(Debug, Clone, Serialize)]
pub struct EgressListener {
    /// `namespace/host` entries.
    pub hosts: Vec<String>,
}

/// `Sidecar.spec.outboundTrafficPolicy`.
#[derive(Debug, Clone, Serialize)]
pub struct OutboundTrafficPolicy {
    /// `REGISTRY_ONLY`.
    pub mode: &'static str,
}
