//! The pod template every workload kind shares, hardened by default: non-root with numeric ids,
//! read-only root filesystem, no privilege escalation, all capabilities dropped, the runtime's
//! seccomp profile, no service-account token, requests and a memory limit, probes, a pre-stop
//! drain and a grace period, and topology spread for replicated workloads.

use super::meta::{selector, workload_labels};
use crate::ir::containers::is_sidecar_port;
use crate::ir::labels::TRACK_LABEL;
use crate::ir::{AppIr, PortIr, ProbeIr, ResourcesIr, WorkloadIr};
use crate::model::spec::{EnvValue, ProbeCheck, Protocol, Restart, Spread};
use crate::types::quantity::{format_bytes, format_cpu};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMapEnvSource, Container, ContainerPort, EmptyDirVolumeSource,
    EnvFromSource, EnvVar, EnvVarSource, ExecAction, GRPCAction, HTTPGetAction, Lifecycle,
    LifecycleHandler, PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements,
    SeccompProfile, SecretKeySelector, SecurityContext, SleepAction, TCPSocketAction,
    TopologySpreadConstraint, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// Istio's pod annotation asking for the proxy as a native sidecar.
pub const NATIVE_SIDECAR: &str = "sidecar.istio.io/nativeSidecar";

/// The name of the volume claim template of stateful workloads.
pub const DATA_VOLUME: &str = "data";

/// Builds the pod template. `config_map` is the content-hashed name of the workload's ConfigMap.
pub fn pod_template(
    app: &AppIr,
    workload: &WorkloadIr,
    config_map: Option<&str>,
) -> PodTemplateSpec {
    let mut annotations: BTreeMap<String, String> = workload
        .annotations
        .iter()
        .map(|e| (e.key.clone(), e.value.value.clone()))
        .collect();
    if app.mesh.is_some() {
        // The proxy as a native sidecar (an init container that keeps running, GA since
        // Kubernetes 1.33): it starts before the application and stops after it, so a Job
        // completes; and the pod's `containers` — what rules check — stay the application's own.
        annotations.insert(NATIVE_SIDECAR.to_string(), "true".to_string());
    }
    let mut labels = workload_labels(app, workload);
    if workload
        .traffic
        .as_ref()
        .is_some_and(|t| t.canary.is_some())
    {
        labels.insert(TRACK_LABEL.to_string(), "stable".to_string());
    }
    let (mut volumes, mounts) = volumes(workload);
    let init_containers = super::containers::init_containers(workload, &mut volumes);
    let restart_policy = workload.batch.as_ref().map(|batch| {
        match batch.restart {
            Restart::OnFailure => "OnFailure",
            Restart::Never => "Never",
        }
        .to_string()
    });
    let mut spec = PodSpec {
        service_account_name: Some(workload.name.clone()),
        automount_service_account_token: Some(false),
        enable_service_links: Some(false),
        security_context: Some(pod_security(workload)),
        init_containers: non_empty(init_containers),
        containers: vec![container(workload, config_map, mounts)],
        volumes: non_empty(volumes),
        termination_grace_period_seconds: Some(to_i64(workload.grace_seconds.value)),
        topology_spread_constraints: non_empty(spread(app, workload)),
        restart_policy,
        ..PodSpec::default()
    };
    super::placement::apply(app, workload, &mut spec);
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels),
            annotations: non_empty_map(annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(spec),
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `Some(v)` unless `v` is empty: no field is ever emitted empty.
pub fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

/// `Some(m)` unless `m` is empty.
pub fn non_empty_map(m: BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
    (!m.is_empty()).then_some(m)
}

fn pod_security(workload: &WorkloadIr) -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(workload.security.user.value),
        run_as_group: Some(workload.security.group.value),
        fs_group: Some(workload.security.group.value),
        fs_group_change_policy: workload
            .storage
            .as_ref()
            .map(|_| "OnRootMismatch".to_string()),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".to_string(),
            ..SeccompProfile::default()
        }),
        ..PodSecurityContext::default()
    }
}

pub(super) fn container_security() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        privileged: Some(false),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_string()]),
            ..Capabilities::default()
        }),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".to_string(),
            ..SeccompProfile::default()
        }),
        ..SecurityContext::default()
    }
}

