//! The types of `traffic` values, as checked (read and checked in `semantic::traffic`).

use super::spec::Sourced;
use crate::types::image::ImageRef;
use k8sc_grammar::Span;

/// Everything a `traffic` block says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TrafficSpec {
    /// `timeout`: how long a request may take, retries included (ms).
    pub timeout: Option<Sourced<u64>>,
    /// `retries`.
    pub retries: Option<Sourced<Retries>>,
    /// `breaker`: outlier detection.
    pub breaker: Option<Sourced<Breaker>>,
    /// `pool`: connection pool limits.
    pub pool: Option<Sourced<Pool>>,
    /// `canary`.
    pub canary: Option<Sourced<Canary>>,
    /// `mirror`.
    pub mirror: Option<Sourced<Mirror>>,
    /// `fault`: injected delays and errors.
    pub fault: Option<Sourced<Fault>>,
}

impl TrafficSpec {
    /// Whether it sets anything that needs a route, i.e. an HTTP or gRPC port (everything but
    /// the breaker and the pool, which apply to TCP too): the setting's name and where it is.
    pub fn routing(&self) -> Option<(&'static str, Span)> {
        [
            ("timeout", self.timeout.as_ref().map(Sourced::span)),
            ("retries", self.retries.as_ref().map(Sourced::span)),
            ("canary", self.canary.as_ref().map(Sourced::span)),
            ("mirror", self.mirror.as_ref().map(Sourced::span)),
            ("fault", self.fault.as_ref().map(Sourced::span)),
        ]
        .into_iter()
        .find_map(|(name, span)| span.map(|s| (name, s)))
    }
}

/// When a failed request is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RetryOn {
    /// A 5xx response, or no response at all.
    Status5xx,
    /// A 502, 503 or 504 response.
    GatewayError,
    /// The connection was reset or timed out after the request was sent.
    Reset,
    /// The connection could not be established.
    ConnectFailure,
    /// The server refused the stream before processing it (HTTP/2 `REFUSED_STREAM`).
    RefusedStream,
    /// A 409 response.
    Retriable4xx,
    /// gRPC status `CANCELLED`.
    Cancelled,
    /// gRPC status `DEADLINE_EXCEEDED`.
    DeadlineExceeded,
    /// gRPC status `INTERNAL`.
    Internal,
    /// gRPC status `RESOURCE_EXHAUSTED`.
    ResourceExhausted,
    /// gRPC status `UNAVAILABLE`.
    Unavailable,
}

impl RetryOn {
    /// Every condition: the word written in `.k8s` and Envoy's name for it.
    pub const ALL: [(RetryOn, &'static str, &'static str); 11] = [
        (RetryOn::Status5xx, "5xx", "5xx"),
        (RetryOn::GatewayError, "gateway_error", "gateway-error"),
        (RetryOn::Reset, "reset", "reset"),
        (
            RetryOn::ConnectFailure,
            "connect_failure",
            "connect-failure",
        ),
        (RetryOn::RefusedStream, "refused_stream", "refused-stream"),
        (RetryOn::Retriable4xx, "retriable_4xx", "retriable-4xx"),
        (RetryOn::Cancelled, "cancelled", "cancelled"),
        (
            RetryOn::DeadlineExceeded,
            "deadline_exceeded",
            "deadline-exceeded",
        ),
        (RetryOn::Internal, "internal", "internal"),
        (
            RetryOn::ResourceExhausted,
            "resource_exhausted",
            "resource-exhausted",
        ),
        (RetryOn::Unavailable, "unavailable", "unavailable"),
    ];

    /// The word written in `.k8s`.
    pub fn keyword(self) -> &'static str {
        RetryOn::ALL
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or("", |(_, k, _)| k)
    }

    /// Envoy's (and Istio's `retryOn`) name.
    pub fn envoy(self) -> &'static str {
        RetryOn::ALL
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or("", |(_, _, e)| e)
    }

    /// Whether the request may already have been processed when this condition triggers a
    /// retry: true for everything but a failed connection and a refused stream, which never
    /// reached the application.
    pub fn may_resend_processed(self) -> bool {
        !matches!(self, RetryOn::ConnectFailure | RetryOn::RefusedStream)
    }
}

/// The conditions retried when `on` is not written.
pub const DEFAULT_RETRY_ON: [RetryOn; 3] = [
    RetryOn::ConnectFailure,
    RetryOn::RefusedStream,
    RetryOn::Status5xx,
];

/// `retries: 3 { per_try: 1s, on: [5xx, reset] }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Retries {
    /// How many times a request is retried (0 turns the mesh's default retries off).
    pub attempts: u32,
    /// The timeout of each attempt (ms) and where it is written.
    pub per_try: Option<(u64, Span)>,
    /// The conditions retried, with where they are written; empty: [`DEFAULT_RETRY_ON`].
    pub on: Vec<(RetryOn, Span)>,
}

impl Retries {
    /// The conditions in force.
    pub fn conditions(&self) -> Vec<RetryOn> {
        if self.on.is_empty() {
            DEFAULT_RETRY_ON.to_vec()
        } else {
            self.on.iter().map(|(r, _)| *r).collect()
        }
    }
}

/// `breaker { consecutive_errors: 5, eject: 30s, interval: 10s, max_ejected: 50% }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Breaker {
    /// Consecutive errors (5xx, or failed connections for TCP) before a pod is ejected.
    pub consecutive_errors: Option<u32>,
    /// How long an ejected pod stays out (ms; longer on each ejection).
    pub eject: Option<u64>,
    /// How often pods are evaluated (ms).
    pub interval: Option<u64>,
    /// The largest share of pods that may be ejected at once (percent).
    pub max_ejected: Option<u32>,
}

/// `pool { connections: 100, pending: 50, requests: 1000 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pool {
    /// Most TCP connections each caller opens to the workload.
    pub connections: Option<u32>,
    /// Most HTTP requests waiting for a connection.
    pub pending: Option<u32>,
    /// Most concurrent HTTP/2 and gRPC requests.
    pub requests: Option<u32>,
}

/// `canary { image: "…", steps: [5%, 25%, 50%], at: 5%, header: "x-canary" }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Canary {
    /// The new version's image.
    pub image: Sourced<ImageRef>,
    /// The share of traffic at each step (percent), with where each is written.
    pub steps: Vec<(u32, Span)>,
    /// The step in force (percent) and where it is written; the first step when not written.
    pub at: Option<(u32, Span)>,
    /// Requests carrying this header go to the canary.
    pub header: Option<String>,
    /// How many canary pods run (default: the stable version's minimum).
    pub replicas: Option<u32>,
    /// How long each step should be watched before advancing (ms), for the record.
    pub pause: Option<u64>,
}

impl Canary {
    /// The share of traffic the canary receives now (percent).
    pub fn weight(&self) -> u32 {
        self.at
            .map(|(w, _)| w)
            .or_else(|| self.steps.first().map(|(w, _)| *w))
            .unwrap_or(0)
    }
}

/// `mirror: shadow 10%`: a copy of the requests sent to another workload, responses dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mirror {
    /// The workload of the same app that receives the copies, as written.
    pub to: String,
    /// Where it is written.
    pub to_span: Span,
    /// The share of requests copied (percent).
    pub percent: u32,
}

/// `fault { delay: 5s 10%, abort: 503 1% }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Fault {
    /// A delay (ms) added to a share (percent) of requests.
    pub delay: Option<(u64, u32)>,
    /// An HTTP status returned instead of forwarding, for a share (percent) of requests.
    pub abort: Option<(u16, u32)>,
}
