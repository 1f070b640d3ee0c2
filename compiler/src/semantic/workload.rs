//! Reading the body of a workload (or of any block of workload fields, such as tier defaults) into
//! a [`WorkloadSpec`]: every field type-checked, with the diagnostics of DESIGN §2 that concern a
//! single field — wrong types and units, ranges, ports, images, cron, literal secrets.

use super::containers::read_containers;
use super::files::{read_files, read_volumes};
use super::reader::Ctx;
use super::secrets::check_literal_secret;
use crate::diagnostics::Code;
use crate::model::containers::{ContainerRole, Containers};
use crate::model::fields::Slot;
use crate::model::lifecycle::{PodManagement, Strategy};
use crate::model::patch::PatchSpec;
use crate::model::schema::{self, FieldInfo, WORKLOAD_FIELDS};
use crate::model::service::ServiceOptions;
use crate::model::spec::*;
use crate::model::traffic::TrafficSpec;
use crate::types::{cron, image::ImageRef, names};
use k8sc_grammar::{Block, DeclKind, Field, Value, ValueKind};
use std::collections::HashMap;

/// Where a block of workload fields is written: what it may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadBlock {
    /// The body of a workload declared with this keyword.
    Declaration(DeclKind),
    /// An app's or a tier's `defaults`, for workloads of any kind.
    Defaults,
    /// A workload's block in an environment (`env prod { web { … } }`).
    Environment,
}

/// Reads the fields of a block of workload fields written at `place`.
pub fn read_workload(ctx: &mut Ctx<'_>, block: &Block, place: WorkloadBlock) -> WorkloadSpec {
    let mut spec = WorkloadSpec::default();
    let keyword = match place {
        WorkloadBlock::Declaration(keyword) => Some(keyword),
        WorkloadBlock::Defaults | WorkloadBlock::Environment => None,
    };
    let kind = keyword.and_then(WorkloadKind::from_decl);
    let context = match keyword {
        Some(keyword) => format!("a {}", keyword_phrase(keyword)),
        None => "workload defaults".to_string(),
    };
    for (info, field) in ctx.known_fields(block, WORKLOAD_FIELDS, &context) {
        if let (Some(kind), Some(keyword)) = (kind, keyword)
            && !info.kinds.allows(kind)
        {
            report_not_allowed(ctx, info, field, kind, keyword);
            continue;
        }
        let refused = match (info.defaults, place) {
            (_, WorkloadBlock::Declaration(_)) | (schema::Defaults::Allowed, _) => None,
            (schema::Defaults::Refused { why, help }, _) => Some((why, help)),
            (schema::Defaults::NotInDefaults { why, help }, WorkloadBlock::Defaults) => {
                Some((why, help))
            }
            (schema::Defaults::NotInDefaults { .. }, WorkloadBlock::Environment) => None,
        };
        if let Some((why, help)) = refused {
            ctx.report(
                ctx.diagnostic(
                    Code::FieldNotAllowed,
                    match place {
                        WorkloadBlock::Environment => {
                            format!("`{}` is not allowed in an environment", info.name)
                        }
                        _ => format!("`{}` is not allowed in workload defaults", info.name),
                    },
                    field.key_span(),
                )
                .with_label(why)
                .with_help(help),
            );
            continue;
        }
        let before = ctx.diagnostics.iter().filter(|d| d.is_error()).count();
        read_field(ctx, &mut spec, info.name, field);
        if ctx.diagnostics.iter().filter(|d| d.is_error()).count() > before {
            spec.rejected.push(info.name);
        }
    }
    report_port_and_ports(ctx, &spec, block);
    spec
}

/// Reads the fields of sidecar or init container `name`: those of a workload it may have
/// ([`ContainerRole::fields`]), by the workload's own readers; any other workload field is E0046.
pub(super) fn read_container_fields(
    ctx: &mut Ctx<'_>,
    block: &Block,
    role: ContainerRole,
    name: &str,
) -> WorkloadSpec {
    let mut spec = WorkloadSpec::default();
    let context = format!("{} `{name}`", role.noun());
    for (info, field) in ctx.known_fields(block, WORKLOAD_FIELDS, &context) {
        if !role.fields().contains(&info.name) {
            ctx.report(
                ctx.diagnostic(
                    Code::ContainerField,
                    format!("{context} cannot have `{}`", info.name),
                    field.key_span(),
                )
                .with_label(match role {
                    ContainerRole::Init if matches!(info.name, "port" | "ports" | "probes") => {
                        "an init container runs to completion: it serves nothing".to_string()
                    }
                    _ => format!("a field of the workload, not of {}", role.a()),
                })
                .with_note(format!(
                    "the fields of {} are: {}, mounts",
                    role.a(),
                    role.fields().join(", ")
                ))
                .with_help(match role {
                    ContainerRole::Init if matches!(info.name, "port" | "ports" | "probes") => {
                        "declare it under `sidecars` if it keeps running beside the workload"
                    }
                    _ => "set it on the workload itself",
                }),
            );
            spec.rejected.push(info.name);
            continue;
        }
        let before = ctx.diagnostics.iter().filter(|d| d.is_error()).count();
        read_field(ctx, &mut spec, info.name, field);
        if ctx.diagnostics.iter().filter(|d| d.is_error()).count() > before {
            spec.rejected.push(info.name);
        }
    }
    report_port_and_ports(ctx, &spec, block);
    spec
}

