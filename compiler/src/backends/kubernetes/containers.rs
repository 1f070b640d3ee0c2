//! The sidecars and init containers of the pod template: `initContainers`, the sidecars first
//! (`restartPolicy: Always`: Kubernetes starts each and waits for it to be started — or ready,
//! with a startup probe — before the next, keeps it running beside the main container and stops
//! it after), then the init containers, each run to completion in order. Each is hardened like
//! the main container: the same security context, requests and a memory limit, a read-only
//! root with its own writable emptyDirs.

use super::pod::{
    container_security, empty_dir, env_var, mount, non_empty, probe, resources, transport,
    volume_name,
};
use crate::ir::WorkloadIr;
use crate::ir::containers::{ContainerIr, ContainerRole, MountedVolume};
use k8s_openapi::api::core::v1::{Container, ContainerPort, Volume};

/// The pod's `initContainers` (sidecars, then init containers); their volumes are added to
/// `volumes`, named apart from those already there.
pub fn init_containers(workload: &WorkloadIr, volumes: &mut Vec<Volume>) -> Vec<Container> {
    workload
        .sidecars
        .iter()
        .chain(&workload.init)
        .map(|c| container(c, volumes))
        .collect()
}

fn container(ir: &ContainerIr, volumes: &mut Vec<Volume>) -> Container {
    let mut used: Vec<String> = volumes.iter().map(|v| v.name.clone()).collect();
    used.push(super::pod::DATA_VOLUME.to_string());
    let mut mounts = Vec::new();
    for (path, limit) in &ir.writable {
        // `exporter-tmp`, `exporter-var-cache`: each container's scratch space is its own.
        let name = volume_name(&format!("{}{path}", ir.name), &used);
        used.push(name.clone());
        volumes.push(empty_dir(&name, *limit));
        mounts.push(mount(&name, path));
    }
    for m in &ir.mounts {
        let volume = match &m.volume {
            MountedVolume::Shared(name) => name.as_str(),
            MountedVolume::Storage => super::pod::DATA_VOLUME,
        };
        mounts.push(mount(volume, &m.path));
    }
    let ports: Vec<ContainerPort> = ir
        .ports
        .iter()
        .map(|port| ContainerPort {
            name: Some(port.name.clone()),
            container_port: i32::from(port.number),
            protocol: Some(transport(port).to_string()),
            ..ContainerPort::default()
        })
        .collect();
    let probe_of = |p: &Option<crate::model::spec::Sourced<crate::ir::ProbeIr>>| {
        p.as_ref().map(|p| probe(&p.value, &ir.ports))
    };
    Container {
        name: ir.name.clone(),
        image: Some(ir.image.value.to_string()),
        image_pull_policy: Some(ir.image_pull.value.as_str().to_string()),
        command: ir
            .command
            .as_ref()
            .map(|c| c.value.clone())
            .and_then(non_empty),
        args: ir
            .args
            .as_ref()
            .map(|a| a.value.clone())
            .and_then(non_empty),
        ports: non_empty(ports),
        env: non_empty(
            ir.env
                .iter()
                .map(|entry| env_var(&entry.key, &entry.value.value))
                .collect(),
        ),
        resources: Some(resources(&ir.resources)),
        readiness_probe: probe_of(&ir.probes.ready),
        liveness_probe: probe_of(&ir.probes.live),
        startup_probe: probe_of(&ir.probes.startup),
        restart_policy: (ir.role == ContainerRole::Sidecar).then(|| "Always".to_string()),
        security_context: Some(container_security()),
        volume_mounts: non_empty(mounts),
        termination_message_policy: Some("FallbackToLogsOnError".to_string()),
        ..Container::default()
    }
}
