//! The documented limits (docs/testing.md, "Limits"): pathological input — deep nesting, very
//! long lines, huge lists, long chains of tiers, environments and imports, oversized files — gives
//! a diagnostic or a normal result in bounded work, never a stack overflow or an out-of-memory.
//! Each case runs the whole pipeline (check, lowering, backends, YAML, diagnostics rendered for a
//! terminal and as JSON) on a thread with a 16 MiB stack — a sixteenth of the one the `k8sc`
//! binary gives its compiler thread — so recursion must be bounded by the input's structure, not
//! rescued by a large stack. The work is counted, not timed (so the bounds are exact on a busy
//! machine): each stage's count — bytes parsed and pest rule calls, items the checker visits,
//! diagnostics compared, source bytes read to place labels, bytes scanned for secrets — must stay
//! within a constant per byte of the case's input (and output), and a file above the size limit
//! must not be parsed or scanned at all beyond the line its diagnostic shows.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::{Code, render_all, to_json};
use k8sc_grammar::{MAX_FILE_SIZE, MAX_NESTING};
use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::Mutex;

/// The counters are per process, and pest's call limit is global: each test runs alone in a child
/// process of the test binary (`run_alone!`, so no other test adds to them), one case at a time.
static LOCK: Mutex<()> = Mutex::new(());

/// The pest rule calls one parse may make per byte of the largest file of a case (grammar's
/// `linear_time.rs` bounds the parser the same way; a parse over budget is the syntax error
/// "the parser could not read this file", which no case may give).
const CALLS_PER_BYTE: usize = 400;

/// The work a case did, counted (never timed), each count from one stage of the pipeline.
#[derive(Debug, Default, Clone, Copy)]
struct Work {
    /// Bytes of text handed to a parser (`k8sc_grammar::work::bytes_parsed`): a file broken
    /// enough for pest is given twice (the hand-written parser gives up first).
    parsed: u64,
    /// Top-level items the checker visited (`k8sc_grammar::work::items_visited`).
    items: u64,
    /// Diagnostics compared while the build gathered them (`k8sc_compiler::work`).
    compared: u64,
    /// Bytes of source read to place the diagnostics' labels, rendered for a terminal and as JSON.
    positioned: u64,
    /// Bytes the secret detector read: literals, generated documents, the diagnostics' words and
    /// the source lines they show.
    secrets_scanned: u64,
    /// Bytes of generated YAML.
    output: u64,
}

impl Work {
    fn now() -> Work {
        Work {
            parsed: k8sc_grammar::work::bytes_parsed(),
            items: k8sc_grammar::work::items_visited(),
            compared: k8sc_compiler::work::diagnostics_compared(),
            positioned: k8sc_compiler::work::source_bytes_scanned(),
            secrets_scanned: k8sc_compiler::work::secret_bytes_scanned(),
            output: 0,
        }
    }

    fn since(before: Work) -> Work {
        let now = Work::now();
        Work {
            parsed: now.parsed - before.parsed,
            items: now.items - before.items,
            compared: now.compared - before.compared,
            positioned: now.positioned - before.positioned,
            secrets_scanned: now.secrets_scanned - before.secrets_scanned,
            output: 0,
        }
    }
}

/// What one case gave: its diagnostics' codes, whether there was output, and the work it took.
struct Outcome {
    codes: Vec<Code>,
    built: bool,
    work: Work,
    /// The bytes of the case's files.
    input: u64,
}

/// Builds `files` on a small stack and renders the diagnostics (terminal and JSON), counting the
/// work; the parser may make at most [`CALLS_PER_BYTE`] rule calls per byte.
fn pipeline(files: Vec<(String, String)>) -> Outcome {
    let _one_at_a_time = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let input: u64 = files.iter().map(|(_, text)| text.len() as u64).sum();
    let largest = files.iter().map(|(_, text)| text.len()).max().unwrap_or(0);
    pest::set_call_limit(NonZeroUsize::new(CALLS_PER_BYTE * largest + 100_000));
    let worker = std::thread::Builder::new()
        .stack_size(16 * 1024 * 1024)
        .spawn(move || {
            let texts: BTreeMap<String, String> = files.iter().cloned().collect();
            let before = Work::now();
            let db = Database::new();
            let result = build(&db, db.load_project(files));
            let _ = render_all(&result.diagnostics, &texts, false);
            let _ = to_json(&result.diagnostics, &texts);
            let output = result.tree.map(|tree| tree.to_stream());
            let mut work = Work::since(before);
            work.output = output.as_ref().map_or(0, |o| o.len() as u64);
            let over_budget = result
                .diagnostics
                .iter()
                .any(|d| d.message == "the parser could not read this file");
            let codes: Vec<Code> = result.diagnostics.iter().map(|d| d.code).collect();
            (codes, output.is_some(), work, over_budget)
        })
        .expect("spawns");
    let joined = worker.join();
    pest::set_call_limit(None);
    let (codes, built, work, over_budget) = joined.expect("no panic and no stack overflow");
    assert!(
        !over_budget,
        "the parser made more than {CALLS_PER_BYTE} rule calls per byte of {largest}"
    );
    Outcome {
        codes,
        built,
        work,
        input,
    }
}

