//! The outline of a document (declarations, their fields and nested blocks) and workspace
//! symbols (every declaration of the project and the standard library, by name).

use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::locate::nested_block;
use k8sc_compiler::analysis::parse;
use k8sc_compiler::db::File;
use k8sc_grammar::{Block, BlockItem, DeclKind};
use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolResponse, SymbolInformation, SymbolKind, Uri,
    WorkspaceSymbolResponse,
};

/// The LSP kind of a declaration.
pub fn symbol_kind(kind: DeclKind) -> SymbolKind {
    match kind {
        DeclKind::App => SymbolKind::MODULE,
        DeclKind::Tier => SymbolKind::CLASS,
        DeclKind::Policy => SymbolKind::FUNCTION,
        DeclKind::Env => SymbolKind::NAMESPACE,
        _ => SymbolKind::OBJECT,
    }
}

/// The outline of a document.
pub fn document_symbols(snapshot: &Snapshot, uri: &Uri) -> Option<DocumentSymbolResponse> {
    let file = snapshot.file(uri)?;
    let symbols = parse(&snapshot.db, file)
        .file
        .decls()
        .filter_map(|decl| {
            let name = decl.name.as_ref()?;
            #[allow(deprecated)]
            Some(DocumentSymbol {
                name: name.name.clone(),
                detail: Some(decl.kind.keyword().to_string()),
                kind: symbol_kind(decl.kind),
                tags: None,
                deprecated: None,
                range: snapshot.range(file, decl.span),
                selection_range: snapshot.range(file, name.span),
                children: Some(fields(snapshot, file, &decl.body)),
            })
        })
        .collect();
    Some(DocumentSymbolResponse::Nested(symbols))
}

fn fields(snapshot: &Snapshot, file: File, block: &Block) -> Vec<DocumentSymbol> {
    block
        .items
        .iter()
        .filter_map(|item| {
            let BlockItem::Field(field) = item else {
                return None;
            };
            let children = nested_block(&field.value).map(|b| fields(snapshot, file, b));
            #[allow(deprecated)]
            Some(DocumentSymbol {
                name: field.key_text(),
                detail: None,
                kind: SymbolKind::FIELD,
                tags: None,
                deprecated: None,
                range: snapshot.range(file, field.span),
                selection_range: snapshot.range(file, field.key_span()),
                children: children.filter(|c| !c.is_empty()),
            })
        })
        .collect()
}

/// Declarations whose name contains `query` (case-insensitively), project files first.
pub fn workspace_symbols(snapshot: &Snapshot, query: &str) -> Option<WorkspaceSymbolResponse> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for file in snapshot.project.all_files(&snapshot.db) {
        for decl in parse(&snapshot.db, file).file.decls() {
            let Some(name) = &decl.name else { continue };
            if !name.name.to_lowercase().contains(&query) {
                continue;
            }
            let Some(location) = snapshot.location(file, name.span) else {
                continue;
            };
            #[allow(deprecated)]
            out.push(SymbolInformation {
                name: name.name.clone(),
                kind: symbol_kind(decl.kind),
                tags: None,
                deprecated: None,
                location,
                container_name: Some(file.path(&snapshot.db).clone()),
            });
        }
    }
    Some(WorkspaceSymbolResponse::Flat(out))
}
