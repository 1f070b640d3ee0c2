//! The main container's mounts the language has words for, as `files {}` and `volumes {}`: a
//! Secret (whole, or one key through `subPath`), projected service-account tokens, an emptyDir.
//! A volume maps only when the main container alone mounts it, plainly (no propagation, no
//! `items`, no other container), at a path no other mount of it nests with; anything else stays
//! in the patch. k8sc names the Secret and token volumes itself and sets their mode (0440), so
//! [`align`] renames them in the imported object before the residual patch is computed.

use super::convert::pod_template_pointer;
use super::emit::string;
use crate::types::quantity::parse_bytes;
use serde_json::{Map, Value};

/// One mount that maps.
struct Mapped<'v> {
    /// The volume's name in the input.
    volume: &'v str,
    /// The mount path.
    path: &'v str,
    /// The field entries it writes: (`files` or `volumes`, the entry).
    entries: Vec<(&'static str, String)>,
}

fn pod<'v>(kind: &str, controller: &'v Value) -> Option<&'v Map<String, Value>> {
    controller
        .pointer(&format!("{}/spec", pod_template_pointer(kind)))?
        .as_object()
}

/// How many mounts, in every container of the pod, name `volume`.
fn mounts_of(pod: &Map<String, Value>, volume: &str) -> usize {
    ["containers", "initContainers"]
        .iter()
        .filter_map(|key| pod.get(*key)?.as_array())
        .flatten()
        .filter_map(|c| c.get("volumeMounts")?.as_array())
        .flatten()
        .filter(|m| m.get("name").and_then(Value::as_str) == Some(volume))
        .count()
}

fn is_word(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn only_keys(object: &Value, allowed: &[&str]) -> bool {
    object
        .as_object()
        .is_some_and(|o| o.keys().all(|k| allowed.contains(&k.as_str())))
}

fn nests(a: &str, b: &str) -> bool {
    a == b
        || b.strip_prefix(a).is_some_and(|rest| rest.starts_with('/'))
        || a.strip_prefix(b).is_some_and(|rest| rest.starts_with('/'))
}

fn mapped<'v>(kind: &str, controller: &'v Value) -> Vec<Mapped<'v>> {
    let mut out = Vec::new();
    let Some(pod) = pod(kind, controller) else {
        return out;
    };
    let Some(mounts) = pod
        .get("containers")
        .and_then(|c| c.get(0))
        .and_then(|c| c.get("volumeMounts"))
        .and_then(Value::as_array)
    else {
        return out;
    };
    let volumes = pod.get("volumes").and_then(Value::as_array);
    let paths: Vec<&str> = mounts
        .iter()
        .filter_map(|m| m.get("mountPath")?.as_str())
        .collect();
    for mount in mounts {
        let (Some(name), Some(path)) = (
            mount.get("name").and_then(Value::as_str),
            mount.get("mountPath").and_then(Value::as_str),
        ) else {
            continue;
        };
        let plain = only_keys(mount, &["name", "mountPath", "readOnly", "subPath"]);
        let alone = paths.iter().filter(|p| nests(p, path)).count() == 1
            && !nests("/tmp", path)
            && crate::semantic::files::check_file_path(path).is_ok();
        let volume = volumes
            .into_iter()
            .flatten()
            .find(|v| v.get("name").and_then(Value::as_str) == Some(name));
        let (Some(volume), true, true, 1) = (volume, plain, alone, mounts_of(pod, name)) else {
            continue;
        };
        let read_only = mount.get("readOnly").and_then(Value::as_bool);
        let sub_path = mount.get("subPath").and_then(Value::as_str);
        let entries = if let Some(secret) = volume.get("secret") {
            secret_file(secret, path, sub_path, read_only)
        } else if let Some(projected) = volume.get("projected") {
            tokens(projected, path, sub_path, read_only)
        } else if let Some(empty_dir) = volume.get("emptyDir") {
            empty_dir_volume(empty_dir, name, path, sub_path, read_only)
        } else {
            None
        };
        if let Some(entries) = entries
            && only_keys(volume, &["name", "secret", "projected", "emptyDir"])
        {
            out.push(Mapped {
                volume: name,
                path,
                entries,
            });
        }
    }
    out
}

fn secret_file(
    secret: &Value,
    path: &str,
    sub_path: Option<&str>,
    read_only: Option<bool>,
) -> Option<Vec<(&'static str, String)>> {
    let name = secret.get("secretName")?.as_str()?;
    let required = secret.get("optional").and_then(Value::as_bool) != Some(true);
    if !only_keys(secret, &["secretName", "defaultMode", "optional"])
        || !required
        || read_only == Some(false)
        || crate::types::names::validate_dns_subdomain(name).is_err()
    {
        return None;
    }
    let source = match sub_path {
        None => format!("secret {name}"),
        Some(key) if is_word(key) => format!("secret {name}.{key}"),
        Some(_) => return None,
    };
    Some(vec![("files", format!("{}: {source}", string(path)))])
}

