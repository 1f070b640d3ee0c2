//! The facts rules see: every property of the vocabulary, read off a lowered workload, with the
//! origin of the value that won (so a violation can point at it).

use crate::ir::containers::ContainerIr;
use crate::ir::labels::workload_labels;
use crate::ir::{AppIr, ExposeIr, ResourcesIr, WorkloadIr};
use crate::model::spec::ExposeKind;
use crate::model::spec::{Layer, Origin, Replicas, Sourced};
use crate::semantic::patch_security::{Hardening, weakenings};
use crate::semantic::policy::eval::{Fact, FactValue, Facts};
use crate::semantic::policy::property::Property;
use crate::types::image::ImageRef;

fn origin_of(origin: &Origin) -> Option<Origin> {
    origin.file().is_some().then(|| origin.clone())
}

/// The property a weakened piece of hardening is, and its value once weakened (capabilities have
/// no property: only the W0020 warning reports them).
pub fn patched_property(hardening: Hardening) -> Option<(Property, bool)> {
    Some(match hardening {
        Hardening::NonRoot => (Property::NonRoot, false),
        Hardening::Privileged => (Property::Privileged, true),
        Hardening::PrivilegeEscalation => (Property::PrivilegeEscalation, true),
        Hardening::ReadOnlyRoot => (Property::ReadOnlyRoot, false),
        Hardening::HostNetwork => (Property::HostNetwork, true),
        Hardening::HostPid => (Property::HostPid, true),
        Hardening::HostIpc => (Property::HostIpc, true),
        Hardening::Capabilities => return None,
    })
}

/// The facts of one lowered workload.
pub fn workload_facts(app: &AppIr, workload: &WorkloadIr) -> Facts {
    let mut facts = Facts {
        kind: Some(workload.kind),
        ..Facts::default()
    };
    set_image(&mut facts, &workload.image);
    set_resources(&mut facts, &workload.resources);
    let mut set = |property: Property, value: FactValue, origin: Option<Origin>| {
        facts.values.insert(property, Fact { value, origin });
    };
    if let Some(replicas) = &workload.replicas {
        let (min, max) = match replicas.value {
            Replicas::Fixed(n) => (n, n),
            Replicas::Auto { min, max } => (min, max),
        };
        let origin = origin_of(&replicas.origin);
        set(
            Property::ReplicasMin,
            FactValue::Int(i64::from(min)),
            origin.clone(),
        );
        set(
            Property::ReplicasMax,
            FactValue::Int(i64::from(max)),
            origin,
        );
    }
    for (property, probe) in [
        (Property::ProbesReady, &workload.probes.ready),
        (Property::ProbesLive, &workload.probes.live),
        (Property::ProbesStartup, &workload.probes.startup),
    ] {
        if let Some(probe) = probe {
            set(property, FactValue::Present, origin_of(&probe.origin));
        }
    }
    set(
        Property::Labels,
        FactValue::Labels(workload_labels(app, workload)),
        None,
    );
    set(
        Property::Ports,
        FactValue::Ints(workload.ports.iter().map(|p| i64::from(p.number)).collect()),
        None,
    );
    set(
        Property::Kind,
        FactValue::Str(workload.kind.controller().to_string()),
        None,
    );
    // What the Kubernetes backend emits for every pod (see backends/kubernetes/pod.rs).
    set(Property::NonRoot, FactValue::Bool(true), None);
    set(Property::Privileged, FactValue::Bool(false), None);
    set(Property::PrivilegeEscalation, FactValue::Bool(false), None);
    set(Property::ReadOnlyRoot, FactValue::Bool(true), None);
    set(Property::HostNetwork, FactValue::Bool(false), None);
    set(Property::HostPid, FactValue::Bool(false), None);
    set(Property::HostIpc, FactValue::Bool(false), None);
    // …unless a patch turns it off: the rules then see the patched value, and point at it.
    for patch in &workload.patches {
        for (hardening, span) in weakenings(patch) {
            let Some((property, value)) = patched_property(hardening) else {
                continue;
            };
            let origin = Origin::at(Layer::Workload, &patch.file, span);
            set(property, FactValue::Bool(value), Some(origin));
        }
    }
    if workload.kind.has_service() && !workload.ports.is_empty() {
        set(
            Property::ServiceType,
            FactValue::Str(workload.service.type_name().to_string()),
            workload
                .service
                .load_balancer
                .as_ref()
                .and_then(|b| origin_of(&b.origin)),
        );
    }
    // The Istio backend writes the fault into the workload's routes (see backends/istio).
    if app.mesh.is_some()
        && let Some(fault) = workload.traffic.as_ref().and_then(|t| t.fault.as_ref())
    {
        set(
            Property::TrafficFault,
            FactValue::Present,
            origin_of(&fault.origin),
        );
    }
    if let Some(expose) = &workload.expose {
        let (tls, origin) = served_over_tls(app, expose);
        set(Property::ExposeTls, FactValue::Bool(tls), origin);
    }
    facts
}

