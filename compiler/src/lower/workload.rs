//! Lowering one workload: effective values, defaults, and the checks that need them.

use super::LowerCtx;
use super::ports::{default_probe_port, find_port, name_ports, no_port};
use crate::db::Db;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::*;
use crate::model::spec::*;
use crate::semantic::resolve::ResolvedCall;
use crate::semantic::structure::WorkloadEntry;
use crate::types::image::ImageRef;
use crate::types::quantity::format_duration;
use k8sc_grammar::DeclKind;
use std::sync::Arc;

/// Built-in defaults, the lowest layer of the precedence ladder.
pub(super) mod defaults {
    /// CPU request: 100m.
    pub const CPU_REQUEST: u64 = 100;
    /// Memory request (and limit): 128Mi.
    pub const MEMORY_REQUEST: u64 = 128 << 20;
    /// An unprivileged user and group id outside the range images usually allocate.
    pub const USER: i64 = 10001;
    /// Termination grace period.
    pub const GRACE_MS: u64 = 30_000;
    /// Pre-stop sleep for pods behind a Service, while endpoints are updated.
    pub const DRAIN_MS: u64 = 5_000;
    /// Size limit of `/tmp` and writable paths: a full scratch volume evicts the pod instead of
    /// filling the node's disk.
    pub const SCRATCH_LIMIT: u64 = 1 << 30;
    /// Where a stateful workload's volume is mounted.
    pub const STORAGE_MOUNT: &str = "/data";
    /// HPA CPU target when none is written.
    pub const AUTOSCALE_CPU: u32 = 70;
    /// Time zone of cron schedules.
    pub const TIMEZONE: &str = "Etc/UTC";
    /// Job backoff limit.
    pub const RETRIES: u32 = 3;
    /// Probe period, timeout and failure threshold.
    pub const PROBE_PERIOD_MS: u64 = 10_000;
    pub const PROBE_TIMEOUT_MS: u64 = 1_000;
    pub const PROBE_FAILURES: u32 = 3;
    /// Startup probes allow 30 failures (five minutes at the default period).
    pub const STARTUP_FAILURES: u32 = 30;
}

