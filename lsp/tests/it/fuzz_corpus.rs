//! The `lsp` fuzzer's findings, replayed in the normal test suite on stable: every file of the
//! committed (minimised) corpus and every minimised crasher goes through the very code the fuzz
//! target runs (`fuzz/harness/lsp.rs`, included here) — a random sequence of edits and requests
//! on a document — so a fixed crash stays fixed.

#[path = "../../../fuzz/harness/lsp.rs"]
mod harness;

use std::path::Path;

#[test]
fn lsp_corpus_and_crashers() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut files = Vec::new();
    for folder in ["corpus", "regressions"] {
        if let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join("lsp")) {
            files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    assert!(files.len() >= 10, "the lsp corpus is missing: {files:?}");
    for file in files {
        let data = std::fs::read(&file).expect("a readable corpus file");
        let outcome = std::panic::catch_unwind(|| harness::run(&data));
        assert!(outcome.is_ok(), "lsp: {} fails", file.display());
    }
}
