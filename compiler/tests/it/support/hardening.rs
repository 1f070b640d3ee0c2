//! The hardening every container k8sc emits must have — main, sidecar or init container — as
//! assertions on its YAML (read with serde_json), shared by the examples' test and the property
//! test on generated projects.

use serde_json::Value;

/// Every container of a pod spec: `containers`, then `initContainers` (sidecars and init
/// containers).
pub fn every_container(spec: &Value) -> Vec<&Value> {
    ["containers", "initContainers"]
        .iter()
        .filter_map(|list| spec[*list].as_array())
        .flatten()
        .collect()
}

/// One container's hardening: no privilege escalation, not privileged, a read-only root, non-root,
/// every capability dropped, the runtime's seccomp profile, CPU and memory requests and a memory
/// limit, the pull policy its image calls for, and probes only on ports it declares.
pub fn assert_container_hardened(path: &str, container: &Value) {
    let name = container["name"].as_str().unwrap_or_default();
    let at = format!("{path}: container {name}");
    let security = &container["securityContext"];
    assert_eq!(security["allowPrivilegeEscalation"], false, "{at}");
    assert_eq!(security["privileged"], false, "{at}");
    assert_eq!(security["readOnlyRootFilesystem"], true, "{at}");
    assert_eq!(security["runAsNonRoot"], true, "{at}");
    assert_eq!(
        security["capabilities"]["drop"],
        serde_json::json!(["ALL"]),
        "{at}"
    );
    assert_eq!(security["seccompProfile"]["type"], "RuntimeDefault", "{at}");
    let resources = &container["resources"];
    assert!(
        resources["requests"]["cpu"].is_string(),
        "{at}: cpu request"
    );
    assert!(
        resources["requests"]["memory"].is_string(),
        "{at}: memory request"
    );
    assert!(
        resources["limits"]["memory"].is_string(),
        "{at}: memory limit"
    );
    let image = container["image"].as_str().unwrap_or_default();
    let expected_pull = if image.contains("@sha256:") {
        "IfNotPresent"
    } else {
        "Always"
    };
    assert_eq!(container["imagePullPolicy"], expected_pull, "{at}");
    let port_names: Vec<&str> = container["ports"]
        .as_array()
        .map(|ports| ports.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
        for action in ["httpGet", "tcpSocket"] {
            if let Some(port) = container[probe][action]["port"].as_str() {
                assert!(
                    port_names.contains(&port),
                    "{at}: {probe} port {port} is declared"
                );
            }
        }
    }
}

/// Adds to `list` of `pod` a container breaking every rule on containers: privileged, root,
/// escalating, writable root, `:latest` from an untrusted registry, with no requests or limits.
pub fn push_hostile(pod: &mut Value, list: &str) {
    let hostile = serde_json::json!({
        "name": "hostile",
        "image": "evil.example.com/tools:latest",
        "securityContext": {
            "privileged": true,
            "allowPrivilegeEscalation": true,
            "readOnlyRootFilesystem": false,
            "runAsNonRoot": false,
            "runAsUser": 0
        }
    });
    if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
        let containers = spec
            .entry(list.to_string())
            .or_insert_with(|| serde_json::json!([]));
        if let Some(containers) = containers.as_array_mut() {
            containers.push(hostile);
        }
    }
}
