//! The intermediate representation: a target-independent, fully resolved model of every app.
//!
//! Every value a backend needs is here and final — defaults applied, names resolved, ports of
//! probes and routes chosen — and every value that came from source keeps its [`Origin`], so the
//! language server can say where an effective value was written. Backends read only this; the IR
//! knows nothing of YAML or of any backend's resource kinds.

pub mod containers;
pub mod files;
pub mod graph;
pub mod labels;
pub mod lifecycle;
pub mod placement;
pub mod platform;
pub mod policy;
pub mod service;

pub use crate::model::mesh::{Mtls, Network};
pub use crate::model::spec::Origin;
use crate::model::spec::{
    Concurrency, Disruption, Entry, EnvValue, ExposeKind, GatewayRef, ImagePull, PodSecurity,
    ProbeCheck, Protocol, Replicas, Restart, Sourced, Spread, WorkloadKind,
};
pub use crate::model::spec::{LimitRangeIr, QuotaIr};
use crate::types::image::ImageRef;
pub use graph::{CallIr, CanaryIr, ExternalIr, MirrorIr, TrafficIr};
use k8sc_grammar::DeclKind;
use policy::RuleIr;
use std::collections::BTreeMap;

/// Every app of the project, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectIr {
    /// The apps.
    pub apps: Vec<AppIr>,
}

/// One app: a namespace and its workloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppIr {
    /// The Kubernetes name of the app (`part-of` label).
    pub name: String,
    /// The file that declares it (display path).
    pub file: String,
    /// The namespace.
    pub namespace: Sourced<String>,
    /// The owning team.
    pub team: Option<Sourced<String>>,
    /// The tier, by name.
    pub tier: Option<Sourced<String>>,
    /// The namespace's Pod Security Standard.
    pub pod_security: Sourced<PodSecurity>,
    /// The Gateway routes attach to (required when a workload is exposed with a route).
    pub gateway: Option<Sourced<GatewayRef>>,
    /// Extra labels for every resource.
    pub labels: Vec<Entry<String>>,
    /// Extra annotations for the namespace.
    pub annotations: Vec<Entry<String>>,
    /// The namespace's ResourceQuota, from the app or its tier.
    pub quota: Option<Sourced<QuotaIr>>,
    /// The namespace's LimitRange, from the app or its tier.
    pub limit_range: Option<Sourced<LimitRangeIr>>,
    /// The service mesh of the namespace and its mutual TLS mode; `None` without a mesh.
    pub mesh: Option<Sourced<Mtls>>,
    /// Whether the namespace denies traffic the service graph does not name.
    pub network: Sourced<Network>,
    /// The tier rules and policies in force, sorted by name.
    pub rules: Vec<RuleIr>,
    /// The environment this IR is for.
    pub env: String,
    /// The cluster the environment deploys to (its API server URL), if declared.
    pub cluster: Option<Sourced<String>>,
    /// How Argo CD deploys the app, if it does.
    pub gitops: Option<Sourced<crate::model::gitops::GitOps>>,
    /// The workloads, sorted by name. Shared (`Arc`) with the memo of each workload's lowering,
    /// which every environment's IR would otherwise copy whole.
    pub workloads: Vec<std::sync::Arc<WorkloadIr>>,
    /// The ports each call of a workload was resolved to by the graph check: workload name → the
    /// ports of each of its calls, by the call's index. Kept here, not in the calls, so that the
    /// workloads stay shared.
    pub call_ports: BTreeMap<String, Vec<Vec<PortIr>>>,
    /// The external hosts the app declares, sorted by name.
    pub externals: Vec<ExternalIr>,
    /// The PriorityClasses this app's output carries (each declared class its workloads name,
    /// unless an app before it by name carries it), sorted by name.
    pub priority_classes: Vec<placement::PriorityIr>,
}

impl AppIr {
    /// The ports call number `call` of `workload` resolves to (none if it was not resolved).
    pub fn call_ports(&self, workload: &str, call: usize) -> &[PortIr] {
        self.call_ports
            .get(workload)
            .and_then(|calls| calls.get(call))
            .map_or(&[], Vec::as_slice)
    }
}

