//! The precedence ladder of docs/precedence.md, value by value: a workload's own value wins over
//! its app's `defaults`, which win over its tier's `defaults` (nearest tier first), which win over
//! k8sc's built-in defaults; and every effective value in the IR says which layer it came from.

use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::Database;
use k8sc_compiler::ir::{AppIr, Mtls, Network, WorkloadIr};
use k8sc_compiler::lower::lower_project;
use k8sc_compiler::model::spec::{
    Disruption, IntOrPercent, Layer, PodSecurity, Replicas, Sourced, Spread,
};

/// Two tiers (`base`, and `mid` extending it) and an app; `app_extra` and `web_extra` are spliced
/// into the app's and the workload's blocks.
fn project(tier: &str, app_extra: &str, web_extra: &str) -> (AppIr, WorkloadIr) {
    let (app, web, _) = project_with_text(tier, app_extra, web_extra);
    (app, web)
}

fn project_with_text(tier: &str, app_extra: &str, web_extra: &str) -> (AppIr, WorkloadIr, String) {
    let text = format!(
        r#"
tier base {{
  defaults {{
    replicas: 1
    cpu: 100m
    memory: 128Mi
    spread: hosts
    pod_security: baseline
    quota {{ pods: 50 }}
    network: default_deny
  }}
}}

tier mid: base {{
  defaults {{
    replicas: 2..4
    memory: 256Mi
    disruption {{ max_unavailable: 1 }}
    mesh: istio {{ mtls: permissive }}
  }}
}}

app shop {{
  {tier}
  {app_extra}
}}

service web {{
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  probes {{ ready: http "/ready" }}
  {web_extra}
}}
"#
    );
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.clone())]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    let ir = &lower_project(&db, project).ir;
    let app = ir.apps[0].clone();
    let web = (*app.workloads[0]).clone();
    (app, web, text)
}

fn layer<T>(value: &Sourced<T>) -> Layer {
    value.origin.layer().clone()
}

fn tier(name: &str) -> Layer {
    Layer::Tier(name.into())
}

#[test]
fn without_a_tier_builtin_defaults_apply() {
    let (app, web) = project("", "", "");
    let replicas = web.replicas.expect("a service has replicas");
    assert_eq!(replicas.value, Replicas::Fixed(1));
    assert_eq!(layer(&replicas), Layer::Builtin);
    assert_eq!(web.resources.cpu_request.value, 100);
    assert_eq!(layer(&web.resources.cpu_request), Layer::Builtin);
    assert_eq!(web.resources.memory_request.value, 128 << 20);
    assert_eq!(layer(&web.resources.memory_request), Layer::Builtin);
    assert_eq!(app.pod_security.value, PodSecurity::Restricted);
    assert_eq!(layer(&app.pod_security), Layer::Builtin);
    assert!(app.quota.is_none());
    assert!(web.disruption.is_none(), "one replica, no budget");
}

#[test]
fn a_tier_default_beats_the_builtin_default() {
    let (app, web) = project("tier: base", "", "");
    assert_eq!(web.resources.cpu_request.value, 100);
    assert_eq!(layer(&web.resources.cpu_request), tier("base"));
    assert_eq!(web.spread.value, Spread::Hosts);
    assert_eq!(layer(&web.spread), tier("base"));
    assert_eq!(app.pod_security.value, PodSecurity::Baseline);
    assert_eq!(layer(&app.pod_security), tier("base"));
    let quota = app.quota.expect("the tier sets a quota");
    assert_eq!(quota.value.pods, Some(50));
    assert_eq!(layer(&quota), tier("base"));
}

#[test]
fn the_nearest_tier_wins_and_the_rest_is_inherited() {
    let (_, web) = project("tier: mid", "", "");
    let replicas = web.replicas.expect("replicas");
    assert_eq!(replicas.value, Replicas::Auto { min: 2, max: 4 });
    assert_eq!(layer(&replicas), tier("mid"));
    assert_eq!(web.resources.memory_request.value, 256 << 20);
    assert_eq!(layer(&web.resources.memory_request), tier("mid"));
    // Not set by `mid`: inherited from `base`.
    assert_eq!(web.resources.cpu_request.value, 100);
    assert_eq!(layer(&web.resources.cpu_request), tier("base"));
    let budget = web.disruption.expect("the tier sets a budget");
    assert_eq!(
        budget.value,
        Disruption::MaxUnavailable(IntOrPercent::Int(1))
    );
    assert_eq!(layer(&budget), tier("mid"));
}

