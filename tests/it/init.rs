//! `k8sc init` end to end: on every tier of the standard library the scaffold builds without a
//! warning, is formatted, and its committed `deploy/` passes the drift guard; existing files are
//! never replaced; tiers and names are checked.

use crate::support;
use support::{code, k8sc, scratch, snapshot, stderr};

/// The tiers of the standard library, read from its source.
fn stdlib_tiers() -> Vec<String> {
    let source = include_str!("../../stdlib/tiers.k8s");
    source
        .lines()
        .filter_map(|line| line.strip_prefix("tier "))
        .filter_map(|rest| rest.split([' ', ':', '{']).next())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_stdlib_tier_scaffolds_a_project_that_builds_cleanly() {
    let tiers = stdlib_tiers();
    assert_eq!(
        tiers,
        ["foundation", "production", "enterprise", "multicluster"]
    );
    let root = scratch("tiers");
    for tier in &tiers {
        let dir = root.join(format!("{tier}-shop"));
        let dir_arg = dir.to_string_lossy().into_owned();
        let output = k8sc(&["init", &dir_arg, "--tier", tier]);
        assert_eq!(code(&output), 0, "{tier}: {}", stderr(&output));
        for file in [
            "app.k8s",
            "README.md",
            ".gitignore",
            ".github/workflows/k8sc.yml",
        ] {
            assert!(dir.join(file).is_file(), "{tier}: {file}");
        }
        let app = std::fs::read_to_string(dir.join("app.k8s")).expect("app.k8s");
        assert!(app.contains(&format!("app {tier}-shop {{")), "{app}");
        assert!(app.contains(&format!("tier: {tier}")), "{app}");
        assert_eq!(
            std::fs::read_to_string(dir.join(".gitignore")).expect("gitignore"),
            "/out/\n"
        );

        let out = root.join(format!("{tier}-out"));
        let out_arg = out.to_string_lossy().into_owned();
        let build = k8sc(&["build", &dir_arg, "--out", &out_arg, "--deny-warnings"]);
        assert_eq!(code(&build), 0, "{tier}: {}", stderr(&build));
        assert!(out.join("default/kubernetes/deployment-web.yaml").is_file());

        let deploy = dir.join("deploy").to_string_lossy().into_owned();
        let guard = k8sc(&["build", &dir_arg, "--check", "--out", &deploy]);
        assert_eq!(code(&guard), 0, "{tier}: {}", stderr(&guard));

        let fmt = k8sc(&["fmt", "--check", &dir_arg]);
        assert_eq!(code(&fmt), 0, "{tier}: {}", stderr(&fmt));
        let check = k8sc(&["check", &dir_arg, "--format", "github", "--deny-warnings"]);
        assert_eq!(code(&check), 0, "{tier}: {}", stderr(&check));
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_workflow_is_the_one_docs_ci_recommends() {
    let dir = scratch("workflow");
    let output = k8sc(&["init", &dir.to_string_lossy()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let workflow =
        std::fs::read_to_string(dir.join(".github/workflows/k8sc.yml")).expect("workflow");
    let guide = include_str!("../../docs/ci.md");
    assert!(
        guide.contains(&format!("```yaml\n{workflow}```")),
        "the scaffold's workflow differs from the GitHub Actions job in docs/ci.md"
    );
    assert!(workflow.contains("k8sc check . --format github"));
    assert!(workflow.contains("k8sc build . --check --out deploy"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_names_the_app_after_the_folder_or_the_flag() {
    let root = scratch("names");
    let dir = root.join("My_Shop");
    let output = k8sc(&["init", &dir.to_string_lossy(), "--tier", "foundation"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let app = std::fs::read_to_string(dir.join("app.k8s")).expect("app.k8s");
    assert!(app.contains("app my-shop {"), "{app}");

    let named = root.join("named");
    let output = k8sc(&["init", &named.to_string_lossy(), "--name", "billing"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let app = std::fs::read_to_string(named.join("app.k8s")).expect("app.k8s");
    assert!(app.contains("app billing {"), "{app}");

    let bad = root.join("bad");
    let output = k8sc(&["init", &bad.to_string_lossy(), "--name", "Billing"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("cannot name an app"),
        "{}",
        stderr(&output)
    );
    assert!(!bad.exists(), "nothing is written for a bad name");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_unknown_tier_is_refused_with_the_known_ones() {
    let dir = scratch("tier");
    let target = dir.join("shop");
    let output = k8sc(&["init", &target.to_string_lossy(), "--tier", "prod"]);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(message.contains("no tier `prod`"), "{message}");
    assert!(
        message.contains("foundation, production, enterprise, multicluster"),
        "{message}"
    );
    assert!(!target.exists(), "nothing is written for an unknown tier");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn existing_files_are_never_replaced() {
    let dir = scratch("existing");
    std::fs::write(dir.join("app.k8s"), "// mine\n").expect("write");
    std::fs::create_dir_all(dir.join(".github/workflows")).expect("mkdir");
    std::fs::write(dir.join(".github/workflows/k8sc.yml"), "name: mine\n").expect("write");
    let before = snapshot(&dir);
    let output = k8sc(&["init", &dir.to_string_lossy()]);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(message.contains("`app.k8s`"), "{message}");
    assert!(
        message.contains("`.github/workflows/k8sc.yml`"),
        "{message}"
    );
    assert!(message.contains("nothing was written"), "{message}");
    assert_eq!(
        snapshot(&dir),
        before,
        "init changed files it refused to write"
    );

    // A second init over a complete scaffold refuses too, and changes nothing.
    let fresh = dir.join("fresh");
    assert_eq!(code(&k8sc(&["init", &fresh.to_string_lossy()])), 0);
    let before = snapshot(&fresh);
    let again = k8sc(&["init", &fresh.to_string_lossy()]);
    assert_eq!(code(&again), 2, "{}", stderr(&again));
    assert_eq!(snapshot(&fresh), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_existing_readme_and_gitignore_are_kept() {
    let dir = scratch("readme");
    std::fs::write(dir.join("README.md"), "# Mine\n").expect("write");
    std::fs::write(dir.join(".gitignore"), "target").expect("write");
    let output = k8sc(&["init", &dir.to_string_lossy(), "--name", "shop"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).expect("readme"),
        "# Mine\n"
    );
    let section = std::fs::read_to_string(dir.join("K8SC.md")).expect("K8SC.md");
    assert!(section.contains("k8sc build . --out deploy"), "{section}");
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore")).expect("gitignore"),
        "target\n/out/\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_in_place_of_the_folder_is_refused() {
    let dir = scratch("file");
    let file = dir.join("shop");
    std::fs::write(&file, "not a folder\n").expect("write");
    let output = k8sc(&["init", &file.to_string_lossy()]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("is not a folder"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "not a folder\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
