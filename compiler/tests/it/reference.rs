//! docs/reference.md is generated from the compiler itself, so it cannot drift: the declarations
//! and their fields from the checker's field catalogue (`model::schema`; the workload fields
//! from the registry, `model::fields`), the types, units and allowed words from the editor's
//! value catalogue (`analysis::catalogue`), and the defaults of
//! every standard tier by compiling a probe project per tier and reading the lowered IR.
//!
//! The test fails when the committed file differs from what it generates; regenerate it with
//! `K8SC_UPDATE_DOCS=1 cargo test -p k8sc-compiler --test it reference::`.

use k8sc_compiler::analysis::catalogue::{
    BYTE_UNITS, CPU_UNITS, DURATION_UNITS, PERCENT, value_info,
};
use k8sc_compiler::db::Database;
use k8sc_compiler::ir::{AppIr, WorkloadIr};
use k8sc_compiler::lower::lower_project;
use k8sc_compiler::model::schema::{self, FieldInfo, Kinds};
use k8sc_compiler::model::spec::{Disruption, IntOrPercent, Replicas, WorkloadKind};
use k8sc_compiler::types::quantity::{format_bytes, format_cpu, format_duration};
use k8sc_grammar::DeclKind;
use std::fmt::Write;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/reference.md");

/// One table of fields: its heading, where it is written, the fields, and the block path the
/// value catalogue knows its values by.
struct Table {
    heading: &'static str,
    written: &'static str,
    fields: &'static [FieldInfo],
    path: &'static [&'static str],
    workload: bool,
}