/// A port with its final name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortIr {
    /// The port name (unique in the workload, a valid IANA service name).
    pub name: String,
    /// The protocol.
    pub protocol: Protocol,
    /// The number.
    pub number: u16,
    /// Where it was declared.
    pub origin: Origin,
}

/// A probe with its port chosen and its timings filled in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProbeIr {
    /// What is checked.
    pub check: ProbeCheck,
    /// The name of the port probed (`None` for `exec`).
    pub port: Option<String>,
    /// Initial delay, seconds.
    pub delay_seconds: u32,
    /// Period, seconds.
    pub period_seconds: u32,
    /// Timeout, seconds.
    pub timeout_seconds: u32,
    /// Failure threshold.
    pub failures: u32,
    /// Success threshold, if written.
    pub success: Option<u32>,
}

/// The three probes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProbesIr {
    /// Readiness.
    pub ready: Option<Sourced<ProbeIr>>,
    /// Liveness.
    pub live: Option<Sourced<ProbeIr>>,
    /// Startup.
    pub startup: Option<Sourced<ProbeIr>>,
}

/// CPU and memory, with effective requests and limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcesIr {
    /// CPU request, millicores.
    pub cpu_request: Sourced<u64>,
    /// CPU limit, millicores (none unless written: CPU limits throttle).
    pub cpu_limit: Option<Sourced<u64>>,
    /// Memory request, bytes.
    pub memory_request: Sourced<u64>,
    /// Memory limit, bytes (the request when not written).
    pub memory_limit: Sourced<u64>,
}

/// The security identity of the pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityIr {
    /// `runAsUser`.
    pub user: Sourced<i64>,
    /// `runAsGroup` and `fsGroup`.
    pub group: Sourced<i64>,
}

/// A persistent volume per replica.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageIr {
    /// Size, bytes.
    pub size: u64,
    /// StorageClass.
    pub class: Option<String>,
    /// Mount path.
    pub mount: String,
    /// Where it was declared.
    pub origin: Origin,
}

/// Batch settings of jobs and cron jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchIr {
    /// Cron schedule (cron jobs only).
    pub schedule: Option<Sourced<String>>,
    /// Time zone of the schedule.
    pub timezone: Option<Sourced<String>>,
    /// Overlap policy (cron jobs only).
    pub concurrency: Concurrency,
    /// Scheduling paused.
    pub suspend: bool,
    /// Required successful pods.
    pub completions: Option<u32>,
    /// Pods at once.
    pub parallelism: Option<u32>,
    /// Backoff limit.
    pub retries: u32,
    /// Active deadline, seconds.
    pub timeout_seconds: Option<u64>,
    /// How long a finished Job is kept, seconds; `None` keeps it (what GitOps needs: a deleted
    /// Job would be recreated by the next sync and run again).
    pub ttl_seconds: Option<u64>,
    /// Restart policy.
    pub restart: Restart,
}

/// How a service is exposed, with its port chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposeIr {
    /// HTTPRoute or Ingress.
    pub kind: ExposeKind,
    /// Host names, in the order written (at least one).
    pub hosts: Vec<String>,
    /// Path prefixes, in the order written (at least one).
    pub paths: Vec<String>,
    /// The Service port routed to (name and number).
    pub port: PortIr,
    /// Ingress TLS Secret.
    pub tls: Option<String>,
    /// IngressClass.
    pub class: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// The HorizontalPodAutoscaler of an autoscaled workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoscaleIr {
    /// Minimum replicas.
    pub min: u32,
    /// Maximum replicas.
    pub max: u32,
    /// Target CPU utilisation (percent of request).
    pub cpu: Option<u32>,
    /// Target memory utilisation (percent of request).
    pub memory: Option<u32>,
    /// How fast it scales up, if written.
    pub up: Option<crate::model::scaling::ScalingRules>,
    /// How fast it scales down, if written.
    pub down: Option<crate::model::scaling::ScalingRules>,
}

/// Extra writable volumes of a pod whose root filesystem is read-only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScratchIr {
    /// `/tmp`: `None` for none, else an emptyDir with this size limit (bytes).
    pub tmp: Option<u64>,
    /// Other writable paths, each an emptyDir with a size limit (bytes).
    pub writable: Vec<(String, u64)>,
}

