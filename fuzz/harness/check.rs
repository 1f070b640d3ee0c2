//! The `check` fuzz target's body, shared with the regression tests that replay its corpus on
//! stable (`compiler/tests/it/fuzz_corpus.rs`): the whole pipeline behind `k8sc check` and
//! `k8sc build` — parsing, checking, lowering, every backend, the YAML writer, the diagram and the
//! three diagnostic renderers — never panics on a small in-memory project, and a build without
//! errors always has output.
//!
//! The input is one or more files: it starts as `app.k8s`, and every line `//--- NAME` starts a
//! new file called NAME (sanitised to a relative path ending in `.k8s`), so that imports between
//! files, several apps and environments are reached from a single byte string.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::{render_all, to_github, to_json};
use std::collections::BTreeMap;

/// The line that starts a new file.
pub const FILE_MARKER: &str = "//--- ";

/// The files of the project `data` describes, as (display path, text).
pub fn project_files(data: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(data);
    let mut files: Vec<(String, String)> = vec![("app.k8s".to_string(), String::new())];
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix(FILE_MARKER) {
            let name = sanitise(name.trim());
            if !files.iter().any(|(n, _)| *n == name) && files.len() < 8 {
                files.push((name, String::new()));
                continue;
            }
        }
        if let Some((_, text)) = files.last_mut() {
            text.push_str(line);
        }
    }
    files
}

/// A relative path of lowercase words, ending in `.k8s`, as the loader would produce.
fn sanitise(name: &str) -> String {
    let parts: Vec<String> = name
        .split('/')
        .map(|p| {
            p.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                .take(16)
                .collect::<String>()
        })
        .filter(|p| !p.is_empty())
        .take(3)
        .collect();
    let name = parts.join("/");
    if name.is_empty() {
        "x.k8s".to_string()
    } else {
        format!("{name}.k8s")
    }
}

/// Runs the whole pipeline on the project `data` describes.
pub fn run(data: &[u8]) {
    let files = project_files(data);
    let mut texts: BTreeMap<String, String> = files.iter().cloned().collect();
    for module in k8sc_compiler::stdlib::MODULES {
        texts.insert(module.path.to_string(), module.text.to_string());
    }
    let db = Database::new();
    let project = db.load_project(files);
    let result = build(&db, project);
    let _ = render_all(&result.diagnostics, &texts, false);
    let _ = render_all(&result.diagnostics, &texts, true);
    let _ = to_json(&result.diagnostics, &texts);
    let _ = to_github(&result.diagnostics, &texts, "deploy/");
    let has_errors = result.diagnostics.iter().any(|d| d.is_error());
    match &result.tree {
        Some(tree) => {
            assert!(!has_errors, "a build with errors has output");
            let _ = tree.to_stream();
        }
        None => assert!(has_errors, "a build without errors has no output"),
    }
    if !has_errors {
        let ir = &k8sc_compiler::lower::lower_project(&db, project).ir;
        let diagram = k8sc_compiler::diagram::Diagram::new(ir);
        for format in [
            k8sc_compiler::diagram::Format::Dot,
            k8sc_compiler::diagram::Format::Mermaid,
            k8sc_compiler::diagram::Format::Svg,
        ] {
            let _ = diagram.render(format);
        }
    }
}
