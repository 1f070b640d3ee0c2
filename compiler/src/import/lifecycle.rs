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

/// The options of an imported probe that the language has words for, as a block to append to
/// it (` { success: 2 }`), or nothing. Only readiness probes may have a success threshold above
/// 1; a liveness probe's 1 is what Kubernetes fills in anyway.
pub fn probe_options(probe: &Value) -> String {
    match probe.get("successThreshold").and_then(Value::as_u64) {
        Some(success) if (2..=1000).contains(&success) => format!(" {{ success: {success} }}"),
        _ => String::new(),
    }
}

/// `autoscale { up { … }, down { … } }` from an HPA's `behavior`, when it has one the language
/// can say (its metrics stay where they were: the built-in CPU target, or the patch).
pub fn autoscale(hpa: &Value) -> Option<String> {
    let behavior = hpa.pointer("/spec/behavior")?;
    let mut parts = Vec::new();
    for (word, key) in [("up", "scaleUp"), ("down", "scaleDown")] {
        if let Some(rules) = behavior.get(key) {
            parts.push(format!("{word} {{ {} }}", scaling_rules(rules)?));
        }
    }
    (!parts.is_empty()).then(|| format!("autoscale {{ {} }}", parts.join(", ")))
}

/// `window: 5m, policies: [percent 10% per 1m], select: max`, or `None` when a value is one the
/// language refuses (it then stays in the patch, whole).
fn scaling_rules(rules: &Value) -> Option<String> {
    let mut fields = Vec::new();
    if let Some(window) = rules.get("stabilizationWindowSeconds") {
        let window = window
            .as_u64()
            .filter(|w| *w == 0 || (15..=3600).contains(w))?;
        fields.push(format!(
            "window: {}",
            if window == 0 {
                "0s".to_string()
            } else {
                format_duration(window * 1000)
            }
        ));
    }
    if let Some(policies) = rules.get("policies") {
        let mut written = Vec::new();
        let mut kinds = Vec::new();
        for policy in policies.as_array()? {
            let value = policy
                .get("value")?
                .as_u64()
                .filter(|v| (1..=10_000).contains(v))?;
            let period = policy
                .get("periodSeconds")?
                .as_u64()
                .filter(|p| (15..=1800).contains(p))?;
            let amount = match policy.get("type")?.as_str()? {
                "Pods" => format!("pods {value}"),
                "Percent" => format!("percent {value}%"),
                _ => return None,
            };
            // Two limits of one kind over one period are refused by the build (E0072).
            let kind = (amount.split(' ').next().map(str::to_string), period);
            if kinds.contains(&kind) {
                return None;
            }
            kinds.push(kind);
            written.push(format!("{amount} per {}", format_duration(period * 1000)));
        }
        fields.push(format!("policies: [{}]", written.join(", ")));
    }
    if let Some(select) = rules.get("selectPolicy") {
        let select = match select.as_str()? {
            "Max" => "max",
            "Min" => "min",
            // Policies under Disabled never apply; the build refuses them (E0072).
            "Disabled" if rules.get("policies").is_none() => "disabled",
            _ => return None,
        };
        fields.push(format!("select: {select}"));
    }
    Some(fields.join(", "))
}
