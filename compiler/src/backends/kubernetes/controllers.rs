//! The controller of each workload kind: Deployment, StatefulSet, Job, CronJob or DaemonSet.

use super::meta::{claim_template_labels, selector, workload_labels, workload_meta};
use super::pod::{DATA_VOLUME, pod_template};
use crate::ir::labels::AUTOSCALER_ANNOTATION;
use crate::ir::{AppIr, BatchIr, WorkloadIr};
use crate::model::spec::{Concurrency, WorkloadKind};
use crate::types::quantity::format_bytes;
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, Deployment, DeploymentSpec, DeploymentStrategy,
    RollingUpdateDeployment, StatefulSet, StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetSpec,
};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// The controller resource of a workload.
pub enum Controller {
    /// For services and workers.
    Deployment(Box<Deployment>),
    /// For databases and stateful workloads.
    StatefulSet(Box<StatefulSet>),
    /// For jobs.
    Job(Box<Job>),
    /// For cron jobs.
    CronJob(Box<CronJob>),
    /// For daemons.
    DaemonSet(Box<DaemonSet>),
}

/// The replica count to write: none when an HPA owns it (so a GitOps sync never fights the
/// autoscaler).
fn replicas(workload: &WorkloadIr) -> Option<i32> {
    if workload.autoscale.is_some() {
        return None;
    }
    workload
        .replicas
        .as_ref()
        .map(|r| i32::try_from(r.value.min()).unwrap_or(i32::MAX))
}

/// Marks a controller whose replica count an HPA owns (see [`AUTOSCALER_ANNOTATION`]).
fn autoscaled_meta(workload: &WorkloadIr, mut meta: ObjectMeta) -> ObjectMeta {
    if workload.autoscale.is_some() {
        meta.annotations = Some(BTreeMap::from([(
            AUTOSCALER_ANNOTATION.to_string(),
            workload.name.clone(),
        )]));
    }
    meta
}

/// Builds the controller for `workload`, with its rollout settings ([`super::rollout`]).
pub fn controller(app: &AppIr, workload: &WorkloadIr, config_map: Option<&str>) -> Controller {
    let mut built = kind_controller(app, workload, config_map);
    super::rollout::apply(&mut built, workload);
    built
}

/// The controller of the workload's kind, before its rollout settings.
fn kind_controller(app: &AppIr, workload: &WorkloadIr, config_map: Option<&str>) -> Controller {
    let meta = workload_meta(app, workload, &workload.name);
    let template = pod_template(app, workload, config_map);
    match workload.kind {
        WorkloadKind::Service | WorkloadKind::Worker => {
            Controller::Deployment(Box::new(Deployment {
                metadata: autoscaled_meta(workload, meta),
                spec: Some(DeploymentSpec {
                    replicas: replicas(workload),
                    selector: selector(app, workload),
                    template,
                    revision_history_limit: Some(5),
                    // Never drop below the wanted count during a rollout; add pods first.
                    strategy: Some(DeploymentStrategy {
                        type_: Some("RollingUpdate".to_string()),
                        rolling_update: Some(RollingUpdateDeployment {
                            max_surge: Some(IntOrString::String("25%".to_string())),
                            max_unavailable: Some(IntOrString::Int(0)),
                        }),
                    }),
                    ..DeploymentSpec::default()
                }),
                ..Deployment::default()
            }))
        }
        WorkloadKind::Stateful => Controller::StatefulSet(Box::new(StatefulSet {
            metadata: autoscaled_meta(workload, meta),
            spec: Some(StatefulSetSpec {
                replicas: replicas(workload),
                selector: selector(app, workload),
                // Always the headless Service's name, even while the workload has no port (and
                // so no Service): `serviceName` cannot change once the StatefulSet exists, so
                // adding the first port must not change it.
                service_name: Some(super::services::headless_name(workload)),
                template,
                revision_history_limit: Some(5),
                volume_claim_templates: workload.storage.as_ref().map(|storage| {
                    vec![PersistentVolumeClaim {
                        metadata: ObjectMeta {
                            name: Some(DATA_VOLUME.to_string()),
                            labels: Some(claim_template_labels(app, workload)),
                            ..ObjectMeta::default()
                        },
                        spec: Some(PersistentVolumeClaimSpec {
                            access_modes: Some(vec!["ReadWriteOnce".to_string()]),
                            storage_class_name: storage.class.clone(),
                            resources: Some(VolumeResourceRequirements {
                                requests: Some(BTreeMap::from([(
                                    "storage".to_string(),
                                    Quantity(format_bytes(storage.size)),
                                )])),
                                ..VolumeResourceRequirements::default()
                            }),
                            ..PersistentVolumeClaimSpec::default()
                        }),
                        ..PersistentVolumeClaim::default()
                    }]
                }),
                // The data outlives the StatefulSet: deleting it (an Argo CD Application's
                // deletion does) or scaling it down keeps its volume claims.
                persistent_volume_claim_retention_policy: workload.storage.as_ref().map(|_| {
                    StatefulSetPersistentVolumeClaimRetentionPolicy {
                        when_deleted: Some("Retain".to_string()),
                        when_scaled: Some("Retain".to_string()),
                    }
                }),
                ..StatefulSetSpec::default()
            }),
            ..StatefulSet::default()
        })),
        WorkloadKind::Daemon => Controller::DaemonSet(Box::new(DaemonSet {
            metadata: meta,
            spec: Some(DaemonSetSpec {
                selector: selector(app, workload),
                template,
                revision_history_limit: Some(5),
                ..DaemonSetSpec::default()
            }),
            ..DaemonSet::default()
        })),
        WorkloadKind::Job => {
            let batch = batch_or_default(workload);
            let spec = job_spec(&batch, template);
            // A Job's template cannot change once created; naming the Job after a hash of its spec
            // makes a changed job a new Job (the old one is pruned) instead of a failed apply.
            let name = format!("{}-{}", workload.name, spec_hash(&spec));
            Controller::Job(Box::new(Job {
                metadata: workload_meta(app, workload, &name),
                spec: Some(spec),
                ..Job::default()
            }))
        }
        WorkloadKind::Cron => {
            let batch = batch_or_default(workload);
            Controller::CronJob(Box::new(CronJob {
                metadata: meta,
                spec: Some(CronJobSpec {
                    schedule: batch
                        .schedule
                        .as_ref()
                        .map(|s| s.value.clone())
                        .unwrap_or_default(),
                    time_zone: batch.timezone.as_ref().map(|t| t.value.clone()),
                    concurrency_policy: Some(
                        match batch.concurrency {
                            Concurrency::Allow => "Allow",
                            Concurrency::Forbid => "Forbid",
                            Concurrency::Replace => "Replace",
                        }
                        .to_string(),
                    ),
                    suspend: batch.suspend.then_some(true),
                    successful_jobs_history_limit: Some(3),
                    failed_jobs_history_limit: Some(1),
                    job_template: JobTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels: Some(workload_labels(app, workload)),
                            ..ObjectMeta::default()
                        }),
                        spec: Some(job_spec(&batch, template)),
                    },
                    ..CronJobSpec::default()
                }),
                ..CronJob::default()
            }))
        }
    }
}

