//! Completion: the fields valid at the cursor (for the declaration kind and nested block), enum
//! values, unit suffixes, workload names in `calls`, tiers, policies with their parameters,
//! rule properties in `require` blocks and policies, import paths, and declaration keywords.
//! Inside an `env`, the same for what each path overrides (the app's workloads and fields, the
//! GitOps fields an environment may override, `cluster`).

use super::file_offset;
use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::PROPERTIES;
use k8sc_compiler::analysis::STDLIB_MODULES as MODULES;
use k8sc_compiler::analysis::catalogue::{ENV_VALUE_CHOICES, fields_at, value_info};
use k8sc_compiler::analysis::env_scope::{EnvScope, Target, segments};
use k8sc_compiler::analysis::file_scope;
use k8sc_compiler::analysis::locate::{Location, locate};
use k8sc_compiler::analysis::lookup_decl;
use k8sc_compiler::analysis::parse;
use k8sc_compiler::analysis::project_structure;
use k8sc_compiler::analysis::{DeclContent, DeclId, check_decl};
use k8sc_compiler::db::{File, FileKind};
use k8sc_grammar::{BlockItem, DeclKind, Span};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, CompletionTextEdit, Documentation,
    InsertTextFormat, Position, TextEdit, Uri,
};

/// The completions at a position.
pub fn completion(
    snapshot: &Snapshot,
    uri: &Uri,
    position: Position,
) -> Option<CompletionResponse> {
    let (file, offset) = file_offset(snapshot, uri, position)?;
    let text = snapshot.text(file);
    let offset_usize = (offset as usize).min(text.len());
    let line_start = text[..offset_usize].rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(line_start..offset_usize).unwrap_or("");
    let word_start = offset_usize
        - line
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '%'))
            .map(char::len_utf8)
            .sum::<usize>();
    let word = text.get(word_start..offset_usize).unwrap_or("");
    let replace = snapshot.range(file, Span::new(word_start, offset_usize));
    let mut out = Completions {
        items: Vec::new(),
        replace,
    };
    if line.trim_start().starts_with("import") {
        import_paths(snapshot, file, line.trim_start(), &mut out);
        return Some(CompletionResponse::Array(out.items));
    }
    let parsed = parse(&snapshot.db, file);
    let location = locate(&parsed.file, offset);
    match (&location.decl, location.block) {
        (Some((index, decl)), Some(block)) => {
            let region_start = (block.span.start as usize + 1).min(offset_usize);
            let region = text.get(region_start..offset_usize).unwrap_or("");
            let context = scan(region);
            let mut path = location.path.clone();
            path.extend(context.open_blocks.iter().cloned());
            let ctx = Ctx {
                snapshot,
                file,
                scope_file: file,
                index: *index,
                kind: decl.kind,
                location: &location,
                path,
                word,
                in_env: false,
            };
            if decl.kind == DeclKind::Env {
                let scope = EnvScope::of(&snapshot.db, snapshot.project, file, *index, decl);
                env_completion(&ctx, &scope, context.position, &mut out);
                return Some(CompletionResponse::Array(out.items));
            }
            match context.position {
                Slot::Key => keys(&ctx, &mut out),
                Slot::Value(key) => values(&ctx, &key, &mut out),
                Slot::ListItem(key) => list_items(&ctx, &key, &mut out),
                Slot::Call => {}
            }
        }
        (None, _) if !line.starts_with(char::is_whitespace) => keywords(&mut out),
        _ => {}
    }
    Some(CompletionResponse::Array(out.items))
}

struct Completions {
    items: Vec<CompletionItem>,
    replace: tower_lsp_server::ls_types::Range,
}

impl Completions {
    fn add(&mut self, label: &str, kind: CompletionItemKind, detail: &str, insert: &str) {
        self.add_full(label, kind, detail, insert, None, false);
    }

