//! The field registry is whole: every workload field it lists is read, layered and lowered all
//! the way to the output. For each key of `WORKLOAD_FIELDS`, a workload of a kind it applies to
//! is built with the key's catalogue example (or, where the example needs context or equals a
//! default, the replacement listed here with why), and the output must differ from the same
//! project without it. A field registered but not lowered, or not written by a backend, fails
//! here; so does a field whose reader is forgotten (an unknown field error) or whose tier
//! default is ignored (the `from_a_tier` pass sets each field in a tier's `defaults` instead).

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::model::kinds::WorkloadKind;
use k8sc_compiler::model::schema::{Defaults, WORKLOAD_FIELDS};
use k8sc_compiler::output::OutputTree;

/// Keys whose catalogue example cannot be built alone, or equals the default, with the value
/// used instead and why.
const REPLACEMENTS: &[(&str, &str, &str)] = &[
    (
        "calls",
        "calls: [api]",
        "the example names workloads of other apps",
    ),
    (
        "tier",
        "tier: relaxed",
        "a tier of the test project, without production's rules",
    ),
    ("user", "user: 20001", "10001 is the default user"),
    ("group", "group: 20001", "10001 is the default group"),
    ("concurrency", "concurrency: allow", "forbid is the default"),
    ("restart", "restart: on_failure", "never is the default"),
    ("grace", "grace: 45s", "30s is the default"),
    ("drain", "drain: 7s", "5s is the default"),
    ("spread", "spread: regions", "the example is the default"),
    ("retries", "retries: 5", "the example may equal the default"),
    (
        "autoscale",
        "autoscale { cpu: 55% }",
        "the example may equal the default",
    ),
];

/// The declaration keyword used for a field applying to `kind`.
fn keyword(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Service => "service",
        WorkloadKind::Worker => "worker",
        WorkloadKind::Stateful => "stateful",
        WorkloadKind::Job => "job",
        WorkloadKind::Cron => "cron",
        WorkloadKind::Daemon => "daemon",
    }
}

/// The fields every workload of `kind` needs (name, line).
fn required(kind: WorkloadKind) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![
        ("image", "image: \"ghcr.io/acme/base:1.0.0\""),
        ("cpu", "cpu: 100m"),
        ("memory", "memory: 128Mi"),
    ];
    if kind.has_service() {
        fields.push(("port", "port: http 9000"));
    }
    if kind == WorkloadKind::Cron {
        fields.push(("schedule", "schedule: \"@daily\""));
    }
    if kind == WorkloadKind::Stateful {
        fields.push(("storage", "storage: 1Gi"));
    }
    fields
}

/// The fields every workload of `kind` needs, each on its own line, without `skip`.
fn base_fields(kind: WorkloadKind, skip: &str) -> Vec<String> {
    required(kind)
        .into_iter()
        .filter(|(name, _)| *name != skip && !(skip == "ports" && *name == "port"))
        .map(|(_, line)| line.to_string())
        .collect()
}

/// The line of the base project that sets `key` (for keys a workload needs), so the project
/// without the example still builds.
fn base_line(kind: WorkloadKind, key: &str) -> Option<&'static str> {
    required(kind)
        .into_iter()
        .find(|(name, _)| *name == key || (key == "ports" && *name == "port"))
        .map(|(_, line)| line)
}

/// A project with one app and the workload `under_test` of `kind`, `line` written in its own
/// block (`in_tier == false`) or in the defaults of the tier it uses (`true`).
fn project(kind: WorkloadKind, key: &str, line: Option<&str>, in_tier: bool) -> String {
    let mut own = base_fields(kind, key);
    let mut tier_defaults = String::new();
    if key == "tier" {
        // What the workload's own tier changes.
        tier_defaults = "tmp: 32Mi".to_string();
    }
    if let Some(line) = line {
        if in_tier {
            tier_defaults = line.to_string();
        } else {
            own.push(line.to_string());
        }
    }
    // Autoscaling targets need a replica range (in the same layer); spreading and a disruption
    // budget, more than one replica.
    let context = match key {
        "autoscale" => Some("replicas: 2..6"),
        "disruption" | "spread" => Some("replicas: 3"),
        _ => None,
    };
    if let Some(context) = context {
        if in_tier {
            tier_defaults = format!("{tier_defaults}\n    {context}");
        } else {
            own.push(context.to_string());
        }
    }
    format!(
        r#"
tier relaxed {{
  defaults {{
    {tier_defaults}
  }}
}}

tier plain {{
  defaults {{
    memory: 128Mi
  }}
}}

priority critical {{ value: 1000000 }}

app shop {{
  namespace: shop
  tier: {tier}
  gateway: "infra/public"
  mesh: istio
}}

service api {{
  image: "ghcr.io/acme/api:1.0.0"
  port: http 8080
  cpu: 100m
  memory: 128Mi
}}

{keyword} under_test {{
  {own}
}}
"#,
        tier = if key == "tier" { "plain" } else { "relaxed" },
        keyword = keyword(kind),
        own = own.join("\n  "),
    )
}

/// Builds `text`, failing with its diagnostics if it does not build.
fn output(text: &str, what: &str) -> OutputTree {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let result = build(&db, project);
    match result.tree {
        Some(tree) => tree,
        None => panic!(
            "{what} does not build:\n{text}\n{:#?}",
            result
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .collect::<Vec<_>>()
        ),
    }
}