#[test]
fn app_defaults_beat_tier_defaults() {
    let (_, web) = project("tier: mid", "defaults { replicas: 3..5, cpu: 300m }", "");
    let replicas = web.replicas.expect("replicas");
    assert_eq!(replicas.value, Replicas::Auto { min: 3, max: 5 });
    assert_eq!(layer(&replicas), Layer::App);
    assert_eq!(web.resources.cpu_request.value, 300);
    assert_eq!(layer(&web.resources.cpu_request), Layer::App);
    // Not set by the app: the tier's value.
    assert_eq!(layer(&web.resources.memory_request), tier("mid"));
}

#[test]
fn app_namespace_settings_beat_the_tier() {
    let (app, _) = project(
        "tier: mid",
        "pod_security: restricted\n  quota { pods: 80 }",
        "",
    );
    assert_eq!(app.pod_security.value, PodSecurity::Restricted);
    assert_eq!(layer(&app.pod_security), Layer::App);
    let quota = app.quota.expect("quota");
    assert_eq!(quota.value.pods, Some(80));
    assert_eq!(layer(&quota), Layer::App);
}

#[test]
fn the_workload_beats_its_app_and_its_tier() {
    let (_, web) = project(
        "tier: mid",
        "defaults { replicas: 3..5, cpu: 300m }",
        "replicas: 6..9\n  cpu: 500m\n  spread: zones",
    );
    let replicas = web.replicas.expect("replicas");
    assert_eq!(replicas.value, Replicas::Auto { min: 6, max: 9 });
    assert_eq!(layer(&replicas), Layer::Workload);
    assert_eq!(web.resources.cpu_request.value, 500);
    assert_eq!(layer(&web.resources.cpu_request), Layer::Workload);
    assert_eq!(web.spread.value, Spread::Zones);
    assert_eq!(layer(&web.spread), Layer::Workload);
    assert_eq!(layer(&web.resources.memory_request), tier("mid"));
}

#[test]
fn a_workload_tier_replaces_the_apps_tier() {
    let (_, web) = project("tier: mid", "", "tier: base");
    let replicas = web.replicas.expect("replicas");
    assert_eq!(replicas.value, Replicas::Fixed(1));
    assert_eq!(layer(&replicas), tier("base"));
    assert_eq!(web.resources.memory_request.value, 128 << 20);
}

#[test]
fn origins_point_at_the_winning_definition() {
    let (_, web, text) = project_with_text("tier: mid", "defaults { cpu: 300m }", "");
    let replicas = web.replicas.expect("replicas");
    let file = replicas.origin.file().expect("written in a file");
    assert_eq!(file, "app.k8s");
    assert_eq!(&text[replicas.origin.span.range()], "2..4");
    let cpu = &web.resources.cpu_request.origin;
    assert_eq!(&text[cpu.span.range()], "300m");
    let memory = &web.resources.memory_request.origin;
    assert_eq!(&text[memory.span.range()], "256Mi");
}

#[test]
fn tier_defaults_skip_workloads_they_do_not_apply_to() {
    let text = r#"
tier busy {
  defaults {
    replicas: 2..6
    autoscale { cpu: 60% }
    disruption { max_unavailable: 1 }
    probes { ready: http "/ready" }
    drain: 10s
  }
}

app shop { tier: busy }

cron report {
  schedule: "0 2 * * *"
  image: "ghcr.io/acme/report:1.0"
}

daemon agent {
  image: "ghcr.io/acme/agent:1.0"
  probes { ready: exec ["true"] }
}
"#;
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let app = &lower_project(&db, project).ir.apps[0];
    for workload in &app.workloads {
        assert!(workload.replicas.is_none(), "{}", workload.name);
        assert!(workload.autoscale.is_none(), "{}", workload.name);
        assert!(workload.disruption.is_none(), "{}", workload.name);
    }
    let report = app
        .workloads
        .iter()
        .find(|w| w.name == "report")
        .expect("report");
    assert!(report.probes.ready.is_none());
}

#[test]
fn network_and_mesh_follow_the_namespace_ladder() {
    // Built-in: no NetworkPolicy, no mesh.
    let (app, _) = project("", "", "");
    assert_eq!(app.network.value, Network::Open);
    assert_eq!(layer(&app.network), Layer::Builtin);
    assert!(app.mesh.is_none());
    // A tier's defaults, the nearest tier first, the rest inherited.
    let (app, _) = project("tier: base", "", "");
    assert_eq!(app.network.value, Network::DefaultDeny);
    assert_eq!(layer(&app.network), tier("base"));
    assert!(app.mesh.is_none());
    let (app, _) = project("tier: mid", "", "");
    assert_eq!(layer(&app.network), tier("base"));
    let mesh = app.mesh.expect("mid's mesh");
    assert_eq!(mesh.value, Mtls::Permissive);
    assert_eq!(layer(&mesh), tier("mid"));
    // The app's own settings replace the tier's, `none` included.
    let (app, _) = project("tier: mid", "network: open\n  mesh: none", "");
    assert_eq!(app.network.value, Network::Open);
    assert_eq!(layer(&app.network), Layer::App);
    assert!(app.mesh.is_none());
    let (app, _) = project("tier: mid", "mesh: istio", "");
    let mesh = app.mesh.expect("the app's mesh");
    assert_eq!(mesh.value, Mtls::Strict);
    assert_eq!(layer(&mesh), Layer::App);
}