/// `port` and `ports` together: the second one read wins nothing; report it.
fn report_port_and_ports(ctx: &mut Ctx<'_>, spec: &WorkloadSpec, block: &Block) {
    if spec.ports.is_some() && block.fields().filter(|f| is_port_field(f)).count() > 1 {
        // `port` and `ports` together: the second one read wins nothing; report it.
        if let Some(second) = block.fields().filter(|f| is_port_field(f)).nth(1) {
            ctx.report(
                ctx.diagnostic(
                    Code::DuplicateField,
                    "`port` and `ports` are both set",
                    second.key_span(),
                )
                .with_label("ports set again here")
                .with_help("list every port in `ports`"),
            );
        }
    }
}

fn is_port_field(field: &Field) -> bool {
    matches!(field.key_text().as_str(), "port" | "ports")
}

/// A workload declaration keyword as a noun for messages (`cron` reads "cron job"), from the
/// workload-kind registry.
pub fn keyword_phrase(keyword: DeclKind) -> &'static str {
    crate::model::kinds::keyword(keyword).map_or(keyword.keyword(), |(_, entry)| entry.noun)
}

fn report_not_allowed(
    ctx: &mut Ctx<'_>,
    info: &FieldInfo,
    field: &Field,
    kind: WorkloadKind,
    keyword: DeclKind,
) {
    let valid_for: Vec<&str> = WorkloadKind::ALL
        .into_iter()
        .filter(|k| info.kinds.allows(*k))
        .map(|kind| kind.info().applies_to)
        .collect();
    let mut diagnostic = ctx
        .diagnostic(
            Code::FieldNotAllowed,
            format!("a {} has no field `{}`", keyword_phrase(keyword), info.name),
            field.key_span(),
        )
        .with_label(format!("not valid for a {}", keyword_phrase(keyword)))
        .with_note(format!(
            "`{}` applies to: {}",
            info.name,
            valid_for.join(", ")
        ));
    let hint = match (info.name, kind) {
        ("replicas", WorkloadKind::Daemon) => Some("a daemon runs one pod on every node"),
        ("replicas" | "disruption" | "spread" | "autoscale", k) if k.is_batch() => {
            Some("use `parallelism` and `completions` for batch work")
        }
        ("port" | "ports", k) if k.is_batch() => Some("batch workloads do not receive traffic"),
        ("schedule", WorkloadKind::Job) => Some("declare it as `cron` to run on a schedule"),
        ("storage", WorkloadKind::Service | WorkloadKind::Worker) => {
            Some("declare it as `database` or `stateful` to get a persistent volume per replica")
        }
        ("expose", _) => Some("only a `service` can be exposed"),
        _ => None,
    };
    if let Some(hint) = hint {
        diagnostic = diagnostic.with_help(hint);
    }
    ctx.report(diagnostic);
}

/// Generates, from the field registry ([`crate::model::fields`]), `read_field`: the reader of
/// each key, its value stored with where it was written.
macro_rules! define_read_field {
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
        /// Reads the registered field `name` (a name of [`WORKLOAD_FIELDS`], generated from the
        /// same registry, so every name has its reader) into `spec`.
        fn read_field(ctx: &mut Ctx<'_>, spec: &mut WorkloadSpec, name: &str, field: &Field) {
            match name {
                $( $( stringify!($key) => {
                    fn read($ctx: &mut Ctx<'_>, $f: &Field) -> <$ty as Slot>::Read {
                        $read
                    }
                    let origin = ctx.origin(field.value.span);
                    let value = read(ctx, field);
                    Slot::store(&mut spec.$field, value, origin);
                } )+ )*
                _ => {}
            }
        }

    };
}

crate::model::fields::workload_fields!(define_read_field);

/// `command` or `args`: a list of strings, checked for credentials passed as arguments.
fn read_arguments(ctx: &mut Ctx<'_>, value: &Value, name: &str) -> Option<Vec<String>> {
    let list = ctx.read_string_list(value);
    if list.is_some() {
        super::secrets::check_argument_secrets(ctx, value, name);
    }
    list
}

