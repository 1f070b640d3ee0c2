//! Literal credentials never reach the imported `.k8s`: before anything is imported, every value
//! of the input that the secret detector flags ([`crate::secret_detect`], the one the
//! compiler refuses with E0015) is taken out. A container's environment variable becomes a
//! reference to a Secret the user must create (`secret NAME-credentials.KEY`); anything else (an
//! annotation, an argument) is left out. The report says which, where and what to do, and never
//! the value. Secrets are not imported, and a ConfigMap with a credential is not folded.

use super::read::Manifest;
use crate::secret_detect::{CREDENTIAL_FLAG_VALUE, passes_flagged_value, scan};
use crate::semantic::secrets::dotted;
use serde_json::{Value, json};

/// A credential taken out of an imported resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialNote {
    /// `Kind/name`.
    pub resource: String,
    /// Where it was (`spec.template.spec.containers[0].env[1].value`).
    pub path: String,
    /// What became of it and what the user must do, as a sentence (never the value).
    pub action: String,
}

/// The manifests without their literal credentials, and what was done with each.
pub fn take_out(manifests: &[Manifest]) -> (Vec<Manifest>, Vec<CredentialNote>) {
    let mut notes = Vec::new();
    let cleaned = manifests
        .iter()
        .map(|manifest| {
            let mut manifest = manifest.clone();
            // A Secret is not imported; a ConfigMap holding a credential is not folded, and stays
            // applied as it is (`config::plan` says so).
            if !matches!(manifest.kind(), "Secret" | "ConfigMap") {
                take_out_of(&mut manifest, &mut notes);
            }
            manifest
        })
        .collect();
    (cleaned, notes)
}

fn take_out_of(manifest: &mut Manifest, notes: &mut Vec<CredentialNote>) {
    let mut found: Vec<(Vec<String>, &'static str)> = Vec::new();
    scan(
        &manifest.value,
        &mut |_: &Value, path: &[String], reason| {
            found.push((path.to_vec(), reason));
        },
    );
    let resource = manifest.id();
    let namespace = manifest
        .value
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("NAMESPACE")
        .to_string();
    let secret = format!("{}-credentials", manifest.name());
    // Last first, so that removing a list item leaves the earlier paths valid.
    for (path, reason) in found.into_iter().rev() {
        let env_entry = match path.as_slice() {
            [.., env, index, value]
                if env == "env" && value == "value" && index.starts_with('[') =>
            {
                Some(&path[..path.len() - 1])
            }
            _ => None,
        };
        let action = if let Some(entry_path) = env_entry
            && let Some(Value::Object(entry)) = manifest.value.pointer_mut(&pointer(entry_path))
        {
            let name = entry
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let key = name.to_ascii_lowercase().replace('_', "-");
            entry.remove("value");
            entry.insert(
                "valueFrom".to_string(),
                json!({ "secretKeyRef": { "name": secret, "key": key } }),
            );
            format!(
                "environment variable `{name}` held a credential ({reason}): it is now `secret {secret}.{key}`; create that Secret before deploying (`kubectl create secret generic {secret} -n {namespace} --from-literal={key}=…`)"
            )
        } else if let Some(handler) = exec_handler_of_script(&manifest.value, &path) {
            // A shell line (`sh -c "redis-cli -a X ping"`) of a probe or hook: without it the
            // handler would run `sh -c` alone and fail every time (a liveness probe restarting the
            // container forever), so the handler goes with it.
            let what = handler.last().cloned().unwrap_or_default();
            remove(&mut manifest.value, &handler);
            format!(
                "left out with the `{what}` whose shell line held a credential ({reason}); give the credential to the workload from a Secret (`env {{ NAME: secret SECRET.KEY }}`, read as `$NAME` in the shell line) and add the `{what}` back"
            )
        } else {
            remove(&mut manifest.value, &path);
            // `--pass X`: the flag goes with its value, or it would take the next argument as one.
            if reason == CREDENTIAL_FLAG_VALUE
                && let Some(flag) = previous_item(&path)
                && manifest
                    .value
                    .pointer(&pointer(&flag))
                    .and_then(Value::as_str)
                    .is_some_and(|arg| {
                        !arg.contains(char::is_whitespace) && passes_flagged_value(arg)
                    })
            {
                remove(&mut manifest.value, &flag);
            }
            remove_if_emptied(&mut manifest.value, &path[..path.len().saturating_sub(1)]);
            format!(
                "left out: it held a credential ({reason}); give it to the workload from a Secret (`env {{ NAME: secret SECRET.KEY }}`, passed on as `$(NAME)` in arguments) instead"
            )
        };
        notes.push(CredentialNote {
            resource: resource.clone(),
            path: dotted(&path),
            action,
        });
    }
}

/// The probe or lifecycle hook (`…livenessProbe`, `…lifecycle.postStart`) whose `exec.command`
/// item at `path` is a shell line (it holds white space), if it is one.
fn exec_handler_of_script(value: &Value, path: &[String]) -> Option<Vec<String>> {
    let [handler @ .., exec, command, _] = path else {
        return None;
    };
    let script = value
        .pointer(&pointer(path))
        .and_then(Value::as_str)
        .is_some_and(|line| line.trim().contains(char::is_whitespace));
    (exec == "exec" && command == "command" && script && !handler.is_empty())
        .then(|| handler.to_vec())
}

/// The path of the list item before the one at `path` (`[3]` → `[2]`), if it is one.
fn previous_item(path: &[String]) -> Option<Vec<String>> {
    let (last, parent) = path.split_last()?;
    let index: usize = last.strip_prefix('[')?.strip_suffix(']')?.parse().ok()?;
    let previous = index.checked_sub(1)?;
    let mut out = parent.to_vec();
    out.push(format!("[{previous}]"));
    Some(out)
}

/// Removes the map or list at `path` if taking credentials out left it empty and it is one that
/// means nothing empty (`annotations {}`, `labels {}`, `args: []`, `command: []`).
fn remove_if_emptied(value: &mut Value, path: &[String]) {
    let Some(last) = path.last() else {
        return;
    };
    if !matches!(last.as_str(), "annotations" | "labels" | "args" | "command") {
        return;
    }
    let emptied = match value.pointer(&pointer(path)) {
        Some(Value::Object(map)) => map.is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        _ => false,
    };
    if emptied {
        remove(value, path);
    }
}

/// The JSON pointer of a scan path.
fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|step| {
            let step = step
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .map_or_else(
                    || step.replace('~', "~0").replace('/', "~1"),
                    str::to_string,
                );
            format!("/{step}")
        })
        .collect()
}

/// Removes the value at `path` (a map key or a list item).
fn remove(value: &mut Value, path: &[String]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    match value.pointer_mut(&pointer(parent)) {
        Some(Value::Object(map)) => {
            map.remove(last);
        }
        Some(Value::Array(items)) => {
            if let Some(index) = last
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .and_then(|s| s.parse::<usize>().ok())
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}
