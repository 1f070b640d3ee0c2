//! Placement end to end: every form of `nodes`, `tolerations`, `affinity`, `spread … hard`,
//! `priority` and `runtime_class` in the pod spec it compiles to (a golden file), the declared
//! PriorityClasses emitted once per environment however many apps name them (never an assumed
//! one), and the precedence of each field: tier < app defaults < workload < environment.

use crate::support;

use k8sc_compiler::build::{build, project_diagnostics};
use k8sc_compiler::db::Database;
use k8sc_compiler::ir::WorkloadIr;
use k8sc_compiler::lower::lower_project;
use k8sc_compiler::model::spec::Layer;

const PLATFORM: &str = r#"
priority critical {
  value: 1000000
  preemption: never
  description: "checkout path"
}
priority batch { assumed: true }
"#;

const SHOP: &str = r#"
import ./platform.{critical, batch}

app shop {
  namespace: shop
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  replicas: 3
  probes { ready: http "/ready" }
  nodes { "node.kubernetes.io/pool": web, "kubernetes.io/os": linux }
  tolerations {
    dedicated: "web" { effect: [no_schedule, prefer_no_schedule] }
    "node.kubernetes.io/unreachable": exists { effect: no_execute, for: 5m }
    "example.com/any": exists
  }
  affinity {
    required { "topology.kubernetes.io/zone": ["eu-west-1a", "eu-west-1b", "eu-west-1c"], "example.com/gpu": not exists }
    preferred: 30 { "karpenter.sh/capacity-type": not ["spot"], "example.com/ssd": exists }
    apart: zones
    together: cache hosts
  }
  spread: zones hard
  priority: critical
  runtime_class: gvisor
}

worker cache {
  image: "ghcr.io/acme/cache:1.0.0"
  replicas: 2
  affinity { apart: hosts soft, together: web zones hard }
  spread: hosts hard
  priority: batch
}
"#;

const BILLING: &str = r#"
import ./platform.{critical}

app billing {
  namespace: billing
}

worker ledger {
  image: "ghcr.io/acme/ledger:1.0.0"
  priority: critical
}
"#;

fn files() -> Vec<(String, String)> {
    vec![
        ("platform.k8s".to_string(), PLATFORM.to_string()),
        ("shop.k8s".to_string(), SHOP.to_string()),
        ("billing.k8s".to_string(), BILLING.to_string()),
    ]
}

#[test]
fn every_placement_form_compiles_to_its_pod_spec() {
    let db = Database::new();
    let project = db.load_project(files());
    let result = build(&db, project);
    assert!(
        result.diagnostics.iter().all(|d| !d.is_error()),
        "{:#?}",
        result.diagnostics
    );
    let tree = result.tree.expect("a clean build has output");
    let wanted = [
        "default/billing/kubernetes/priorityclass-critical.yaml",
        "default/shop/kubernetes/deployment-web.yaml",
        "default/shop/kubernetes/deployment-cache.yaml",
    ];
    let mut golden = String::new();
    for path in wanted {
        let text = tree
            .files
            .get(path)
            .unwrap_or_else(|| panic!("{path} missing; files: {:#?}", tree.files.keys()));
        golden.push_str(&format!("==> {path} <==\n{text}\n"));
    }
    support::snapshot_settings().bind(|| insta::assert_snapshot!("placement__golden", golden));
}

#[test]
fn a_declared_priority_class_is_emitted_once_and_an_assumed_one_never() {
    let db = Database::new();
    let project = db.load_project(files());
    let tree = build(&db, project).tree.expect("builds");
    let classes: Vec<&String> = tree
        .files
        .keys()
        .filter(|p| p.contains("priorityclass-"))
        .collect();
    // `critical` is named by both apps: only the first by name (billing) carries it.
    assert_eq!(
        classes,
        ["default/billing/kubernetes/priorityclass-critical.yaml"],
        "{classes:?}"
    );
}