/// Eight hex digits of the SHA-256 of a spec's JSON (keys sorted, so stable).
fn spec_hash<T: serde::Serialize>(spec: &T) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(spec).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn batch_or_default(workload: &WorkloadIr) -> BatchIr {
    workload.batch.clone().unwrap_or(BatchIr {
        schedule: None,
        timezone: None,
        concurrency: Concurrency::Forbid,
        suspend: false,
        completions: None,
        parallelism: None,
        retries: 3,
        timeout_seconds: None,
        ttl_seconds: None,
        restart: crate::model::spec::Restart::Never,
    })
}

fn job_spec(batch: &BatchIr, template: k8s_openapi::api::core::v1::PodTemplateSpec) -> JobSpec {
    let to_i32 = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    JobSpec {
        backoff_limit: Some(to_i32(batch.retries)),
        completions: batch.completions.map(to_i32),
        parallelism: batch.parallelism.map(to_i32),
        active_deadline_seconds: batch.timeout_seconds.and_then(|t| i64::try_from(t).ok()),
        ttl_seconds_after_finished: batch
            .ttl_seconds
            .map(|ttl| i32::try_from(ttl).unwrap_or(i32::MAX)),
        template,
        ..JobSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::Resource;

    /// The workload-kind registry names the kind and apiVersion of the controller [`controller`]
    /// builds for each kind.
    #[test]
    fn the_registry_names_each_controller() {
        let built = [
            (
                WorkloadKind::Service,
                Deployment::KIND,
                Deployment::API_VERSION,
            ),
            (
                WorkloadKind::Worker,
                Deployment::KIND,
                Deployment::API_VERSION,
            ),
            (
                WorkloadKind::Stateful,
                StatefulSet::KIND,
                StatefulSet::API_VERSION,
            ),
            (WorkloadKind::Job, Job::KIND, Job::API_VERSION),
            (WorkloadKind::Cron, CronJob::KIND, CronJob::API_VERSION),
            (
                WorkloadKind::Daemon,
                DaemonSet::KIND,
                DaemonSet::API_VERSION,
            ),
        ];
        assert_eq!(built.len(), WorkloadKind::ALL.len());
        for (kind, controller, api_version) in built {
            let info = kind.info();
            assert_eq!(
                (info.controller, info.api_version),
                (controller, api_version)
            );
        }
    }
}
