//! The fuzzers' findings, replayed in the normal test suite on stable: every file of the
//! committed (minimised) corpus and every minimised crasher of the `parse`, `format`, `check` and
//! `import` fuzz targets goes through the very code the target runs (`fuzz/harness/`, included here), so
//! a fixed crash stays fixed. `docs/testing.md` says how the corpus is made and refreshed.

#[allow(dead_code)]
#[path = "../../../fuzz/harness/check.rs"]
mod check;
#[allow(dead_code)]
#[path = "../../../fuzz/harness/format.rs"]
mod format;
#[allow(dead_code)]
#[path = "../../../fuzz/harness/import.rs"]
mod import;
#[allow(dead_code)]
#[path = "../../../fuzz/harness/parse.rs"]
mod parse;

use std::path::{Path, PathBuf};

/// Every file of `fuzz/corpus/TARGET` and `fuzz/regressions/TARGET`.
fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut files = Vec::new();
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else {
            continue;
        };
        files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
    }
    files.sort();
    files
}

/// Runs `run` on every input of `target`; the corpus must not be empty (a lost corpus would
/// make this test pass vacuously).
fn replay(target: &str, run: fn(&[u8])) {
    let files = inputs(target);
    assert!(
        files.len() >= 10,
        "the {target} corpus is missing: {files:?}"
    );
    for file in files {
        let data = std::fs::read(&file).expect("a readable corpus file");
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", file.display());
    }
}

#[test]
fn parse_corpus_and_crashers() {
    replay("parse", parse::run);
}

#[test]
fn format_corpus_and_crashers() {
    replay("format", format::run);
}

#[test]
fn check_corpus_and_crashers() {
    replay("check", check::run);
}

#[test]
fn import_corpus_and_crashers() {
    replay("import", import::run);
}

/// The `check` target's way of putting several files in one input.
#[test]
fn check_inputs_split_into_files() {
    let files = check::project_files(
        b"app a {}\n//--- lib/x\ntier t {}\n//--- ../../etc/passwd\nservice s {}\n",
    );
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["app.k8s", "lib/x.k8s", "etc/passwd.k8s"]);
    assert_eq!(files[1].1, "tier t {}\n");
}
