//! The checker's work grows linearly with the number of declarations in one file, counted rather
//! than timed (so the test is exact on a busy machine): the count is of the top-level items the
//! checker visits through the syntax tree's iterators (`k8sc_grammar::work`), which is where a scan
//! of the whole file made once per declaration shows. Before the per-file declaration table
//! (`semantic::decls::decl_table`), finding declaration n walked the n items before it: 80,000
//! services in one file took 26 s to check (800 files of 100: 2.5 s), and a million tiny tiers ran
//! out of 300 s. Each family below is checked at two sizes: doubling the declarations must at
//! most about double the work, and the work per declaration is bounded.
//!
//! The diagnostics are counted the same way (`k8sc_compiler::work`): gathering the environments'
//! diagnostics compared each with every one gathered before, so 80,000 services with a warning
//! each took 442 s (debug build) where 20,000 took 39 s.

use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::Database;
use std::sync::Mutex;

/// Top-level items the checker may visit per declaration of the file (it walks the file's items
/// a few times per file — scope, outline, table, imports — never once per declaration).
const ITEMS_PER_DECL: u64 = 16;

/// The counters are per process: each test runs alone in a child process of the test binary
/// (`run_alone!`, so no other test adds to them), one measurement at a time.
static LOCK: Mutex<()> = Mutex::new(());

/// Top-level items visited to check `files`.
fn work(files: Vec<(String, String)>) -> u64 {
    let _one_at_a_time = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let db = Database::new();
    let project = db.load_project(files);
    let before = k8sc_grammar::work::items_visited();
    let _ = project_diagnostics(&db, project);
    k8sc_grammar::work::items_visited() - before
}

/// The work for the standard library alone (every check includes it).
fn baseline() -> u64 {
    work(Vec::new())
}

/// `n` services in one file, with their app.
fn services(n: usize) -> Vec<(String, String)> {
    let mut text = String::from("app big {\n  namespace: big\n}\n");
    for i in 0..n {
        text.push_str(&format!(
            "\nservice s{i} {{\n  image: \"ghcr.io/acme/s{i}:1.0.0\"\n  port: http 8080\n}}\n"
        ));
    }
    vec![("app.k8s".to_string(), text)]
}

/// `n` tiny tiers in one file (`tier tN {}`, 16 bytes each: a million fit the 64 MiB limit).
fn tiers(n: usize) -> Vec<(String, String)> {
    let text: String = (0..n).map(|i| format!("tier t{i} {{}}\n")).collect();
    vec![("tiers.k8s".to_string(), text)]
}

/// `n` declarations with a syntax error each (a field without a value).
fn broken_services(n: usize) -> Vec<(String, String)> {
    let mut text = String::from("app big {\n  namespace: big\n}\n");
    for i in 0..n {
        text.push_str(&format!("\nservice s{i} {{\n  image:\n}}\n"));
    }
    vec![("app.k8s".to_string(), text)]
}

/// Checks one family at `n` and `2n` declarations.
fn assert_linear(family: &str, make: fn(usize) -> Vec<(String, String)>, n: u64) {
    let base = baseline();
    let small = work(make(n as usize)) - base;
    let large = work(make(2 * n as usize)) - base;
    assert!(
        small <= ITEMS_PER_DECL * n,
        "{family}: {small} items visited for {n} declarations (at most {} allowed)",
        ITEMS_PER_DECL * n
    );
    assert!(
        large <= small * 21 / 10 + 100,
        "{family}: twice the declarations took {large} items visited, against {small} for {n}"
    );
}

#[test]
fn many_services_in_one_file_are_checked_in_linear_work() {
    run_alone!();
    assert_linear("services", services, 1_000);
}

#[test]
fn many_tiny_tiers_in_one_file_are_checked_in_linear_work() {
    run_alone!();
    assert_linear("tiers", tiers, 2_000);
}

#[test]
fn many_broken_declarations_in_one_file_are_checked_in_linear_work() {
    run_alone!();
    assert_linear("broken services", broken_services, 1_000);
}

/// Comparisons of diagnostics (and set lookups) the build makes per diagnostic it gathers.
const COMPARISONS_PER_DIAGNOSTIC: u64 = 8;

