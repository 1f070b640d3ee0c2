//! Every routine edit of a project is an update the API server accepts: for a random
//! single-field edit of an example (an image tag, a replica count, a label, the team, an
//! environment variable, CPU or memory), the old and the new output differ in no field the API
//! server refuses to change in place (`k8sc_compiler::output::immutable`, the same rules
//! `k8sc diff` marks). A StatefulSet whose claim templates carry the image's version or the
//! team fails this on the first image bump. Starting or ending a canary is such an edit too: the
//! stable Deployment's selector must not depend on it.

use crate::support;

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::loader;
use k8sc_compiler::output::semantic_diff::{Manifests, semantic_diff};
use proptest::prelude::*;
use std::sync::OnceLock;
use support::examples::example_dirs;

/// One example: its sources, and the manifests they build to.
struct Example {
    name: String,
    files: Vec<(String, String)>,
    output: Manifests,
}

/// What a single-field edit changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    ImageTag,
    Replicas,
    Label,
    Team,
    Env,
    Cpu,
    Memory,
}

/// Where an edit can be made: a line of a file holding one field of that kind.
#[derive(Debug, Clone)]
struct Site {
    file: usize,
    line: usize,
    field: Field,
}

fn examples() -> &'static [Example] {
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        example_dirs()
            .iter()
            .map(|dir| {
                let files = loader::load(dir).expect("example loads").files;
                let output = output_of(&files).expect("the example builds");
                let name = dir
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned());
                Example {
                    name,
                    files,
                    output,
                }
            })
            .collect()
    })
}

/// The manifests `files` build to, or the error messages.
fn output_of(files: &[(String, String)]) -> Result<Manifests, String> {
    let db = Database::new();
    let project = db.load_project(files.to_vec());
    let result = build(&db, project);
    let Some(tree) = result.tree else {
        let errors: Vec<String> = result
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{d:?}"))
            .collect();
        return Err(errors.join("\n"));
    };
    Manifests::parse(&tree.files, "out").map_err(|e| e.to_string())
}

/// The code of a line, without its comment and indentation.
fn code(line: &str) -> &str {
    line.split("//").next().unwrap_or("").trim()
}

/// Every line of `files` where a field of one of the edited kinds is set.
fn sites(files: &[(String, String)]) -> Vec<Site> {
    let mut out = Vec::new();
    for (file, (_, text)) in files.iter().enumerate() {
        for (line, content) in text.lines().enumerate() {
            let code = code(content);
            let field = if code.starts_with("image: \"") {
                Field::ImageTag
            } else if code.starts_with("replicas:") || code.contains(".replicas:") {
                Field::Replicas
            } else if code.starts_with("labels {") && code.ends_with('}') {
                Field::Label
            } else if code.starts_with("team:") {
                Field::Team
            } else if code == "env {" || (code.contains(".env {") && code.ends_with('}')) {
                Field::Env
            } else if code.starts_with("cpu:") && !code.ends_with('%') {
                // (`cpu: 60%` in an `autoscale` block is a utilisation target, not a request.)
                Field::Cpu
            } else if code.starts_with("memory:") {
                Field::Memory
            } else {
                continue;
            };
            out.push(Site { file, line, field });
        }
    }
    out
}

/// The line with its field's value replaced by another valid one chosen by `seed`.
fn edited_line(line: &str, field: Field, seed: u32) -> String {
    let indent = &line[..line.len() - line.trim_start().len()];
    let code = code(line);
    let (key, value) = code.split_once(':').unwrap_or((code, ""));
    let value = value.trim();
    let small = seed % 7 + 1;
    let edited = match field {
        Field::ImageTag => {
            // `"registry/name:tag@digest"`: a new tag, the same digest.
            let image = value.trim_matches('"');
            let (reference, digest) = match image.split_once('@') {
                Some((reference, digest)) => (reference, format!("@{digest}")),
                None => (image, String::new()),
            };
            let name_end = reference.rfind('/').unwrap_or(0);
            let name = match reference[name_end..].find(':') {
                Some(colon) => &reference[..name_end + colon],
                None => reference,
            };
            // Never the tag it had: the examples' tags have no `-rc`.
            let tag = format!("{}.{}.{}-rc{small}", seed % 20 + 1, seed % 13, seed % 5);
            format!("{key}: \"{name}:{tag}{digest}\"")
        }
        Field::Replicas => match value.split_once("..") {
            Some((min, max)) => {
                let max: u32 = max.parse().unwrap_or(10);
                format!("{key}: {min}..{}", max + small)
            }
            None => {
                let count: u32 = value.parse().unwrap_or(1);
                format!("{key}: {}", count + small)
            }
        },
        Field::Label => {
            // `labels { key: "value" }`: the first value changes.
            let start = code.find('"').unwrap_or(code.len());
            let end = code[start + 1..]
                .find('"')
                .map_or(code.len(), |e| start + 1 + e);
            format!("{}\"edited-{seed}\"{}", &code[..start], &code[end + 1..])
        }
        Field::Team => format!("{key}: edited{seed}"),
        Field::Env if code == "env {" => {
            // A new variable in the block.
            format!("env {{\n{indent}  EDITED_{small}: \"value-{seed}\"")
        }
        Field::Env => {
            // `NAME.env { KEY: "value" }`: the value changes.
            let start = code.find('"').unwrap_or(code.len());
            let end = code[start + 1..]
                .find('"')
                .map_or(code.len(), |e| start + 1 + e);
            format!("{}\"edited-{seed}\"{}", &code[..start], &code[end + 1..])
        }
        Field::Cpu => {
            // Never the value it had: the examples' requests are multiples of 50m.
            let request = 50 * small + 5;
            if value.contains("..") {
                format!("{key}: {request}m..{}m", request * 4)
            } else {
                format!("{key}: {request}m")
            }
        }
        Field::Memory => {
            // Never the value it had: the examples' requests are multiples of 64Mi.
            let request = 64 * small + 1;
            if value.contains("..") {
                format!("{key}: {request}Mi..{}Mi", request * 2)
            } else {
                format!("{key}: {request}Mi")
            }
        }
    };
    format!("{indent}{edited}")
}

