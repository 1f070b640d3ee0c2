//! The property vocabulary of rules: what a `require` rule or a `policy` can say about a workload.
//!
//! Every property has a type, a one-line description (for documentation, hover and completion),
//! the workload kinds it applies to, and a group: a rule may combine properties of one group only,
//! because each group is enforced in the cluster on its own kind of resource (pod controllers,
//! their autoscalers, Services). A rule never applies to a workload for which one of its
//! properties is undefined (`replicas.min` says nothing about a cron job).

use crate::model::spec::WorkloadKind;

/// The type of a property, a parameter or a literal in a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `true` / `false`.
    Bool,
    /// A whole number.
    Int,
    /// Text.
    Str,
    /// CPU, in millicores (`250m`, `1`).
    Cpu,
    /// Memory, in bytes (`256Mi`).
    Memory,
    /// A list of values of one type.
    List(Box<Ty>),
    /// The labels of a workload (a map; tested with `has` and `has_all`).
    Labels,
    /// Something that is only present or absent (a probe).
    Presence,
}

impl Ty {
    /// The type as written in parameter declarations and messages.
    pub fn describe(&self) -> String {
        match self {
            Ty::Bool => "bool".to_string(),
            Ty::Int => "int".to_string(),
            Ty::Str => "string".to_string(),
            Ty::Cpu => "cpu".to_string(),
            Ty::Memory => "memory".to_string(),
            Ty::List(inner) => format!("[{}]", inner.describe()),
            Ty::Labels => "labels".to_string(),
            Ty::Presence => "presence".to_string(),
        }
    }

    /// Whether values of the type can be ordered with `<`, `>`, `<=`, `>=`.
    pub fn is_ordered(&self) -> bool {
        matches!(self, Ty::Int | Ty::Cpu | Ty::Memory)
    }
}

/// Which resources a group of properties is enforced on in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// The pod template of a controller (and bare Pods): containers, images, security, labels.
    Pod,
    /// Replica counts: the controller's `replicas`, or its HorizontalPodAutoscaler's bounds.
    Replicas,
    /// The workload's Service.
    Service,
    /// The mesh's routes to the workload (its `VirtualService`s).
    Traffic,
    /// How the workload is exposed outside the cluster: its Ingress, its Gateway API
    /// `HTTPRoute`, or, in the mesh, its Istio `Gateway`.
    Expose,
}

impl Group {
    /// Whether the group's resources exist only in the service mesh, so its rules cannot reach
    /// the cluster for an app outside it (see `backends/kyverno`, W0012).
    pub fn needs_mesh(self) -> bool {
        matches!(self, Group::Traffic)
    }
}

/// One property of a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Property {
    /// `image`: the image reference as emitted.
    Image,
    /// `image.registry`: the registry host (`docker.io` when none is written).
    ImageRegistry,
    /// `image.repository`: the repository path (`library/postgres` for Docker Hub official images).
    ImageRepository,
    /// `image.tag`: the tag (`latest` when neither a tag nor a digest is written).
    ImageTag,
    /// `image.digest`: the digest, if the image is pinned by one.
    ImageDigest,
    /// `replicas.min`: the fewest replicas that run (the fixed count, or the autoscaler's minimum).
    ReplicasMin,
    /// `replicas.max`: the most replicas that may run.
    ReplicasMax,
    /// `cpu.request`.
    CpuRequest,
    /// `cpu.limit`.
    CpuLimit,
    /// `memory.request`.
    MemoryRequest,
    /// `memory.limit`.
    MemoryLimit,
    /// `probes.ready`: a readiness probe is set.
    ProbesReady,
    /// `probes.live`: a liveness probe is set.
    ProbesLive,
    /// `probes.startup`: a startup probe is set.
    ProbesStartup,
    /// `labels`: the labels of the workload's resources.
    Labels,
    /// `ports`: the container port numbers.
    Ports,
    /// `kind`: the Kubernetes kind of the controller (`Deployment`, `StatefulSet`, …).
    Kind,
    /// `security.non_root`: the container must run as a non-root user.
    NonRoot,
    /// `security.privileged`: the container runs privileged.
    Privileged,
    /// `security.privilege_escalation`: a process may gain more privileges than its parent.
    PrivilegeEscalation,
    /// `security.read_only_root`: the root filesystem is read-only.
    ReadOnlyRoot,
    /// `security.host_network`: the pod uses the node's network namespace.
    HostNetwork,
    /// `security.host_pid`: the pod shares the node's process namespace.
    HostPid,
    /// `security.host_ipc`: the pod shares the node's IPC namespace.
    HostIpc,
    /// `service.type`: the type of the workload's Service (`ClusterIP`, `NodePort`, …).
    ServiceType,
    /// `traffic.fault`: the mesh injects faults (delays or errors) into requests to the workload.
    TrafficFault,
    /// `expose.tls`: the workload's exposed host is served over TLS only.
    ExposeTls,
}