const TABLES: &[Table] = &[
    Table {
        heading: "`app`",
        written: "`app NAME { … }`",
        fields: schema::APP_FIELDS,
        path: &[],
        workload: false,
    },
    Table {
        heading: "Workloads",
        written: "`service|worker|database|stateful|job|cron|daemon NAME { … }`, and `defaults { … }` in apps and tiers",
        fields: schema::WORKLOAD_FIELDS,
        path: &[],
        workload: true,
    },
    Table {
        heading: "`probes`",
        written: "`probes { … }` in a workload",
        fields: schema::PROBE_FIELDS,
        path: &["probes"],
        workload: false,
    },
    Table {
        heading: "Probe options",
        written: "`ready: http \"/ready\" { … }` (and `live`, `startup`)",
        fields: schema::PROBE_OPTION_FIELDS,
        path: &["probes", "ready"],
        workload: false,
    },
    Table {
        heading: "`storage`",
        written: "`storage: SIZE { … }` in a `database` or `stateful`",
        fields: schema::STORAGE_FIELDS,
        path: &["storage"],
        workload: false,
    },
    Table {
        heading: "`expose: route`",
        written: "`expose: route \"HOST\" { … }`",
        fields: schema::ROUTE_FIELDS,
        path: &["expose"],
        workload: false,
    },
    Table {
        heading: "`expose: ingress`",
        written: "`expose: ingress \"HOST\" { … }`",
        fields: schema::INGRESS_FIELDS,
        path: &["expose"],
        workload: false,
    },
    Table {
        heading: "`disruption`",
        written: "`disruption { … }`",
        fields: schema::DISRUPTION_FIELDS,
        path: &["disruption"],
        workload: false,
    },
    Table {
        heading: "`autoscale`",
        written: "`autoscale { … }`",
        fields: schema::AUTOSCALE_FIELDS,
        path: &["autoscale"],
        workload: false,
    },
    Table {
        heading: "`affinity`",
        written: "`affinity { … }`",
        fields: k8sc_compiler::model::placement::AFFINITY_FIELDS,
        path: &["affinity"],
        workload: false,
    },
    Table {
        heading: "Toleration options",
        written: "`KEY: \"VALUE\" { … }` or `KEY: exists { … }` in `tolerations`",
        fields: k8sc_compiler::model::placement::TOLERATION_FIELDS,
        path: &["tolerations", "KEY"],
        workload: false,
    },
    Table {
        heading: "`calls` entries",
        written: "`calls: [NAME { … }]`",
        fields: schema::CALL_FIELDS,
        path: &["calls"],
        workload: false,
    },
    Table {
        heading: "`traffic`",
        written: "`traffic { … }` in a `service`, `database` or `stateful`",
        fields: schema::TRAFFIC_FIELDS,
        path: &["traffic"],
        workload: false,
    },
    Table {
        heading: "`retries`",
        written: "`retries: N { … }` in `traffic`",
        fields: schema::RETRY_FIELDS,
        path: &["traffic", "retries"],
        workload: false,
    },
    Table {
        heading: "`breaker`",
        written: "`breaker { … }` in `traffic`",
        fields: schema::BREAKER_FIELDS,
        path: &["traffic", "breaker"],
        workload: false,
    },
    Table {
        heading: "`pool`",
        written: "`pool { … }` in `traffic`",
        fields: schema::POOL_FIELDS,
        path: &["traffic", "pool"],
        workload: false,
    },
    Table {
        heading: "`canary`",
        written: "`canary { … }` in `traffic`",
        fields: schema::CANARY_FIELDS,
        path: &["traffic", "canary"],
        workload: false,
    },
    Table {
        heading: "`fault`",
        written: "`fault { … }` in `traffic`",
        fields: schema::FAULT_FIELDS,
        path: &["traffic", "fault"],
        workload: false,
    },
    Table {
        heading: "`gateway`",
        written: "`gateway { … }` in an app",
        fields: schema::GATEWAY_FIELDS,
        path: &["gateway"],
        workload: false,
    },
    Table {
        heading: "`quota`",
        written: "`quota { … }` in an app or a tier's `defaults`",
        fields: schema::QUOTA_FIELDS,
        path: &["quota"],
        workload: false,
    },
    Table {
        heading: "`limit_range`",
        written: "`limit_range { … }` in an app or a tier's `defaults`",
        fields: schema::LIMIT_RANGE_FIELDS,
        path: &["limit_range"],
        workload: false,
    },
    Table {
        heading: "`mesh`",
        written: "`mesh: istio { … }` in an app or a tier's `defaults`",
        fields: schema::MESH_FIELDS,
        path: &["mesh"],
        workload: false,
    },
    Table {
        heading: "`gitops`",
        written: "`gitops: argocd { … }` in an app",
        fields: schema::GITOPS_FIELDS,
        path: &["gitops"],
        workload: false,
    },
    Table {
        heading: "`sync`",
        written: "`sync: auto { … }` in `gitops`",
        fields: schema::SYNC_FIELDS,
        path: &["gitops", "sync"],
        workload: false,
    },
    Table {
        heading: "`external`",
        written: "`external NAME { … }`",
        fields: schema::EXTERNAL_FIELDS,
        path: &[],
        workload: false,
    },
    Table {
        heading: "`tier`",
        written: "`tier NAME[: PARENT] { … }`",
        fields: schema::TIER_FIELDS,
        path: &[],
        workload: false,
    },
    Table {
        heading: "Tier namespace defaults",
        written: "`defaults { … }` in a tier, besides workload fields",
        fields: schema::TIER_NAMESPACE_FIELDS,
        path: &["defaults"],
        workload: false,
    },
    Table {
        heading: "`policy`",
        written: "`policy NAME[(PARAM: TYPE, …)] { … }`",
        fields: schema::POLICY_FIELDS,
        path: &[],
        workload: false,
    },
    Table {
        heading: "`priority`",
        written: "`priority NAME { … }`",
        fields: k8sc_compiler::model::placement::PRIORITY_FIELDS,
        path: &["priority"],
        workload: false,
    },
];

/// What each declaration keyword is, and which table holds its fields.
fn declaration(kind: DeclKind) -> (&'static str, &'static str) {
    match kind {
        DeclKind::App => ("a deployable unit: one namespace", "`app`"),
        DeclKind::Service => ("a Deployment behind a Service", "Workloads"),
        DeclKind::Worker => ("a Deployment without a Service", "Workloads"),
        DeclKind::Database => (
            "a StatefulSet with storage, behind a Service and a headless Service",
            "Workloads",
        ),
        DeclKind::Stateful => ("the same as `database`, for other state", "Workloads"),
        DeclKind::Job => ("a run-to-completion Job", "Workloads"),
        DeclKind::Cron => ("a CronJob", "Workloads"),
        DeclKind::Daemon => ("a DaemonSet", "Workloads"),
        DeclKind::External => (
            "a host outside the cluster that workloads call",
            "`external`",
        ),
        DeclKind::Tier => ("a named profile of defaults and rules", "`tier`"),
        DeclKind::Policy => ("a named, optionally parameterised rule", "`policy`"),
        DeclKind::Priority => (
            "a PriorityClass the platform declares once (or `assumed` in the cluster)",
            "`priority`",
        ),
        DeclKind::Env => (
            "per-environment overrides: any `app` field, `cluster`, or `WORKLOAD.FIELD`",
            "`app`",
        ),
    }
}

fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn kinds(kinds: Kinds) -> String {
    match kinds {
        Kinds::All => "all".to_string(),
        kinds => WorkloadKind::ALL
            .into_iter()
            .filter(|k| kinds.allows(*k))
            .map(|k| format!("`{}`", kind_keyword(k)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn kind_keyword(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Service => "service",
        WorkloadKind::Worker => "worker",
        WorkloadKind::Stateful => "database`, `stateful",
        WorkloadKind::Job => "job",
        WorkloadKind::Cron => "cron",
        WorkloadKind::Daemon => "daemon",
    }
}

/// The type column: the catalogue's type, its words and its units.
fn value_type(path: &[&str], name: &str) -> String {
    let path: Vec<String> = path.iter().map(|p| p.to_string()).collect();
    let Some(info) = value_info(&path, name) else {
        return "as in the example".to_string();
    };
    let mut text = info.ty.to_string();
    if !info.choices.is_empty() {
        let words: Vec<String> = info
            .choices
            .iter()
            .map(|c| format!("`{}`", c.text))
            .collect();
        write!(text, "; one of {}", words.join(", ")).ok();
    }
    if !info.units.is_empty() {
        let units: Vec<String> = info.units.iter().map(|u| format!("`{}`", u.text)).collect();
        write!(text, "; units {}", units.join(" ")).ok();
    }
    text
}

/// The probe project of a tier: one workload of each kind, written with nothing but what each
/// kind requires, so every other value is a default.
fn probe(tier: Option<&str>) -> String {
    let (import, field) = match tier {
        Some(tier) => (
            format!("import std.tiers.{tier}\n"),
            format!("tier: {tier}"),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        r#"{import}
app probe {{
  {field}
}}
service svc {{
  image: "ghcr.io/acme/svc:1.0"
  port: http 8080
}}
worker wrk {{
  image: "ghcr.io/acme/wrk:1.0"
}}
database db {{
  image: "ghcr.io/acme/db:1.0"
  port: tcp 5432
  storage: 1Gi
}}
stateful st {{
  image: "ghcr.io/acme/st:1.0"
  port: tcp 9000
  storage: 1Gi
}}
job jb {{
  image: "ghcr.io/acme/jb:1.0"
}}
cron cr {{
  image: "ghcr.io/acme/cr:1.0"
  schedule: "@daily"
}}
daemon dm {{
  image: "ghcr.io/acme/dm:1.0"
  port: tcp 9100
}}
"#
    )
}

fn lowered(tier: Option<&str>) -> AppIr {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), probe(tier))]);
    let ir = &lower_project(&db, project).ir;
    ir.apps
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("the probe of tier {tier:?} lowers to an app"))
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_string())
}

fn int_or_percent(value: IntOrPercent) -> String {
    match value {
        IntOrPercent::Int(n) => n.to_string(),
        IntOrPercent::Percent(n) => format!("{n}%"),
    }
}

/// The effective values of a workload that a tier's defaults can change.
fn workload_values(w: &WorkloadIr) -> Vec<(&'static str, String)> {
    let r = &w.resources;
    let cpu = match &r.cpu_limit {
        Some(limit) => format!(
            "{}..{}",
            format_cpu(r.cpu_request.value),
            format_cpu(limit.value)
        ),
        None => format_cpu(r.cpu_request.value),
    };
    let memory = if r.memory_limit.value == r.memory_request.value {
        format_bytes(r.memory_request.value)
    } else {
        format!(
            "{}..{}",
            format_bytes(r.memory_request.value),
            format_bytes(r.memory_limit.value)
        )
    };
    vec![
        (
            "replicas",
            or_dash(w.replicas.as_ref().map(|r| match r.value {
                Replicas::Fixed(n) => n.to_string(),
                Replicas::Auto { min, max } => format!("{min}..{max}"),
            })),
        ),
        ("cpu", cpu),
        ("memory", memory),
        (
            "autoscale",
            or_dash(w.autoscale.as_ref().map(|a| {
                let mut parts = Vec::new();
                if let Some(cpu) = a.cpu {
                    parts.push(format!("cpu: {cpu}%"));
                }
                if let Some(memory) = a.memory {
                    parts.push(format!("memory: {memory}%"));
                }
                format!("{{ {} }}", parts.join(", "))
            })),
        ),
        ("spread", format!("{:?}", w.spread.value).to_lowercase()),
        (
            "disruption",
            or_dash(w.disruption.as_ref().map(|d| match d.value {
                Disruption::MinAvailable(n) => {
                    format!("{{ min_available: {} }}", int_or_percent(n))
                }
                Disruption::MaxUnavailable(n) => {
                    format!("{{ max_unavailable: {} }}", int_or_percent(n))
                }
                Disruption::None => "none".to_string(),
            })),
        ),
        ("user", w.security.user.value.to_string()),
        ("group", w.security.group.value.to_string()),
        (
            "tmp",
            w.scratch
                .tmp
                .map(format_bytes)
                .unwrap_or_else(|| "false".to_string()),
        ),
        (
            "grace",
            format_duration(w.grace_seconds.value.saturating_mul(1000)),
        ),
        (
            "drain",
            or_dash(
                w.drain_seconds
                    .as_ref()
                    .map(|d| format_duration(d.value.saturating_mul(1000))),
            ),
        ),
    ]
}

