//! Sidecars and init containers as written: the extra containers of a workload's pod, each named,
//! each a subset of a workload's own fields (image, command, env, resources…). A workload's
//! `sidecars { … }` and `init { … }` blocks, an app's or a tier's `defaults` and an environment
//! may each declare containers; the layers merge by container name, and a container named in two
//! layers gets each of its fields from the higher one ([`Containers`]'s [`Slot`]).

use super::fields::{Slot, WorkloadSpec};
use super::schema::{Defaults, FieldInfo, Kinds};
use super::spec::{Entry, Origin};
use super::values::shape;
use k8sc_grammar::Span;

/// What an extra container is: a native sidecar (an init container with `restartPolicy:
/// Always`, started before the others and stopped after them) or an init container that runs to
/// completion before the next one starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerRole {
    /// `sidecars { NAME { … } }`.
    Sidecar,
    /// `init { NAME { … } }`.
    Init,
}

impl ContainerRole {
    /// The block's keyword (`sidecars`, `init`): the field of [`WorkloadSpec`] and the key written.
    pub fn keyword(self) -> &'static str {
        match self {
            ContainerRole::Sidecar => "sidecars",
            ContainerRole::Init => "init",
        }
    }

    /// The noun for messages (`sidecar`, `init container`).
    pub fn noun(self) -> &'static str {
        match self {
            ContainerRole::Sidecar => "sidecar",
            ContainerRole::Init => "init container",
        }
    }

    /// The noun with its article (`a sidecar`, `an init container`).
    pub fn a(self) -> &'static str {
        match self {
            ContainerRole::Sidecar => "a sidecar",
            ContainerRole::Init => "an init container",
        }
    }

    /// The workload fields a container of this role may set: a sidecar is long-running and
    /// serves (ports, probes); an init container runs to completion, so it has neither.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            ContainerRole::Sidecar => SIDECAR_FIELDS,
            ContainerRole::Init => INIT_FIELDS,
        }
    }
}

/// The fields of a sidecar, in documentation order.
pub const SIDECAR_FIELDS: &[&str] = &[
    "image",
    "image_pull",
    "port",
    "ports",
    "cpu",
    "memory",
    "probes",
    "env",
    "command",
    "args",
    "writable",
    "tmp",
];

/// The fields of an init container, in documentation order.
pub const INIT_FIELDS: &[&str] = &[
    "image",
    "image_pull",
    "cpu",
    "memory",
    "env",
    "command",
    "args",
    "writable",
    "tmp",
];

/// `mounts { VOLUME: "/path" }`: a container's own field (the workload's container mounts a
/// volume where the volume says), for completion, hover and the reference.
pub const MOUNTS_FIELD: FieldInfo = FieldInfo {
    name: "mounts",
    kinds: Kinds::All,
    defaults: Defaults::Allowed,
    syntax: "mounts { logs: \"/var/log/app\", storage: \"/data\" }",
    summary: "Where the container mounts the pod's shared `volumes` (and `storage`, the stateful volume), read-write.",
    block: true,
    value: Some(shape(
        "a map `{ VOLUME: \"/path\" }` of the workload's `volumes` (or `storage`) to absolute paths",
    )),
};

/// The key of `mounts` that names a stateful workload's persistent volume.
pub const STORAGE_MOUNT: &str = "storage";

/// One extra container as written in one layer: its name and the fields it sets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContainerSpec {
    /// The container's name as written (a DNS label).
    pub name: String,
    /// Where the name is written (in the highest layer that names the container).
    pub name_span: Span,
    /// Where the container's block is written (layer and file).
    pub origin: Origin,
    /// Its fields: only those of [`ContainerRole::fields`] are ever set.
    pub spec: WorkloadSpec,
    /// `mounts { VOLUME: "/path" }`: the pod's volumes it mounts, by volume name.
    pub mounts: Vec<Entry<String>>,
}

/// The sidecars (or init containers) of a workload, in order: what a layer declares, and once
/// layered, the effective list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Containers(pub Vec<ContainerSpec>);

impl Containers {
    /// Whether no container is declared.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Merged by container name: a container that both layers name takes each field from the higher
/// layer ([`WorkloadSpec::overlay`]). A container keeps the place the lowest layer naming it gave
/// it: the lower layer's containers come first, in its order, then those only the higher layer
/// names, in its order — so a platform's sidecars (from a tier) start before an app's, its init
/// containers run before the app's, and an environment changing a container never moves it.
impl Slot for Containers {
    type Read = Containers;
    fn store(&mut self, read: Containers, _origin: Origin) {
        *self = read;
    }
    fn overlay(&mut self, lower: Self) {
        let mut own = std::mem::take(&mut self.0);
        let mut merged: Vec<ContainerSpec> = Vec::with_capacity(own.len() + lower.0.len());
        for below in lower.0 {
            match own.iter().position(|c| c.name == below.name) {
                Some(i) => {
                    let mut above = own.remove(i);
                    above.spec = above.spec.overlay(below.spec);
                    super::spec::merge_entries(&mut above.mounts, below.mounts);
                    merged.push(above);
                }
                None => merged.push(below),
            }
        }
        merged.extend(own);
        self.0 = merged;
    }
    fn origins<'a>(&'a self, name: &str, out: &mut Vec<(String, &'a Origin)>) {
        for container in &self.0 {
            for (field, origin) in container.spec.origins() {
                out.push((format!("{name}.{}.{field}", container.name), origin));
            }
            for mount in &container.mounts {
                out.push((
                    format!("{name}.{}.mounts.{}", container.name, mount.key),
                    &mount.value.origin,
                ));
            }
        }
    }
}
