//! The parser's work grows linearly with its input, measured in grammar rule calls rather than in
//! time (so the test is exact on a busy machine): pest's call limit is set, in this test's own
//! process only (`run_alone!`), to a fixed number of calls per byte, and parsing pathological input
//! — unclosed and mismatched brackets, brackets and comment openers inside strings on broken lines,
//! block comments that are never closed — must still finish within it. Each family is the root of a
//! timeout the fuzzers found (docs/testing.md, "Fuzzing"); before the fixes in `k8s.pest` and
//! `nesting.rs` each took time quadratic (or exponential) in its size and ran far over this budget.

use k8sc_grammar::parse;
use std::num::NonZeroUsize;
use std::path::Path;

/// Rule calls allowed per byte of input (valid files need far fewer; see `valid_files_fit`).
const CALLS_PER_BYTE: usize = 400;

/// Rule calls allowed per byte where brackets are left open: the recovery rules re-scan the text
/// after an unclosed opener once per opener still open around it, and nesting.rs bounds those by
/// `MAX_NESTING`, so the work is linear with this larger constant.
const CALLS_PER_BYTE_UNCLOSED: usize = 50 * k8sc_grammar::MAX_NESTING;

/// pest's call limit is global: each test runs alone in a child process of the test binary
/// (`run_alone!`, so no other test parses under its budget), one parse at a time.
static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Parses `text` under a call budget proportional to its size; panics if the budget ran out.
fn parse_linearly(name: &str, text: &str, calls_per_byte: usize) {
    let budget = calls_per_byte * text.len() + 100_000;
    // The limit is global and read when a parse starts: one parse at a time in this binary.
    let result = {
        let _one_at_a_time = LOCK
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pest::set_call_limit(NonZeroUsize::new(budget));
        parse(text)
    };
    assert!(
        !result
            .errors
            .iter()
            .any(|e| e.message == "the parser could not read this file"),
        "{name}: more than {budget} rule calls for {} bytes",
        text.len()
    );
}