/// One workload with every effective value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadIr {
    /// The Kubernetes name.
    pub name: String,
    /// The kind.
    pub kind: WorkloadKind,
    /// The keyword it was declared with (`database` and `stateful` are both StatefulSets).
    pub keyword: DeclKind,
    /// The declaring file (display path).
    pub file: String,
    /// The image, with the app's registry applied.
    pub image: Sourced<ImageRef>,
    /// When the image is pulled.
    pub image_pull: Sourced<ImagePull>,
    /// Ports with final names.
    pub ports: Vec<PortIr>,
    /// Replicas (replicated kinds only).
    pub replicas: Option<Sourced<Replicas>>,
    /// Requests and limits.
    pub resources: ResourcesIr,
    /// Probes.
    pub probes: ProbesIr,
    /// Environment variables in source order.
    pub env: Vec<Entry<EnvValue>>,
    /// ConfigMap data in source order.
    pub config: Vec<Entry<String>>,
    /// Entrypoint override.
    pub command: Option<Sourced<Vec<String>>>,
    /// Arguments.
    pub args: Option<Sourced<Vec<String>>>,
    /// Native sidecars, in start order.
    pub sidecars: Vec<containers::ContainerIr>,
    /// Init containers, in run order (after the sidecars have started).
    pub init: Vec<containers::ContainerIr>,
    /// Persistent storage (stateful kinds).
    pub storage: Option<StorageIr>,
    /// Files mounted read-only (`files`), by path.
    pub files: Vec<files::FileIr>,
    /// Volumes shared by the pod (`volumes`), by name.
    pub volumes: Vec<files::VolumeIr>,
    /// Batch settings (jobs and cron jobs).
    pub batch: Option<BatchIr>,
    /// Exposure outside the cluster.
    pub expose: Option<Box<ExposeIr>>,
    /// How its Service is reached: type, affinity, traffic policy, headless twin.
    pub service: service::ServiceIr,
    /// Workloads and external hosts this one calls, sorted by app and name.
    pub calls: Vec<CallIr>,
    /// How the mesh routes requests to it.
    pub traffic: Option<Box<TrafficIr>>,
    /// User and group.
    pub security: SecurityIr,
    /// Writable volumes.
    pub scratch: ScratchIr,
    /// Termination grace period, seconds.
    pub grace_seconds: Sourced<u64>,
    /// Pre-stop sleep, seconds (pods behind a Service).
    pub drain_seconds: Option<Sourced<u64>>,
    /// Rollout: strategy, min ready, progress deadline, pod management, partition; `None` when
    /// none is set (most workloads: boxed, so they carry one pointer). Read it with
    /// [`WorkloadIr::rollout`].
    pub rollout: Option<Box<lifecycle::RolloutIr>>,
    /// Extra labels.
    pub labels: Vec<Entry<String>>,
    /// Extra pod annotations.
    pub annotations: Vec<Entry<String>>,
    /// Topology spread.
    pub spread: Sourced<Spread>,
    /// Node selection, tolerations, affinity, priority and runtime class; boxed, and `None`
    /// when empty (most workloads), so the IR of a workload without any stays small
    /// (`memory_per_byte`). Read it with [`WorkloadIr::placement`].
    pub placement: Option<Box<placement::PlacementIr>>,
    /// The disruption budget, if any.
    pub disruption: Option<Sourced<Disruption>>,
    /// The autoscaler, if any.
    pub autoscale: Option<AutoscaleIr>,
    /// Rules this workload is exempted from (`allow … because …`): rule name, reason, and the
    /// layer the exception is written in (the workload's, or an environment's).
    pub exemptions: Vec<(String, String, crate::model::spec::Layer)>,
    /// `patch KIND { … }` fields, merged by the Kubernetes backend into what it generates.
    pub patches: Vec<crate::model::patch::PatchSpec>,
}

impl WorkloadIr {
    /// The workload's placement: what it declares, or the empty placement (which writes nothing).
    pub fn placement(&self) -> &placement::PlacementIr {
        self.placement
            .as_deref()
            .unwrap_or(&placement::NO_PLACEMENT)
    }
}