/// Whether an exposed host is served over TLS only, and the value that decides it: an Ingress or
/// a route in the mesh (an Istio Gateway k8sc writes) with a certificate Secret; outside the mesh,
/// a route attached to the one listener of the app's Gateway that the app states is HTTPS (the
/// platform owns the Gateway; without a `section` the route attaches to all its listeners).
fn served_over_tls(app: &AppIr, expose: &ExposeIr) -> (bool, Option<Origin>) {
    match expose.kind {
        ExposeKind::Route if app.mesh.is_none() => match &app.gateway {
            Some(gateway) => (
                gateway.value.section.is_some() && gateway.value.https,
                origin_of(&gateway.origin),
            ),
            None => (false, origin_of(&expose.origin)),
        },
        _ => (expose.tls.is_some(), origin_of(&expose.origin)),
    }
}

/// The facts of container `container` of the workload whose facts are `workload`: the same pod
/// (its kind, labels, ports, security, probes), with the container's own image and resources —
/// what Kyverno reads of each container in `initContainers` (see `backends/kyverno/keys.rs`).
/// A rule on containers holds for the workload only if it holds for every container.
pub fn container_facts(workload: &Facts, container: &ContainerIr) -> Facts {
    let mut facts = workload.clone();
    for property in [
        Property::ImageTag,
        Property::ImageDigest,
        Property::CpuLimit,
    ] {
        facts.values.remove(&property);
    }
    set_image(&mut facts, &container.image);
    set_resources(&mut facts, &container.resources);
    facts
}

/// Sets the image properties from `image`.
fn set_image(facts: &mut Facts, image: &Sourced<ImageRef>) {
    let mut set = |property: Property, value: FactValue, origin: Option<Origin>| {
        facts.values.insert(property, Fact { value, origin });
    };
    let image_origin = origin_of(&image.origin);
    let reference = &image.value;
    set(
        Property::Image,
        FactValue::Str(reference.to_string()),
        image_origin.clone(),
    );
    set(
        Property::ImageRegistry,
        FactValue::Str(reference.registry_or_default().to_string()),
        image_origin.clone(),
    );
    // Kyverno's convention (1.12+), whatever the registry: a one-component path is `library/…`.
    let repository = if !reference.repository.contains('/') {
        format!("library/{}", reference.repository)
    } else {
        reference.repository.clone()
    };
    set(
        Property::ImageRepository,
        FactValue::Str(repository),
        image_origin.clone(),
    );
    // As registries resolve it: no tag and no digest means `latest`.
    let tag = match (&reference.tag, &reference.digest) {
        (Some(tag), _) => Some(tag.clone()),
        (None, None) => Some("latest".to_string()),
        (None, Some(_)) => None,
    };
    if let Some(tag) = tag {
        set(
            Property::ImageTag,
            FactValue::Str(tag),
            image_origin.clone(),
        );
    }
    if let Some(digest) = &reference.digest {
        set(
            Property::ImageDigest,
            FactValue::Str(digest.clone()),
            image_origin.clone(),
        );
    }
}

/// Sets the resource properties from `resources`.
fn set_resources(facts: &mut Facts, resources: &ResourcesIr) {
    let mut set = |property: Property, value: FactValue, origin: Option<Origin>| {
        facts.values.insert(property, Fact { value, origin });
    };
    let cpu = |s: &Sourced<u64>| (FactValue::Cpu(s.value), origin_of(&s.origin));
    let memory = |s: &Sourced<u64>| (FactValue::Memory(s.value), origin_of(&s.origin));
    let (v, o) = cpu(&resources.cpu_request);
    set(Property::CpuRequest, v, o);
    if let Some(limit) = &resources.cpu_limit {
        let (v, o) = cpu(limit);
        set(Property::CpuLimit, v, o);
    }
    let (v, o) = memory(&resources.memory_request);
    set(Property::MemoryRequest, v, o);
    let (v, o) = memory(&resources.memory_limit);
    set(Property::MemoryLimit, v, o);
}
