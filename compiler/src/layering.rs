//! The layering test: the compiler's top-level modules import each other only downwards, in the
//! order docs/architecture.md shows, and the language server uses only the editor queries
//! (`analysis`) and the database API (`db`).
//!
//! The order is read from the fenced block after the `<!-- layer-order -->` marker of
//! docs/architecture.md, one layer a line, lowest first: a module may name (`crate::X`, in a `use`
//! item or inline, comments and strings aside) only modules on lines above its own. A cycle needs
//! an edge that does not point down, so no upward edge means no cycle; the test still names every
//! cycle it sees, so that a failure says what loops.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const ARCHITECTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/architecture.md");
const COMPILER_SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
const LSP_SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../lsp/src");

/// What `lsp/src` may name of the compiler crate (`k8sc_compiler::X`).
const LSP_MAY_USE: &[&str] = &["analysis", "db"];

/// Edges against the order that are still being removed while issue 20 is in progress, each with
/// the engineer whose area it is in. An edge listed here that no longer occurs fails the test, so
/// the list only shrinks; it must be empty when the issue is done.
const KNOWN_UPWARD: &[(&str, &str, &str)] = &[];

/// One use of another module: where, and which module.
#[derive(Debug, Clone)]
struct Edge {
    file: String,
    line: usize,
    to: String,
}

#[test]
fn top_level_modules_import_only_layers_below_their_own() {
    let layers = layer_order();
    let layer_of: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(index, line)| line.iter().map(move |module| (module.as_str(), index)))
        .collect();
    let modules = top_level_modules();
    let mut problems = String::new();
    for module in &modules {
        if !layer_of.contains_key(module.as_str()) {
            let _ = writeln!(
                problems,
                "module `{module}` is not in the layer order of docs/architecture.md"
            );
        }
    }
    for module in layer_of.keys() {
        if !modules.contains(*module) {
            let _ = writeln!(
                problems,
                "docs/architecture.md lists `{module}`, which is not a module of the crate"
            );
        }
    }

    let edges = crate_edges();
    let mut upward_seen = BTreeSet::new();
    for (from, uses) in &edges {
        let Some(&from_layer) = layer_of.get(from.as_str()) else {
            continue;
        };
        for edge in uses {
            let Some(&to_layer) = layer_of.get(edge.to.as_str()) else {
                continue;
            };
            if to_layer < from_layer {
                continue;
            }
            let known = KNOWN_UPWARD
                .iter()
                .any(|(a, b, _)| *a == from.as_str() && *b == edge.to.as_str());
            upward_seen.insert((from.clone(), edge.to.clone()));
            if !known {
                let _ = writeln!(
                    problems,
                    "{}:{}: `{from}` uses `crate::{}`, which is {} it in docs/architecture.md's order",
                    edge.file,
                    edge.line,
                    edge.to,
                    if to_layer == from_layer {
                        "on the same layer as"
                    } else {
                        "above"
                    }
                );
            }
        }
    }
    for (from, to, owner) in KNOWN_UPWARD {
        if !upward_seen.contains(&(from.to_string(), to.to_string())) {
            let _ = writeln!(
                problems,
                "the known upward edge `{from}` → `{to}` ({owner}) is gone: remove it from KNOWN_UPWARD"
            );
        }
    }
    for (component, cycle) in cycles(&edges) {
        // Every cycle climbs at least once; it is already reported unless all its climbs are
        // known edges being removed.
        let members: BTreeSet<&str> = component.iter().map(String::as_str).collect();
        let all_climbs_known = members.iter().all(|from| {
            edges[*from].iter().all(|edge| {
                !members.contains(edge.to.as_str())
                    || layer_of.get(edge.to.as_str()) < layer_of.get(*from)
                    || KNOWN_UPWARD
                        .iter()
                        .any(|(a, b, _)| a == from && *b == edge.to.as_str())
            })
        });
        if !all_climbs_known {
            let _ = writeln!(
                problems,
                "import cycle among {}; for example {} → {}",
                members.iter().copied().collect::<Vec<_>>().join(", "),
                cycle.join(" → "),
                cycle[0]
            );
        }
    }
    assert!(problems.is_empty(), "layering broken:\n{problems}");
}