fn one(text: String) -> Outcome {
    pipeline(vec![("app.k8s".to_string(), text)])
}

/// The work of the standard library alone (every case includes it).
fn baseline() -> Work {
    static BASELINE: std::sync::OnceLock<Work> = std::sync::OnceLock::new();
    *BASELINE.get_or_init(|| pipeline(Vec::new()).work)
}

/// Each stage's work per byte of input (and, for the secret scan, of output too), beyond the
/// standard library's: what a stage that revisits its input once per declaration, line or
/// diagnostic exceeds at once on these inputs of megabytes.
const PARSED_PER_BYTE: u64 = 2;
const ITEMS_PER_BYTE: u64 = 2;
const COMPARED_PER_BYTE: u64 = 1;
/// Placing labels indexes each file's lines once per rendering (terminal and JSON: 2 per byte)
/// and reads a label's line from its start (a 200 KB line of brackets with a few labels: 5).
const POSITIONED_PER_BYTE: u64 = 8;
/// The detector reads every generated byte about once (4 per byte of output), and the words of
/// every diagnostic (a few hundred bytes) in each rendering, where an 18-byte declaration
/// (`tier t7: t8 {}`) can carry one: 64 per byte of input. A cycle of 500 tiers naming the whole
/// chain in each tier's diagnostic read 906.
const SECRETS_SCANNED_PER_INPUT_BYTE: u64 = 64;
const SECRETS_SCANNED_PER_OUTPUT_BYTE: u64 = 4;

/// Checks that every stage of `outcome`'s work was linear in its input (and output).
fn assert_linear(case: &str, outcome: &Outcome) {
    let base = baseline();
    let (work, input) = (outcome.work, outcome.input);
    eprintln!("{case}: {input} bytes in: {work:?}");
    let secrets_allowed =
        SECRETS_SCANNED_PER_INPUT_BYTE * input + SECRETS_SCANNED_PER_OUTPUT_BYTE * work.output;
    for (stage, done, base, allowed) in [
        (
            "bytes parsed",
            work.parsed,
            base.parsed,
            PARSED_PER_BYTE * input,
        ),
        (
            "items visited",
            work.items,
            base.items,
            ITEMS_PER_BYTE * input,
        ),
        (
            "diagnostics compared",
            work.compared,
            base.compared,
            COMPARED_PER_BYTE * input,
        ),
        (
            "source bytes read to place labels",
            work.positioned,
            base.positioned,
            POSITIONED_PER_BYTE * input,
        ),
        (
            "bytes scanned for secrets",
            work.secrets_scanned,
            base.secrets_scanned,
            secrets_allowed,
        ),
    ] {
        let done = done.saturating_sub(base);
        assert!(
            done <= allowed,
            "{case}: {done} {stage} for {input} bytes in, {} out (at most {allowed} allowed)",
            work.output
        );
    }
}

const APP: &str = "app a { namespace: a }\n";

#[test]
fn deep_nesting_is_a_syntax_error() {
    run_alone!();
    for (open, close) in [("[", "]"), ("{", "}"), ("(", ")")] {
        let depth = 100_000;
        let text = format!(
            "{APP}service s {{\n  image: \"x/y:1.0\"\n  args: {}{}\n}}\n",
            open.repeat(depth),
            close.repeat(depth)
        );
        let outcome = one(text);
        assert!(
            outcome.codes.contains(&Code::Syntax),
            "{open}: {:?}",
            outcome.codes
        );
        assert!(!outcome.built);
        assert_linear(&format!("nesting {open}"), &outcome);
    }
    // Just below the limit is accepted by the parser (the checker may still refuse the value).
    let text = format!(
        "{APP}service s {{\n  image: \"x/y:1.0\"\n  labels: {}{}\n}}\n",
        "[".repeat(MAX_NESTING - 2),
        "]".repeat(MAX_NESTING - 2)
    );
    let outcome = one(text);
    assert!(
        !outcome.codes.contains(&Code::Syntax),
        "{:?}",
        outcome.codes
    );
    assert_linear("nesting at the limit", &outcome);
}

