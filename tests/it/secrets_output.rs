//! No output of the binary prints a secret: `k8sc check` and `k8sc build`, in every diagnostic
//! format (human, JSON, GitHub), on a project with credentials planted in every construct —
//! those the secret check reports (E0015) and those another diagnostic quotes (an invalid host,
//! a label value) — print none of the credentials' bytes, on stdout or stderr.

use crate::support;
use support::{code, k8sc, scratch, stderr, stdout};

/// The planted credentials.
const SECRETS: &[&str] = &[
    "hunter2-correct-horse",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    "ghs_9876543210abcdefghijklmnopqrstuvwxyz",
    "sk_live_0123456789abcdefghijkl",
    "ASIAIOSFODNN7EXAMPLE",
    "pgpass-2bd81c",
    "mysqlpw-77f1e0",
    "annotationpw-5a5a",
    "patchpw-4455aa",
    "argpw-8899bb",
];

const PROJECT: &str = r#"app shop { namespace: shop }

service api {
  image: "ghcr.io/acme/api:1.0.0"
  port: http 8080
  probes { ready: exec ["sh", "-c", "mysqladmin ping -u root -pmysqlpw-77f1e0"] }
  expose: route "ghp_0123456789abcdefghijklmnopqrstuvwxyz.example.com"
  labels { team: "sk_live_0123456789abcdefghijkl" }
  env {
    DB_PASSWORD: "hunter2-correct-horse"
    PGPASSWORD: "pgpass-2bd81c"
    AWS_ACCESS_KEY_ID: "ASIAIOSFODNN7EXAMPLE"
  }
  annotations { "example.com/db-password": "annotationpw-5a5a" }
  patch Deployment {
    metadata { annotations { "acme.io/token": "ghs_9876543210abcdefghijklmnopqrstuvwxyz" } }
    spec { template { spec {
      containers: [{ name: "api", env: [{ name: "DB_PASSWORD", value: "patchpw-4455aa" }], args: ["--password=argpw-8899bb"] }]
    } } }
  }
}
"#;

#[test]
fn no_output_format_prints_a_planted_secret() {
    let dir = scratch("secrets");
    std::fs::write(dir.join("app.k8s"), PROJECT).expect("write");
    let project = dir.to_string_lossy().into_owned();
    let out = dir.join("out").to_string_lossy().into_owned();
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", &project],
        vec!["check", &project, "--format", "json"],
        vec!["check", &project, "--format", "github"],
        vec!["build", &project, "--out", &out],
        vec!["build", &project, "--stdout"],
    ];
    for args in runs {
        let output = k8sc(&args);
        assert_eq!(code(&output), 1, "{args:?}: {}", stderr(&output));
        let printed = format!("{}{}", stdout(&output), stderr(&output));
        assert!(printed.contains("E0015"), "{args:?}: {printed}");
        for secret in SECRETS {
            assert!(
                !printed.contains(secret),
                "{args:?} prints `{secret}`:\n{printed}"
            );
        }
    }
    assert!(!dir.join("out").exists(), "nothing is written");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A project whose only credentials sit where no construct check looks: Argo CD's repository
/// URL, a cluster URL, an image tag.
const OUTPUT_ONLY_PROJECT: &str = r#"app shop {
  namespace: shop
  gitops: argocd { repo: "https://deploy:repopw-31c4d2@github.com/acme/platform.git", path: "deploy/shop" }
}

service api {
  image: "ghcr.io/acme/api:ghp_0123456789abcdefghijklmnopqrstuvwxyz"
  port: http 8080
  probes { ready: http "/ready" }
}

env prod {
  cluster: "https://admin:clusterpw-77aa@prod.k8s.acme.internal"
}
"#;

/// Every way of building — files, `--stdout`, `--check` (and `diff --against`, which calls the
/// same `build`) — stops at the scan of the generated documents (E0045), writes nothing and
/// prints none of the credentials.
#[test]
fn every_build_stops_at_a_credential_in_the_generated_documents() {
    let dir = scratch("secrets-output-scan");
    std::fs::write(dir.join("app.k8s"), OUTPUT_ONLY_PROJECT).expect("write");
    let project = dir.to_string_lossy().into_owned();
    let out = dir.join("out").to_string_lossy().into_owned();
    let runs: Vec<Vec<&str>> = vec![
        vec!["build", &project, "--out", &out],
        vec!["build", &project, "--stdout"],
        vec!["build", &project, "--out", &out, "--check"],
    ];
    let secrets = [
        "repopw-31c4d2",
        "clusterpw-77aa",
        "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    ];
    for args in runs {
        let output = k8sc(&args);
        assert_eq!(code(&output), 1, "{args:?}: {}", stderr(&output));
        let printed = format!("{}{}", stdout(&output), stderr(&output));
        assert!(printed.contains("E0045"), "{args:?}: {printed}");
        for secret in secrets {
            assert!(
                !printed.contains(secret),
                "{args:?} prints `{secret}`:\n{printed}"
            );
        }
    }
    assert!(!dir.join("out").exists(), "nothing is written");
    let _ = std::fs::remove_dir_all(&dir);
}
