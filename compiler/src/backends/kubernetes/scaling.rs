//! The HorizontalPodAutoscaler and the PodDisruptionBudget of replicated workloads.

use super::meta::{selector, workload_meta};
use crate::ir::{AppIr, WorkloadIr};
use crate::model::scaling::ScalingRules;
use crate::model::spec::{Disruption, IntOrPercent};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
    ResourceMetricSource,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// An `autoscaling/v2` HPA for `replicas: min..max`.
pub fn autoscaler(app: &AppIr, workload: &WorkloadIr) -> Option<HorizontalPodAutoscaler> {
    let autoscale = workload.autoscale.as_ref()?;
    let kind = workload.kind.controller();
    let metric = |name: &str, percent: u32| MetricSpec {
        type_: "Resource".to_string(),
        resource: Some(ResourceMetricSource {
            name: name.to_string(),
            target: MetricTarget {
                type_: "Utilization".to_string(),
                average_utilization: Some(i32::try_from(percent).unwrap_or(100)),
                ..MetricTarget::default()
            },
        }),
        ..MetricSpec::default()
    };
    let mut metrics = Vec::new();
    if let Some(cpu) = autoscale.cpu {
        metrics.push(metric("cpu", cpu));
    }
    if let Some(memory) = autoscale.memory {
        metrics.push(metric("memory", memory));
    }
    Some(HorizontalPodAutoscaler {
        metadata: workload_meta(app, workload, &workload.name),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".to_string()),
                kind: kind.to_string(),
                name: workload.name.clone(),
            },
            min_replicas: Some(i32::try_from(autoscale.min).unwrap_or(i32::MAX)),
            max_replicas: i32::try_from(autoscale.max).unwrap_or(i32::MAX),
            metrics: Some(metrics),
            behavior: behavior(autoscale),
        }),
        ..HorizontalPodAutoscaler::default()
    })
}

/// The HPA's `behavior` from `up { … }` and `down { … }`; none when neither is written (the
/// controller's defaults: scale up by 100% or 4 pods per 15s, down after a 5m window).
fn behavior(autoscale: &crate::ir::AutoscaleIr) -> Option<HorizontalPodAutoscalerBehavior> {
    if autoscale.up.is_none() && autoscale.down.is_none() {
        return None;
    }
    Some(HorizontalPodAutoscalerBehavior {
        scale_up: autoscale.up.as_ref().map(scaling_rules),
        scale_down: autoscale.down.as_ref().map(scaling_rules),
    })
}

fn scaling_rules(rules: &ScalingRules) -> HPAScalingRules {
    let seconds = |ms: u64| i32::try_from(ms / 1000).unwrap_or(i32::MAX);
    HPAScalingRules {
        stabilization_window_seconds: rules.window.map(seconds),
        select_policy: rules.select.map(|s| s.kubernetes().to_string()),
        policies: (!rules.policies.is_empty()).then(|| {
            rules
                .policies
                .iter()
                .map(|policy| HPAScalingPolicy {
                    type_: policy.unit.kubernetes().to_string(),
                    value: i32::try_from(policy.value).unwrap_or(i32::MAX),
                    period_seconds: seconds(policy.period),
                })
                .collect()
        }),
        ..HPAScalingRules::default()
    }
}

/// A PodDisruptionBudget, so node drains and upgrades never take all replicas down at once.
pub fn disruption_budget(app: &AppIr, workload: &WorkloadIr) -> Option<PodDisruptionBudget> {
    let disruption = workload.disruption.as_ref()?;
    let amount = |a: &IntOrPercent| match a {
        IntOrPercent::Int(n) => IntOrString::Int(i32::try_from(*n).unwrap_or(i32::MAX)),
        IntOrPercent::Percent(p) => IntOrString::String(format!("{p}%")),
    };
    let (min_available, max_unavailable) = match &disruption.value {
        Disruption::MinAvailable(a) => (Some(amount(a)), None),
        Disruption::MaxUnavailable(a) => (None, Some(amount(a))),
        Disruption::None => return None,
    };
    Some(PodDisruptionBudget {
        metadata: workload_meta(app, workload, &workload.name),
        spec: Some(PodDisruptionBudgetSpec {
            selector: Some(selector(app, workload)),
            min_available,
            max_unavailable,
            // Pods that are not ready anyway may always be evicted: they cannot lose traffic.
            unhealthy_pod_eviction_policy: Some("AlwaysAllow".to_string()),
        }),
        ..PodDisruptionBudget::default()
    })
}
