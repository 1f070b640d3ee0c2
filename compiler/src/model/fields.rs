//! The registry of workload fields: one declarative entry per field, from which everything the
//! compiler and the editor know about it is derived.
//!
//! An entry names the field of [`WorkloadSpec`] and its type (the type decides how the field
//! layers under precedence, through [`Slot`]), the workload kinds it applies to, whether app and
//! tier `defaults` and environment overrides may set it ([`Defaults`]), and for each key
//! that writes it (`port` and `ports` both write `ports`): its syntax and one-line summary (the
//! reference, completion and hover), whether completion inserts a block, what its value may be
//! ([`ValueInfo`]: hover and completion) and how it is read (`read: |ctx, field| …`).
//!
//! From the one table, [`workload_fields!`] generates: the [`WorkloadSpec`] struct, its
//! `overlay` (precedence) and `applicable_to` (kinds), the field origins the editor lists
//! ([`WorkloadSpec::origins`]), [`WORKLOAD_FIELDS`] (the checker's catalogue, the reference
//! documentation, completion and hover), and — expanded in the checker, where the readers live
//! — the dispatch that reads each key (`semantic::workload`). Every part of an entry is
//! required by the macro's grammar, so a field cannot be half registered; lowering it into the
//! IR is checked by the test that every field's example changes the output
//! (`every_workload_field_reaches_the_output`).
//!
//! The `read` expressions are tokens only here: they are resolved where the table is expanded
//! for reading, so this module imports nothing of the checker.

use super::containers::Containers;
use super::kinds::WorkloadKind;
use super::lifecycle::{POD_MANAGEMENT, PodManagement, STRATEGY, Strategy};
use super::patch::PatchSpec;
use super::schema::{BATCH, Defaults, FieldInfo, Kinds, LONG_RUNNING, REPLICATED};
use super::service::ServiceOptions;
use super::spec::{
    AllowSpec, Autoscale, CallRef, Concurrency, Disruption, Entry, EnvValue, Expose, ImagePull,
    Origin, PortSpec, ProbeSet, Replicas, Resource, Restart, Sourced, Storage, Tmp,
};
use super::traffic::TrafficSpec;
use super::values::*;
use crate::types::image::ImageRef;
use WorkloadKind::{Cron, Service, Stateful, Worker};