/// The `web` workload of a project whose tier, app defaults, workload and environment set
/// placement fields as `tier`, `app`, `own` and `env` say.
fn web(tier: &str, app: &str, own: &str, env: &str) -> WorkloadIr {
    let text = format!(
        r#"
priority low {{ value: 10 }}
priority mid {{ value: 100 }}
priority high {{ value: 1000 }}
priority top {{ value: 10000 }}

tier base {{
  defaults {{
    {tier}
  }}
}}

app shop {{
  tier: base
  defaults {{
    {app}
  }}
}}

service web {{
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  replicas: 3
  probes {{ ready: http "/ready" }}
  {own}
}}

env prod {{
  {env}
}}
"#
    );
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text)]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    let ir = &lower_project(&db, project).ir;
    let app = ir
        .apps
        .iter()
        .find(|a| a.env == "prod")
        .expect("prod is built");
    (*app.workloads[0]).clone()
}

#[test]
fn placement_follows_the_precedence_ladder() {
    let tier = r#"priority: low
    runtime_class: kata
    nodes { pool: general, "kubernetes.io/os": linux }
    tolerations { dedicated: "general" }
    affinity { apart: hosts soft }
    spread: zones hard"#;
    // Only the tier.
    let w = web(tier, "", "", "");
    let placement = w.placement();
    assert_eq!(
        placement.priority.as_ref().map(|p| p.value.as_str()),
        Some("low")
    );
    assert_eq!(
        placement
            .priority
            .as_ref()
            .map(|p| p.origin.layer().clone()),
        Some(Layer::Tier("base".into()))
    );
    assert!(placement.spread_hard);
    assert_eq!(
        placement.runtime_class.as_ref().map(|r| r.value.as_str()),
        Some("kata")
    );
    // The app's defaults beat the tier; named entries merge key by key.
    let w = web(
        tier,
        r#"priority: mid
    nodes { pool: apps }"#,
        "",
        "",
    );
    let placement = w.placement();
    assert_eq!(
        placement.priority.as_ref().map(|p| p.value.as_str()),
        Some("mid")
    );
    assert_eq!(
        placement
            .priority
            .as_ref()
            .map(|p| p.origin.layer().clone()),
        Some(Layer::App)
    );
    let nodes: Vec<(&str, &str, Layer)> = placement
        .nodes
        .iter()
        .map(|e| {
            (
                e.key.as_str(),
                e.value.value.as_str(),
                e.value.origin.layer().clone(),
            )
        })
        .collect();
    assert_eq!(
        nodes,
        [
            ("pool", "apps", Layer::App),
            ("kubernetes.io/os", "linux", Layer::Tier("base".into()))
        ]
    );
    // The workload beats its app and its tier.
    let w = web(
        tier,
        "priority: mid",
        r#"priority: high
  affinity { apart: zones }
  spread: zones soft
  tolerations { dedicated: "web" }"#,
        "",
    );
    let placement = w.placement();
    assert_eq!(
        placement.priority.as_ref().map(|p| p.value.as_str()),
        Some("high")
    );
    assert_eq!(
        placement
            .priority
            .as_ref()
            .map(|p| p.origin.layer().clone()),
        Some(Layer::Workload)
    );
    assert!(!placement.spread_hard);
    assert_eq!(
        placement
            .apart
            .as_ref()
            .map(|a| (a.topology.keyword(), a.hard)),
        Some(("zones", true))
    );
    assert_eq!(
        placement.tolerations[0].value.value.value.as_deref(),
        Some("web")
    );
    // The environment beats them all.
    let w = web(
        tier,
        "priority: mid",
        "priority: high",
        r#"web.priority: top
  web.runtime_class: gvisor"#,
    );
    let placement = w.placement();
    assert_eq!(
        placement.priority.as_ref().map(|p| p.value.as_str()),
        Some("top")
    );
    assert_eq!(
        placement
            .priority
            .as_ref()
            .map(|p| p.origin.layer().clone()),
        Some(Layer::Env("prod".into()))
    );
    assert_eq!(
        placement.runtime_class.as_ref().map(|r| r.value.as_str()),
        Some("gvisor")
    );
}
