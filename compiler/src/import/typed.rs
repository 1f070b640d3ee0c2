//! Refusing imported objects the API server would refuse for a value of the wrong type.
//!
//! Read as Kubernetes reads YAML ([`super::kube_yaml`]), an environment variable named `N` is the
//! boolean `false` and a label value `0440` the number 288: the API server decodes the object into
//! its Go type and refuses it (`cannot unmarshal bool into Go struct field EnvVar.name of type
//! string`). `k8s-openapi`'s types decode alike (a number is a valid quantity, a boolean is never
//! text), so each object of a kind k8sc knows is decoded into its type, and the first value of
//! the wrong type is an error naming the object, the path and the fix, instead of an import that
//! quietly turns the name into `false`.

use super::read::Manifest;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use serde::de::DeserializeOwned;

/// Why the API server would refuse `manifest` for a value of the wrong type, if it would.
pub fn wrongly_typed(manifest: &Manifest) -> Option<String> {
    let api_version = manifest
        .value
        .get("apiVersion")
        .and_then(serde_json::Value::as_str)?;
    match manifest.kind() {
        "Deployment" => check::<Deployment>(manifest, api_version),
        "StatefulSet" => check::<StatefulSet>(manifest, api_version),
        "DaemonSet" => check::<DaemonSet>(manifest, api_version),
        "Job" => check::<Job>(manifest, api_version),
        "CronJob" => check::<CronJob>(manifest, api_version),
        "Pod" => check::<Pod>(manifest, api_version),
        "Service" => check::<Service>(manifest, api_version),
        "ServiceAccount" => check::<ServiceAccount>(manifest, api_version),
        "ConfigMap" => check::<ConfigMap>(manifest, api_version),
        "Secret" => check::<Secret>(manifest, api_version),
        "HorizontalPodAutoscaler" => check::<HorizontalPodAutoscaler>(manifest, api_version),
        "PodDisruptionBudget" => check::<PodDisruptionBudget>(manifest, api_version),
        "Ingress" => check::<Ingress>(manifest, api_version),
        "NetworkPolicy" => check::<NetworkPolicy>(manifest, api_version),
        _ => None,
    }
}

fn check<T: DeserializeOwned + k8s_openapi::Resource>(
    manifest: &Manifest,
    api_version: &str,
) -> Option<String> {
    if api_version != T::API_VERSION {
        return None;
    }
    let error = serde_path_to_error::deserialize::<_, T>(&manifest.value).err()?;
    let path = error.path().to_string();
    let inner = error.into_inner().to_string();
    // Only values of the wrong type: a missing field is the API server's business (and an
    // importer's input is often a fragment of a chart).
    if !inner.starts_with("invalid type:") {
        return None;
    }
    let yaml_1_1 = if inner.contains("boolean") || inner.contains("integer") {
        " — Kubernetes reads YAML by YAML 1.1 rules, where an unquoted `y`, `n`, `yes`, `no`, `on`, `off` (`N`, `No`, `OFF`, …) is a boolean and `0440` an octal number; quote the value in the YAML if it is text"
    } else {
        ""
    };
    Some(format!(
        "{}: {} is not a valid {} at `{path}`: {inner}, so the API server would refuse it{yaml_1_1}",
        manifest.source,
        manifest.id(),
        manifest.kind()
    ))
}