/// The namespace settings of an app that a tier's defaults can change.
fn namespace_values(app: &AppIr) -> Vec<(&'static str, String)> {
    vec![
        (
            "pod_security",
            format!("{:?}", app.pod_security.value).to_lowercase(),
        ),
        (
            "network",
            match format!("{:?}", app.network.value).as_str() {
                "DefaultDeny" => "default_deny".to_string(),
                other => other.to_lowercase(),
            },
        ),
        (
            "mesh",
            or_dash(app.mesh.as_ref().map(|m| {
                format!(
                    "istio {{ mtls: {} }}",
                    format!("{:?}", m.value).to_lowercase()
                )
            })),
        ),
        (
            "quota",
            or_dash(app.quota.as_ref().map(|q| {
                let q = &q.value;
                let mut parts = Vec::new();
                if let Some(cpu) = q.cpu {
                    parts.push(format!("cpu: {}", format_cpu(cpu)));
                }
                if let Some(memory) = q.memory {
                    parts.push(format!("memory: {}", format_bytes(memory)));
                }
                if let Some(pods) = q.pods {
                    parts.push(format!("pods: {pods}"));
                }
                if let Some(storage) = q.storage {
                    parts.push(format!("storage: {}", format_bytes(storage)));
                }
                format!("{{ {} }}", parts.join(", "))
            })),
        ),
        (
            "limit_range",
            or_dash(app.limit_range.as_ref().map(|l| {
                let l = &l.value;
                let mut parts = Vec::new();
                match (l.cpu_request, l.cpu_limit) {
                    (Some(r), Some(x)) => {
                        parts.push(format!("cpu: {}..{}", format_cpu(r), format_cpu(x)))
                    }
                    (Some(r), None) => parts.push(format!("cpu: {}", format_cpu(r))),
                    _ => {}
                }
                match (l.memory_request, l.memory_limit) {
                    (Some(r), Some(x)) if r != x => {
                        parts.push(format!("memory: {}..{}", format_bytes(r), format_bytes(x)))
                    }
                    (Some(r), _) => parts.push(format!("memory: {}", format_bytes(r))),
                    _ => {}
                }
                if let Some(max) = l.max_cpu {
                    parts.push(format!("max_cpu: {}", format_cpu(max)));
                }
                if let Some(max) = l.max_memory {
                    parts.push(format!("max_memory: {}", format_bytes(max)));
                }
                format!("{{ {} }}", parts.join(", "))
            })),
        ),
    ]
}

/// The tiers of the standard library, in declaration order.
fn stdlib_tiers() -> Vec<String> {
    let module = k8sc_compiler::stdlib::module("tiers").expect("std.tiers");
    k8sc_grammar::parse(module.text)
        .file
        .decls()
        .filter(|d| d.kind == DeclKind::Tier)
        .filter_map(|d| d.name.as_ref().map(|n| n.name.clone()))
        .collect()
}

