//! The GitOps commands end to end: the drift guard `k8sc build --check` (exit codes, the listing,
//! and that it never writes), `k8sc diff` between two output folders and against a git revision,
//! and `k8sc check --format github`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn k8sc_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("k8sc runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sc-gitops-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn shop() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/shop")
        .to_string_lossy()
        .into_owned()
}

/// Every file under `dir` with its bytes (empty if `dir` does not exist).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).expect("readable"));
            }
        }
    }
    files
}

/// Builds the shop example into `dir/out`; returns the `--out` argument.
fn built_shop(dir: &Path) -> String {
    let out = dir.join("out").to_string_lossy().into_owned();
    let output = k8sc_in(dir, &["build", &shop(), "--out", &out]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    out
}

/// `k8sc build --check`, asserting that OUT is byte-identical afterwards.
fn check(dir: &Path, out: &str) -> Output {
    let before = snapshot(Path::new(out));
    let output = k8sc_in(dir, &["build", &shop(), "--check", "--out", out]);
    assert_eq!(
        snapshot(Path::new(out)),
        before,
        "--check never writes: OUT is byte-identical afterwards"
    );
    output
}

#[test]
fn check_passes_on_an_identical_output() {
    let dir = scratch("check-same");
    let out = built_shop(&dir);
    let output = check(&dir, &out);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "", "nothing to list");
    let files = snapshot(Path::new(&out)).len();
    assert!(
        stderr(&output).contains(&format!("is up to date ({files} files)")),
        "{}",
        stderr(&output)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_lists_a_modified_file_with_its_diff() {
    let dir = scratch("check-modified");
    let out = built_shop(&dir);
    let file = Path::new(&out).join("prod/kubernetes/deployment-web.yaml");
    let text = std::fs::read_to_string(&file).expect("readable");
    std::fs::write(
        &file,
        text.replace("image: ghcr.io/acme/web:2.3.1", "image: ghcr.io/acme/web:9"),
    )
    .expect("write");
    let output = check(&dir, &out);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let listing = stdout(&output);
    assert!(listing.contains("does not match the sources"), "{listing}");
    assert!(
        listing.contains("\n  changed  prod/kubernetes/deployment-web.yaml\n"),
        "{listing}"
    );
    assert!(listing.contains("(on disk)\n+++ "), "{listing}");
    assert!(
        listing.contains(
            "\n-        image: ghcr.io/acme/web:9\n+        image: ghcr.io/acme/web:2.3.1\n"
        ),
        "{listing}"
    );
    assert_eq!(listing.matches("  changed  ").count(), 1, "{listing}");
    assert!(
        stderr(&output).contains("run `k8sc build"),
        "{}",
        stderr(&output)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_lists_extra_generated_and_foreign_files() {
    let dir = scratch("check-extra");
    let out = built_shop(&dir);
    let kubernetes = Path::new(&out).join("prod/kubernetes");
    std::fs::copy(
        kubernetes.join("service-web.yaml"),
        kubernetes.join("service-old.yaml"),
    )
    .expect("copy");
    std::fs::write(Path::new(&out).join("prod/notes.md"), "mine").expect("write");
    let output = check(&dir, &out);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let listing = stdout(&output);
    assert!(
        listing.contains("\n  removed  prod/kubernetes/service-old.yaml\n"),
        "{listing}"
    );
    assert!(
        listing.contains("\n  foreign  prod/notes.md  (not generated by k8sc)\n"),
        "{listing}"
    );
    assert!(!listing.contains("changed"), "{listing}");
    assert!(!listing.contains("added"), "{listing}");
    assert!(
        stderr(&output).contains("files not generated by k8sc"),
        "{}",
        stderr(&output)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_lists_missing_files_and_a_missing_folder() {
    let dir = scratch("check-missing");
    let out = built_shop(&dir);
    std::fs::remove_file(Path::new(&out).join("prod/kyverno/policy-pinned-images.yaml"))
        .expect("remove");
    let output = check(&dir, &out);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let listing = stdout(&output);
    assert!(
        listing.contains("\n  added    prod/kyverno/policy-pinned-images.yaml\n"),
        "{listing}"
    );
    assert_eq!(listing.lines().count(), 2, "{listing}");

    let files = snapshot(Path::new(&out)).len() + 1;
    let nowhere = dir.join("nowhere").to_string_lossy().into_owned();
    let output = check(&dir, &nowhere);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        stdout(&output).matches("\n  added    ").count(),
        files,
        "{}",
        stdout(&output)
    );
    assert!(
        !Path::new(&nowhere).exists(),
        "a missing OUT is not created"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_errors() {
    let dir = scratch("check-errors");
    // OUT is a file: an I/O error.
    let file = dir.join("out.txt");
    std::fs::write(&file, "x").expect("write");
    let output = check(&dir, &file.to_string_lossy());
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is not a folder"),
        "{}",
        stderr(&output)
    );
    // A project with errors cannot be compared: exit 1, as for `k8sc build`.
    std::fs::write(
        dir.join("app.k8s"),
        "app shop {}\nservice web {\n  image: \"ghcr.io/acme/web:1\"\n  port: http 99999\n}\n",
    )
    .expect("write");
    let out = dir.join("out").to_string_lossy().into_owned();
    let output = k8sc_in(&dir, &["build", ".", "--check", "--out", &out]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot compare the output"),
        "{}",
        stderr(&output)
    );
    let usage = k8sc_in(&dir, &["build", ".", "--check", "--stdout"]);
    assert_eq!(code(&usage), 2, "--check and --stdout conflict");
    let _ = std::fs::remove_dir_all(&dir);
}

const APP: &str = "app shop {
  namespace: shop
}

service web {
  image: \"ghcr.io/acme/web:2.3.1\"
  port: http 8080
  replicas: 3
  probes { ready: http \"/ready\" }
}
";

const WORKER: &str = "
worker mailer {
  image: \"ghcr.io/acme/mailer:1.0.0\"
}
";

/// Builds `source` as a one-file project into `dir/NAME`; returns that folder.
fn build_source(dir: &Path, name: &str, source: &str) -> String {
    let project = dir.join(format!("{name}-src"));
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(project.join("app.k8s"), source).expect("write");
    let out = dir.join(name).to_string_lossy().into_owned();
    let output = k8sc_in(dir, &["build", &project.to_string_lossy(), "--out", &out]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    out
}

#[test]
fn diff_reports_a_field_change() {
    let dir = scratch("diff-field");
    let old = build_source(&dir, "old", APP);
    let new = build_source(&dir, "new", &APP.replace("replicas: 3", "replicas: 5"));
    let output = k8sc_in(&dir, &["diff", &old, &new]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "~ Deployment/web (apps/v1, namespace shop)\n    spec.replicas: 3 → 5\n\n1 changed, 0 added, 0 removed\n"
    );
    let same = k8sc_in(&dir, &["diff", &old, &old]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    assert_eq!(stdout(&same), "");
    assert!(
        stderr(&same).contains("no differences"),
        "{}",
        stderr(&same)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_reports_added_and_removed_resources() {
    let dir = scratch("diff-added");
    let old = build_source(&dir, "old", APP);
    let new = build_source(&dir, "new", &format!("{APP}{WORKER}"));
    let added = k8sc_in(&dir, &["diff", &old, &new]);
    assert_eq!(code(&added), 1, "{}", stderr(&added));
    let text = stdout(&added);
    assert_eq!(
        text,
        "+ Deployment/mailer (apps/v1, namespace shop)\n\
         + ServiceAccount/mailer (v1, namespace shop)\n\
         \n0 changed, 2 added, 0 removed\n"
    );
    let removed = k8sc_in(&dir, &["diff", &new, &old]);
    assert_eq!(code(&removed), 1);
    let text = stdout(&removed);
    assert!(
        text.starts_with("- Deployment/mailer (apps/v1, namespace shop)\n"),
        "{text}"
    );
    assert!(
        text.ends_with("\n0 changed, 0 added, 2 removed\n"),
        "{text}"
    );
    // Deterministic.
    assert_eq!(stdout(&k8sc_in(&dir, &["diff", &new, &old])), text);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_errors_are_clear() {
    let dir = scratch("diff-errors");
    let old = build_source(&dir, "old", APP);
    let garbage = dir.join("garbage");
    std::fs::create_dir_all(&garbage).expect("mkdir");
    std::fs::write(garbage.join("x.yaml"), "a: [1, 2\nb: }\n").expect("write");
    let output = k8sc_in(&dir, &["diff", &old, &garbage.to_string_lossy()]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("x.yaml` is not valid YAML: line 2"),
        "{}",
        stderr(&output)
    );
    let missing = k8sc_in(&dir, &["diff", &old, "nope"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("cannot read `nope`"),
        "{}",
        stderr(&missing)
    );
    let one = k8sc_in(&dir, &["diff", &old]);
    assert_eq!(code(&one), 2);
    assert!(
        stderr(&one).contains("k8sc diff OLD NEW"),
        "{}",
        stderr(&one)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs git in `dir` without the user's or the system's configuration.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=k8sc", "-c", "user.email=k8sc@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    stdout(&output)
}

#[test]
fn diff_against_a_git_revision() {
    let repo = scratch("diff-against");
    let project = repo.join("apps/shop");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(project.join("app.k8s"), APP).expect("write");
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    std::fs::write(
        project.join("app.k8s"),
        APP.replace("replicas: 3", "replicas: 5"),
    )
    .expect("write");
    git(&repo, &["commit", "-q", "-a", "-m", "two"]);
    std::fs::write(
        project.join("app.k8s"),
        format!("{}{WORKER}", APP.replace("replicas: 3", "replicas: 5")),
    )
    .expect("write");
    let status = git(&repo, &["status", "--porcelain"]);
    let before = snapshot(&repo);

    // From the repository root, naming the project; the uncommitted worker is new.
    let output = k8sc_in(&repo, &["diff", "--against", "HEAD", "apps/shop"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("+ Deployment/mailer (apps/v1, namespace shop)\n"),
        "{text}"
    );
    assert!(!text.contains("spec.replicas"), "{text}");

    // From inside the project, two commits back: the replicas change too.
    let output = k8sc_in(&project, &["diff", "--against", "HEAD~1"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("~ Deployment/web (apps/v1, namespace shop)\n    spec.replicas: 3 → 5\n"),
        "{text}"
    );
    assert!(text.contains("+ Deployment/mailer"), "{text}");

    // The project given as a file.
    let output = k8sc_in(&project, &["diff", "--against", "HEAD~1", "app.k8s"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("spec.replicas: 3 → 5"),
        "{}",
        stdout(&output)
    );

    // Unchanged since a revision: exit 0.
    std::fs::write(
        project.join("app.k8s"),
        APP.replace("replicas: 3", "replicas: 5"),
    )
    .expect("write");
    let output = k8sc_in(&repo, &["diff", "--against", "HEAD", "apps/shop"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));

    // A project that did not exist at the revision: everything is new.
    let fresh = repo.join("apps/fresh");
    std::fs::create_dir_all(&fresh).expect("mkdir");
    std::fs::write(fresh.join("app.k8s"), APP).expect("write");
    let output = k8sc_in(&repo, &["diff", "--against", "HEAD", "apps/fresh"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("+ Deployment/web"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("no .k8s sources at `HEAD`"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_dir_all(&fresh).expect("cleanup");
    std::fs::write(
        project.join("app.k8s"),
        format!("{}{WORKER}", APP.replace("replicas: 3", "replicas: 5")),
    )
    .expect("write");

    // Errors: an unknown revision, and a folder outside any repository.
    let output = k8sc_in(&repo, &["diff", "--against", "no-such-branch", "apps/shop"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("`no-such-branch` is not a commit"),
        "{}",
        stderr(&output)
    );
    let outside = scratch("diff-against-outside");
    std::fs::write(outside.join("app.k8s"), APP).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args(["diff", "--against", "HEAD"])
        .current_dir(&outside)
        .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
        .output()
        .expect("runs");
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("is not in a git repository"),
        "{}",
        stderr(&output)
    );

    // Nothing in the repository changed, and no temporary folder is left behind.
    assert_eq!(git(&repo, &["status", "--porcelain"]), status);
    assert_eq!(snapshot(&repo), before);
    assert_eq!(git(&repo, &["worktree", "list"]).lines().count(), 1);
    let _ = std::fs::remove_dir_all(&repo);
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn check_annotates_for_github() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = k8sc_in(
        root,
        &[
            "check",
            "compiler/tests/fixtures/ten_mistakes.k8s",
            "--format",
            "github",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 10, "{text}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{text}"
    );
    assert!(
        lines[0].starts_with(
            "::error file=compiler/tests/fixtures/ten_mistakes.k8s,line=4,col=14,endLine=4,"
        ),
        "{text}"
    );
    assert!(lines[0].contains(",title=E0012::"), "{text}");
    // Messages stay on one line: newlines are escaped.
    assert!(text.contains("%0Ahelp: "), "{text}");

    // An absolute project path is made relative to the working directory.
    let absolute = root.join("compiler/tests/fixtures/ten_mistakes.k8s");
    let output = k8sc_in(
        root,
        &["check", &absolute.to_string_lossy(), "--format", "github"],
    );
    assert_eq!(stdout(&output), text);

    let clean = k8sc_in(root, &["check", "examples/shop", "--format", "github"]);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
    assert_eq!(stdout(&clean), "");
}
