//! `initContainers` onto `sidecars` and `init`: a native sidecar (`restartPolicy: Always`) becomes
//! an entry of `sidecars`, any other init container an entry of `init`, each with the fields the
//! main container gets (image, ports, resources, probes, command, args, env). What k8sc would
//! write differently, or a container whose name is not an identifier, stays in the residual
//! patch, as for the main container.

use super::convert::{env, is_identifier, ports, probe, quantity_range, string_list};
use super::emit::string;
use serde_json::Value;

/// The names the mesh's injector gives the containers it adds: never the user's.
const MESH_CONTAINERS: &[&str] = &["istio-proxy", "istio-init", "istio-validation"];

/// The `sidecars { … }` and `init { … }` fields of the pod spec `pod`, one line each.
pub fn fields(pod: &Value) -> Vec<String> {
    let Some(list) = pod.get("initContainers").and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut sidecars = Vec::new();
    let mut init = Vec::new();
    for container in list {
        let Some(name) = container.get("name").and_then(Value::as_str) else {
            continue;
        };
        if !is_identifier(name) || MESH_CONTAINERS.contains(&name) {
            continue;
        }
        let sidecar = container.get("restartPolicy").and_then(Value::as_str) == Some("Always");
        let body = container_fields(container, sidecar);
        if body.is_empty() {
            continue;
        }
        let entry = format!("{name} {{ {} }}", body.join(", "));
        if sidecar {
            sidecars.push(entry);
        } else {
            init.push(entry);
        }
    }
    let mut out = Vec::new();
    if !sidecars.is_empty() {
        out.push(format!("sidecars {{ {} }}", sidecars.join(" ")));
    }
    if !init.is_empty() {
        out.push(format!("init {{ {} }}", init.join(" ")));
    }
    out
}

/// The fields of one container (no ports or probes for an init container, which has neither).
fn container_fields(container: &Value, sidecar: bool) -> Vec<String> {
    let mut out = Vec::new();
    let Some(image) = container.get("image").and_then(Value::as_str) else {
        return out;
    };
    out.push(format!("image: {}", string(image)));
    if sidecar && let Some(ports) = ports(container) {
        out.push(ports);
    }
    let resources = container.get("resources");
    let quantity = |kind: &str, what: &str| {
        resources
            .and_then(|r| r.pointer(&format!("/{kind}/{what}")))
            .and_then(Value::as_str)
    };
    for (what, valid) in [
        ("cpu", super::convert::is_cpu as fn(&str) -> bool),
        ("memory", super::convert::is_bytes),
    ] {
        if let Some(range) =
            quantity_range(quantity("requests", what), quantity("limits", what), valid)
        {
            out.push(format!("{what}: {range}"));
        }
    }
    if sidecar {
        let probes: Vec<String> = [
            ("ready", "readinessProbe"),
            ("live", "livenessProbe"),
            ("startup", "startupProbe"),
        ]
        .iter()
        .filter_map(|(word, key)| probe(container.get(*key)?).map(|p| format!("{word}: {p}")))
        .collect();
        if !probes.is_empty() {
            out.push(format!("probes {{ {} }}", probes.join(", ")));
        }
    }
    for key in ["command", "args"] {
        if let Some(list) = string_list(container.get(key)) {
            out.push(format!("{key}: {list}"));
        }
    }
    if let Some(env) = env(container) {
        out.push(env);
    }
    out
}
