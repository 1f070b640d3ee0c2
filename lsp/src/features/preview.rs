//! `k8sc/preview` (also the `k8sc.preview` command): the YAML the declaration at a position
//! compiles to, which the VS Code extension shows in a side panel; and `k8sc/virtualDocument`,
//! the text of the standard library's read-only documents.

use super::file_offset;
use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::locate::locate;
use k8sc_compiler::analysis::parse;
use k8sc_compiler::analysis::preview;
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{Position, TextDocumentIdentifier, Uri};

/// The command name of the preview.
pub const PREVIEW_COMMAND: &str = "k8sc.preview";

/// Which declaration to preview: the one at `position` (the first of the file without one).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewParams {
    /// The document.
    pub text_document: TextDocumentIdentifier,
    /// A position inside the declaration.
    pub position: Option<Position>,
}

/// The YAML of a declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewResult {
    /// What is shown: "service `web`".
    pub title: String,
    /// The documents.
    pub yaml: String,
    /// How many documents.
    pub documents: usize,
}

/// The text of a virtual document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualDocument {
    /// Its text.
    pub text: String,
}

/// The preview of the declaration at the position.
pub fn preview(snapshot: &Snapshot, params: &PreviewParams) -> Option<PreviewResult> {
    let uri = &params.text_document.uri;
    let position = params.position.unwrap_or_default();
    let (file, offset) = file_offset(snapshot, uri, position)?;
    let parsed = parse(&snapshot.db, file);
    let index = match locate(&parsed.file, offset).decl {
        Some((index, _)) => index,
        None if params.position.is_none() => 0,
        None => return None,
    };
    let preview = preview::preview(&snapshot.db, snapshot.project, file, index)?;
    Some(PreviewResult {
        title: preview.title,
        yaml: preview.yaml,
        documents: preview.documents,
    })
}

/// The text of a document the server serves (the standard library's modules).
pub fn virtual_document(snapshot: &Snapshot, uri: &Uri) -> Option<VirtualDocument> {
    let file = snapshot.file(uri)?;
    Some(VirtualDocument {
        text: snapshot.text(file).to_string(),
    })
}
