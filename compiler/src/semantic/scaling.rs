//! Reading `up { … }` and `down { … }` of `autoscale` ([`crate::model::scaling`]), with the checks
//! that the rules can take effect as written (E0072): windows and policy periods against the
//! autoscaler's 15s sync period and the API server's limits, no policy written twice, no
//! policies in a direction that is disabled.

use super::reader::Ctx;
use crate::diagnostics::Code;
use crate::model::scaling::{
    MAX_PERIOD_MS, MAX_WINDOW_MS, PolicyUnit, SCALING_RULES_FIELDS, SYNC_PERIOD_MS, ScalingPolicy,
    ScalingRules, SelectPolicy,
};
use crate::types::quantity::format_duration;
use k8sc_grammar::{Span, Value, ValueKind};

/// `up { window, policies, select }` or `down { … }`.
pub fn read_rules(ctx: &mut Ctx<'_>, value: &Value, direction: &str) -> Option<ScalingRules> {
    let block = ctx.expect_block(
        value,
        &format!("a block `{direction} {{ window: 5m, policies: [percent 10% per 1m] }}`"),
    )?;
    let mut rules = ScalingRules::default();
    let mut policies_span = None;
    let mut ok = true;
    for (info, field) in ctx.known_fields(block, SCALING_RULES_FIELDS, &format!("`{direction}`")) {
        let v = &field.value;
        match info.name {
            "window" => match ctx.read_duration(v) {
                Some(window) if check_window(ctx, window, v.span) => rules.window = Some(window),
                _ => ok = false,
            },
            "policies" => {
                policies_span = Some(field.key_span());
                match read_policies(ctx, v) {
                    Some(policies) => rules.policies = policies,
                    None => ok = false,
                }
            }
            _ => {
                rules.select = ctx.read_choice(
                    v,
                    "policy selection",
                    &[
                        ("max", SelectPolicy::Max),
                        ("min", SelectPolicy::Min),
                        ("disabled", SelectPolicy::Disabled),
                    ],
                );
                ok &= rules.select.is_some();
            }
        }
    }
    if rules.select == Some(SelectPolicy::Disabled)
        && let Some(span) = policies_span.filter(|_| !rules.policies.is_empty())
    {
        ctx.report(
            ctx.diagnostic(
                Code::ScalingBehaviour,
                format!("scaling {direction} is disabled, so its policies never apply"),
                span,
            )
            .with_label("ignored with `select: disabled`")
            .with_help("remove the policies, or the `select: disabled`"),
        );
        return None;
    }
    ok.then_some(rules)
}

/// A stabilization window the autoscaler can honour: 0 (act at once), or from one sync period
/// to the API server's maximum of 1h.
fn check_window(ctx: &mut Ctx<'_>, window: u64, span: Span) -> bool {
    if !window.is_multiple_of(1000) || (window > 0 && window < SYNC_PERIOD_MS) {
        ctx.report(
            ctx.diagnostic(
                Code::ScalingBehaviour,
                format!(
                    "a window of {} is shorter than the autoscaler's 15s sync period",
                    format_duration(window)
                ),
                span,
            )
            .with_label("the autoscaler only looks every 15s")
            .with_note("the HorizontalPodAutoscaler acts, and metrics-server samples resource use, every 15s by default: a shorter window keeps at most one recommendation, as `0s` does")
            .with_help("write `0s` to act on the latest recommendation, or a window of 15s or more"),
        );
        return false;
    }
    if window > MAX_WINDOW_MS {
        ctx.report(
            ctx.diagnostic(
                Code::ScalingBehaviour,
                format!("a window of {} is longer than 1h", format_duration(window)),
                span,
            )
            .with_label("the API server accepts at most 1h (3600s)"),
        );
        return false;
    }
    true
}

