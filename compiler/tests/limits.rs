//! The documented limits (docs/testing.md, "Limits"): pathological input — deep nesting, very
//! long lines, huge lists, long chains of tiers, environments and imports, oversized files — gives
//! a diagnostic or a normal result within a bounded time, never a stack overflow or an
//! out-of-memory. Each case runs the whole pipeline (check, lowering, backends, YAML) on a thread
//! with a 16 MiB stack — a sixteenth of the one the `k8sc` binary gives its compiler thread — so
//! recursion must be bounded by the input's structure, not rescued by a large stack.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::{Code, render_all};
use k8sc_grammar::{MAX_FILE_SIZE, MAX_NESTING};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The time any one case may take, in a debug build on a busy machine.
const BOUND: Duration = Duration::from_secs(120);

/// Builds `files` on a small stack; returns the diagnostic codes and whether there was output.
fn pipeline(files: Vec<(String, String)>) -> (Vec<Code>, bool, Duration) {
    let started = Instant::now();
    let worker = std::thread::Builder::new()
        .stack_size(16 * 1024 * 1024)
        .spawn(move || {
            let texts: BTreeMap<String, String> = files.iter().cloned().collect();
            let db = Database::new();
            let result = build(&db, db.load_project(files));
            let _ = render_all(&result.diagnostics, &texts, false);
            let output = result.tree.map(|tree| tree.to_stream());
            let codes: Vec<Code> = result.diagnostics.iter().map(|d| d.code).collect();
            (codes, output.is_some())
        })
        .expect("spawns");
    let (codes, built) = worker.join().expect("no panic and no stack overflow");
    let elapsed = started.elapsed();
    assert!(elapsed < BOUND, "took {elapsed:?}");
    (codes, built, elapsed)
}

fn one(text: String) -> (Vec<Code>, bool, Duration) {
    pipeline(vec![("app.k8s".to_string(), text)])
}

const APP: &str = "app a { namespace: a }\n";

#[test]
fn deep_nesting_is_a_syntax_error() {
    for (open, close) in [("[", "]"), ("{", "}"), ("(", ")")] {
        let depth = 100_000;
        let text = format!(
            "{APP}service s {{\n  image: \"x/y:1.0\"\n  args: {}{}\n}}\n",
            open.repeat(depth),
            close.repeat(depth)
        );
        let (codes, built, _) = one(text);
        assert!(codes.contains(&Code::Syntax), "{open}: {codes:?}");
        assert!(!built);
    }
    // Just below the limit is accepted by the parser (the checker may still refuse the value).
    let text = format!(
        "{APP}service s {{\n  image: \"x/y:1.0\"\n  labels: {}{}\n}}\n",
        "[".repeat(MAX_NESTING - 2),
        "]".repeat(MAX_NESTING - 2)
    );
    let (codes, _, _) = one(text);
    assert!(!codes.contains(&Code::Syntax), "{codes:?}");
}

#[test]
fn long_operator_chains_and_prefix_chains_are_bounded() {
    for rule in [
        vec!["replicas.min >= 2"; 5_000].join(" and "),
        format!("{}probes.ready", "not ".repeat(100_000)),
        format!("{}1", "-".repeat(100_000)),
        format!("replicas.min >= {}", "(".repeat(100_000)),
    ] {
        let text = format!("tier t {{\n  require {{\n    {rule} \"why\"\n  }}\n}}\n");
        let (codes, built, _) = one(text);
        assert!(codes.contains(&Code::Syntax), "{codes:?}");
        assert!(!built);
    }
}

#[test]
fn a_very_long_line_and_a_huge_list() {
    // 200,000 arguments on one line (about 2 MB), and a 4 MB string.
    let args: Vec<String> = (0..200_000).map(|i| format!("\"a{i}\"")).collect();
    let text = format!(
        "{APP}worker w {{\n  image: \"ghcr.io/acme/w:1.0.0\"\n  args: [{}]\n  env {{ BIG: \"{}\" }}\n}}\n",
        args.join(", "),
        "x".repeat(4 << 20)
    );
    let (codes, built, _) = one(text);
    assert!(built, "{codes:?}");
}

#[test]
fn many_declarations_and_long_call_chains() {
    let mut text = APP.to_string();
    for i in 0..3_000 {
        text.push_str(&format!(
            "service s{i} {{ image: \"ghcr.io/acme/s:1.0.0\", port: http 8080, calls: [s{}] }}\n",
            i + 1
        ));
    }
    text.push_str("service s3000 { image: \"ghcr.io/acme/s:1.0.0\", port: http 8080 }\n");
    let (codes, built, _) = one(text);
    assert!(built, "{codes:?}");
}

#[test]
fn long_chains_of_tiers_environments_and_imports() {
    // Every tier and environment of a chain folds the whole chain below it, so the work is
    // quadratic in a chain's length (docs/testing.md, "Limits"); 500 links — far beyond any real
    // project — take a few seconds in a debug build. Before the lookups along a chain were
    // indexed (rules.rs's `decl_positions`, envs.rs's `by_name`) it was cubic.
    let depth = 500;
    // Tiers extending each other, and environments extending each other.
    let mut text = String::from("tier t0 { defaults { replicas: 1 } }\n");
    for i in 1..depth {
        text.push_str(&format!("tier t{i}: t{} {{}}\n", i - 1));
    }
    text.push_str(&format!(
        "app a {{ namespace: a, tier: t{} }}\nservice s {{ image: \"ghcr.io/acme/s:1.0.0\", port: http 8080 }}\nenv e0 {{}}\n",
        depth - 1
    ));
    for i in 1..depth {
        text.push_str(&format!("env e{i}: e{} {{}}\n", i - 1));
    }
    let (codes, built, _) = one(text);
    assert!(built, "{codes:?}");
    // A cycle through the whole chain is found, not followed forever.
    let mut cyclic = String::new();
    for i in 0..depth {
        cyclic.push_str(&format!("tier t{i}: t{} {{}}\n", (i + 1) % depth));
    }
    let (codes, _, _) = one(cyclic);
    assert!(codes.contains(&Code::TierCycle), "{codes:?}");
    // Files importing each other in a chain, and in a cycle.
    for cycle in [false, true] {
        let files: Vec<(String, String)> = (0..depth)
            .map(|i| {
                let next = if i + 1 < depth {
                    format!("import ./f{}\n", i + 1)
                } else if cycle {
                    "import ./f0\n".to_string()
                } else {
                    String::new()
                };
                (format!("f{i}.k8s"), format!("{next}tier t{i} {{}}\n"))
            })
            .collect();
        let (codes, _, _) = pipeline(files);
        assert_eq!(codes.contains(&Code::ImportCycle), cycle, "{codes:?}");
    }
}

#[test]
fn a_file_above_the_size_limit_is_refused_unparsed() {
    // 100 MB: reported at once, without parsing (the loader refuses it before reading; see
    // loader.rs's tests).
    let text = format!("{APP}// {}\n", "x".repeat(100 << 20));
    assert!(text.len() > MAX_FILE_SIZE);
    let (codes, built, elapsed) = one(text);
    assert_eq!(codes, [Code::Syntax]);
    assert!(!built);
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}
