//! The compiler never panics, whatever the input: real examples are mutated at random (spans
//! deleted, tokens inserted) and pushed through the whole pipeline — checking, lowering, the
//! Kubernetes backend and the YAML writer — and their diagnostics rendered.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::render_all;
use proptest::prelude::*;
use std::collections::BTreeMap;

const SHOP: &str = include_str!("../../../examples/shop/app.k8s");

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    ",",
    "\n",
    "\"",
    "..",
    "%",
    "-",
    "_",
    "0",
    "65536",
    "500m",
    "1Gi",
    "http",
    "grpc",
    "secret",
    "a.b",
    "service x {",
    "app y {}",
    "import ./x",
    "import std.",
    "tier: t",
    "calls: [",
    "replicas: ",
    "image: \"",
    "@sha256:",
    "é",
    "\u{0}",
    "🚀",
    "//",
    "/*",
    "\"\"\"",
    "\\",
    "not ",
    " in ",
    "==",
];

fn mutated() -> impl Strategy<Value = String> {
    let edits = prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0usize..40,
            any::<prop::sample::Index>(),
        ),
        1..6,
    );
    edits.prop_map(|edits| {
        let mut text = SHOP.to_string();
        for (at, delete, token) in edits {
            let mut start = at.index(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + delete).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(start..end, TOKENS[token.index(TOKENS.len())]);
        }
        text
    })
}

fn compile(files: Vec<(String, String)>) {
    let texts: BTreeMap<String, String> = files.iter().cloned().collect();
    let db = Database::new();
    let project = db.load_project(files);
    let result = build(&db, project);
    let _ = render_all(&result.diagnostics, &texts, false);
    if let Some(tree) = result.tree {
        let _ = tree.to_stream();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn mutated_examples_never_panic(text in mutated()) {
        compile(vec![("app.k8s".to_string(), text)]);
    }

    #[test]
    fn mutated_multi_file_projects_never_panic(a in mutated(), b in mutated()) {
        compile(vec![
            ("app.k8s".to_string(), a),
            ("x.k8s".to_string(), b.replace("app shop", "tier t")),
        ]);
    }
}
