//! What the emitted Kyverno policies admit on pods k8sc did not write: init and ephemeral
//! containers (issue 18, defect 4), the containers a service mesh injects, with or without the
//! native-sidecar annotation, and rules whose `match` names a controller kind (defect 5). Each
//! verdict comes from the Kyverno evaluator, on the policies of a real project compiled with the
//! standard library.

use crate::support;

use k8sc_compiler::backends::{Resource, kyverno};
use k8sc_compiler::ir::ProjectIr;
use serde_json::{Value, json};
use support::harness::{admission_resources, lower};
use support::kyverno_eval::denying_rules;

/// The shop example without its environments (so its own tier, `production`, is in force:
/// non-root, no privileges, pinned images, requests), in the mesh, with `pinned_images` and
/// `trusted_registries(["ghcr.io/acme", "docker.io/library"])`.
fn shop_source() -> String {
    let source = include_str!("../../../examples/shop/app.k8s");
    let end = source
        .find("\nenv dev ")
        .expect("the shop declares environments");
    source[..end].to_string()
}

fn shop() -> ProjectIr {
    lower(&[("app.k8s", &shop_source())])
}

/// The pod the `web` Deployment's template makes, as admission sees it.
fn web_pod(ir: &ProjectIr) -> Value {
    admission_resources(ir)
        .into_iter()
        .find(|r| r.kind == "Pod" && r.name == "web-pod")
        .map(|r| r.body)
        .expect("the shop has a web Deployment")
}

/// The policies that deny `resource`, by name.
fn denied_by(policies: &[Resource], resource: &Value) -> Vec<String> {
    policies
        .iter()
        .filter(|p| {
            !denying_rules(&p.body, resource)
                .unwrap_or_else(|e| panic!("evaluating {}: {e}", p.name))
                .is_empty()
        })
        .map(|p| p.name.clone())
        .collect()
}

/// A container the hardened way the application's are (non-root, nothing to escalate), with
/// requests and a memory limit, so only what a test changes can break a rule.
fn hardened(name: &str, image: &str) -> Value {
    json!({
        "name": name,
        "image": image,
        "resources": {
            "requests": { "cpu": "100m", "memory": "128Mi" },
            "limits": { "cpu": "2", "memory": "1Gi" }
        },
        "securityContext": {
            "allowPrivilegeEscalation": false,
            "privileged": false,
            "readOnlyRootFilesystem": true,
            "runAsNonRoot": true,
            "runAsUser": 1337,
            "capabilities": { "drop": ["ALL"] }
        }
    })
}

/// A privileged, root, `:latest` container from an untrusted registry.
fn hostile(name: &str) -> Value {
    json!({
        "name": name,
        "image": "evil.example.com/tools:latest",
        "resources": {
            "requests": { "cpu": "100m", "memory": "128Mi" },
            "limits": { "memory": "128Mi" }
        },
        "securityContext": { "privileged": true, "runAsNonRoot": false, "runAsUser": 0 }
    })
}

fn push(pod: &mut Value, list: &str, container: Value) {
    let spec = pod
        .get_mut("spec")
        .and_then(Value::as_object_mut)
        .expect("a pod has a spec");
    spec.entry(list.to_string())
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .expect("a container list")
        .push(container);
}

/// The four policies a hostile container breaks, in the shop.
const HOSTILE: [&str; 5] = [
    "non-root",
    "no-privileged",
    "pinned-images",
    "production-image-pinned",
    "trusted-registries",
];

fn assert_refused_by_all(denied: &[String], what: &str) {
    let missing: Vec<&str> = HOSTILE
        .iter()
        .copied()
        .filter(|p| !denied.iter().any(|d| d == p))
        .collect();
    assert!(
        missing.is_empty(),
        "a hostile {what} passes {missing:?} (denied by {denied:?})"
    );
}

#[test]
fn the_application_pod_is_admitted() {
    let ir = shop();
    let policies = kyverno::render(&ir);
    assert_eq!(denied_by(&policies, &web_pod(&ir)), Vec::<String>::new());
}

#[test]
fn a_hostile_init_container_is_refused_by_every_rule_it_breaks() {
    let ir = shop();
    let policies = kyverno::render(&ir);
    let mut pod = web_pod(&ir);
    push(&mut pod, "initContainers", hostile("setup"));
    assert_refused_by_all(&denied_by(&policies, &pod), "init container");
}