/// How one field of [`WorkloadSpec`] is stored, read and layered: implemented once per storage
/// shape, so the registry's type of a field decides its precedence rule.
pub trait Slot: Default {
    /// What the field's reader returns.
    type Read;
    /// Stores what was read at `origin` (the key's value).
    fn store(&mut self, read: Self::Read, origin: Origin);
    /// Fills what this (higher) layer leaves unset from `lower`.
    fn overlay(&mut self, lower: Self);
    /// Where each value set was written, named `name` (or `name.KEY`, `name.PROBE`).
    fn origins<'a>(&'a self, name: &str, out: &mut Vec<(String, &'a Origin)>);
}

/// A single value: the highest layer that sets it wins.
impl<T> Slot for Option<Sourced<T>> {
    type Read = Option<T>;
    fn store(&mut self, read: Option<T>, origin: Origin) {
        *self = read.map(|value| Sourced::new(value, origin));
    }
    fn overlay(&mut self, lower: Self) {
        if self.is_none() {
            *self = lower;
        }
    }
    fn origins<'a>(&'a self, name: &str, out: &mut Vec<(String, &'a Origin)>) {
        if let Some(value) = self {
            out.push((name.to_string(), &value.origin));
        }
    }
}

/// Named entries (`env`, `config`, `labels`, `annotations`): merged key by key, the higher layer
/// winning for each key.
impl<T> Slot for Vec<Entry<T>> {
    type Read = Vec<Entry<T>>;
    fn store(&mut self, read: Vec<Entry<T>>, _origin: Origin) {
        *self = read;
    }
    fn overlay(&mut self, lower: Self) {
        super::spec::merge_entries(self, lower);
    }
    fn origins<'a>(&'a self, name: &str, out: &mut Vec<(String, &'a Origin)>) {
        for entry in self {
            out.push((format!("{name}.{}", entry.key), &entry.value.origin));
        }
    }
}

/// The three probes layer one by one.
impl Slot for ProbeSet {
    type Read = ProbeSet;
    fn store(&mut self, read: ProbeSet, _origin: Origin) {
        *self = read;
    }
    fn overlay(&mut self, lower: Self) {
        self.ready.overlay(lower.ready);
        self.live.overlay(lower.live);
        self.startup.overlay(lower.startup);
    }
    fn origins<'a>(&'a self, name: &str, out: &mut Vec<(String, &'a Origin)>) {
        self.ready.origins(&format!("{name}.ready"), out);
        self.live.origins(&format!("{name}.live"), out);
        self.startup.origins(&format!("{name}.startup"), out);
    }
}

/// Patches belong to the declaration that writes them (and repeat): no layer below adds any.
impl Slot for Vec<PatchSpec> {
    type Read = Option<PatchSpec>;
    fn store(&mut self, read: Option<PatchSpec>, _origin: Origin) {
        self.extend(read);
    }
    fn overlay(&mut self, _lower: Self) {}
    fn origins<'a>(&'a self, _name: &str, _out: &mut Vec<(String, &'a Origin)>) {}
}

/// Expands `$callback! { … }` with every workload field of the registry, in documentation order.
/// The grammar of an entry:
///
/// ```text
/// /// doc of the WorkloadSpec field
/// FIELD: TYPE, kinds: KINDS, defaults: DEFAULTS, builtin: |ir| TEXT, {
///     KEY { syntax: "…", summary: "…", block: BOOL, value: VALUE_INFO, read: |ctx, field| EXPR }
///     …more keys writing the same field…
/// }
/// ```
///
/// `builtin` is how the editor shows the field's built-in default, from the workload's IR
/// (`Option<String>`, as it would be written; expanded in `analysis`, where the IR is known).
/// `read` is evaluated with `ctx: &mut Ctx` and `field: &k8sc_grammar::Field` and returns the
/// field's [`Slot::Read`]; errors are reported on `ctx` (a key that reports an error counts as
/// written but rejected).
macro_rules! workload_fields {
    ($callback:ident) => {
        $callback! {
            /// `image`.
            image: Option<Sourced<ImageRef>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                image {
                    syntax: "image: \"ghcr.io/acme/web:2.3.1\"",
                    summary: "The container image, pinned by tag or digest.",
                    block: false,
                    value: ValueInfo {
                        ty: "an image reference `REGISTRY/REPOSITORY:TAG[@sha256:DIGEST]`",
                        choices: &[],
                        units: &[],
                    },
                    read: |ctx, field| read_image(ctx, &field.value)
                }
            }
            /// `port` / `ports`.
            ports: Option<Sourced<Vec<PortSpec>>>,
            kinds: LONG_RUNNING,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                port {
                    syntax: "port: http 8080",
                    summary: "The port the container listens on, with its protocol.",
                    block: false,
                    value: PORT,
                    read: |ctx, field| read_port(ctx, &field.value, None).map(|p| vec![p])
                }
                ports {
                    syntax: "ports { web: http 8080, metrics: http 9100 }",
                    summary: "Several named ports.",
                    block: false,
                    value: ValueInfo {
                        ty: "named ports `{ web: http 8080 }` or a list `[http 8080, tcp 9000]`",
                        choices: &[],
                        units: &[],
                    },
                    read: |ctx, field| read_ports(ctx, &field.value)
                }
            }
            /// `replicas`.
            replicas: Option<Sourced<Replicas>>,
            kinds: REPLICATED,
            defaults: Defaults::Allowed,
            builtin: |ir| Some(match ir.replicas.as_ref()?.value {
                    Replicas::Fixed(n) => n.to_string(),
                    Replicas::Auto { min, max } => format!("{min}..{max}"),
                }), {
                replicas {
                    syntax: "replicas: 3..12",
                    summary: "A fixed count, or min..max for a HorizontalPodAutoscaler.",
                    block: false,
                    value: ValueInfo {
                        ty: "a replica count (`3`) or an autoscaled range `MIN..MAX` (`2..10`)",
                        choices: &[],
                        units: &[],
                    },
                    read: |ctx, field| read_replicas(ctx, &field.value)
                }
            }
            /// `cpu`.
            cpu: Option<Sourced<Resource>>, kinds: Kinds::All, defaults: Defaults::Allowed, builtin: |ir| Some(match &ir.resources.cpu_limit {
                    Some(limit) => format!(
                        "{}..{}",
                        format_cpu(ir.resources.cpu_request.value),
                        format_cpu(limit.value)
                    ),
                    None => format_cpu(ir.resources.cpu_request.value),
                }), {
                cpu {
                    syntax: "cpu: 250m..1",
                    summary: "CPU request, or request..limit.",
                    block: false,
                    value: CPU,
                    read: |ctx, field| ctx.read_resource(
                        &field.value,
                        "cpu",
                        |c, v| c.read_cpu(v),
                        crate::types::quantity::format_cpu,
                    )
                }
            }
            /// `memory`.
            memory: Option<Sourced<Resource>>, kinds: Kinds::All, defaults: Defaults::Allowed, builtin: |ir| Some({
                    let request = ir.resources.memory_request.value;
                    let limit = ir.resources.memory_limit.value;
                    if limit == request {
                        format_bytes(request)
                    } else {
                        format!("{}..{}", format_bytes(request), format_bytes(limit))
                    }
                }), {
                memory {
                    syntax: "memory: 256Mi..512Mi",
                    summary: "Memory request (and limit), or request..limit.",
                    block: false,
                    value: MEMORY,
                    read: |ctx, field| ctx.read_resource(
                        &field.value,
                        "memory",
                        |c, v| c.read_bytes(v, "memory"),
                        crate::types::quantity::format_bytes,
                    )
                }
            }
            /// `probes`.
            probes: ProbeSet, kinds: Kinds::All, defaults: Defaults::Allowed, builtin: |_ir| None,
            {
                probes {
                    syntax: "probes { ready: http \"/ready\", live: http \"/healthz\" }",
                    summary: "Readiness, liveness and startup probes.",
                    block: true,
                    value: shape("a block `{ ready, live, startup }`, each a probe"),
                    read: |ctx, field| read_probes(ctx, &field.value)
                }
            }
            /// `env`.
            env: Vec<Entry<EnvValue>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                env {
                    syntax: "env { LOG_LEVEL: \"info\", DB_URL: secret db.url }",
                    summary: "Environment variables: values or secret references.",
                    block: true,
                    value: shape("a map `{ NAME: \"value\" }`, or `NAME: secret SECRET.KEY`"),
                    read: |ctx, field| read_env(ctx, &field.value)
                }
            }
            /// `config`.
            config: Vec<Entry<String>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                config {
                    syntax: "config { FEATURE_X: \"on\" }",
                    summary: "Settings for a ConfigMap, given to the container as environment variables.",
                    block: true,
                    value: shape("a map `{ NAME: \"value\" }`"),
                    read: |ctx, field| read_config(ctx, &field.value)
                }
            }
            /// `command`.
            command: Option<Sourced<Vec<String>>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                command {
                    syntax: "command: [\"/app/server\"]",
                    summary: "Replaces the image's entrypoint.",
                    block: false,
                    value: shape("a list of strings"),
                    read: |ctx, field| read_arguments(ctx, &field.value, "command")
                }
            }
            /// `args`.
            args: Option<Sourced<Vec<String>>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                args {
                    syntax: "args: [\"--port\", \"8080\"]",
                    summary: "Arguments to the entrypoint.",
                    block: false,
                    value: shape("a list of strings"),
                    read: |ctx, field| read_arguments(ctx, &field.value, "args")
                }
            }
            /// `sidecars`: native sidecars, started before the main container, stopped after it.
            sidecars: Containers,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                sidecars {
                    syntax: "sidecars { exporter { image: \"quay.io/prometheus/nginx-exporter:1.3.0\", port: http 9113 } }",
                    summary: "Containers that run beside the main one for the pod's whole life (native sidecars: they start first and stop last), hardened like it.",
                    block: true,
                    value: shape("a block of named containers `{ NAME { image, port, cpu, memory, env, probes, … } }`"),
                    read: |ctx, field| read_containers(ctx, &field.value, ContainerRole::Sidecar)
                }
            }
            /// `init`: init containers, run to completion in order before the main container.
            init: Containers,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                init {
                    syntax: "init { migrate { image: \"ghcr.io/acme/api:1.9.0\", command: [\"/app/migrate\"] } }",
                    summary: "Containers that run to completion, one after the other, before the main container starts; hardened like it.",
                    block: true,
                    value: shape("a block of named containers `{ NAME { image, command, args, env, cpu, memory, … } }`"),
                    read: |ctx, field| read_containers(ctx, &field.value, ContainerRole::Init)
                }
            }
            /// `storage`.
            storage: Option<Sourced<Storage>>,
            kinds: Kinds::Only(&[Stateful]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                storage {
                    syntax: "storage: 20Gi { class: fast-ssd, mount: \"/data\" }",
                    summary: "A persistent volume per replica.",
                    block: false,
                    value: ValueInfo {
                        ty: "a volume size per replica (`20Gi`), optionally with `{ class, mount }`",
                        choices: &[],
                        units: BYTE_UNITS,
                    },
                    read: |ctx, field| read_storage(ctx, &field.value)
                }
            }
            /// `files`: files mounted into the container, by path.
            files: Vec<Entry<crate::model::files::FileSource>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                files {
                    syntax: "files { \"/etc/app/db/password\": secret db.password }",
                    summary: "Files mounted read-only: inline text, a Secret's key or whole Secret, a service-account token.",
                    block: true,
                    value: shape("a map `{ \"/PATH\": \"\"\"text\"\"\" | secret NAME.KEY | secret NAME | token { audience, expiry } }`"),
                    read: |ctx, field| read_files(ctx, &field.value)
                }
            }
            /// `volumes`: volumes shared by the pod's containers, by name.
            volumes: Vec<Entry<crate::model::files::VolumeSpec>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                volumes {
                    syntax: "volumes { shared: empty_dir { size: 256Mi, mount: \"/var/log/app\" } }",
                    summary: "Volumes shared by the pod's containers: `empty_dir` scratch space or a `claim` (a PersistentVolumeClaim).",
                    block: true,
                    value: shape("a map `{ NAME: empty_dir { size, memory, mount } | claim SIZE { class, access, mount } }`"),
                    read: |ctx, field| read_volumes(ctx, &field.value)
                }
            }
            /// `schedule`.
            schedule: Option<Sourced<String>>,
            kinds: Kinds::Only(&[Cron]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                schedule {
                    syntax: "schedule: \"0 2 * * *\"",
                    summary: "When the cron job runs (cron syntax, or @daily…).",
                    block: false,
                    value: ValueInfo {
                        ty: "a cron schedule (`\"0 2 * * *\"`) or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`",
                        choices: &[],
                        units: &[],
                    },
                    read: |ctx, field| read_schedule(ctx, &field.value)
                }
            }
            /// `timezone`.
            timezone: Option<Sourced<String>>,
            kinds: Kinds::Only(&[Cron]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                timezone {
                    syntax: "timezone: \"Europe/Paris\"",
                    summary: "The time zone of the schedule (default UTC).",
                    block: false,
                    value: shape("an IANA time zone name (`\"Europe/Paris\"`)"),
                    read: |ctx, field| read_timezone(ctx, &field.value)
                }
            }
            /// `concurrency`.
            concurrency: Option<Sourced<Concurrency>>,
            kinds: Kinds::Only(&[Cron]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                concurrency {
                    syntax: "concurrency: forbid",
                    summary: "allow, forbid or replace a run still going when the next is due.",
                    block: false,
                    value: ValueInfo {
                        ty: "what happens when a run is due while the last one still runs",
                        choices: &[
                            Choice { text: "forbid", summary: "skip the new run (default)" },
                            Choice { text: "allow", summary: "run both" },
                            Choice { text: "replace", summary: "stop the old run" },
                        ],
                        units: &[],
                    },
                    read: |ctx, field| ctx.read_choice(
                        &field.value,
                        "concurrency policy",
                        &[
                            ("allow", Concurrency::Allow),
                            ("forbid", Concurrency::Forbid),
                            ("replace", Concurrency::Replace),
                        ],
                    )
                }
            }
            /// `suspend`.
            suspend: Option<Sourced<bool>>,
            kinds: Kinds::Only(&[Cron]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                suspend {
                    syntax: "suspend: true",
                    summary: "Stops scheduling new runs.",
                    block: false,
                    value: ValueInfo {
                        ty: "a boolean",
                        choices: &[
                            Choice { text: "true", summary: "stop scheduling" },
                            Choice { text: "false", summary: "schedule" },
                        ],
                        units: &[],
                    },
                    read: |ctx, field| ctx.read_bool(&field.value)
                }
            }
            /// `completions`.
            completions: Option<Sourced<u32>>,
            kinds: BATCH,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                completions {
                    syntax: "completions: 5",
                    summary: "How many pods must succeed.",
                    block: false,
                    value: COUNT,
                    read: |ctx, field| ctx.read_u32(&field.value, "completions", 1, 100_000)
                }
            }
            /// `parallelism`.
            parallelism: Option<Sourced<u32>>,
            kinds: BATCH,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                parallelism {
                    syntax: "parallelism: 2",
                    summary: "How many pods run at once.",
                    block: false,
                    value: COUNT,
                    read: |ctx, field| ctx.read_u32(&field.value, "parallelism", 1, 100_000)
                }
            }
            /// `retries` (Job backoff limit).
            retries: Option<Sourced<u32>>,
            kinds: BATCH,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                retries {
                    syntax: "retries: 3",
                    summary: "How many failed pods before the job fails.",
                    block: false,
                    value: COUNT,
                    read: |ctx, field| ctx.read_u32(&field.value, "retries", 0, 1_000)
                }
            }
            /// `timeout` (Job active deadline, ms).
            timeout: Option<Sourced<u64>>,
            kinds: BATCH,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                timeout {
                    syntax: "timeout: 30m",
                    summary: "How long the job may run before it is stopped.",
                    block: false,
                    value: DURATION,
                    read: |ctx, field| read_positive_duration(ctx, &field.value)
                }
            }
            /// `ttl` (Job cleanup after finishing, ms).
            ttl: Option<Sourced<u64>>,
            kinds: BATCH,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                ttl {
                    syntax: "ttl: 1d",
                    summary: "How long a finished job is kept.",
                    block: false,
                    value: DURATION,
                    read: |ctx, field| read_seconds(ctx, &field.value)
                }
            }
            /// `restart`.
            restart: Option<Sourced<Restart>>,
            kinds: BATCH,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                restart {
                    syntax: "restart: never",
                    summary: "on_failure (restart in place) or never.",
                    block: false,
                    value: ValueInfo {
                        ty: "when a failed container restarts",
                        choices: &[
                            Choice { text: "never", summary: "the Job makes a new pod (default)" },
                            Choice { text: "on_failure", summary: "restart in the same pod" },
                        ],
                        units: &[],
                    },
                    read: |ctx, field| ctx.read_choice(
                        &field.value,
                        "restart policy",
                        &[("on_failure", Restart::OnFailure), ("never", Restart::Never)],
                    )
                }
            }
            /// `expose`.
            expose: Option<Sourced<Box<Expose>>>,
            kinds: Kinds::Only(&[Service]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                expose {
                    syntax: "expose: route \"shop.example.com\" { path: \"/\" }",
                    summary: "An HTTPRoute (route) or Ingress (ingress) from outside the cluster.",
                    block: false,
                    value: ValueInfo {
                        ty: "`route \"HOST\" { path, port }` (Gateway API) or `ingress \"HOST\" { path, port, tls, class }`; several hosts as a list (`route [\"HOST\", \"www.HOST\"]`), several paths as `paths: [\"/\", \"/api\"]`",
                        choices: &[
                            Choice { text: "route \"example.com\"", summary: "a Gateway API HTTPRoute" },
                            Choice { text: "ingress \"example.com\"", summary: "an Ingress" },
                        ],
                        units: &[],
                    },
                    read: |ctx, field| super::expose::read_expose(ctx, &field.value).map(Box::new)
                }
            }
            /// `service`: how the workload's Service is reached (type, affinity, traffic policy).
            service: ServiceOptions,
            kinds: Kinds::Only(&[Service, Stateful]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                service {
                    syntax: "service { session_affinity: client_ip { timeout: 3h } }",
                    summary: "The workload's Service: a load balancer, session affinity, the external traffic policy, not-ready pods listed.",
                    block: true,
                    value: shape("a block `{ type, session_affinity, external_traffic, publish_not_ready }`"),
                    read: |ctx, field| super::service_options::read_service_options(ctx, &field.value)
                }
            }
            /// `headless`: a second, headless Service `NAME-headless` for peer discovery.
            headless: Option<Sourced<bool>>,
            kinds: Kinds::Only(&[Service]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                headless {
                    syntax: "headless: true",
                    summary: "Also a headless Service NAME-headless: every pod's address in DNS, ready or not, for peers that find each other.",
                    block: false,
                    value: BOOLEAN,
                    read: |ctx, field| ctx.read_bool(&field.value)
                }
            }
            /// `calls`.
            calls: Option<Sourced<Vec<CallRef>>>,
            kinds: Kinds::All,
            defaults: Defaults::Refused {
                why: "`calls` lists what one workload talks to; it is read from the workload's own declaration",
                help: "write `calls` in each workload that makes them",
            },
            builtin: |_ir| None,
            {
                calls {
                    syntax: "calls: [api, payments.ledger, stripe]",
                    summary: "The workloads and external hosts this one talks to.",
                    block: false,
                    value: ValueInfo {
                        ty: "a list of workloads: `NAME` in this app, `APP.NAME` in another",
                        choices: &[],
                        units: &[],
                    },
                    read: |ctx, field| super::calls::read_calls(ctx, &field.value)
                }
            }
            /// `traffic`: how the mesh routes requests to the workload.
            traffic: Option<Sourced<Box<TrafficSpec>>>,
            kinds: Kinds::Only(&[Service, Stateful]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                traffic {
                    syntax: "traffic { timeout: 5s, retries: 3 { per_try: 1s } }",
                    summary: TRAFFIC_SUMMARY,
                    block: false,
                    value: shape("a block `{ timeout, retries, breaker, pool, canary, mirror, fault }`"),
                    read: |ctx, field| super::traffic::read_traffic(ctx, &field.value).map(Box::new)
                }
            }
            /// `user`.
            user: Option<Sourced<i64>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |ir| Some(ir.security.user.value.to_string()),
            {
                user {
                    syntax: "user: 10001",
                    summary: "The numeric user the container runs as (never root).",
                    block: false,
                    value: NUMERIC_ID,
                    read: |ctx, field| read_id(ctx, &field.value, "user")
                }
            }
            /// `group`.
            group: Option<Sourced<i64>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |ir| Some(ir.security.group.value.to_string()),
            {
                group {
                    syntax: "group: 10001",
                    summary: "The numeric group the container runs as.",
                    block: false,
                    value: NUMERIC_ID,
                    read: |ctx, field| read_id(ctx, &field.value, "group")
                }
            }
            /// `writable`: extra writable paths.
            writable: Option<Sourced<Vec<String>>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                writable {
                    syntax: "writable: [\"/var/cache/nginx\"]",
                    summary: "Paths that get a writable empty volume (the root filesystem is read-only).",
                    block: false,
                    value: shape("a list of absolute paths"),
                    read: |ctx, field| read_paths(ctx, &field.value)
                }
            }
            /// `tmp`.
            tmp: Option<Sourced<Tmp>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                tmp {
                    syntax: "tmp: 64Mi",
                    summary: "The writable /tmp volume: false to remove it, or a size limit.",
                    block: false,
                    value: ValueInfo {
                        ty: "`true`, `false` or a size limit (`64Mi`)",
                        choices: &[
                            Choice { text: "false", summary: "no writable /tmp" },
                            Choice { text: "true", summary: "a writable /tmp of 1Gi" },
                        ],
                        units: BYTE_UNITS,
                    },
                    read: |ctx, field| read_tmp(ctx, &field.value)
                }
            }
            /// `grace`: termination grace period (ms).
            grace: Option<Sourced<u64>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |ir| Some(format!("{}s", ir.grace_seconds.value)),
            {
                grace {
                    syntax: "grace: 30s",
                    summary: "How long pods get to shut down.",
                    block: false,
                    value: DURATION,
                    read: |ctx, field| read_seconds(ctx, &field.value)
                }
            }
            /// `drain`: pre-stop sleep (ms).
            drain: Option<Sourced<u64>>,
            kinds: LONG_RUNNING,
            defaults: Defaults::Allowed,
            builtin: |ir| Some(format!("{}s", ir.drain_seconds.as_ref()?.value)),
            {
                drain {
                    syntax: "drain: 5s",
                    summary: "How long a pod keeps serving after it is told to stop, while endpoints update.",
                    block: false,
                    value: DURATION,
                    read: |ctx, field| read_seconds(ctx, &field.value)
                }
            }
            /// `strategy`: how a Deployment replaces its pods ([`super::lifecycle`]).
            strategy: Option<Sourced<Strategy>>,
            kinds: Kinds::Only(&[Service, Worker]),
            defaults: Defaults::Allowed,
            builtin: |ir| (ir.kind.controller() == "Deployment").then(|| "rolling { max_surge: 25%, max_unavailable: 0 }".to_string()),
            {
                strategy {
                    syntax: "strategy: rolling { max_surge: 1, max_unavailable: 0 }",
                    summary: "How an update replaces the pods: `recreate` (all stop, then start; single-writer apps) or `rolling { max_surge, max_unavailable }`.",
                    block: false,
                    value: STRATEGY,
                    read: |ctx, field| super::lifecycle::read_strategy(ctx, &field.value)
                }
            }
            /// `min_ready`: how long a new pod must be ready before it counts as available (ms).
            min_ready: Option<Sourced<u64>>,
            kinds: LONG_RUNNING,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                min_ready {
                    syntax: "min_ready: 10s",
                    summary: "How long a new pod must be ready before it counts as available; rollouts wait for it.",
                    block: false,
                    value: DURATION,
                    read: |ctx, field| read_seconds(ctx, &field.value)
                }
            }
            /// `progress_deadline`: how long a Deployment's rollout may make no progress (ms).
            progress_deadline: Option<Sourced<u64>>,
            kinds: Kinds::Only(&[Service, Worker]),
            defaults: Defaults::Allowed,
            builtin: |ir| (ir.kind.controller() == "Deployment").then(|| "10m".to_string()),
            {
                progress_deadline {
                    syntax: "progress_deadline: 10m",
                    summary: "How long a rollout may make no progress before it is reported failed (longer than `min_ready`).",
                    block: false,
                    value: DURATION,
                    read: |ctx, field| read_positive_duration(ctx, &field.value)
                }
            }
            /// `pod_management`: whether a StatefulSet starts its pods in order or all at once.
            pod_management: Option<Sourced<PodManagement>>,
            kinds: Kinds::Only(&[Stateful]),
            defaults: Defaults::Allowed,
            builtin: |ir| (ir.kind.controller() == "StatefulSet").then(|| "ordered".to_string()),
            {
                pod_management {
                    syntax: "pod_management: parallel",
                    summary: "`ordered` (one pod at a time, the default) or `parallel` (all at once); fixed once the StatefulSet exists.",
                    block: false,
                    value: POD_MANAGEMENT,
                    read: |ctx, field| ctx.read_choice(
                        &field.value,
                        "pod management policy",
                        &[("ordered", PodManagement::Ordered), ("parallel", PodManagement::Parallel)],
                    )
                }
            }
            /// `partition`: StatefulSet pods with an ordinal below it keep the old version.
            partition: Option<Sourced<u32>>,
            kinds: Kinds::Only(&[Stateful]),
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                partition {
                    syntax: "partition: 2",
                    summary: "Update only the pods whose ordinal is at least this (a staged rollout); 0 updates all.",
                    block: false,
                    value: COUNT,
                    read: |ctx, field| ctx.read_u32(&field.value, "partition", 0, 10_000)
                }
            }
            /// `labels`.
            labels: Vec<Entry<String>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                labels {
                    syntax: "labels { tier: frontend }",
                    summary: "Extra labels on every resource of the workload.",
                    block: true,
                    value: METADATA_MAP,
                    read: |ctx, field| read_metadata_map(ctx, &field.value, true)
                }
            }
            /// `annotations`.
            annotations: Vec<Entry<String>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                annotations {
                    syntax: "annotations { \"example.com/owner\": \"web\" }",
                    summary: "Extra annotations on the pods.",
                    block: true,
                    value: METADATA_MAP,
                    read: |ctx, field| read_metadata_map(ctx, &field.value, false)
                }
            }
            /// `spread`.
            spread: Option<Sourced<crate::model::placement::SpreadSpec>>,
            kinds: REPLICATED,
            defaults: Defaults::Allowed,
            builtin: |ir| Some(format!("{:?}", ir.spread.value).to_lowercase()),
            {
                spread {
                    syntax: "spread: zones",
                    summary: "Spread replicas across regions (and zones and nodes), zones (and nodes), nodes only (hosts), or none; `hard` refuses to schedule a pod that would unbalance the widest domain.",
                    block: false,
                    value: ValueInfo {
                        ty: "where replicas are spread, then `hard` or `soft` (the default)",
                        choices: &[
                            Choice { text: "zones", summary: "across zones and nodes" },
                            Choice { text: "regions", summary: "across regions, zones and nodes" },
                            Choice { text: "hosts", summary: "across nodes only" },
                            Choice { text: "none", summary: "no spreading" },
                        ],
                        units: &[],
                    },
                    read: |ctx, field| super::placement::read_spread(ctx, &field.value)
                }
            }
            /// `nodes`: the node labels a pod requires (`nodeSelector`).
            nodes: Vec<Entry<String>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                nodes {
                    syntax: "nodes { \"node.kubernetes.io/pool\": db }",
                    summary: "Node labels the pods' nodes must have (`nodeSelector`).",
                    block: true,
                    value: shape("a map `{ \"label/key\": value }` of node labels"),
                    read: |ctx, field| super::placement::read_nodes(ctx, &field.value)
                }
            }
            /// `tolerations`, keyed by taint key.
            tolerations: Vec<Entry<crate::model::placement::Toleration>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                tolerations {
                    syntax: "tolerations { dedicated: \"db\" { effect: no_schedule } }",
                    summary: "Node taints the pods tolerate: a value or `exists`, optionally `{ effect, for }`.",
                    block: true,
                    value: shape("a map `{ \"taint/key\": \"value\" { effect: no_schedule } }`, or `KEY: exists`"),
                    read: |ctx, field| super::placement::read_tolerations(ctx, &field.value)
                }
            }
            /// `affinity`: node affinity and pod (anti-)affinity.
            affinity: Option<Sourced<Box<crate::model::placement::Affinity>>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                affinity {
                    syntax: "affinity { apart: hosts }",
                    summary: "Required or preferred node labels, and pods kept apart or together by host, zone or region.",
                    block: true,
                    value: shape("a block `{ required, preferred, apart, together }`"),
                    read: |ctx, field| super::placement::read_affinity(ctx, &field.value).map(Box::new)
                }
            }
            /// `priority`: the name of a PriorityClass.
            priority: Option<Sourced<String>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                priority {
                    syntax: "priority: critical",
                    summary: "The pods' PriorityClass: a declared `priority`, or `system-cluster-critical` / `system-node-critical`.",
                    block: false,
                    value: ValueInfo { ty: "the name of a `priority` in scope", choices: &[], units: &[] },
                    read: |ctx, field| super::placement::read_class_name(ctx, &field.value, "priority class")
                }
            }
            /// `runtime_class`: the name of a RuntimeClass.
            runtime_class: Option<Sourced<String>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                runtime_class {
                    syntax: "runtime_class: gvisor",
                    summary: "The RuntimeClass the pods run with (a sandbox such as gVisor or Kata).",
                    block: false,
                    value: ValueInfo { ty: "the name of a RuntimeClass of the cluster", choices: &[], units: &[] },
                    read: |ctx, field| super::placement::read_class_name(ctx, &field.value, "runtime class")
                }
            }
            /// `disruption`.
            disruption: Option<Sourced<Disruption>>,
            kinds: REPLICATED,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                disruption {
                    syntax: "disruption { min_available: 1 }",
                    summary: "The PodDisruptionBudget, or none.",
                    block: false,
                    value: ValueInfo {
                        ty: "a PodDisruptionBudget `{ min_available: 1 }` / `{ max_unavailable: 1 }`, or `none`",
                        choices: &[Choice { text: "none", summary: "no disruption budget" }],
                        units: &[],
                    },
                    read: |ctx, field| read_disruption(ctx, &field.value)
                }
            }
            /// `autoscale`.
            autoscale: Option<Sourced<Autoscale>>,
            kinds: REPLICATED,
            defaults: Defaults::Allowed,
            builtin: |_ir| None,
            {
                autoscale {
                    syntax: "autoscale { cpu: 70% }",
                    summary: "Utilisation targets for the HorizontalPodAutoscaler.",
                    block: true,
                    value: shape("a block `{ cpu: PERCENT, memory: PERCENT }`"),
                    read: |ctx, field| read_autoscale(ctx, &field.value)
                }
            }
            /// `patch KIND { … }` fields, in source order (only in a workload's own declaration).
            patches: Vec<PatchSpec>,
            kinds: Kinds::All,
            defaults: Defaults::Refused {
                why: "a patch applies to one workload's resources",
                help: "write it in the workload it patches",
            },
            builtin: |_ir| None,
            {
                patch {
                    syntax: "patch Deployment { spec { minReadySeconds: 10 } }",
                    summary: "Merged into a generated resource (strategic merge: containers, ports, env… by `name`; `null` deletes); may be repeated.",
                    block: false,
                    value: shape(
                        "a resource kind, optionally a `\"NAME\"`, and a block of that resource's fields \
                         (`Deployment { spec { … } }`)",
                    ),
                    read: |ctx, field| super::patch::read_patch(ctx, &field.value, field.span)
                }
            }
            /// `image_pull`.
            image_pull: Option<Sourced<ImagePull>>,
            kinds: Kinds::All,
            defaults: Defaults::Allowed,
            builtin: |ir| Some(ir.image_pull.value.keyword().to_string()),
            {
                image_pull {
                    syntax: "image_pull: if_not_present",
                    summary: "When the node pulls the image: `always`, `if_not_present` or `never` (default: `if_not_present` for digests, `always` for tags).",
                    block: false,
                    value: ValueInfo {
                        ty: "when the node pulls the image",
                        choices: &[
                            Choice { text: "if_not_present", summary: "when the node does not have it" },
                            Choice { text: "always", summary: "on every container start" },
                            Choice { text: "never", summary: "the image must be on the node" },
                        ],
                        units: &[],
                    },
                    read: |ctx, field| ctx.read_choice(
                        &field.value,
                        "image pull policy",
                        &[
                            ("always", ImagePull::Always),
                            ("if_not_present", ImagePull::IfNotPresent),
                            ("never", ImagePull::Never),
                        ],
                    )
                }
            }
            /// `tier`: a tier for this workload instead of the app's.
            tier: Option<Sourced<String>>,
            kinds: Kinds::All,
            defaults: Defaults::NotInDefaults {
                why: "a workload's tier is its own `tier`, its environment's, or its app's",
                help: "set `tier` in the app, or in the workload",
            },
            builtin: |_ir| None,
            {
                tier {
                    syntax: "tier: production",
                    summary: "A tier for this workload instead of the app's.",
                    block: false,
                    value: ValueInfo { ty: "the name of a tier in scope", choices: &[], units: &[] },
                    read: |ctx, field| ctx.read_name(&field.value)
                }
            }
        }
    };
}
pub(crate) use workload_fields;

