//! `traffic { … }`: how the mesh routes requests to a workload — timeout, retries, circuit
//! breaker, connection pool, canary, mirroring and fault injection. Each setting is read and
//! checked on its own here; what needs the whole workload (an HTTP port, the mesh) or the whole
//! graph (the mirror's target, the callers' methods) is checked when lowering.

use super::reader::Ctx;
use super::schema::{
    BREAKER_FIELDS, CANARY_FIELDS, FAULT_FIELDS, POOL_FIELDS, RETRY_FIELDS, TRAFFIC_FIELDS,
};
use super::spec::{Layer, Sourced};
use crate::diagnostics::Code;
use crate::types::image::ImageRef;
use k8sc_grammar::{Block, Span, Value, ValueKind};

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

/// Reads `traffic { … }`.
pub fn read_traffic(ctx: &mut Ctx<'_>, value: &Value) -> Option<TrafficSpec> {
    let block = ctx.expect_block(value, "a block `traffic { timeout: 5s, … }`")?;
    let mut spec = TrafficSpec::default();
    for (info, field) in ctx.known_fields(block, TRAFFIC_FIELDS, "`traffic`") {
        let v = &field.value;
        let span = v.span;
        match info.name {
            "timeout" => spec.timeout = read_positive_ms(ctx, v).map(|t| ctx.sourced(t, span)),
            "retries" => spec.retries = read_retries(ctx, v).map(|r| ctx.sourced(r, span)),
            "breaker" => spec.breaker = read_breaker(ctx, v).map(|b| ctx.sourced(b, span)),
            "pool" => spec.pool = read_pool(ctx, v).map(|p| ctx.sourced(p, span)),
            "canary" => {
                if only_in_workload(ctx, "canary", field.key_span()) {
                    spec.canary = read_canary(ctx, v).map(|c| ctx.sourced(c, span));
                }
            }
            "mirror" => {
                if only_in_workload(ctx, "mirror", field.key_span()) {
                    spec.mirror = read_mirror(ctx, v).map(|m| ctx.sourced(m, span));
                }
            }
            _ => spec.fault = read_fault(ctx, v).map(|f| ctx.sourced(f, span)),
        }
    }
    Some(spec)
}

/// A canary or a mirror names one workload's versions or peers: it cannot be a default.
fn only_in_workload(ctx: &mut Ctx<'_>, what: &str, span: Span) -> bool {
    if *ctx.layer() == Layer::Workload {
        return true;
    }
    ctx.report(
        ctx.diagnostic(
            Code::FieldNotAllowed,
            format!("`{what}` cannot be a default"),
            span,
        )
        .with_label("set it in the workload it is for")
        .with_note(format!(
            "a {what} is specific to one workload: it names that workload's image or peer"
        )),
    );
    false
}

fn block_of<'v>(ctx: &mut Ctx<'_>, value: &'v Value, expected: &str) -> Option<&'v Block> {
    ctx.expect_block(value, expected)
}

fn read_positive_ms(ctx: &mut Ctx<'_>, value: &Value) -> Option<u64> {
    let ms = ctx.read_duration(value)?;
    if ms == 0 {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                "this duration must be positive",
                value.span,
            )
            .with_label("zero"),
        );
        return None;
    }
    Some(ms)
}

fn read_share(ctx: &mut Ctx<'_>, value: &Value) -> Option<u32> {
    let percent = ctx.read_percent(value)?;
    if percent == 0 {
        ctx.report(
            ctx.diagnostic(Code::InvalidValue, "a share of 0% does nothing", value.span)
                .with_label("zero")
                .with_help("remove the setting, or give a share above 0%"),
        );
        return None;
    }
    Some(percent)
}

fn read_retries(ctx: &mut Ctx<'_>, value: &Value) -> Option<Retries> {
    let (count, block) = match &value.kind {
        ValueKind::WithBlock { base, block } => (base.as_ref(), Some(block)),
        _ => (value, None),
    };
    let attempts = ctx.read_u32(count, "retries", 0, 100)?;
    let mut retries = Retries {
        attempts,
        per_try: None,
        on: Vec::new(),
    };
    if let Some(block) = block {
        for (info, field) in ctx.known_fields(block, RETRY_FIELDS, "`retries`") {
            let v = &field.value;
            match info.name {
                "per_try" => retries.per_try = read_positive_ms(ctx, v).map(|t| (t, v.span)),
                _ => retries.on = read_retry_on(ctx, v),
            }
        }
    }
    Some(retries)
}

