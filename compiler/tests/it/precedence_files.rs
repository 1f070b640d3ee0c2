//! The precedence ladder for `files` and `volumes`, which merge entry by entry (by path, by
//! volume name): a tier's `defaults` < the app's `defaults` < the workload < an environment, each
//! entry from the highest layer that writes it, and the others inherited.

use k8sc_compiler::db::Database;
use k8sc_compiler::ir::files::{FileContent, VolumeKind};
use k8sc_compiler::ir::{ProjectIr, WorkloadIr};
use k8sc_compiler::lower::lower_env;
use k8sc_compiler::model::spec::Layer;
use k8sc_compiler::semantic::envs::EnvKey;

const TEXT: &str = r#"
tier base {
  defaults {
    files {
      "/etc/a": "tier"
      "/etc/b": "tier"
      "/etc/c": "tier"
      "/etc/d": "tier"
    }
    volumes { scratch: empty_dir { size: 64Mi, mount: "/scratch" } }
  }
}

app shop {
  tier: base
  defaults {
    files {
      "/etc/b": "app"
      "/etc/c": "app"
      "/etc/d": "app"
    }
  }
}

service web {
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  probes { ready: http "/ready" }
  files {
    "/etc/c": "workload"
    "/etc/d": "workload"
  }
  volumes { scratch: empty_dir { size: 128Mi, mount: "/scratch" } }
}

env prod {
  web.files { "/etc/d": secret web-d.value }
}

env dev {}
"#;

fn web(env: &str) -> WorkloadIr {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), TEXT.to_string())]);
    let lowered = lower_env(&db, project, EnvKey::new(&db, env.to_string()));
    assert!(
        lowered.diagnostics.iter().all(|d| !d.is_error()),
        "{:#?}",
        lowered.diagnostics
    );
    let ir: &ProjectIr = &lowered.ir;
    (*ir.apps[0].workloads[0]).clone()
}

fn file<'w>(web: &'w WorkloadIr, path: &str) -> (&'w FileContent, Layer) {
    let file = web.files.iter().find(|f| f.path == path).expect(path);
    (&file.content, file.origin.layer().clone())
}

#[test]
fn each_file_comes_from_the_highest_layer_that_writes_it() {
    let dev = web("dev");
    let text = |s: &str| FileContent::Text(s.to_string());
    assert_eq!(
        file(&dev, "/etc/a"),
        (&text("tier"), Layer::Tier("base".into()))
    );
    assert_eq!(file(&dev, "/etc/b"), (&text("app"), Layer::App));
    assert_eq!(file(&dev, "/etc/c"), (&text("workload"), Layer::Workload));
    assert_eq!(file(&dev, "/etc/d"), (&text("workload"), Layer::Workload));
    let prod = web("prod");
    let secret = FileContent::SecretKey {
        secret: "web-d".to_string(),
        key: "value".to_string(),
    };
    assert_eq!(file(&prod, "/etc/d"), (&secret, Layer::Env("prod".into())));
    // The environment replaces one entry; the others are inherited.
    assert_eq!(file(&prod, "/etc/c"), (&text("workload"), Layer::Workload));
    assert_eq!(prod.files.len(), 4);
}

#[test]
fn a_volume_written_by_the_workload_replaces_the_tiers() {
    let dev = web("dev");
    assert_eq!(dev.volumes.len(), 1);
    assert_eq!(
        dev.volumes[0].kind,
        VolumeKind::EmptyDir {
            size: 128 << 20,
            memory: false
        }
    );
    assert_eq!(dev.volumes[0].origin.layer(), &Layer::Workload);
}
