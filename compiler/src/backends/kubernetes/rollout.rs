//! The rollout settings of the controllers ([`RolloutIr`]): a Deployment's strategy and progress
//! deadline, `minReadySeconds`, a StatefulSet's pod management policy and partition. Applied
//! to the controller its kind builds, and only where something was written, so a workload that
//! writes none of them builds as before.

use super::controllers::Controller;
use crate::ir::WorkloadIr;
use crate::ir::lifecycle::RolloutIr;
use crate::model::lifecycle::Strategy;
use crate::model::spec::IntOrPercent;
use k8s_openapi::api::apps::v1::{
    DeploymentStrategy, RollingUpdateDeployment, RollingUpdateStatefulSetStrategy,
    StatefulSetUpdateStrategy,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Writes `workload`'s rollout settings into `controller`.
pub fn apply(controller: &mut Controller, workload: &WorkloadIr) {
    let rollout = workload.rollout();
    let min_ready = rollout.min_ready_seconds.as_ref().map(|m| to_i32(m.value));
    match controller {
        Controller::Deployment(deployment) => {
            let Some(spec) = deployment.spec.as_mut() else {
                return;
            };
            spec.min_ready_seconds = min_ready;
            spec.progress_deadline_seconds = rollout
                .progress_deadline_seconds
                .as_ref()
                .map(|d| to_i32(d.value));
            if let Some(strategy) = deployment_strategy(rollout) {
                spec.strategy = Some(strategy);
            }
        }
        Controller::StatefulSet(stateful) => {
            let Some(spec) = stateful.spec.as_mut() else {
                return;
            };
            spec.min_ready_seconds = min_ready;
            spec.pod_management_policy = rollout
                .pod_management
                .as_ref()
                .map(|p| p.value.kubernetes().to_string());
            spec.update_strategy =
                rollout
                    .partition
                    .as_ref()
                    .map(|partition| StatefulSetUpdateStrategy {
                        type_: Some("RollingUpdate".to_string()),
                        rolling_update: Some(RollingUpdateStatefulSetStrategy {
                            partition: Some(to_i32(u64::from(partition.value))),
                            ..RollingUpdateStatefulSetStrategy::default()
                        }),
                    });
        }
        Controller::DaemonSet(daemon) => {
            if let Some(spec) = daemon.spec.as_mut() {
                spec.min_ready_seconds = min_ready;
            }
        }
        Controller::Job(_) | Controller::CronJob(_) => {}
    }
}

/// The Deployment strategy written, or `None` to keep the built-in one (rolling: 25% surge,
/// none unavailable — never below the wanted count during a rollout).
fn deployment_strategy(rollout: &RolloutIr) -> Option<DeploymentStrategy> {
    Some(match rollout.strategy.as_ref()?.value {
        Strategy::Recreate => DeploymentStrategy {
            type_: Some("Recreate".to_string()),
            rolling_update: None,
        },
        Strategy::Rolling {
            max_surge,
            max_unavailable,
        } => DeploymentStrategy {
            type_: Some("RollingUpdate".to_string()),
            rolling_update: Some(RollingUpdateDeployment {
                max_surge: Some(amount(max_surge.unwrap_or(IntOrPercent::Percent(25)))),
                max_unavailable: Some(amount(max_unavailable.unwrap_or(IntOrPercent::Int(0)))),
            }),
        },
    })
}

fn amount(amount: IntOrPercent) -> IntOrString {
    match amount {
        IntOrPercent::Int(n) => IntOrString::Int(to_i32(u64::from(n))),
        IntOrPercent::Percent(p) => IntOrString::String(format!("{p}%")),
    }
}

fn to_i32(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
