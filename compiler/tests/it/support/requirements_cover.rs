//! The requirements of an environment name everything its generated output references or uses:
//! shared by the requirements tests on the examples and the property test on generated projects.

use k8sc_compiler::backends::kyverno::requirements::MINIMUM_KYVERNO;
use k8sc_compiler::output::OutputTree;
use k8sc_compiler::requirements::{Component, EnvRequirements, GatewayKind, Version};
use serde_json::Value;

/// Every document of environment `env` in `tree`, parsed back.
pub fn documents(tree: &OutputTree, prefix: &str) -> Vec<Value> {
    let mut docs = Vec::new();
    for (path, content) in &tree.files {
        if path.starts_with(prefix) && path.ends_with(".yaml") {
            let body = content.split_once('\n').map_or("", |(_, b)| b);
            docs.push(serde_saphyr::from_str(body).expect("generated YAML parses"));
        }
    }
    docs
}

/// Calls `visit(key, value, document)` on every key of every map under `value`.
pub fn walk<'a>(value: &'a Value, visit: &mut dyn FnMut(&str, &'a Value)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                visit(key, child);
                walk(child, visit);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, visit);
            }
        }
        _ => {}
    }
}

pub fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

pub fn minimum(env: &EnvRequirements, component: Component) -> Option<Version> {
    env.component(component).and_then(|c| c.minimum)
}