/// The settings of `service { … }` layer one by one — tier < app `defaults` < workload <
/// environment — so a tier's `session_affinity` stays under a workload's `type`; `headless` is a
/// single value.
#[test]
fn service_options_layer_setting_by_setting() {
    use k8sc_compiler::semantic::envs::EnvKey;
    let text = r#"
tier edge {
  defaults {
    service { session_affinity: client_ip { timeout: 1h }, publish_not_ready: true }
    headless: true
  }
}

app iot {
  tier: edge
  defaults {
    service { session_affinity: client_ip { timeout: 2h } }
  }
}

service broker {
  image: "docker.io/eclipse-mosquitto:2.0.20"
  port: tcp 1883
  service { type: load_balancer { source_ranges: ["10.0.0.0/8"] } }
}

env prod {
  namespace: iot
}

env dev {
  namespace: iot-dev
  broker.service { external_traffic: local }
  broker.headless: false
}
"#;
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    let broker = |env: &str| {
        let ir = k8sc_compiler::lower::lower_env(&db, project, EnvKey::new(&db, env.to_string()))
            .ir
            .clone();
        (*ir.apps[0].workloads[0]).clone()
    };
    let prod = broker("prod").service;
    let balancer = prod.load_balancer.expect("the workload's load balancer");
    assert_eq!(layer(&balancer), Layer::Workload);
    let affinity = prod.client_ip_affinity.expect("the app's affinity");
    assert_eq!((affinity.value, layer(&affinity)), (Some(7200), Layer::App));
    let publish = prod.publish_not_ready.expect("the tier's publishing");
    assert_eq!((publish.value, layer(&publish)), (true, tier("edge")));
    let headless = prod.headless.expect("the tier's headless twin");
    assert_eq!(layer(&headless), tier("edge"));
    assert!(prod.external_traffic.is_none());
    // The environment adds its own setting and turns the twin off; the rest stays.
    let dev = broker("dev").service;
    let external = dev.external_traffic.expect("dev's traffic policy");
    assert_eq!(layer(&external), Layer::Env("dev".into()));
    assert_eq!(layer(&dev.load_balancer.expect("kept")), Layer::Workload);
    assert_eq!(dev.client_ip_affinity.map(|a| a.value), Some(Some(7200)));
    assert!(dev.headless.is_none());
}

#[test]
fn a_sidecar_layers_field_by_field_under_its_name() {
    let (_, web) = project(
        "tier: mid",
        r#"defaults { sidecars { agent { image: "ghcr.io/acme/agent:1.0", memory: 32Mi } } }"#,
        "sidecars { agent { cpu: 20m, memory: 48Mi } }",
    );
    let agent = web
        .sidecars
        .iter()
        .find(|c| c.name == "agent")
        .expect("the app's sidecar, merged with the workload's");
    assert_eq!(layer(&agent.image), Layer::App);
    assert_eq!(agent.resources.cpu_request.value, 20);
    assert_eq!(layer(&agent.resources.cpu_request), Layer::Workload);
    // The workload's value beats the app's; neither is the workload's own `memory` (the tier's).
    assert_eq!(agent.resources.memory_limit.value, 48 << 20);
    assert_eq!(layer(&agent.resources.memory_limit), Layer::Workload);
    assert_eq!(web.resources.memory_limit.value, 256 << 20);
}