#[test]
fn long_operator_chains_and_prefix_chains_are_bounded() {
    run_alone!();
    for rule in [
        vec!["replicas.min >= 2"; 5_000].join(" and "),
        format!("{}probes.ready", "not ".repeat(100_000)),
        format!("{}1", "-".repeat(100_000)),
        format!("replicas.min >= {}", "(".repeat(100_000)),
    ] {
        let text = format!("tier t {{\n  require {{\n    {rule} \"why\"\n  }}\n}}\n");
        let outcome = one(text);
        assert!(outcome.codes.contains(&Code::Syntax), "{:?}", outcome.codes);
        assert!(!outcome.built);
        assert_linear(&rule[..20], &outcome);
    }
}

#[test]
fn a_very_long_line_and_a_huge_list() {
    run_alone!();
    // 200,000 arguments on one line (about 2 MB), and a 4 MB string.
    let args: Vec<String> = (0..200_000).map(|i| format!("\"a{i}\"")).collect();
    let text = format!(
        "{APP}worker w {{\n  image: \"ghcr.io/acme/w:1.0.0\"\n  args: [{}]\n  env {{ BIG: \"{}\" }}\n}}\n",
        args.join(", "),
        "x".repeat(4 << 20)
    );
    let outcome = one(text);
    assert!(outcome.built, "{:?}", outcome.codes);
    assert_linear("a long line and a huge list", &outcome);
}

#[test]
fn many_declarations_and_long_call_chains() {
    run_alone!();
    let mut text = APP.to_string();
    for i in 0..3_000 {
        text.push_str(&format!(
            "service s{i} {{ image: \"ghcr.io/acme/s:1.0.0\", port: http 8080, calls: [s{}] }}\n",
            i + 1
        ));
    }
    text.push_str("service s3000 { image: \"ghcr.io/acme/s:1.0.0\", port: http 8080 }\n");
    let outcome = one(text);
    assert!(outcome.built, "{:?}", outcome.codes);
    assert_linear("3,000 services calling each other", &outcome);
}

#[test]
fn long_chains_of_tiers_environments_and_imports() {
    run_alone!();
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
    let outcome = one(text);
    assert!(outcome.built, "{:?}", outcome.codes);
    assert_linear("chains of tiers and environments", &outcome);
    // A cycle through the whole chain is found, not followed forever.
    let mut cyclic = String::new();
    for i in 0..depth {
        cyclic.push_str(&format!("tier t{i}: t{} {{}}\n", (i + 1) % depth));
    }
    let outcome = one(cyclic);
    assert!(
        outcome.codes.contains(&Code::TierCycle),
        "{:?}",
        outcome.codes
    );
    assert_linear("a cycle of tiers", &outcome);
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
        let outcome = pipeline(files);
        assert_eq!(
            outcome.codes.contains(&Code::ImportCycle),
            cycle,
            "{:?}",
            outcome.codes
        );
        assert_linear(&format!("a chain of imports (cycle: {cycle})"), &outcome);
    }
}

#[test]
fn a_file_above_the_size_limit_is_refused_unparsed() {
    run_alone!();
    // 100 MB: reported at once, without parsing (the loader refuses it before reading; see
    // loader.rs's tests). Not a byte of it is parsed or checked, only the line the diagnostic
    // shows is scanned for secrets, and placing the label indexes the file's lines once.
    let text = format!("{APP}// {}\n", "x".repeat(100 << 20));
    assert!(text.len() > MAX_FILE_SIZE);
    let outcome = one(text);
    assert_eq!(outcome.codes, [Code::Syntax]);
    assert!(!outcome.built);
    let (work, base) = (outcome.work, baseline());
    eprintln!("oversized: {} bytes in: {work:?}", outcome.input);
    assert!(
        work.parsed <= base.parsed,
        "{} bytes parsed",
        work.parsed - base.parsed
    );
    assert!(
        work.items <= base.items,
        "{} items visited",
        work.items - base.items
    );
    let shown = APP.len() as u64;
    assert!(
        work.secrets_scanned <= base.secrets_scanned + 4 * shown + 4096,
        "{} bytes scanned for secrets to show one line of {shown} bytes",
        work.secrets_scanned - base.secrets_scanned
    );
    // Its lines are indexed once for each rendering (terminal and JSON), never more.
    assert!(
        work.positioned <= base.positioned + 2 * outcome.input + 4096,
        "{} source bytes read to place one label in {} bytes",
        work.positioned - base.positioned,
        outcome.input
    );
}
