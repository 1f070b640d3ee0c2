//! Sidecars and init containers (issue 21): how their layers stack (tier < app < workload <
//! environment, merged by container name), that every rule on containers holds for each of them
//! at compile time as Kyverno checks them at admission, and that the namespace's LimitRange and
//! ResourceQuota count them.

use crate::support;

use k8sc_compiler::backends::{Resource, kubernetes, kyverno};
use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::{Code, Diagnostic};
use k8sc_compiler::ir::containers::{ContainerIr, pod_resources};
use k8sc_compiler::ir::{ProjectIr, WorkloadIr};
use k8sc_compiler::lower::{lower_env, lower_project};
use k8sc_compiler::model::spec::Layer;
use k8sc_compiler::semantic::envs::EnvKey;
use serde_json::Value;
use support::harness::{admission_resources, lower};
use support::kyverno_eval::denying_rules;

/// A tier declaring a platform log agent, an app's defaults resizing it, a workload with an
/// exporter of its own and a migration, and an environment changing one field of each.
const LAYERED: &str = r#"
tier platform {
  defaults {
    sidecars {
      agent {
        image: "ghcr.io/acme/log-agent:2.0.0"
        cpu: 20m
        memory: 32Mi
        env { LEVEL: "info", SINK: "loki" }
      }
    }
  }
}

app shop {
  tier: platform
  defaults {
    sidecars { agent { memory: 48Mi } }
  }
}

service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  probes { ready: http "/ready" }
  sidecars {
    exporter {
      image: "ghcr.io/acme/nginx-exporter:1.3.0"
      ports { metrics: http 9113 }
      probes { ready: http "/metrics" }
    }
    agent { env { LEVEL: "debug" } }
  }
  init {
    migrate { image: "ghcr.io/acme/web:2.3.1", command: ["/app/migrate"] }
  }
}

env dev {}

env prod {
  web.sidecars.agent.image: "ghcr.io/acme/log-agent:2.1.0"
  web.init.migrate { args: ["--dry-run"] }
}
"#;

fn load(text: &str) -> (Database, k8sc_compiler::db::Project) {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    (db, project)
}

fn errors(text: &str) -> Vec<Diagnostic> {
    let (db, project) = load(text);
    project_diagnostics(&db, project)
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect()
}

fn web_in(text: &str, env: Option<&str>) -> WorkloadIr {
    let (db, project) = load(text);
    let errors: Vec<_> = project_diagnostics(&db, project)
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let ir: ProjectIr = match env {
        None => lower_project(&db, project).ir.clone(),
        Some(env) => lower_env(&db, project, EnvKey::new(&db, env.to_string()))
            .ir
            .clone(),
    };
    (*ir.apps[0].workloads[0]).clone()
}

fn container<'w>(list: &'w [ContainerIr], name: &str) -> &'w ContainerIr {
    list.iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no container `{name}` in {list:#?}"))
}

#[test]
fn sidecars_layer_tier_app_workload_environment_by_name() {
    let web = web_in(LAYERED, None);
    // The tier's agent comes first (the lowest layer naming a container places it), then the
    // workload's own sidecars.
    let names: Vec<&str> = web.sidecars.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["agent", "exporter"]);
    let agent = container(&web.sidecars, "agent");
    assert_eq!(
        agent.image.value.to_string(),
        "ghcr.io/acme/log-agent:2.0.0"
    );
    assert_eq!(agent.image.origin.layer(), &Layer::Tier("platform".into()));
    assert_eq!(agent.resources.cpu_request.value, 20);
    assert_eq!(
        agent.resources.cpu_request.origin.layer(),
        &Layer::Tier("platform".into())
    );
    // The app's defaults beat the tier's.
    assert_eq!(agent.resources.memory_limit.value, 48 << 20);
    assert_eq!(agent.resources.memory_limit.origin.layer(), &Layer::App);
    // The workload beats the app: env entries merge by key.
    let env: Vec<(&str, &Layer)> = agent
        .env
        .iter()
        .map(|e| (e.key.as_str(), e.value.origin.layer()))
        .collect();
    assert_eq!(
        env,
        [
            ("LEVEL", &Layer::Workload),
            ("SINK", &Layer::Tier("platform".into()))
        ]
    );
    // A container only the workload declares gets the built-in defaults, not the workload's.
    let exporter = container(&web.sidecars, "exporter");
    assert_eq!(exporter.resources.cpu_request.value, 100);
    assert_eq!(
        exporter.resources.cpu_request.origin.layer(),
        &Layer::Builtin
    );
    assert_eq!(exporter.ports[0].name, "metrics");
    assert!(
        web.ports
            .iter()
            .any(|p| p.name == "metrics" && p.number == 9113)
    );
    let migrate = container(&web.init, "migrate");
    assert_eq!(migrate.args, None);

    // The environment beats the workload, one field at a time, and moves nothing.
    let prod = web_in(LAYERED, Some("prod"));
    let names: Vec<&str> = prod.sidecars.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["agent", "exporter"]);
    let agent = container(&prod.sidecars, "agent");
    assert_eq!(
        agent.image.value.to_string(),
        "ghcr.io/acme/log-agent:2.1.0"
    );
    assert!(matches!(agent.image.origin.layer(), Layer::Env(env) if &**env == "prod"));
    assert_eq!(agent.resources.memory_limit.value, 48 << 20);
    let migrate = container(&prod.init, "migrate");
    assert_eq!(
        migrate.args.as_ref().map(|a| a.value.clone()),
        Some(vec!["--dry-run".to_string()])
    );
    assert_eq!(migrate.command.as_ref().map(|c| c.value.len()), Some(1));
}