    fn add_full(
        &mut self,
        label: &str,
        kind: CompletionItemKind,
        detail: &str,
        insert: &str,
        documentation: Option<String>,
        snippet: bool,
    ) {
        if self.items.iter().any(|i| i.label == label) {
            return;
        }
        self.items.push(CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail: (!detail.is_empty()).then(|| detail.to_string()),
            documentation: documentation.map(Documentation::String),
            sort_text: Some(format!("{:04}", self.items.len())),
            filter_text: Some(insert.to_string()),
            insert_text_format: Some(if snippet {
                InsertTextFormat::SNIPPET
            } else {
                InsertTextFormat::PLAIN_TEXT
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                self.replace,
                insert.to_string(),
            ))),
            ..CompletionItem::default()
        });
    }
}

struct Ctx<'a> {
    snapshot: &'a Snapshot,
    /// The declaration whose fields are completed: the one at the cursor, or what an
    /// environment's path overrides.
    file: File,
    /// The file whose imports names resolve in (the cursor's).
    scope_file: File,
    index: u32,
    kind: DeclKind,
    location: &'a Location<'a>,
    path: Vec<String>,
    word: &'a str,
    /// Inside an `env`: only what an environment may override is offered.
    in_env: bool,
}

impl<'a> Ctx<'a> {
    /// The same cursor, completing the fields of the declaration at `index` of `file` (a
    /// declaration of `kind`) at `path`, for an environment.
    fn overriding(&self, kind: DeclKind, file: File, index: u32, path: Vec<String>) -> Ctx<'a> {
        Ctx {
            snapshot: self.snapshot,
            file,
            scope_file: self.scope_file,
            index,
            kind,
            location: self.location,
            path,
            word: self.word,
            in_env: true,
        }
    }
}

/// Where the cursor is in the text of its block.
#[derive(Debug, PartialEq, Eq)]
enum Slot {
    /// Where a field's key goes.
    Key,
    /// After `key:`.
    Value(String),
    /// Inside `key: [ … ]`.
    ListItem(String),
    /// Inside a call's parentheses.
    Call,
}

#[derive(Debug)]
struct Scanned {
    position: Slot,
    /// Keys of blocks opened in the region and not closed (the parser did not see them).
    open_blocks: Vec<String>,
}

/// Reads the text of the innermost block up to the cursor: strings and comments skipped,
/// brackets matched, so the cursor's slot is known even in text that does not parse yet.
fn scan(region: &str) -> Scanned {
    let mut stack: Vec<(char, String)> = Vec::new();
    let mut segment = String::new();
    let mut chars = region.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                segment.push('"');
                let mut escaped = false;
                for s in chars.by_ref() {
                    if s == '\n' {
                        segment.clear();
                        break;
                    }
                    if s == '"' && !escaped {
                        break;
                    }
                    escaped = s == '\\' && !escaped;
                }
                segment.push('"');
            }
            '/' if chars.peek() == Some(&'/') => {
                for s in chars.by_ref() {
                    if s == '\n' {
                        break;
                    }
                }
                segment.clear();
            }
            '{' | '[' | '(' => {
                stack.push((c, key_of(&segment)));
                segment.clear();
            }
            '}' | ']' | ')' => {
                stack.pop();
                segment.clear();
            }
            ',' | '\n' => segment.clear(),
            _ => segment.push(c),
        }
    }
    let open_blocks = stack
        .iter()
        .filter(|(c, _)| *c == '{')
        .map(|(_, k)| k.clone())
        .collect();
    let position = match stack.last() {
        Some(('[', key)) => Slot::ListItem(key.clone()),
        Some(('(', _)) => Slot::Call,
        _ => match segment.split_once(':') {
            Some((key, _)) => Slot::Value(key.trim().to_string()),
            None => Slot::Key,
        },
    };
    Scanned {
        position,
        open_blocks,
    }
}