/// Lowers one workload whose layers are already stacked into `spec`, or reports why it cannot be.
#[allow(clippy::too_many_arguments)]
pub fn lower_workload(
    db: &dyn Db,
    app: &AppIr,
    app_spec: &AppSpec,
    entry: &WorkloadEntry,
    kind: WorkloadKind,
    spec: WorkloadSpec,
    calls: &[ResolvedCall],
    priorities: &[super::placement::Visible],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<WorkloadIr> {
    let mut ctx = LowerCtx {
        file: Arc::from(entry.file.path(db).as_str()),
        name_span: entry.name_span(db),
        diagnostics,
    };
    let what = entry.keyword.keyword();

    let Some(image) = spec.image.clone() else {
        if spec.was_rejected("image") {
            return None;
        }
        ctx.report(
            ctx.on_name(
                Code::MissingField,
                format!("{what} `{}` has no image", entry.name),
            )
            .with_label("missing `image`")
            .with_help("add `image: \"registry/name:version\"`"),
        );
        return None;
    };
    let image = apply_registry(image, app_spec);
    // A digest always names the same bytes; a tag may move, so it is pulled on every start.
    let image_pull = spec.image_pull.clone().unwrap_or_else(|| {
        Sourced::builtin(if image.value.is_digest_pinned() {
            ImagePull::IfNotPresent
        } else {
            ImagePull::Always
        })
    });

    let ports = spec.ports.as_ref().map(name_ports).unwrap_or_default();
    if kind == WorkloadKind::Service && ports.is_empty() {
        if spec.was_rejected("port") || spec.was_rejected("ports") {
            return None;
        }
        ctx.report(
            ctx.on_name(
                Code::MissingField,
                format!("service `{}` has no port", entry.name),
            )
            .with_label("missing `port`")
            .with_help(
                "add `port: http 8080`, or declare it as a `worker` if nothing connects to it",
            ),
        );
        return None;
    }

    let replicas = kind.is_replicated().then(|| {
        spec.replicas
            .clone()
            .unwrap_or_else(|| Sourced::builtin(Replicas::Fixed(1)))
    });
    let resources = lower_resources(&spec);
    let probes = lower_probes(&mut ctx, &spec, &ports, kind, &entry.name)?;
    let storage = lower_storage(&mut ctx, &spec, entry)?;
    let batch = lower_batch(&mut ctx, &spec, kind, &entry.name)?;
    if !spec.rejected.is_empty() {
        // The workload has errors already; checks of effective values would only repeat them.
        return None;
    }
    let mut ports = ports;
    let (sidecars, init) = super::containers::lower_containers(
        &mut ctx,
        &spec,
        app_spec,
        &entry.k8s_name,
        app.mesh.is_some(),
        &mut ports,
    )?;
    let expose = match &spec.expose {
        Some(expose) => Some(Box::new(lower_expose(
            &mut ctx, expose, &ports, app, &app.name,
        )?)),
        None => None,
    };
    let service = super::service::lower_service(
        &mut ctx,
        &spec,
        kind,
        !ports.is_empty(),
        app,
        &entry.k8s_name,
    )?;
    let security = lower_security(&spec);
    let scratch = ScratchIr {
        tmp: match spec.tmp.as_ref().map(|t| t.value) {
            Some(Tmp::Off) => None,
            Some(Tmp::On(limit)) => Some(limit.unwrap_or(defaults::SCRATCH_LIMIT)),
            None => Some(defaults::SCRATCH_LIMIT),
        },
        writable: spec
            .writable
            .as_ref()
            .map(|w| {
                w.value
                    .iter()
                    .map(|p| (p.clone(), defaults::SCRATCH_LIMIT))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let (grace_seconds, drain_seconds) = lower_shutdown(&mut ctx, &spec, kind, &ports)?;
    let spread = spec
        .spread
        .as_ref()
        .map(|s| Sourced::new(s.value.across, s.origin.clone()))
        .unwrap_or_else(|| {
            let several = replicas.as_ref().is_some_and(|r| r.value.max() >= 2);
            Sourced::builtin(if several { Spread::Zones } else { Spread::None })
        });
    let placement = super::placement::lower_placement(
        &mut ctx,
        &spec,
        &entry.k8s_name,
        replicas.as_ref(),
        priorities,
    )?;
    let rollout = super::lifecycle::lower_rollout(&mut ctx, &spec, kind, replicas.as_ref())?;
    let disruption = lower_disruption(&mut ctx, &spec, replicas.as_ref())?;
    let autoscale = lower_autoscale(&mut ctx, &spec, replicas.as_ref())?;
    check_volume_paths(&mut ctx, &spec, &scratch, storage.as_ref())?;
    let (files, volumes) = super::files::lower_files(
        &mut ctx,
        &spec,
        &super::files::Pod {
            kind,
            replicas: replicas.as_ref(),
            parallelism: batch.as_ref().and_then(|b| b.parallelism),
            scratch: &scratch,
            storage: storage.as_ref(),
            memory_limit: &resources.memory_limit,
        },
    )?;

    if kind == WorkloadKind::Service && probes.ready.is_none() {
        ctx.report(
            ctx.on_name(
                Code::NoReadinessProbe,
                format!("service `{}` has no readiness probe", entry.name),
            )
            .with_label("traffic is sent to pods before they are ready")
            .with_help("add `probes { ready: http \"/ready\" }`"),
        );
    }

    let traffic = super::traffic::lower_traffic(
        &mut ctx,
        &spec,
        kind,
        &ports,
        app,
        app_spec,
        replicas.as_ref(),
    )?
    .map(Box::new);
    let call_origin = spec.calls.as_ref().map(|c| c.origin.clone());
    let mut calls: Vec<CallIr> = calls
        .iter()
        .map(|c| CallIr {
            app: c.app.clone(),
            target: c.workload.clone(),
            external: c.external,
            port_refs: c.call.ports.clone(),
            paths: c.call.paths.clone(),
            methods: c.call.methods.iter().map(|(m, _)| m.clone()).collect(),
            request_spans: c
                .call
                .path_spans
                .iter()
                .chain(c.call.methods.iter().map(|(_, span)| span))
                .copied()
                .collect(),
            origin: match &call_origin {
                Some(origin) => origin.with_span(c.span),
                None => Origin::builtin(),
            },
        })
        .collect();
    calls.sort_by(|a, b| (&a.app, &a.target).cmp(&(&b.app, &b.target)));

    Some(WorkloadIr {
        name: entry.k8s_name.clone(),
        kind,
        keyword: entry.keyword,
        file: entry.file.path(db).clone(),
        image,
        image_pull,
        ports,
        replicas,
        resources,
        probes,
        env: spec.env.clone(),
        config: spec.config.clone(),
        command: spec.command.clone(),
        args: spec.args.clone(),
        sidecars,
        init,
        storage,
        files,
        volumes,
        batch,
        expose,
        service,
        calls,
        traffic,
        security,
        scratch,
        grace_seconds,
        drain_seconds,
        rollout,
        labels: spec.labels.clone(),
        annotations: spec.annotations.clone(),
        spread,
        placement: (placement != crate::ir::placement::PlacementIr::default())
            .then(|| Box::new(placement)),
        disruption,
        autoscale,
        exemptions: Vec::new(),
        patches: Vec::new(),
    })
}

/// Images written without a registry get the app's `registry` prefix, or Docker Hub's.
///
/// Images without a registry and without an app `registry` are written out in full
/// (`postgres:16` becomes `docker.io/library/postgres:16`): runtimes that refuse ambiguous short
/// names (CRI-O's enforcing mode) accept them, and registry rules see where the image comes from.
pub(super) fn apply_registry(image: Sourced<ImageRef>, app: &AppSpec) -> Sourced<ImageRef> {
    if image.value.registry.is_some() {
        return image;
    }
    let prefixed = match &app.registry {
        Some(registry) => format!("{}/{}", registry.value, image.value),
        None if image.value.repository.contains('/') => format!("docker.io/{}", image.value),
        None => format!("docker.io/library/{}", image.value),
    };
    match ImageRef::parse(&prefixed) {
        Ok(value) => Sourced {
            value,
            origin: image.origin,
        },
        Err(_) => image,
    }
}

pub(super) fn lower_resources(spec: &WorkloadSpec) -> ResourcesIr {
    let cpu = spec.cpu.clone();
    let memory = spec.memory.clone();
    let cpu_request = cpu.as_ref().map_or_else(
        || Sourced::builtin(defaults::CPU_REQUEST),
        |c| Sourced::new(c.value.request, c.origin.clone()),
    );
    let cpu_limit = cpu
        .as_ref()
        .and_then(|c| c.value.limit.map(|l| Sourced::new(l, c.origin.clone())));
    let memory_request = memory.as_ref().map_or_else(
        || Sourced::builtin(defaults::MEMORY_REQUEST),
        |m| Sourced::new(m.value.request, m.origin.clone()),
    );
    // Memory is not compressible: without a limit one pod can take a node down, so the limit is
    // the request unless a larger one is written.
    let memory_limit = memory.as_ref().map_or_else(
        || Sourced::builtin(defaults::MEMORY_REQUEST),
        |m| Sourced::new(m.value.limit.unwrap_or(m.value.request), m.origin.clone()),
    );
    ResourcesIr {
        cpu_request,
        cpu_limit,
        memory_request,
        memory_limit,
    }
}

fn seconds(millis: u64) -> u32 {
    u32::try_from(millis.div_ceil(1000)).unwrap_or(u32::MAX)
}

pub(super) fn lower_probes(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    ports: &[PortIr],
    kind: WorkloadKind,
    name: &str,
) -> Option<ProbesIr> {
    let mut ok = true;
    let mut lower_one = |ctx: &mut LowerCtx<'_>,
                         probe: &Option<Sourced<Probe>>,
                         which: &str,
                         failures: u32| {
        let probe = probe.as_ref()?;
        if which == "readiness" && kind.is_batch() {
            ctx.report(
                ctx.diagnostic_at(
                    &probe.origin,
                    probe.origin.span,
                    Code::FieldNotAllowed,
                    format!(
                        "a batch workload has no readiness probe: `{name}` receives no traffic"
                    ),
                )
                .with_label("readiness is meaningless for a job")
                .with_help("remove it; use `live` to restart a stuck job"),
            );
            ok = false;
            return None;
        }
        let port = match (&probe.value.check, &probe.value.port) {
            (ProbeCheck::Exec { .. }, _) => None,
            (_, Some((reference, span))) => match find_port(
                ctx,
                ports,
                reference,
                &probe.origin,
                *span,
                &format!("the {which} probe"),
            ) {
                Some(port) => Some(port.name.clone()),
                None => {
                    ok = false;
                    return None;
                }
            },
            (check, None) => {
                match default_probe_port(ports, check) {
                    Some(port) => Some(port.name.clone()),
                    None => {
                        let help = if matches!(check, ProbeCheck::Grpc) {
                            "a gRPC health check needs a port declared as `grpc`, e.g. `port: grpc 9090`"
                        } else {
                            "declare one with `port: http 8080`, or probe with `exec [\"cmd\"]`"
                        };
                        let diagnostic = no_port(ctx, &probe.origin, format!("the {which} probe needs a port, and `{name}` declares none it can use"), ports)
                            .with_help(help);
                        ctx.report(diagnostic);
                        ok = false;
                        return None;
                    }
                }
            }
        };
        let value = &probe.value;
        Some(Sourced::new(
            ProbeIr {
                check: value.check.clone(),
                port,
                delay_seconds: seconds(value.delay.unwrap_or(0)),
                period_seconds: seconds(value.period.unwrap_or(defaults::PROBE_PERIOD_MS)),
                timeout_seconds: seconds(value.timeout.unwrap_or(defaults::PROBE_TIMEOUT_MS)),
                failures: value.failures.unwrap_or(failures),
                success: value.success,
            },
            probe.origin.clone(),
        ))
    };
    let ready = lower_one(
        ctx,
        &spec.probes.ready,
        "readiness",
        defaults::PROBE_FAILURES,
    );
    let live = lower_one(ctx, &spec.probes.live, "liveness", defaults::PROBE_FAILURES);
    let startup = lower_one(
        ctx,
        &spec.probes.startup,
        "startup",
        defaults::STARTUP_FAILURES,
    );
    ok.then_some(ProbesIr {
        ready,
        live,
        startup,
    })
}

fn lower_storage(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    entry: &WorkloadEntry,
) -> Option<Option<StorageIr>> {
    let Some(storage) = &spec.storage else {
        if entry.keyword == DeclKind::Database && !spec.was_rejected("storage") {
            ctx.report(
                ctx.on_name(
                    Code::MissingField,
                    format!("database `{}` has no storage", entry.name),
                )
                .with_label("missing `storage`")
                .with_note(
                    "without a volume, a database loses its data whenever its pod is replaced",
                )
                .with_help("add `storage: 20Gi`, or declare it as `stateful` if it keeps no data"),
            );
            return None;
        }
        return Some(None);
    };
    Some(Some(StorageIr {
        size: storage.value.size,
        class: storage.value.class.clone(),
        mount: storage
            .value
            .mount
            .clone()
            .unwrap_or_else(|| defaults::STORAGE_MOUNT.to_string()),
        origin: storage.origin.clone(),
    }))
}

fn lower_batch(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    kind: WorkloadKind,
    name: &str,
) -> Option<Option<BatchIr>> {
    if !kind.is_batch() {
        return Some(None);
    }
    if kind == WorkloadKind::Cron && spec.schedule.is_none() && !spec.was_rejected("schedule") {
        ctx.report(
            ctx.on_name(
                Code::MissingField,
                format!("cron job `{name}` has no schedule"),
            )
            .with_label("missing `schedule`")
            .with_help("add `schedule: \"0 2 * * *\"` (02:00 every day)"),
        );
        return None;
    }
    Some(Some(BatchIr {
        schedule: spec.schedule.clone(),
        // Without a zone the controller-manager's local one applies: a schedule would mean
        // different times on different clusters.
        timezone: (kind == WorkloadKind::Cron).then(|| {
            spec.timezone
                .clone()
                .unwrap_or_else(|| Sourced::builtin(defaults::TIMEZONE.to_string()))
        }),
        concurrency: spec
            .concurrency
            .as_ref()
            .map_or(Concurrency::Forbid, |c| c.value),
        suspend: spec.suspend.as_ref().is_some_and(|s| s.value),
        completions: spec.completions.as_ref().map(|c| c.value),
        parallelism: spec.parallelism.as_ref().map(|p| p.value),
        retries: spec.retries.as_ref().map_or(defaults::RETRIES, |r| r.value),
        timeout_seconds: spec.timeout.as_ref().map(|t| t.value / 1000),
        ttl_seconds: spec.ttl.as_ref().map(|t| t.value / 1000),
        restart: spec.restart.as_ref().map_or(Restart::Never, |r| r.value),
    }))
}

fn lower_expose(
    ctx: &mut LowerCtx<'_>,
    expose: &Sourced<Box<Expose>>,
    ports: &[PortIr],
    app: &AppIr,
    app_name: &str,
) -> Option<ExposeIr> {
    let value = &expose.value;
    let port = match &value.port {
        Some((reference, span)) => {
            let port = find_port(
                ctx,
                ports,
                reference,
                &expose.origin,
                *span,
                expose_noun(value.kind),
            )?
            .clone();
            if !port.protocol.is_http() {
                ctx.report(
                    ctx.diagnostic_at(
                        &expose.origin,
                        *span,
                        Code::NoSuchPort,
                        format!(
                            "port `{}` speaks {}, but a route carries HTTP",
                            port.name,
                            port.protocol.keyword()
                        ),
                    )
                    .with_label("not an HTTP port")
                    .with_help("route to a port declared as `http` or `http2`"),
                );
                return None;
            }
            port
        }
        None => match ports.iter().find(|p| p.protocol.is_http()) {
            Some(port) => port.clone(),
            None => {
                let diagnostic = no_port(
                    ctx,
                    &expose.origin,
                    "exposing a service needs an HTTP port".to_string(),
                    ports,
                )
                .with_help(
                    "routes carry HTTP: declare the port the service serves HTTP on, e.g. `ports { grpc: grpc 9090, web: http 8080 }`",
                );
                ctx.report(diagnostic);
                return None;
            }
        },
    };
    if value.kind == ExposeKind::Route
        && let Some(tls) = &value.tls
        && app.mesh.is_none()
    {
        ctx.report(
            ctx.diagnostic_at(&expose.origin, expose.origin.span, Code::UnknownField, format!("a route has no `tls` (`{tls}`) without the mesh"))
                .with_label("set on the Gateway, not on the route")
                .with_note("with the Gateway API, TLS certificates belong to the Gateway's listeners; a route only attaches to them")
                .with_help("to set a certificate per host, use `expose: ingress \"host\" { tls: SECRET }`, or serve the route through the mesh (`mesh: istio`)"),
        );
        return None;
    }
    if value.kind == ExposeKind::Ingress
        && app.gateway.is_none()
        && app.network.value == crate::ir::Network::DefaultDeny
    {
        ctx.report(
            ctx.diagnostic_at(&expose.origin, expose.origin.span, Code::MissingField, "an exposed service in a default-deny namespace needs to know where its traffic comes from")
                .with_label("no `gateway` is set for this app")
                .with_note("the NetworkPolicy admits traffic to an exposed port from the namespace of the app's `gateway` only")
                .with_help(format!("add `gateway: \"NAMESPACE/NAME\"` to app `{app_name}`, naming where the ingress controller runs")),
        );
        return None;
    }
    if value.kind == ExposeKind::Route && app.gateway.is_none() {
        ctx.report(
            ctx.diagnostic_at(&expose.origin, expose.origin.span, Code::MissingField, "a route needs a Gateway to attach to")
                .with_label("no `gateway` is set for this app")
                .with_help(format!("add `gateway: \"NAMESPACE/NAME\"` to app `{app_name}`, naming the cluster's Gateway")),
        );
        return None;
    }
    Some(ExposeIr {
        kind: value.kind,
        hosts: value.hosts.clone(),
        paths: if value.paths.is_empty() {
            vec!["/".to_string()]
        } else {
            value.paths.clone()
        },
        port,
        tls: value.tls.clone(),
        class: value.class.clone(),
        origin: expose.origin.clone(),
    })
}

/// "the route" or "the ingress", for messages.
fn expose_noun(kind: ExposeKind) -> &'static str {
    match kind {
        ExposeKind::Route => "the route",
        ExposeKind::Ingress => "the ingress",
    }
}

fn lower_security(spec: &WorkloadSpec) -> SecurityIr {
    let user = spec
        .user
        .clone()
        .unwrap_or_else(|| Sourced::builtin(defaults::USER));
    // The group defaults to the user id, so files the process creates stay its own.
    let group = spec.group.clone().unwrap_or_else(|| user.clone());
    SecurityIr { user, group }
}

type Shutdown = (Sourced<u64>, Option<Sourced<u64>>);

fn lower_shutdown(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    kind: WorkloadKind,
    ports: &[PortIr],
) -> Option<Shutdown> {
    let grace = spec
        .grace
        .clone()
        .unwrap_or_else(|| Sourced::builtin(defaults::GRACE_MS));
    // Pods behind a Service keep serving for a moment after termination starts, while endpoints
    // and load balancers stop sending them traffic.
    let behind_service = kind.has_service() && !ports.is_empty();
    let drain = match &spec.drain {
        Some(drain) => Some(drain.clone()),
        None if behind_service => Some(Sourced::builtin(defaults::DRAIN_MS)),
        None => None,
    };
    if let Some(drain) = &drain
        && drain.value >= grace.value
    {
        let (at, other) = if drain.origin.file().is_some() {
            (drain, &grace)
        } else {
            (&grace, drain)
        };
        let mut diagnostic = ctx
            .diagnostic_at(
                &at.origin,
                at.origin.span,
                Code::InvalidValue,
                format!(
                    "drain {} is not shorter than the grace period {}",
                    format_duration(drain.value),
                    format_duration(grace.value)
                ),
            )
            .with_label("the pod would be killed while still draining")
            .with_help("make `grace` longer than `drain`, leaving time for the process to exit");
        let other_name = if std::ptr::eq(other, &grace) {
            "the grace period"
        } else {
            "the drain"
        };
        if let Some(label) = ctx.label_at(&other.origin, other_name) {
            diagnostic = diagnostic.with_secondary(label);
        }
        ctx.report(diagnostic);
        return None;
    }
    Some((
        Sourced::new(grace.value / 1000, grace.origin),
        drain.map(|d| Sourced::new(d.value / 1000, d.origin)),
    ))
}

fn lower_disruption(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    replicas: Option<&Sourced<Replicas>>,
) -> Option<Option<Sourced<Disruption>>> {
    let Some(replicas) = replicas else {
        return Some(None);
    };
    // A tier's budget only matters where several replicas may run.
    let from_tier = spec
        .disruption
        .as_ref()
        .is_some_and(|d| matches!(d.origin.layer(), Layer::Tier(_)));
    if from_tier && replicas.value.max() < 2 {
        return Some(None);
    }
    let Some(disruption) = &spec.disruption else {
        // A budget only matters when several replicas may run.
        let budget = (replicas.value.max() >= 2)
            .then(|| Sourced::builtin(Disruption::MaxUnavailable(IntOrPercent::Int(1))));
        return Some(budget);
    };
    let blocks_drains = match &disruption.value {
        Disruption::MinAvailable(IntOrPercent::Int(n)) => *n >= replicas.value.min(),
        Disruption::MinAvailable(IntOrPercent::Percent(p)) => *p == 100,
        Disruption::MaxUnavailable(IntOrPercent::Int(0) | IntOrPercent::Percent(0)) => true,
        _ => false,
    };
    if blocks_drains {
        let mut diagnostic = ctx
            .diagnostic_at(&disruption.origin, disruption.origin.span, Code::InvalidValue, format!(
                "this disruption budget never lets a pod go at {} replica{}",
                replicas.value.min(),
                if replicas.value.min() == 1 { "" } else { "s" }
            ))
            .with_label("blocks every node drain and cluster upgrade")
            .with_help("allow at least one pod to be unavailable, e.g. `disruption { max_unavailable: 1 }`");
        if let Some(label) = ctx.label_at(&replicas.origin, "replicas") {
            diagnostic = diagnostic.with_secondary(label);
        }
        ctx.report(diagnostic);
        return None;
    }
    match disruption.value {
        Disruption::None => Some(None),
        _ => Some(Some(disruption.clone())),
    }
}

fn lower_autoscale(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    replicas: Option<&Sourced<Replicas>>,
) -> Option<Option<AutoscaleIr>> {
    match (replicas.map(|r| r.value), &spec.autoscale) {
        (Some(Replicas::Auto { min, max }), targets) => {
            let targets = targets
                .as_ref()
                .map(|t| t.value.clone())
                .unwrap_or_default();
            let cpu = match (targets.cpu, targets.memory) {
                (None, None) => Some(defaults::AUTOSCALE_CPU),
                (cpu, _) => cpu,
            };
            Some(Some(AutoscaleIr {
                min,
                max,
                cpu,
                memory: targets.memory,
                up: targets.up.map(|rules| *rules),
                down: targets.down.map(|rules| *rules),
            }))
        }
        (_, Some(autoscale)) => {
            ctx.report(
                ctx.diagnostic_at(
                    &autoscale.origin,
                    autoscale.origin.span,
                    Code::InvalidValue,
                    "autoscaling targets need a replica range",
                )
                .with_label("nothing to scale between")
                .with_help("write `replicas: MIN..MAX` to get a HorizontalPodAutoscaler"),
            );
            None
        }
        _ => Some(None),
    }
}

/// `/tmp`, the writable paths and the storage mount must not overlap.
fn check_volume_paths(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    scratch: &ScratchIr,
    storage: Option<&StorageIr>,
) -> Option<()> {
    // (path, what it is, where it was written)
    let mut paths: Vec<(&str, &str, Option<&Origin>)> = Vec::new();
    if scratch.tmp.is_some() {
        paths.push((
            "/tmp",
            "the writable /tmp",
            spec.tmp.as_ref().map(|t| &t.origin),
        ));
    }
    let writable_origin = spec.writable.as_ref().map(|w| &w.origin);
    for (path, _) in &scratch.writable {
        paths.push((path, "a `writable` path", writable_origin));
    }
    if let Some(storage) = storage {
        paths.push((&storage.mount, "the storage mount", Some(&storage.origin)));
    }
    for (i, (a, a_what, a_origin)) in paths.iter().enumerate() {
        for (b, b_what, b_origin) in &paths[i + 1..] {
            let nested =
                a == b || b.starts_with(&format!("{a}/")) || a.starts_with(&format!("{b}/"));
            if !nested {
                continue;
            }
            let at = b_origin.or(*a_origin);
            let message = if a == b {
                format!("{b_what} and {a_what} are both mounted at `{b}`")
            } else {
                format!("{b_what} `{b}` and {a_what} `{a}` overlap")
            };
            let mut diagnostic = match at {
                Some(origin) => ctx.diagnostic_at(origin, origin.span, Code::InvalidValue, message),
                None => ctx.on_name(Code::InvalidValue, message),
            }
            .with_label("two volumes cannot share a path");
            diagnostic = if *a == "/tmp" || *b == "/tmp" {
                diagnostic.with_help(
                    "mount it elsewhere, or write `tmp: false` to drop the default /tmp volume",
                )
            } else {
                diagnostic.with_help("give each volume its own path")
            };
            ctx.report(diagnostic);
            return None;
        }
    }
    Some(())
}