/// Diagnostics compared, and the diagnostics reported, to check `files`.
fn comparisons(files: Vec<(String, String)>) -> (u64, Vec<k8sc_compiler::diagnostics::Diagnostic>) {
    let _one_at_a_time = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let db = Database::new();
    let project = db.load_project(files);
    let before = k8sc_compiler::work::diagnostics_compared();
    let diagnostics = project_diagnostics(&db, project).clone();
    (
        k8sc_compiler::work::diagnostics_compared() - before,
        diagnostics,
    )
}

/// Checks that gathering the diagnostics of `make(n)` and `make(2n)` compares a bounded number
/// per diagnostic, and that each of the `n` declarations gets one diagnostic `code` (`what`).
fn assert_gathered_linearly(
    what: &str,
    make: fn(usize) -> Vec<(String, String)>,
    code: k8sc_compiler::diagnostics::Code,
) {
    let n: u64 = 1_000;
    let (base, _) = comparisons(Vec::new());
    let (small, reported) = comparisons(make(n as usize));
    let (large, _) = comparisons(make(2 * n as usize));
    let (small, large) = (small - base, large - base);
    let found = reported.iter().filter(|d| d.code == code).count();
    assert_eq!(
        found, n as usize,
        "one {code:?} per declaration: {reported:#?}"
    );
    assert!(
        small <= COMPARISONS_PER_DIAGNOSTIC * n,
        "{small} comparisons for {n} {what} (at most {} allowed)",
        COMPARISONS_PER_DIAGNOSTIC * n
    );
    assert!(
        large <= small * 21 / 10 + 100,
        "twice the {what} took {large} comparisons, against {small} for {n}"
    );
}

#[test]
fn many_services_with_a_warning_each_are_gathered_in_linear_work() {
    run_alone!();
    // Every service has no readiness probe: one warning each, all gathered through the
    // environments' diagnostics.
    let code = k8sc_compiler::diagnostics::Code::NoReadinessProbe;
    assert_gathered_linearly("warned services", services, code);
}

/// `n` services with an exception each that exempts nothing (W0005), in an app with two
/// environments: each is reported once, after looking in both whether it is unused everywhere.
fn unused_exceptions(n: usize) -> Vec<(String, String)> {
    let mut text =
        String::from("app big {\n  namespace: big\n}\n\nenv staging {}\n\nenv prod {}\n");
    for i in 0..n {
        text.push_str(&format!(
            "\nservice s{i} {{\n  image: \"ghcr.io/acme/s{i}:1.0.0\"\n  port: http 8080\n  probes {{ ready: http \"/ready\" }}\n  allow pinned_images because \"no rule is in force\"\n}}\n"
        ));
    }
    vec![("app.k8s".to_string(), text)]
}

#[test]
fn many_unused_exceptions_are_gathered_in_linear_work() {
    run_alone!();
    // Each unused exception was looked for among every exception, and then among every
    // diagnostic of every environment: 1,000 made 1,505,500 comparisons (quadratic).
    let code = k8sc_compiler::diagnostics::Code::UnusedAllow;
    assert_gathered_linearly("unused exceptions", unused_exceptions, code);
}

/// Bytes of source read to place labels, per byte of input, when rendering every diagnostic.
const SCANS_PER_INPUT_BYTE: u64 = 4;

/// Bytes of source read to render the diagnostics of `files` for a terminal and as JSON.
fn rendering(files: Vec<(String, String)>) -> u64 {
    let _one_at_a_time = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let db = Database::new();
    let sources: std::collections::BTreeMap<String, String> = files.iter().cloned().collect();
    let project = db.load_project(files);
    let diagnostics = project_diagnostics(&db, project).clone();
    let before = k8sc_compiler::work::source_bytes_scanned();
    let human = k8sc_compiler::diagnostics::render_all(&diagnostics, &sources, false);
    let json = k8sc_compiler::diagnostics::to_json(&diagnostics, &sources);
    assert!(human.contains("W0003") && json.to_string().contains("W0003"));
    k8sc_compiler::work::source_bytes_scanned() - before
}