/// Parses an image reference string; invalid references are E0013, unpinned ones W0001.
pub fn read_image(ctx: &mut Ctx<'_>, value: &Value) -> Option<ImageRef> {
    let text = ctx.read_string(value)?;
    match ImageRef::parse(&text) {
        Ok(image) => {
            if image.is_unpinned() {
                let (message, label) = match &image.tag {
                    Some(_) => (
                        format!("image `{text}` uses the `latest` tag"),
                        "`latest` moves",
                    ),
                    None => (
                        format!("image `{text}` has no tag"),
                        "no tag means `latest`",
                    ),
                };
                ctx.report(
                    ctx.diagnostic(Code::UnpinnedImage, message, value.span)
                        .with_label(label)
                        .with_note("an unpinned image changes under you: two pods of the same Deployment can run different code")
                        .with_help("pin a version tag (`:2.3.1`) or a digest (`@sha256:…`)"),
                );
            }
            Some(image)
        }
        Err(error) => {
            let inner = string_inner_span(value, error.range.clone());
            let mut diagnostic = ctx
                .diagnostic(
                    Code::InvalidImage,
                    format!("invalid image reference: {}", error.message),
                    inner,
                )
                .with_label("invalid here");
            diagnostic = ctx.with_fix(diagnostic, error.help, value);
            ctx.report(diagnostic);
            None
        }
    }
}

/// The span of bytes `range` of a string literal's content (the literal's quotes skipped). Falls
/// back to the whole literal when escapes make positions differ.
fn string_inner_span(value: &Value, range: std::ops::Range<usize>) -> k8sc_grammar::Span {
    let ValueKind::Str(text) = &value.kind else {
        return value.span;
    };
    if value.span.len() != text.len() + 2 {
        return value.span;
    }
    let inner = value.span.slice(1..value.span.len() - 1);
    if range.is_empty() {
        return inner;
    }
    inner.slice(range)
}

pub(crate) fn read_port(
    ctx: &mut Ctx<'_>,
    value: &Value,
    name: Option<String>,
) -> Option<PortSpec> {
    let (protocol, number_value) = match &value.kind {
        ValueKind::Number(_) => (Protocol::Tcp, value),
        ValueKind::Apply {
            head,
            args,
            block: None,
        } if args.len() == 1 => {
            let Some(protocol) = Protocol::from_keyword(&head.name) else {
                let mut diagnostic = ctx
                    .diagnostic(
                        Code::InvalidValue,
                        format!("`{}` is not a port protocol", head.name),
                        head.span,
                    )
                    .with_label("unknown protocol")
                    .with_note("protocols: http, http2, https, grpc, tls, tcp, udp");
                if let Some(best) =
                    super::suggest::closest(&head.name, Protocol::ALL.iter().map(|p| p.keyword()))
                {
                    diagnostic.primary.span = head.span;
                    diagnostic = diagnostic.with_replacement(best);
                }
                ctx.report(diagnostic);
                return None;
            };
            (protocol, &args[0])
        }
        _ => {
            ctx.wrong_type(value, "a port such as `http 8080`");
            return None;
        }
    };
    let ValueKind::Number(number) = &number_value.kind else {
        ctx.wrong_type(number_value, "a port number");
        return None;
    };
    let Ok(parsed) =
        crate::types::quantity::parse_count(&number.text, number.unit.as_deref(), "a port")
    else {
        ctx.wrong_type(number_value, "a port number");
        return None;
    };
    if !(1..=65535).contains(&parsed) {
        ctx.report(
            ctx.diagnostic(
                Code::PortOutOfRange,
                format!("port {parsed} is out of range"),
                number_value.span,
            )
            .with_label("ports are 1 to 65535"),
        );
        return None;
    }
    if let Some(name) = &name
        && let Err(error) = names::validate_port_name(name)
    {
        ctx.report(
            ctx.diagnostic(Code::InvalidName, error.message.clone(), value.span)
                .with_note("port names are at most 15 lowercase letters, digits and `-`, with at least one letter"),
        );
        return None;
    }
    Some(PortSpec {
        name,
        protocol,
        number: u16::try_from(parsed).unwrap_or(0),
        span: value.span,
    })
}

pub(crate) fn read_ports(ctx: &mut Ctx<'_>, value: &Value) -> Option<Vec<PortSpec>> {
    let mut ports = Vec::new();
    match &value.kind {
        ValueKind::List(items) => {
            for item in items {
                if let Some(port) = read_port(ctx, item, None) {
                    ports.push(port);
                }
            }
        }
        ValueKind::Block(block) => {
            for field in block.fields() {
                let name = field.key_text();
                if let Some(port) = read_port(ctx, &field.value, Some(name)) {
                    ports.push(PortSpec {
                        span: field.span,
                        ..port
                    });
                }
            }
        }
        _ => {
            ctx.wrong_type(value, "a list of ports or a block of named ports");
            return None;
        }
    }
    check_port_clashes(ctx, &ports);
    Some(ports)
}