/// Pathological input of about `size` bytes, by family.
fn families(size: usize) -> Vec<(&'static str, String, usize)> {
    let lines = |line: &str| (line.to_string() + "\n").repeat(size / (line.len() + 1));
    vec![
        // Twenty unclosed `{` in a field (minimised from the `format` fuzzer's timeout).
        (
            "unclosed braces",
            format!("app a {{\n  x: {}\n}}\n{}", "{".repeat(20), lines("y: 1")),
            CALLS_PER_BYTE_UNCLOSED,
        ),
        ("mismatched [}", "[}".repeat(size / 2), CALLS_PER_BYTE),
        ("mismatched {]", "{]".repeat(size / 2), CALLS_PER_BYTE),
        (
            "mismatched in a field",
            format!("app a {{\n  x: {}\n}}\n", "[}".repeat(size / 2)),
            CALLS_PER_BYTE,
        ),
        // Brackets inside a string on a broken line, then a long file.
        (
            "brackets in a string",
            format!("? \"{}\n{}", "{".repeat(3_000), lines(&"x".repeat(200))),
            CALLS_PER_BYTE,
        ),
        (
            "brackets in an unterminated raw string",
            format!("? \"\"\"{}", "[".repeat(size)),
            CALLS_PER_BYTE,
        ),
        // Comment openers that are never closed, then a long file.
        (
            "unclosed comments",
            format!("? {}\n{}", "/* ".repeat(3_000), lines(&"x".repeat(200))),
            CALLS_PER_BYTE,
        ),
        (
            "nested comment openers",
            "/*".repeat(size / 2),
            CALLS_PER_BYTE,
        ),
        (
            "deeply nested comments",
            format!("{}{}", "/*".repeat(size / 4), "*/".repeat(size / 4)),
            CALLS_PER_BYTE,
        ),
        // Blocks left open before a declaration, one per line (the `parse` fuzzer's second
        // timeout): the fields around them used to fail at the declaration and be parsed again.
        (
            "unclosed blocks before a declaration",
            format!(
                "service s {{\n{}tier t {{\n}}\n{}",
                "f {\n".repeat(30),
                lines("x: 1")
            ),
            CALLS_PER_BYTE_UNCLOSED,
        ),
        // Blocks left open, two per line, then stray closers (the `format` fuzzer's third
        // timeout): at the mismatched `]` the innermost field failed, and every enclosing one was
        // parsed again, each time one level less deep.
        (
            "unclosed blocks before a mismatched closer",
            format!(
                "app a {{\n{}]}}]}}\n{}",
                "p{h {y\n".repeat(30),
                lines("x: 1")
            ),
            CALLS_PER_BYTE_UNCLOSED,
        ),
        // Blocks left open, then a mismatched `]` and a closer followed by stray text (the
        // `format` fuzzer's fourth timeout): a field whose block a `}` closed failed at the text
        // after it, and its lines were parsed again by the enclosing block, where the same `}`
        // closed the next block.
        (
            "unclosed blocks, a mismatched ] and text after a closer",
            format!("app a {{\n{}r{{]}}+\n{}", "p{\n".repeat(30), lines("x: 1")),
            CALLS_PER_BYTE_UNCLOSED,
        ),
        // Lists, calls and parameters left open around blocks, one per line.
        (
            "unclosed lists around blocks",
            format!("service s {{\n{}{}", "a: [x {\n".repeat(30), lines("x: 1")),
            CALLS_PER_BYTE_UNCLOSED,
        ),
        (
            "unclosed calls around blocks",
            format!("service s {{\n{}{}", "a: f(x {\n".repeat(30), lines("x: 1")),
            CALLS_PER_BYTE_UNCLOSED,
        ),
        (
            "unclosed parameters around blocks",
            format!("{}{}", "policy p(a: x {\n".repeat(30), lines("x: 1")),
            CALLS_PER_BYTE_UNCLOSED,
        ),
        // Unclosed brackets at the nesting limit, over and over.
        (
            "unclosed at the limit",
            "[".repeat(64).repeat(size / 64),
            CALLS_PER_BYTE_UNCLOSED,
        ),
        // The `lsp` fuzzer's timeout, minimised: an unclosed `[` run on a broken line.
        (
            "unclosed brackets after a broken import",
            format!(
                "im!{}rom_c {{}}\n{}",
                "[".repeat(60),
                lines("service s { port: http 80 }")
            ),
            CALLS_PER_BYTE_UNCLOSED,
        ),
    ]
}

#[test]
fn pathological_input_parses_in_linear_work() {
    run_alone!();
    for (name, text, calls_per_byte) in families(64 * 1024) {
        parse_linearly(name, &text, calls_per_byte);
    }
}

/// The fuzzers' minimised timeouts themselves (also replayed through the fuzz harnesses by
/// `compiler/tests/it/fuzz_corpus.rs` and `lsp/tests/it/fuzz_corpus.rs`).
#[test]
fn the_fuzzers_timeouts_parse_in_linear_work() {
    run_alone!();
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut seen = 0;
    for target in ["parse", "format", "lsp"] {
        let Ok(entries) = std::fs::read_dir(regressions.join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).expect("readable");
            let text = String::from_utf8_lossy(&data);
            // The lsp target's input is a document, then a 0xFF byte and a program of edits.
            let document = text.split('\u{FFFD}').next().unwrap_or_default();
            let name = entry.path().display().to_string();
            parse_linearly(&name, &text, CALLS_PER_BYTE_UNCLOSED);
            parse_linearly(&name, document, CALLS_PER_BYTE_UNCLOSED);
            seen += 1;
        }
    }
    assert!(seen >= 3, "the fuzzers' regressions are missing");
}

/// The budget is generous for real files: every example and standard-library-like file of the
/// repository parses within it, repeated to the sizes above.
#[test]
fn valid_files_fit() {
    run_alone!();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for folder in ["examples", "stdlib"] {
        collect(&root.join(folder), &mut files);
    }
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let name = file.display().to_string();
        parse_linearly(&name, &text, CALLS_PER_BYTE);
        parse_linearly(&name, &text.repeat(64), CALLS_PER_BYTE);
    }
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "k8s") {
            out.push(path);
        }
    }
}
