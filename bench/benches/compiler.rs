//! In-process benchmarks of the compiler on the generated project (`bench/generate`), for 1,000,
//! 5,000 and 20,000 workloads: a full check, a full build (lowering and YAML rendering, no disk
//! I/O), the incremental re-check after editing one workload through the salsa database — what
//! the language server does on a keystroke — and parsing every file, by the hand-written parser
//! and by the pest grammar.
//!
//! Run: `cargo bench -p k8sc-bench` (all sizes), or `K8SC_BENCH_SIZES=200 cargo bench -p
//! k8sc-bench` for a quick run (what CI does).

use divan::Bencher;
use k8sc_compiler::build::{build, project_diagnostics};
use k8sc_compiler::db::{Database, File, Project};
use std::cell::{Cell, RefCell};

fn main() {
    divan::main();
}

/// The project sizes: `K8SC_BENCH_SIZES` (comma-separated), else 1,000 / 5,000 / 20,000.
fn sizes() -> Vec<usize> {
    std::env::var("K8SC_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![1_000, 5_000, 20_000])
}

fn load(n: usize) -> (Database, Project) {
    load_into(Database::new(), n)
}

/// Loads the generated project of `n` workloads into `db`.
fn load_into(db: Database, n: usize) -> (Database, Project) {
    let files = k8sc_bench::generate(n)
        .into_iter()
        .map(|f| (f.path, f.text))
        .collect();
    let project = db.load_project(files);
    (db, project)
}

/// Parsing every file of the project on one core with the hand-written parser, which a build
/// uses for every file without a syntax error.
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn parse_direct(bencher: Bencher, n: usize) {
    let files = k8sc_bench::generate(n);
    bencher.bench(|| {
        for file in &files {
            divan::black_box(k8sc_grammar::parse_direct(&file.text));
        }
    });
}

/// The same files with the pest grammar, which parses files with errors.
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn parse_pest(bencher: Bencher, n: usize) {
    let files = k8sc_bench::generate(n);
    bencher.bench(|| {
        for file in &files {
            divan::black_box(k8sc_grammar::parse_with_pest(&file.text));
        }
    });
}

/// A full check of a freshly loaded project (parse, resolve, check, lower for diagnostics).
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn check(bencher: Bencher, n: usize) {
    bencher
        .with_inputs(|| load(n))
        .bench_local_values(|(db, project)| {
            let errors = project_diagnostics(&db, project).len();
            assert_eq!(errors, 0, "the generated project has diagnostics");
            (db, project)
        });
}

/// A full build of a freshly loaded project into the in-memory output tree (YAML rendered).
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn build_tree(bencher: Bencher, n: usize) {
    bencher
        .with_inputs(|| load(n))
        .bench_local_values(|(db, project)| {
            let result = build(&db, project);
            assert!(
                result.tree.is_some(),
                "the generated project does not build"
            );
            (db, project, result)
        });
}

/// The re-check after an edit of one workload (its memory request) in a checked project, as a
/// long-lived database (the language server) makes it: outlines tracked, the file open for
/// editing.
#[divan::bench(args = sizes(), sample_count = 50, sample_size = 1)]
fn incremental_recheck(bencher: Bencher, n: usize) {
    let (mut db, project) = load_into(Database::for_editor(), n);
    db.track_outlines(project);
    assert!(project_diagnostics(&db, project).is_empty());
    // Edit the last workload file of the first app: one service among N workloads.
    let path = k8sc_bench::workload_file(0, 1);
    let file: Option<File> = project
        .files(&db)
        .iter()
        .copied()
        .find(|f| f.path(&db) == &path);
    let Some(file) = file else {
        panic!("the generated project has no `{path}`");
    };
    let original = file.text(&db).clone();
    // Opening the file makes it an editor buffer (low durability), as the server does.
    db.edit_file_text(file, original.clone());
    assert!(project_diagnostics(&db, project).is_empty());
    let edited = original.replacen("memory: 128Mi..256Mi", "memory: 192Mi..256Mi", 1);
    assert_ne!(original, edited, "the edit must change the file");
    let texts = [edited, original];
    let db = RefCell::new(db);
    let turn = Cell::new(0usize);
    bencher.bench_local(|| {
        let mut db = db.borrow_mut();
        let next = texts[turn.get() % 2].clone();
        turn.set(turn.get() + 1);
        db.edit_file_text(file, next);
        project_diagnostics(&*db, project).len()
    });
}
