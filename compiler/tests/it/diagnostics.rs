//! One test case per diagnostic code, in `tests/diagnostics/`: a `.k8s` file (or a folder of them
//! for multi-file cases) whose comments `//~ CODE` mark the line each diagnostic must point at
//! (`//~^ CODE` points one line up). The harness checks that exactly the annotated diagnostics are
//! reported — no more, no fewer — and snapshots how they render.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::{Code, Diagnostic, render_all};
use k8sc_compiler::loader;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Expectation = BTreeSet<(String, usize, String)>;

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/diagnostics exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "k8s"))
        .collect();
    cases.sort();
    cases
}

/// `(file, line, code)` for every `//~ CODE` annotation.
fn expected(files: &[(String, String)]) -> Expectation {
    let mut out = BTreeSet::new();
    for (path, text) in files {
        for (index, line) in text.lines().enumerate() {
            let Some(at) = line.find("//~") else {
                continue;
            };
            let rest = &line[at + 3..];
            let carets = rest.chars().take_while(|c| *c == '^').count();
            for code in rest[carets..].split_whitespace() {
                out.insert((path.clone(), index + 1 - carets, code.to_string()));
            }
        }
    }
    out
}

fn line_of(text: &str, offset: u32) -> usize {
    text[..(offset as usize).min(text.len())]
        .matches('\n')
        .count()
        + 1
}

fn actual(diagnostics: &[Diagnostic], texts: &BTreeMap<String, String>) -> Expectation {
    diagnostics
        .iter()
        .map(|d| {
            let text = texts.get(&d.primary.file).map_or("", String::as_str);
            (
                d.primary.file.clone(),
                line_of(text, d.primary.span.start),
                d.code.as_str().to_string(),
            )
        })
        .collect()
}

fn run(case: &Path) -> (Expectation, Expectation, String) {
    let loaded = loader::load(case).expect("case loads");
    let mut texts: BTreeMap<String, String> = loaded.files.iter().cloned().collect();
    // Labels may point into the standard library (the rule a workload breaks).
    for module in k8sc_compiler::stdlib::MODULES {
        texts.insert(module.path.to_string(), module.text.to_string());
    }
    let db = Database::new();
    let project = db.load_project(loaded.files.clone());
    // A build's diagnostics: the checks', and — when they find no error — the scan of the
    // generated documents (E0045).
    let diagnostics = &build(&db, project).diagnostics;
    let rendered = render_all(diagnostics, &texts, false);
    (
        expected(&loaded.files),
        actual(diagnostics, &texts),
        rendered,
    )
}

#[test]
fn every_case_reports_exactly_its_annotations() {
    let mut failures = Vec::new();
    for case in cases() {
        let (expected, actual, rendered) = run(&case);
        let name = case
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().into_owned());
        if expected != actual {
            failures.push(format!(
                "{name}:\n  missing:    {:?}\n  unexpected: {:?}\n{rendered}",
                expected.difference(&actual).collect::<Vec<_>>(),
                actual.difference(&expected).collect::<Vec<_>>(),
            ));
        }
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false, snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!("diagnostic", rendered);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_has_a_case_and_an_explanation() {
    let cases = cases();
    for code in Code::ALL {
        let case = cases.iter().find(|c| {
            c.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(code.as_str()))
        });
        let Some(case) = case else {
            panic!("no test case in tests/diagnostics/ for {code}");
        };
        let (_, actual, _) = run(case);
        assert!(
            actual.iter().any(|(_, _, c)| c == code.as_str()),
            "the case for {code} does not report it"
        );
        let explanation = code.explanation();
        assert!(
            explanation.starts_with(&format!("# {}: {}", code.as_str(), code.title())),
            "explain/{code}.md must start with `# {code}: {}`",
            code.title()
        );
        assert!(
            explanation.contains("## Example") && explanation.contains("## Fix"),
            "explain/{code}.md needs an Example and a Fix section"
        );
    }
}

/// The acceptance case: a file with ten different mistakes (one of them a syntax error inside a
/// service) reports all of them, each with its code on the right line.
#[test]
fn ten_different_mistakes_are_all_reported() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ten_mistakes.k8s");
    let (expected, actual, rendered) = run(&case);
    assert_eq!(expected, actual, "{rendered}");
    let codes: BTreeSet<&str> = actual.iter().map(|(_, _, code)| code.as_str()).collect();
    assert!(
        codes.len() >= 10,
        "only {} different codes: {codes:?}",
        codes.len()
    );
}

/// `check` and the editor gather an environment's diagnostics per app without building its IR
/// (`env_diagnostics`); `build` gets them from the lowering itself (`lower_env`). Both must report
/// the same problems, or the editor and CI would disagree.
#[test]
fn checking_and_lowering_report_the_same_problems() {
    use k8sc_compiler::lower::{env_diagnostics, environments, lower_env};
    use k8sc_compiler::semantic::envs::EnvKey;
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut projects = cases();
    projects.extend(
        std::fs::read_dir(&examples)
            .expect("examples exist")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir()),
    );
    let mut compared = 0;
    for case in projects {
        let loaded = loader::load(&case).expect("case loads");
        let db = Database::new();
        let project = db.load_project(loaded.files.clone());
        for env in environments(&db, project).clone() {
            let key = EnvKey::new(&db, env.clone());
            let mut checked = env_diagnostics(&db, project, key).clone();
            let mut lowered = lower_env(&db, project, key).diagnostics.clone();
            k8sc_compiler::diagnostics::sort(&mut checked);
            k8sc_compiler::diagnostics::sort(&mut lowered);
            assert_eq!(checked, lowered, "{} in environment {env}", case.display());
            compared += checked.len();
        }
    }
    assert!(compared > 20, "the cases report problems to compare");
}
