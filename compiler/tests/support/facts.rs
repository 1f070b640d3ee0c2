//! The compile-time value of every rule property for a lowered workload, read from the IR the way
//! the Kubernetes backend emits it. Stands in for the compile-time checker's own facts until those
//! are on this branch; `harness::rows` takes the verdict as a function so either can be used.

use k8sc_compiler::ir::labels::workload_labels;
use k8sc_compiler::ir::policy::Property;
use k8sc_compiler::ir::{AppIr, WorkloadIr};
use k8sc_compiler::semantic::policy::eval::{Fact, FactValue, Facts};
use k8sc_compiler::semantic::policy::property::controller_kind;

/// Everything a rule can see of `workload`.
pub fn facts(app: &AppIr, workload: &WorkloadIr) -> Facts {
    let mut values = Vec::new();
    let mut set = |p: Property, v: FactValue| values.push((p, v));
    let image = &workload.image.value;
    set(Property::Image, FactValue::Str(image.to_string()));
    set(
        Property::ImageRegistry,
        FactValue::Str(image.registry_or_default().to_string()),
    );
    // Kyverno's convention: a one-component path is a Docker Hub official image.
    let repository = if image.repository.contains('/') {
        image.repository.clone()
    } else {
        format!("library/{}", image.repository)
    };
    set(Property::ImageRepository, FactValue::Str(repository));
    match (&image.tag, &image.digest) {
        (Some(tag), _) => set(Property::ImageTag, FactValue::Str(tag.clone())),
        (None, None) => set(Property::ImageTag, FactValue::Str("latest".to_string())),
        (None, Some(_)) => {}
    }
    if let Some(digest) = &image.digest {
        set(Property::ImageDigest, FactValue::Str(digest.clone()));
    }
    if let Some(replicas) = &workload.replicas {
        set(
            Property::ReplicasMin,
            FactValue::Int(i64::from(replicas.value.min())),
        );
        set(
            Property::ReplicasMax,
            FactValue::Int(i64::from(replicas.value.max())),
        );
    }
    let r = &workload.resources;
    set(Property::CpuRequest, FactValue::Cpu(r.cpu_request.value));
    if let Some(limit) = &r.cpu_limit {
        set(Property::CpuLimit, FactValue::Cpu(limit.value));
    }
    set(
        Property::MemoryRequest,
        FactValue::Memory(r.memory_request.value),
    );
    set(
        Property::MemoryLimit,
        FactValue::Memory(r.memory_limit.value),
    );
    for (property, probe) in [
        (Property::ProbesReady, &workload.probes.ready),
        (Property::ProbesLive, &workload.probes.live),
        (Property::ProbesStartup, &workload.probes.startup),
    ] {
        if probe.is_some() {
            set(property, FactValue::Present);
        }
    }
    set(
        Property::Labels,
        FactValue::Labels(workload_labels(app, workload)),
    );
    set(
        Property::Ports,
        FactValue::Ints(workload.ports.iter().map(|p| i64::from(p.number)).collect()),
    );
    set(
        Property::Kind,
        FactValue::Str(controller_kind(workload.kind).to_string()),
    );
    // The hardened pod template k8sc always emits.
    set(Property::NonRoot, FactValue::Bool(true));
    set(Property::Privileged, FactValue::Bool(false));
    set(Property::PrivilegeEscalation, FactValue::Bool(false));
    set(Property::ReadOnlyRoot, FactValue::Bool(true));
    set(Property::HostNetwork, FactValue::Bool(false));
    set(Property::HostPid, FactValue::Bool(false));
    set(Property::HostIpc, FactValue::Bool(false));
    // A Service exists only for kinds that have one and a workload with ports.
    if workload.kind.has_service() && !workload.ports.is_empty() {
        set(
            Property::ServiceType,
            FactValue::Str("ClusterIP".to_string()),
        );
    }
    Facts {
        kind: Some(workload.kind),
        values: values
            .into_iter()
            .map(|(p, value)| {
                (
                    p,
                    Fact {
                        value,
                        origin: None,
                    },
                )
            })
            .collect(),
    }
}
