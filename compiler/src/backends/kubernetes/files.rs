//! The pod's `files` and `volumes`: the content-hashed, immutable ConfigMap of text files, the
//! Secret, projected-token, emptyDir and claim volumes with the main container's mounts, the
//! PersistentVolumeClaims, and what they need from the cluster.
//!
//! Modes: text files are 0444 (configuration, world-readable inside the pod's own filesystem);
//! Secret files and tokens 0440, owned by root and the pod's `fsGroup` (which the kubelet applies
//! to these volumes), so the workload's user reads them through its group and nothing else in the
//! container does. A single file is mounted with `subPath` beside what its directory already
//! holds; subPath mounts do not receive updates, which a content-hashed ConfigMap never has (a
//! change is a new ConfigMap and a rollout), and a Secret key's rotation reaches the pod on its
//! next restart. A whole Secret and a token directory are mounted whole, so the kubelet's
//! updates (a rotated Secret, a renewed token) reach the files.

use super::meta::workload_meta;
use crate::backends::needs::{Collector, Component, Consumer};
use crate::ir::files::{FileContent, VolumeKind};
use crate::ir::{AppIr, WorkloadIr};
use crate::types::quantity::format_bytes;
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, EmptyDirVolumeSource, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, ProjectedVolumeSource,
    SecretVolumeSource, ServiceAccountTokenProjection, Volume, VolumeMount, VolumeProjection,
    VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// Configuration files: readable by everyone in the container.
const TEXT_MODE: i32 = 0o444;
/// Secret files and tokens: the owner (root) and the pod's `fsGroup`, which the workload's user
/// belongs to; not the world.
const SECRET_MODE: i32 = 0o440;
/// The volume of the text files' ConfigMap.
const FILES_VOLUME: &str = "files";

/// The ConfigMap key of each text file, by path: the file's name, made a valid key
/// (`[-._a-zA-Z0-9]`) and unique (`name`, `name-2`, … in path order).
fn text_keys(workload: &WorkloadIr) -> BTreeMap<&str, (String, &str)> {
    let mut keys: BTreeMap<&str, (String, &str)> = BTreeMap::new();
    let mut taken: Vec<String> = Vec::new();
    let mut texts: Vec<(&str, &str)> = workload
        .files
        .iter()
        .filter_map(|f| match &f.content {
            FileContent::Text(text) => Some((f.path.as_str(), text.as_str())),
            _ => None,
        })
        .collect();
    texts.sort();
    for (path, text) in texts {
        let base: String = path
            .rsplit('/')
            .next()
            .unwrap_or(path)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .take(200)
            .collect();
        let base = match base.as_str() {
            "" | "." | ".." => "file".to_string(),
            _ => base,
        };
        let key = unique(&base, &taken);
        taken.push(key.clone());
        keys.insert(path, (key, text));
    }
    keys
}

/// `base`, or `base-2`, `base-3`… whichever is not in `taken`.
fn unique(base: &str, taken: &[String]) -> String {
    let mut candidate = base.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// The ConfigMap of the workload's text files and its name (`NAME-files-HASH`), if it has any.
pub fn config_map(app: &AppIr, workload: &WorkloadIr) -> Option<(String, ConfigMap)> {
    let (name, data) = files_data(workload)?;
    let map = ConfigMap {
        metadata: workload_meta(app, workload, &name),
        data: Some(data),
        immutable: Some(true),
        ..ConfigMap::default()
    };
    Some((name, map))
}

fn files_data(workload: &WorkloadIr) -> Option<(String, BTreeMap<String, String>)> {
    let data: BTreeMap<String, String> = text_keys(workload)
        .into_values()
        .map(|(key, text)| (key, text.to_string()))
        .collect();
    if data.is_empty() {
        return None;
    }
    let name = format!(
        "{}-files-{}",
        workload.name,
        super::config::content_hash(&data)
    );
    Some((name, data))
}

/// A DNS-label volume name from `base` (`db-credentials.tls` → `secret-db-credentials-tls`),
/// unique among `used`, which it joins.
fn volume_name(base: &str, used: &mut Vec<String>) -> String {
    let mut name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name.truncate(55);
    let name = unique(name.trim_matches('-'), used);
    used.push(name.clone());
    name
}

/// Appends the volumes of `files` and `volumes` and the main container's mounts; `used` holds the
/// pod's volume names taken already (the user's volume names are among them).
pub fn volumes(
    workload: &WorkloadIr,
    used: &mut Vec<String>,
    volumes: &mut Vec<Volume>,
    mounts: &mut Vec<VolumeMount>,
) {
    if let Some((config_map, _)) = files_data(workload) {
        let name = volume_name(FILES_VOLUME, used);
        for (path, (key, _)) in text_keys(workload) {
            mounts.push(read_only(&name, path, Some(key)));
        }
        volumes.push(Volume {
            name,
            config_map: Some(ConfigMapVolumeSource {
                name: config_map,
                default_mode: Some(TEXT_MODE),
                optional: Some(false),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        });
    }
    // One volume per Secret, in name order.
    let mut secrets: BTreeMap<&str, Vec<(&str, Option<&str>)>> = BTreeMap::new();
    // One projected volume per token directory, in path order.
    let mut tokens: BTreeMap<&str, Vec<VolumeProjection>> = BTreeMap::new();
    for file in &workload.files {
        match &file.content {
            FileContent::Text(_) => {}
            FileContent::SecretKey { secret, key } => secrets
                .entry(secret)
                .or_default()
                .push((&file.path, Some(key))),
            FileContent::Secret(secret) => {
                secrets.entry(secret).or_default().push((&file.path, None))
            }
            FileContent::Token {
                audience,
                expiry_seconds,
            } => {
                let (directory, file_name) = split(&file.path);
                tokens.entry(directory).or_default().push(VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        audience: Some(audience.clone()),
                        expiration_seconds: Some(
                            i64::try_from(*expiry_seconds).unwrap_or(i64::MAX),
                        ),
                        path: file_name.to_string(),
                    }),
                    ..VolumeProjection::default()
                });
            }
        }
    }
    for (secret, files) in secrets {
        let name = volume_name(&format!("secret-{secret}"), used);
        for (path, key) in files {
            mounts.push(read_only(&name, path, key.map(str::to_string)));
        }
        volumes.push(Volume {
            name,
            secret: Some(SecretVolumeSource {
                secret_name: Some(secret.to_string()),
                default_mode: Some(SECRET_MODE),
                optional: Some(false),
                ..SecretVolumeSource::default()
            }),
            ..Volume::default()
        });
    }
    for (directory, sources) in tokens {
        let name = volume_name("tokens", used);
        mounts.push(read_only(&name, directory, None));
        volumes.push(Volume {
            name,
            projected: Some(ProjectedVolumeSource {
                default_mode: Some(SECRET_MODE),
                sources: Some(sources),
            }),
            ..Volume::default()
        });
    }
    for volume in &workload.volumes {
        let mut entry = Volume {
            name: volume.name.clone(),
            ..Volume::default()
        };
        match &volume.kind {
            VolumeKind::EmptyDir { size, memory } => {
                entry.empty_dir = Some(EmptyDirVolumeSource {
                    medium: memory.then(|| "Memory".to_string()),
                    size_limit: Some(Quantity(format_bytes(*size))),
                })
            }
            VolumeKind::Claim { .. } => {
                entry.persistent_volume_claim = Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim_name(workload, &volume.name),
                    read_only: None,
                })
            }
        }
        volumes.push(entry);
        mounts.push(VolumeMount {
            name: volume.name.clone(),
            mount_path: volume.mount.clone(),
            ..VolumeMount::default()
        });
    }
}