/// Two ports with the same number (and transport), or the same name, in one workload: E0011.
fn check_port_clashes(ctx: &mut Ctx<'_>, ports: &[PortSpec]) {
    let mut by_number: HashMap<(u16, bool), &PortSpec> = HashMap::new();
    let mut by_name: HashMap<&str, &PortSpec> = HashMap::new();
    for port in ports {
        let udp = port.protocol == Protocol::Udp;
        if let Some(first) = by_number.get(&(port.number, udp)) {
            ctx.report(
                ctx.diagnostic(
                    Code::PortClash,
                    format!("port {} is declared twice", port.number),
                    port.span,
                )
                .with_label("declared again here")
                .with_secondary(ctx.label(first.span, "first declared here"))
                .with_help(
                    "a container port can only be bound once; give each listener its own number",
                ),
            );
            continue;
        }
        by_number.insert((port.number, udp), port);
        if let Some(name) = &port.name {
            if let Some(first) = by_name.get(name.as_str()) {
                ctx.report(
                    ctx.diagnostic(
                        Code::PortClash,
                        format!("port name `{name}` is used twice"),
                        port.span,
                    )
                    .with_label("used again here")
                    .with_secondary(ctx.label(first.span, "first used here")),
                );
                continue;
            }
            by_name.insert(name, port);
        }
    }
}

fn read_replicas(ctx: &mut Ctx<'_>, value: &Value) -> Option<Replicas> {
    match &value.kind {
        ValueKind::Range { start, end } => {
            let min = ctx.read_u32(start, "the minimum replica count", 1, 10_000);
            let max = ctx.read_u32(end, "the maximum replica count", 1, 10_000);
            let (min, max) = (min?, max?);
            if min > max {
                ctx.report(
                    ctx.diagnostic(
                        Code::InvertedRange,
                        format!("replica range {min}..{max} has its minimum above its maximum"),
                        value.span,
                    )
                    .with_label("min..max")
                    .with_replacement(format!("{max}..{min}")),
                );
                return None;
            }
            if min == max {
                return Some(Replicas::Fixed(min));
            }
            Some(Replicas::Auto { min, max })
        }
        _ => ctx
            .read_u32(value, "replicas", 0, 10_000)
            .map(Replicas::Fixed),
    }
}

fn read_probes(ctx: &mut Ctx<'_>, value: &Value) -> ProbeSet {
    let mut set = ProbeSet::default();
    let Some(block) = ctx.expect_block(value, "a block `probes { ready: …, live: … }`") else {
        return set;
    };
    for (info, field) in ctx.known_fields(block, schema::PROBE_FIELDS, "`probes`") {
        let probe = read_probe(ctx, &field.value)
            .filter(|p| super::lifecycle::check_success(ctx, info.name, &field.value, p))
            .map(|p| ctx.sourced(p, field.value.span));
        match info.name {
            "ready" => set.ready = probe,
            "live" => set.live = probe,
            _ => set.startup = probe,
        }
    }
    set
}

fn read_probe(ctx: &mut Ctx<'_>, value: &Value) -> Option<Probe> {
    let (head, args, block) = match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => (&parts[0], &[][..], None),
        ValueKind::Apply { head, args, block } => (head, args.as_slice(), block.as_ref()),
        _ => {
            ctx.wrong_type(
                value,
                "a probe: `http \"/path\"`, `tcp`, `grpc` or `exec [\"cmd\"]`",
            );
            return None;
        }
    };
    let check = match (head.name.as_str(), args) {
        ("http", [path]) => {
            let path_text = ctx.read_string(path)?;
            if !path_text.starts_with('/') {
                ctx.report(
                    ctx.diagnostic(
                        Code::InvalidValue,
                        format!("probe path `{path_text}` does not start with `/`"),
                        path.span,
                    )
                    .with_replacement(format!("\"/{path_text}\"")),
                );
                return None;
            }
            ProbeCheck::Http { path: path_text }
        }
        ("http", _) => {
            ctx.report(
                ctx.diagnostic(Code::WrongType, "an `http` probe needs a path", value.span)
                    .with_label("expected `http \"/path\"`")
                    .with_replacement("http \"/healthz\""),
            );
            return None;
        }
        ("tcp", []) => ProbeCheck::Tcp,
        ("grpc", []) => ProbeCheck::Grpc,
        ("exec", [command_value]) => {
            let command = ctx.read_string_list(command_value)?;
            super::secrets::check_argument_secrets(ctx, command_value, "exec probe");
            if command.is_empty() {
                ctx.report(ctx.diagnostic(
                    Code::InvalidValue,
                    "an `exec` probe needs a command",
                    value.span,
                ));
                return None;
            }
            ProbeCheck::Exec { command }
        }
        ("tcp" | "grpc" | "exec", _) => {
            ctx.wrong_type(value, "`tcp`, `grpc` or `exec [\"cmd\", \"arg\"]`");
            return None;
        }
        (other, _) => {
            let mut diagnostic = ctx
                .diagnostic(
                    Code::InvalidValue,
                    format!("`{other}` is not a kind of probe"),
                    head.span,
                )
                .with_label("expected http, tcp, grpc or exec");
            if let Some(best) = super::suggest::closest(other, ["http", "tcp", "grpc", "exec"]) {
                diagnostic = diagnostic.with_replacement(best);
            }
            ctx.report(diagnostic);
            return None;
        }
    };
    let mut probe = Probe {
        check,
        port: None,
        delay: None,
        period: None,
        timeout: None,
        failures: None,
        success: None,
    };
    if let Some(block) = block {
        for (info, field) in ctx.known_fields(block, schema::PROBE_OPTION_FIELDS, "probe options") {
            let v = &field.value;
            match info.name {
                "port" if matches!(probe.check, ProbeCheck::Exec { .. }) => ctx.report(
                    ctx.diagnostic(
                        Code::InvalidValue,
                        "an `exec` probe has no port",
                        field.key_span(),
                    )
                    .with_label("the command runs inside the container")
                    .with_help("remove `port`, or probe the port with `http`, `tcp` or `grpc`"),
                ),
                "port" => probe.port = read_port_ref(ctx, v).map(|p| (p, v.span)),
                "delay" => probe.delay = read_seconds(ctx, v),
                "period" => probe.period = read_positive_duration(ctx, v),
                "timeout" => probe.timeout = read_positive_duration(ctx, v),
                "success" => probe.success = ctx.read_u32(v, "success", 1, 1000),
                _ => probe.failures = ctx.read_u32(v, "failures", 1, 1000),
            }
        }
    }
    Some(probe)
}