/// Static facts about a property.
#[derive(Debug, Clone, Copy)]
pub struct PropertyInfo {
    /// The property.
    pub property: Property,
    /// Its dotted name in rules.
    pub name: &'static str,
    /// What it means.
    pub summary: &'static str,
    /// Where it is enforced in the cluster.
    pub group: Group,
    /// The workload kinds it is defined for.
    pub kinds: &'static [WorkloadKind],
}

use WorkloadKind::{Cron, Daemon, Job, Service, Stateful, Worker};

const ALL_KINDS: &[WorkloadKind] = &[Service, Worker, Stateful, Job, Cron, Daemon];
const LONG_RUNNING: &[WorkloadKind] = &[Service, Worker, Stateful, Daemon];
const REPLICATED: &[WorkloadKind] = &[Service, Worker, Stateful];
const WITH_SERVICE: &[WorkloadKind] = &[Service, Stateful];
const EXPOSABLE: &[WorkloadKind] = &[Service];

const fn info(
    property: Property,
    name: &'static str,
    group: Group,
    kinds: &'static [WorkloadKind],
    summary: &'static str,
) -> PropertyInfo {
    PropertyInfo {
        property,
        name,
        summary,
        group,
        kinds,
    }
}

/// Every property, in documentation order.
pub const PROPERTIES: &[PropertyInfo] = &[
    info(
        Property::Image,
        "image",
        Group::Pod,
        ALL_KINDS,
        "The image reference, as emitted.",
    ),
    info(
        Property::ImageRegistry,
        "image.registry",
        Group::Pod,
        ALL_KINDS,
        "The registry host (`docker.io` when none is written).",
    ),
    info(
        Property::ImageRepository,
        "image.repository",
        Group::Pod,
        ALL_KINDS,
        "The repository path (`library/postgres` for Docker Hub official images).",
    ),
    info(
        Property::ImageTag,
        "image.tag",
        Group::Pod,
        ALL_KINDS,
        "The tag (`latest` when neither a tag nor a digest is written; absent for a digest alone).",
    ),
    info(
        Property::ImageDigest,
        "image.digest",
        Group::Pod,
        ALL_KINDS,
        "The digest, when the image is pinned by one.",
    ),
    info(
        Property::ReplicasMin,
        "replicas.min",
        Group::Replicas,
        REPLICATED,
        "The fewest replicas that run: the fixed count, or the autoscaler's minimum.",
    ),
    info(
        Property::ReplicasMax,
        "replicas.max",
        Group::Replicas,
        REPLICATED,
        "The most replicas that may run.",
    ),
    info(
        Property::CpuRequest,
        "cpu.request",
        Group::Pod,
        ALL_KINDS,
        "The CPU request.",
    ),
    info(
        Property::CpuLimit,
        "cpu.limit",
        Group::Pod,
        ALL_KINDS,
        "The CPU limit, when one is set.",
    ),
    info(
        Property::MemoryRequest,
        "memory.request",
        Group::Pod,
        ALL_KINDS,
        "The memory request.",
    ),
    info(
        Property::MemoryLimit,
        "memory.limit",
        Group::Pod,
        ALL_KINDS,
        "The memory limit.",
    ),
    info(
        Property::ProbesReady,
        "probes.ready",
        Group::Pod,
        LONG_RUNNING,
        "A readiness probe is set.",
    ),
    info(
        Property::ProbesLive,
        "probes.live",
        Group::Pod,
        LONG_RUNNING,
        "A liveness probe is set.",
    ),
    info(
        Property::ProbesStartup,
        "probes.startup",
        Group::Pod,
        LONG_RUNNING,
        "A startup probe is set.",
    ),
    info(
        Property::Labels,
        "labels",
        Group::Pod,
        ALL_KINDS,
        "The labels of the workload's resources: test them with `labels.has(\"key\")` or `labels.has_all([…])`.",
    ),
    info(
        Property::Ports,
        "ports",
        Group::Pod,
        ALL_KINDS,
        "The container port numbers: test them with `8080 in ports`.",
    ),
    info(
        Property::Kind,
        "kind",
        Group::Pod,
        ALL_KINDS,
        "The controller kind: `Deployment`, `StatefulSet`, `DaemonSet`, `Job` or `CronJob`.",
    ),
    info(
        Property::NonRoot,
        "security.non_root",
        Group::Pod,
        ALL_KINDS,
        "The container must run as a non-root user.",
    ),
    info(
        Property::Privileged,
        "security.privileged",
        Group::Pod,
        ALL_KINDS,
        "The container runs privileged.",
    ),
    info(
        Property::PrivilegeEscalation,
        "security.privilege_escalation",
        Group::Pod,
        ALL_KINDS,
        "A process may gain more privileges than its parent.",
    ),
    info(
        Property::ReadOnlyRoot,
        "security.read_only_root",
        Group::Pod,
        ALL_KINDS,
        "The root filesystem is read-only.",
    ),
    info(
        Property::HostNetwork,
        "security.host_network",
        Group::Pod,
        ALL_KINDS,
        "The pod uses the node's network namespace.",
    ),
    info(
        Property::HostPid,
        "security.host_pid",
        Group::Pod,
        ALL_KINDS,
        "The pod shares the node's process namespace.",
    ),
    info(
        Property::HostIpc,
        "security.host_ipc",
        Group::Pod,
        ALL_KINDS,
        "The pod shares the node's IPC namespace.",
    ),
    info(
        Property::ServiceType,
        "service.type",
        Group::Service,
        WITH_SERVICE,
        "The type of the workload's Service: `ClusterIP`, `NodePort` or `LoadBalancer`.",
    ),
    info(
        Property::TrafficFault,
        "traffic.fault",
        Group::Traffic,
        WITH_SERVICE,
        "The mesh injects faults (`traffic { fault { … } }`) into requests to the workload.",
    ),
    info(
        Property::ExposeTls,
        "expose.tls",
        Group::Expose,
        EXPOSABLE,
        "The exposed host is served over TLS only (defined for exposed workloads): an ingress with `tls: SECRET`; in the mesh, a route with `tls: SECRET`; otherwise, a route attached to a Gateway listener stated to be HTTPS (`gateway { …, section: NAME, https: true }`).",
    ),
];