fn read_retry_on(ctx: &mut Ctx<'_>, value: &Value) -> Vec<(RetryOn, Span)> {
    let ValueKind::List(items) = &value.kind else {
        ctx.wrong_type(value, "a list of conditions such as `[5xx, reset]`");
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let word = match &item.kind {
            ValueKind::Number(n) => format!("{}{}", n.text, n.unit.as_deref().unwrap_or("")),
            ValueKind::Path(parts) if parts.len() == 1 => parts[0].name.clone(),
            _ => {
                ctx.wrong_type(item, "a retry condition such as `5xx` or `reset`");
                continue;
            }
        };
        match RetryOn::ALL.iter().find(|(_, k, _)| *k == word) {
            Some((condition, _, _)) => {
                if !out.iter().any(|(c, _)| c == condition) {
                    out.push((*condition, item.span));
                }
            }
            None => {
                let words: Vec<&str> = RetryOn::ALL.iter().map(|(_, k, _)| *k).collect();
                let mut diagnostic = ctx
                    .diagnostic(
                        Code::InvalidValue,
                        format!("`{word}` is not a retry condition"),
                        item.span,
                    )
                    .with_label("unknown condition")
                    .with_note(format!("conditions: {}", words.join(", ")));
                if let Some(best) = super::suggest::closest(&word, words.iter().copied()) {
                    diagnostic = diagnostic.with_replacement(best);
                }
                ctx.report(diagnostic);
            }
        }
    }
    out
}

fn read_breaker(ctx: &mut Ctx<'_>, value: &Value) -> Option<Breaker> {
    let block = block_of(ctx, value, "a block `breaker { consecutive_errors: 5 }`")?;
    let mut breaker = Breaker::default();
    for (info, field) in ctx.known_fields(block, BREAKER_FIELDS, "`breaker`") {
        let v = &field.value;
        match info.name {
            "consecutive_errors" => {
                breaker.consecutive_errors = ctx.read_u32(v, "consecutive errors", 1, 10_000)
            }
            "eject" => breaker.eject = read_positive_ms(ctx, v),
            "interval" => breaker.interval = read_positive_ms(ctx, v),
            _ => breaker.max_ejected = read_share(ctx, v),
        }
    }
    Some(breaker)
}

fn read_pool(ctx: &mut Ctx<'_>, value: &Value) -> Option<Pool> {
    let block = block_of(ctx, value, "a block `pool { connections: 100 }`")?;
    let mut pool = Pool::default();
    for (info, field) in ctx.known_fields(block, POOL_FIELDS, "`pool`") {
        let v = &field.value;
        let limit = ctx.read_u32(v, info.name, 1, 1_000_000);
        match info.name {
            "connections" => pool.connections = limit,
            "pending" => pool.pending = limit,
            _ => pool.requests = limit,
        }
    }
    Some(pool)
}