/// Checks that `env`'s requirements name everything `docs` (its output) references or uses.
pub fn check_covered(env: &EnvRequirements, docs: &[Value]) {
    let at_least = |component: Component, version: Version, what: &str| {
        let found = minimum(env, component);
        assert!(
            found.is_some_and(|v| v >= version),
            "env {}: the output uses {what}, which needs {component:?} >= {version}; the requirements say {found:?}",
            env.env
        );
    };
    // A PriorityClass the output itself carries (a declared `priority`) is not the cluster's to
    // provide.
    let carried: Vec<&str> = docs
        .iter()
        .filter(|d| str_at(d, "/kind") == Some("PriorityClass"))
        .filter_map(|d| str_at(d, "/metadata/name"))
        .collect();
    for doc in docs {
        let api_version = str_at(doc, "/apiVersion").unwrap_or("");
        let kind = str_at(doc, "/kind").unwrap_or("");
        let namespace = str_at(doc, "/metadata/namespace").unwrap_or("");
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let component = match group {
            ""
            | "apps"
            | "batch"
            | "policy"
            | "autoscaling"
            | "networking.k8s.io"
            | "rbac.authorization.k8s.io"
            | "scheduling.k8s.io" => Component::KUBERNETES,
            "gateway.networking.k8s.io" => Component::GATEWAY_API,
            "networking.istio.io" | "security.istio.io" => Component::ISTIO,
            "kyverno.io" => Component::KYVERNO,
            "argoproj.io" => Component::ARGOCD,
            other => panic!("a backend emits API group `{other}`: state its requirement"),
        };
        assert!(
            env.component(component).is_some(),
            "env {}: {kind} `{api_version}` is emitted but {component:?} is not required",
            env.env
        );
        match (api_version, kind) {
            ("networking.istio.io/v1" | "security.istio.io/v1", _) => {
                at_least(Component::ISTIO, Version::new(1, 22), api_version);
            }
            ("gateway.networking.k8s.io/v1", "HTTPRoute") => {
                at_least(Component::GATEWAY_API, Version::new(1, 0), api_version);
                for parent in doc["spec"]["parentRefs"].as_array().into_iter().flatten() {
                    let (ns, name) = (
                        str_at(parent, "/namespace").unwrap_or(""),
                        str_at(parent, "/name").unwrap_or(""),
                    );
                    assert!(
                        env.gateways
                            .iter()
                            .any(|g| g.kind == GatewayKind::GatewayApi
                                && g.namespace == ns
                                && g.name == name),
                        "env {}: HTTPRoute attaches to {ns}/{name}, not listed",
                        env.env
                    );
                }
            }
            ("autoscaling/v2", _) => {
                at_least(Component::KUBERNETES, Version::new(1, 23), api_version);
            }
            ("networking.k8s.io/v1", "NetworkPolicy") => {
                assert!(env.component(Component::NETWORK_POLICY).is_some());
            }
            ("networking.k8s.io/v1", "Ingress") => {
                let class = str_at(doc, "/spec/ingressClassName");
                assert!(
                    env.ingress_classes
                        .iter()
                        .any(|c| c.name.as_deref() == class),
                    "env {}: IngressClass {class:?} not listed",
                    env.env
                );
            }
            _ => {}
        }
        let secret = |ns: &str, name: &str, key: Option<&str>| {
            assert!(
                env.secrets
                    .iter()
                    .any(|s| (ns.is_empty() || s.namespace == ns)
                        && s.name == name
                        && key.is_none_or(|k| s.keys.iter().any(|x| x == k))),
                "env {}: Secret {ns}/{name} (key {key:?}) is referenced but not listed",
                env.env
            );
        };
        let mut uses = Vec::new();
        walk(doc, &mut |key, value| uses.push((key.to_string(), value)));
        for (key, value) in uses {
            match key.as_str() {
                "secretKeyRef" => secret(
                    namespace,
                    str_at(value, "/name").unwrap_or(""),
                    str_at(value, "/key"),
                ),
                // An Ingress's certificate is in its namespace; an Istio Gateway's in the
                // ingress gateway's.
                "secretName" if kind == "Ingress" => {
                    secret(namespace, value.as_str().unwrap_or(""), Some("tls.crt"));
                }
                "credentialName" => secret("", value.as_str().unwrap_or(""), Some("tls.crt")),
                "volumeClaimTemplates" => {
                    for template in value.as_array().into_iter().flatten() {
                        let class = str_at(template, "/spec/storageClassName");
                        assert!(
                            env.storage_classes
                                .iter()
                                .any(|c| c.name.as_deref() == class),
                            "env {}: StorageClass {class:?} not listed",
                            env.env
                        );
                    }
                }
                "priorityClassName" => {
                    let class = value.as_str();
                    assert!(
                        class.is_some_and(|c| carried.contains(&c))
                            || env
                                .priority_classes
                                .iter()
                                .any(|c| c.name.as_deref() == class),
                        "env {}: PriorityClass {class:?} not listed",
                        env.env
                    );
                }
                "sleep" => at_least(Component::KUBERNETES, Version::new(1, 30), "preStop sleep"),
                "grpc" => at_least(Component::KUBERNETES, Version::new(1, 24), "gRPC probes"),
                "unhealthyPodEvictionPolicy" => at_least(
                    Component::KUBERNETES,
                    Version::new(1, 27),
                    "unhealthyPodEvictionPolicy",
                ),
                "timeZone" => at_least(Component::KUBERNETES, Version::new(1, 25), "timeZone"),
                "restartPolicy" if value == "Always" => at_least(
                    Component::KUBERNETES,
                    Version::new(1, 29),
                    "sidecar containers",
                ),
                "sidecar.istio.io/nativeSidecar" => at_least(
                    Component::KUBERNETES,
                    Version::new(1, 29),
                    "native sidecars",
                ),
                "pod-security.kubernetes.io/enforce" => {
                    at_least(Component::KUBERNETES, Version::new(1, 25), "Pod Security");
                }
                "failureAction" => at_least(Component::KYVERNO, MINIMUM_KYVERNO, "failureAction"),
                _ => {}
            }
        }
    }
}

/// Every Argo CD sync option the output uses, from Applications and resources' annotations.
pub fn sync_options(docs: &[Value]) -> Vec<String> {
    let mut options = Vec::new();
    for doc in docs {
        walk(doc, &mut |key, value| {
            if key == "syncOptions" {
                options.extend(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string),
                );
            } else if key == "argocd.argoproj.io/sync-options" {
                options.extend(
                    value
                        .as_str()
                        .unwrap_or("")
                        .split(',')
                        .map(|o| o.trim().to_string()),
                );
            }
        });
    }
    options
}
