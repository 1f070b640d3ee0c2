//! `k8sc import` on a directory of realistic third-party manifests (`tests/fixtures/import/`:
//! Helm-rendered files with `# Source:` comments, a web app with its Service, HPA, PDB, ConfigMap
//! and Ingress, a Redis StatefulSet, cron jobs, workers with ConfigMaps — folded into `config {}`
//! or, where that would change their meaning, skipped with the reasons —, a DaemonSet, a Job and
//! a `List`). The generated `.k8s` and the report are snapshots; the round trip builds the result
//! and compares every imported resource with the one k8sc generates, field by field: a field of
//! the input missing or different in the output fails the test, and the fields k8sc added (its
//! hardening) are listed separately.

use k8sc_compiler::backends::kubernetes::patch::merge::merge_key;
use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::Database;
use k8sc_compiler::import::{
    Imported, Manifest, align_volumes, file_stem, import, read_documents, rename_config_ref,
    rename_main_container,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::fmt::Write;
use std::path::Path;

fn fixtures() -> Vec<Manifest> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures exist")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.extend(read_documents(&name, &text).expect("fixture is YAML"));
    }
    out
}

fn imported() -> (Vec<Manifest>, Imported) {
    let manifests = fixtures();
    let result = import(&manifests, "storefront").expect("the fixtures import");
    (manifests, result)
}

#[test]
fn fixtures_hold_at_least_thirty_manifests() {
    assert!(fixtures().len() >= 30, "{}", fixtures().len());
}

#[test]
fn import_writes_canonical_k8s_and_a_report() {
    let (_, result) = imported();
    let (name, text) = &result.file;
    assert_eq!(name, "storefront.k8s");
    // Canonical: formatting it again changes nothing.
    let formatted = k8sc_grammar::format::format_source(text).expect("it parses");
    assert_eq!(&formatted, text);
    crate::support::snapshot_settings()
        .bind(|| insta::assert_snapshot!("import__storefront.k8s", text));
    crate::support::snapshot_settings()
        .bind(|| insta::assert_snapshot!("import__report", result.report.to_string()));
    // Every patch is in the report, and every patch block of the text is one of them.
    let blocks = text.matches("\n  patch ").count();
    assert_eq!(blocks, result.report.patches.len());
}

#[test]
fn imported_project_builds() {
    let (_, result) = imported();
    let db = Database::new();
    let project = db.load_project(vec![result.file.clone()]);
    let errors: Vec<String> = project_diagnostics(&db, project)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Walks `input` against `output`: a field of the input missing or different in the output goes
/// to `missing`; a field of the output the input does not have goes to `added` (whole subtrees
/// once, at their root).
fn compare(
    input: &Value,
    output: &Value,
    field: &str,
    path: &str,
    missing: &mut Vec<String>,
    added: &mut Vec<String>,
) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    Some(other) => compare(value, other, key, &join(key), missing, added),
                    None => missing.push(join(key)),
                }
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                added.push(join(key));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            let keyed = !a.is_empty()
                && a.iter()
                    .all(|i| merge_key(field, i).is_some_and(|k| i.get(k).is_some()));
            if keyed {
                let mut matched = Vec::new();
                for item in a {
                    let key = merge_key(field, item).unwrap_or("name");
                    let id = item.get(key);
                    let label = id.map_or_else(String::new, |v| v.to_string().replace('"', ""));
                    match b.iter().position(|o| o.get(key) == id) {
                        Some(index) => {
                            matched.push(index);
                            compare(
                                item,
                                &b[index],
                                "",
                                &format!("{path}[{label}]"),
                                missing,
                                added,
                            );
                        }
                        None => missing.push(format!("{path}[{label}]")),
                    }
                }
                for (index, item) in b.iter().enumerate() {
                    if !matched.contains(&index) {
                        let label = item
                            .get("name")
                            .or_else(|| item.get("mountPath"))
                            .map_or_else(|| index.to_string(), |v| v.to_string().replace('"', ""));
                        added.push(format!("{path}[{label}]"));
                    }
                }
            } else if a.len() != b.len() {
                missing.push(format!(
                    "{path} (a list of {} items, now {})",
                    a.len(),
                    b.len()
                ));
            } else {
                for (index, (x, y)) in a.iter().zip(b).enumerate() {
                    compare(x, y, "", &format!("{path}[{index}]"), missing, added);
                }
            }
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => {}
        (x, y) if x == y => {}
        (x, y) => missing.push(format!("{path}: {x} became {y}")),
    }
}

