//! Reading `files { "/PATH": … }` and `volumes { NAME: … }`: each entry type-checked (paths,
//! names, Secret keys, token lifetimes, sizes); how the entries fit together in the pod (paths
//! that overlap, a claim one node can mount on several pods) is judged on the effective values,
//! in `lower::files`.

use super::reader::Ctx;
use super::secrets::secret_reason;
use crate::diagnostics::Code;
use crate::model::files::{
    Access, CLAIM_FIELDS, EMPTY_DIR_FIELDS, FileSource, TOKEN_FIELDS, VolumeSpec,
};
use crate::model::spec::Entry;
use crate::types::names;
use k8sc_grammar::{Span, Value, ValueKind};
use std::collections::HashMap;

/// The shortest lifetime the API server accepts for a projected token (`expirationSeconds`).
pub const TOKEN_MIN_EXPIRY_MS: u64 = 10 * 60 * 1000;
/// The longest (`expirationSeconds` at most 2^32).
pub const TOKEN_MAX_EXPIRY_MS: u64 = (1 << 32) * 1000;

/// Volume names k8sc gives the pod's own volumes: `/tmp` and a stateful workload's data.
const RESERVED_VOLUMES: [&str; 2] = ["tmp", "data"];

/// `files { "/PATH": SOURCE … }`.
pub fn read_files(ctx: &mut Ctx<'_>, value: &Value) -> Vec<Entry<FileSource>> {
    let mut entries = Vec::new();
    let Some(block) = ctx.expect_block(value, "a block of files `{ \"/PATH\": … }`") else {
        return entries;
    };
    let mut seen: HashMap<String, Span> = HashMap::new();
    for field in block.fields() {
        let key = field.key_text();
        let key_span = field.key_span();
        if let Err(message) = check_file_path(&key) {
            ctx.report(
                ctx.diagnostic(Code::InvalidValue, message, key_span)
                    .with_label("expected an absolute path such as \"/etc/app/config.yaml\"")
                    .with_help("write the path in quotes: `\"/etc/app/config.yaml\": …`"),
            );
            continue;
        }
        if let Some(first) = seen.get(&key) {
            ctx.report(
                ctx.diagnostic(
                    Code::DuplicateField,
                    format!("file `{key}` is set twice"),
                    key_span,
                )
                .with_label("set again here")
                .with_secondary(ctx.label(*first, "first set here")),
            );
            continue;
        }
        seen.insert(key.clone(), key_span);
        if let Some(source) = read_file_source(ctx, &key, &field.value) {
            entries.push(Entry {
                key,
                key_span,
                value: ctx.sourced(source, field.value.span),
            });
        }
    }
    entries
}

/// A mount path: absolute, normalised (no `.`/`..` segments, no empty segment, no trailing
/// slash), not the root, and without `:` (which the API server refuses in a mount path).
pub fn check_file_path(path: &str) -> Result<(), String> {
    let normal = path.len() > 1
        && path.starts_with('/')
        && path[1..]
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
        && !path.contains(':')
        && !path.chars().any(char::is_control);
    if normal {
        Ok(())
    } else {
        Err(format!("`{path}` is not an absolute path to a file"))
    }
}

fn read_file_source(ctx: &mut Ctx<'_>, path: &str, value: &Value) -> Option<FileSource> {
    const EXPECTED: &str = "a text (`\"\"\"…\"\"\"`), `secret NAME.KEY`, `secret NAME` or \
                            `token { audience, expiry }`";
    match &value.kind {
        ValueKind::Str(text) => {
            if check_file_secret(ctx, path, text, value.span) {
                return None;
            }
            Some(FileSource::Inline(text.clone()))
        }
        ValueKind::Apply {
            head,
            args,
            block: None,
        } if head.name == "secret" => read_secret_file(ctx, value, args),
        ValueKind::Apply {
            head,
            args,
            block: Some(block),
        } if head.name == "token" && args.is_empty() => {
            let mut audience = None;
            let mut expiry = None;
            for (info, field) in ctx.known_fields(block, TOKEN_FIELDS, "`token`") {
                match info.name {
                    "audience" => audience = read_audience(ctx, &field.value),
                    _ => expiry = read_token_expiry(ctx, &field.value),
                }
            }
            let Some(audience) = audience else {
                if !block.fields().any(|f| f.key_text() == "audience") {
                    ctx.report(
                        ctx.diagnostic(Code::MissingField, "a token needs an `audience`", value.span)
                            .with_label("missing `audience`")
                            .with_note("the receiver (Vault, a cloud's identity service) accepts only tokens issued for it")
                            .with_help("add `audience: \"vault\"`"),
                    );
                }
                return None;
            };
            Some(FileSource::Token { audience, expiry })
        }
        _ => {
            ctx.wrong_type(value, EXPECTED);
            None
        }
    }
}

