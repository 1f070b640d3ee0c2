//! The hand-written parser against the pest grammar: whenever it accepts a text, its tree, spans
//! and comments are pest's exactly and pest finds no error; and it accepts every valid `.k8s` file
//! of the repository, so builds really take the fast path.
//!
//! Inputs: every `.k8s` file of the repository, every input of the committed fuzz corpora, random
//! edits of the repository's files, and text built from the language's tokens.

use k8sc_grammar::{ParseResult, parse_direct, parse_with_pest};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Files under `dir` (recursively), skipping build output and Git's folder.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(
                name,
                "target" | ".git" | "node_modules" | "work" | "artifacts"
            ) {
                files_under(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

fn repository_sources() -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    files_under(&workspace(), &mut paths);
    paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "k8s"))
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|text| (p, text)))
        .collect()
}

fn fuzz_inputs() -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    files_under(&workspace().join("fuzz/corpus"), &mut paths);
    files_under(&workspace().join("fuzz/regressions"), &mut paths);
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((p, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect()
}

/// The property: a tree from the direct parser is pest's, for a text pest finds no error in.
/// Returns whether the direct parser took the text.
fn agrees(text: &str) -> Result<bool, String> {
    let Some(direct) = parse_direct(text) else {
        return Ok(false);
    };
    let pest: ParseResult = parse_with_pest(text);
    if !pest.errors.is_empty() {
        return Err(format!(
            "the direct parser accepted a text pest finds errors in: {:?}",
            pest.errors
        ));
    }
    if direct != pest {
        let (d, p) = (format!("{:#?}", direct.file), format!("{:#?}", pest.file));
        let at = d
            .lines()
            .zip(p.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let context = |s: &str| {
            s.lines()
                .skip(at.saturating_sub(8))
                .take(12)
                .collect::<Vec<_>>()
                .join("\n")
        };
        return Err(format!(
            "trees differ at line {at}:\n--- direct\n{}\n--- pest\n{}",
            context(&d),
            context(&p)
        ));
    }
    Ok(true)
}

#[test]
fn every_repository_file_takes_the_direct_path_with_the_same_tree() {
    let sources = repository_sources();
    assert!(
        sources.len() > 50,
        "found only {} .k8s files",
        sources.len()
    );
    let mut valid = 0;
    for (path, text) in &sources {
        let taken = agrees(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if parse_with_pest(text).errors.is_empty() {
            valid += 1;
            assert!(
                taken,
                "{}: valid, but the direct parser left it to pest",
                path.display()
            );
        }
    }
    assert!(valid > 40, "only {valid} valid files");
}

#[test]
fn fuzz_inputs_agree() {
    let inputs = fuzz_inputs();
    assert!(
        inputs.len() > 500,
        "found only {} fuzz inputs",
        inputs.len()
    );
    let mut taken = 0;
    for (path, text) in &inputs {
        if agrees(text).unwrap_or_else(|e| panic!("{}: {e}", path.display())) {
            taken += 1;
        }
    }
    assert!(taken > 0, "the direct parser took none of the fuzz inputs");
}

/// Small edits that matter to the grammar: brackets, quotes, separators, operators, comments,
/// whitespace, keywords.
fn edit() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "", " ", "  ", "\t", "\n", "\r\n", ",", ":", ".", "..", "{", "}", "[", "]", "(", ")", "\"",
        "\"\"\"", "\\", "//c", "// x\n", "/* c */", "/*", "*/", "not ", " in ", "and", "or", "==",
        ">=", "<", "1", "2s", "5%", "-", "x", "a.b", "true", "patch", "allow", "require",
        "because", "service", "import", "é", "\u{FEFF}",
    ])
}

fn sample_sources() -> Vec<String> {
    let mut sources: Vec<String> = repository_sources()
        .into_iter()
        .map(|(_, text)| text)
        .filter(|text| text.len() < 6_000)
        .collect();
    sources.sort();
    sources
}

/// Text built from the language's tokens.
fn token_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "service",
        "app",
        "policy",
        "require",
        "allow",
        "because",
        "patch",
        "import",
        "std.tiers",
        "./x",
        "web",
        "a.b",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ":",
        ",",
        "\n",
        " ",
        "\"s\"",
        "\"",
        "\"\"\"",
        "8080",
        "250m",
        "1.5",
        "..",
        "5%",
        "not",
        "in",
        "and",
        "or",
        "==",
        ">=",
        "//c\n",
        "/* c */",
        "http",
        "true",
        "\t",
        "-",
        "x",
    ]);
    prop::collection::vec(tokens, 0..60).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Up to three edits at random places of a repository file.
    #[test]
    fn edited_files_agree(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..4, edit()), 1..4),
    ) {
        let sources = sample_sources();
        let mut text = sources[pick.index(sources.len())].clone();
        for (at, delete, insert) in edits {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + delete).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, insert);
        }
        if let Err(e) = agrees(&text) {
            prop_assert!(false, "{e}\n--- text\n{text}");
        }
    }

    #[test]
    fn token_soup_agrees(text in token_soup()) {
        if let Err(e) = agrees(&text) {
            prop_assert!(false, "{e}\n--- text\n{text:?}");
        }
    }
}

/// Cases per property: `K8SC_DIRECT_CASES` for a longer run.
fn cases() -> u32 {
    std::env::var("K8SC_DIRECT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400)
}