/// A duration Kubernetes counts in whole seconds.
fn read_seconds(ctx: &mut Ctx<'_>, value: &Value) -> Option<u64> {
    let millis = ctx.read_duration(value)?;
    if millis % 1000 != 0 {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                format!(
                    "`{}` is not a whole number of seconds",
                    crate::types::quantity::format_duration(millis)
                ),
                value.span,
            )
            .with_label("Kubernetes counts this in whole seconds")
            .with_replacement(format!("{}s", millis.div_ceil(1000))),
        );
        return None;
    }
    Some(millis)
}

fn read_positive_duration(ctx: &mut Ctx<'_>, value: &Value) -> Option<u64> {
    let millis = read_seconds(ctx, value)?;
    if millis < 1000 {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                "this duration must be at least 1s",
                value.span,
            )
            .with_label("Kubernetes counts it in whole seconds"),
        );
        return None;
    }
    Some(millis)
}

/// A port written by name (`metrics`) or number (`9100`).
pub(crate) fn read_port_ref(ctx: &mut Ctx<'_>, value: &Value) -> Option<PortRef> {
    match &value.kind {
        ValueKind::Number(_) => {
            let number = ctx.read_count(value, "a port", i64::MIN, i64::MAX)?;
            match u16::try_from(number) {
                Ok(port) if port > 0 => Some(PortRef::Number(port)),
                _ => {
                    ctx.report(
                        ctx.diagnostic(
                            Code::PortOutOfRange,
                            format!("port {number} is out of range"),
                            value.span,
                        )
                        .with_label("ports are 1 to 65535"),
                    );
                    None
                }
            }
        }
        _ => ctx.read_name(value).map(PortRef::Name),
    }
}

fn read_env(ctx: &mut Ctx<'_>, value: &Value) -> Vec<Entry<EnvValue>> {
    let fields = keyed_fields(ctx, value, &ENV_KEYS);
    let mut entries = Vec::new();
    for (key, key_span, field) in fields {
        let v = &field.value;
        let env_value = match &v.kind {
            ValueKind::Apply {
                head,
                args,
                block: None,
            } if head.name == "secret" => read_secret_ref(ctx, v, args),
            ValueKind::Str(_) | ValueKind::Number(_) | ValueKind::Bool(_) => {
                let text = ctx.read_scalar_text(v);
                if let Some(text) = &text {
                    check_literal_secret(ctx, &key, text, v.span, "environment variable");
                }
                text.map(EnvValue::Literal)
            }
            _ => {
                ctx.wrong_type(v, "a string, number, boolean or `secret NAME.KEY`");
                None
            }
        };
        if let Some(env_value) = env_value {
            entries.push(Entry {
                key,
                key_span,
                value: ctx.sourced(env_value, v.span),
            });
        }
    }
    entries
}

/// How the keys of a `{ KEY: value }` block are named and checked.
struct KeyRules {
    /// The block, for "expected …" messages.
    block: &'static str,
    /// One entry, for "`X` is set twice".
    entry: &'static str,
    /// The label on an invalid key.
    invalid_label: &'static str,
    /// The key's validator.
    validate: fn(&str) -> Result<(), names::ValueError>,
    /// Whether keys k8sc sets itself (`app.kubernetes.io/…`) are refused.
    reserved: bool,
}

