//! Helpers shared by the tests that run the `k8sc` binary: running it, reading its output, scratch
//! folders and folder snapshots. (Each test file uses a different subset.)
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `k8sc` with `args` (colours off).
pub fn k8sc(args: &[&str]) -> Output {
    command(args).output().expect("k8sc runs")
}

/// Runs `k8sc` with `args` in `dir` (colours off).
pub fn k8sc_in(dir: &Path, args: &[&str]) -> Output {
    command(args).current_dir(dir).output().expect("k8sc runs")
}

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_k8sc"));
    command.args(args).env("NO_COLOR", "1");
    command
}

/// The exit code (-1 when killed by a signal).
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh scratch folder for one test, named after the calling test file and `name`: the files
/// are modules of one test binary, one process, so the file keeps two files' `scratch("build")`
/// apart.
#[track_caller]
pub fn scratch(name: &str) -> PathBuf {
    let file = Path::new(std::panic::Location::caller().file())
        .file_stem()
        .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned());
    let dir = std::env::temp_dir().join(format!("k8sc-{file}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The path of the shop example.
pub fn shop() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/shop")
        .to_string_lossy()
        .into_owned()
}

/// Every file under `dir` with its bytes (empty if `dir` does not exist).
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
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

/// Runs git in `dir` without the user's or the system's configuration; returns its standard
/// output and fails the test if git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
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