#[test]
fn round_trip_reproduces_every_imported_resource() {
    let (manifests, result) = imported();
    let db = Database::new();
    let project = db.load_project(vec![result.file.clone()]);
    let ir = &k8sc_compiler::lower::lower_project(&db, project).ir;
    let generated = k8sc_compiler::backends::kubernetes::render(ir);
    let mut failures = Vec::new();
    let mut hardening = String::new();
    assert!(!result.report.folded.is_empty());
    for folded in &result.report.folded {
        let input = manifests
            .iter()
            .find(|m| m.id() == folded.resource)
            .expect("a folded resource was read");
        let stem = file_stem(input.kind(), input.name(), &folded.workload);
        let output = generated
            .iter()
            .find(|r| {
                r.kind == input.kind()
                    && (r.file_stem == stem
                        || (r.kind != "ConfigMap"
                            && format!("{}/{}", r.kind, r.name) == folded.resource))
            })
            .unwrap_or_else(|| panic!("{} is generated", folded.resource));
        // What the report says k8sc names differently is renamed in the input first.
        let mut expected = input.value.clone();
        for rename in &folded.renamed {
            if rename.starts_with("named ") {
                expected["metadata"]["name"] = Value::String(output.name.clone());
            } else if rename.starts_with("its container ") {
                rename_main_container(&mut expected, input.kind(), &folded.workload);
            } else if rename.starts_with("its `envFrom` ConfigMap ") {
                // The ConfigMap folded into the workload's `config {}`, under its generated name.
                let config_map = generated
                    .iter()
                    .find(|r| r.file_stem == file_stem("ConfigMap", "", &folded.workload))
                    .unwrap_or_else(|| panic!("{} has a ConfigMap", folded.workload));
                let renamed = rename_config_ref(&mut expected, input.kind(), &config_map.name);
                assert!(renamed.is_some(), "{rename}");
            } else if rename.starts_with("its volume ") {
                // Renamed together, as the importer did; each note is one of them.
                let notes = align_volumes(&mut expected, input.kind(), &output.body);
                assert!(
                    notes.is_empty() || notes.contains(rename),
                    "{rename}: {notes:?}"
                );
            } else {
                panic!("a rename the test does not know: {rename}");
            }
        }
        let mut missing = Vec::new();
        let mut added = Vec::new();
        compare(&expected, &output.body, "", "", &mut missing, &mut added);
        // A literal credential is taken out on purpose (`literal_credentials_are_not_imported`).
        let taken_out = |m: &str| {
            result
                .report
                .credentials
                .iter()
                .any(|c| c.resource == folded.resource && m.starts_with(&c.path))
        };
        for m in missing.into_iter().filter(|m| !taken_out(m)) {
            failures.push(format!("{}: {m}", folded.resource));
        }
        let _ = writeln!(
            hardening,
            "{} (k8sc added {}):",
            folded.resource,
            added.len()
        );
        for a in added {
            let _ = writeln!(hardening, "  {a}");
        }
    }
    assert!(
        failures.is_empty(),
        "fields of the input lost:\n{}",
        failures.join("\n")
    );
    crate::support::snapshot_settings()
        .bind(|| insta::assert_snapshot!("import__added_by_k8sc", hardening));
}

