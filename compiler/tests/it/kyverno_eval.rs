//! Self-tests of the Kyverno evaluator the equivalence tests rely on, on hand-written policies
//! whose outcome in Kyverno is documented or read from its source.

use crate::support;

use serde_json::{Value, json};
use support::kyverno_eval::{
    Options, denying_rules, denying_rules_with, image_info, operate, substitute, wildcard,
};

fn pod(image: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": { "name": "p", "namespace": "shop", "labels": { "app": "web", "empty": "" } },
        "spec": { "containers": [
            { "name": "main", "image": image, "resources": { "requests": { "cpu": "250m" } },
              "ports": [ { "containerPort": 8080 } ] },
            { "name": "side-car", "image": "ghcr.io/acme/proxy:1.0" }
        ] }
    })
}

fn policy(rule: Value) -> Value {
    json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "Policy",
        "metadata": { "name": "t", "namespace": "shop" },
        "spec": { "background": true, "rules": [rule] }
    })
}

fn pod_rule(validate: Value) -> Value {
    json!({
        "name": "r",
        "match": { "any": [ { "resources": { "kinds": ["Pod"], "operations": ["CREATE", "UPDATE"] } } ] },
        "validate": validate
    })
}

fn denies(rule: Value, resource: &Value) -> bool {
    !denying_rules(&policy(rule), resource)
        .expect("evaluates")
        .is_empty()
}

fn foreach(conditions: Value) -> Value {
    pod_rule(json!({
        "message": "m",
        "foreach": [ { "list": "request.object.spec.containers", "deny": { "conditions": { "all": conditions } } } ]
    }))
}

#[test]
fn foreach_denies_when_any_container_matches() {
    let rule = foreach(json!([
        { "key": "{{ images.containers.\"{{element.name}}\".tag || '' }}", "operator": "AnyIn", "value": ["latest"] }
    ]));
    assert!(denies(rule.clone(), &pod("nginx")));
    assert!(!denies(rule, &pod("nginx:1.25")));
}

#[test]
fn deny_conditions_all_must_hold() {
    let rule = pod_rule(json!({ "message": "m", "deny": { "conditions": { "all": [
        { "key": "{{ request.object.metadata.labels.app || '' }}", "operator": "AnyIn", "value": ["web"] },
        { "key": "{{ request.object.kind }}", "operator": "AnyIn", "value": ["Pod"] }
    ] } } }));
    assert!(denies(rule, &pod("nginx")));
    let rule = pod_rule(json!({ "message": "m", "deny": { "conditions": { "all": [
        { "key": "{{ request.object.metadata.labels.app || '' }}", "operator": "AnyIn", "value": ["web"] },
        { "key": "{{ request.object.kind }}", "operator": "AnyIn", "value": ["Deployment"] }
    ] } } }));
    assert!(!denies(rule, &pod("nginx")));
}

#[test]
fn namespaced_policies_only_see_their_namespace_and_match_filters_apply() {
    let rule = pod_rule(json!({ "message": "m", "deny": {} }));
    assert!(denies(rule.clone(), &pod("x")));
    let mut elsewhere = pod("x");
    elsewhere["metadata"]["namespace"] = json!("other");
    assert!(!denies(rule.clone(), &elsewhere));
    let mut deployment = pod("x");
    deployment["kind"] = json!("Deployment");
    assert!(!denies(rule, &deployment));
}

#[test]
fn exclude_by_kind_namespace_and_selector() {
    let mut rule = pod_rule(json!({ "message": "m", "deny": {} }));
    rule["exclude"] = json!({ "any": [ { "resources": {
        "kinds": ["Pod"], "namespaces": ["shop"],
        "selector": { "matchLabels": { "app": "web" } }
    } } ] });
    assert!(!denies(rule.clone(), &pod("x")));
    let mut other = pod("x");
    other["metadata"]["labels"]["app"] = json!("api");
    assert!(denies(rule, &other));
}

#[test]
fn preconditions_skip_the_rule() {
    let mut rule = pod_rule(json!({ "message": "m", "deny": {} }));
    rule["preconditions"] = json!({ "all": [
        { "key": "{{ request.object.metadata.annotations.\"k8sc.dev/autoscaler\" || '' }}", "operator": "AnyIn", "value": [""] }
    ] });
    assert!(denies(rule.clone(), &pod("x")));
    let mut marked = pod("x");
    marked["metadata"]["annotations"] = json!({ "k8sc.dev/autoscaler": "web" });
    assert!(!denies(rule, &marked));
}

#[test]
fn images_context_follows_kyverno() {
    let info = |i: &str| image_info(i, Options::default()).expect("parses");
    assert_eq!(info("nginx")["registry"], "docker.io");
    assert_eq!(info("nginx")["path"], "library/nginx");
    assert_eq!(info("nginx")["tag"], "latest");
    assert_eq!(info("acme/web:1")["path"], "acme/web");
    assert_eq!(info("localhost:5000/tool")["registry"], "localhost:5000");
    assert_eq!(info("ghcr.io/acme/web:2.3.1")["tag"], "2.3.1");
    let digest = info("ghcr.io/acme/api@sha256:abc");
    assert!(digest.get("tag").is_none());
    assert_eq!(digest["digest"], "sha256:abc");
    let old = image_info(
        "nginx",
        Options {
            library_prefix: false,
        },
    )
    .expect("parses");
    assert_eq!(old["path"], "nginx");
}