#[test]
fn many_warned_services_in_one_file_are_rendered_in_linear_work() {
    run_alone!();
    let n = 1_000;
    let (small_input, large_input) = (services(n), services(2 * n));
    let bytes = |files: &[(String, String)]| files.iter().map(|(_, t)| t.len() as u64).sum::<u64>();
    let (small_bytes, large_bytes) = (bytes(&small_input), bytes(&large_input));
    let small = rendering(small_input);
    let large = rendering(large_input);
    assert!(
        small <= SCANS_PER_INPUT_BYTE * small_bytes,
        "{small} source bytes read to render the warnings of {small_bytes} bytes (at most {} allowed)",
        SCANS_PER_INPUT_BYTE * small_bytes
    );
    assert!(
        large <= SCANS_PER_INPUT_BYTE * large_bytes,
        "{large} source bytes read to render the warnings of {large_bytes} bytes (at most {} allowed)",
        SCANS_PER_INPUT_BYTE * large_bytes
    );
}

/// An app whose `n` invalid label values (E0012 each) are all on one line.
fn labels_on_one_line(n: usize) -> Vec<(String, String)> {
    let labels: Vec<String> = (0..n)
        .map(|i| format!("k{i}: \"not valid {i}!\""))
        .collect();
    let text = format!(
        "app big {{ namespace: big, labels {{ {} }} }}\n",
        labels.join(", ")
    );
    vec![("app.k8s".to_string(), text)]
}

/// Bytes read to place one label in one renderer: its two ends, each counted from the nearest
/// checkpoint of the file's index (at most 256 bytes before it).
const BYTES_PER_LABEL: u64 = 2 * 256;

/// Source bytes read to place the labels of `files` as JSON and as GitHub annotations.
fn placing(files: Vec<(String, String)>) -> (u64, usize) {
    let _one_at_a_time = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let db = Database::new();
    let sources: std::collections::BTreeMap<String, String> = files.iter().cloned().collect();
    let project = db.load_project(files);
    let diagnostics = project_diagnostics(&db, project).clone();
    let before = k8sc_compiler::work::source_bytes_scanned();
    let _ = k8sc_compiler::diagnostics::to_json(&diagnostics, &sources);
    let _ = k8sc_compiler::diagnostics::to_github(&diagnostics, &sources, "");
    (
        k8sc_compiler::work::source_bytes_scanned() - before,
        diagnostics.len(),
    )
}

#[test]
fn many_diagnostics_on_one_long_line_are_placed_in_linear_work() {
    run_alone!();
    // Each label's column was counted from the start of its line: 2,000 labels on one line of
    // 50 KB read 194,677,816 bytes.
    let n = 2_000;
    let (small_input, large_input) = (labels_on_one_line(n), labels_on_one_line(2 * n));
    let (small_bytes, large_bytes) = (small_input[0].1.len(), large_input[0].1.len());
    for ((scanned, labels), bytes, expected) in [
        (placing(small_input), small_bytes, n),
        (placing(large_input), large_bytes, 2 * n),
    ] {
        assert_eq!(labels, expected, "one E0012 per label value");
        // Two renderers: each indexes the file once, then places each label's two ends.
        let bound = 2 * bytes as u64 + 2 * labels as u64 * BYTES_PER_LABEL;
        assert!(
            scanned <= bound,
            "{scanned} source bytes read to place {labels} labels on one line of {bytes} bytes (at most {bound} allowed)"
        );
    }
}

/// A tier's checked declaration and folded layers are memoized once per tier: their inline size
/// is paid by every `tier tN {}` of a file (16 bytes of text). Both held a `WorkloadSpec` (over
/// 4 KB) inline, most of the 12.6 KB of memos per tiny tier; empty defaults are now `None`.
#[test]
fn a_tiers_memos_do_not_hold_workload_defaults_inline() {
    use k8sc_compiler::semantic::rules::TierLayers;
    use k8sc_compiler::semantic::tier::TierSpec;
    let (layers, spec) = (size_of::<TierLayers>(), size_of::<TierSpec>());
    assert!(layers <= 1024, "TierLayers is {layers} bytes inline");
    assert!(spec <= 1024, "TierSpec is {spec} bytes inline");
}