fn tokens(
    projected: &Value,
    path: &str,
    sub_path: Option<&str>,
    read_only: Option<bool>,
) -> Option<Vec<(&'static str, String)>> {
    if sub_path.is_some() || read_only == Some(false) || path == "/" {
        return None;
    }
    if !only_keys(projected, &["sources", "defaultMode"]) {
        return None;
    }
    let sources = projected.get("sources")?.as_array()?;
    let mut out = Vec::new();
    for source in sources {
        let token = source.get("serviceAccountToken")?;
        if !only_keys(source, &["serviceAccountToken"])
            || !only_keys(token, &["audience", "expirationSeconds", "path"])
        {
            return None;
        }
        let audience = token.get("audience")?.as_str()?;
        let file = token.get("path")?.as_str()?;
        if audience.trim().is_empty() || file.is_empty() || file.contains('/') || file == ".." {
            return None;
        }
        let expiry = match token.get("expirationSeconds") {
            None => String::new(),
            Some(seconds) => {
                let seconds = seconds.as_u64()?;
                if !(600..=1 << 32).contains(&seconds) {
                    return None;
                }
                format!(", expiry: {seconds}s")
            }
        };
        out.push((
            "files",
            format!(
                "{}: token {{ audience: {}{expiry} }}",
                string(&format!("{path}/{file}")),
                string(audience)
            ),
        ));
    }
    (!out.is_empty()).then_some(out)
}

fn empty_dir_volume(
    empty_dir: &Value,
    name: &str,
    path: &str,
    sub_path: Option<&str>,
    read_only: Option<bool>,
) -> Option<Vec<(&'static str, String)>> {
    if sub_path.is_some()
        || read_only == Some(true)
        || matches!(name, "tmp" | "data")
        || crate::types::names::validate_dns_label(name, 63).is_err()
        || !only_keys(empty_dir, &["sizeLimit", "medium"])
    {
        return None;
    }
    let mut options = Vec::new();
    if let Some(size) = empty_dir.get("sizeLimit") {
        let size = size.as_str()?;
        let split = size
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(size.len());
        let (number, unit) = size.split_at(split);
        parse_bytes(number, (!unit.is_empty()).then_some(unit), "size").ok()?;
        options.push(format!("size: {size}"));
    }
    match empty_dir.get("medium").and_then(Value::as_str) {
        None | Some("") => {}
        Some("Memory") => options.push("memory: true".to_string()),
        Some(_) => return None,
    }
    options.push(format!("mount: {}", string(path)));
    Some(vec![(
        "volumes",
        format!("{name}: empty_dir {{ {} }}", options.join(", ")),
    )])
}

/// The `files { … }` and `volumes { … }` fields of the controller's main container, if any.
pub fn fields(kind: &str, controller: &Value) -> Vec<String> {
    let mapped = mapped(kind, controller);
    ["files", "volumes"]
        .iter()
        .filter_map(|field| {
            let entries: Vec<&str> = mapped
                .iter()
                .flat_map(|m| &m.entries)
                .filter(|(f, _)| f == field)
                .map(|(_, e)| e.as_str())
                .collect();
            (!entries.is_empty()).then(|| format!("{field} {{\n{}\n}}", entries.join("\n")))
        })
        .collect()
}

/// Renames, in the imported controller `input`, each volume that maps to the name k8sc gives it
/// in `generated` (found by the mount path), and leaves its mode to k8sc; returns one note per
/// volume renamed (`its volume `OLD` is `NEW` …`).
pub fn align(input: &mut Value, kind: &str, generated: &Value) -> Vec<String> {
    let mounted: Vec<(String, String)> = mapped(kind, input)
        .iter()
        .map(|m| (m.volume.to_string(), m.path.to_string()))
        .collect();
    let spec = format!("{}/spec", pod_template_pointer(kind));
    let generated_mounts: Vec<(String, String)> = generated
        .pointer(&format!("{spec}/containers/0/volumeMounts"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            Some((
                m.get("mountPath")?.as_str()?.to_string(),
                m.get("name")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let mut notes = Vec::new();
    for (old, path) in mounted {
        let Some((_, new)) = generated_mounts.iter().find(|(p, _)| *p == path) else {
            continue;
        };
        let Some(pod) = input.pointer_mut(&spec).and_then(Value::as_object_mut) else {
            continue;
        };
        let mut moded = false;
        for volume in pod
            .get_mut("volumes")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if volume.get("name").and_then(Value::as_str) != Some(&old) {
                continue;
            }
            volume["name"] = Value::String(new.clone());
            for source in ["secret", "projected"] {
                if let Some(source) = volume.get_mut(source).and_then(Value::as_object_mut) {
                    moded |= source.remove("defaultMode").is_some();
                }
            }
        }
        for mount in pod
            .get_mut("containers")
            .and_then(|c| c.get_mut(0))
            .and_then(|c| c.get_mut("volumeMounts"))
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if mount.get("name").and_then(Value::as_str) == Some(&old) {
                mount["name"] = Value::String(new.clone());
            }
        }
        if old != *new || moded {
            notes.push(format!(
                "its volume `{old}` is `{new}`: k8sc names the volumes of `files` and sets their mode"
            ));
        }
    }
    notes
}
