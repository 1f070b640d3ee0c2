//! Lowering a workload's rollout settings ([`RolloutIr`]): the values as stacked by precedence,
//! checked against each other and against the replica count where Kubernetes would refuse them
//! or they could not do what they say.

use super::LowerCtx;
use crate::diagnostics::Code;
use crate::ir::lifecycle::RolloutIr;
use crate::model::spec::{Replicas, Sourced, WorkloadKind, WorkloadSpec};
use crate::types::quantity::format_duration;

/// Kubernetes' `progressDeadlineSeconds` when none is written (ms).
const PROGRESS_DEADLINE_MS: u64 = 600_000;

/// The rollout of a workload (`None` inside when it sets nothing), or `None` (reported) when its
/// settings contradict each other.
pub fn lower_rollout(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    kind: WorkloadKind,
    replicas: Option<&Sourced<Replicas>>,
) -> Option<Option<Box<RolloutIr>>> {
    let seconds = |value: &Option<Sourced<u64>>| {
        value
            .as_ref()
            .map(|v| Sourced::new(v.value / 1000, v.origin.clone()))
    };
    if kind.controller() == "Deployment" {
        check_progress_deadline(ctx, spec)?;
    }
    if let (Some(partition), Some(replicas)) = (&spec.partition, replicas)
        && partition.value > 0
        && partition.value >= replicas.value.max()
    {
        let mut diagnostic = ctx
            .diagnostic_at(
                &partition.origin,
                partition.origin.span,
                Code::PartitionHoldsEveryPod,
                format!(
                    "partition {} holds back every pod of {} replica{}: an update changes none of them",
                    partition.value,
                    replicas.value.max(),
                    if replicas.value.max() == 1 { "" } else { "s" }
                ),
            )
            .with_label("only pods with an ordinal of at least this are updated")
            .with_help("lower it step by step to roll the update out (`partition: 0` updates every pod)");
        if let Some(label) = ctx.label_at(&replicas.origin, "replicas") {
            diagnostic = diagnostic.with_secondary(label);
        }
        ctx.report(diagnostic);
    }
    let rollout = RolloutIr {
        strategy: spec.strategy.clone(),
        min_ready_seconds: seconds(&spec.min_ready),
        progress_deadline_seconds: seconds(&spec.progress_deadline),
        pod_management: spec.pod_management.clone(),
        partition: spec.partition.clone(),
    };
    Some((rollout != RolloutIr::default()).then(|| Box::new(rollout)))
}

/// A Deployment's progress deadline must exceed `min_ready` (the API server refuses it
/// otherwise): a pod is never available before the deadline, so every rollout would fail.
fn check_progress_deadline(ctx: &mut LowerCtx<'_>, spec: &WorkloadSpec) -> Option<()> {
    let Some(min_ready) = &spec.min_ready else {
        return Some(());
    };
    let deadline = spec
        .progress_deadline
        .as_ref()
        .map_or(PROGRESS_DEADLINE_MS, |d| d.value);
    if deadline > min_ready.value {
        return Some(());
    }
    let written = spec
        .progress_deadline
        .as_ref()
        .filter(|d| d.origin.file().is_some());
    let (at, what) = match written {
        Some(deadline) => (&deadline.origin, "the progress deadline"),
        None => (&min_ready.origin, "`min_ready`"),
    };
    let mut diagnostic = ctx
        .diagnostic_at(
            at,
            at.span,
            Code::ProgressDeadline,
            format!(
                "the progress deadline {} is not longer than `min_ready` {}",
                format_duration(deadline),
                format_duration(min_ready.value)
            ),
        )
        .with_label(format!(
            "{what}: no new pod is available before the deadline passes"
        ))
        .with_note("the API server refuses a Deployment whose progressDeadlineSeconds is not greater than its minReadySeconds (the deadline is 10m unless written)")
        .with_help("make `progress_deadline` longer than `min_ready`");
    if written.is_some()
        && let Some(label) = ctx.label_at(&min_ready.origin, "min_ready")
    {
        diagnostic = diagnostic.with_secondary(label);
    }
    ctx.report(diagnostic);
    None
}
