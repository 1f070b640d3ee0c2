//! Importing how a service is reached: an `Ingress` routing every path of every host to one
//! port of one workload's Service becomes its `expose: ingress …`, and a folded Service's type,
//! session affinity, external traffic policy and not-ready publishing its `service { … }`. What
//! the language cannot say (another path type, several backends, a TLS entry per host) is left
//! for a `patch` or the report, never guessed.

use super::emit::string;
use serde_json::Value;

/// The `expose: ingress …` field of `workload` written for `ingress`, when the Ingress routes
/// only to `workload`'s Service, on one named port, with `Prefix` paths that every host shares
/// and at most one TLS Secret covering every host; `None` otherwise.
pub fn ingress_field(ingress: &Value, workload: &str) -> Option<String> {
    let spec = ingress.get("spec")?;
    if spec.get("defaultBackend").is_some() {
        return None;
    }
    let mut hosts: Vec<String> = Vec::new();
    let mut paths: Option<Vec<String>> = None;
    let mut port: Option<String> = None;
    for rule in spec.get("rules")?.as_array()? {
        hosts.push(rule.get("host")?.as_str()?.to_string());
        let mut rule_paths = Vec::new();
        for path in rule.pointer("/http/paths")?.as_array()? {
            if path.get("pathType")?.as_str()? != "Prefix" {
                return None;
            }
            let backend = path.pointer("/backend/service")?;
            if backend.get("name")?.as_str()? != workload {
                return None;
            }
            let name = backend.pointer("/port/name")?.as_str()?.to_string();
            if port.get_or_insert_with(|| name.clone()) != &name {
                return None;
            }
            rule_paths.push(path.get("path")?.as_str()?.to_string());
        }
        if paths.get_or_insert_with(|| rule_paths.clone()) != &rule_paths {
            return None;
        }
    }
    let paths = paths?;
    let port = port?;
    if hosts.is_empty() || paths.is_empty() {
        return None;
    }
    let tls = match spec.get("tls").and_then(Value::as_array).map(Vec::as_slice) {
        None | Some([]) => None,
        Some([entry]) => {
            let mut covered: Vec<&str> = entry
                .get("hosts")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            covered.sort_unstable();
            let mut wanted: Vec<&str> = hosts.iter().map(String::as_str).collect();
            wanted.sort_unstable();
            if covered != wanted {
                return None;
            }
            Some(entry.get("secretName")?.as_str()?.to_string())
        }
        Some(_) => return None,
    };
    let mut options = Vec::new();
    match paths.as_slice() {
        [one] if one == "/" => {}
        [one] => options.push(format!("path: {}", string(one))),
        many => options.push(format!("paths: {}", list(many))),
    }
    options.push(format!("port: {port}"));
    if let Some(tls) = tls {
        options.push(format!("tls: {tls}"));
    }
    if let Some(class) = spec.get("ingressClassName").and_then(Value::as_str) {
        options.push(format!("class: {class}"));
    }
    let hosts = match hosts.as_slice() {
        [one] => string(one),
        many => list(many),
    };
    Some(format!(
        "expose: ingress {hosts} {{ {} }}",
        options.join(", ")
    ))
}

/// The `service { … }` block for what a workload's Service sets beyond k8sc's defaults, if
/// anything: `type: LoadBalancer` (with its source ranges and, as the load balancer's, the
/// Service's annotations), `sessionAffinity: ClientIP`, `externalTrafficPolicy`,
/// `publishNotReadyAddresses`.
pub fn service_field(service: &Value) -> Option<String> {
    let spec = service.get("spec")?;
    let mut settings = Vec::new();
    let text = |key: &str| spec.get(key).and_then(Value::as_str);
    if text("type") == Some("LoadBalancer") {
        let mut options = Vec::new();
        let ranges: Vec<String> = spec
            .get("loadBalancerSourceRanges")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        if !ranges.is_empty() {
            options.push(format!("source_ranges: {}", list(&ranges)));
        }
        if let Some(annotations) = service
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .filter(|a| !a.is_empty())
        {
            let entries: Vec<String> = annotations
                .iter()
                .filter_map(|(k, v)| Some(format!("{}: {}", string(k), string(v.as_str()?))))
                .collect();
            options.push(format!("annotations {{ {} }}", entries.join(", ")));
        }
        settings.push(if options.is_empty() {
            "type: load_balancer".to_string()
        } else {
            format!("type: load_balancer {{ {} }}", options.join(", "))
        });
    }
    if text("sessionAffinity") == Some("ClientIP") {
        match spec
            .pointer("/sessionAffinityConfig/clientIP/timeoutSeconds")
            .and_then(Value::as_u64)
        {
            Some(seconds) => settings.push(format!(
                "session_affinity: client_ip {{ timeout: {seconds}s }}"
            )),
            None => settings.push("session_affinity: client_ip".to_string()),
        }
    }
    if text("type") == Some("LoadBalancer") && text("externalTrafficPolicy") == Some("Local") {
        settings.push("external_traffic: local".to_string());
    }
    if spec.get("publishNotReadyAddresses") == Some(&Value::Bool(true)) {
        settings.push("publish_not_ready: true".to_string());
    }
    (!settings.is_empty()).then(|| format!("service {{ {} }}", settings.join(", ")))
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| string(i)).collect();
    format!("[{}]", items.join(", "))
}

