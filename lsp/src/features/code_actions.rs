//! Quick fixes: every machine-applicable suggestion of a diagnostic (did you mean…), and for
//! workloads: add a readiness probe, pin an image to the version the project already uses, and
//! exempt the workload from a rule it breaks with `allow RULE because "…"`.

use super::diagnostics::to_lsp;
use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::ImageRef;
use k8sc_compiler::analysis::Property;
use k8sc_compiler::analysis::Protocol;
use k8sc_compiler::analysis::effective::effective_workload;
use k8sc_compiler::analysis::locate::nested_block;
use k8sc_compiler::analysis::lower_workload_decl;
use k8sc_compiler::analysis::parse;
use k8sc_compiler::analysis::project_diagnostics;
use k8sc_compiler::analysis::{Code, Diagnostic, Redaction};
use k8sc_compiler::analysis::{DeclContent, DeclId, check_decl};
use k8sc_compiler::db::File;
use k8sc_grammar::{Decl, Span, ValueKind};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, Uri, WorkspaceEdit,
};

/// The quick fixes for a range of a document.
pub fn code_actions(
    snapshot: &Snapshot,
    params: &CodeActionParams,
) -> Option<Vec<CodeActionOrCommand>> {
    let db = &snapshot.db;
    let file = snapshot.file(&params.text_document.uri)?;
    let path = file.path(db).clone();
    let range = snapshot.span(file, params.range);
    let all = project_diagnostics(db, snapshot.project);
    // Titles and attached diagnostics are shown: redacted as published (by the secrets of every
    // diagnostic of the project); the edit itself is the suggestion's own text.
    let mut actions = Actions {
        list: Vec::new(),
        redaction: Redaction::new(all, snapshot),
    };
    for diagnostic in all {
        if diagnostic.primary.file != path || !overlaps(diagnostic.primary.span, range) {
            continue;
        }
        let shown = actions.redaction.diagnostic(diagnostic);
        for (suggestion, shown) in diagnostic.suggestions.iter().zip(&shown.suggestions) {
            let Some(target) = snapshot.file_by_path(&suggestion.file) else {
                continue;
            };
            actions.push(
                snapshot,
                format!("Replace with `{}`", shown.replacement),
                Some(diagnostic),
                target,
                suggestion.span,
                suggestion.replacement.clone(),
                diagnostic.suggestions.len() == 1,
            );
        }
    }
    for (index, decl) in parse(db, file).file.decls().enumerate() {
        if !decl.kind.is_workload() || !overlaps(decl.span, range) {
            continue;
        }
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        workload_actions(snapshot, file, index, decl, range, &path, &mut actions);
    }
    Some(actions.list)
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

struct Actions {
    list: Vec<CodeActionOrCommand>,
    /// What the attached diagnostics are redacted by.
    redaction: Redaction,
}

impl Actions {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        snapshot: &Snapshot,
        title: String,
        diagnostic: Option<&Diagnostic>,
        file: File,
        span: Span,
        text: String,
        preferred: bool,
    ) {
        let exists = self.list.iter().any(|a| match a {
            CodeActionOrCommand::CodeAction(action) => action.title == title,
            CodeActionOrCommand::Command(_) => false,
        });
        let Some(uri) = snapshot.uri(file) else {
            return;
        };
        if exists {
            return;
        }
        let changes: HashMap<Uri, Vec<TextEdit>> =
            HashMap::from([(uri, vec![TextEdit::new(snapshot.range(file, span), text)])]);
        self.list.push(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: diagnostic.map(|d| vec![to_lsp(snapshot, &self.redaction.diagnostic(d))]),
            edit: Some(WorkspaceEdit {
                changes: Some(changes),
                ..WorkspaceEdit::default()
            }),
            is_preferred: preferred.then_some(true),
            ..CodeAction::default()
        }));
    }
}

