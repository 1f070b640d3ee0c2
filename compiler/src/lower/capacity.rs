//! Checks against the namespace's ResourceQuota and LimitRange, which the API server enforces on
//! every pod: a workload whose containers exceed the LimitRange, or an app that cannot scale out
//! within its quota, is refused or stuck in the cluster — so it is an error here.

use crate::diagnostics::{Code, Diagnostic, Label};
use crate::ir::{AppIr, WorkloadIr};
use crate::model::spec::{Origin, Replicas, Sourced};
use crate::types::quantity::{format_bytes, format_cpu};

/// The most pods a workload runs at once at full scale, including the extra pods of a rolling
/// update (Deployments surge by 25%); `None` for daemons, which run one pod per node.
pub fn peak_pods(workload: &WorkloadIr) -> Option<u64> {
    let max = workload.replicas.as_ref().map(|r| match r.value {
        Replicas::Fixed(n) => u64::from(n),
        Replicas::Auto { max, .. } => u64::from(max),
    });
    let kind = workload.kind.info();
    if kind.batch {
        return Some(
            workload
                .batch
                .as_ref()
                .and_then(|b| b.parallelism)
                .map_or(1, u64::from),
        );
    }
    if !kind.replicated {
        return None;
    }
    let max = max.unwrap_or(1);
    Some(max + kind.surge_divisor.map_or(0, |d| max.div_ceil(d)))
}

/// Where to point for a value of the namespace settings: the value itself when the app wrote it,
/// otherwise the app's name, with the tier's definition as a secondary label.
fn at_setting<T>(
    app: &AppIr,
    setting: &Sourced<T>,
    app_name_span: k8sc_grammar::Span,
    code: Code,
    message: String,
) -> Diagnostic {
    let origin: &Origin = &setting.origin;
    match (&origin.layer(), &origin.file()) {
        (crate::model::spec::Layer::App, Some(file)) => {
            Diagnostic::new(code, message, file, origin.span)
        }
        (_, Some(file)) => {
            let at = app.tier.as_ref().map_or(app_name_span, |t| t.origin.span);
            Diagnostic::new(code, message, &app.file, at)
                .with_secondary(Label::new(&**file, origin.span).with_message("set by the tier"))
        }
        _ => Diagnostic::new(code, message, &app.file, app_name_span),
    }
}

/// A workload's containers — main, sidecars and init containers — must each fit under the
/// LimitRange's maxima (the API server checks every container of the pod).
pub fn check_limit_range(app: &AppIr, workload: &WorkloadIr) -> Vec<Diagnostic> {
    let Some(range) = app.limit_range.as_ref() else {
        return Vec::new();
    };
    let containers = std::iter::once((format!("`{}`", workload.name), &workload.resources)).chain(
        workload.sidecars.iter().chain(&workload.init).map(|c| {
            (
                format!("{} `{}` of `{}`", c.role.noun(), c.name, workload.name),
                &c.resources,
            )
        }),
    );
    let mut over = Vec::new();
    for (who, resources) in containers {
        if let Some(max) = range.value.max_memory
            && resources.memory_limit.value > max
        {
            over.push((
                "memory",
                who.clone(),
                format_bytes(resources.memory_limit.value),
                format_bytes(max),
                &resources.memory_limit.origin,
            ));
        }
        if let Some(max) = range.value.max_cpu
            && let Some(limit) = &resources.cpu_limit
            && limit.value > max
        {
            over.push((
                "cpu",
                who,
                format_cpu(limit.value),
                format_cpu(max),
                &limit.origin,
            ));
        }
    }
    over.into_iter()
        .map(|(what, who, value, max, origin)| {
            let message =
                format!("the {what} limit {value} of {who} is above the namespace's maximum {max}");
            let mut diagnostic = match &origin.file() {
                Some(file) => Diagnostic::new(Code::InvalidValue, message, file, origin.span),
                None => Diagnostic::new(
                    Code::InvalidValue,
                    message,
                    &workload.file,
                    Default::default(),
                ),
            }
            .with_label("the API server would refuse these pods")
            .with_help(format!(
                "lower the {what} limit, or raise `max_{what}` in the app's `limit_range`"
            ));
            if let Some(file) = &range.origin.file() {
                diagnostic = diagnostic.with_secondary(
                    Label::new(&**file, range.origin.span).with_message("the LimitRange"),
                );
            }
            diagnostic
        })
        .collect()
}

/// One dimension of the quota: its name, the quota, what the app needs, how to print amounts.
type QuotaCheck = (&'static str, Option<u64>, u64, fn(u64) -> String);

/// The app at full scale (every workload at its maximum replicas, plus rolling-update surge) must
/// fit its ResourceQuota, or scaling out and rollouts get stuck.
pub fn check_quota(
    app: &AppIr,
    workloads: &[&WorkloadIr],
    app_name_span: k8sc_grammar::Span,
) -> Vec<Diagnostic> {
    let Some(quota) = &app.quota else {
        return Vec::new();
    };
    let (mut pods, mut cpu, mut memory, mut storage) = (0u64, 0u64, 0u64, 0u64);
    let mut daemons = Vec::new();
    for workload in workloads {
        let Some(count) = peak_pods(workload) else {
            daemons.push(workload.name.clone());
            continue;
        };
        pods += count;
        let (pod_cpu, pod_memory) = crate::ir::containers::pod_resources(workload);
        cpu += count * pod_cpu;
        memory += count * pod_memory;
        if let Some(volume) = &workload.storage {
            storage += count * volume.size;
        }
    }
    let q = &quota.value;
    let checks: [QuotaCheck; 4] = [
        ("pods", q.pods.map(u64::from), pods, |n| format!("{n} pods")),
        ("cpu", q.cpu, cpu, |m| {
            format!("{} of CPU requests", format_cpu(m))
        }),
        ("memory", q.memory, memory, |b| {
            format!("{} of memory", format_bytes(b))
        }),
        ("storage", q.storage, storage, |b| {
            format!("{} of storage", format_bytes(b))
        }),
    ];
    let mut out = Vec::new();
    for (what, limit, needed, format) in checks {
        let Some(limit) = limit else {
            continue;
        };
        if needed <= limit {
            continue;
        }
        let mut diagnostic = at_setting(
            app,
            quota,
            app_name_span,
            Code::InvalidValue,
            format!(
                "app `{}` needs {} at full scale, but its quota allows {}",
                app.name,
                format(needed),
                format(limit)
            ),
        )
        .with_label("the ResourceQuota is too small")
        .with_note("full scale: every workload at its maximum replicas, Deployments with 25% rolling-update surge")
        .with_help(format!("raise `quota {{ {what}: … }}` in the app, or lower replicas or requests"));
        if !daemons.is_empty() {
            diagnostic = diagnostic.with_note(format!(
                "daemons run one pod per node and are not counted: {}",
                daemons.join(", ")
            ));
        }
        out.push(diagnostic);
    }
    out
}