const ENV_KEYS: KeyRules = KeyRules {
    block: "a block of environment variables",
    entry: "environment variable",
    invalid_label: "not a valid variable name",
    validate: names::validate_env_var_name,
    reserved: false,
};

const CONFIG_KEYS: KeyRules = KeyRules {
    block: "a block of settings `config { KEY: \"value\" }`",
    entry: "config key",
    invalid_label: "config keys become environment variable names",
    validate: names::validate_env_var_name,
    reserved: false,
};

const LABEL_KEYS: KeyRules = KeyRules {
    block: "a block of labels",
    entry: "label",
    invalid_label: "not a valid label key",
    validate: names::validate_label_key,
    reserved: true,
};

const ANNOTATION_KEYS: KeyRules = KeyRules {
    block: "a block of annotations",
    entry: "annotation",
    invalid_label: "not a valid annotation key",
    validate: names::validate_label_key,
    reserved: true,
};

/// The fields of a `{ KEY: value }` block with valid keys, each key once; invalid, reserved and
/// repeated keys are reported and left out.
fn keyed_fields<'v>(
    ctx: &mut Ctx<'_>,
    value: &'v Value,
    rules: &KeyRules,
) -> Vec<(String, k8sc_grammar::Span, &'v Field)> {
    let mut out = Vec::new();
    let Some(block) = ctx.expect_block(value, rules.block) else {
        return out;
    };
    let mut seen: HashMap<String, k8sc_grammar::Span> = HashMap::new();
    for field in block.fields() {
        let key = field.key_text();
        let key_span = field.key_span();
        if let Err(error) = (rules.validate)(&key) {
            let diagnostic = ctx
                .diagnostic(Code::InvalidName, error.message.clone(), key_span)
                .with_label(rules.invalid_label);
            let diagnostic = ctx.with_key_fix(diagnostic, error.help, key_span);
            ctx.report(diagnostic);
            continue;
        }
        let reserved =
            key.starts_with("app.kubernetes.io/") || key.starts_with("pod-security.kubernetes.io/");
        if rules.reserved && reserved {
            ctx.report(
                ctx.diagnostic(Code::InvalidName, format!("{} `{key}` is set by k8sc", rules.entry), key_span)
                    .with_label("reserved")
                    .with_note("k8sc sets the app.kubernetes.io labels and Pod Security labels itself; selectors depend on them"),
            );
            continue;
        }
        if let Some(first) = seen.get(&key) {
            ctx.report(
                ctx.diagnostic(
                    Code::DuplicateField,
                    format!("{} `{key}` is set twice", rules.entry),
                    key_span,
                )
                .with_label("set again here")
                .with_secondary(ctx.label(*first, "first set here")),
            );
            continue;
        }
        seen.insert(key.clone(), key_span);
        out.push((key, key_span, field));
    }
    out
}

/// The NAME of `secret NAME.KEY` or `secret NAME`: a valid Secret name (E0012 otherwise).
pub(super) fn secret_name(ctx: &mut Ctx<'_>, part: &k8sc_grammar::Ident) -> Option<String> {
    if let Err(error) = names::validate_dns_subdomain(&part.name) {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidName,
                super::reader::name_message(&error, "secret name"),
                part.span,
            )
            .with_label("not a valid Secret name"),
        );
        return None;
    }
    Some(part.name.clone())
}

fn read_secret_ref(ctx: &mut Ctx<'_>, value: &Value, args: &[Value]) -> Option<EnvValue> {
    let parts = match args {
        [
            Value {
                kind: ValueKind::Path(parts),
                ..
            },
        ] if parts.len() == 2 => parts,
        _ => {
            ctx.report(
                ctx.diagnostic(
                    Code::WrongType,
                    "a secret reference is `secret NAME.KEY`",
                    value.span,
                )
                .with_label("expected `secret NAME.KEY`")
                .with_note("NAME is the Kubernetes Secret, KEY the entry inside it"),
            );
            return None;
        }
    };
    let name = secret_name(ctx, &parts[0])?;
    Some(EnvValue::Secret {
        name,
        key: parts[1].name.clone(),
    })
}

fn read_config(ctx: &mut Ctx<'_>, value: &Value) -> Vec<Entry<String>> {
    let fields = keyed_fields(ctx, value, &CONFIG_KEYS);
    let mut entries = Vec::new();
    for (key, key_span, field) in fields {
        let v = &field.value;
        if let ValueKind::Apply { head, .. } = &v.kind
            && head.name == "secret"
        {
            ctx.report(
                ctx.diagnostic(
                    Code::LiteralSecret,
                    "a secret cannot be part of a ConfigMap",
                    v.span,
                )
                .with_label("config values are stored in plain text")
                .with_help(format!(
                    "move it to `env {{ {key}: {} }}`",
                    source_text_of_secret(v)
                )),
            );
            continue;
        }
        if let Some(text) = ctx.read_scalar_text(v) {
            check_literal_secret(ctx, &key, &text, v.span, "config value");
            entries.push(Entry {
                key,
                key_span,
                value: ctx.sourced(text, v.span),
            });
        }
    }
    entries
}

