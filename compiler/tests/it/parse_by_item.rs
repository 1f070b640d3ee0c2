//! An editor's database parses files item by item (each top-level item memoised on its text, the
//! parts joined with their spans moved into place). That must give exactly the tree, errors and
//! comments of parsing the whole file, on every input: the repository's `.k8s` files, the fuzz
//! corpora and crashers, and random edits of them.

use k8sc_compiler::db::Database;
use k8sc_compiler::syntax::parse;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Every file under `dir` (recursively).
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The texts to compare on: `.k8s` files of the repository and the parser's and checker's
/// fuzz inputs.
fn inputs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = Vec::new();
    for dir in ["examples", "stdlib", "compiler/tests/diagnostics", "docs"] {
        let mut found = Vec::new();
        files_under(&root.join(dir), &mut found);
        paths.extend(
            found
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "k8s")),
        );
    }
    for dir in [
        "fuzz/corpus/parse",
        "fuzz/corpus/check",
        "fuzz/regressions/parse",
        "fuzz/regressions/check",
    ] {
        files_under(&root.join(dir), &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((
                p.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ))
        })
        .collect()
}

/// Parses `text` as an editor's database does, after it first held `before` (so that items
/// `before` shares with `text` come from memos, as after a keystroke).
fn parse_as_editor(before: &str, text: &str) -> k8sc_grammar::ParseResult {
    let mut db = Database::for_editor();
    let project = db.load_project(vec![("a.k8s".to_string(), before.to_string())]);
    db.track_outlines(project);
    let file = project.files(&db)[0];
    let _ = parse(&db, file);
    db.edit_file_text(file, text.to_string());
    parse(&db, file).clone()
}

#[test]
fn every_known_input_parses_the_same_item_by_item() {
    let inputs = inputs();
    assert!(
        inputs.len() > 200,
        "the inputs were found: {}",
        inputs.len()
    );
    let mut split = 0;
    for (path, text) in &inputs {
        let whole = k8sc_grammar::parse(text);
        assert_eq!(parse_as_editor("", text), whole, "{path}");
        if k8sc_grammar::chunks::split_items(text).len() > 1 && whole.errors.is_empty() {
            split += 1;
        }
    }
    assert!(split > 50, "most valid files have several items: {split}");
}

#[test]
fn an_edit_reparses_only_the_item_it_changes() {
    let text = "service a {\n  image: \"x:1\"\n}\n\nservice b {\n  image: \"y:1\"\n}\n";
    let edited = text.replace("y:1", "y:2");
    let parses = std::sync::Arc::new(std::sync::Mutex::new(0usize));
    let counter = parses.clone();
    let mut db = Database::for_editor_with_event_callback(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind
            && format!("{database_key:?}").starts_with("parse_item(")
            && let Ok(mut n) = counter.lock()
        {
            *n += 1;
        }
    });
    let project = db.load_project(vec![("a.k8s".to_string(), text.to_string())]);
    db.track_outlines(project);
    let file = project.files(&db)[0];
    assert_eq!(parse(&db, file), &k8sc_grammar::parse(text));
    let first = parses.lock().map(|n| *n).unwrap_or_default();
    assert_eq!(first, 2, "two items");
    db.edit_file_text(file, edited.clone());
    assert_eq!(parse(&db, file), &k8sc_grammar::parse(&edited));
    let after = parses.lock().map(|n| *n).unwrap_or_default();
    assert_eq!(after - first, 1, "only `b` is parsed again");
}

/// The examples and the standard library, read once.
static SOURCES: std::sync::LazyLock<Vec<(String, String)>> = std::sync::LazyLock::new(|| {
    inputs()
        .into_iter()
        .filter(|(p, _)| p.contains("examples") || p.contains("stdlib"))
        .collect()
});

/// A random edit: at a fraction of the text, delete some bytes and insert a snippet.
fn edit(text: &str, at: f64, delete: usize, insert: &str) -> String {
    let mut at = ((text.len() as f64) * at) as usize;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + delete).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!("{}{}{}", &text[..at], insert, &text[end..])
}

fn snippet() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\n".to_string()),
        Just("}".to_string()),
        Just("{".to_string()),
        Just("\"".to_string()),
        Just("/*".to_string()),
        Just("// c\n".to_string()),
        Just("/// doc\n".to_string()),
        Just("\nservice x {\n  port: http 80\n}\n".to_string()),
        Just("[".to_string()),
        Just("x".to_string()),
        "[ -~\n]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_edits_of_the_examples_parse_the_same_item_by_item(
        which in 0usize..1000,
        at in 0.0f64..1.0,
        delete in 0usize..8,
        insert in snippet(),
    ) {
        let inputs = &*SOURCES;
        let (path, before) = &inputs[which % inputs.len()];
        let after = edit(before, at, delete, &insert);
        prop_assert_eq!(parse_as_editor(before, &after), k8sc_grammar::parse(&after), "{}", path);
    }
}