fn defaults_section(out: &mut String) {
    let tiers = stdlib_tiers();
    let mut columns: Vec<(String, AppIr)> = vec![("no tier".to_string(), lowered(None))];
    for tier in &tiers {
        columns.push((format!("`{tier}`"), lowered(Some(tier))));
    }
    let header = |out: &mut String, first: &str| {
        let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        writeln!(out, "| {first} | {} |", names.join(" | ")).ok();
        writeln!(out, "|---|---|{}", "---|".repeat(names.len())).ok();
    };

    out.push_str("## Defaults per standard tier\n\n");
    out.push_str(
        "What a workload gets when it does not set a field, by tier (`import std.tiers.TIER`), \
         computed by compiling a project with one workload of each kind that sets only what the \
         kind requires (`image`; a `port` for services, databases, stateful workloads and daemons; \
         `storage` for databases and stateful workloads; `schedule` for cron jobs). \"no tier\" is \
         k8sc's built-in defaults. Kinds with the same values share a row; — means the kind has \
         no such value. The order of precedence is in [precedence.md](precedence.md).\n\n",
    );
    header(out, "field | kinds");
    let workload_names: Vec<&str> = workload_values(&columns[0].1.workloads[0])
        .iter()
        .map(|(n, _)| *n)
        .collect();
    for (index, field) in workload_names.iter().enumerate() {
        // Per keyword (declaration order of the probe), the values across the columns.
        let mut rows: Vec<(Vec<&'static str>, Vec<String>)> = Vec::new();
        for keyword in [
            "service", "worker", "database", "stateful", "job", "cron", "daemon",
        ] {
            let values: Vec<String> = columns
                .iter()
                .map(|(_, app)| {
                    let w = app
                        .workloads
                        .iter()
                        .find(|w| w.keyword.keyword() == keyword)
                        .expect("the probe declares every kind");
                    workload_values(w)[index].1.clone()
                })
                .collect();
            match rows.iter_mut().find(|(_, v)| *v == values) {
                Some((keywords, _)) => keywords.push(keyword),
                None => rows.push((vec![keyword], values)),
            }
        }
        for (keywords, values) in rows {
            let keywords: Vec<String> = keywords.iter().map(|k| format!("`{k}`")).collect();
            let values: Vec<String> = values
                .iter()
                .map(|v| match v.as_str() {
                    "—" | "" => "—".to_string(),
                    v => format!("`{}`", cell(v)),
                })
                .collect();
            writeln!(
                out,
                "| `{field}` | {} | {} |",
                keywords.join(", "),
                values.join(" | ")
            )
            .ok();
        }
    }
    out.push_str("\nThe app's namespace:\n\n");
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    writeln!(out, "| field | {} |", names.join(" | ")).ok();
    writeln!(out, "|---|{}", "---|".repeat(names.len())).ok();
    let namespace: Vec<Vec<(&str, String)>> = columns
        .iter()
        .map(|(_, app)| namespace_values(app))
        .collect();
    for (index, (field, _)) in namespace[0].iter().enumerate() {
        let values: Vec<String> = namespace
            .iter()
            .map(|values| match values[index].1.as_str() {
                "—" => "—".to_string(),
                v => format!("`{}`", cell(v)),
            })
            .collect();
        writeln!(out, "| `{field}` | {} |", values.join(" | ")).ok();
    }
    out.push_str(
        "\nRules in force, by the name of the Kyverno policy each becomes \
         (`kyverno/policy-NAME.yaml`): the tier's rules (`TIER-RULE`, written `TIER.RULE` in \
         `allow`) and the policies it applies. Policies a tier requires apps to list \
         (`require_policies`) are not counted: the app chooses their arguments.\n\n",
    );
    writeln!(out, "| tier | rules and policies |").ok();
    writeln!(out, "|---|---|").ok();
    for (name, app) in &columns[1..] {
        let rules: Vec<String> = app.rules.iter().map(|r| format!("`{}`", r.name)).collect();
        let rules = if rules.is_empty() {
            "—".to_string()
        } else {
            rules.join(", ")
        };
        writeln!(out, "| {name} | {rules} |").ok();
    }
    out.push('\n');
}

fn generate() -> String {
    let mut out = String::new();
    out.push_str(
        "# Language reference\n\n\
         <!-- Generated by compiler/tests/it/reference.rs from the compiler's own catalogues and \
         the standard library; do not edit. Regenerate with \
         `K8SC_UPDATE_DOCS=1 cargo test -p k8sc-compiler --test it reference::`. -->\n\n\
         Every declaration, every field with its type, units and allowed words, and the defaults \
         of every standard tier, generated from the compiler so it always matches it (a test \
         fails when this file is out of date). [language.md](language.md) explains the language \
         with examples; [tutorial.md](tutorial.md) walks through a project.\n\n",
    );

    out.push_str("## Declarations\n\n| keyword | declares | fields |\n|---|---|---|\n");
    for kind in DeclKind::ALL {
        let (what, table) = declaration(kind);
        writeln!(
            out,
            "| `{}` | {what} | [{table}](#{}) |",
            kind.keyword(),
            anchor(table)
        )
        .ok();
    }

    out.push_str("\n## Literals and units\n\n");
    out.push_str(
        "A unit is written right after its number (`256Mi`, not `256 Mi`); a value of the wrong \
         unit is an error (E0004).\n\n| unit | meaning |\n|---|---|\n",
    );
    for (what, units) in [
        ("CPU", CPU_UNITS),
        ("bytes", BYTE_UNITS),
        ("duration", DURATION_UNITS),
        ("share", PERCENT),
    ] {
        for unit in units {
            writeln!(out, "| `{}` ({what}) | {} |", unit.text, cell(unit.summary)).ok();
        }
    }
    out.push('\n');

    for table in TABLES {
        writeln!(
            out,
            "## {}\n\nWritten as {}.\n",
            table.heading, table.written
        )
        .ok();
        if table.workload {
            out.push_str("| field | for | type | example | meaning |\n|---|---|---|---|---|\n");
        } else {
            out.push_str("| field | type | example | meaning |\n|---|---|---|---|\n");
        }
        for field in table.fields {
            let ty = cell(&value_type(table.path, field.name));
            let example = cell(field.syntax);
            let summary = cell(field.summary);
            if table.workload {
                writeln!(
                    out,
                    "| `{}` | {} | {ty} | `{example}` | {summary} |",
                    field.name,
                    kinds(field.kinds)
                )
                .ok();
            } else {
                writeln!(out, "| `{}` | {ty} | `{example}` | {summary} |", field.name).ok();
            }
        }
        out.push('\n');
    }

    defaults_section(&mut out);
    out.trim_end().to_string() + "\n"
}

#[test]
fn the_reference_is_generated_from_the_compiler() {
    let generated = generate();
    if std::env::var_os("K8SC_UPDATE_DOCS").is_some() {
        std::fs::write(PATH, &generated).expect("write docs/reference.md");
        return;
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/reference.md is out of date: run `K8SC_UPDATE_DOCS=1 cargo test -p k8sc-compiler --test it reference::`"
    );
}

#[test]
fn every_field_table_of_the_checker_is_in_the_reference() {
    // The tables docs.rs checks against language.md: each must be a section here too.
    let listed = [
        schema::WORKLOAD_FIELDS,
        schema::APP_FIELDS,
        schema::PROBE_FIELDS,
        schema::PROBE_OPTION_FIELDS,
        schema::STORAGE_FIELDS,
        schema::ROUTE_FIELDS,
        schema::INGRESS_FIELDS,
        schema::DISRUPTION_FIELDS,
        schema::AUTOSCALE_FIELDS,
        schema::GATEWAY_FIELDS,
        schema::TIER_FIELDS,
        schema::TIER_NAMESPACE_FIELDS,
        schema::POLICY_FIELDS,
        schema::QUOTA_FIELDS,
        schema::LIMIT_RANGE_FIELDS,
        schema::GITOPS_FIELDS,
        schema::SYNC_FIELDS,
        schema::MESH_FIELDS,
        schema::EXTERNAL_FIELDS,
        schema::CALL_FIELDS,
        schema::TRAFFIC_FIELDS,
        schema::RETRY_FIELDS,
        schema::BREAKER_FIELDS,
        schema::POOL_FIELDS,
        schema::CANARY_FIELDS,
        schema::FAULT_FIELDS,
        k8sc_compiler::model::placement::AFFINITY_FIELDS,
        k8sc_compiler::model::placement::TOLERATION_FIELDS,
        k8sc_compiler::model::placement::PRIORITY_FIELDS,
    ];
    for fields in listed {
        assert!(
            TABLES.iter().any(|t| std::ptr::eq(t.fields, fields)),
            "a field table starting with `{}` has no section in the reference",
            fields.first().map_or("", |f| f.name)
        );
    }
    assert_eq!(TABLES.len(), listed.len(), "a table is listed twice");
}

#[test]
fn the_defaults_follow_the_tiers() {
    // The probe must be sensitive to tiers: a tier that changes nothing would make the table lie.
    let none = lowered(None);
    let production = lowered(Some("production"));
    let service =
        |app: &AppIr| workload_values(app.workloads.iter().find(|w| w.name == "svc").expect("svc"));
    assert_ne!(service(&none), service(&production));
    assert!(!production.rules.is_empty());
}