/// Methods of the concrete database that run queries live above it, in `analysis/editor_db.rs`;
/// an `impl Database` block anywhere else would hide an edge from the paths the test reads (its
/// callers name only `Database`).
#[test]
fn the_database_gets_methods_only_from_itself_and_the_editor_layer() {
    const MAY_EXTEND: &[&str] = &["db.rs", "analysis/editor_db.rs"];
    let root = Path::new(COMPILER_SRC);
    let mut problems = String::new();
    for file in rust_files(root) {
        let rel = relative(&file, root);
        if MAY_EXTEND.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read compiler source");
        let code = code_only(&text);
        for (index, line) in code.lines().enumerate() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let Some(at) = words.iter().position(|w| *w == "impl")
                && words
                    .get(at + 1)
                    .is_some_and(|w| ["Database", "crate::db::Database", "Database{"].contains(w))
            {
                let _ = writeln!(
                    problems,
                    "compiler/src/{rel}:{}: `impl Database`",
                    index + 1
                );
            }
        }
    }
    assert!(
        problems.is_empty(),
        "only {MAY_EXTEND:?} may add methods to `Database`:\n{problems}"
    );
}

#[test]
fn the_language_server_uses_only_analysis_and_the_database() {
    let mut problems = String::new();
    for file in rust_files(Path::new(LSP_SRC)) {
        let text = std::fs::read_to_string(&file).expect("read lsp source");
        let rel = relative(&file, Path::new(LSP_SRC).parent().expect("lsp folder"));
        for (line, to) in paths_after(&code_only(&text), "k8sc_compiler") {
            if !LSP_MAY_USE.contains(&to.as_str()) {
                let _ = writeln!(
                    problems,
                    "lsp/{rel}:{line}: the language server uses `k8sc_compiler::{to}`; it may use \
                     only `k8sc_compiler::analysis` (which re-exports what an editor feature \
                     reads of the layers below, in analysis/exports.rs) and `k8sc_compiler::db`"
                );
            }
        }
    }
    assert!(
        problems.is_empty(),
        "language server layering broken:\n{problems}"
    );
}

/// What the backends may name: the IR and what lies below checking. The layer order alone would
/// let them read `semantic` or `lower`; the design says backends read only the IR.
const BACKENDS_MAY_USE: &[&str] = &[
    "work",
    "regular_file",
    "stdlib",
    "types",
    "secret_detect",
    "model",
    "diagnostics",
    "ir",
];

#[test]
fn the_backends_read_only_the_ir_and_the_leaves() {
    let mut problems = String::new();
    for edge in crate_edges().remove("backends").unwrap_or_default() {
        if !BACKENDS_MAY_USE.contains(&edge.to.as_str()) {
            let _ = writeln!(
                problems,
                "{}:{}: a backend uses `crate::{}`; backends read only the IR (`ir`) and the \
                 leaves below checking ({BACKENDS_MAY_USE:?})",
                edge.file, edge.line, edge.to
            );
        }
    }
    assert!(problems.is_empty(), "backends layering broken:\n{problems}");
}

#[test]
fn the_scanner_sees_paths_in_code_only() {
    let text = r##"
use crate::a::b;
use crate::{c, d::e, f::{g, h}};
// use crate::comment;
/// [`crate::doc`]
/* crate::block /* crate::nested */ */
let s = "crate::string";
let r = r#"crate::raw"#;
let c = '"'; let l: &'a str = crate::inline::x();
mod tests { use super::super::k; }
"##;
    let found: Vec<_> = paths_after(&code_only(text), "crate")
        .into_iter()
        .map(|(line, to)| format!("{line}:{to}"))
        .collect();
    assert_eq!(found, ["2:a", "3:c", "3:d", "3:f", "9:inline"]);
    let supers = super_escapes(&code_only(text), 1);
    assert_eq!(supers, [(10, "k".to_string())]);
}