fn container(
    workload: &WorkloadIr,
    config_map: Option<&str>,
    mounts: Vec<VolumeMount>,
) -> Container {
    let image = &workload.image.value;
    let pull_policy = workload.image_pull.value.as_str();
    let ports: Vec<ContainerPort> = workload
        .ports
        .iter()
        .filter(|port| !is_sidecar_port(workload, port))
        .map(|port| ContainerPort {
            name: Some(port.name.clone()),
            container_port: i32::from(port.number),
            protocol: Some(transport(port).to_string()),
            ..ContainerPort::default()
        })
        .collect();
    let env: Vec<EnvVar> = workload
        .env
        .iter()
        .map(|entry| env_var(&entry.key, &entry.value.value))
        .collect();
    let env_from = config_map.map(|name| {
        vec![EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource {
                name: name.to_string(),
                optional: Some(false),
            }),
            ..EnvFromSource::default()
        }]
    });
    let lifecycle = workload.drain_seconds.as_ref().map(|drain| Lifecycle {
        pre_stop: Some(LifecycleHandler {
            sleep: Some(SleepAction {
                seconds: to_i64(drain.value),
            }),
            ..LifecycleHandler::default()
        }),
        ..Lifecycle::default()
    });
    Container {
        name: workload.name.clone(),
        image: Some(image.to_string()),
        image_pull_policy: Some(pull_policy.to_string()),
        command: workload
            .command
            .as_ref()
            .map(|c| c.value.clone())
            .and_then(non_empty),
        args: workload
            .args
            .as_ref()
            .map(|a| a.value.clone())
            .and_then(non_empty),
        ports: non_empty(ports),
        env: non_empty(env),
        env_from,
        resources: Some(resources(&workload.resources)),
        readiness_probe: workload
            .probes
            .ready
            .as_ref()
            .map(|p| probe(&p.value, &workload.ports)),
        liveness_probe: workload
            .probes
            .live
            .as_ref()
            .map(|p| probe(&p.value, &workload.ports)),
        startup_probe: workload
            .probes
            .startup
            .as_ref()
            .map(|p| probe(&p.value, &workload.ports)),
        lifecycle,
        security_context: Some(container_security()),
        volume_mounts: non_empty(mounts),
        termination_message_policy: Some("FallbackToLogsOnError".to_string()),
        ..Container::default()
    }
}

/// The transport protocol Kubernetes needs for a port.
pub fn transport(port: &PortIr) -> &'static str {
    match port.protocol {
        Protocol::Udp => "UDP",
        _ => "TCP",
    }
}

pub(super) fn env_var(name: &str, value: &EnvValue) -> EnvVar {
    match value {
        EnvValue::Literal(text) => EnvVar {
            name: name.to_string(),
            value: Some(text.clone()),
            ..EnvVar::default()
        },
        EnvValue::Secret { name: secret, key } => EnvVar {
            name: name.to_string(),
            value_from: Some(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: secret.clone(),
                    key: key.clone(),
                    optional: Some(false),
                }),
                ..EnvVarSource::default()
            }),
            ..EnvVar::default()
        },
    }
}

pub(super) fn resources(r: &ResourcesIr) -> ResourceRequirements {
    let mut requests = BTreeMap::new();
    requests.insert("cpu".to_string(), Quantity(format_cpu(r.cpu_request.value)));
    requests.insert(
        "memory".to_string(),
        Quantity(format_bytes(r.memory_request.value)),
    );
    let mut limits = BTreeMap::new();
    limits.insert(
        "memory".to_string(),
        Quantity(format_bytes(r.memory_limit.value)),
    );
    if let Some(cpu_limit) = &r.cpu_limit {
        limits.insert("cpu".to_string(), Quantity(format_cpu(cpu_limit.value)));
    }
    ResourceRequirements {
        requests: Some(requests),
        limits: Some(limits),
        ..ResourceRequirements::default()
    }
}

pub(super) fn probe(ir: &ProbeIr, ports: &[PortIr]) -> Probe {
    let port = || IntOrString::String(ir.port.clone().unwrap_or_default());
    let grpc_port = || {
        ir.port
            .as_ref()
            .and_then(|name| ports.iter().find(|p| p.name == *name))
            .map_or(0, |p| i32::from(p.number))
    };
    let mut probe = Probe {
        initial_delay_seconds: (ir.delay_seconds > 0).then(|| to_i32(ir.delay_seconds)),
        period_seconds: Some(to_i32(ir.period_seconds)),
        timeout_seconds: Some(to_i32(ir.timeout_seconds)),
        failure_threshold: Some(to_i32(ir.failures)),
        success_threshold: ir.success.map(to_i32),
        ..Probe::default()
    };
    match &ir.check {
        ProbeCheck::Http { path } => {
            probe.http_get = Some(HTTPGetAction {
                path: Some(path.clone()),
                port: port(),
                ..HTTPGetAction::default()
            })
        }
        ProbeCheck::Tcp => {
            probe.tcp_socket = Some(TCPSocketAction {
                port: port(),
                ..TCPSocketAction::default()
            })
        }
        // gRPC probes take a port number, not a name.
        ProbeCheck::Grpc => {
            probe.grpc = Some(GRPCAction {
                port: grpc_port(),
                ..GRPCAction::default()
            })
        }
        ProbeCheck::Exec { command } => {
            probe.exec = Some(ExecAction {
                command: Some(command.clone()),
            })
        }
    }
    probe
}