/// The summary of `traffic` (long).
const TRAFFIC_SUMMARY: &str = "How the mesh routes requests to this workload: timeout, retries, breaker, pool, canary, mirror, fault.";

/// `user` and `group`.
const NUMERIC_ID: ValueInfo = ValueInfo {
    ty: "a numeric id (not 0)",
    choices: &[],
    units: &[],
};

/// `labels` and `annotations`.
const METADATA_MAP: ValueInfo = shape("a map `{ key: value }` (values: words or strings)");

/// Generates, from the registry, the parts of the model: the struct, layering, applicability,
/// origins and the catalogue.
macro_rules! define_workload_spec {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident : $ty:ty, kinds: $kinds:expr, defaults: $defaults:expr,
        builtin: |$ir:ident| $builtin:expr, {
            $(
                $key:ident {
                    syntax: $syntax:expr,
                    summary: $summary:expr,
                    block: $block:literal,
                    value: $value:expr,
                    read: |$ctx:ident, $f:ident| $read:expr
                }
            )+
        }
    )*) => {
        /// Everything a workload declaration (or a layer of defaults for workloads) says: one
        /// field per entry of the registry ([`workload_fields!`]), each optional and carrying
        /// where it was written, so layers stack by precedence with [`WorkloadSpec::overlay`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub struct WorkloadSpec {
            $( $(#[doc = $doc])* pub $field: $ty, )*
            /// `allow … because …` exceptions (in a workload's own declaration, or in its block
            /// of an environment; never from defaults).
            pub allows: Vec<AllowSpec>,
            /// Fields that were written but rejected (already reported): they count as set, so
            /// lower layers do not fill them in and no "missing field" error follows the first.
            pub rejected: Vec<&'static str>,
        }

        /// The fields of a workload declaration, in documentation order: the checker's
        /// catalogue, the reference, completion and hover.
        pub const WORKLOAD_FIELDS: &[FieldInfo] = &[
            $( $( FieldInfo {
                name: stringify!($key),
                kinds: $kinds,
                defaults: $defaults,
                syntax: $syntax,
                summary: $summary,
                block: $block,
                value: Some($value),
            }, )+ )*
        ];

        impl WorkloadSpec {
            /// Fills every field this spec leaves unset from `lower` (a lower-precedence layer),
            /// each by the rule of its type ([`Slot::overlay`]): single values from the highest
            /// layer that sets them, named entries merged by key, patches and exceptions only
            /// from the declaration itself.
            pub fn overlay(mut self, lower: WorkloadSpec) -> WorkloadSpec {
                let WorkloadSpec { $( $field, )* allows: _, rejected } = lower;
                $( Slot::overlay(&mut self.$field, $field); )*
                for name in rejected {
                    if !self.rejected.contains(&name) {
                        self.rejected.push(name);
                    }
                }
                self
            }

            /// This layer of defaults without the fields a workload of `kind` cannot have (per
            /// the registry), so a tier's `replicas` or readiness probe never reaches a cron job.
            pub fn applicable_to(mut self, kind: WorkloadKind) -> WorkloadSpec {
                $( if !Kinds::allows($kinds, kind) { self.$field = Default::default(); } )*
                if kind.is_batch() {
                    // Batch pods receive no traffic: no readiness probe.
                    self.probes.ready = None;
                }
                self
            }

            /// The fields it sets, with where each value was written: `("replicas", origin)`;
            /// probes are listed as `probes.ready`, `probes.live`, `probes.startup`, and keyed
            /// maps (`env`, `labels`…) entry by entry as `labels.KEY`.
            pub fn origins(&self) -> Vec<(String, &Origin)> {
                let mut out = Vec::new();
                $( Slot::origins(&self.$field, stringify!($field), &mut out); )*
                out
            }
        }
    };
}

workload_fields!(define_workload_spec);
