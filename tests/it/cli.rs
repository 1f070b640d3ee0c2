//! The `k8sc` binary end to end: exit codes, the build summary, `--stdout`, JSON diagnostics,
//! `explain`, and atomic output (a failed build leaves OUT exactly as it was).

use crate::support;
use support::{code, k8sc, scratch, shop, snapshot, stderr, stdout};

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn build_writes_the_tree_and_prints_a_summary() {
    let dir = scratch("build");
    let out = dir.join("out");
    let output = k8sc(&["build", &shop(), "--out", &out.to_string_lossy()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let summary = stderr(&output);
    assert!(summary.contains("built 152 resources"), "{summary}");
    // A workload's own exception holds in every environment; staging's only there.
    assert!(
        summary.contains("exception: shop/db is exempt from `production.replicas_min`: "),
        "{summary}"
    );
    assert!(
        summary.contains(
            "exception: shop/api is exempt from `production.replicas_min` in environment `staging`: "
        ),
        "{summary}"
    );
    assert!(summary.contains(" ms"), "{summary}");
    for env in ["dev", "staging", "prod"] {
        assert!(
            out.join(env)
                .join("kubernetes/deployment-web.yaml")
                .is_file()
        );
        assert!(out.join(env).join("Kustomization").is_file());
    }
    assert!(out.join("prod/kyverno/policy-pinned-images.yaml").is_file());
    assert!(out.join("argocd/application-shop-prod.yaml").is_file());
    assert!(out.join("argocd/appproject-shop.yaml").is_file());

    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stdout_prints_one_stream_and_writes_nothing() {
    let dir = scratch("stdout");
    let output = Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args(["build", &shop(), "--stdout"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let stream = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stream.matches("\n---\n").count() + 1, 152, "152 documents");
    assert!(stream.starts_with("---\n# argocd/"));
    assert!(!stream.contains("Kustomization"));
    assert_eq!(
        std::fs::read_dir(&dir).expect("readable").count(),
        0,
        "nothing written"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_build_leaves_out_untouched() {
    let dir = scratch("atomic");
    let out = dir.join("out");
    let out_arg = out.to_string_lossy().into_owned();
    assert_eq!(code(&k8sc(&["build", &shop(), "--out", &out_arg])), 0);
    let before = snapshot(&out);

    let broken = dir.join("broken");
    std::fs::create_dir_all(&broken).expect("mkdir");
    std::fs::write(
        broken.join("app.k8s"),
        "app shop {}\nservice web {\n  image: \"ghcr.io/acme/web:1\"\n  port: http 99999\n}\n",
    )
    .expect("write");
    let output = k8sc(&["build", &broken.to_string_lossy(), "--out", &out_arg]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains("E0010"));
    assert!(stderr(&output).contains("nothing written"));
    assert_eq!(
        snapshot(&out),
        before,
        "OUT is byte-identical after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("readable")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no staging folders left behind");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refuses_to_replace_a_folder_it_does_not_own() {
    let dir = scratch("owned");
    std::fs::write(dir.join("notes.md"), "keep me").expect("write");
    let output = k8sc(&["build", &shop(), "--out", &dir.to_string_lossy()]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("not a k8sc output folder"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.md"))
            .ok()
            .as_deref(),
        Some("keep me")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_exit_codes() {
    let clean = k8sc(&["check", &shop()]);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));

    let dir = scratch("check");
    std::fs::write(dir.join("app.k8s"), "app shop {}\nservice web {\n  image: \"ghcr.io/acme/web\"\n  port: http 8080\n  probes { ready: http \"/r\" }\n}\n").expect("write");
    let warned = k8sc(&["check", &dir.to_string_lossy()]);
    assert_eq!(code(&warned), 0, "warnings do not fail");
    assert!(stderr(&warned).contains("W0001"));
    let denied = k8sc(&["check", &dir.to_string_lossy(), "--deny-warnings"]);
    assert_eq!(code(&denied), 1);

    let missing = k8sc(&["check", &dir.join("nope").to_string_lossy()]);
    assert_eq!(code(&missing), 2, "I/O error");
    let usage = k8sc(&["check", "--no-such-flag"]);
    assert_eq!(code(&usage), 2, "usage error");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_reports_json() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("compiler/tests/fixtures/ten_mistakes.k8s");
    let output = k8sc(&["check", &fixture.to_string_lossy(), "--format", "json"]);
    assert_eq!(code(&output), 1);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let diagnostics = json["diagnostics"].as_array().expect("a list");
    assert_eq!(json["errors"].as_u64(), Some(diagnostics.len() as u64));
    let first = &diagnostics[0];
    assert_eq!(first["code"], "E0012");
    assert_eq!(first["primary"]["file"], "ten_mistakes.k8s");
    assert_eq!(first["primary"]["line"], 4);
    assert_eq!(first["primary"]["column"], 14);
    assert!(first["suggestions"][0]["replacement"].is_string());
}

#[test]
fn explain_prints_the_explanation() {
    let output = k8sc(&["explain", "e0004"]);
    assert_eq!(code(&output), 0);
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .starts_with("# E0004: quantity with the wrong unit")
    );
    let unknown = k8sc(&["explain", "E9999"]);
    assert_eq!(code(&unknown), 2);
}

#[test]
fn help_and_version() {
    let help = k8sc(&["--help"]);
    assert_eq!(code(&help), 0);
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples:"));
    let version = k8sc(&["--version"]);
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("k8sc "));
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("compiler/tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn rule_violations_fail_the_check_with_both_labels() {
    let output = k8sc(&["check", &fixture("violations")]);
    assert_eq!(code(&output), 1);
    let report = stderr(&output);
    assert!(report.contains("13 errors"), "{report}");
    // The value, and the rule in the standard library.
    assert!(report.contains("`replicas.min` is 1"), "{report}");
    assert!(report.contains("std/tiers.k8s"), "{report}");
    assert!(report.contains("rule of tier `production`"), "{report}");
    assert!(
        report.contains("production services run at least two replicas"),
        "{report}"
    );
}

#[test]
fn an_allowed_violation_builds_and_the_summary_reports_it() {
    let output = k8sc(&["build", &fixture("allowed"), "--stdout"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "exception: prod/single is exempt from `production.replicas_min`: a singleton leader"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn graph_prints_dot_mermaid_and_svg() {
    let dot = k8sc(&["graph", &shop()]);
    assert_eq!(code(&dot), 0, "{}", stderr(&dot));
    let dot = String::from_utf8_lossy(&dot.stdout).into_owned();
    assert!(dot.starts_with("digraph services {"));
    assert!(dot.contains("\"shop/web\" -> \"shop/api\" [label=\"grpc 9090\"];"));
    assert!(dot.contains("\"internet\" -> \"shop/web\""));
    let mermaid = k8sc(&["graph", &shop(), "--format", "mermaid"]);
    assert_eq!(code(&mermaid), 0);
    assert!(String::from_utf8_lossy(&mermaid.stdout).starts_with("flowchart LR\n"));
    let dir = scratch("graph");
    let file = dir.join("shop.svg");
    let svg = k8sc(&["graph", &shop(), "-f", "svg", "-o", &file.to_string_lossy()]);
    assert_eq!(code(&svg), 0);
    let text = std::fs::read_to_string(&file).expect("the SVG is written");
    assert!(
        text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && text.ends_with("</svg>\n")
    );
    // A project with errors is not drawn.
    let broken = dir.join("broken.k8s");
    std::fs::write(&broken, "app a {}\nservice s { calls: [nothing] }\n").expect("written");
    assert_eq!(code(&k8sc(&["graph", &broken.to_string_lossy()])), 1);
}

/// A scratch project with one unformatted file, one formatted file, and files `fmt` must skip.
fn fmt_project(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("nested")).expect("mkdir");
    std::fs::create_dir_all(dir.join(".hidden")).expect("mkdir");
    std::fs::create_dir_all(dir.join("target")).expect("mkdir");
    std::fs::write(
        dir.join("messy.k8s"),
        "// web\nservice web {\n    image:\"x\"   // pinned later\n  probes {ready: http \"/r\"}\n}\n\n\n\nservice api { image: \"y\" }",
    )
    .expect("write");
    std::fs::write(
        dir.join("nested/tidy.k8s"),
        "service db {\n  image: \"z\"\n}\n",
    )
    .expect("write");
    std::fs::write(dir.join(".hidden/skip.k8s"), "service a {x:1}\n").expect("write");
    std::fs::write(dir.join("target/skip.k8s"), "service a {x:1}\n").expect("write");
    dir
}

#[test]
fn fmt_check_lists_unformatted_files_and_writes_nothing() {
    let dir = fmt_project("fmt-check");
    let before = snapshot(&dir);
    let output = k8sc(&["fmt", "--check", &dir.to_string_lossy()]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let listed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.trim_end().ends_with("messy.k8s"), "{listed}");
    assert!(stderr(&output).contains("1 of 2 files not formatted"));
    assert_eq!(snapshot(&dir), before, "--check writes nothing");

    let tidy = dir.join("nested/tidy.k8s");
    let clean = k8sc(&["fmt", "--check", &tidy.to_string_lossy()]);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
    assert!(clean.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fmt_rewrites_only_what_changes() {
    let dir = fmt_project("fmt-write");
    let tidy = dir.join("nested/tidy.k8s");
    let tidy_modified = std::fs::metadata(&tidy).and_then(|m| m.modified()).ok();
    let output = k8sc(&["fmt", &dir.to_string_lossy()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dir.join("messy.k8s"))
            .ok()
            .as_deref(),
        Some(
            "// web\nservice web {\n  image: \"x\"  // pinned later\n  probes { ready: http \"/r\" }\n}\n\nservice api { image: \"y\" }\n"
        )
    );
    assert_eq!(
        std::fs::metadata(&tidy).and_then(|m| m.modified()).ok(),
        tidy_modified,
        "an already formatted file is not rewritten"
    );
    for skipped in [".hidden/skip.k8s", "target/skip.k8s"] {
        assert_eq!(
            std::fs::read_to_string(dir.join(skipped)).ok().as_deref(),
            Some("service a {x:1}\n"),
            "{skipped} is skipped"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("readable")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("k8sc-fmt"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let again = k8sc(&["fmt", "--check", &dir.to_string_lossy()]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fmt_refuses_files_with_syntax_errors_and_writes_nothing() {
    let dir = fmt_project("fmt-broken");
    std::fs::write(
        dir.join("broken.k8s"),
        "service web {\n  image: \"x\"\n  port http 8080\n}\n",
    )
    .expect("write");
    let before = snapshot(&dir);
    for args in [vec!["fmt"], vec!["fmt", "--check"]] {
        let mut args = args;
        let path = dir.to_string_lossy().into_owned();
        args.push(&path);
        let output = k8sc(&args);
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        let errors = stderr(&output);
        assert!(errors.contains("[E0001] Error"), "{errors}");
        assert!(errors.contains("broken.k8s:3:8"), "{errors}");
        assert!(errors.contains("nothing formatted"), "{errors}");
        assert_eq!(snapshot(&dir), before, "nothing is written");
    }
    let missing = k8sc(&["fmt", &dir.join("nope.k8s").to_string_lossy()]);
    assert_eq!(code(&missing), 2, "I/O error");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn env_builds_a_subset_of_the_environments() {
    let output = k8sc(&[
        "build",
        &shop(),
        "--env",
        "prod",
        "--env",
        "dev",
        "--stdout",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let stream = String::from_utf8_lossy(&output.stdout);
    assert!(stream.contains("# prod/kubernetes/deployment-web.yaml"));
    assert!(stream.contains("# dev/kubernetes/deployment-web.yaml"));
    assert!(!stream.contains("# staging/"));
    // Argo CD still describes every environment.
    assert!(stream.contains("# argocd/application-shop-staging.yaml"));
    let unknown = k8sc(&["build", &shop(), "--env", "qa", "--stdout"]);
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("dev, prod, staging"),
        "{}",
        stderr(&unknown)
    );
}

/// Control characters of a source file (an OSC sequence that would set the terminal's title, a
/// CSI, a C1 control, a bidirectional override) never reach the terminal raw: the excerpt shows
/// them as control pictures (`␛`), messages and GitHub annotations as `\u{1b}` escapes.
#[test]
fn control_characters_of_a_source_are_shown_escaped() {
    let dir = std::env::temp_dir().join(format!("k8sc-cli-escapes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    // E0013 quotes the repository in its message, and the excerpt shows the line.
    let hostile = "app a {\n  namespace: a\n}\n\nservice web {\n  image: \"ghcr.io/acme/web\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}\u{202e}\u{2028}x:1.0.0\" // \u{1b}[31m\n  port: http 8080\n}\n";
    std::fs::write(dir.join("app.k8s"), hostile).expect("write");
    let root = dir.to_string_lossy().into_owned();
    let raw = ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'];
    for args in [
        vec!["check", &root],
        vec!["check", &root, "--format", "github"],
    ] {
        let output = k8sc(&args);
        assert_eq!(code(&output), 1, "{args:?}: {}", stderr(&output));
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert!(
            !all.contains(raw),
            "{args:?}: a raw control character reached the terminal: {all:?}"
        );
        assert!(all.contains("\\u{1b}]0;owned"), "{args:?}: {all}");
    }
    // JSON keeps the text exact, but as `\uXXXX` escapes: a consumer printing a message raw
    // prints no control, C1, bidirectional or line-separator character.
    let output = k8sc(&["check", &root, "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let json = stdout(&output);
    let raw_in_json = ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2028}'];
    assert!(
        !json.contains(raw_in_json),
        "a raw character in JSON: {json:?}"
    );
    assert!(json.contains(r"\u001b]0;owned\u0007"), "{json}");
    assert!(json.contains(r"\u009b\u202e\u2028x"), "{json}");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let message = value["diagnostics"][0]["message"]
        .as_str()
        .expect("a message");
    assert!(
        message.contains("\u{1b}]0;owned\u{7}"),
        "exact text: {message:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `k8sc import` reads mapping keys as kubectl does (sigs.k8s.io/yaml, YAML 1.1): an unquoted
/// `on:` is the key `true`, `0440:` the key `288`, and the report says so, with the fix (quote
/// it); a quoted key stays as written.
#[test]
fn import_reads_mapping_keys_as_kubectl_and_says_so() {
    let dir = scratch("import-keys");
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\ndata:\n  on: enabled\n  \"off\": disabled\n  0440: mode\n";
    std::fs::write(dir.join("flags.yaml"), yaml).expect("write");
    let out = dir.join("out");
    let output = k8sc(&[
        "import",
        &dir.join("flags.yaml").to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = stdout(&output);
    assert!(
        report.contains("the key `on` under `data` is the key `true`")
            && report.contains("the key `0440` under `data` is the key `288`")
            && report.contains("quote it"),
        "{report}"
    );
    assert!(
        !report.contains("the key `off`"),
        "quoted keys stay: {report}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