#[test]
fn variables_substitute_innermost_first_and_keep_types() {
    let ctx = json!({ "element": { "name": "main" }, "images": { "containers": { "main": { "tag": "1" } } },
                      "n": 3, "s": "x" });
    assert_eq!(
        substitute("{{ images.containers.\"{{element.name}}\".tag }}", &ctx).expect("resolves"),
        json!("1")
    );
    assert_eq!(substitute("{{ n }}", &ctx).expect("resolves"), json!(3));
    assert_eq!(
        substitute("a-{{ n }}-{{ s }}", &ctx).expect("resolves"),
        json!("a-3-x")
    );
    assert!(
        substitute("{{ missing }}", &ctx).is_err(),
        "null is unresolved"
    );
    assert_eq!(
        substitute("{{ to_string(not_null(missing, `false`)) }}", &ctx).expect("resolves"),
        json!("false")
    );
    assert_eq!(
        substitute("{{ missing && 'set' || '' }}", &ctx).expect("resolves"),
        json!("")
    );
}

#[test]
fn operators_compare_quantities_numbers_and_wildcards() {
    let op = |o: &str, k: Value, v: Value| operate(o, &k, &v).expect("supported");
    assert!(op("GreaterThan", json!("1"), json!("250m")));
    assert!(op("LessThan", json!("250m"), json!("1")));
    assert!(op("GreaterThanOrEquals", json!("0.5"), json!("500m")));
    assert!(op("LessThanOrEquals", json!("0.5"), json!("500m")));
    assert!(op("GreaterThan", json!("1Gi"), json!("1000Mi")));
    assert!(op("LessThan", json!("1G"), json!("1Gi")));
    assert!(!op("GreaterThan", json!(""), json!("1")));
    assert!(op("GreaterThan", json!(3), json!(2)));
    assert!(op("Equals", json!(2.0), json!(2)));
    assert!(op("NotEquals", json!(3), json!(2)));
    assert!(op(
        "AnyIn",
        json!("ghcr.io/acme/web:1"),
        json!(["ghcr.io/acme/*"])
    ));
    assert!(!op(
        "AnyIn",
        json!("ghcr.io/acmex/web:1"),
        json!(["ghcr.io/acme/*"])
    ));
    assert!(op("AnyNotIn", json!("docker.io/x"), json!(["ghcr.io/*"])));
    assert!(op("AnyIn", json!(8080), json!([8080])));
    assert!(op("AnyIn", json!([80, 8080]), json!([8080])));
    assert!(!op("AnyIn", json!([]), json!([8080])));
    assert!(op("AnyIn", json!(""), json!([""])));
    assert!(!op("AnyIn", json!("250m"), json!([""])));
    // Equals reads quantities: 16 and 16.0 are the same quantity.
    assert!(op("Equals", json!("16"), json!("16.0")));
    assert!(wildcard("a?c", "abc") && !wildcard("a?c", "ac") && wildcard("*", ""));
}

#[test]
fn unknown_constructs_are_errors_not_silent_passes() {
    let rule = pod_rule(json!({ "message": "m", "pattern": { "spec": {} } }));
    assert!(denying_rules(&policy(rule), &pod("x")).is_err());
    let rule = pod_rule(json!({ "message": "m", "deny": { "conditions": { "all": [
        { "key": "x", "operator": "DurationGreaterThan", "value": "1h" }
    ] } } }));
    assert!(denying_rules_with(&policy(rule), &pod("x"), Options::default()).is_err());
}

#[test]
fn deployments_are_defaulted_like_the_api_server_does() {
    let rule = json!({
        "name": "r",
        "match": { "any": [ { "resources": { "kinds": ["Deployment"] } } ] },
        "validate": { "message": "m", "deny": { "conditions": { "all": [
            { "key": "{{ request.object.spec.replicas }}", "operator": "LessThan", "value": 2 }
        ] } } }
    });
    let deployment = json!({ "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": { "name": "d", "namespace": "shop" }, "spec": {} });
    assert!(denies(rule, &deployment));
}

/// The container lists of a pod as one list (Kyverno's own samples write them so): a missing
/// list contributes nothing, and `images` finds each container's parsed image in its own list.
#[test]
fn foreach_over_every_container_list_with_their_images() {
    let rule = pod_rule(json!({
        "message": "m",
        "foreach": [ {
            "list": "request.object.spec.[containers, initContainers, ephemeralContainers][]",
            "preconditions": { "any": [
                { "key": "{{ element.name }}", "operator": "AnyNotIn", "value": ["skipped"] }
            ] },
            "deny": { "conditions": { "all": [
                { "key": "{{ (images.containers.\"{{element.name}}\" || images.initContainers.\"{{element.name}}\" || images.ephemeralContainers.\"{{element.name}}\").tag || '' }}",
                  "operator": "AnyIn", "value": ["latest"] }
            ] } }
        } ]
    }));
    let mut p = pod("nginx:1.25");
    assert!(!denies(rule.clone(), &p), "no init or ephemeral containers");
    p["spec"]["initContainers"] = json!([{ "name": "init", "image": "busybox" }]);
    assert!(
        denies(rule.clone(), &p),
        "an init container's image is read"
    );
    p["spec"]["initContainers"] = json!([{ "name": "skipped", "image": "busybox" }]);
    assert!(
        !denies(rule.clone(), &p),
        "the preconditions skip an element"
    );
    p["spec"]["ephemeralContainers"] = json!([{ "name": "debug", "image": "busybox:latest" }]);
    assert!(denies(rule, &p), "an ephemeral container's image is read");
}
