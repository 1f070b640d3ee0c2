//! Lowering a workload's sidecars and init containers: each one's effective values (its own
//! fields, else the built-in defaults — never the main container's, which size another process),
//! its ports named and checked against the pod's, its probes, and the names checked unique in
//! the pod.

use super::LowerCtx;
use super::workload::{apply_registry, defaults, lower_probes, lower_resources};
use crate::diagnostics::Code;
use crate::ir::PortIr;
use crate::ir::containers::{ContainerIr, ContainerRole, MountIr, MountedVolume};
use crate::model::containers::{ContainerSpec, STORAGE_MOUNT};
use crate::model::spec::{AppSpec, ImagePull, Sourced, Tmp, WorkloadKind, WorkloadSpec};
use crate::semantic::suggest::closest;

/// The pod's volumes a container may mount.
struct PodVolumes<'a> {
    /// The names of the workload's `volumes`.
    volumes: &'a [&'a str],
    /// Whether the workload has `storage` (a stateful workload's persistent volume).
    storage: bool,
}

/// The names the mesh's injector gives the containers it adds to a pod.
const MESH_CONTAINERS: &[&str] = &["istio-proxy", "istio-init", "istio-validation"];

/// The sidecars and the init containers of the workload `main` (its container's name), in
/// order; their ports are appended to `ports` (the pod's). `None` when one of them is in error
/// (reported).
pub fn lower_containers(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    app_spec: &AppSpec,
    main: &str,
    meshed: bool,
    ports: &mut Vec<PortIr>,
) -> Option<(Vec<ContainerIr>, Vec<ContainerIr>)> {
    let mut names: Vec<(&str, Option<&ContainerSpec>)> = vec![(main, None)];
    let mut ok = true;
    let declared = spec
        .sidecars
        .0
        .iter()
        .map(|c| (c, ContainerRole::Sidecar))
        .chain(spec.init.0.iter().map(|c| (c, ContainerRole::Init)));
    let volumes: Vec<&str> = spec.volumes.iter().map(|v| v.key.as_str()).collect();
    let pod = PodVolumes {
        volumes: &volumes,
        storage: spec.storage.is_some(),
    };
    let mut lowered: Vec<ContainerIr> = Vec::new();
    for (container, role) in declared {
        if let Some((_, first)) = names.iter().find(|(name, _)| *name == container.name) {
            let mut diagnostic = ctx
                .diagnostic_at(
                    &container.origin,
                    container.name_span,
                    Code::ContainerNameClash,
                    format!(
                        "{} `{}` has the name of another container of the pod",
                        role.noun(),
                        container.name
                    ),
                )
                .with_label("name already taken");
            diagnostic = match first {
                None => {
                    diagnostic.with_note(format!("the workload's own container is named `{main}`"))
                }
                Some(first) => match ctx.label_at(&first.origin, "also declared here") {
                    Some(label) => diagnostic.with_secondary(label),
                    None => diagnostic,
                },
            };
            ctx.report(diagnostic.with_help("give each container of the pod its own name"));
            ok = false;
            continue;
        }
        if meshed && MESH_CONTAINERS.contains(&container.name.as_str()) {
            ctx.report(
                ctx.diagnostic_at(
                    &container.origin,
                    container.name_span,
                    Code::ContainerNameClash,
                    format!(
                        "{} `{}` has the name of a container the mesh adds",
                        role.noun(),
                        container.name
                    ),
                )
                .with_label("taken by the mesh's injector")
                .with_note(format!(
                    "in the mesh, Istio adds {}",
                    MESH_CONTAINERS.join(", ")
                ))
                .with_help("give the container another name"),
            );
            ok = false;
            continue;
        }
        names.push((&container.name, Some(container)));
        match lower_one(ctx, container, role, app_spec, &pod, ports) {
            Some(ir) => lowered.push(ir),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    let (sidecars, init) = lowered
        .into_iter()
        .partition(|c| c.role == ContainerRole::Sidecar);
    Some((sidecars, init))
}

fn lower_one(
    ctx: &mut LowerCtx<'_>,
    container: &ContainerSpec,
    role: ContainerRole,
    app_spec: &AppSpec,
    spec_volumes: &PodVolumes<'_>,
    pod_ports: &mut Vec<PortIr>,
) -> Option<ContainerIr> {
    let spec = &container.spec;
    if !spec.rejected.is_empty() {
        // Already reported where it was read.
        return None;
    }
    let Some(image) = spec.image.clone() else {
        ctx.report(
            ctx.diagnostic_at(
                &container.origin,
                container.name_span,
                Code::MissingField,
                format!("{} `{}` has no image", role.noun(), container.name),
            )
            .with_label("missing `image`")
            .with_help("add `image: \"registry/name:version\"` to its block"),
        );
        return None;
    };
    let image = apply_registry(image, app_spec);
    let image_pull = spec.image_pull.clone().unwrap_or_else(|| {
        Sourced::builtin(if image.value.is_digest_pinned() {
            ImagePull::IfNotPresent
        } else {
            ImagePull::Always
        })
    });
    let ports = container_ports(ctx, container, pod_ports)?;
    // A sidecar may be probed like any long-running container (it is never a batch pod's).
    let probes = lower_probes(ctx, spec, &ports, WorkloadKind::Service, &container.name)?;
    let mut writable = Vec::new();
    match spec.tmp.as_ref().map(|t| t.value) {
        Some(Tmp::Off) => {}
        Some(Tmp::On(limit)) => {
            writable.push(("/tmp".to_string(), limit.unwrap_or(defaults::SCRATCH_LIMIT)))
        }
        None => writable.push(("/tmp".to_string(), defaults::SCRATCH_LIMIT)),
    }
    for path in spec.writable.iter().flat_map(|w| w.value.iter()) {
        if !writable.iter().any(|(p, _)| p == path) {
            writable.push((path.clone(), defaults::SCRATCH_LIMIT));
        }
    }
    let mounts = container_mounts(ctx, container, spec_volumes, &writable)?;
    pod_ports.extend(ports.iter().cloned());
    Some(ContainerIr {
        name: container.name.clone(),
        role,
        image,
        image_pull,
        ports,
        resources: lower_resources(spec),
        probes,
        env: spec.env.clone(),
        command: spec.command.clone(),
        args: spec.args.clone(),
        writable,
        mounts,
        origin: container.origin.clone(),
    })
}

/// The pod's volumes the container mounts: each a volume of the workload's `volumes` or, named
/// `storage`, its persistent volume (else E0048); none at a path of the container's own
/// scratch volumes (E0050).
fn container_mounts(
    ctx: &mut LowerCtx<'_>,
    container: &ContainerSpec,
    pod: &PodVolumes<'_>,
    writable: &[(String, u64)],
) -> Option<Vec<MountIr>> {
    let mut ok = true;
    let mut out: Vec<MountIr> = Vec::new();
    for mount in &container.mounts {
        let volume = if pod.volumes.contains(&mount.key.as_str()) {
            MountedVolume::Shared(mount.key.clone())
        } else if mount.key == STORAGE_MOUNT && pod.storage {
            MountedVolume::Storage
        } else {
            let mut diagnostic = ctx
                .diagnostic_at(
                    &mount.value.origin,
                    mount.key_span,
                    Code::NoSuchVolume,
                    format!(
                        "`{}` mounts volume `{}`, which the pod does not have",
                        container.name, mount.key
                    ),
                )
                .with_label("no such volume");
            let mut names: Vec<&str> = pod.volumes.to_vec();
            if pod.storage {
                names.push(STORAGE_MOUNT);
            }
            if let Some(best) = closest(&mount.key, names.iter().copied()) {
                diagnostic = diagnostic.with_replacement(best.to_string());
            } else if names.is_empty() {
                diagnostic = diagnostic
                    .with_help("declare it in the workload's `volumes { NAME: empty_dir { … } }`");
            } else {
                diagnostic =
                    diagnostic.with_note(format!("the pod's volumes are: {}", names.join(", ")));
            }
            ctx.report(diagnostic);
            ok = false;
            continue;
        };
        let path = &mount.value.value;
        let nested = |a: &str, b: &str| {
            a == b || b.starts_with(&format!("{a}/")) || a.starts_with(&format!("{b}/"))
        };
        let clash = writable
            .iter()
            .map(|(p, _)| p.as_str())
            .chain(out.iter().map(|m| m.path.as_str()))
            .find(|other| nested(other, path));
        if let Some(other) = clash {
            ctx.report(
                ctx.diagnostic_at(
                    &mount.value.origin,
                    mount.value.origin.span,
                    Code::MountConflict,
                    format!(
                        "`{}` mounts volume `{}` at `{path}`, over its own mount at `{other}`",
                        container.name, mount.key
                    ),
                )
                .with_label("two mounts cannot share a path, nor one hide part of another")
                .with_help(if other == "/tmp" {
                    "mount it elsewhere, or write `tmp: false` in the container"
                } else {
                    "give each mount a path of its own"
                }),
            );
            ok = false;
            continue;
        }
        out.push(MountIr {
            volume,
            path: path.clone(),
            origin: mount.value.origin.clone(),
        });
    }
    ok.then_some(out)
}

/// The container's ports, named like a workload's; an unnamed port whose protocol name another
/// container of the pod already uses is named `protocol-number` (`http-9113`). A number or a
/// name the pod already uses is E0011: the containers of a pod share one network namespace.
fn container_ports(
    ctx: &mut LowerCtx<'_>,
    container: &ContainerSpec,
    pod_ports: &[PortIr],
) -> Option<Vec<PortIr>> {
    let Some(declared) = container.spec.ports.as_ref() else {
        return Some(Vec::new());
    };
    let mut ports = super::ports::name_ports(declared);
    let mut ok = true;
    for (port, written) in ports.iter_mut().zip(&declared.value) {
        if written.name.is_none() && pod_ports.iter().any(|p| p.name == port.name) {
            port.name = format!("{}-{}", port.protocol.keyword(), port.number);
        }
        let clash = pod_ports
            .iter()
            .find(|p| p.number == port.number || p.name == port.name);
        if let Some(other) = clash {
            let what = if other.number == port.number {
                format!("port {}", port.number)
            } else {
                format!("port name `{}`", port.name)
            };
            let mut diagnostic = ctx
                .diagnostic_at(
                    &port.origin,
                    port.origin.span,
                    Code::PortClash,
                    format!(
                        "{what} of sidecar `{}` is already used in the pod",
                        container.name
                    ),
                )
                .with_label("used twice in one pod")
                .with_note(
                    "the containers of a pod share one network: each port can be bound once",
                );
            if let Some(label) = ctx.label_at(&other.origin, "used here") {
                diagnostic = diagnostic.with_secondary(label);
            }
            ctx.report(diagnostic.with_help("give the sidecar a port of its own"));
            ok = false;
        }
    }
    ok.then_some(ports)
}