/// Reports E0015 if the text of the file at `path` holds a credential: a value shaped like one
/// anywhere in it, or a `NAME = value` / `NAME: value` line whose name says it is one (`password
/// = …` in an INI file, `db_password: …` in YAML); says whether it did. The value is never shown.
fn check_file_secret(ctx: &mut Ctx<'_>, path: &str, text: &str, span: Span) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lines = text.lines().filter_map(|line| {
        let at = line.find(['=', ':'])?;
        let key = line[..at].trim().trim_matches(['"', '\'', '-', ' ']);
        let value = line[at + 1..].trim().trim_matches(['"', '\'']);
        (!key.is_empty() && !value.is_empty()).then_some((key, value))
    });
    let reason = std::iter::once((name, text))
        .chain(lines)
        .find_map(|(key, value)| secret_reason(key, value));
    let Some(reason) = reason else {
        return false;
    };
    ctx.report(
        ctx.diagnostic(
            Code::LiteralSecret,
            format!("file `{path}` holds a secret written as a literal value"),
            span,
        )
        .with_label(reason)
        .with_note("a file's text is stored in a ConfigMap: in Git, in the manifests and in `kubectl describe`")
        .with_help(format!(
            "put the file in a Kubernetes Secret and mount it: `\"{path}\": secret NAME.KEY`"
        )),
    );
    true
}

fn read_audience(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let audience = ctx.read_string(value)?;
    if audience.trim().is_empty() {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                "a token's audience is empty",
                value.span,
            )
            .with_label("expected who the token is for, e.g. \"vault\""),
        );
        return None;
    }
    Some(audience)
}

fn read_token_expiry(ctx: &mut Ctx<'_>, value: &Value) -> Option<u64> {
    let expiry = ctx.read_duration(value)?;
    if !(TOKEN_MIN_EXPIRY_MS..=TOKEN_MAX_EXPIRY_MS).contains(&expiry) {
        let short = expiry < TOKEN_MIN_EXPIRY_MS;
        ctx.report(
            ctx.diagnostic(
                Code::TokenExpiry,
                if short {
                    "a projected token must live at least 10 minutes"
                } else {
                    "a projected token cannot live longer than 2^32 seconds"
                },
                value.span,
            )
            .with_label(if short {
                "the API server refuses an `expirationSeconds` under 600"
            } else {
                "the API server refuses an `expirationSeconds` over 4294967296"
            })
            .with_note("the kubelet renews the token at 80% of its lifetime; the file always holds a valid one")
            .with_help("write `expiry: 1h` (the default), or anything from `10m`"),
        );
        return None;
    }
    Some(expiry)
}

/// `secret NAME.KEY` (one file) or `secret NAME` (a directory of every key).
fn read_secret_file(ctx: &mut Ctx<'_>, value: &Value, args: &[Value]) -> Option<FileSource> {
    let parts = match args {
        [
            Value {
                kind: ValueKind::Path(parts),
                ..
            },
        ] if parts.len() <= 2 => parts,
        _ => {
            ctx.report(
                ctx.diagnostic(
                    Code::WrongType,
                    "a secret file is `secret NAME.KEY`, or `secret NAME` for every key",
                    value.span,
                )
                .with_label("expected `secret NAME.KEY` or `secret NAME`")
                .with_note("NAME is the Kubernetes Secret, KEY the entry inside it"),
            );
            return None;
        }
    };
    let name = super::workload::secret_name(ctx, &parts[0])?;
    match parts.get(1) {
        None => Some(FileSource::Secret(name)),
        Some(key) => Some(FileSource::SecretKey {
            secret: name,
            key: key.name.clone(),
        }),
    }
}

