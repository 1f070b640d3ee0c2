//! The rollout settings of an imported controller, as the language writes them
//! ([`crate::model::lifecycle`]): a Deployment's `strategy` and `progress_deadline`,
//! `min_ready`, a StatefulSet's `pod_management` and `partition`. A value the language cannot say
//! (an `OnDelete` StatefulSet, a surge that is neither a count nor a percentage) is left out here
//! and reaches the output through the patch ([`super::residual`]).

use crate::types::quantity::format_duration;
use serde_json::Value;

/// The rollout fields of a controller of `kind`, one per line.
pub fn fields(kind: &str, controller: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(spec) = controller.get("spec") else {
        return out;
    };
    let seconds = |key: &str| spec.get(key).and_then(Value::as_u64);
    let min_ready = seconds("minReadySeconds").filter(|s| *s > 0);
    match kind {
        "Deployment" => {
            out.extend(strategy(spec.get("strategy")));
            out.extend(
                min_ready
                    .map(|s| format!("min_ready: {}", format_duration(s.saturating_mul(1000)))),
            );
            // The API server refuses a deadline not above minReadySeconds; such input is not
            // valid Kubernetes, so it stays in the patch for the build to report.
            if let Some(deadline) =
                seconds("progressDeadlineSeconds").filter(|d| *d > 0 && *d > min_ready.unwrap_or(0))
            {
                out.push(format!(
                    "progress_deadline: {}",
                    format_duration(deadline.saturating_mul(1000))
                ));
            }
        }
        "StatefulSet" => {
            match spec.get("podManagementPolicy").and_then(Value::as_str) {
                Some("Parallel") => out.push("pod_management: parallel".to_string()),
                Some("OrderedReady") => out.push("pod_management: ordered".to_string()),
                _ => {}
            }
            out.extend(
                min_ready
                    .map(|s| format!("min_ready: {}", format_duration(s.saturating_mul(1000)))),
            );
            let update = spec.get("updateStrategy");
            let rolling = update
                .and_then(|u| u.get("type"))
                .and_then(Value::as_str)
                .is_none_or(|t| t == "RollingUpdate");
            if rolling
                && let Some(partition) = update
                    .and_then(|u| u.pointer("/rollingUpdate/partition"))
                    .and_then(Value::as_u64)
                    .filter(|p| *p <= 10_000)
            {
                out.push(format!("partition: {partition}"));
            }
        }
        "DaemonSet" => out.extend(
            min_ready.map(|s| format!("min_ready: {}", format_duration(s.saturating_mul(1000)))),
        ),
        _ => {}
    }
    out
}

/// `strategy: recreate` or `strategy: rolling { … }` of a Deployment's `strategy`.
fn strategy(strategy: Option<&Value>) -> Option<String> {
    let strategy = strategy?;
    match strategy.get("type").and_then(Value::as_str) {
        Some("Recreate") => Some("strategy: recreate".to_string()),
        Some("RollingUpdate") | None => {
            let rolling = strategy.get("rollingUpdate");
            // What Kubernetes fills in when a value is not written.
            let amount = |key: &str| match rolling.and_then(|r| r.get(key)) {
                None => Some("25%".to_string()),
                Some(value) => int_or_percent(value),
            };
            let (surge, unavailable) = (amount("maxSurge")?, amount("maxUnavailable")?);
            let zero = |a: &str| a == "0" || a == "0%";
            if zero(&surge) && zero(&unavailable) {
                return None;
            }
            Some(format!(
                "strategy: rolling {{ max_surge: {surge}, max_unavailable: {unavailable} }}"
            ))
        }
        Some(_) => None,
    }
}

/// A count (`1`) or a percentage (`"25%"`) as the language writes it.
fn int_or_percent(value: &Value) -> Option<String> {
    if let Some(n) = value.as_u64() {
        return (n <= 10_000).then(|| n.to_string());
    }
    let digits = value.as_str()?.strip_suffix('%')?;
    let n: u32 = digits.parse().ok()?;
    (n <= 100 && !digits.starts_with('+')).then(|| format!("{n}%"))
}
