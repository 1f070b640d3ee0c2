//! `patch KIND { … }`: the strategic merge on its own (a table of cases and its invariants), and
//! a build whose patches land in the generated resources, with a reviewed exception for the
//! hardening one of them turns off.

use k8sc_compiler::backends::kubernetes::patch::merge::merge;
use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::loader;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::Path;

fn merged(target: Value, patch: Value) -> Value {
    let mut target = target;
    merge(&mut target, &patch);
    target
}

#[test]
fn strategic_merge_table() {
    let cases: Vec<(&str, Value, Value, Value)> = vec![
        (
            "maps merge key by key",
            json!({"a": {"b": 1, "c": 2}}),
            json!({"a": {"c": 3, "d": 4}}),
            json!({"a": {"b": 1, "c": 3, "d": 4}}),
        ),
        (
            "null deletes",
            json!({"a": {"b": 1, "c": 2}}),
            json!({"a": {"b": null}}),
            json!({"a": {"c": 2}}),
        ),
        (
            "containers merge by name",
            json!({"containers": [{"name": "web", "image": "a"}, {"name": "side", "image": "b"}]}),
            json!({"containers": [{"name": "side", "stdin": true}, {"name": "new", "image": "c"}]}),
            json!({"containers": [
                {"name": "web", "image": "a"},
                {"name": "side", "image": "b", "stdin": true},
                {"name": "new", "image": "c"}
            ]}),
        ),
        (
            "env merges by name inside a merged container",
            json!({"containers": [{"name": "web", "env": [{"name": "A", "value": "1"}]}]}),
            json!({"containers": [{"name": "web", "env": [{"name": "A", "value": "2"}, {"name": "B", "value": "3"}]}]}),
            json!({"containers": [{"name": "web", "env": [{"name": "A", "value": "2"}, {"name": "B", "value": "3"}]}]}),
        ),
        (
            "service ports merge by name, container ports by number",
            json!({"ports": [{"name": "http", "port": 80}], "c": {"ports": [{"containerPort": 8080}]}}),
            json!({"ports": [{"name": "http", "nodePort": 30080}], "c": {"ports": [{"containerPort": 8080, "protocol": "TCP"}]}}),
            json!({"ports": [{"name": "http", "port": 80, "nodePort": 30080}], "c": {"ports": [{"containerPort": 8080, "protocol": "TCP"}]}}),
        ),
        (
            "volume mounts merge by path",
            json!({"volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}),
            json!({"volumeMounts": [{"name": "cache", "mountPath": "/cache"}]}),
            json!({"volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}, {"name": "cache", "mountPath": "/cache"}]}),
        ),
        (
            "other lists are replaced",
            json!({"args": ["a", "b"], "tolerations": [{"key": "x"}]}),
            json!({"args": ["c"], "tolerations": [{"key": "y"}]}),
            json!({"args": ["c"], "tolerations": [{"key": "y"}]}),
        ),
        (
            "a named list whose patch items lack the key is replaced",
            json!({"containers": [{"name": "web"}]}),
            json!({"containers": [{"image": "x"}]}),
            json!({"containers": [{"image": "x"}]}),
        ),
        (
            "a null merge key names nothing: the list is replaced, so a second merge adds nothing",
            json!({"containers": [{}]}),
            json!({"containers": [{"name": null}]}),
            json!({"containers": [{}]}),
        ),
        (
            "a port with a null name merges by its number",
            json!({"ports": [{"name": "http", "port": 80}]}),
            json!({"ports": [{"name": null, "port": 80, "nodePort": 30080}]}),
            json!({"ports": [{"port": 80, "nodePort": 30080}]}),
        ),
        (
            "nulls in new values are dropped",
            json!({}),
            json!({"a": {"b": null, "c": 1}}),
            json!({"a": {"c": 1}}),
        ),
        (
            "a scalar replaces a map",
            json!({"a": {"b": 1}}),
            json!({"a": 2}),
            json!({"a": 2}),
        ),
    ];
    for (name, target, patch, expected) in cases {
        assert_eq!(merged(target, patch), expected, "{name}");
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0i64..5).prop_map(Value::from),
        "[a-c]".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("name".to_string()),
                    Just("containers".to_string()),
                    "[a-c]"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Applying a patch twice changes nothing more than applying it once.
    #[test]
    fn merge_is_idempotent(target in json_value(), patch in json_value()) {
        let once = merged(target, patch.clone());
        let twice = merged(once.clone(), patch);
        prop_assert_eq!(once, twice);
    }

    /// An empty patch changes nothing; merging into nothing gives the patch without its nulls.
    #[test]
    fn empty_patch_is_identity(target in json_value()) {
        prop_assert_eq!(merged(target.clone(), json!({})).clone(), if target.is_object() { target } else { json!({}) });
    }

    /// Every non-null key the patch sets at the top of a map is in the result.
    #[test]
    fn patched_keys_are_present(target in json_value(), patch in json_value()) {
        let result = merged(target, patch.clone());
        if let (Value::Object(patch), Value::Object(result)) = (&patch, &result) {
            for (key, value) in patch {
                prop_assert_eq!(result.contains_key(key), !value.is_null(), "{}", key);
            }
        }
    }
}

fn built(name: &str) -> (Vec<String>, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let loaded = loader::load(&dir).expect("fixture loads");
    let db = Database::new();
    let project = db.load_project(loaded.files);
    let result = build(&db, project);
    let diagnostics = result
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    let tree = result.tree.expect("the fixture builds");
    let keep = |path: &str| {
        [
            "deployment-web",
            "service-web",
            "daemonset-agent",
            "no-host-namespaces",
        ]
        .iter()
        .any(|stem| path.contains(stem))
    };
    let mut stream = String::new();
    for (path, content) in tree.files.iter().filter(|(p, _)| keep(p)) {
        stream.push_str(&format!("--- {path}\n{content}"));
    }
    (diagnostics, stream)
}

#[test]
fn patches_land_in_the_generated_resources() {
    let (diagnostics, stream) = built("patch");
    // Nothing calls `web` in this fixture; the patches themselves raise nothing (the reviewed
    // exception covers the agent's host network).
    assert_eq!(diagnostics, ["W0010 service `web` is never called"]);
    crate::support::snapshot_settings()
        .bind(|| insta::assert_snapshot!("patch__patches_land_in_the_generated_resources", stream));
}
