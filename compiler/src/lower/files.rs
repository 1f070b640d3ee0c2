//! Lowering `files` and `volumes`: defaults applied (a token lives 1h, an emptyDir holds 1Gi, a
//! claim is ReadWriteMany), and the checks that need the whole pod: no two mounts at one path or
//! one inside another (E0050), no claim one node mounts on a workload that runs several pods
//! (E0052), a memory-backed volume that fits in the memory limit (W0015).

use super::LowerCtx;
use crate::diagnostics::Code;
use crate::ir::files::{FileContent, FileIr, VolumeIr, VolumeKind};
use crate::ir::{ScratchIr, StorageIr};
use crate::model::files::{Access, FileSource, VolumeSpec};
use crate::model::spec::{Origin, Replicas, Sourced, WorkloadKind, WorkloadSpec};
use crate::types::quantity::format_bytes;

/// A projected token's lifetime when none is written: Kubernetes' own default (1h).
const TOKEN_EXPIRY_MS: u64 = 60 * 60 * 1000;
/// An emptyDir's size limit when none is written, as for `writable` paths.
const EMPTY_DIR_SIZE: u64 = 1 << 30;

/// What lowering needs of the rest of the workload.
pub(super) struct Pod<'a> {
    /// Its kind.
    pub kind: WorkloadKind,
    /// Its replicas (replicated kinds).
    pub replicas: Option<&'a Sourced<Replicas>>,
    /// How many pods a batch workload runs at once.
    pub parallelism: Option<u32>,
    /// `/tmp` and the writable paths.
    pub scratch: &'a ScratchIr,
    /// The stateful workload's volume.
    pub storage: Option<&'a StorageIr>,
    /// The container's memory limit, bytes.
    pub memory_limit: &'a Sourced<u64>,
}

/// The workload's files and volumes, or `None` when one is refused (reported).
pub(super) fn lower_files(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    pod: &Pod<'_>,
) -> Option<(Vec<FileIr>, Vec<VolumeIr>)> {
    let files: Vec<FileIr> = spec
        .files
        .iter()
        .map(|entry| FileIr {
            path: entry.key.clone(),
            content: match &entry.value.value {
                FileSource::Inline(text) => FileContent::Text(text.clone()),
                FileSource::SecretKey { secret, key } => FileContent::SecretKey {
                    secret: secret.clone(),
                    key: key.clone(),
                },
                FileSource::Secret(secret) => FileContent::Secret(secret.clone()),
                FileSource::Token { audience, expiry } => FileContent::Token {
                    audience: audience.clone(),
                    expiry_seconds: expiry.unwrap_or(TOKEN_EXPIRY_MS) / 1000,
                },
            },
            origin: entry.value.origin.clone(),
        })
        .collect();
    let volumes: Vec<VolumeIr> = spec
        .volumes
        .iter()
        .map(|entry| {
            let (kind, mount) = match &entry.value.value {
                VolumeSpec::EmptyDir {
                    size,
                    memory,
                    mount,
                } => (
                    VolumeKind::EmptyDir {
                        size: size.unwrap_or(EMPTY_DIR_SIZE),
                        memory: *memory,
                    },
                    mount,
                ),
                VolumeSpec::Claim {
                    size,
                    class,
                    access,
                    mount,
                } => (
                    VolumeKind::Claim {
                        size: *size,
                        class: class.clone(),
                        access: access.unwrap_or(Access::Many),
                    },
                    mount,
                ),
            };
            VolumeIr {
                name: entry.key.clone(),
                kind,
                mount: mount.clone().unwrap_or_default(),
                origin: entry.value.origin.clone(),
            }
        })
        .collect();
    let mut ok = check_mounts(ctx, spec, &files, &volumes, pod);
    for volume in &volumes {
        ok &= check_volume(ctx, volume, pod);
    }
    ok.then_some((files, volumes))
}

/// Where a file is mounted: a single file (a `subPath` mount), or a directory (a whole Secret;
/// a token, whose directory is mounted so that the kubelet's renewals reach the container).
fn mount_point(file: &FileIr) -> (&str, bool) {
    match &file.content {
        FileContent::Text(_) | FileContent::SecretKey { .. } => (&file.path, false),
        FileContent::Secret(_) => (&file.path, true),
        FileContent::Token { .. } => (parent(&file.path), true),
    }
}

/// The directory of an absolute path (`/` for a file at the root).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// One mount of the pod, for the overlap check.
struct Mount<'a> {
    path: &'a str,
    what: String,
    origin: Option<&'a Origin>,
    /// Written in `files` or `volumes` (the other mounts are checked in `lower::workload`).
    ours: bool,
    /// Tokens of one directory share one mount.
    token_dir: bool,
}