/// The rollout fields climb the ladder like any single value: a tier's `min_ready` and
/// `strategy`, an app's `progress_deadline`, the workload's own `strategy`, an environment's
/// `min_ready` — each from the highest layer that writes it.
#[test]
fn rollout_settings_follow_the_ladder() {
    use k8sc_compiler::lower::lower_env;
    use k8sc_compiler::model::lifecycle::{PodManagement, Strategy};
    use k8sc_compiler::semantic::envs::EnvKey;
    let text = r#"
tier steady {
  defaults {
    min_ready: 5s
    strategy: recreate
    pod_management: parallel
    partition: 1
  }
}

app shop {
  tier: steady
  defaults { progress_deadline: 5m, partition: 2 }
}

service web {
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  probes { ready: http "/ready" }
  strategy: rolling { max_surge: 1 }
}

stateful kafka {
  image: "ghcr.io/acme/kafka:1.0"
  port: tcp 9092
  replicas: 3
}

env dev {}

env prod {
  web.min_ready: 20s
  kafka.pod_management: ordered
}
"#;
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    let workload = |ir: &k8sc_compiler::ir::ProjectIr, name: &str| {
        let found = ir.apps[0].workloads.iter().find(|w| w.name == name);
        (**found.expect("workload")).clone()
    };
    let base = &lower_env(&db, project, EnvKey::new(&db, "dev".to_string())).ir;
    let web = workload(base, "web").rollout().clone();
    let strategy = web.strategy.expect("strategy");
    assert_eq!(
        strategy.value,
        Strategy::Rolling {
            max_surge: Some(IntOrPercent::Int(1)),
            max_unavailable: None
        }
    );
    assert_eq!(layer(&strategy), Layer::Workload);
    let min_ready = web.min_ready_seconds.expect("min_ready");
    assert_eq!((min_ready.value, layer(&min_ready)), (5, tier("steady")));
    let deadline = web.progress_deadline_seconds.expect("progress_deadline");
    assert_eq!((deadline.value, layer(&deadline)), (300, Layer::App));
    assert!(web.pod_management.is_none(), "a Deployment has none");
    let kafka = workload(base, "kafka").rollout().clone();
    let pods = kafka.pod_management.expect("pod_management");
    assert_eq!(
        (pods.value, layer(&pods)),
        (PodManagement::Parallel, tier("steady"))
    );
    let partition = kafka.partition.expect("partition");
    assert_eq!((partition.value, layer(&partition)), (2, Layer::App));
    assert!(
        kafka.strategy.is_none(),
        "a StatefulSet has no Deployment strategy"
    );

    let prod = &lower_env(&db, project, EnvKey::new(&db, "prod".to_string())).ir;
    let web = workload(prod, "web").rollout().clone();
    let min_ready = web.min_ready_seconds.expect("min_ready");
    assert_eq!(
        (min_ready.value, layer(&min_ready)),
        (20, Layer::Env("prod".into()))
    );
    let kafka = workload(prod, "kafka").rollout().clone();
    let pods = kafka.pod_management.expect("pod_management");
    assert_eq!(
        (pods.value, layer(&pods)),
        (PodManagement::Ordered, Layer::Env("prod".into()))
    );
}

/// `autoscale` is one value: the highest layer's block wins whole, its `up`/`down` behaviour with
/// it (a lower layer's `down` does not fill in a higher layer's block without one). A probe's
/// `success` comes with the probe that carries it, from the highest layer that writes that probe.
#[test]
fn scaling_behaviour_and_probe_success_follow_the_ladder() {
    use k8sc_compiler::lower::lower_env;
    use k8sc_compiler::semantic::envs::EnvKey;
    let text = r#"
tier elastic {
  defaults {
    autoscale { cpu: 60%, down { window: 5m } }
    probes { ready: http "/ready" { success: 3 } }
  }
}

app shop {
  tier: elastic
  defaults { autoscale { cpu: 65%, up { window: 30s } } }
}

service web {
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  replicas: 2..6
}

service api {
  image: "ghcr.io/acme/api:1.0"
  port: http 8080
  replicas: 2..6
  autoscale { cpu: 50%, down { window: 10m } }
  probes { ready: http "/healthz" { success: 2 } }
}

env dev {}

env prod {
  web.autoscale { cpu: 75%, up { window: 1m } }
  api.probes { ready: http "/healthz" { success: 4 } }
}
"#;
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    let workload = |env: &str, name: &str| {
        let ir = &lower_env(&db, project, EnvKey::new(&db, env.to_string())).ir;
        let found = ir.apps[0].workloads.iter().find(|w| w.name == name);
        (**found.expect("workload")).clone()
    };
    let windows = |w: &WorkloadIr| {
        let scale = w.autoscale.as_ref().expect("an autoscaler");
        (
            scale.cpu,
            scale.up.as_ref().and_then(|r| r.window),
            scale.down.as_ref().and_then(|r| r.window),
        )
    };
    let success = |w: &WorkloadIr| {
        let ready = w.probes.ready.as_ref().expect("a readiness probe");
        (ready.value.success, layer(ready))
    };

    // web: the app's block beats the tier's, whole (no `down` from the tier).
    let web = workload("dev", "web");
    assert_eq!(windows(&web), (Some(65), Some(30_000), None));
    assert_eq!(success(&web), (Some(3), tier("elastic")));
    // api: its own block and probe beat the defaults.
    let api = workload("dev", "api");
    assert_eq!(windows(&api), (Some(50), None, Some(600_000)));
    assert_eq!(success(&api), (Some(2), Layer::Workload));
    // prod: the environment beats the workload and the defaults.
    let web = workload("prod", "web");
    assert_eq!(windows(&web), (Some(75), Some(60_000), None));
    let api = workload("prod", "api");
    assert_eq!(success(&api), (Some(4), Layer::Env("prod".into())));
}