/// The key a segment starts with: `probes` in `probes {`, `ready` in `ready: http "/r" {`.
fn key_of(segment: &str) -> String {
    let trimmed = segment.trim_start();
    let end = trimmed
        .find(|c: char| c == ':' || c.is_whitespace())
        .unwrap_or(trimmed.len());
    trimmed[..end].to_string()
}

fn keys(ctx: &Ctx<'_>, out: &mut Completions) {
    if ctx.path.last().is_some_and(|p| p == "require") {
        properties(out);
        return;
    }
    if ctx.kind.is_workload() && ctx.path.is_empty() && "allow".starts_with(ctx.word) {
        out.add(
            "allow",
            CompletionItemKind::KEYWORD,
            "allow RULE because \"reason\"",
            "allow ",
        );
    }
    let present: Vec<String> = ctx
        .location
        .block
        .map(|b| {
            b.items
                .iter()
                .filter_map(|i| match i {
                    BlockItem::Field(f) => Some(f.key_text()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for info in fields_at(ctx.kind, &ctx.path) {
        if present.iter().any(|p| p == info.name && p != ctx.word) || not_per_env(ctx, info.name) {
            continue;
        }
        let insert = if info.block {
            format!("{} {{ $0 }}", info.name)
        } else {
            format!("{}: ", info.name)
        };
        out.add_full(
            info.name,
            CompletionItemKind::FIELD,
            info.syntax,
            &insert,
            Some(info.summary.to_string()),
            true,
        );
    }
    if ctx.kind == DeclKind::Tier && ctx.path.is_empty() {
        out.add(
            "require",
            CompletionItemKind::KEYWORD,
            "require { RULE \"message\" }",
            "require { ",
        );
    }
}

/// Whether `field` of the block at the cursor is one an environment cannot override
/// (`applicationset`: one ApplicationSet spans every environment, E0044).
fn not_per_env(ctx: &Ctx<'_>, field: &str) -> bool {
    ctx.in_env && ctx.kind == DeclKind::App && ctx.path == ["gitops"] && field == "applicationset"
}

/// Completion inside an `env`: at its top the app's fields, `cluster` and the app's workloads,
/// and after `NAME.` the fields of what `NAME` is; inside a workload's block, a dotted path or
/// `gitops`, what the workload or app offers there.
fn env_completion(ctx: &Ctx<'_>, scope: &EnvScope<'_>, slot: Slot, out: &mut Completions) {
    let path = segments(&ctx.path);
    let outer_dotted = ctx.path.first().map(|p| p.contains('.'));
    let is_list = matches!(slot, Slot::ListItem(_));
    match slot {
        Slot::Key if path.is_empty() => match ctx.word.rsplit_once('.') {
            Some((prefix, _)) => dotted_keys(ctx, scope, prefix, out),
            None => env_keys(ctx, scope, out),
        },
        Slot::Key => {
            if let Some(target) = overridden(ctx, scope, &path, outer_dotted.unwrap_or(false)) {
                keys(&target, out);
            }
        }
        Slot::Value(key) | Slot::ListItem(key) => {
            let mut full = path;
            full.extend(key.split('.').map(str::to_string));
            let outer_dotted = outer_dotted.unwrap_or(key.contains('.'));
            let Some((key, container)) = full.split_last() else {
                return;
            };
            let target = match (container.is_empty(), scope.app) {
                // `tier: …`, `namespace: …`: a field of the app.
                (true, Some(app)) if !outer_dotted => {
                    Some(ctx.overriding(DeclKind::App, app.file, app.index, Vec::new()))
                }
                (true, _) => None,
                (false, _) => overridden(ctx, scope, container, outer_dotted),
            };
            let Some(target) = target else {
                return;
            };
            if is_list {
                list_items(&target, key, out);
            } else {
                values(&target, key, out);
            }
        }
        Slot::Call => {}
    }
}

/// The context of what the environment's path `container` (a block or the part of a dotted
/// key before the field) overrides: a workload, or the app.
fn overridden<'a>(
    ctx: &Ctx<'a>,
    scope: &EnvScope<'_>,
    container: &[String],
    outer_dotted: bool,
) -> Option<Ctx<'a>> {
    let resolved = scope.resolve(container, outer_dotted)?;
    match resolved.target {
        Target::App(app) => Some(ctx.overriding(DeclKind::App, app.file, app.index, resolved.path)),
        Target::Workload(w) => Some(ctx.overriding(w.keyword, w.file, w.index, resolved.path)),
        Target::Cluster => None,
    }
}

/// At the top of an environment: the app's fields, `cluster`, and the names of the app's
/// workloads (each followed by `.`, for its fields).
fn env_keys(ctx: &Ctx<'_>, scope: &EnvScope<'_>, out: &mut Completions) {
    let Some(app) = scope.app else {
        return;
    };
    keys(
        &ctx.overriding(DeclKind::App, app.file, app.index, Vec::new()),
        out,
    );
    let written = |name: &str| {
        ctx.location.block.is_some_and(|b| {
            b.items
                .iter()
                .any(|i| matches!(i, BlockItem::Field(f) if f.key_text() == name))
        })
    };
    if !written("cluster") {
        out.add_full(
            "cluster",
            CompletionItemKind::FIELD,
            "cluster: \"https://prod.k8s.acme.internal\"",
            "cluster: ",
            Some("The API server the environment deploys to.".to_string()),
            true,
        );
    }
    for workload in scope.workloads() {
        out.add_full(
            &workload.name,
            CompletionItemKind::REFERENCE,
            workload.keyword.keyword(),
            &format!("{}.", workload.name),
            Some(format!(
                "Override its fields in this environment: `{0}.FIELD: …` or `{0} {{ … }}`.",
                workload.name
            )),
            false,
        );
    }
}

/// After `PREFIX.` at the top of an environment: `PREFIX.FIELD` for every field of what
/// `PREFIX` names (`web.replicas`, `gitops.revision`, `web.probes.ready`).
fn dotted_keys(ctx: &Ctx<'_>, scope: &EnvScope<'_>, prefix: &str, out: &mut Completions) {
    let container: Vec<String> = prefix.split('.').map(str::to_string).collect();
    let Some(target) = overridden(ctx, scope, &container, true) else {
        return;
    };
    for info in fields_at(target.kind, &target.path) {
        if not_per_env(&target, info.name) {
            continue;
        }
        let label = format!("{prefix}.{}", info.name);
        let insert = if info.block {
            format!("{label} {{ $0 }}")
        } else {
            format!("{label}: ")
        };
        out.add_full(
            &label,
            CompletionItemKind::FIELD,
            info.syntax,
            &insert,
            Some(info.summary.to_string()),
            true,
        );
    }
}

fn properties(out: &mut Completions) {
    for info in PROPERTIES {
        out.add_full(
            info.name,
            CompletionItemKind::PROPERTY,
            "property",
            info.name,
            Some(info.summary.to_string()),
            false,
        );
    }
}

fn values(ctx: &Ctx<'_>, key: &str, out: &mut Completions) {
    match key {
        "tier" => return names_in_scope(ctx, DeclKind::Tier, out),
        "priority" if ctx.kind != DeclKind::Priority => {
            return names_in_scope(ctx, DeclKind::Priority, out);
        }
        "match" | "deny" | "require" if ctx.kind == DeclKind::Policy => return properties(out),
        _ => {}
    }
    if ctx.path.last().is_some_and(|p| p == "env") {
        for choice in ENV_VALUE_CHOICES {
            out.add(
                choice.text,
                CompletionItemKind::VALUE,
                choice.summary,
                choice.text,
            );
        }
        return;
    }
    let Some(info) = value_info(&ctx.path, key) else {
        return;
    };
    let digits: String = ctx
        .word
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if !digits.is_empty() && !digits.ends_with('.') {
        for unit in info.units {
            let text = format!("{digits}{}", unit.text);
            out.add(&text, CompletionItemKind::UNIT, unit.summary, &text);
        }
        return;
    }
    for choice in info.choices {
        out.add(
            choice.text,
            CompletionItemKind::ENUM_MEMBER,
            choice.summary,
            choice.text,
        );
    }
}

fn list_items(ctx: &Ctx<'_>, key: &str, out: &mut Completions) {
    match key {
        "calls" => workloads(ctx, out),
        "policies" => names_in_scope(ctx, DeclKind::Policy, out),
        "require_policies" => names_in_scope(ctx, DeclKind::Policy, out),
        _ => {}
    }
}

/// Tiers or policies visible in the file; policies with their parameters.
fn names_in_scope(ctx: &Ctx<'_>, kind: DeclKind, out: &mut Completions) {
    let db = &ctx.snapshot.db;
    let project = ctx.snapshot.project;
    let scope = file_scope(db, project, ctx.scope_file);
    for name in scope.names_of(kind) {
        let declared = lookup_decl(db, project, ctx.scope_file, name, kind);
        let doc = declared
            .and_then(|d| k8sc_compiler::analysis::decl_syntax(db, d))
            .and_then(|d| d.doc.clone());
        if kind == DeclKind::Tier {
            out.add_full(name, CompletionItemKind::CLASS, "tier", name, doc, false);
            continue;
        }
        if kind == DeclKind::Priority {
            out.add_full(
                name,
                CompletionItemKind::CONSTANT,
                "priority",
                name,
                doc,
                false,
            );
            continue;
        }
        let params = declared.map(|d| policy_params(db, d)).unwrap_or_default();
        if params.is_empty() {
            out.add_full(
                name,
                CompletionItemKind::FUNCTION,
                "policy",
                name,
                doc,
                false,
            );
        } else {
            let signature = format!("{name}({})", params.join(", "));
            let snippet = format!("{name}(${{1}})");
            out.add_full(
                name,
                CompletionItemKind::FUNCTION,
                &signature,
                &snippet,
                doc,
                true,
            );
        }
    }
}

/// `allowed: [string]` for each parameter of a policy.
pub fn policy_params(db: &dyn k8sc_compiler::db::Db, decl: DeclId<'_>) -> Vec<String> {
    match &check_decl(db, decl).content {
        DeclContent::Policy(Some(spec)) => spec
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name, p.ty.describe()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Workloads of this workload's app, then `APP.WORKLOAD` for the others.
fn workloads(ctx: &Ctx<'_>, out: &mut Completions) {
    let db = &ctx.snapshot.db;
    let structure = project_structure(db, ctx.snapshot.project);
    let own = if ctx.kind == DeclKind::App {
        structure
            .apps
            .iter()
            .find(|a| a.file == ctx.file && a.index == ctx.index)
    } else {
        structure.app_of(ctx.file, ctx.index)
    };
    if let Some(app) = own {
        for workload in app.workloads.iter().chain(&app.externals) {
            if workload.file == ctx.file && workload.index == ctx.index {
                continue;
            }
            out.add(
                &workload.name,
                CompletionItemKind::REFERENCE,
                workload.keyword.keyword(),
                &workload.name,
            );
        }
    }
    for app in &structure.apps {
        if own.is_some_and(|o| o.file == app.file && o.index == app.index) {
            continue;
        }
        for workload in app.workloads.iter().chain(&app.externals) {
            let name = format!("{}.{}", app.name, workload.name);
            out.add(
                &name,
                CompletionItemKind::REFERENCE,
                workload.keyword.keyword(),
                &name,
            );
        }
    }
}

fn keywords(out: &mut Completions) {
    out.add(
        "import",
        CompletionItemKind::KEYWORD,
        "import std.tiers.production",
        "import ",
    );
    for kind in DeclKind::ALL {
        let keyword = kind.keyword();
        let snippet = if kind.is_workload() {
            format!("{keyword} ${{1:name}} {{\n  image: \"$2\"\n}}")
        } else {
            format!("{keyword} ${{1:name}} {{\n  $0\n}}")
        };
        out.add_full(
            keyword,
            CompletionItemKind::KEYWORD,
            "declaration",
            &snippet,
            None,
            true,
        );
    }
}

/// After `import`: `std.` and `./`, the standard library's modules and items, the project's
/// files relative to this one.
fn import_paths(snapshot: &Snapshot, file: File, line: &str, out: &mut Completions) {
    let db = &snapshot.db;
    let target = line.trim_start_matches("import").trim_start();
    if let Some(rest) = target.strip_prefix("std.") {
        match rest.split_once('.') {
            None => {
                for module in MODULES {
                    let text = format!("std.{}", module.name);
                    out.add(&text, CompletionItemKind::MODULE, module.path, &text);
                }
            }
            Some((module, _)) => {
                let Some(module) = MODULES.iter().find(|m| m.name == module) else {
                    return;
                };
                let Some(std_file) = snapshot.file_by_path(module.path) else {
                    return;
                };
                for decl in parse(db, std_file).file.decls() {
                    let Some(name) = &decl.name else { continue };
                    let text = format!("std.{}.{}", module.name, name.name);
                    out.add_full(
                        &text,
                        CompletionItemKind::CLASS,
                        decl.kind.keyword(),
                        &text,
                        decl.doc.clone(),
                        false,
                    );
                }
            }
        }
        return;
    }
    if target.starts_with('.') {
        let own = file.path(db);
        for other in snapshot.project.files(db) {
            if *other == file || other.kind(db) != FileKind::Project {
                continue;
            }
            if let Some(relative) = relative_import(own, other.path(db)) {
                out.add(
                    &relative,
                    CompletionItemKind::FILE,
                    other.path(db),
                    &relative,
                );
            }
        }
        return;
    }
    out.add(
        "std.",
        CompletionItemKind::MODULE,
        "the standard library",
        "std.",
    );
    out.add(
        "./",
        CompletionItemKind::FOLDER,
        "a file of this project",
        "./",
    );
}

/// `./common` or `../lib/tiers`: how `importer` imports `target`.
fn relative_import(importer: &str, target: &str) -> Option<String> {
    let stem = target.strip_suffix(".k8s")?;
    let dir: Vec<&str> = importer.split('/').collect();
    let dir = &dir[..dir.len().saturating_sub(1)];
    let parts: Vec<&str> = stem.split('/').collect();
    let common = dir.iter().zip(&parts).take_while(|(a, b)| a == b).count();
    let ups = dir.len() - common;
    let mut out = if ups == 0 {
        "./".to_string()
    } else {
        "../".repeat(ups)
    };
    out.push_str(&parts.get(common..)?.join("/"));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanning_finds_the_slot() {
        assert_eq!(scan("\n  repl").position, Slot::Key);
        assert_eq!(
            scan("\n  spread: zo").position,
            Slot::Value("spread".into())
        );
        assert_eq!(
            scan("\n  calls: [api, ").position,
            Slot::ListItem("calls".into())
        );
        let nested = scan("\n  probes { ready: http \"/r\", live: ");
        assert_eq!(nested.position, Slot::Value("live".into()));
        assert_eq!(nested.open_blocks, ["probes"]);
        assert_eq!(scan("\n  x: \"a: [b\"\n  ").position, Slot::Key);
        assert_eq!(scan("  policies: [p(").position, Slot::Call);
    }

    #[test]
    fn relative_imports() {
        assert_eq!(
            relative_import("app.k8s", "common.k8s").as_deref(),
            Some("./common")
        );
        assert_eq!(
            relative_import("a/app.k8s", "lib/tiers.k8s").as_deref(),
            Some("../lib/tiers")
        );
    }
}
