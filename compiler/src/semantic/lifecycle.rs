//! Reading the rollout settings of a workload ([`crate::model::lifecycle`]): `strategy`'s
//! `recreate` or `rolling { max_surge, max_unavailable }`, with the check that a rolling update
//! can make progress (E0069); a probe's `success` threshold, which Kubernetes allows above 1 only
//! on readiness (E0070).

use super::reader::Ctx;
use super::workload::read_int_or_percent;
use crate::diagnostics::Code;
use crate::model::lifecycle::{ROLLING_FIELDS, Strategy};
use crate::model::spec::{IntOrPercent, Probe};
use k8sc_grammar::{BlockItem, Value, ValueKind};

const EXPECTED: &str = "`recreate`, or `rolling { max_surge: 25%, max_unavailable: 0 }`";

/// `strategy: recreate` or `strategy: rolling { … }`.
pub fn read_strategy(ctx: &mut Ctx<'_>, value: &Value) -> Option<Strategy> {
    let (head, block) = match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => (&parts[0], None),
        ValueKind::Apply { head, args, block } if args.is_empty() => (head, block.as_ref()),
        _ => {
            ctx.wrong_type(value, EXPECTED);
            return None;
        }
    };
    match (head.name.as_str(), block) {
        ("recreate", None) => Some(Strategy::Recreate),
        ("recreate", Some(_)) => {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidValue,
                    "`recreate` takes no options",
                    value.span,
                )
                .with_label("every old pod stops before a new one starts: nothing to tune")
                .with_replacement("recreate"),
            );
            None
        }
        ("rolling", block) => {
            let (mut max_surge, mut max_unavailable) = (None, None);
            if let Some(block) = block {
                for (info, field) in ctx.known_fields(block, ROLLING_FIELDS, "`rolling`") {
                    let amount = read_int_or_percent(ctx, &field.value);
                    match info.name {
                        "max_surge" => max_surge = amount.map(|a| (a, field.value.span)),
                        _ => max_unavailable = amount.map(|a| (a, field.value.span)),
                    }
                }
            }
            // What is not written keeps the default: 25% surge, none unavailable.
            if let Some((surge, span)) = max_surge
                && is_zero(surge)
                && max_unavailable.is_none_or(|(unavailable, _)| is_zero(unavailable))
            {
                ctx.report(
                    ctx.diagnostic(
                        Code::RolloutCannotProgress,
                        "a rolling update with no surge and no unavailable pod can never replace a pod",
                        span,
                    )
                    .with_label("no pod may be added, and none may go first")
                    .with_note("Kubernetes refuses a Deployment whose maxSurge and maxUnavailable are both 0 (`max_unavailable` is 0 unless written)")
                    .with_help("allow one new pod above the count (`max_surge: 1`), or one old pod to go first (`max_unavailable: 1`)"),
                );
                return None;
            }
            Some(Strategy::Rolling {
                max_surge: max_surge.map(|(a, _)| a),
                max_unavailable: max_unavailable.map(|(a, _)| a),
            })
        }
        (other, _) => {
            let mut diagnostic = ctx
                .diagnostic(
                    Code::InvalidValue,
                    format!("`{other}` is not a rollout strategy"),
                    head.span,
                )
                .with_label("expected `recreate` or `rolling`");
            if let Some(best) = super::suggest::closest(other, ["recreate", "rolling"]) {
                diagnostic = diagnostic.with_replacement(best);
            }
            ctx.report(diagnostic);
            None
        }
    }
}

fn is_zero(amount: IntOrPercent) -> bool {
    matches!(amount, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
}

/// Whether the probe written as `which` (`ready`, `live`, `startup`) may have its `success`
/// threshold: the API server refuses a liveness or startup probe whose successThreshold is not 1
/// (one success is all they wait for). Reported on the threshold (E0070).
pub fn check_success(ctx: &mut Ctx<'_>, which: &str, value: &Value, probe: &Probe) -> bool {
    let Some(success) = probe.success.filter(|s| *s != 1 && which != "ready") else {
        return true;
    };
    let ValueKind::Apply {
        block: Some(block), ..
    } = &value.kind
    else {
        return true;
    };
    let span = block
        .items
        .iter()
        .find_map(|item| match item {
            BlockItem::Field(field) if field.key_text() == "success" => Some(field.value.span),
            _ => None,
        })
        .unwrap_or(value.span);
    let probe_name = if which == "live" {
        "liveness"
    } else {
        "startup"
    };
    ctx.report(
        ctx.diagnostic(
            Code::SuccessThreshold,
            format!("a {probe_name} probe succeeds after one success, not {success}"),
            span,
        )
        .with_label("Kubernetes requires 1 here")
        .with_note(
            "only a readiness probe may wait for several successes before the pod counts as ready again",
        )
        .with_help("remove `success`, or move the check to the readiness probe"),
    );
    false
}
