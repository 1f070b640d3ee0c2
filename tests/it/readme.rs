//! The README's example compiles, without diagnostics, to exactly the files the README lists.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;

const README: &str = include_str!("../../README.md");

fn example_source() -> &'static str {
    let start = README.find("```k8s\n").expect("README has a k8s example") + "```k8s\n".len();
    let end = README[start..].find("```").expect("closed") + start;
    &README[start..end]
}

fn listed_files() -> Vec<String> {
    let start = README
        .find("out/default/Kustomization")
        .expect("README lists the output");
    let end = README[start..].find("```").expect("closed") + start;
    README[start..end]
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(|path| path.trim_start_matches("out/").to_string())
        .collect()
}

#[test]
fn readme_example_builds_to_the_files_it_lists() {
    let source = example_source();
    assert!(
        source.lines().count() <= 20,
        "the example is at most twenty lines"
    );
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), source.to_string())]);
    let result = build(&db, project);
    assert!(result.diagnostics.is_empty(), "{:#?}", result.diagnostics);
    let tree = result.tree.expect("output");
    let mut built: Vec<String> = tree.files.keys().cloned().collect();
    let mut listed = listed_files();
    built.sort();
    listed.sort();
    assert_eq!(built, listed);
}