/// `volumes { NAME: empty_dir { … } | claim SIZE { … } }`.
pub fn read_volumes(ctx: &mut Ctx<'_>, value: &Value) -> Vec<Entry<VolumeSpec>> {
    let mut entries = Vec::new();
    let Some(block) = ctx.expect_block(value, "a block of volumes `{ NAME: … }`") else {
        return entries;
    };
    let mut seen: HashMap<String, Span> = HashMap::new();
    for field in block.fields() {
        let key = field.key_text();
        let key_span = field.key_span();
        if let Err(error) = names::validate_dns_label(&key, 63) {
            let diagnostic = ctx
                .diagnostic(
                    Code::InvalidName,
                    super::reader::name_message(&error, "volume name"),
                    key_span,
                )
                .with_label("a volume name is a DNS label");
            let diagnostic = ctx.with_key_fix(diagnostic, error.help, key_span);
            ctx.report(diagnostic);
            continue;
        }
        if RESERVED_VOLUMES.contains(&key.as_str()) {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidName,
                    format!("volume `{key}` is a name k8sc gives its own volume"),
                    key_span,
                )
                .with_label("reserved")
                .with_note(
                    "`tmp` is the writable /tmp, `data` a stateful workload's persistent volume",
                )
                .with_help("give the volume another name"),
            );
            continue;
        }
        if let Some(first) = seen.get(&key) {
            ctx.report(
                ctx.diagnostic(
                    Code::DuplicateField,
                    format!("volume `{key}` is set twice"),
                    key_span,
                )
                .with_label("set again here")
                .with_secondary(ctx.label(*first, "first set here")),
            );
            continue;
        }
        seen.insert(key.clone(), key_span);
        if let Some(volume) = read_volume(ctx, &field.value) {
            entries.push(Entry {
                key,
                key_span,
                value: ctx.sourced(volume, field.value.span),
            });
        }
    }
    entries
}

fn read_volume(ctx: &mut Ctx<'_>, value: &Value) -> Option<VolumeSpec> {
    const EXPECTED: &str =
        "`empty_dir { size, memory, mount }` or `claim SIZE { class, access, mount }`";
    let (head, args, block) = match &value.kind {
        ValueKind::Apply { head, args, block } => (head.name.as_str(), args.as_slice(), block),
        _ => {
            ctx.wrong_type(value, EXPECTED);
            return None;
        }
    };
    match (head, args) {
        ("empty_dir", []) => {
            let (mut size, mut memory, mut mount) = (None, false, None);
            let mut ok = true;
            if let Some(block) = block {
                for (info, field) in ctx.known_fields(block, EMPTY_DIR_FIELDS, "`empty_dir`") {
                    let v = &field.value;
                    match info.name {
                        "size" => size = ctx.read_bytes(v, "size").or_else(|| fail(&mut ok)),
                        "memory" => {
                            memory = ctx.read_bool(v).or_else(|| fail(&mut ok)).unwrap_or(false)
                        }
                        _ => mount = read_mount(ctx, v).or_else(|| fail(&mut ok)),
                    }
                }
            }
            let mount = require_mount(ctx, value, mount, ok)?;
            ok.then_some(VolumeSpec::EmptyDir {
                size,
                memory,
                mount: Some(mount),
            })
        }
        ("claim", [size_value]) => {
            let size = ctx.read_bytes(size_value, "claim size");
            let (mut class, mut access, mut mount) = (None, None, None);
            let mut ok = size.is_some();
            if let Some(block) = block {
                for (info, field) in ctx.known_fields(block, CLAIM_FIELDS, "`claim`") {
                    let v = &field.value;
                    match info.name {
                        "class" => class = read_class(ctx, v).or_else(|| fail(&mut ok)),
                        "access" => {
                            access = ctx
                                .read_choice(v, "access mode", Access::CHOICES)
                                .or_else(|| fail(&mut ok))
                        }
                        _ => mount = read_mount(ctx, v).or_else(|| fail(&mut ok)),
                    }
                }
            }
            let mount = require_mount(ctx, value, mount, ok)?;
            Some(VolumeSpec::Claim {
                size: size?,
                class,
                access,
                mount: Some(mount),
            })
        }
        _ => {
            ctx.wrong_type(value, EXPECTED);
            None
        }
    }
}

/// Marks a read as failed; for `or_else` chains.
fn fail<T>(ok: &mut bool) -> Option<T> {
    *ok = false;
    None
}

/// Until other containers can mount a volume, the main container's `mount` is what makes it
/// useful: a volume without one is reported.
fn require_mount(
    ctx: &mut Ctx<'_>,
    value: &Value,
    mount: Option<String>,
    ok: bool,
) -> Option<String> {
    if mount.is_none() && ok {
        ctx.report(
            ctx.diagnostic(Code::MissingField, "the volume has no `mount`", value.span)
                .with_label("missing `mount`")
                .with_help("add `mount: \"/PATH\"`, where the container sees the volume"),
        );
    }
    mount
}

fn read_mount(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let path = ctx.read_string(value)?;
    match check_file_path(&path) {
        Ok(()) => Some(path),
        Err(_) => {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidValue,
                    format!("`{path}` is not an absolute path"),
                    value.span,
                )
                .with_label("expected a path such as \"/var/log/app\""),
            );
            None
        }
    }
}

fn read_class(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let name = ctx.read_name(value)?;
    match names::validate_dns_subdomain(&name) {
        Ok(()) => Some(name),
        Err(error) => {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidName,
                    super::reader::name_message(&error, "storage class"),
                    value.span,
                )
                .with_label("not a valid Kubernetes name"),
            );
            None
        }
    }
}