#[test]
fn folded_config_maps_keep_their_data_and_leave_no_reference_behind() {
    let (manifests, result) = imported();
    let (_, text) = &result.file;
    let db = Database::new();
    let project = db.load_project(vec![result.file.clone()]);
    let ir = &k8sc_compiler::lower::lower_project(&db, project).ir;
    let generated = k8sc_compiler::backends::kubernetes::render(ir);
    let folded: Vec<_> = result
        .report
        .folded
        .iter()
        .filter(|f| f.resource.starts_with("ConfigMap/"))
        .collect();
    assert!(folded.len() >= 4, "{folded:#?}");
    for folded in folded {
        let input = manifests
            .iter()
            .find(|m| m.id() == folded.resource)
            .expect("a folded ConfigMap was read");
        let output = generated
            .iter()
            .find(|r| r.file_stem == file_stem("ConfigMap", "", &folded.workload))
            .unwrap_or_else(|| panic!("{} has a ConfigMap", folded.workload));
        // Exactly its data: no key lost, changed or added.
        assert_eq!(
            output.body["data"], input.value["data"],
            "{}",
            folded.resource
        );
        // The pod template refers to it only through what k8sc generates.
        let quoted = format!("\"{}\"", input.name());
        assert!(!text.contains(&quoted), "{quoted} is still written");
    }
    // A skipped ConfigMap is still referenced, from the patch of its workload.
    for skipped in &result.report.skipped {
        if let Some(name) = skipped.resource.strip_prefix("ConfigMap/")
            && !skipped.reason.starts_with("no imported resource uses it")
        {
            assert!(text.contains(&format!("\"{name}\"")), "{name}");
        }
    }
}

/// A ConfigMap with `data` (as `key: value` pairs) and a worker taking it whole through `envFrom`.
fn worker_with_config(data: &[(String, String)]) -> Vec<Manifest> {
    let data: serde_json::Map<String, Value> = data
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let manifest = |value: Value| Manifest {
        source: "generated.yaml".to_string(),
        value,
    };
    vec![
        manifest(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": { "name": "settings" }, "data": data
        })),
        manifest(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": { "name": "app" },
            "spec": { "template": { "spec": { "containers": [{
                "name": "app", "image": "example.com/app:1.0.0",
                "envFrom": [{ "configMapRef": { "name": "settings" } }]
            }] } } }
        })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever text a folded ConfigMap holds — quotes, backslashes, newlines, control
    /// characters, comment and block markers — the ConfigMap built from the imported `config {}`
    /// holds exactly the same; a value the language refuses as a credential is skipped instead,
    /// and said so.
    #[test]
    fn config_values_survive_the_round_trip(
        data in proptest::collection::btree_map(
            "[A-Z_][A-Z0-9_]{0,12}",
            "[a-z0-9 \"\\\n\t\r\u{1b}\u{7f}{}()$/*#:é—]{0,24}",
            1..5,
        )
    ) {
        let data: Vec<(String, String)> = data.into_iter().collect();
        let manifests = worker_with_config(&data);
        let result = import(&manifests, "props").expect("the manifests import");
        let folded = result.report.folded.iter().any(|f| f.resource == "ConfigMap/settings");
        if !folded {
            let skipped = result
                .report
                .skipped
                .iter()
                .find(|s| s.resource == "ConfigMap/settings")
                .expect("a ConfigMap not folded is skipped");
            prop_assert!(skipped.reason.contains("credential"), "{}", skipped.reason);
            return Ok(());
        }
        let db = Database::new();
        let project = db.load_project(vec![result.file.clone()]);
        let ir = &k8sc_compiler::lower::lower_project(&db, project).ir;
        let generated = k8sc_compiler::backends::kubernetes::render(ir);
        let config_map = generated
            .iter()
            .find(|r| r.kind == "ConfigMap")
            .expect("the ConfigMap is generated");
        prop_assert_eq!(&config_map.body["data"], &manifests[0].value["data"]);
        prop_assert!(!result.file.1.contains("patch"), "{}", result.file.1);
    }
}

/// A Deployment mounting a ConfigMap with `defaultMode` written `mode`, and one env variable.
fn deployment_yaml(mode: &str, env_name: &str, env_value: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.0.0\n        env:\n        - name: {env_name}\n          value: {env_value}\n        volumeMounts:\n        - {{name: cfg, mountPath: /etc/cfg}}\n      volumes:\n      - name: cfg\n        configMap:\n          name: cfg\n          defaultMode: {mode}\n"
    )
}