/// The layers of docs/architecture.md, lowest first.
fn layer_order() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(ARCHITECTURE).expect("read docs/architecture.md");
    let after = text
        .split_once("<!-- layer-order -->")
        .expect("docs/architecture.md has a `<!-- layer-order -->` marker")
        .1;
    let block = after
        .split_once("```text\n")
        .expect("a ```text block follows the marker")
        .1
        .split_once("```")
        .expect("the block ends")
        .0;
    let layers: Vec<Vec<String>> = block
        .lines()
        .map(|line| line.split_whitespace().map(str::to_string).collect())
        .filter(|layer: &Vec<String>| !layer.is_empty())
        .collect();
    assert!(!layers.is_empty(), "the layer order is empty");
    layers
}

/// The crate's top-level modules: the files and folders beside `lib.rs`.
fn top_level_modules() -> BTreeSet<String> {
    std::fs::read_dir(COMPILER_SRC)
        .expect("read compiler/src")
        .map(|entry| entry.expect("entry").path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_string();
            if path.is_dir() {
                Some(name)
            } else {
                let stem = name.strip_suffix(".rs")?;
                // `lib.rs` is the root, and this test is no layer of the compiler.
                (stem != "lib" && stem != "layering").then(|| stem.to_string())
            }
        })
        .collect()
}

/// Every use of another top-level module, by the module that makes it.
fn crate_edges() -> BTreeMap<String, Vec<Edge>> {
    let root = Path::new(COMPILER_SRC);
    let mut edges: BTreeMap<String, Vec<Edge>> = BTreeMap::new();
    for file in rust_files(root) {
        let rel = relative(&file, root);
        let parts: Vec<&str> = rel.split('/').collect();
        if parts == ["lib.rs"] || parts == ["layering.rs"] {
            continue;
        }
        let from = parts[0].trim_end_matches(".rs").to_string();
        // The file's depth below the crate root: `db.rs` and `semantic/mod.rs` are 1 deep,
        // `semantic/policy/decl.rs` 3.
        let last = parts[parts.len() - 1];
        let depth = if last == "mod.rs" {
            parts.len() - 1
        } else {
            parts.len()
        };
        let text = std::fs::read_to_string(&file).expect("read compiler source");
        let code = code_only(&text);
        let found = paths_after(&code, "crate")
            .into_iter()
            .chain(super_escapes(&code, depth));
        let uses = edges.entry(from.clone()).or_default();
        for (line, to) in found {
            if to != from {
                uses.push(Edge {
                    file: format!("compiler/src/{rel}"),
                    line,
                    to,
                });
            }
        }
    }
    edges
}