#[test]
fn a_hostile_init_container_in_a_controller_template_is_refused() {
    let ir = shop();
    let policies = kyverno::render(&ir);
    let mut deployment = admission_resources(&ir)
        .into_iter()
        .find(|r| r.kind == "Deployment" && r.name == "web")
        .map(|r| r.body)
        .expect("the web Deployment");
    let spec = deployment
        .pointer_mut("/spec/template/spec")
        .and_then(Value::as_object_mut)
        .expect("a pod template");
    spec.insert("initContainers".to_string(), json!([hostile("setup")]));
    assert_refused_by_all(&denied_by(&policies, &deployment), "init container");
}

/// `kubectl debug` adds an ephemeral container through `pods/ephemeralcontainers`: an UPDATE of
/// the Pod, which Kyverno checks with the rules that match `Pod`.
#[test]
fn a_hostile_ephemeral_container_is_refused_by_every_rule_it_breaks() {
    let ir = shop();
    let policies = kyverno::render(&ir);
    let mut pod = web_pod(&ir);
    let mut debugger = hostile("debugger");
    // Ephemeral containers may not set resources, ports or probes.
    debugger
        .as_object_mut()
        .expect("an object")
        .remove("resources");
    push(&mut pod, "ephemeralContainers", debugger);
    assert_refused_by_all(&denied_by(&policies, &pod), "ephemeral container");
    // A debugger that breaks no rule may be attached: resources are not asked of it.
    let mut pod = web_pod(&ir);
    let mut debugger = hardened("debugger", "ghcr.io/acme/debug:1.0");
    debugger
        .as_object_mut()
        .expect("an object")
        .remove("resources");
    push(&mut pod, "ephemeralContainers", debugger);
    assert_eq!(denied_by(&policies, &pod), Vec::<String>::new());
}

/// What Istio injects into a pod of the shop's namespace when it does not honour (or is not
/// asked for) a native sidecar: the proxy among the containers, and its init container.
fn meshed_without_native_sidecar(ir: &ProjectIr, proxy_image: &str) -> Value {
    let mut pod = web_pod(ir);
    if let Some(annotations) = pod
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        annotations.remove("sidecar.istio.io/nativeSidecar");
    }
    push(&mut pod, "containers", hardened("istio-proxy", proxy_image));
    push(
        &mut pod,
        "initContainers",
        hardened("istio-validation", proxy_image),
    );
    pod
}

#[test]
fn a_meshed_pod_is_admitted_without_the_native_sidecar_annotation() {
    let ir = shop();
    let policies = kyverno::render(&ir);
    for proxy in [
        "docker.io/istio/proxyv2:1.24.2",
        "gcr.io/istio-release/proxyv2:1.24.2-distroless",
        "docker.io/istio/proxyv2@sha256:3f1c9a2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
    ] {
        let pod = meshed_without_native_sidecar(&ir, proxy);
        assert_eq!(denied_by(&policies, &pod), Vec::<String>::new(), "{proxy}");
    }
    // With the annotation honoured, the proxy is an init container: admitted too.
    let mut pod = web_pod(&ir);
    push(
        &mut pod,
        "initContainers",
        hardened("istio-proxy", "docker.io/istio/proxyv2:1.24.2"),
    );
    assert_eq!(denied_by(&policies, &pod), Vec::<String>::new());
}

#[test]
fn the_mesh_exception_admits_no_other_image_and_no_other_weakness() {
    let ir = shop();
    let policies = kyverno::render(&ir);
    // Another image under the proxy's name: refused by the registry rule.
    let pod = meshed_without_native_sidecar(&ir, "evil.example.com/istio/proxyv2:1.24.2");
    assert_eq!(denied_by(&policies, &pod), vec!["trusted-registries"]);
    // The proxy's image under another name: an image like any other.
    let mut pod = web_pod(&ir);
    push(
        &mut pod,
        "containers",
        hardened("helper", "docker.io/istio/proxyv2:1.24.2"),
    );
    assert_eq!(denied_by(&policies, &pod), vec!["trusted-registries"]);
    // The proxy's name and image, privileged: the security rules still hold for it.
    let mut pod = meshed_without_native_sidecar(&ir, "docker.io/istio/proxyv2:1.24.2");
    if let Some(sc) = pod
        .pointer_mut("/spec/containers/1/securityContext")
        .and_then(Value::as_object_mut)
    {
        sc.insert("privileged".to_string(), json!(true));
    }
    assert_eq!(denied_by(&policies, &pod), vec!["no-privileged"]);
}