/// The line that sets `key` in the test, and the kind of workload it is tried on.
fn trial(key: &str) -> (String, WorkloadKind) {
    let info = WORKLOAD_FIELDS
        .iter()
        .find(|f| f.name == key)
        .expect("a registered key");
    let line = REPLACEMENTS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(info.syntax, |(_, line, _)| line);
    let kind = WorkloadKind::ALL
        .into_iter()
        .find(|k| info.kinds.allows(*k))
        .expect("a field applies to some kind");
    (line.to_string(), kind)
}

#[test]
fn every_workload_field_reaches_the_output() {
    let mut silent = Vec::new();
    for info in WORKLOAD_FIELDS {
        let (line, kind) = trial(info.name);
        let base = base_line(kind, info.name);
        let without = output(&project(kind, info.name, base, false), "the base project");
        let with = output(
            &project(kind, info.name, Some(&line), false),
            &format!("`{line}`"),
        );
        if with == without {
            silent.push(line);
        }
    }
    assert!(
        silent.is_empty(),
        "fields that change nothing in the output (registered but not lowered or not written): {silent:#?}"
    );
}

#[test]
fn every_workload_field_set_in_a_tier_reaches_the_output() {
    let mut silent = Vec::new();
    for info in WORKLOAD_FIELDS {
        if info.defaults != Defaults::Allowed {
            continue;
        }
        let (line, kind) = trial(info.name);
        let base = base_line(kind, info.name);
        let without = output(&project(kind, info.name, base, true), "the base project");
        let with = output(
            &project(kind, info.name, Some(&line), true),
            &format!("`{line}` in a tier"),
        );
        if with == without {
            silent.push(line);
        }
    }
    assert!(
        silent.is_empty(),
        "fields ignored when a tier sets them (missing from the layering): {silent:#?}"
    );
}

/// A field refused in defaults is refused in an environment override too, unless it is only
/// kept out of defaults (`tier`), which an environment may set.
#[test]
fn fields_refused_in_environments_are_reported_there() {
    for info in WORKLOAD_FIELDS {
        let (line, kind) = trial(info.name);
        let mut text = project(kind, info.name, None, false);
        text.push_str(&format!(
            "\nenv prod {{\n  under_test {{\n    {line}\n  }}\n}}\n"
        ));
        let db = Database::new();
        let project = db.load_project(vec![("app.k8s".to_string(), text.clone())]);
        let result = build(&db, project);
        let refused = result.diagnostics.iter().any(|d| {
            d.code.as_str() == "E0018"
                && d.message == format!("`{}` is not allowed in an environment", info.name)
        });
        assert_eq!(
            refused,
            matches!(info.defaults, Defaults::Refused { .. }),
            "`{line}` in an environment:\n{text}\n{:#?}",
            result.diagnostics
        );
    }
}

#[test]
fn fields_refused_in_defaults_are_reported_there() {
    for info in WORKLOAD_FIELDS {
        let (Defaults::Refused { why, .. } | Defaults::NotInDefaults { why, .. }) = info.defaults
        else {
            continue;
        };
        let (line, kind) = trial(info.name);
        let text = project(kind, info.name, Some(&line), true);
        let db = Database::new();
        let project = db.load_project(vec![("app.k8s".to_string(), text)]);
        let result = build(&db, project);
        assert!(
            result.diagnostics.iter().any(|d| d.code.as_str() == "E0018"
                && d.message.contains(&format!("`{}`", info.name))
                && d.primary.message.as_deref() == Some(why)),
            "`{line}` in a tier's defaults: {:#?}",
            result.diagnostics
        );
    }
}

#[test]
fn the_editor_shows_builtin_defaults_as_they_would_be_written() {
    use k8sc_compiler::analysis::builtin::builtin_text;
    let text = r#"
app shop {
  namespace: shop
}

service web {
  image: "ghcr.io/acme/web:1.0.0"
  port: http 8080
}
"#;
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let ir = &k8sc_compiler::lower::lower_project(&db, project).ir;
    let web = &ir.apps[0].workloads[0];
    let shown: Vec<(&str, Option<String>)> = WORKLOAD_FIELDS
        .iter()
        .map(|f| (f.name, builtin_text(web, f.name)))
        .filter(|(_, text)| text.is_some())
        .collect();
    // The built-in defaults of docs/precedence.md, as a workload would write them (one replica
    // is not spread).
    let expected = [
        ("replicas", "1"),
        ("cpu", "100m"),
        ("memory", "128Mi"),
        ("user", "10001"),
        ("group", "10001"),
        ("grace", "30s"),
        ("drain", "5s"),
        ("strategy", "rolling { max_surge: 25%, max_unavailable: 0 }"),
        ("progress_deadline", "10m"),
        ("spread", "none"),
        ("image_pull", "always"),
    ];
    let expected: Vec<(&str, Option<String>)> = expected
        .iter()
        .map(|(k, v)| (*k, Some(v.to_string())))
        .collect();
    let mut shown_sorted = shown.clone();
    shown_sorted.sort();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(shown_sorted, expected_sorted);
    assert_eq!(builtin_text(web, "no_such_field"), None);
}