/// The directory and the file name of an absolute path.
fn split(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) if i > 0 => (&path[..i], &path[i + 1..]),
        Some(i) => ("/", &path[i + 1..]),
        None => ("/", path),
    }
}

fn read_only(volume: &str, path: &str, sub_path: Option<String>) -> VolumeMount {
    VolumeMount {
        name: volume.to_string(),
        mount_path: path.to_string(),
        sub_path,
        read_only: Some(true),
        ..VolumeMount::default()
    }
}

/// The PersistentVolumeClaim of volume `volume`: `WORKLOAD-VOLUME`.
fn claim_name(workload: &WorkloadIr, volume: &str) -> String {
    format!("{}-{volume}", workload.name)
}

/// The PersistentVolumeClaims of the workload's `claim` volumes, with their names. Argo CD never
/// prunes or deletes them (`argocd::retention`), and their spec is what the API server lets grow
/// only (`output::immutable`).
pub fn claims(app: &AppIr, workload: &WorkloadIr) -> Vec<(String, PersistentVolumeClaim)> {
    workload
        .volumes
        .iter()
        .filter_map(|volume| {
            let VolumeKind::Claim {
                size,
                class,
                access,
            } = &volume.kind
            else {
                return None;
            };
            let name = claim_name(workload, &volume.name);
            Some((
                name.clone(),
                PersistentVolumeClaim {
                    metadata: workload_meta(app, workload, &name),
                    spec: Some(PersistentVolumeClaimSpec {
                        access_modes: Some(vec![access.mode().to_string()]),
                        storage_class_name: class.clone(),
                        resources: Some(VolumeResourceRequirements {
                            requests: Some(BTreeMap::from([(
                                "storage".to_string(),
                                Quantity(format_bytes(*size)),
                            )])),
                            ..VolumeResourceRequirements::default()
                        }),
                        ..PersistentVolumeClaimSpec::default()
                    }),
                    ..PersistentVolumeClaim::default()
                },
            ))
        })
        .collect()
}

/// What the files and volumes need: the Secrets and keys they mount, the StorageClasses of the
/// claims, and an issuer the tokens' receivers trust.
pub fn needs(app: &AppIr, workload: &WorkloadIr, out: &mut Collector) {
    let namespace = app.namespace.value.as_str();
    let consumer = || Consumer::new(&app.name, &workload.name);
    for file in &workload.files {
        match &file.content {
            FileContent::SecretKey { secret, key } => {
                out.secret(namespace, secret, &[key.as_str()], consumer())
            }
            FileContent::Secret(secret) => out.secret(namespace, secret, &[], consumer()),
            FileContent::Token { audience, .. } => out.component(
                Component::KUBERNETES,
                None,
                format!(
                    "projected service-account tokens for audience `{audience}`: its receiver \
                     trusts the cluster's service-account issuer"
                ),
                &app.name,
            ),
            FileContent::Text(_) => {}
        }
    }
    for volume in &workload.volumes {
        if let VolumeKind::Claim { class, .. } = &volume.kind {
            out.storage_class(class.as_deref(), consumer());
        }
    }
}