/// The cycles among modules: each strongly connected component of more than one module, with one
/// loop through it.
fn cycles(edges: &BTreeMap<String, Vec<Edge>>) -> Vec<(Vec<String>, Vec<String>)> {
    let graph: BTreeMap<&str, BTreeSet<&str>> = edges
        .iter()
        .map(|(from, uses)| (from.as_str(), uses.iter().map(|e| e.to.as_str()).collect()))
        .collect();
    let reaches = |start: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.to_string()];
        while let Some(node) = stack.pop() {
            for next in graph.get(node.as_str()).into_iter().flatten() {
                if seen.insert(next.to_string()) {
                    stack.push(next.to_string());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&str, BTreeSet<String>> =
        graph.keys().map(|node| (*node, reaches(node))).collect();
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for node in graph.keys() {
        if done.contains(*node) || !reach[node].contains(*node) {
            continue;
        }
        let component: Vec<String> = reach[node]
            .iter()
            .filter(|other| reach.get(other.as_str()).is_some_and(|r| r.contains(*node)))
            .cloned()
            .collect();
        done.extend(component.iter().cloned());
        let cycle = loop_through(&graph, &component);
        found.push((component, cycle));
    }
    found
}

/// One loop through a strongly connected component, starting at its first module (a walk that
/// stays inside the component until it comes back).
fn loop_through(graph: &BTreeMap<&str, BTreeSet<&str>>, component: &[String]) -> Vec<String> {
    let inside: BTreeSet<&str> = component.iter().map(String::as_str).collect();
    let start = component[0].as_str();
    // Breadth-first from each successor back to the start gives a shortest loop.
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(node).into_iter().flatten() {
            if !inside.contains(next) {
                continue;
            }
            if *next == start {
                let mut path = vec![node.to_string()];
                let mut at = node;
                while at != start {
                    at = previous[at];
                    path.push(at.to_string());
                }
                path.reverse();
                return path;
            }
            if !previous.contains_key(next) && *next != start {
                previous.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    component.to_vec()
}

/// Every `.rs` file under `root`, sorted.
fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .expect("under root")
        .to_string_lossy()
        .replace('\\', "/")
}

/// `text` with comments, string and character literals blanked (newlines kept, so lines still
/// count), leaving only code.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"') | Some('#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
            && raw_string_hashes(&chars, i + 1).is_some()
        {
            let hashes = raw_string_hashes(&chars, i + 1).unwrap_or(0);
            let opening = 2 + hashes;
            out.extend(std::iter::repeat_n(' ', opening));
            i += opening;
            while i < chars.len() {
                if chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#')) {
                    out.extend(std::iter::repeat_n(' ', 1 + hashes));
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // An escaped character literal: '\n', '\'', '\u{..}'.
            out.push_str("  ");
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("   ");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The number of `#` of a raw string whose `r` is just before `at`, if one starts there.
fn raw_string_hashes(chars: &[char], at: usize) -> Option<usize> {
    let hashes = chars[at..].iter().take_while(|c| **c == '#').count();
    (chars.get(at + hashes) == Some(&'"')).then_some(hashes)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first segment after each `ROOT::` path in `code` (a `use ROOT::{a, b::c}` group gives
/// `a` and `b`), with its line number.
fn paths_after(code: &str, root: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let prefix = format!("{root}::");
    let mut from = 0;
    while let Some(offset) = code[from..].find(&prefix) {
        let start = from + offset;
        from = start + prefix.len();
        if code[..start].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let line = code[..start].matches('\n').count() + 1;
        let rest = code[from..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut segment_start = true;
            let mut chars = group.char_indices().peekable();
            while let Some((index, c)) = chars.next() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => segment_start = true,
                    c if segment_start && is_ident(c) => {
                        let name: String = group[index..]
                            .chars()
                            .take_while(|c| is_ident(*c))
                            .collect();
                        for _ in 1..name.chars().count() {
                            chars.next();
                        }
                        let name_line = line + group[..index].matches('\n').count();
                        if name != "self" {
                            found.push((name_line, name));
                        }
                        segment_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| is_ident(*c)).collect();
            if !name.is_empty() {
                found.push((line, name));
            }
        }
    }
    found
}

/// Paths that climb out of the file's top-level module with `super::`: in a file `depth` modules
/// below the crate root (more inside an inline `mod x { … }`), `depth` `super`s reach the root and
/// the next segment is a top-level module.
fn super_escapes(code: &str, depth: usize) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    // Inline modules open at these brace depths.
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut braces = 0usize;
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let word_start = i == 0 || !is_ident(bytes[i - 1] as char);
        if c == b'{' {
            braces += 1;
        } else if c == b'}' {
            braces = braces.saturating_sub(1);
            while inline_mods.last().is_some_and(|open| *open > braces) {
                inline_mods.pop();
            }
        } else if word_start && code[i..].starts_with("mod ") {
            let after = code[i + 4..].trim_start();
            let name_len = after.chars().take_while(|c| is_ident(*c)).count();
            if after[name_len..].trim_start().starts_with('{') {
                inline_mods.push(braces + 1);
            }
        } else if word_start && code[i..].starts_with("super::") {
            let mut supers = 0;
            let mut at = i;
            while code[at..].starts_with("super::") {
                supers += 1;
                at += "super::".len();
            }
            if supers >= depth + inline_mods.len() {
                let name: String = code[at..].chars().take_while(|c| is_ident(*c)).collect();
                let line = code[..i].matches('\n').count() + 1;
                found.push((line, name));
            }
            i = at;
            continue;
        }
        i += 1;
    }
    found
}
