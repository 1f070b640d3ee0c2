//! The sidecars and init containers of a workload's pod, every value final: what the Kubernetes
//! backend writes into `initContainers`, what the quota and LimitRange checks add up, and what
//! the rules check container by container.

use super::{PortIr, ProbesIr, ResourcesIr, WorkloadIr};
pub use crate::model::containers::ContainerRole;
use crate::model::spec::{Entry, EnvValue, ImagePull, Origin, Sourced};
use crate::types::image::ImageRef;

/// One extra container of the pod, with its effective values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerIr {
    /// The container's name (a DNS label, unique in the pod).
    pub name: String,
    /// A native sidecar or an init container.
    pub role: ContainerRole,
    /// The image, with the app's registry applied.
    pub image: Sourced<ImageRef>,
    /// When the image is pulled.
    pub image_pull: Sourced<ImagePull>,
    /// Its ports with final names (sidecars only); they are also in the workload's `ports`.
    pub ports: Vec<PortIr>,
    /// Requests and limits.
    pub resources: ResourcesIr,
    /// Probes (sidecars only).
    pub probes: ProbesIr,
    /// Environment variables in source order.
    pub env: Vec<Entry<EnvValue>>,
    /// Entrypoint override.
    pub command: Option<Sourced<Vec<String>>>,
    /// Arguments.
    pub args: Option<Sourced<Vec<String>>>,
    /// Writable paths, each an emptyDir of its own with a size limit (bytes); `/tmp` among them
    /// unless turned off.
    pub writable: Vec<(String, u64)>,
    /// The pod's volumes it mounts read-write, by path.
    pub mounts: Vec<MountIr>,
    /// Where the container is declared (its name, in the highest layer naming it).
    pub origin: Origin,
}

/// One of the pod's volumes mounted into a sidecar or init container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountIr {
    /// The volume: one of the workload's `volumes`, or its `storage`.
    pub volume: MountedVolume,
    /// Where the container sees it.
    pub path: String,
    /// Where the mount is written.
    pub origin: Origin,
}

/// Which of the pod's volumes a container mounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountedVolume {
    /// A volume of the workload's `volumes`, by name.
    Shared(String),
    /// The stateful workload's persistent volume (`storage`).
    Storage,
}

/// Whether `port` (of the workload's `ports`) belongs to a sidecar rather than the main container.
pub fn is_sidecar_port(workload: &WorkloadIr, port: &PortIr) -> bool {
    workload
        .sidecars
        .iter()
        .any(|c| c.ports.iter().any(|p| p.name == port.name))
}

/// The CPU request (millicores) and memory limit (bytes) the scheduler and a ResourceQuota count
/// for one pod: while init containers run, each one beside the sidecars started before it; after
/// them, the main container beside every sidecar — whichever is larger (Kubernetes' effective
/// pod request with native sidecars).
pub fn pod_resources(workload: &WorkloadIr) -> (u64, u64) {
    let cpu = |r: &ResourcesIr| r.cpu_request.value;
    let memory = |r: &ResourcesIr| r.memory_limit.value;
    let sidecars_cpu: u64 = workload.sidecars.iter().map(|c| cpu(&c.resources)).sum();
    let sidecars_memory: u64 = workload.sidecars.iter().map(|c| memory(&c.resources)).sum();
    let mut peak_cpu = cpu(&workload.resources) + sidecars_cpu;
    let mut peak_memory = memory(&workload.resources) + sidecars_memory;
    // Sidecars are listed before init containers, so every init container runs beside them all.
    for init in &workload.init {
        peak_cpu = peak_cpu.max(cpu(&init.resources) + sidecars_cpu);
        peak_memory = peak_memory.max(memory(&init.resources) + sidecars_memory);
    }
    (peak_cpu, peak_memory)
}
