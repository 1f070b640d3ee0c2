//! Checking a workload's patches: each must target a resource the workload generates, and the
//! merged resource must still be an object of its `k8s-openapi` type — no field the type does
//! not know, no value of the wrong type. Problems point into the patch.

use super::{merge, target_index};
use crate::backends::Resource;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{AppIr, WorkloadIr};
use crate::model::patch::{PatchSpec, PathStep};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{ConfigMap, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The problems of the workload's patches (none when it has no patch).
pub fn check_patches(app: &AppIr, workload: &WorkloadIr) -> Vec<Diagnostic> {
    if workload.patches.is_empty() {
        return Vec::new();
    }
    let mut resources = super::super::workload_resources(app, workload);
    let mut out = Vec::new();
    let mut patched = Vec::new();
    for patch in &workload.patches {
        match target_index(&resources, &workload.name, patch) {
            Ok(index) => {
                merge::merge(&mut resources[index].body, &patch.body.to_json());
                patched.push(index);
            }
            Err(names) => out.push(no_target(workload, &resources, patch, &names)),
        }
    }
    patched.sort_unstable();
    patched.dedup();
    for index in patched {
        let resource = &resources[index];
        let Some(problem) = validate(&resource.kind, &resource.body) else {
            continue;
        };
        // The last patch of the resource that reaches the path is the one to blame.
        let patches: Vec<&PatchSpec> = workload
            .patches
            .iter()
            .filter(|p| target_index(&resources, &workload.name, p) == Ok(index))
            .collect();
        if let Some(diagnostic) = report(resource, &patches, problem) {
            out.push(diagnostic);
        }
    }
    out
}

fn no_target(
    workload: &WorkloadIr,
    resources: &[Resource],
    patch: &PatchSpec,
    names: &[String],
) -> Diagnostic {
    let what = match &patch.name {
        Some(name) => format!("{} `{name}`", patch.kind),
        None => patch.kind.clone(),
    };
    let mut diagnostic = Diagnostic::new(
        Code::PatchTarget,
        format!("`{}` generates no {what} to patch", workload.name),
        &patch.file,
        patch.kind_span,
    )
    .with_label("no such resource");
    if names.is_empty() {
        let mut kinds: Vec<&str> = resources.iter().map(|r| r.kind.as_str()).collect();
        kinds.dedup();
        diagnostic = diagnostic.with_note(format!("it generates: {}", kinds.join(", ")));
    } else {
        diagnostic = diagnostic
            .with_note(format!("its {}s are: {}", patch.kind, names.join(", ")))
            .with_help(format!(
                "name the one to patch: `patch {} \"{}\" {{ … }}`",
                patch.kind, names[0]
            ));
    }
    diagnostic
}

/// What is wrong with a patched resource.
#[derive(Debug)]
enum Problem {
    /// A key the type does not have, at this path.
    Unknown(Vec<PathStep>),
    /// A value the type cannot take, at this path.
    Invalid(Vec<PathStep>, String),
}

fn report(resource: &Resource, patches: &[&PatchSpec], problem: Problem) -> Option<Diagnostic> {
    let (path, at_key) = match &problem {
        Problem::Unknown(path) => (path, true),
        Problem::Invalid(path, _) => (path, false),
    };
    let located = patches
        .iter()
        .rev()
        .find_map(|p| p.body.span_of(path, at_key).map(|span| (*p, span)));
    let (patch, span) = match located {
        Some(found) => found,
        None => patches.last().map(|p| (*p, p.kind_span))?,
    };
    let shown = show_path(path);
    Some(match problem {
        Problem::Unknown(_) => Diagnostic::new(
            Code::PatchUnknownField,
            format!(
                "the patched {} `{}` has no field `{shown}`",
                resource.kind, resource.name
            ),
            &patch.file,
            span,
        )
        .with_label(format!("{} has no such field", resource.kind))
        .with_help("check the spelling and the nesting against the Kubernetes API reference"),
        Problem::Invalid(_, message) => Diagnostic::new(
            Code::PatchInvalid,
            format!(
                "the patched {} `{}` is not a valid {} at `{shown}`",
                resource.kind, resource.name, resource.kind
            ),
            &patch.file,
            span,
        )
        .with_label(message),
    })
}

fn show_path(path: &[PathStep]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            PathStep::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            PathStep::Index(_, Some(name)) => out.push_str(&format!("[{name}]")),
            PathStep::Index(index, None) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// The first problem of `body` as a `kind`; `None` when it is valid, or when k8sc has no type for
/// the kind (Gateway API routes).
fn validate(kind: &str, body: &Value) -> Option<Problem> {
    match kind {
        "Deployment" => typed::<Deployment>(body),
        "StatefulSet" => typed::<StatefulSet>(body),
        "DaemonSet" => typed::<DaemonSet>(body),
        "Job" => typed::<Job>(body),
        "CronJob" => typed::<CronJob>(body),
        "Service" => typed::<Service>(body),
        "ServiceAccount" => typed::<ServiceAccount>(body),
        "ConfigMap" => typed::<ConfigMap>(body),
        "HorizontalPodAutoscaler" => typed::<HorizontalPodAutoscaler>(body),
        "PodDisruptionBudget" => typed::<PodDisruptionBudget>(body),
        "Ingress" => typed::<Ingress>(body),
        _ => None,
    }
}

fn typed<T: DeserializeOwned + Serialize>(body: &Value) -> Option<Problem> {
    let object: T = match serde_path_to_error::deserialize(body) {
        Ok(object) => object,
        Err(error) => {
            let path = steps(body, error.path());
            return Some(Problem::Invalid(path, error.into_inner().to_string()));
        }
    };
    // `k8s-openapi` skips keys its types do not have: one missing after the round trip is unknown.
    let round_trip = serde_json::to_value(&object).ok()?;
    let mut path = Vec::new();
    unknown_key(body, &round_trip, &mut path).then_some(Problem::Unknown(path))
}

/// Finds the first key of `merged` that `typed` lacks, leaving its path in `path`.
fn unknown_key(merged: &Value, typed: &Value, path: &mut Vec<PathStep>) -> bool {
    match (merged, typed) {
        (Value::Object(merged), Value::Object(typed)) => {
            for (key, value) in merged {
                path.push(PathStep::Key(key.clone()));
                match typed.get(key) {
                    None => return true,
                    Some(other) if unknown_key(value, other, path) => return true,
                    Some(_) => {}
                }
                path.pop();
            }
            false
        }
        (Value::Array(merged), Value::Array(typed)) => {
            for (index, (value, other)) in merged.iter().zip(typed).enumerate() {
                path.push(PathStep::Index(index, item_name(value)));
                if unknown_key(value, other, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        _ => false,
    }
}

fn item_name(value: &Value) -> Option<String> {
    value
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The path of a deserialisation error as steps, list items named as in `body`.
fn steps(body: &Value, path: &serde_path_to_error::Path) -> Vec<PathStep> {
    use serde_path_to_error::Segment;
    let mut out = Vec::new();
    let mut at = Some(body);
    for segment in path.iter() {
        match segment {
            Segment::Map { key } => {
                at = at.and_then(|v| v.get(key));
                out.push(PathStep::Key(key.clone()));
            }
            Segment::Seq { index } => {
                let item = at.and_then(|v| v.get(*index));
                out.push(PathStep::Index(*index, item.and_then(item_name)));
                at = item;
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}