fn source_text_of_secret(value: &Value) -> String {
    match &value.kind {
        ValueKind::Apply { args, .. } => match args.first().map(|a| &a.kind) {
            Some(ValueKind::Path(parts)) => {
                let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
                format!("secret {}", names.join("."))
            }
            _ => "secret NAME.KEY".to_string(),
        },
        _ => "secret NAME.KEY".to_string(),
    }
}

fn read_storage(ctx: &mut Ctx<'_>, value: &Value) -> Option<Storage> {
    let (size_value, block) = match &value.kind {
        ValueKind::WithBlock { base, block } => (base.as_ref(), Some(block)),
        _ => (value, None),
    };
    let size = ctx.read_bytes(size_value, "storage")?;
    let mut storage = Storage {
        size,
        class: None,
        mount: None,
    };
    if let Some(block) = block {
        for (info, field) in ctx.known_fields(block, schema::STORAGE_FIELDS, "`storage`") {
            match info.name {
                "class" => storage.class = read_k8s_name(ctx, &field.value, "storage class"),
                _ => storage.mount = read_absolute_path(ctx, &field.value),
            }
        }
    }
    Some(storage)
}

pub(super) fn read_absolute_path(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let path = ctx.read_string(value)?;
    if !path.starts_with('/') || path.contains("..") || path.len() > 1 && path.ends_with('/') {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                format!("`{path}` is not an absolute path"),
                value.span,
            )
            .with_label("expected a path such as \"/data\""),
        );
        return None;
    }
    Some(path)
}

fn read_paths(ctx: &mut Ctx<'_>, value: &Value) -> Option<Vec<String>> {
    let ValueKind::List(items) = &value.kind else {
        ctx.wrong_type(value, "a list of paths");
        return None;
    };
    let mut paths: Vec<String> = Vec::new();
    for item in items {
        if let Some(path) = read_absolute_path(ctx, item) {
            if paths.contains(&path) {
                ctx.report(ctx.diagnostic(
                    Code::DuplicateField,
                    format!("path `{path}` is listed twice"),
                    item.span,
                ));
                continue;
            }
            paths.push(path);
        }
    }
    Some(paths)
}

pub(crate) fn read_k8s_name(ctx: &mut Ctx<'_>, value: &Value, what: &str) -> Option<String> {
    let name = ctx.read_name(value)?;
    match names::validate_dns_subdomain(&name) {
        Ok(()) => Some(name),
        Err(error) => {
            let mut diagnostic = ctx
                .diagnostic(
                    Code::InvalidName,
                    super::reader::name_message(&error, what),
                    value.span,
                )
                .with_label("not a valid Kubernetes name");
            diagnostic = ctx.with_fix(diagnostic, error.help, value);
            ctx.report(diagnostic);
            None
        }
    }
}

fn read_schedule(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let text = ctx.read_string(value)?;
    match cron::validate_cron(&text) {
        Ok(()) => Some(text),
        Err(error) => {
            let span = string_inner_span(value, error.range.clone());
            let mut diagnostic = ctx
                .diagnostic(Code::InvalidCron, format!("invalid cron schedule: {}", error.message), span)
                .with_label("invalid here")
                .with_note("fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\" is 02:00 every day");
            diagnostic = ctx.with_fix(diagnostic, error.help, value);
            ctx.report(diagnostic);
            None
        }
    }
}

fn read_timezone(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let zone = ctx.read_string(value)?;
    let valid = !zone.is_empty()
        && zone.len() <= 64
        && zone.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
        });
    if !valid {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                format!("`{zone}` is not a time zone name"),
                value.span,
            )
            .with_label("expected an IANA name such as \"Europe/Paris\" or \"UTC\""),
        );
        return None;
    }
    Some(zone)
}

pub(crate) fn validate_host(host: &str) -> Result<(), crate::types::names::ValueError> {
    let bare = host.strip_prefix("*.").unwrap_or(host);
    if !bare.contains('.') {
        return Err(crate::types::names::ValueError {
            message: "a public host name has at least one dot".to_string(),
            range: 0..host.len(),
            help: None,
        });
    }
    names::validate_dns_subdomain(bare)
}

fn read_id(ctx: &mut Ctx<'_>, value: &Value, what: &str) -> Option<i64> {
    if let ValueKind::Number(n) = &value.kind
        && n.text == "0"
        && n.unit.is_none()
    {
        ctx.report(
            ctx.diagnostic(Code::InvalidValue, format!("{what} 0 is root"), value.span)
                .with_label("containers never run as root")
                .with_help("use an unprivileged id such as 10001"),
        );
        return None;
    }
    ctx.read_count(value, what, 1, 2_147_483_647)
}