/// `files` with the edit at `site` made.
fn edit(files: &[(String, String)], site: &Site, seed: u32) -> Vec<(String, String)> {
    let mut files = files.to_vec();
    let text = &files[site.file].1;
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(index, line)| {
            if index == site.line {
                edited_line(line, site.field, seed)
            } else {
                line.to_string()
            }
        })
        .collect();
    files[site.file].1 = lines.join("\n") + "\n";
    files
}

/// Builds the edited example and checks the update: it builds, it changes the output, and it
/// changes no field the API server refuses to update in place.
fn check_edit(example: &Example, site: &Site, seed: u32) -> Result<(), TestCaseError> {
    let files = edit(&example.files, site, seed);
    let (path, text) = &files[site.file];
    let shown = text.lines().nth(site.line).unwrap_or("");
    let what = format!(
        "{} {path}:{} `{}`",
        example.name,
        site.line + 1,
        shown.trim()
    );
    let new = output_of(&files).map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
    let diff = semantic_diff(&example.output, &new);
    prop_assert!(!diff.is_empty(), "{what} changed nothing in the output");
    let refused: Vec<String> = diff
        .immutable_changes()
        .iter()
        .map(|(resource, change)| format!("{} {}", resource.title(), change.field))
        .collect();
    prop_assert!(
        refused.is_empty(),
        "{what} changes fields the API server will not update in place: {refused:#?}\n{}",
        diff.render()
    );
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40)
}

#[test]
fn every_kind_of_edit_has_sites_in_the_examples() {
    let mut seen: Vec<Field> = examples()
        .iter()
        .flat_map(|e| sites(&e.files))
        .map(|s| s.field)
        .collect();
    seen.sort_by_key(|f| *f as u8);
    seen.dedup();
    assert_eq!(
        seen,
        [
            Field::ImageTag,
            Field::Replicas,
            Field::Label,
            Field::Team,
            Field::Env,
            Field::Cpu,
            Field::Memory
        ]
    );
}

/// The property test's own check: the edit of a database's image (the claim template's
/// version label before the fix) would be caught.
#[test]
fn a_database_image_bump_is_an_update_in_place() {
    let shop = examples()
        .iter()
        .find(|e| e.name == "shop")
        .expect("the shop example");
    let site = sites(&shop.files)
        .into_iter()
        .find(|s| {
            s.field == Field::ImageTag
                && shop.files[s.file]
                    .1
                    .lines()
                    .nth(s.line)
                    .is_some_and(|l| l.contains("postgres"))
        })
        .expect("the shop's database image");
    check_edit(shop, &site, 3).unwrap_or_else(|e| panic!("{e}"));
}

/// `text` without its `canary { … }` blocks.
fn without_canaries(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for line in text.lines() {
        let code = code(line);
        if depth == 0 && code == "canary {" {
            depth = 1;
            continue;
        }
        if depth > 0 {
            depth += code.matches('{').count();
            depth -= code.matches('}').count().min(depth);
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Starting a canary and ending it (promoting or abandoning it) are updates in place: the
/// stable Deployment's selector must not depend on whether a canary runs beside it.
#[test]
fn starting_and_ending_a_canary_change_no_immutable_field() {
    let mut seen = 0;
    for example in examples() {
        if !example
            .files
            .iter()
            .any(|(_, text)| text.contains("canary {"))
        {
            continue;
        }
        let files: Vec<(String, String)> = example
            .files
            .iter()
            .map(|(path, text)| (path.clone(), without_canaries(text)))
            .collect();
        let plain = output_of(&files).unwrap_or_else(|e| panic!("{}: {e}", example.name));
        for (what, old, new) in [
            ("starting", &plain, &example.output),
            ("ending", &example.output, &plain),
        ] {
            let diff = semantic_diff(old, new);
            assert!(
                !diff.is_empty(),
                "{} {what} a canary changes nothing",
                example.name
            );
            assert!(
                diff.immutable_changes().is_empty(),
                "{} {what} a canary changes fields the API server will not update in place:\n{}",
                example.name,
                diff.render()
            );
        }
        seen += 1;
    }
    assert!(seen > 0, "no example has a canary");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn single_field_edits_change_no_immutable_field(
        example in any::<prop::sample::Index>(),
        site in any::<prop::sample::Index>(),
        seed in 0u32..10_000,
    ) {
        let example = example.get(examples());
        let sites = sites(&example.files);
        let site = site.get(&sites);
        check_edit(example, site, seed)?;
    }
}