#[test]
fn the_pod_lists_sidecars_before_init_containers_each_hardened() {
    let ir = lower(&[("app.k8s", LAYERED)]);
    let deployment = kubernetes::render(&ir)
        .into_iter()
        .find(|r| r.kind == "Deployment")
        .expect("a Deployment");
    let spec = &deployment.body["spec"]["template"]["spec"];
    let init = spec["initContainers"].as_array().expect("initContainers");
    let listed: Vec<(&str, Option<&str>)> = init
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or(""),
                c["restartPolicy"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("agent", Some("Always")),
            ("exporter", Some("Always")),
            ("migrate", None)
        ]
    );
    for container in init
        .iter()
        .chain(spec["containers"].as_array().expect("containers"))
    {
        support::hardening::assert_container_hardened("LAYERED", container);
    }
    // The main container keeps only its own port; the Service has both.
    assert_eq!(
        spec["containers"][0]["ports"].as_array().map(Vec::len),
        Some(1)
    );
}

fn rule_project(sidecar_image: &str, allow: &str) -> String {
    format!(
        r#"
import std.policies.pinned_images

app shop {{
  policies: [pinned_images]
}}

service web {{
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  probes {{ ready: http "/ready" }}
  sidecars {{
    exporter {{ image: "{sidecar_image}" }}
  }}
  {allow}
}}
"#
    )
}

#[test]
fn a_rule_holds_for_the_workload_only_if_it_holds_for_every_container() {
    let found = errors(&rule_project("ghcr.io/acme/nginx-exporter:latest", ""));
    let violations: Vec<&Diagnostic> = found
        .iter()
        .filter(|d| d.code == Code::RuleViolation)
        .collect();
    assert_eq!(violations.len(), 1, "{found:#?}");
    let message = &violations[0].message;
    assert!(
        message.contains("ghcr.io/acme/nginx-exporter:latest is not pinned"),
        "the message names the sidecar's image: {message}"
    );
    // It points at the sidecar's image.
    let text = rule_project("ghcr.io/acme/nginx-exporter:latest", "");
    let span = violations[0].primary.span;
    assert_eq!(
        &text[span.start as usize..span.end as usize],
        "\"ghcr.io/acme/nginx-exporter:latest\""
    );
    // Pinned, it passes; an `allow` exempts the pod and is used (no W0005).
    assert!(errors(&rule_project("ghcr.io/acme/nginx-exporter:1.3.0", "")).is_empty());
    let (db, project) = load(&rule_project(
        "ghcr.io/acme/nginx-exporter:latest",
        "allow pinned_images because \"the vendor publishes no tags\"",
    ));
    let diagnostics = project_diagnostics(&db, project);
    let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::UnpinnedImage], "{diagnostics:#?}");
}

fn pod_of<'r>(resources: &'r [Resource], name: &str) -> &'r Value {
    &resources
        .iter()
        .find(|r| r.kind == "Pod" && r.name == format!("{name}-pod"))
        .unwrap_or_else(|| panic!("no pod of {name}"))
        .body
}

fn denied_by(policies: &[Resource], pod: &Value) -> Vec<String> {
    policies
        .iter()
        .filter(|p| {
            !denying_rules(&p.body, pod)
                .unwrap_or_else(|e| panic!("evaluating {}: {e}", p.name))
                .is_empty()
        })
        .map(|p| p.name.clone())
        .collect()
}

/// A weakening of a container: what it weakens, how, and the policy that must refuse it.
type Weakening = (&'static str, fn(&mut Value), &'static str);

