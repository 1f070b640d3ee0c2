//! Inlay hints: at the end of a workload's first line, the values it inherits without writing
//! them — `replicas 2..10, cpu 250m from tier production` — each part linked to where the value
//! is written.

use super::hover::origin_text;
use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::DeclId;
use k8sc_compiler::analysis::Layer;
use k8sc_compiler::analysis::effective::{effective_workload, field_origins};
use k8sc_compiler::analysis::parse;
use std::collections::BTreeMap;
use tower_lsp_server::ls_types::{
    InlayHint, InlayHintKind, InlayHintLabel, InlayHintLabelPart, Range, Uri,
};

/// The hints of the workloads that overlap `range`.
pub fn inlay_hints(snapshot: &Snapshot, uri: &Uri, range: Range) -> Option<Vec<InlayHint>> {
    let db = &snapshot.db;
    let file = snapshot.file(uri)?;
    let within = snapshot.span(file, range);
    let text = snapshot.text(file);
    let mut hints = Vec::new();
    for (index, decl) in parse(db, file).file.decls().enumerate() {
        if !decl.kind.is_workload() || decl.span.end < within.start || decl.span.start > within.end
        {
            continue;
        }
        let id = DeclId::new(db, file, u32::try_from(index).unwrap_or(u32::MAX));
        let Some(effective) = effective_workload(db, snapshot.project, id) else {
            continue;
        };
        // Inherited values, grouped by the layer they come from (tiers nearest first).
        let mut groups: BTreeMap<String, Vec<InlayHintLabelPart>> = BTreeMap::new();
        for (field, origin) in field_origins(&effective.spec) {
            let source = match &origin.layer() {
                Layer::Tier(name) => format!("tier {name}"),
                Layer::App => "app defaults".to_string(),
                _ => continue,
            };
            let Some(value) = origin_text(snapshot, origin) else {
                continue;
            };
            let location = origin
                .file()
                .and_then(|path| snapshot.file_by_path(path))
                .and_then(|f| snapshot.location(f, origin.span));
            let parts = groups.entry(source).or_default();
            if !parts.is_empty() {
                parts.push(InlayHintLabelPart {
                    value: ", ".to_string(),
                    ..InlayHintLabelPart::default()
                });
            }
            parts.push(InlayHintLabelPart {
                value: format!("{field} {value}"),
                location,
                ..InlayHintLabelPart::default()
            });
        }
        let header_end = text
            .get(decl.span.start as usize..)
            .and_then(|rest| rest.find('\n'))
            .map_or(decl.span.end, |i| decl.span.start + i as u32);
        let position = snapshot.position(file, header_end);
        for (source, mut parts) in groups {
            parts.push(InlayHintLabelPart {
                value: format!(" from {source}"),
                ..InlayHintLabelPart::default()
            });
            hints.push(InlayHint {
                position,
                label: InlayHintLabel::LabelParts(parts),
                kind: Some(InlayHintKind::PARAMETER),
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            });
        }
    }
    Some(hints)
}