/// The emptyDir and data volumes, with their mounts.
fn volumes(workload: &WorkloadIr) -> (Vec<Volume>, Vec<VolumeMount>) {
    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    if let Some(limit) = workload.scratch.tmp {
        volumes.push(empty_dir("tmp", limit));
        mounts.push(mount("tmp", "/tmp"));
    }
    let mut used: Vec<String> = vec!["tmp".to_string(), DATA_VOLUME.to_string()];
    used.extend(workload.volumes.iter().map(|v| v.name.clone()));
    for (path, limit) in &workload.scratch.writable {
        let name = volume_name(path, &used);
        used.push(name.clone());
        volumes.push(empty_dir(&name, *limit));
        mounts.push(mount(&name, path));
    }
    if let Some(storage) = &workload.storage {
        mounts.push(mount(DATA_VOLUME, &storage.mount));
    }
    super::files::volumes(workload, &mut used, &mut volumes, &mut mounts);
    (volumes, mounts)
}

pub(super) fn empty_dir(name: &str, limit: u64) -> Volume {
    Volume {
        name: name.to_string(),
        empty_dir: Some(EmptyDirVolumeSource {
            size_limit: Some(Quantity(format_bytes(limit))),
            ..EmptyDirVolumeSource::default()
        }),
        ..Volume::default()
    }
}

pub(super) fn mount(name: &str, path: &str) -> VolumeMount {
    VolumeMount {
        name: name.to_string(),
        mount_path: path.to_string(),
        ..VolumeMount::default()
    }
}

/// A DNS-label volume name derived from a path (`/var/cache/nginx` → `var-cache-nginx`), unique
/// among `used`.
pub(super) fn volume_name(path: &str, used: &[String]) -> String {
    let mut base: String = path
        .trim_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    base.truncate(50);
    let base = base.trim_matches('-').to_string();
    let base = if base.is_empty() {
        "writable".to_string()
    } else {
        base
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// Spread across zones and nodes (or nodes only) when more than one replica may run. Zones use
/// `ScheduleAnyway` so single-zone clusters still schedule; nodes too, so small clusters do not
/// get stuck during rollouts.
fn spread(app: &AppIr, workload: &WorkloadIr) -> Vec<TopologySpreadConstraint> {
    let several = workload
        .replicas
        .as_ref()
        .is_some_and(|r| r.value.max() >= 2);
    if !several {
        return Vec::new();
    }
    let keys: &[&str] = match workload.spread.value {
        Spread::Regions => &[
            "topology.kubernetes.io/region",
            "topology.kubernetes.io/zone",
            "kubernetes.io/hostname",
        ],
        Spread::Zones => &["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
        Spread::Hosts => &["kubernetes.io/hostname"],
        Spread::None => &[],
    };
    // Deployments label each ReplicaSet's pods with a hash; spreading per hash keeps the new
    // ReplicaSet spread during a rollout.
    let match_label_keys = workload
        .kind
        .info()
        .rollout_label
        .map(|label| vec![label.to_string()]);
    // `spread: zones hard`: the widest domain refuses to unbalance; the narrower ones stay soft.
    let hard = workload.placement().spread_hard;
    keys.iter()
        .enumerate()
        .map(|(i, key)| TopologySpreadConstraint {
            max_skew: 1,
            topology_key: (*key).to_string(),
            when_unsatisfiable: if hard && i == 0 {
                "DoNotSchedule"
            } else {
                "ScheduleAnyway"
            }
            .to_string(),
            label_selector: Some(selector(app, workload)),
            match_label_keys: match_label_keys.clone(),
            ..TopologySpreadConstraint::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::volume_name;

    #[test]
    fn volume_names_are_dns_labels_and_unique() {
        assert_eq!(volume_name("/var/cache/nginx", &[]), "var-cache-nginx");
        assert_eq!(volume_name("/tmp", &["tmp".to_string()]), "tmp-2");
        assert_eq!(volume_name("/", &[]), "writable");
    }
}