/// Values are read as the API server reads them (kubectl's YAML 1.1): `0440` and `0o440` are
/// octal (288, as kubectl sends it, not 440.0), `08` is 8; an unquoted `N`, `NO`, `yes`, `off`
/// is a boolean, which a string field (an env variable's name or value, a ConfigMap's data)
/// refuses — so the import is refused with the path and the fix, instead of writing `false`;
/// `yES` or a quoted `"N"` is text.
#[test]
fn yaml_1_1_values_are_read_as_kubernetes_reads_them() {
    let mode_of = |text: &str| {
        let manifests = read_documents("d.yaml", text).expect("reads");
        manifests[0]
            .value
            .pointer("/spec/template/spec/volumes/0/configMap/defaultMode")
            .cloned()
    };
    for (written, read) in [
        ("0440", 288),
        ("0o440", 288),
        ("0x1ff", 511),
        ("08", 8),
        ("420", 420),
    ] {
        assert_eq!(
            mode_of(&deployment_yaml(written, "MODE", "x")),
            Some(json!(read)),
            "defaultMode: {written}"
        );
    }
    let manifests = read_documents("d.yaml", &deployment_yaml("0440", "MODE", "x")).expect("reads");
    let imported = import(&manifests, "shop").expect("imports");
    assert!(
        imported.file.1.contains("defaultMode: 288"),
        "{}",
        imported.file.1
    );
    for (name, value) in [
        ("N", "x"),
        ("NO", "x"),
        ("MODE", "on"),
        ("MODE", "n"),
        ("y", "x"),
    ] {
        let error = read_documents("d.yaml", &deployment_yaml("0440", name, value))
            .expect_err("the API server would refuse it");
        assert!(
            error.contains("d.yaml")
                && error.contains("Deployment/web")
                && error.contains("spec.template.spec.containers[0].env[0].")
                && error.contains("boolean")
                && error.contains("quote the value"),
            "{name}: {value}: {error}"
        );
    }
    for (name, value) in [("\"N\"", "x"), ("yES", "'no'"), ("MODE", "tRUE")] {
        let manifests = read_documents("d.yaml", &deployment_yaml("0440", name, value))
            .unwrap_or_else(|e| panic!("{name}: {value}: {e}"));
        let env = &manifests[0].value["spec"]["template"]["spec"]["containers"][0]["env"][0];
        assert!(env["name"].is_string() && env["value"].is_string(), "{env}");
    }
    let config_map =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  enabled: yes\n";
    let error = read_documents("c.yaml", config_map).expect_err("a boolean in data");
    assert!(
        error.contains("ConfigMap/cfg") && error.contains("data"),
        "{error}"
    );
    let quoted = config_map.replace("yes", "\"yes\"");
    let manifests = read_documents("c.yaml", &quoted).expect("text");
    assert_eq!(manifests[0].value["data"]["enabled"], json!("yes"));
}

/// Literal credentials of the input are not moved into `patch` blocks: an environment variable
/// becomes a `secret` reference the report says to create, anything else is left out, the
/// report never prints a value, and the imported file builds without E0015.
#[test]
fn literal_credentials_are_not_imported() {
    let yaml = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    acme.io/token: ghp_0123456789abcdefghijklmnopqrstuvwxyz
    example.com/db-password: annopw-5a5a5a
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0.0
        args: ["--password=argpw-8899bb", "--verbose"]
        env:
        - name: DB_PASSWORD
          value: hunter2-correct-horse
        - name: PASSWORD_FILE
          value: /run/secrets/db
"#;
    let manifests = read_documents("in.yaml", yaml).expect("YAML");
    let imported = import(&manifests, "shop").expect("imports");
    let (name, text) = &imported.file;
    let report = imported.report.to_string();
    for secret in [
        "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
        "annopw-5a5a5a",
        "argpw-8899bb",
        "hunter2-correct-horse",
    ] {
        assert!(!text.contains(secret), "{secret} imported:\n{text}");
        assert!(!report.contains(secret), "{secret} reported:\n{report}");
    }
    assert!(
        text.contains("DB_PASSWORD: secret api-credentials.db-password"),
        "{text}"
    );
    assert!(
        text.contains("PASSWORD_FILE: \"/run/secrets/db\""),
        "{text}"
    );
    assert!(
        report.contains("kubectl create secret generic api-credentials -n shop"),
        "{report}"
    );
    assert_eq!(imported.report.credentials.len(), 4, "{report}");
    let db = Database::new();
    let project = db.load_project(vec![(name.clone(), text.clone())]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        !diagnostics.iter().any(|d| d.is_error()),
        "{text}\n{diagnostics:#?}"
    );
}

