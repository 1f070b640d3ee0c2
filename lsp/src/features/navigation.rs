//! Go to definition, find references, and rename — of workloads (in `calls`, also as
//! `APP.WORKLOAD` from other files), apps, tiers, policies, environments, imports and the
//! standard library's items (opened as read-only virtual documents).

use super::file_offset;
use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::navigation::{self, Symbol};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    GotoDefinitionResponse, Location, Position, PrepareRenameResponse, TextEdit, Uri, WorkspaceEdit,
};

fn symbol_at(
    snapshot: &Snapshot,
    uri: &Uri,
    position: Position,
) -> Option<(k8sc_compiler::db::File, k8sc_grammar::Span, Symbol)> {
    let (file, offset) = file_offset(snapshot, uri, position)?;
    let (span, symbol) = navigation::symbol_at(&snapshot.db, snapshot.project, file, offset)?;
    Some((file, span, symbol))
}

/// Where the name at a position is declared.
pub fn definition(
    snapshot: &Snapshot,
    uri: &Uri,
    position: Position,
) -> Option<GotoDefinitionResponse> {
    let (_, _, symbol) = symbol_at(snapshot, uri, position)?;
    let (file, span) = navigation::definition(&snapshot.db, symbol);
    Some(GotoDefinitionResponse::Scalar(
        snapshot.location(file, span)?,
    ))
}

/// Every use of the name at a position (and its declaration, if asked).
pub fn references(
    snapshot: &Snapshot,
    uri: &Uri,
    position: Position,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (_, _, symbol) = symbol_at(snapshot, uri, position)?;
    Some(
        navigation::references(&snapshot.db, snapshot.project, symbol, include_declaration)
            .into_iter()
            .filter_map(|(file, span)| snapshot.location(file, span))
            .collect(),
    )
}

/// The name a rename at this position would change, or why there is none to rename.
pub fn prepare_rename(
    snapshot: &Snapshot,
    uri: &Uri,
    position: Position,
) -> Result<Option<PrepareRenameResponse>, String> {
    let Some((file, span, symbol)) = symbol_at(snapshot, uri, position) else {
        return Ok(None);
    };
    // Checks the same conditions as the rename itself, with a name that is always valid.
    navigation::rename(&snapshot.db, snapshot.project, symbol, "x").map_err(|e| e.0)?;
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: snapshot.range(file, span),
        placeholder: snapshot.text(file)[span.range()].to_string(),
    }))
}

/// Renames the name at a position everywhere.
pub fn rename(
    snapshot: &Snapshot,
    uri: &Uri,
    position: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    let Some((_, _, symbol)) = symbol_at(snapshot, uri, position) else {
        return Ok(None);
    };
    let spans =
        navigation::rename(&snapshot.db, snapshot.project, symbol, new_name).map_err(|e| e.0)?;
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (file, span) in spans {
        let Some(uri) = snapshot.uri(file) else {
            continue;
        };
        let edits = changes.entry(uri).or_default();
        let edit = TextEdit::new(snapshot.range(file, span), new_name.to_string());
        if !edits.contains(&edit) {
            edits.push(edit);
        }
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }))
}