/// The shop example's sidecars and init containers are admitted as k8sc writes them; each one
/// weakened is refused by the rule it breaks — the image, the resources and the security
/// context of `initContainers` are all checked.
#[test]
fn kyverno_admits_the_emitted_sidecars_and_refuses_each_one_weakened() {
    let source = include_str!("../../../examples/shop/app.k8s");
    let end = source
        .find("\nenv dev ")
        .expect("the shop has environments");
    let ir = lower(&[("app.k8s", &source[..end])]);
    let policies = kyverno::render(&ir);
    let resources = admission_resources(&ir);
    for (workload, container) in [
        ("web", "exporter"),
        ("db", "wal-archiver"),
        ("api", "migrate"),
    ] {
        let pod = pod_of(&resources, workload);
        assert_eq!(
            denied_by(&policies, pod),
            Vec::<String>::new(),
            "{workload}"
        );
        let index = pod["spec"]["initContainers"]
            .as_array()
            .and_then(|list| list.iter().position(|c| c["name"] == container))
            .unwrap_or_else(|| panic!("{workload} has {container}"));
        let weakenings: [Weakening; 4] = [
            (
                "image",
                |c| c["image"] = "ghcr.io/acme/tool:latest".into(),
                "pinned-images",
            ),
            (
                "registry",
                |c| c["image"] = "evil.example.com/tool:1.0.0".into(),
                "trusted-registries",
            ),
            (
                "privileged",
                |c| c["securityContext"]["privileged"] = true.into(),
                "no-privileged",
            ),
            (
                "memory limit",
                |c| {
                    c["resources"]["limits"]
                        .as_object_mut()
                        .map(|l| l.remove("memory"));
                },
                "production-cpu-request",
            ),
        ];
        for (what, weaken, policy) in weakenings {
            let mut pod = pod.clone();
            weaken(&mut pod["spec"]["initContainers"][index]);
            let denied = denied_by(&policies, &pod);
            assert!(
                denied.iter().any(|d| d == policy),
                "{workload}'s {container} with its {what} weakened passes `{policy}` (denied by {denied:?})"
            );
        }
    }
}

#[test]
fn the_limit_range_applies_to_each_container_and_the_quota_to_the_pod() {
    let text = |sidecar_memory: &str| {
        format!(
            r#"
app shop {{
  limit_range {{ max_memory: 256Mi }}
  quota {{ memory: 1Gi }}
}}

service web {{
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  probes {{ ready: http "/ready" }}
  replicas: 2
  memory: 200Mi
  sidecars {{ exporter {{ image: "ghcr.io/acme/nginx-exporter:1.3.0", memory: {sidecar_memory} }} }}
  init {{ migrate {{ image: "ghcr.io/acme/web:2.3.1", memory: 250Mi }} }}
}}
"#
        )
    };
    let found = errors(&text("512Mi"));
    assert!(
        found.iter().any(|d| d.message
            == "the memory limit 512Mi of sidecar `exporter` of `web` is above the namespace's maximum 256Mi"),
        "{found:#?}"
    );
    // 2 replicas + 1 of surge, each pod 200Mi + 100Mi, or 250Mi + 100Mi while migrating: 1050Mi.
    let found = errors(&text("100Mi"));
    assert!(
        found
            .iter()
            .any(|d| d.message
                == "app `shop` needs 1050Mi of memory at full scale, but its quota allows 1Gi of memory"),
        "{found:#?}"
    );
    let web = web_in(&text("60Mi").replace("quota { memory: 1Gi }", ""), None);
    assert_eq!(pod_resources(&web), (200, (250 + 60) << 20));
}

/// A log shipper reads what the workload writes: a shared volume mounted where each container
/// wants it; a stateful workload's volume is mounted as `storage`; `mounts` layer by key.
#[test]
fn containers_mount_the_pods_volumes() {
    let text = r#"
app shop {
  defaults {
    sidecars { shipper { image: "ghcr.io/acme/fluent-bit:3.1.4", mounts { logs: "/logs" } } }
  }
}

stateful queue {
  image: "ghcr.io/acme/queue:1.0.0"
  storage: 10Gi { mount: "/var/lib/queue" }
  volumes { logs: empty_dir { size: 256Mi, mount: "/var/log/queue" } }
  sidecars {
    shipper { mounts { storage: "/state" } }
  }
  init {
    restore { image: "ghcr.io/acme/restore:1.0.0", mounts { storage: "/restore" } }
  }
}
"#;
    let ir = lower(&[("app.k8s", text)]);
    let set = kubernetes::render(&ir)
        .into_iter()
        .find(|r| r.kind == "StatefulSet")
        .expect("a StatefulSet");
    let spec = &set.body["spec"]["template"]["spec"];
    let mounts_of = |name: &str| -> Vec<(String, String)> {
        spec["initContainers"]
            .as_array()
            .and_then(|list| list.iter().find(|c| c["name"] == name))
            .and_then(|c| c["volumeMounts"].as_array())
            .map(|mounts| {
                mounts
                    .iter()
                    .map(|m| {
                        (
                            m["name"].as_str().unwrap_or_default().to_string(),
                            m["mountPath"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        mounts_of("shipper"),
        [
            pair("shipper-tmp", "/tmp"),
            pair("data", "/state"),
            pair("logs", "/logs")
        ]
    );
    assert_eq!(
        mounts_of("restore"),
        [pair("restore-tmp", "/tmp"), pair("data", "/restore")]
    );
    // An unknown volume, and a mount over the container's own /tmp.
    let found = errors(&text.replace("logs: \"/logs\"", "log: \"/logs\""));
    assert_eq!(
        found.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::NoSuchVolume],
        "{found:#?}"
    );
    let found = errors(&text.replace("storage: \"/restore\"", "storage: \"/tmp/restore\""));
    assert_eq!(
        found.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::MountConflict],
        "{found:#?}"
    );
}
