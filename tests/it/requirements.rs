//! `k8sc requirements` and the requirements `k8sc build` writes, through the real binary: both
//! formats, exit codes, the build's summary line, `OUT/<env>/REQUIREMENTS.md` owned like every
//! generated file (rebuilt, checked for drift by `build --check`) and ignored by kustomize.

use crate::support;
use support::{code, k8sc, scratch, shop, stderr, stdout};

use serde_json::Value;
use std::path::Path;

#[test]
fn requirements_lists_what_each_environment_needs() {
    let output = k8sc(&["requirements", &shop()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    for needed in [
        "environment `prod`",
        "Kubernetes >= 1.30",
        "Istio (istiod and its CRDs) >= 1.22",
        "the Istio CNI plugin",
        "Kyverno >= 1.13",
        "Argo CD >= 2.7",
        "`db-credentials` in namespace `shop`: keys `password`, `url`; read by `shop.api`, `shop.db`, `shop.nightly-report`",
        "`fast-ssd`: used by `shop.db`",
        "`gateway-system/public` (Istio's ingress gateway) for `shop.example.com`",
    ] {
        assert!(text.contains(needed), "missing {needed:?} in:\n{text}");
    }

    let output = k8sc(&["requirements", &shop(), "--format", "json", "--env", "prod"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["version"], 1);
    let envs = json["environments"].as_array().expect("environments");
    assert_eq!(envs.len(), 1, "only prod");
    let prod = &envs[0];
    assert_eq!(prod["env"], "prod");
    let ids: Vec<&str> = prod["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "kubernetes",
            "network-policy",
            "istio",
            "istio-cni",
            "kyverno",
            "argocd"
        ]
    );
    let secret = prod["secrets"]
        .as_array()
        .expect("secrets")
        .iter()
        .find(|s| s["name"] == "db-credentials")
        .expect("db-credentials");
    assert_eq!(secret["namespace"], "shop");
    assert_eq!(secret["keys"], serde_json::json!(["password", "url"]));
    assert_eq!(prod["storage_classes"][0]["name"], "fast-ssd");
    assert_eq!(prod["gateways"][0]["kind"], "istio-ingress");
    assert_eq!(prod["gateways"][0]["namespace"], "gateway-system");
}

#[test]
fn requirements_exit_codes() {
    let unknown = k8sc(&["requirements", &shop(), "--env", "nope"]);
    assert_eq!(code(&unknown), 2, "{}", stderr(&unknown));
    assert!(stderr(&unknown).contains("no environment `nope`"));

    let bad = k8sc(&["requirements", &shop(), "--format", "yaml"]);
    assert_eq!(code(&bad), 2);

    let dir = scratch("broken");
    std::fs::write(
        dir.join("app.k8s"),
        "app shop { namespace: shop }\n\nservice web {\n  image: \"ghcr.io/acme/web:1.0.0\"\n  memory: 500m\n}\n",
    )
    .expect("write");
    let broken = k8sc(&["requirements", &dir.to_string_lossy()]);
    assert_eq!(code(&broken), 1, "{}", stderr(&broken));
    assert!(stderr(&broken).contains("[E0004]"), "{}", stderr(&broken));
    assert!(stdout(&broken).is_empty(), "nothing listed");
    let _ = std::fs::remove_dir_all(&dir);
}

fn build(out: &Path, extra: &[&str]) -> std::process::Output {
    let out = out.to_string_lossy();
    let shop = shop();
    let mut args = vec!["build", shop.as_str(), "--out", &out];
    args.extend_from_slice(extra);
    k8sc(&args)
}

#[test]
fn build_prints_a_summary_and_writes_requirements_md_it_owns() {
    let dir = scratch("build");
    let out = dir.join("out");
    let first = build(&out, &[]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let summary = stderr(&first);
    assert!(
        summary.contains(
            "k8sc: the cluster must provide Kubernetes >= 1.30, NetworkPolicy enforcement, Istio >= 1.22, Istio CNI, Kyverno >= 1.13, Argo CD >= 2.7, 9 Secrets, 1 StorageClass, 1 Gateway"
        ),
        "{summary}"
    );
    assert!(summary.contains("/<env>/REQUIREMENTS.md)"), "{summary}");
    for env in ["dev", "staging", "prod"] {
        let text = std::fs::read_to_string(out.join(env).join("REQUIREMENTS.md")).expect(env);
        assert!(text.contains(&format!("environment `{env}`")), "{text}");
        let listing = std::fs::read_to_string(out.join(env).join("Kustomization")).expect(env);
        assert!(!listing.contains("REQUIREMENTS"), "{listing}");
    }
    let one = build(&out, &["--env", "prod"]);
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    assert!(
        stderr(&one).contains("/prod/REQUIREMENTS.md)"),
        "{}",
        stderr(&one)
    );

    // The file is k8sc's own: a rebuild replaces the folder, and `--check` finds it current.
    let again = build(&out, &[]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let check = build(&out, &["--check"]);
    assert_eq!(code(&check), 0, "{}{}", stdout(&check), stderr(&check));

    // A stale or missing REQUIREMENTS.md is drift.
    let prod = out.join("prod/REQUIREMENTS.md");
    let text = std::fs::read_to_string(&prod).expect("prod");
    std::fs::write(&prod, text.replace("Kyverno >= 1.13", "Kyverno >= 1.10")).expect("write");
    let stale = build(&out, &["--check"]);
    assert_eq!(code(&stale), 1, "{}", stderr(&stale));
    assert!(
        stdout(&stale).contains("changed  prod/REQUIREMENTS.md"),
        "{}",
        stdout(&stale)
    );
    std::fs::remove_file(&prod).expect("remove");
    let missing = build(&out, &["--check"]);
    assert_eq!(code(&missing), 1);
    assert!(
        stdout(&missing).contains("added    prod/REQUIREMENTS.md"),
        "{}",
        stdout(&missing)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// kustomize (as `kubectl kustomize`, when kubectl is installed) renders every environment
/// folder without REQUIREMENTS.md.
#[test]
fn kustomize_ignores_requirements_md() {
    let Ok(probe) = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
    else {
        eprintln!("kubectl is not installed: skipped");
        return;
    };
    assert!(probe.status.success());
    let dir = scratch("kustomize");
    let out = dir.join("out");
    let built = build(&out, &[]);
    assert_eq!(code(&built), 0, "{}", stderr(&built));
    for env in ["dev", "staging", "prod"] {
        let rendered = std::process::Command::new("kubectl")
            .arg("kustomize")
            .arg(out.join(env))
            .output()
            .expect("kubectl runs");
        let yaml = String::from_utf8_lossy(&rendered.stdout);
        assert!(
            rendered.status.success(),
            "{}",
            String::from_utf8_lossy(&rendered.stderr)
        );
        assert!(yaml.contains("kind: Deployment"), "{yaml}");
        assert!(!yaml.contains("What the cluster must provide"), "{yaml}");
        assert!(!yaml.contains("REQUIREMENTS"), "{yaml}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The requirements name user values — the cluster an environment deploys to above all — and no
/// construct check looks at a cluster URL: one with a password is not printed by
/// `k8sc requirements` (any format) but reported as E0045 at the `cluster` field, and `k8sc build`
/// writes no `REQUIREMENTS.md` with it.
#[test]
fn requirements_never_print_a_credential() {
    let password = "s3cret-pass-9f9f";
    let dir = scratch("credential");
    std::fs::write(
        dir.join("app.k8s"),
        format!(
            "app shop {{\n  namespace: shop\n  gitops: argocd {{ repo: \"https://github.com/acme/platform.git\", path: \"deploy/shop\" }}\n}}\n\nservice web {{\n  image: \"ghcr.io/acme/web:1.0.0\"\n  port: http 8080\n  probes {{ ready: http \"/ready\" }}\n}}\n\nenv prod {{\n  cluster: \"https://admin:{password}@prod.k8s.acme.internal\"\n}}\n"
        ),
    )
    .expect("write");
    let project = dir.to_string_lossy().into_owned();
    for format in ["human", "json"] {
        let listed = k8sc(&["requirements", &project, "--format", format]);
        let (out, err) = (stdout(&listed), stderr(&listed));
        assert_eq!(code(&listed), 1, "{format}: {out}{err}");
        assert!(
            !out.contains(password) && !err.contains(password),
            "{format}: {out}{err}"
        );
        assert!(
            err.contains("[E0045]") && err.contains("app.k8s:13:"),
            "{format}: {err}"
        );
        assert!(out.is_empty(), "{format}: nothing listed: {out}");
    }
    let out = dir.join("out");
    let built = k8sc(&["build", &project, "--out", &out.to_string_lossy()]);
    assert_eq!(code(&built), 1, "{}", stderr(&built));
    assert!(!stderr(&built).contains(password), "{}", stderr(&built));
    assert!(!out.join("prod/REQUIREMENTS.md").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