fn read_canary(ctx: &mut Ctx<'_>, value: &Value) -> Option<Canary> {
    let block = block_of(
        ctx,
        value,
        "a block `canary { image: \"…\", steps: [5%, 25%, 50%] }`",
    )?;
    let mut image = None;
    let mut steps = Vec::new();
    let mut at = None;
    let mut header = None;
    let mut replicas = None;
    let mut pause = None;
    let mut ok = true;
    for (info, field) in ctx.known_fields(block, CANARY_FIELDS, "`canary`") {
        let v = &field.value;
        match info.name {
            "image" => {
                image = super::workload::read_image(ctx, v).map(|i| ctx.sourced(i, v.span));
                ok &= image.is_some();
            }
            "steps" => match &v.kind {
                ValueKind::List(items) if !items.is_empty() => {
                    for item in items {
                        match read_share(ctx, item) {
                            Some(p) => steps.push((p, item.span)),
                            None => ok = false,
                        }
                    }
                }
                _ => {
                    ctx.wrong_type(v, "a list of shares such as `[5%, 25%, 50%]`");
                    ok = false;
                }
            },
            "at" => match read_share(ctx, v) {
                Some(p) => at = Some((p, v.span)),
                None => ok = false,
            },
            "header" => match ctx.read_string(v) {
                Some(h) if is_header_name(&h) => header = Some(h.to_ascii_lowercase()),
                Some(h) => {
                    ctx.report(
                        ctx.diagnostic(
                            Code::InvalidName,
                            format!("`{h}` is not an HTTP header name"),
                            v.span,
                        )
                        .with_label("letters, digits and `-` only"),
                    );
                    ok = false;
                }
                None => ok = false,
            },
            "replicas" => match ctx.read_u32(v, "canary replicas", 1, 100) {
                Some(n) => replicas = Some(n),
                None => ok = false,
            },
            _ => pause = read_positive_ms(ctx, v),
        }
    }
    let Some(image) = image else {
        if ok {
            ctx.report(
                ctx.diagnostic(
                    Code::MissingField,
                    "a canary needs the new version's image",
                    value.span,
                )
                .with_label("missing `image`")
                .with_help("add `image: \"registry/name:new-version\"`"),
            );
        }
        return None;
    };
    if steps.is_empty() && header.is_none() {
        if ok {
            ctx.report(
                ctx.diagnostic(
                    Code::MissingField,
                    "a canary needs `steps` or a `header`",
                    value.span,
                )
                .with_label("no traffic would reach the canary")
                .with_help("add `steps: [5%, 25%, 50%]`, or `header: \"x-canary\"` to route requests that carry it"),
            );
        }
        return None;
    }
    ok.then_some(Canary {
        image,
        steps,
        at,
        header,
        replicas,
        pause,
    })
}

/// An HTTP header name as Istio matches it: letters, digits, `-` and `_`.
fn is_header_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 100
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn read_mirror(ctx: &mut Ctx<'_>, value: &Value) -> Option<Mirror> {
    let (head, percent) = match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => (&parts[0], None),
        ValueKind::Apply {
            head,
            args,
            block: None,
        } if args.len() == 1 => (head, Some(&args[0])),
        _ => {
            ctx.wrong_type(value, "a workload and a share, such as `shadow 10%`");
            return None;
        }
    };
    let percent = match percent {
        Some(p) => read_share(ctx, p)?,
        None => 100,
    };
    Some(Mirror {
        to: head.name.clone(),
        to_span: head.span,
        percent,
    })
}

fn read_fault(ctx: &mut Ctx<'_>, value: &Value) -> Option<Fault> {
    let block = block_of(
        ctx,
        value,
        "a block `fault { delay: 5s 10%, abort: 503 1% }`",
    )?;
    let mut fault = Fault::default();
    let mut ok = true;
    for (info, field) in ctx.known_fields(block, FAULT_FIELDS, "`fault`") {
        let v = &field.value;
        let ValueKind::Tuple(items) = &v.kind else {
            let example = if info.name == "delay" {
                "5s 10%"
            } else {
                "503 1%"
            };
            ctx.wrong_type(v, &format!("a value and a share, such as `{example}`"));
            ok = false;
            continue;
        };
        let [what, share] = items.as_slice() else {
            ctx.wrong_type(v, "two numbers: a value and a share");
            ok = false;
            continue;
        };
        let share = read_share(ctx, share);
        if info.name == "delay" {
            let delay = read_positive_ms(ctx, what);
            match (delay, share) {
                (Some(d), Some(s)) => fault.delay = Some((d, s)),
                _ => ok = false,
            }
        } else {
            let status = ctx
                .read_u32(what, "an HTTP status", 200, 599)
                .and_then(|n| u16::try_from(n).ok());
            match (status, share) {
                (Some(code), Some(s)) => fault.abort = Some((code, s)),
                _ => ok = false,
            }
        }
    }
    if ok && fault.delay.is_none() && fault.abort.is_none() {
        ctx.report(
            ctx.diagnostic(Code::MissingField, "`fault` injects nothing", value.span)
                .with_label("no `delay` and no `abort`")
                .with_help("add `delay: 5s 10%` or `abort: 503 1%`, or remove the block"),
        );
        return None;
    }
    ok.then_some(fault)
}
