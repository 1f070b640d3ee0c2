//! One module per LSP feature; each is a pure function of a [`crate::snapshot::Snapshot`].

pub mod code_actions;
pub mod completion;
pub mod diagnostics;
pub mod formatting;
pub mod hover;
pub mod inlay_hints;
pub mod navigation;
pub mod preview;
pub mod semantic_tokens;
pub mod signature_help;
pub mod symbols;

use crate::snapshot::Snapshot;
use k8sc_compiler::db::File;
use tower_lsp_server::ls_types::{Position, Uri};

/// The file a URI names and the byte offset of a position in it.
pub fn file_offset(snapshot: &Snapshot, uri: &Uri, position: Position) -> Option<(File, u32)> {
    let file = snapshot.file(uri)?;
    Some((file, snapshot.offset(file, position)))
}