/// `[percent 100% per 15s, pods 4 per 15s]`, each different.
fn read_policies(ctx: &mut Ctx<'_>, value: &Value) -> Option<Vec<ScalingPolicy>> {
    let ValueKind::List(items) = &value.kind else {
        ctx.wrong_type(value, "a list `[pods 4 per 15s, percent 100% per 15s]`");
        return None;
    };
    let mut policies: Vec<(ScalingPolicy, Span)> = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(policy) = read_policy(ctx, item) else {
            ok = false;
            continue;
        };
        if let Some((_, first)) = policies
            .iter()
            .find(|(p, _)| p.unit == policy.unit && p.period == policy.period)
        {
            let what = match policy.unit {
                PolicyUnit::Pods => "pods",
                PolicyUnit::Percent => "percent",
            };
            ctx.report(
                ctx.diagnostic(
                    Code::ScalingBehaviour,
                    format!(
                        "two `{what}` policies over {}: only one of them can ever apply",
                        format_duration(policy.period)
                    ),
                    item.span,
                )
                .with_label("the same kind of limit over the same period")
                .with_secondary(ctx.label(*first, "first written here"))
                .with_help("keep one limit per kind and period; to combine limits, give them different periods or kinds, and choose with `select`"),
            );
            ok = false;
            continue;
        }
        policies.push((policy, item.span));
    }
    ok.then(|| policies.into_iter().map(|(p, _)| p).collect())
}

/// `pods N per PERIOD` or `percent N% per PERIOD`.
fn read_policy(ctx: &mut Ctx<'_>, value: &Value) -> Option<ScalingPolicy> {
    const EXPECTED: &str = "a policy `pods 4 per 15s` or `percent 100% per 15s`";
    let ValueKind::Apply {
        head,
        args,
        block: None,
    } = &value.kind
    else {
        ctx.wrong_type(value, EXPECTED);
        return None;
    };
    let [amount, per, period] = args.as_slice() else {
        ctx.wrong_type(value, EXPECTED);
        return None;
    };
    if !matches!(&per.kind, ValueKind::Path(p) if p.len() == 1 && p[0].name == "per") {
        ctx.wrong_type(value, EXPECTED);
        return None;
    }
    let (unit, value_read) = match head.name.as_str() {
        "pods" => (
            PolicyUnit::Pods,
            ctx.read_u32(amount, "a number of pods", 1, 10_000),
        ),
        "percent" => {
            let percent = match &amount.kind {
                // Above 100% is common when scaling up (200%: triple at most per period).
                ValueKind::Number(n) if n.unit.as_deref() == Some("%") => {
                    match n.text.parse::<u32>() {
                        Ok(p) if (1..=10_000).contains(&p) => Some(p),
                        _ => {
                            ctx.report(
                                ctx.diagnostic(
                                    Code::InvalidValue,
                                    "a policy's percentage is a whole number from 1% to 10000%",
                                    amount.span,
                                )
                                .with_label("of the current replicas, per period"),
                            );
                            None
                        }
                    }
                }
                _ => {
                    ctx.wrong_type(amount, "a percentage (`100%`)");
                    None
                }
            };
            (PolicyUnit::Percent, percent)
        }
        other => {
            let mut diagnostic = ctx
                .diagnostic(
                    Code::InvalidValue,
                    format!("`{other}` is not a scaling policy"),
                    head.span,
                )
                .with_label("expected `pods` or `percent`");
            if let Some(best) = super::suggest::closest(other, ["pods", "percent"]) {
                diagnostic = diagnostic.with_replacement(best);
            }
            ctx.report(diagnostic);
            return None;
        }
    };
    let period = ctx.read_duration(period).and_then(|ms| {
        if ms.is_multiple_of(1000) && (SYNC_PERIOD_MS..=MAX_PERIOD_MS).contains(&ms) {
            return Some(ms);
        }
        ctx.report(
            ctx.diagnostic(
                Code::ScalingBehaviour,
                format!(
                    "a policy period of {} cannot take effect",
                    format_duration(ms)
                ),
                period.span,
            )
            .with_label("periods are 15s (the autoscaler's sync period) to 30m, in whole seconds")
            .with_note("the HorizontalPodAutoscaler acts every 15s: a shorter period limits one step as a 15s one would, and the API server accepts at most 1800s"),
        );
        None
    });
    Some(ScalingPolicy {
        unit,
        value: value_read?,
        period: period?,
    })
}