/// Shorthands that stand for an expression over properties.
pub const DERIVED: &[(&str, &str)] = &[
    (
        "image.pinned",
        "The image is pinned: by digest, or by a tag other than `latest` (`image.digest or image.tag != \"latest\"`).",
    ),
    (
        "security.host_namespaces",
        "The pod shares a namespace of the node (`security.host_network or security.host_pid or security.host_ipc`).",
    ),
];

/// The values `kind` can take.
pub const KIND_VALUES: &[&str] = &crate::model::kinds::CONTROLLERS;

/// The values `service.type` can take.
pub const SERVICE_TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

impl Property {
    /// The property's static facts.
    pub fn info(self) -> &'static PropertyInfo {
        PROPERTIES
            .iter()
            .find(|i| i.property == self)
            .unwrap_or(&PROPERTIES[0])
    }

    /// Its dotted name.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Looks a property up by its dotted name.
    pub fn from_name(name: &str) -> Option<Property> {
        PROPERTIES
            .iter()
            .find(|i| i.name == name)
            .map(|i| i.property)
    }

    /// The type of its values.
    pub fn ty(self) -> Ty {
        match self {
            Property::Image
            | Property::ImageRegistry
            | Property::ImageRepository
            | Property::ImageTag
            | Property::ImageDigest
            | Property::Kind
            | Property::ServiceType => Ty::Str,
            Property::ReplicasMin | Property::ReplicasMax => Ty::Int,
            Property::CpuRequest | Property::CpuLimit => Ty::Cpu,
            Property::MemoryRequest | Property::MemoryLimit => Ty::Memory,
            Property::ProbesReady
            | Property::ProbesLive
            | Property::ProbesStartup
            | Property::TrafficFault => Ty::Presence,
            Property::Labels => Ty::Labels,
            Property::Ports => Ty::List(Box::new(Ty::Int)),
            Property::NonRoot
            | Property::Privileged
            | Property::PrivilegeEscalation
            | Property::ReadOnlyRoot
            | Property::HostNetwork
            | Property::HostPid
            | Property::HostIpc
            | Property::ExposeTls => Ty::Bool,
        }
    }

    /// The values a string property can take, when they are a closed set.
    pub fn choices(self) -> Option<&'static [&'static str]> {
        match self {
            Property::Kind => Some(KIND_VALUES),
            Property::ServiceType => Some(SERVICE_TYPES),
            _ => None,
        }
    }

    /// Whether the property is defined for workloads of `kind`.
    pub fn applies_to(self, kind: WorkloadKind) -> bool {
        self.info().kinds.contains(&kind)
    }

    /// Whether the property is (a part of) the container image: the one thing a service mesh's
    /// injected containers cannot share with the application (their image is the mesh's).
    pub fn is_image(self) -> bool {
        matches!(
            self,
            Property::Image
                | Property::ImageRegistry
                | Property::ImageRepository
                | Property::ImageTag
                | Property::ImageDigest
        )
    }
}

#[cfg(test)]
mod kind_sets {
    use super::*;
    use crate::model::kinds::{KINDS, KindInfo};

    fn kinds_where(keep: impl Fn(&KindInfo) -> bool) -> Vec<WorkloadKind> {
        KINDS.iter().filter(|i| keep(i)).map(|i| i.kind).collect()
    }

    /// The sets of kinds properties are defined for are the workload-kind registry's.
    #[test]
    fn the_kind_sets_are_the_registrys() {
        assert_eq!(ALL_KINDS, WorkloadKind::ALL);
        assert_eq!(LONG_RUNNING, kinds_where(|i| !i.batch));
        assert_eq!(REPLICATED, kinds_where(|i| i.replicated));
        assert_eq!(WITH_SERVICE, kinds_where(|i| i.service));
        let expose = crate::model::schema::WORKLOAD_FIELDS
            .iter()
            .find(|f| f.name == "expose")
            .map(|f| f.kinds);
        assert_eq!(
            EXPOSABLE,
            kinds_where(|i| expose.is_some_and(|k| k.allows(i.kind)))
        );
    }
}