/// Taking a credential out leaves nothing dangling: a flag loses its value with it (`--pass X`,
/// not a bare `--pass` that would eat the next argument), and a map the credentials emptied
/// (`annotations`) is not kept as `annotations {}`.
#[test]
fn taking_credentials_out_leaves_no_flag_or_empty_map_behind() {
    let yaml = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
      annotations:
        acme.io/token: ghp_0123456789abcdefghijklmnopqrstuvwxyz
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0.0
        args: ["--verbose", "--pass", "argpw-8899bb", "--port", "8080"]
"#;
    let manifests = read_documents("in.yaml", yaml).expect("YAML");
    let imported = import(&manifests, "shop").expect("imports");
    let (name, text) = &imported.file;
    assert!(
        !text.contains("argpw-8899bb") && !text.contains("ghp_"),
        "{text}"
    );
    assert!(
        !text.contains("\"--pass\""),
        "the flag stays without its value:\n{text}"
    );
    assert!(
        text.contains("\"--verbose\", \"--port\", \"8080\""),
        "the other arguments stay, in order:\n{text}"
    );
    assert!(
        !text.contains("annotations {}"),
        "an emptied map stays:\n{text}"
    );
    let db = Database::new();
    let project = db.load_project(vec![(name.clone(), text.clone())]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        !diagnostics.iter().any(|d| d.is_error()),
        "{text}\n{diagnostics:#?}"
    );
}

/// redis-cli's password (`-a X`, also with `--no-auth-warning`, and in a probe's shell line) is
/// a credential: import leaves it out with its flag (a probe whose shell line held it goes with
/// it), and keeps `ls -a` as it is.
#[test]
fn a_redis_cli_password_is_not_imported() {
    let yaml = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
  namespace: shop
spec:
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
      - name: cache
        image: ghcr.io/acme/cache:1.0.0
        command: ["redis-cli", "-a", "redispw-7c7c7c", "--no-auth-warning", "monitor"]
        args: ["ls", "-a", "backups"]
        livenessProbe:
          exec:
            command: ["sh", "-c", "redis-cli -a probepw-3d3d3d ping"]
"#;
    let manifests = read_documents("in.yaml", yaml).expect("YAML");
    let imported = import(&manifests, "shop").expect("imports");
    let (name, text) = &imported.file;
    let report = imported.report.to_string();
    for secret in ["redispw-7c7c7c", "probepw-3d3d3d"] {
        assert!(!text.contains(secret), "{secret} imported:\n{text}");
        assert!(!report.contains(secret), "{secret} reported:\n{report}");
    }
    assert!(
        text.contains("\"redis-cli\", \"--no-auth-warning\", \"monitor\""),
        "the flag goes with its value, the other arguments stay in order:\n{text}"
    );
    assert!(
        text.contains("\"ls\", \"-a\", \"backups\""),
        "`ls -a` is not a credential flag:\n{text}"
    );
    // The probe's shell line held the credential: the probe goes with it, not `sh -c` alone,
    // which would fail every time and restart the container forever.
    assert!(
        !text.contains("live:"),
        "a probe without its shell line:\n{text}"
    );
    assert!(
        report.contains("left out with the `livenessProbe`"),
        "{report}"
    );
    let db = Database::new();
    let project = db.load_project(vec![(name.clone(), text.clone())]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        !diagnostics.iter().any(|d| d.is_error()),
        "{text}\n{diagnostics:#?}"
    );
}
