//! Lowering `traffic { … }`: what needs the workload as a whole — the mesh that carries the
//! settings, an HTTP or gRPC port to route, a Deployment to put a canary beside — and settings
//! that contradict each other (a per-try timeout as long as the whole request, canary steps that
//! go down).

use super::LowerCtx;
use crate::diagnostics::Code;
use crate::ir::{AppIr, CanaryIr, MirrorIr, PortIr, TrafficIr};
use crate::model::spec::{AppSpec, Layer, Origin, Replicas, Sourced, WorkloadKind, WorkloadSpec};
use crate::model::traffic::{Canary, TrafficSpec};
use crate::types::names::to_k8s_name;
use crate::types::quantity::format_duration;

/// Lowers the traffic settings of a workload; `None` after an error.
pub fn lower_traffic(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    kind: WorkloadKind,
    ports: &[PortIr],
    app: &AppIr,
    app_spec: &AppSpec,
    replicas: Option<&Sourced<Replicas>>,
) -> Option<Option<TrafficIr>> {
    let Some(traffic) = &spec.traffic else {
        return Some(None);
    };
    let own = *traffic.origin.layer() == Layer::Workload;
    if app.mesh.is_none() {
        if !own {
            // Defaults of an app or tier without a mesh: nothing carries them.
            return Some(None);
        }
        ctx.report(
            ctx.diagnostic_at(
                &traffic.origin,
                traffic.origin.span,
                Code::TrafficNotRoutable,
                "traffic settings need a service mesh",
            )
            .with_label("nothing would apply these settings")
            .with_note("timeouts, retries, circuit breaking, canaries, mirroring and fault injection are carried out by the mesh's proxies")
            .with_help(format!("add `mesh: istio` to app `{}` (or to its tier's defaults)", app.name)),
        );
        return None;
    }
    let value = &traffic.value;
    if let Some((setting, span)) = value.routing()
        && !ports.iter().any(|p| p.protocol.is_routable())
    {
        if !own {
            return Some(None);
        }
        ctx.report(
            ctx.diagnostic_at(
                &traffic.origin,
                span,
                Code::TrafficNotRoutable,
                format!("`{setting}` needs an HTTP or gRPC port"),
            )
            .with_label("the mesh routes requests, and this workload serves none")
            .with_note("only `breaker` and `pool` apply to plain TCP connections")
            .with_help(
                "declare the port as `http`, `http2` or `grpc`, or keep only `breaker` and `pool`",
            ),
        );
        return None;
    }
    check_timeouts(ctx, value, &traffic.origin)?;
    let canary = match &value.canary {
        Some(canary) => Some(lower_canary(ctx, canary, kind, app_spec, replicas)?),
        None => None,
    };
    Some(Some(TrafficIr {
        timeout_ms: value.timeout.as_ref().map(|t| t.value),
        retries: value.retries.clone(),
        breaker: value.breaker.as_ref().map(|b| b.value),
        pool: value.pool.as_ref().map(|p| p.value),
        canary,
        mirror: value.mirror.as_ref().map(|m| MirrorIr {
            to: to_k8s_name(&m.value.to),
            percent: m.value.percent,
            origin: m.origin.with_span(m.value.to_span),
        }),
        fault: value.fault.clone(),
    }))
}

/// Each attempt must be shorter than the whole request, or retries never happen.
fn check_timeouts(ctx: &mut LowerCtx<'_>, value: &TrafficSpec, origin: &Origin) -> Option<()> {
    let (Some(timeout), Some(retries)) = (&value.timeout, &value.retries) else {
        return Some(());
    };
    let Some((per_try, per_try_span)) = retries.value.per_try else {
        return Some(());
    };
    if retries.value.attempts == 0 || per_try < timeout.value {
        return Some(());
    }
    let mut diagnostic = ctx
        .diagnostic_at(
            origin,
            per_try_span,
            Code::InvalidTraffic,
            format!(
                "each attempt may take {}, but the whole request only {}",
                format_duration(per_try),
                format_duration(timeout.value)
            ),
        )
        .with_label("per-try timeout not below the overall timeout")
        .with_note("the overall timeout counts every attempt: the first one would use it up, and no retry would ever run")
        .with_help(format!(
            "make `per_try` shorter than `timeout`, e.g. `per_try: {}` for {} attempts",
            format_duration((timeout.value / u64::from(retries.value.attempts + 1)).max(1)),
            retries.value.attempts + 1
        ));
    if let Some(label) = ctx.label_at(&timeout.origin, "the overall timeout") {
        diagnostic = diagnostic.with_secondary(label);
    }
    ctx.report(diagnostic);
    None
}

fn lower_canary(
    ctx: &mut LowerCtx<'_>,
    canary: &Sourced<Canary>,
    kind: WorkloadKind,
    app_spec: &AppSpec,
    replicas: Option<&Sourced<Replicas>>,
) -> Option<CanaryIr> {
    let value = &canary.value;
    let at = |span| canary.origin.with_span(span);
    if !kind.info().canary {
        ctx.report(
            ctx.diagnostic_at(
                &canary.origin,
                canary.origin.span,
                Code::FieldNotAllowed,
                "only a `service` can have a canary",
            )
            .with_label("a canary runs beside the stable version in a Deployment of its own")
            .with_note("a StatefulSet's replicas share storage and identities: a second version of them is a migration, not a canary"),
        );
        return None;
    }
    for pair in value.steps.windows(2) {
        let [(before, before_span), (after, after_span)] = pair else {
            continue;
        };
        if after <= before {
            ctx.report(
                ctx.diagnostic_at(
                    &canary.origin,
                    *after_span,
                    Code::InvalidTraffic,
                    format!("canary step {after}% does not increase on {before}%"),
                )
                .with_label("steps must grow")
                .with_secondary_opt(ctx.label_at(&at(*before_span), "the step before"))
                .with_help("list the shares in increasing order, e.g. `steps: [5%, 25%, 50%]`"),
            );
            return None;
        }
    }
    if let Some((weight, span)) = value.at
        && !value.steps.iter().any(|(s, _)| *s == weight)
    {
        let steps: Vec<String> = value.steps.iter().map(|(s, _)| format!("{s}%")).collect();
        let mut diagnostic = ctx
            .diagnostic_at(
                &canary.origin,
                span,
                Code::InvalidTraffic,
                format!("{weight}% is not one of the canary's steps"),
            )
            .with_label("not a step");
        diagnostic = if steps.is_empty() {
            diagnostic.with_help("`at` picks one of `steps`: add `steps`, or remove `at`")
        } else {
            diagnostic.with_help(format!("pick one of {}", steps.join(", ")))
        };
        ctx.report(diagnostic);
        return None;
    }
    Some(CanaryIr {
        image: super::workload::apply_registry(value.image.clone(), app_spec),
        weight: value.weight(),
        steps: value.steps.iter().map(|(s, _)| *s).collect(),
        header: value.header.clone(),
        // As many pods as the stable version runs at least, so the canary meets the same
        // replica rules (and is as representative).
        replicas: value
            .replicas
            .unwrap_or_else(|| replicas.map_or(1, |r| r.value.min())),
        pause_seconds: value.pause.map(|p| p.div_ceil(1000)),
        origin: canary.origin.clone(),
    })
}
