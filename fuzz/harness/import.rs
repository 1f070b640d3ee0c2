//! The `import` fuzz target's body, shared with the regression tests that replay its corpus on
//! stable (`compiler/tests/it/fuzz_corpus.rs`): the YAML importer (`k8sc import`) never panics and
//! never hangs on any bytes — YAML or not, Kubernetes or not — and whenever it succeeds, the
//! `.k8s` file it writes parses without a syntax error and its report can be printed.
//!
//! The input is read as one file (invalid UTF-8 replaced), as `k8sc import FILE` reads it.

use k8sc_compiler::import::{import, read_documents};

/// Imports `data` and checks the importer's invariants.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(manifests) = read_documents("input.yaml", &text) else {
        return;
    };
    let Ok(imported) = import(&manifests, "imported") else {
        return;
    };
    let (name, file) = &imported.file;
    let parsed = k8sc_grammar::parse(file);
    assert!(
        parsed.errors.is_empty(),
        "the imported {name} does not parse: {:?}\n{file}",
        parsed.errors
    );
    let _ = imported.report.to_string();
}
