//! docs/tutorial.md is run, start to end, against the `k8sc` binary in a scratch folder: every
//! `k8sc` command of its `sh` blocks runs with the exit status it is said to have, every `.k8s`
//! block is written to the file it names (or compared with it), and every listing and output
//! shown is what k8sc produced.
//!
//! Blocks are tied to the test by an HTML comment on the line before them, invisible when
//! rendered:
//!
//! - `<!-- file: PATH -->` before a `k8s` block: write it to PATH (every `k8s` block has a marker);
//! - `<!-- same as: PATH -->` before a `k8s` block: PATH holds exactly this text;
//! - `<!-- exit: N -->` before an `sh` block: its `k8sc` commands exit with N (default 0);
//! - `<!-- files: DIR -->` before a listing: the first word of each line is the set of files
//!   under DIR;
//! - `<!-- output -->` / `<!-- stderr -->` before a block: the last command printed exactly it
//!   (trailing spaces ignored).
//!
//! In `sh` blocks, `cd DIR` changes the folder and `git` commands are not run (the tutorial's
//! project needs no repository to build); any other command fails the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TUTORIAL: &str = include_str!("../../docs/tutorial.md");

/// A fenced block with the marker before it.
struct Block {
    lang: String,
    marker: Option<String>,
    body: String,
    line: usize,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate();
    let mut previous: Option<&str> = None;
    while let Some((number, line)) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let marker = previous
                .and_then(|p| p.trim().strip_prefix("<!--"))
                .and_then(|p| p.strip_suffix("-->"))
                .map(|p| p.trim().to_string());
            let mut body = String::new();
            for (_, inner) in lines.by_ref() {
                if inner.starts_with("```") {
                    break;
                }
                body.push_str(inner);
                body.push('\n');
            }
            blocks.push(Block {
                lang: lang.trim().to_string(),
                marker,
                body,
                line: number + 1,
            });
            previous = None;
        } else if !line.trim().is_empty() {
            previous = Some(line);
        }
    }
    blocks
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("under dir");
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

fn trimmed(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

#[test]
fn the_tutorial_runs_as_written() {
    let root = std::env::temp_dir().join(format!("k8sc-tutorial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("scratch");
    let mut cwd: PathBuf = root.clone();
    let mut last: Option<Output> = None;
    let mut commands = 0;
    let mut files_written = 0;
    for block in blocks(TUTORIAL) {
        let at = format!("docs/tutorial.md:{}", block.line);
        let marker = block.marker.as_deref();
        match (block.lang.as_str(), marker) {
            ("sh", marker) => {
                let expected: i32 = marker
                    .and_then(|m| m.strip_prefix("exit:"))
                    .map(|n| n.trim().parse().expect("an exit status"))
                    .unwrap_or(0);
                for line in block.body.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    if let Some(dir) = line.strip_prefix("cd ") {
                        cwd = cwd.join(dir.trim());
                    } else if line.starts_with("git ") {
                        continue;
                    } else if let Some(args) = line.strip_prefix("k8sc ") {
                        let output = Command::new(env!("CARGO_BIN_EXE_k8sc"))
                            .args(args.split_whitespace())
                            .current_dir(&cwd)
                            .env("NO_COLOR", "1")
                            .output()
                            .expect("k8sc runs");
                        assert_eq!(
                            output.status.code(),
                            Some(expected),
                            "{at}: `{line}`\n{}",
                            String::from_utf8_lossy(&output.stderr)
                        );
                        commands += 1;
                        last = Some(output);
                    } else {
                        panic!("{at}: the test does not know how to run `{line}`");
                    }
                }
            }
            ("k8s", Some(marker)) if marker.starts_with("file:") => {
                let path = cwd.join(marker["file:".len()..].trim());
                std::fs::write(&path, &block.body).expect("write");
                files_written += 1;
            }
            ("k8s", Some(marker)) if marker.starts_with("same as:") => {
                let path = cwd.join(marker["same as:".len()..].trim());
                let actual = std::fs::read_to_string(&path).expect("the file exists");
                assert_eq!(actual, block.body, "{at}: {} differs", path.display());
            }
            ("k8s", _) => panic!("{at}: a `k8s` block needs a `file:` or `same as:` marker"),
            (_, Some(marker)) if marker.starts_with("files:") => {
                let dir = cwd.join(marker["files:".len()..].trim());
                let mut listed: Vec<String> = block
                    .body
                    .lines()
                    .filter_map(|l| l.split_whitespace().next())
                    .map(str::to_string)
                    .collect();
                listed.sort();
                assert_eq!(listed, files_under(&dir), "{at}: the listing of {dir:?}");
            }
            (_, Some("output")) => {
                let output = last.as_ref().expect("a command ran before");
                assert_eq!(
                    trimmed(&String::from_utf8_lossy(&output.stdout)),
                    trimmed(&block.body),
                    "{at}: the output shown is not what k8sc printed"
                );
            }
            (_, Some("stderr")) => {
                let output = last.as_ref().expect("a command ran before");
                assert_eq!(
                    trimmed(&String::from_utf8_lossy(&output.stderr)),
                    trimmed(&block.body),
                    "{at}: the diagnostics shown are not what k8sc printed"
                );
            }
            _ => {}
        }
    }
    assert!(commands >= 15, "only {commands} commands ran");
    assert!(files_written >= 6, "only {files_written} files written");
    let _ = std::fs::remove_dir_all(&root);
}