fn check_mounts(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    files: &[FileIr],
    volumes: &[VolumeIr],
    pod: &Pod<'_>,
) -> bool {
    let mut mounts: Vec<Mount<'_>> = Vec::new();
    if pod.scratch.tmp.is_some() {
        mounts.push(Mount {
            path: "/tmp",
            what: "the writable /tmp".to_string(),
            origin: spec.tmp.as_ref().map(|t| &t.origin),
            ours: false,
            token_dir: false,
        });
    }
    for (path, _) in &pod.scratch.writable {
        mounts.push(Mount {
            path,
            what: format!("the `writable` path `{path}`"),
            origin: spec.writable.as_ref().map(|w| &w.origin),
            ours: false,
            token_dir: false,
        });
    }
    if let Some(storage) = pod.storage {
        mounts.push(Mount {
            path: &storage.mount,
            what: format!("the storage mount `{}`", storage.mount),
            origin: Some(&storage.origin),
            ours: false,
            token_dir: false,
        });
    }
    for volume in volumes {
        mounts.push(Mount {
            path: &volume.mount,
            what: format!("volume `{}` (mounted at `{}`)", volume.name, volume.mount),
            origin: Some(&volume.origin),
            ours: true,
            token_dir: false,
        });
    }
    let mut ok = true;
    for file in files {
        let (path, directory) = mount_point(file);
        if path == "/" {
            ctx.report(
                ctx.diagnostic_at(
                    &file.origin,
                    file.origin.span,
                    Code::MountConflict,
                    format!("the token `{}` would be mounted over `/`", file.path),
                )
                .with_label("a token is mounted with its directory")
                .with_note("the kubelet renews a token by replacing the files of its directory, so the directory is the mount")
                .with_help("put it in a directory of its own, e.g. \"/var/run/secrets/tokens/vault\""),
            );
            ok = false;
            continue;
        }
        let is_token = matches!(file.content, FileContent::Token { .. });
        let what = match (&file.content, directory) {
            (FileContent::Token { .. }, _) => {
                format!(
                    "the token `{}` (its directory `{path}` is mounted)",
                    file.path
                )
            }
            (FileContent::Secret(secret), _) => {
                format!("the files of Secret `{secret}` (at `{path}`)")
            }
            _ => format!("the file `{path}`"),
        };
        mounts.push(Mount {
            path,
            what,
            origin: Some(&file.origin),
            ours: true,
            token_dir: is_token,
        });
    }
    for (i, b) in mounts.iter().enumerate() {
        for a in &mounts[..i] {
            if !(a.ours || b.ours) || (a.token_dir && b.token_dir && a.path == b.path) {
                continue;
            }
            let inside = |outer: &str, inner: &str| {
                inner.starts_with(outer) && inner.as_bytes().get(outer.len()) == Some(&b'/')
            };
            // The diagnostic is at the inner mount (the later one when both are at one path),
            // the other labelled.
            let (inner, outer, message) = if a.path == b.path {
                (
                    b,
                    a,
                    format!("{} and {} are both at `{}`", b.what, a.what, b.path),
                )
            } else if inside(a.path, b.path) {
                (b, a, format!("{} is inside {}", b.what, a.what))
            } else if inside(b.path, a.path) {
                (a, b, format!("{} is inside {}", a.what, b.what))
            } else {
                continue;
            };
            let at = inner.origin.or(outer.origin);
            let mut diagnostic = match at {
                Some(origin) => {
                    ctx.diagnostic_at(origin, origin.span, Code::MountConflict, message)
                }
                None => ctx.on_name(Code::MountConflict, message),
            }
            .with_label("two mounts cannot share a path, nor one hide part of another")
            .with_help("give each file and volume a path of its own, outside the others");
            if let Some(other) = outer.origin.filter(|_| inner.origin.is_some())
                && let Some(label) = ctx.label_at(other, "the other mount")
            {
                diagnostic = diagnostic.with_secondary(label);
            }
            ctx.report(diagnostic);
            ok = false;
        }
    }
    ok
}

/// How many pods of the workload may run at once, at most (a Deployment's rollout adds one).
fn several_pods(pod: &Pod<'_>) -> Option<String> {
    match pod.kind {
        WorkloadKind::Daemon => Some("a daemon runs a pod on every node".to_string()),
        kind if kind.is_batch() => pod
            .parallelism
            .filter(|p| *p >= 2)
            .map(|p| format!("the job runs {p} pods at once")),
        _ => pod
            .replicas
            .map(|r| r.value.max())
            .filter(|max| *max >= 2)
            .map(|max| format!("the workload runs up to {max} replicas")),
    }
}

fn check_volume(ctx: &mut LowerCtx<'_>, volume: &VolumeIr, pod: &Pod<'_>) -> bool {
    match &volume.kind {
        VolumeKind::Claim { access, .. } if *access != Access::Many => {
            let Some(why) = several_pods(pod) else {
                return true;
            };
            let who = if *access == Access::One {
                "one node"
            } else {
                "one pod"
            };
            ctx.report(
                ctx.diagnostic_at(
                    &volume.origin,
                    volume.origin.span,
                    Code::SharedClaimAccess,
                    format!(
                        "claim `{}` can be mounted by {who} ({}), but {why}",
                        volume.name,
                        access.mode()
                    ),
                )
                .with_label(format!("`access: {}`", access.keyword()))
                .with_note("the pods that cannot mount it stay Pending, and a rollout never finishes")
                .with_help("use `access: many` (ReadWriteMany, on a StorageClass that offers it: NFS, EFS, CephFS, Azure Files), or run one pod"),
            );
            false
        }
        VolumeKind::EmptyDir { size, memory: true } if *size >= pod.memory_limit.value => {
            ctx.report(
                ctx.diagnostic_at(
                    &volume.origin,
                    volume.origin.span,
                    Code::MemoryVolumeFillsLimit,
                    format!(
                        "memory-backed volume `{}` may hold {}, and the memory limit is {}",
                        volume.name,
                        format_bytes(*size),
                        format_bytes(pod.memory_limit.value)
                    ),
                )
                .with_label("its files count against the container's memory limit")
                .with_note("a tmpfs volume's pages are charged to the pod's memory: filling it gets the container OOM-killed before the volume is full")
                .with_help("give it a `size` well below the memory limit, or raise `memory`"),
            );
            true
        }
        _ => true,
    }
}
