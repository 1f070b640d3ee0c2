//! `traffic { … }`: how the mesh routes requests to a workload — timeout, retries, circuit
//! breaker, connection pool, canary, mirroring and fault injection. Each setting is read and
//! checked on its own here; what needs the whole workload (an HTTP port, the mesh) or the whole
//! graph (the mirror's target, the callers' methods) is checked when lowering.

use super::reader::Ctx;
use crate::diagnostics::Code;
use crate::model::schema::{
    BREAKER_FIELDS, CANARY_FIELDS, FAULT_FIELDS, POOL_FIELDS, RETRY_FIELDS, TRAFFIC_FIELDS,
};
use crate::model::spec::Layer;
pub use crate::model::traffic::*;
use k8sc_grammar::{Block, Span, Value, ValueKind};

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