/// The `expose: route …` field of `workload` written for an `HTTPRoute` with one rule sending
/// `PathPrefix` matches to `workload`'s Service on one port, and the app's `gateway` it attaches
/// to (its one parent: `NAMESPACE/NAME`, or a block naming the listener); `None` otherwise.
pub fn route_field(route: &Value, workload: &str) -> Option<(String, String)> {
    let spec = route.get("spec")?;
    let [parent] = spec.get("parentRefs")?.as_array()?.as_slice() else {
        return None;
    };
    if parent
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("Gateway")
        != "Gateway"
    {
        return None;
    }
    let name = parent.get("name")?.as_str()?;
    let namespace = parent
        .get("namespace")
        .and_then(Value::as_str)
        .or_else(|| route.pointer("/metadata/namespace").and_then(Value::as_str))?;
    let gateway = match parent.get("sectionName").and_then(Value::as_str) {
        Some(section) => format!(
            "gateway {{ name: {}, namespace: {}, section: {} }}",
            string(name),
            string(namespace),
            string(section)
        ),
        None => format!("gateway: {}", string(&format!("{namespace}/{name}"))),
    };
    let hosts: Vec<String> = spec
        .get("hostnames")?
        .as_array()?
        .iter()
        .map(|h| h.as_str().map(str::to_string))
        .collect::<Option<_>>()?;
    let [rule] = spec.get("rules")?.as_array()?.as_slice() else {
        return None;
    };
    let [backend] = rule.get("backendRefs")?.as_array()?.as_slice() else {
        return None;
    };
    if backend.get("name")?.as_str()? != workload
        || backend
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("Service")
            != "Service"
    {
        return None;
    }
    let port = backend.get("port")?.as_u64()?;
    let mut paths = Vec::new();
    for matched in rule.get("matches")?.as_array()? {
        let path = matched.get("path")?;
        if path.get("type")?.as_str()? != "PathPrefix" || matched.as_object()?.len() != 1 {
            return None;
        }
        paths.push(path.get("value")?.as_str()?.to_string());
    }
    if hosts.is_empty() || paths.is_empty() {
        return None;
    }
    let mut options = Vec::new();
    match paths.as_slice() {
        [one] if one == "/" => {}
        [one] => options.push(format!("path: {}", string(one))),
        many => options.push(format!("paths: {}", list(many))),
    }
    options.push(format!("port: {port}"));
    let hosts = match hosts.as_slice() {
        [one] => string(one),
        many => list(many),
    };
    Some((
        format!("expose: route {hosts} {{ {} }}", options.join(", ")),
        gateway,
    ))
}

/// Writes the defaults Gateway API gives a `parentRef` (`group`, `kind`) into an imported
/// HTTPRoute, as k8sc writes them: the same route, so no `patch` repeats the list for them.
pub fn default_parent_refs(route: &mut Value) {
    let Some(parents) = route
        .pointer_mut("/spec/parentRefs")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for parent in parents.iter_mut().filter_map(Value::as_object_mut) {
        parent
            .entry("group")
            .or_insert_with(|| Value::String("gateway.networking.k8s.io".to_string()));
        parent
            .entry("kind")
            .or_insert_with(|| Value::String("Gateway".to_string()));
    }
}
