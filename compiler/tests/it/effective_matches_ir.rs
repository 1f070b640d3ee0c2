//! The editor's effective values are the build's. For every workload of every example (and of
//! `fixtures/layers`, which puts every layer of the ladder to use: an app's `defaults` and
//! `registry`, a tier chain, a workload's own tier, environment overrides of values and of the
//! tier), in every environment of its app, each field the hover shows — as
//! `analysis::effective::field_origins` lists them for `effective_workload_in` — has the value
//! and the origin (layer, file, span) the IR of `lower_env` has for it; and every value of the IR
//! written in some file is one the hover shows, from the same place.
//!
//! Where lowering transforms a value, the hover's value is mapped as lowering documents it
//! before comparing (each mapping is in [`compare_field`]):
//! - `image`: without a registry, the app's `registry` is put in front, else `docker.io/`
//!   (`docker.io/library/` for a one-part name);
//! - `ports`: unnamed ports are named by lowering; the names written, protocols, numbers and
//!   each port's place are compared;
//! - `memory`: the limit is the request when none is written;
//! - `storage`: the mount is `/data` when none is written;
//! - `files.PATH`: a token lives 1h when no `expiry` is written; `volumes.NAME`: an `empty_dir`
//!   holds 1Gi when no `size` is written, a `claim` is `access: many` when none is written;
//! - `timeout`, `ttl`, `grace`, `drain`, `min_ready`, `progress_deadline`: milliseconds in the
//!   spec, whole seconds in the IR;
//! - `probes.*`: timings in seconds, unwritten ones the built-in period 10s, timeout 1s,
//!   failures 3 (startup 30);
//! - `tmp`, `writable`: sizes not written are the built-in limit of 1Gi;
//! - `autoscale`: a CPU target of 70% when no target is written;
//! - `disruption`: `none` and a tier's budget for a workload of at most one replica are dropped;
//! - `calls`: one IR call per call written, at its span in the layer and file of `calls`;
//! - `traffic`: inherited settings are dropped where no mesh carries them (or, for those that
//!   route requests, where no port is HTTP or gRPC); the canary and the mirror are compared by
//!   presence (lowering resolves their targets), the rest by value;
//! - `concurrency`, `suspend`, `completions`, `parallelism`, `retries`, `restart`, `timeout`,
//!   `ttl`, `writable`, `tmp`, `autoscale`: the IR keeps only the value, so only it is compared;
//! - `tier`: the IR of a workload holds no tier; the name the hover shows is the tier the lookup
//!   resolved, and that tier's effect is compared through the origins of every other field;
//! - `group`: lowering makes it the user's when not written (then it is the user's origin).
//! - `spread`: the IR keeps the domains in `spread` and `hard` in `placement.spread_hard`;
//! - `affinity`: compared by origin, node terms by value, pod terms by domain and strength (the
//!   IR names the matched workload by its Kubernetes name).

use crate::support;

use k8sc_compiler::analysis::effective::{effective_workload_in, field_origins};
use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::{Database, Project};
use k8sc_compiler::ir::WorkloadIr;
use k8sc_compiler::ir::files::{FileContent, VolumeKind};
use k8sc_compiler::loader;
use k8sc_compiler::lower::{app_context, environments, lower_env};
use k8sc_compiler::model::files::{Access, FileSource, VolumeSpec};
use k8sc_compiler::model::spec::{
    Autoscale, Disruption, Layer, Origin, Probe, Sourced, Tmp, WorkloadSpec,
};
use k8sc_compiler::semantic::decls::DeclId;
use k8sc_compiler::semantic::envs::EnvKey;
use k8sc_compiler::semantic::structure::project_structure;
use k8sc_compiler::types::image::ImageRef;
use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::Path;
use support::examples::example_dirs;

/// Built-in defaults lowering fills in, as `lower/workload.rs` documents them.
const PROBE_PERIOD_MS: u64 = 10_000;
const PROBE_TIMEOUT_MS: u64 = 1_000;
const PROBE_FAILURES: u32 = 3;
const STARTUP_FAILURES: u32 = 30;
const SCRATCH_LIMIT: u64 = 1 << 30;
const STORAGE_MOUNT: &str = "/data";
const AUTOSCALE_CPU: u32 = 70;

/// What was compared in one project, and what differed.
#[derive(Default)]
struct Comparison {
    /// Fields compared (hover side), over every workload and environment.
    fields: usize,
    /// The layers the compared hover values came from.
    layers: BTreeSet<String>,
    /// Every difference, described.
    mismatches: Vec<String>,
}