fn read_tmp(ctx: &mut Ctx<'_>, value: &Value) -> Option<Tmp> {
    match &value.kind {
        ValueKind::Bool(true) => Some(Tmp::On(None)),
        ValueKind::Bool(false) => Some(Tmp::Off),
        ValueKind::Number(_) => ctx.read_bytes(value, "tmp size").map(|b| Tmp::On(Some(b))),
        _ => {
            ctx.wrong_type(value, "`true`, `false` or a size such as `64Mi`");
            None
        }
    }
}

/// Reads `labels { … }` (values checked as label values) or `annotations { … }`.
pub fn read_metadata_map(ctx: &mut Ctx<'_>, value: &Value, labels: bool) -> Vec<Entry<String>> {
    let rules = if labels {
        &LABEL_KEYS
    } else {
        &ANNOTATION_KEYS
    };
    let fields = keyed_fields(ctx, value, rules);
    let mut entries = Vec::new();
    for (key, key_span, field) in fields {
        // Label values are word-like, so a bare name (`tier: frontend`) is a value too.
        let text = match &field.value.kind {
            ValueKind::Path(parts) if labels && parts.len() == 1 => Some(parts[0].name.clone()),
            _ => ctx.read_scalar_text(&field.value),
        };
        let Some(text) = text else {
            continue;
        };
        // Labels and annotations are plain text on the object, like environment values.
        let what = if labels { "label" } else { "annotation" };
        if check_literal_secret(ctx, &key, &text, field.value.span, what) {
            continue;
        }
        if labels && !names::is_valid_label_value(&text) {
            ctx.report(
                ctx.diagnostic(Code::InvalidName, format!("invalid label value `{text}`"), field.value.span)
                    .with_label("label values are at most 63 letters, digits, `-`, `_` and `.`, starting and ending alphanumeric"),
            );
            continue;
        }
        entries.push(Entry {
            key,
            key_span,
            value: ctx.sourced(text, field.value.span),
        });
    }
    entries
}

fn read_disruption(ctx: &mut Ctx<'_>, value: &Value) -> Option<Disruption> {
    if let ValueKind::Path(parts) = &value.kind
        && parts.len() == 1
        && parts[0].name == "none"
    {
        return Some(Disruption::None);
    }
    let block = ctx.expect_block(value, "`disruption { min_available: 1 }` or `none`")?;
    let fields = ctx.known_fields(block, schema::DISRUPTION_FIELDS, "`disruption`");
    match fields.as_slice() {
        [(info, field)] => {
            let amount = read_int_or_percent(ctx, &field.value)?;
            Some(match info.name {
                "min_available" => Disruption::MinAvailable(amount),
                _ => Disruption::MaxUnavailable(amount),
            })
        }
        [] => {
            ctx.report(
                ctx.diagnostic(
                    Code::MissingField,
                    "`disruption` needs `min_available` or `max_unavailable`",
                    value.span,
                )
                .with_help("write `disruption { max_unavailable: 1 }`, or `disruption: none`"),
            );
            None
        }
        [_, (_, second), ..] => {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidValue,
                    "set `min_available` or `max_unavailable`, not both",
                    second.key_span(),
                )
                .with_label("a PodDisruptionBudget takes one of them"),
            );
            None
        }
    }
}

pub(crate) fn read_int_or_percent(ctx: &mut Ctx<'_>, value: &Value) -> Option<IntOrPercent> {
    match &value.kind {
        ValueKind::Number(n) if n.unit.as_deref() == Some("%") => {
            ctx.read_percent(value).map(IntOrPercent::Percent)
        }
        _ => ctx
            .read_u32(value, "a pod count", 0, 10_000)
            .map(IntOrPercent::Int),
    }
}

fn read_autoscale(ctx: &mut Ctx<'_>, value: &Value) -> Option<Autoscale> {
    let block = ctx.expect_block(value, "`autoscale { cpu: 70% }`")?;
    let mut autoscale = Autoscale::default();
    for (info, field) in ctx.known_fields(block, schema::AUTOSCALE_FIELDS, "`autoscale`") {
        if let direction @ ("up" | "down") = info.name {
            let rules = super::scaling::read_rules(ctx, &field.value, direction).map(Box::new);
            match direction {
                "up" => autoscale.up = rules,
                _ => autoscale.down = rules,
            }
            continue;
        }
        let percent = ctx.read_percent(&field.value);
        if percent == Some(0) {
            ctx.report(ctx.diagnostic(
                Code::InvalidValue,
                "a utilisation target of 0% scales without end",
                field.value.span,
            ));
            continue;
        }
        match info.name {
            "cpu" => autoscale.cpu = percent,
            _ => autoscale.memory = percent,
        }
    }
    Some(autoscale)
}
