//! A snapshot: a clone of the database at one revision, with what requests need to turn URIs
//! and positions into files and offsets. Computations on a snapshot are cancelled (they unwind
//! with `salsa::Cancelled`) as soon as the workspace applies an edit.

use crate::line_index::{Encoding, line_index};
use crate::uris::Paths;
use k8sc_compiler::analysis::files_by_path;
use k8sc_compiler::db::{Database, File, Project};
use k8sc_grammar::Span;
use std::collections::HashMap;
use std::sync::Arc;
use tower_lsp_server::ls_types::{Location, Position, Range, Uri};

/// The database at one revision, and how to address its files.
#[derive(Clone)]
pub struct Snapshot {
    /// The database (a salsa snapshot: a clone sharing the memoised results).
    pub db: Database,
    /// The project.
    pub project: Project,
    /// URIs ↔ display paths.
    pub paths: Paths,
    /// The position encoding agreed with the client.
    pub encoding: Encoding,
    /// The versions of the open documents, by display path.
    pub versions: Arc<HashMap<String, i32>>,
}

impl Snapshot {
    /// The file a URI names.
    pub fn file(&self, uri: &Uri) -> Option<File> {
        self.paths.file_of(&self.db, self.project, uri)
    }

    /// The file with this display path.
    pub fn file_by_path(&self, display: &str) -> Option<File> {
        files_by_path(&self.db, self.project).get(display).copied()
    }

    /// A file's text.
    pub fn text(&self, file: File) -> &str {
        file.text(&self.db)
    }

    /// The URI of a file.
    pub fn uri(&self, file: File) -> Option<Uri> {
        self.paths.uri_of(&self.db, file)
    }

    /// The byte offset of a position in a file.
    pub fn offset(&self, file: File, position: Position) -> u32 {
        line_index(&self.db, file).offset(self.text(file), position, self.encoding)
    }

    /// The position of a byte offset in a file.
    pub fn position(&self, file: File, offset: u32) -> Position {
        line_index(&self.db, file).position(self.text(file), offset, self.encoding)
    }

    /// The range of a span of a file.
    pub fn range(&self, file: File, span: Span) -> Range {
        line_index(&self.db, file).range(self.text(file), span, self.encoding)
    }

    /// The span of a range of a file.
    pub fn span(&self, file: File, range: Range) -> Span {
        line_index(&self.db, file).span(self.text(file), range, self.encoding)
    }

    /// A span of a file as an LSP location.
    pub fn location(&self, file: File, span: Span) -> Option<Location> {
        Some(Location::new(self.uri(file)?, self.range(file, span)))
    }

    /// The 1-based line of an offset, for messages (`std/tiers.k8s:14`).
    pub fn line_number(&self, file: File, offset: u32) -> u32 {
        line_index(&self.db, file).line_of(offset) + 1
    }

    /// The version of an open document.
    pub fn version(&self, file: File) -> Option<i32> {
        self.versions.get(file.path(&self.db).as_str()).copied()
    }
}