fn load(dir: &Path) -> (Database, Project) {
    let loaded = loader::load(dir).expect("project loads");
    let db = Database::new();
    let project = db.load_project(loaded.files);
    let errors: Vec<_> = project_diagnostics(&db, project)
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(
        errors.is_empty(),
        "{} has errors: {errors:#?}",
        dir.display()
    );
    (db, project)
}

/// Compares the hover's effective values with the IR for every workload of the project in
/// every environment.
fn compare_project(dir: &Path) -> Comparison {
    let (db, project) = load(dir);
    let name = dir
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let mut out = Comparison::default();
    for env_name in environments(&db, project) {
        let env = EnvKey::new(&db, env_name.clone());
        let lowered = lower_env(&db, project, env);
        for app in &project_structure(&db, project).apps {
            if !app.env_names().contains(env_name) {
                continue;
            }
            let app_decl = DeclId::new(&db, app.file, app.index);
            let registry = app_context(&db, project, app_decl, env)
                .spec
                .registry
                .as_ref()
                .map(|r| r.value.clone());
            let app_ir = lowered
                .ir
                .apps
                .iter()
                .find(|a| a.name == app.k8s_name)
                .unwrap_or_else(|| panic!("app `{}` lowered in `{env_name}`", app.name));
            let meshed = app_ir.mesh.is_some();
            for workload in &app.workloads {
                let at = format!(
                    "{name}: {} `{}` in `{env_name}`",
                    workload.keyword.keyword(),
                    workload.name
                );
                let decl = DeclId::new(&db, workload.file, workload.index);
                let effective = effective_workload_in(&db, project, decl, env)
                    .as_ref()
                    .unwrap_or_else(|| panic!("{at}: no effective values"));
                let ir = app_ir
                    .workloads
                    .iter()
                    .find(|w| w.name == workload.k8s_name)
                    .unwrap_or_else(|| panic!("{at}: not in the IR"));
                let spec = &effective.spec;
                let shown = field_origins(spec);
                for (field, origin) in &shown {
                    out.fields += 1;
                    out.layers.insert(format!("{:?}", origin.layer()));
                    let result = if field == "tier" {
                        compare(
                            spec.tier.as_ref().map(|t| &t.value),
                            effective.tier.as_ref(),
                        )
                    } else {
                        compare_field(field, origin, spec, ir, registry.as_deref(), meshed)
                    };
                    if let Err(why) = result {
                        out.mismatches.push(format!("{at}: `{field}`: {why}"));
                    }
                }
                for (field, origin) in ir_written(ir) {
                    if field == "group"
                        && spec.group.is_none()
                        && ir.security.group == ir.security.user
                    {
                        continue;
                    }
                    let in_hover = shown.iter().any(|(name, o)| {
                        *name == field
                            && o.written() == origin.written()
                            && (o.span == origin.span || field == "ports" || field == "calls")
                    });
                    if !in_hover {
                        out.mismatches.push(format!(
                            "{at}: the IR's `{field}` was written at {origin:?}, which the hover \
                             does not show"
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Equal values (in their `Debug` form), or why not.
fn compare<A: Debug, B: Debug>(hover: A, ir: B) -> Result<(), String> {
    let (hover, ir) = (format!("{hover:?}"), format!("{ir:?}"));
    if hover == ir {
        Ok(())
    } else {
        Err(format!("the hover has {hover}, the IR {ir}"))
    }
}

/// The same place, or why not.
fn same_origin(hover: &Origin, ir: &Origin) -> Result<(), String> {
    if hover == ir {
        Ok(())
    } else {
        Err(format!("the hover says {hover:?}, the IR {ir:?}"))
    }
}

/// The image as lowering completes it (`lower/workload.rs::apply_registry`).
fn with_registry(image: &ImageRef, registry: Option<&str>) -> String {
    match registry {
        _ if image.registry.is_some() => image.to_string(),
        Some(registry) => format!("{registry}/{image}"),
        None if image.repository.contains('/') => format!("docker.io/{image}"),
        None => format!("docker.io/library/{image}"),
    }
}

fn seconds(millis: u64) -> u32 {
    u32::try_from(millis.div_ceil(1000)).unwrap_or(u32::MAX)
}

/// The probe as lowering fills it in: check and timings (its port is chosen by lowering).
fn probe_timings(probe: &Probe, failures: u32) -> (String, u32, u32, u32, u32) {
    (
        format!("{:?}", probe.check),
        seconds(probe.delay.unwrap_or(0)),
        seconds(probe.period.unwrap_or(PROBE_PERIOD_MS)),
        seconds(probe.timeout.unwrap_or(PROBE_TIMEOUT_MS)),
        probe.failures.unwrap_or(failures),
    )
}

/// One keyed entry (`env.KEY`, `labels.KEY`…), value and origin, in the hover and in the IR.
fn compare_entry<T: Debug>(
    key: &str,
    hover: &[k8sc_compiler::model::spec::Entry<T>],
    ir: &[k8sc_compiler::model::spec::Entry<T>],
) -> Result<(), String> {
    let find = |entries: &[k8sc_compiler::model::spec::Entry<T>]| {
        entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| format!("{:?}", e.value))
    };
    compare(find(hover), find(ir))
}

/// Compares `FIELD` of a sidecar or init container (`NAME.FIELD`, as the hover lists it),
/// written at `origin`, with the container's IR.
fn compare_container_field(
    rest: &str,
    origin: &Origin,
    specs: &k8sc_compiler::model::containers::Containers,
    irs: &[k8sc_compiler::ir::containers::ContainerIr],
    registry: Option<&str>,
) -> Result<(), String> {
    let (name, field) = rest
        .split_once('.')
        .ok_or_else(|| format!("`{rest}` names no field of a container"))?;
    let spec = &specs
        .0
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("the hover's container `{name}` is not in the spec"))?
        .spec;
    let ir = irs
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("container `{name}` is not in the IR"))?;
    let missing = || format!("the hover lists `{rest}`, but the spec has no value for it");
    if let Some(key) = field.strip_prefix("env.") {
        return compare_entry(key, &spec.env, &ir.env);
    }
    if let Some(key) = field.strip_prefix("mounts.") {
        let written = specs
            .0
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.mounts.iter().find(|m| m.key == key))
            .ok_or_else(missing)?;
        let lowered = ir
            .mounts
            .iter()
            .find(|m| m.origin == written.value.origin)
            .ok_or_else(|| format!("the IR of `{name}` has no mount of `{key}`"))?;
        return compare(&written.value.value, &lowered.path);
    }
    match field {
        "image" => {
            let image = spec.image.as_ref().ok_or_else(missing)?;
            same_origin(origin, &ir.image.origin)?;
            compare(
                with_registry(&image.value, registry),
                ir.image.value.to_string(),
            )
        }
        "image_pull" => compare(&spec.image_pull, Some(&ir.image_pull)),
        "cpu" => {
            let cpu = spec.cpu.as_ref().ok_or_else(missing)?;
            same_origin(origin, &ir.resources.cpu_request.origin)?;
            compare(
                (cpu.value.request, cpu.value.limit),
                (
                    ir.resources.cpu_request.value,
                    ir.resources.cpu_limit.as_ref().map(|l| l.value),
                ),
            )
        }
        "memory" => {
            let memory = spec.memory.as_ref().ok_or_else(missing)?;
            same_origin(origin, &ir.resources.memory_limit.origin)?;
            compare(
                (
                    memory.value.request,
                    memory.value.limit.unwrap_or(memory.value.request),
                ),
                (
                    ir.resources.memory_request.value,
                    ir.resources.memory_limit.value,
                ),
            )
        }
        "command" => compare(&spec.command, &ir.command),
        "args" => compare(&spec.args, &ir.args),
        "ports" => {
            let ports = spec.ports.as_ref().ok_or_else(missing)?;
            let hover: Vec<_> = ports.value.iter().map(|p| (p.protocol, p.number)).collect();
            let lowered: Vec<_> = ir.ports.iter().map(|p| (p.protocol, p.number)).collect();
            compare(hover, lowered)
        }
        "probes.ready" | "probes.live" | "probes.startup" => {
            let (hover, lowered) = match field {
                "probes.ready" => (&spec.probes.ready, &ir.probes.ready),
                "probes.live" => (&spec.probes.live, &ir.probes.live),
                _ => (&spec.probes.startup, &ir.probes.startup),
            };
            let hover = hover.as_ref().ok_or_else(missing)?;
            let lowered = lowered
                .as_ref()
                .ok_or_else(|| format!("the IR of `{name}` has no {field}"))?;
            same_origin(&hover.origin, &lowered.origin)?;
            compare(&hover.value.check, &lowered.value.check)
        }
        "writable" => {
            let writable = spec.writable.as_ref().ok_or_else(missing)?;
            let lowered: Vec<&String> = ir.writable.iter().map(|(p, _)| p).collect();
            match writable.value.iter().find(|p| !lowered.contains(p)) {
                Some(path) => Err(format!("`{path}` is not writable in the IR")),
                None => Ok(()),
            }
        }
        "tmp" => compare(
            match spec.tmp.as_ref().ok_or_else(missing)?.value {
                Tmp::Off => None,
                Tmp::On(limit) => Some(limit.unwrap_or(SCRATCH_LIMIT)),
            },
            ir.writable
                .iter()
                .find(|(p, _)| p == "/tmp")
                .map(|(_, l)| *l),
        ),
        _ => Err(format!("no comparison for the container field `{field}`")),
    }
}

/// Compares one field the hover shows, written at `origin`, with the IR.
fn compare_field(
    field: &str,
    origin: &Origin,
    spec: &WorkloadSpec,
    ir: &WorkloadIr,
    registry: Option<&str>,
    meshed: bool,
) -> Result<(), String> {
    let missing = || format!("the hover lists `{field}`, but the spec has no value for it");
    for (list, specs, irs) in [
        ("sidecars.", &spec.sidecars, &ir.sidecars),
        ("init.", &spec.init, &ir.init),
    ] {
        if let Some(rest) = field.strip_prefix(list) {
            return compare_container_field(rest, origin, specs, irs, registry);
        }
    }
    if let Some(key) = field.strip_prefix("env.") {
        return compare_entry(key, &spec.env, &ir.env);
    }
    if let Some(key) = field.strip_prefix("config.") {
        return compare_entry(key, &spec.config, &ir.config);
    }
    if let Some(path) = field.strip_prefix("files.") {
        let hover = spec
            .files
            .iter()
            .find(|e| e.key == path)
            .ok_or_else(missing)?;
        let file = ir.files.iter().find(|f| f.path == path);
        let file = file.ok_or_else(|| format!("the IR has no file `{path}`"))?;
        same_origin(&hover.value.origin, &file.origin)?;
        return compare(file_content(&hover.value.value), &file.content);
    }
    if let Some(name) = field.strip_prefix("volumes.") {
        let hover = spec
            .volumes
            .iter()
            .find(|e| e.key == name)
            .ok_or_else(missing)?;
        let volume = ir.volumes.iter().find(|v| v.name == name);
        let volume = volume.ok_or_else(|| format!("the IR has no volume `{name}`"))?;
        same_origin(&hover.value.origin, &volume.origin)?;
        return compare(
            volume_kind(&hover.value.value),
            (&volume.kind, &volume.mount),
        );
    }
    if let Some(key) = field.strip_prefix("labels.") {
        return compare_entry(key, &spec.labels, &ir.labels);
    }
    if let Some(key) = field.strip_prefix("annotations.") {
        return compare_entry(key, &spec.annotations, &ir.annotations);
    }
    if let Some(key) = field.strip_prefix("nodes.") {
        return compare_entry(key, &spec.nodes, &ir.placement().nodes);
    }
    if let Some(key) = field.strip_prefix("tolerations.") {
        return compare_entry(key, &spec.tolerations, &ir.placement().tolerations);
    }
    let batch = || {
        ir.batch
            .as_ref()
            .ok_or_else(|| "the IR has no batch settings".to_string())
    };
    match field {
        "image" => {
            let image = spec.image.as_ref().ok_or_else(missing)?;
            same_origin(origin, &ir.image.origin)?;
            compare(
                with_registry(&image.value, registry),
                ir.image.value.to_string(),
            )
        }
        "image_pull" => compare(&spec.image_pull, Some(&ir.image_pull)),
        "ports" => {
            let ports = spec.ports.as_ref().ok_or_else(missing)?;
            let hover: Vec<_> = ports
                .value
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        p.protocol,
                        p.number,
                        ports.origin.with_span(p.span),
                    )
                })
                .collect();
            let main_ports: Vec<_> = ir
                .ports
                .iter()
                .filter(|p| !k8sc_compiler::ir::containers::is_sidecar_port(ir, p))
                .collect();
            let lowered: Vec<_> = main_ports
                .iter()
                .zip(&ports.value)
                .map(|(p, written)| {
                    (
                        written.name.as_ref().map(|_| p.name.clone()),
                        p.protocol,
                        p.number,
                        p.origin.clone(),
                    )
                })
                .collect();
            compare(ports.value.len(), main_ports.len())?;
            compare(hover, lowered)
        }
        "replicas" => compare(&spec.replicas, &ir.replicas),
        "cpu" => {
            let cpu = spec.cpu.as_ref().ok_or_else(missing)?;
            same_origin(origin, &ir.resources.cpu_request.origin)?;
            if let Some(limit) = &ir.resources.cpu_limit {
                same_origin(origin, &limit.origin)?;
            }
            compare(
                (cpu.value.request, cpu.value.limit),
                (
                    ir.resources.cpu_request.value,
                    ir.resources.cpu_limit.as_ref().map(|l| l.value),
                ),
            )
        }
        "memory" => {
            let memory = spec.memory.as_ref().ok_or_else(missing)?;
            same_origin(origin, &ir.resources.memory_request.origin)?;
            same_origin(origin, &ir.resources.memory_limit.origin)?;
            compare(
                (
                    memory.value.request,
                    memory.value.limit.unwrap_or(memory.value.request),
                ),
                (
                    ir.resources.memory_request.value,
                    ir.resources.memory_limit.value,
                ),
            )
        }
        "command" => compare(&spec.command, &ir.command),
        "args" => compare(&spec.args, &ir.args),
        "storage" => {
            let storage = spec.storage.as_ref().ok_or_else(missing)?;
            let lowered = ir
                .storage
                .as_ref()
                .ok_or_else(|| "the IR has no storage".to_string())?;
            same_origin(origin, &lowered.origin)?;
            compare(
                (
                    storage.value.size,
                    &storage.value.class,
                    storage.value.mount.as_deref().unwrap_or(STORAGE_MOUNT),
                ),
                (lowered.size, &lowered.class, lowered.mount.as_str()),
            )
        }
        "schedule" => compare(&spec.schedule, &batch()?.schedule),
        "timezone" => compare(&spec.timezone, &batch()?.timezone),
        "concurrency" => compare(
            spec.concurrency.as_ref().map(|c| c.value),
            Some(batch()?.concurrency),
        ),
        "suspend" => compare(
            spec.suspend.as_ref().map(|s| s.value),
            Some(batch()?.suspend),
        ),
        "completions" => compare(
            spec.completions.as_ref().map(|c| c.value),
            batch()?.completions,
        ),
        "parallelism" => compare(
            spec.parallelism.as_ref().map(|p| p.value),
            batch()?.parallelism,
        ),
        "retries" => compare(
            spec.retries.as_ref().map(|r| r.value),
            Some(batch()?.retries),
        ),
        "restart" => compare(
            spec.restart.as_ref().map(|r| r.value),
            Some(batch()?.restart),
        ),
        "timeout" => compare(
            spec.timeout.as_ref().map(|t| t.value / 1000),
            batch()?.timeout_seconds,
        ),
        "ttl" => compare(
            spec.ttl.as_ref().map(|t| t.value / 1000),
            batch()?.ttl_seconds,
        ),
        "expose" => {
            let expose = spec.expose.as_ref().ok_or_else(missing)?;
            let lowered = ir
                .expose
                .as_ref()
                .ok_or_else(|| "the IR exposes nothing".to_string())?;
            same_origin(origin, &lowered.origin)?;
            let value = &expose.value;
            compare(
                (
                    value.kind,
                    &value.hosts,
                    if value.paths.is_empty() {
                        vec!["/".to_string()]
                    } else {
                        value.paths.clone()
                    },
                    &value.tls,
                    &value.class,
                ),
                (
                    lowered.kind,
                    &lowered.hosts,
                    lowered.paths.clone(),
                    &lowered.tls,
                    &lowered.class,
                ),
            )?;
            match &value.port {
                Some((k8sc_compiler::model::spec::PortRef::Name(name), _)) => {
                    compare(name, &lowered.port.name)
                }
                Some((k8sc_compiler::model::spec::PortRef::Number(number), _)) => {
                    compare(number, lowered.port.number)
                }
                None => Ok(()),
            }
        }
        "calls" => {
            let calls = spec.calls.as_ref().ok_or_else(missing)?;
            let mut hover: Vec<_> = calls
                .value
                .iter()
                .map(|c| {
                    (
                        calls.origin.with_span(c.span),
                        c.ports.clone(),
                        c.paths.clone(),
                        c.methods.iter().map(|(m, _)| m.clone()).collect::<Vec<_>>(),
                    )
                })
                .collect();
            let mut lowered: Vec<_> = ir
                .calls
                .iter()
                .map(|c| {
                    (
                        c.origin.clone(),
                        c.port_refs.clone(),
                        c.paths.clone(),
                        c.methods.clone(),
                    )
                })
                .collect();
            hover.sort_by_key(|c| c.0.span.start);
            lowered.sort_by_key(|c| c.0.span.start);
            compare(hover, lowered)
        }
        "user" => compare(&spec.user, Some(&ir.security.user)),
        "group" => compare(&spec.group, Some(&ir.security.group)),
        "writable" => compare(
            spec.writable
                .as_ref()
                .map(|w| {
                    w.value
                        .iter()
                        .map(|p| (p.clone(), SCRATCH_LIMIT))
                        .collect::<Vec<_>>()
                })
                .ok_or_else(missing)?,
            &ir.scratch.writable,
        ),
        "tmp" => compare(
            match spec.tmp.as_ref().ok_or_else(missing)?.value {
                Tmp::Off => None,
                Tmp::On(limit) => Some(limit.unwrap_or(SCRATCH_LIMIT)),
            },
            ir.scratch.tmp,
        ),
        "grace" => {
            let grace = spec.grace.as_ref().ok_or_else(missing)?;
            compare(
                Sourced::new(grace.value / 1000, grace.origin.clone()),
                &ir.grace_seconds,
            )
        }
        "drain" => {
            let drain = spec.drain.as_ref().ok_or_else(missing)?;
            compare(
                Some(Sourced::new(drain.value / 1000, drain.origin.clone())),
                &ir.drain_seconds,
            )
        }
        "strategy" => compare(&spec.strategy, ir.rollout().strategy.as_ref()),
        "min_ready" => {
            let min_ready = spec.min_ready.as_ref().ok_or_else(missing)?;
            compare(
                Some(Sourced::new(
                    min_ready.value / 1000,
                    min_ready.origin.clone(),
                )),
                &ir.rollout().min_ready_seconds,
            )
        }
        "progress_deadline" => {
            let deadline = spec.progress_deadline.as_ref().ok_or_else(missing)?;
            compare(
                Some(Sourced::new(deadline.value / 1000, deadline.origin.clone())),
                &ir.rollout().progress_deadline_seconds,
            )
        }
        "pod_management" => compare(&spec.pod_management, ir.rollout().pod_management.as_ref()),
        "partition" => compare(&spec.partition, ir.rollout().partition.as_ref()),
        "spread" => {
            let spread = spec.spread.as_ref().ok_or_else(missing)?;
            compare(
                (
                    Sourced::new(spread.value.across, spread.origin.clone()),
                    spread.value.hard,
                ),
                (&ir.spread, ir.placement().spread_hard),
            )
        }
        "affinity" => {
            let affinity = spec.affinity.as_ref().ok_or_else(missing)?;
            same_origin(
                &affinity.origin,
                ir.placement()
                    .affinity_origin
                    .as_ref()
                    .ok_or_else(missing)?,
            )?;
            let target = |t: &Option<k8sc_compiler::model::placement::PodTerm>| {
                t.as_ref().map(|t| (t.topology, t.hard))
            };
            let lowered = |t: &Option<k8sc_compiler::ir::placement::PodTermIr>| {
                t.as_ref().map(|t| (t.topology, t.hard))
            };
            compare(
                (
                    &affinity.value.require,
                    &affinity.value.prefer,
                    target(&affinity.value.apart),
                    target(&affinity.value.together),
                ),
                (
                    &ir.placement().require,
                    &ir.placement().prefer,
                    lowered(&ir.placement().apart),
                    lowered(&ir.placement().together),
                ),
            )
        }
        "priority" => compare(&spec.priority, &ir.placement().priority),
        "runtime_class" => compare(&spec.runtime_class, &ir.placement().runtime_class),
        "service.type" => {
            let kind = spec.service.kind.as_ref().ok_or_else(missing)?;
            if let Some(balancer) = &ir.service.load_balancer {
                same_origin(origin, &balancer.origin)?;
            }
            compare(kind.value.kubernetes(), ir.service.type_name())
        }
        "service.session_affinity" => {
            let affinity = spec.service.session_affinity.as_ref().ok_or_else(missing)?;
            let kept = match affinity.value {
                k8sc_compiler::model::service::SessionAffinity::None => None,
                k8sc_compiler::model::service::SessionAffinity::ClientIp { timeout_seconds } => {
                    Some(Sourced::new(timeout_seconds, affinity.origin.clone()))
                }
            };
            compare(kept, &ir.service.client_ip_affinity)
        }
        "service.external_traffic" => {
            compare(&spec.service.external_traffic, &ir.service.external_traffic)
        }
        "service.publish_not_ready" => compare(
            &spec.service.publish_not_ready,
            &ir.service.publish_not_ready,
        ),
        "headless" => compare(
            spec.headless.clone().filter(|h| h.value),
            &ir.service.headless,
        ),
        "disruption" => {
            let disruption = spec.disruption.as_ref().ok_or_else(missing)?;
            let max = ir.replicas.as_ref().map(|r| r.value.max());
            let from_tier = matches!(disruption.origin.layer(), Layer::Tier(_));
            let kept = match max {
                None => None,
                Some(max) if from_tier && max < 2 => None,
                Some(_) if disruption.value == Disruption::None => None,
                Some(_) => Some(disruption),
            };
            compare(kept, ir.disruption.as_ref())
        }
        "autoscale" => {
            let Autoscale {
                cpu,
                memory,
                up,
                down,
            } = spec.autoscale.as_ref().ok_or_else(missing)?.value.clone();
            let cpu = match (cpu, memory) {
                (None, None) => Some(AUTOSCALE_CPU),
                (cpu, _) => cpu,
            };
            compare(
                Some((cpu, memory, up, down)),
                ir.autoscale
                    .as_ref()
                    .map(|a| (a.cpu, a.memory, a.up.clone(), a.down.clone())),
            )
        }
        "probes.ready" | "probes.live" | "probes.startup" => {
            let (probe, lowered, failures) = match field {
                "probes.ready" => (&spec.probes.ready, &ir.probes.ready, PROBE_FAILURES),
                "probes.live" => (&spec.probes.live, &ir.probes.live, PROBE_FAILURES),
                _ => (&spec.probes.startup, &ir.probes.startup, STARTUP_FAILURES),
            };
            let probe = probe.as_ref().ok_or_else(missing)?;
            let lowered = lowered
                .as_ref()
                .ok_or_else(|| "the IR has no such probe".to_string())?;
            same_origin(origin, &lowered.origin)?;
            compare(
                probe_timings(&probe.value, failures),
                (
                    format!("{:?}", lowered.value.check),
                    lowered.value.delay_seconds,
                    lowered.value.period_seconds,
                    lowered.value.timeout_seconds,
                    lowered.value.failures,
                ),
            )
        }
        "traffic" => {
            let traffic = &spec.traffic.as_ref().ok_or_else(missing)?.value;
            let Some(lowered) = &ir.traffic else {
                // Inherited settings are dropped where nothing carries them (no mesh, or no
                // port the mesh routes); the workload's own are an error there instead.
                let routable = ir.ports.iter().any(|p| p.protocol.is_routable());
                let carried = meshed && (routable || traffic.routing().is_none());
                return if *origin.layer() != Layer::Workload && !carried {
                    Ok(())
                } else {
                    Err("the IR has no traffic settings".to_string())
                };
            };
            compare(
                (
                    traffic.timeout.as_ref().map(|t| t.value),
                    &traffic.retries,
                    traffic.breaker.as_ref().map(|b| b.value),
                    traffic.pool.as_ref().map(|p| p.value),
                    traffic.canary.is_some(),
                    traffic.mirror.is_some(),
                    &traffic.fault,
                ),
                (
                    lowered.timeout_ms,
                    &lowered.retries,
                    lowered.breaker,
                    lowered.pool,
                    lowered.canary.is_some(),
                    lowered.mirror.is_some(),
                    &lowered.fault,
                ),
            )
        }
        _ => Err(format!(
            "no IR counterpart is known for this field: add its mapping to `compare_field` \
             ({})",
            file!()
        )),
    }
}

/// A file as lowering completes it: a token lives 1h unless written.
fn file_content(source: &FileSource) -> FileContent {
    match source.clone() {
        FileSource::Inline(text) => FileContent::Text(text),
        FileSource::SecretKey { secret, key } => FileContent::SecretKey { secret, key },
        FileSource::Secret(secret) => FileContent::Secret(secret),
        FileSource::Token { audience, expiry } => FileContent::Token {
            audience,
            expiry_seconds: expiry.unwrap_or(3_600_000) / 1000,
        },
    }
}

/// A volume as lowering completes it: an emptyDir holds 1Gi, a claim is ReadWriteMany, unless
/// written.
fn volume_kind(volume: &VolumeSpec) -> (VolumeKind, String) {
    match volume.clone() {
        VolumeSpec::EmptyDir {
            size,
            memory,
            mount,
        } => (
            VolumeKind::EmptyDir {
                size: size.unwrap_or(1 << 30),
                memory,
            },
            mount.unwrap_or_default(),
        ),
        VolumeSpec::Claim {
            size,
            class,
            access,
            mount,
        } => (
            VolumeKind::Claim {
                size,
                class,
                access: access.unwrap_or(Access::Many),
            },
            mount.unwrap_or_default(),
        ),
    }
}

/// Every value of the IR that was written in some file (not a built-in default), by the name
/// the hover lists it under.
fn ir_written(ir: &WorkloadIr) -> Vec<(String, Origin)> {
    let mut out: Vec<(String, Origin)> = Vec::new();
    let mut add = |name: &str, origin: &Origin| out.push((name.to_string(), origin.clone()));
    add("image", &ir.image.origin);
    add("image_pull", &ir.image_pull.origin);
    for port in &ir.ports {
        add("ports", &port.origin);
    }
    if let Some(replicas) = &ir.replicas {
        add("replicas", &replicas.origin);
    }
    add("cpu", &ir.resources.cpu_request.origin);
    if let Some(limit) = &ir.resources.cpu_limit {
        add("cpu", &limit.origin);
    }
    add("memory", &ir.resources.memory_request.origin);
    add("memory", &ir.resources.memory_limit.origin);
    let probes = [
        ("probes.ready", &ir.probes.ready),
        ("probes.live", &ir.probes.live),
        ("probes.startup", &ir.probes.startup),
    ];
    for (name, probe) in probes {
        if let Some(probe) = probe {
            add(name, &probe.origin);
        }
    }
    for entry in &ir.env {
        add(&format!("env.{}", entry.key), &entry.value.origin);
    }
    let maps = [
        ("config", &ir.config),
        ("labels", &ir.labels),
        ("annotations", &ir.annotations),
        ("nodes", &ir.placement().nodes),
    ];
    for (map, entries) in maps {
        for entry in entries {
            add(&format!("{map}.{}", entry.key), &entry.value.origin);
        }
    }
    let service = &ir.service;
    if let Some(balancer) = &service.load_balancer {
        add("service.type", &balancer.origin);
    }
    if let Some(affinity) = &service.client_ip_affinity {
        add("service.session_affinity", &affinity.origin);
    }
    if let Some(external) = &service.external_traffic {
        add("service.external_traffic", &external.origin);
    }
    if let Some(publish) = &service.publish_not_ready {
        add("service.publish_not_ready", &publish.origin);
    }
    if let Some(headless) = &service.headless {
        add("headless", &headless.origin);
    }
    if let Some(command) = &ir.command {
        add("command", &command.origin);
    }
    if let Some(args) = &ir.args {
        add("args", &args.origin);
    }
    if let Some(storage) = &ir.storage {
        add("storage", &storage.origin);
    }
    for file in &ir.files {
        add(&format!("files.{}", file.path), &file.origin);
    }
    for volume in &ir.volumes {
        add(&format!("volumes.{}", volume.name), &volume.origin);
    }
    if let Some(batch) = &ir.batch {
        if let Some(schedule) = &batch.schedule {
            add("schedule", &schedule.origin);
        }
        if let Some(timezone) = &batch.timezone {
            add("timezone", &timezone.origin);
        }
    }
    if let Some(expose) = &ir.expose {
        add("expose", &expose.origin);
    }
    for call in &ir.calls {
        add("calls", &call.origin);
    }
    add("user", &ir.security.user.origin);
    add("group", &ir.security.group.origin);
    add("grace", &ir.grace_seconds.origin);
    if let Some(drain) = &ir.drain_seconds {
        add("drain", &drain.origin);
    }
    let rollout = ir.rollout();
    if let Some(strategy) = &rollout.strategy {
        add("strategy", &strategy.origin);
    }
    if let Some(min_ready) = &rollout.min_ready_seconds {
        add("min_ready", &min_ready.origin);
    }
    if let Some(deadline) = &rollout.progress_deadline_seconds {
        add("progress_deadline", &deadline.origin);
    }
    if let Some(pod_management) = &rollout.pod_management {
        add("pod_management", &pod_management.origin);
    }
    if let Some(partition) = &rollout.partition {
        add("partition", &partition.origin);
    }
    add("spread", &ir.spread.origin);
    for entry in &ir.placement().tolerations {
        add(&format!("tolerations.{}", entry.key), &entry.value.origin);
    }
    if let Some(origin) = &ir.placement().affinity_origin {
        add("affinity", origin);
    }
    if let Some(priority) = &ir.placement().priority {
        add("priority", &priority.origin);
    }
    if let Some(runtime_class) = &ir.placement().runtime_class {
        add("runtime_class", &runtime_class.origin);
    }
    if let Some(disruption) = &ir.disruption {
        add("disruption", &disruption.origin);
    }
    out.retain(|(_, origin)| origin.file().is_some());
    out
}

fn assert_same(comparison: &Comparison, what: &str) {
    assert!(
        comparison.mismatches.is_empty(),
        "{what}: the hover's effective values differ from the IR's:\n{}",
        comparison.mismatches.join("\n")
    );
}

#[test]
fn every_example_hovers_the_values_it_builds() {
    let mut fields = 0;
    for dir in example_dirs() {
        let comparison = compare_project(&dir);
        assert_same(&comparison, &dir.display().to_string());
        assert!(
            comparison.fields > 0,
            "{}: no field compared",
            dir.display()
        );
        fields += comparison.fields;
    }
    // The examples set hundreds of fields; a handful would mean the walk missed workloads.
    assert!(fields >= 200, "only {fields} fields compared");
}

#[test]
fn every_layer_of_the_ladder_hovers_the_value_it_builds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layers");
    let comparison = compare_project(&dir);
    assert_same(&comparison, "fixtures/layers");
    // The fixture is there to put every layer to use: a comparison that never met one of them
    // could not notice the editor skipping it.
    for layer in [
        "Workload",
        "App",
        "Env(\"dev\")",
        "Tier(\"production\")",
        "Tier(\"foundation\")",
        "Tier(\"small\")",
    ] {
        assert!(
            comparison.layers.contains(layer),
            "no value from {layer} compared (only {:?})",
            comparison.layers
        );
    }
}
