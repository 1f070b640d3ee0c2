//! `fmt` on every `.k8s` file of the repository — the examples, the standard library, the
//! parser's golden inputs and the compiler's test files — is idempotent, keeps the tree and keeps
//! every comment in order. Files with syntax errors are refused, never rewritten.

use crate::support;

use k8sc_grammar::format::format_source;
use k8sc_grammar::parse;
use std::path::{Path, PathBuf};

fn k8s_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            k8s_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "k8s") {
            out.push(path);
        }
    }
}

#[test]
fn every_repository_file_formats_idempotently_and_keeps_its_meaning() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "examples",
        "stdlib",
        "grammar/tests/parse",
        "compiler/tests",
    ] {
        k8s_files(&root.join(dir), &mut files);
    }
    files.sort();
    let (mut formatted, mut refused) = (0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable test input");
        if parse(&text).errors.is_empty() {
            support::check_format(&text);
            formatted += 1;
        } else {
            assert!(
                format_source(&text).is_err(),
                "{} has syntax errors but was formatted",
                path.display()
            );
            refused += 1;
        }
    }
    assert!(formatted >= 40, "only {formatted} files formatted");
    assert!(refused >= 5, "only {refused} files with syntax errors");
}
