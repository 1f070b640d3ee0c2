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