fn workload_actions(
    snapshot: &Snapshot,
    file: File,
    index: u32,
    decl: &Decl,
    range: Span,
    path: &str,
    actions: &mut Actions,
) {
    let db = &snapshot.db;
    let id = DeclId::new(db, file, index);
    let name = decl.name.as_ref().map_or("", |n| n.name.as_str());
    let name_span = decl.name.as_ref().map_or(decl.keyword_span, |n| n.span);
    let env = k8sc_compiler::analysis::editor_env(db, snapshot.project);
    let lowered = lower_workload_decl(db, snapshot.project, id, env);
    let checked = check_decl(db, id);
    let relevant = |d: &&Diagnostic| {
        overlaps(range, name_span) || (d.primary.file == path && overlaps(d.primary.span, range))
    };
    for diagnostic in lowered
        .diagnostics
        .iter()
        .chain(&checked.diagnostics)
        .filter(relevant)
    {
        match diagnostic.code {
            Code::NoReadinessProbe => readiness(snapshot, file, index, decl, diagnostic, actions),
            Code::UnpinnedImage => pin(snapshot, file, decl, diagnostic, actions),
            Code::RuleViolation | Code::RuleWarning => {
                let rule = lowered.rules.iter().map(|(r, _)| r).find(|r| {
                    diagnostic
                        .secondary
                        .iter()
                        .any(|l| l.file == *r.file && l.span == r.span)
                });
                let Some(rule) = rule else { continue };
                let properties = rule.deny.properties();
                if properties.contains(&Property::ProbesReady) {
                    readiness(snapshot, file, index, decl, diagnostic, actions);
                }
                if properties.contains(&Property::ImageTag)
                    || properties.contains(&Property::ImageDigest)
                {
                    pin(snapshot, file, decl, diagnostic, actions);
                }
                let allow = rule.allow_name();
                let line = format!("allow {allow} because \"TODO: why this exception is safe\"");
                let (at, text) = new_line_in(snapshot, file, &decl.body, &line);
                actions.push(
                    snapshot,
                    format!("Exempt `{name}` from `{allow}` (allow … because …)"),
                    Some(diagnostic),
                    file,
                    at,
                    text,
                    false,
                );
            }
            _ => {}
        }
    }
}

/// Where and what to insert to add `line` as the first line of `block`.
fn new_line_in(
    snapshot: &Snapshot,
    file: File,
    block: &k8sc_grammar::Block,
    line: &str,
) -> (Span, String) {
    let text = snapshot.text(file);
    let open = block.span.start as usize + 1;
    let line_start = text
        .get(..block.span.start as usize)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let outer: String = text
        .get(line_start..)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let indent = format!("{outer}  ");
    let rest_of_line = text
        .get(open..)
        .and_then(|r| r.split('\n').next())
        .unwrap_or("");
    let mut insert = format!("\n{indent}{line}");
    if !rest_of_line.trim().is_empty() {
        insert.push_str(&format!("\n{indent}"));
    }
    (Span::new(open, open), insert)
}

/// Adds `ready: …` to the workload's probes, fitting its first port.
fn readiness(
    snapshot: &Snapshot,
    file: File,
    index: u32,
    decl: &Decl,
    diagnostic: &Diagnostic,
    actions: &mut Actions,
) {
    let db = &snapshot.db;
    let Some(effective) = effective_workload(db, snapshot.project, DeclId::new(db, file, index))
    else {
        return;
    };
    let Some(port) = effective
        .spec
        .ports
        .as_ref()
        .and_then(|p| p.value.first().cloned())
    else {
        return;
    };
    let probe = match port.protocol {
        Protocol::Http | Protocol::Http2 => "http \"/ready\"",
        Protocol::Grpc => "grpc",
        _ => "tcp",
    };
    let probes = decl
        .body
        .fields()
        .find(|f| f.key_text() == "probes")
        .and_then(|f| nested_block(&f.value));
    let (at, text) = match probes {
        Some(block) => new_line_in(snapshot, file, block, &format!("ready: {probe}")),
        None => new_line_in(
            snapshot,
            file,
            &decl.body,
            &format!("probes {{ ready: {probe} }}"),
        ),
    };
    actions.push(
        snapshot,
        format!("Add a readiness probe (`ready: {probe}`)"),
        Some(diagnostic),
        file,
        at,
        text,
        true,
    );
}

/// Pins the image to the version other workloads of the project use for the same repository.
fn pin(
    snapshot: &Snapshot,
    file: File,
    decl: &Decl,
    diagnostic: &Diagnostic,
    actions: &mut Actions,
) {
    let db = &snapshot.db;
    let Some(field) = decl.body.fields().find(|f| f.key_text() == "image") else {
        return;
    };
    let ValueKind::Str(written) = &field.value.kind else {
        return;
    };
    let Ok(image) = ImageRef::parse(written) else {
        return;
    };
    for other in snapshot.project.files(db) {
        for (index, _) in parse(db, *other).file.decls().enumerate() {
            let id = DeclId::new(db, *other, u32::try_from(index).unwrap_or(u32::MAX));
            let DeclContent::Workload { spec, .. } = &check_decl(db, id).content else {
                continue;
            };
            let Some(used) = &spec.image else { continue };
            let used = &used.value;
            if used.repository != image.repository
                || used.registry != image.registry
                || used.is_unpinned()
            {
                continue;
            }
            let mut pinned = image.clone();
            pinned.tag = used.tag.clone();
            pinned.digest = used.digest.clone();
            let text = format!("{:?}", pinned.to_string());
            actions.push(
                snapshot,
                format!("Pin the image to `{pinned}` (used elsewhere in the project)"),
                Some(diagnostic),
                file,
                field.value.span,
                text,
                true,
            );
            return;
        }
    }
}