/// Outside the mesh there is nothing to make an exception for.
#[test]
fn without_a_mesh_the_proxy_image_is_checked_like_any_other() {
    let source = r#"
import std.tiers.foundation
import std.policies.{trusted_registries}

app shop {
  namespace: shop
  tier: foundation
  policies: [trusted_registries(["ghcr.io/acme"])]
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
}
"#;
    let ir = lower(&[("app.k8s", source)]);
    assert!(ir.apps[0].mesh.is_none());
    let policies = kyverno::render(&ir);
    assert_eq!(denied_by(&policies, &web_pod(&ir)), Vec::<String>::new());
    let pod = meshed_without_native_sidecar(&ir, "docker.io/istio/proxyv2:1.24.2");
    assert_eq!(denied_by(&policies, &pod), vec!["trusted-registries"]);
}

const MATCHED: &str = r#"
import std.tiers.foundation

/// StatefulSets run one replica: their storage is per pod.
policy single_stateful {
  match: kind == "StatefulSet"
  deny: replicas.min > 1
  message: "a StatefulSet runs one replica, not {replicas.min}"
}

app shop {
  namespace: shop
  tier: foundation
  policies: [single_stateful]
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  replicas: 3
}

service api {
  image: "ghcr.io/acme/api:1.0.0"
  port: http 8080
  replicas: 2..4
}

database db {
  image: "docker.io/library/postgres:16.4"
  port: tcp 5432
  storage: 20Gi
  user: 999
}

stateful cache {
  image: "docker.io/library/redis:7.4.1"
  port: tcp 6379
  replicas: 1..3
}
"#;

fn set_replicas(resource: &mut Value, field: &str, n: u64) {
    if let Some(spec) = resource.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert(field.to_string(), json!(n));
    }
}

/// Defect 5: a policy whose `match` names a controller kind, on replica counts. The compiler
/// enforced it; no Kyverno policy was written at all.
#[test]
fn a_policy_matching_a_kind_reaches_the_cluster() {
    let ir = lower(&[("app.k8s", MATCHED)]);
    let policies = kyverno::render(&ir);
    assert!(
        policies.iter().any(|p| p.name == "single-stateful"),
        "no Kyverno policy for `single_stateful`: {:?}",
        policies.iter().map(|p| &p.name).collect::<Vec<_>>()
    );
    let resources = admission_resources(&ir);
    let find = |kind: &str, name: &str| {
        resources
            .iter()
            .find(|r| r.kind == kind && r.name == name)
            .map(|r| r.body.clone())
            .unwrap_or_else(|| panic!("{kind}/{name}"))
    };
    // As compiled: everything admitted.
    for resource in &resources {
        assert_eq!(
            denied_by(&policies, &resource.body),
            Vec::<String>::new(),
            "{}/{}",
            resource.kind,
            resource.name
        );
    }
    // The database scaled to three by hand: refused.
    let mut db = find("StatefulSet", "db");
    set_replicas(&mut db, "replicas", 3);
    assert_eq!(denied_by(&policies, &db), vec!["single-stateful"]);
    // The cache's autoscaler raised to a minimum of two: refused on the autoscaler.
    let mut hpa = find("HorizontalPodAutoscaler", "cache");
    set_replicas(&mut hpa, "minReplicas", 2);
    assert_eq!(denied_by(&policies, &hpa), vec!["single-stateful"]);
    // Deployments and their autoscalers are not StatefulSets.
    let mut web = find("Deployment", "web");
    set_replicas(&mut web, "replicas", 5);
    assert_eq!(denied_by(&policies, &web), Vec::<String>::new());
    let mut hpa = find("HorizontalPodAutoscaler", "api");
    set_replicas(&mut hpa, "minReplicas", 3);
    assert_eq!(denied_by(&policies, &hpa), Vec::<String>::new());
}
