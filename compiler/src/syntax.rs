//! Parsing as a tracked query: a file is re-parsed only when its text changes.

use crate::db::{Db, File};
use crate::diagnostics::{Code, Diagnostic, Label};
use k8sc_grammar::{ParseResult, SyntaxError};

/// The syntax tree, syntax errors and comments of a file.
///
/// An editor's database parses item by item ([`Db::parses_by_item`]): each top-level item's text
/// is interned and parsed on its own, so after a keystroke only the changed item is parsed again
/// and the others come from their memos. The parts are joined with their spans moved into place
/// ([`k8sc_grammar::chunks`]); if any part has a syntax error, the whole file is parsed at once,
/// since recovery may look across items. Both ways give the same result
/// (`compiler/tests/it/parse_by_item.rs`).
#[salsa::tracked(returns(ref))]
pub fn parse(db: &dyn Db, file: File) -> ParseResult {
    let text = file.text(db);
    if !db.parses_by_item() || text.len() > k8sc_grammar::MAX_FILE_SIZE {
        return k8sc_grammar::parse(text);
    }
    let items: Vec<(usize, ItemText<'_>)> = k8sc_grammar::chunks::item_texts(text)
        .into_iter()
        .map(|(at, item)| (at, ItemText::new(db, item.to_string())))
        .collect();
    let parts: Vec<(usize, &ParseResult)> = items
        .iter()
        .map(|(start, item)| (*start, parse_item(db, *item)))
        .collect();
    if parts.iter().any(|(_, part)| !part.errors.is_empty()) {
        return k8sc_grammar::parse(text);
    }
    k8sc_grammar::chunks::join_parts(parts)
}

/// Keeps the parses of at most `capacity` items (the most recently used) from one revision to
/// the next: the files being edited keep theirs, the others' are dropped after loading, so the
/// workspace's syntax is not held twice (joined and in parts).
pub(crate) fn keep_item_parses(db: &mut crate::db::Database, capacity: usize) {
    parse_item::set_lru_capacity(db, capacity);
}

/// The text of one top-level item of a file (with the blank and comment lines above it), as the
/// key of its parse.
#[salsa::interned(debug)]
pub struct ItemText<'db> {
    /// The text.
    #[returns(ref)]
    pub text: String,
}

/// The parse of one item's text, its spans relative to the item. (Its LRU capacity is set by an
/// editor's database: [`keep_item_parses`].)
#[salsa::tracked(returns(ref), lru = 0)]
pub fn parse_item<'db>(db: &'db dyn Db, item: ItemText<'db>) -> ParseResult {
    k8sc_grammar::parse(item.text(db))
}

/// The syntax errors of a file as `E0001` diagnostics.
#[salsa::tracked(returns(ref))]
pub fn syntax_diagnostics(db: &dyn Db, file: File) -> Vec<Diagnostic> {
    let path = file.path(db);
    parse(db, file)
        .errors
        .iter()
        .map(|error| syntax_error_diagnostic(path, error))
        .collect()
}

/// One syntax error of the file at display path `path` as an `E0001` diagnostic.
pub fn syntax_error_diagnostic(path: &str, error: &SyntaxError) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(Code::Syntax, &error.message, path, error.span);
    if let Some(label) = &error.label {
        diagnostic = diagnostic.with_label(label);
    }
    if let Some((span, message)) = &error.related {
        diagnostic = diagnostic.with_secondary(Label::new(path, *span).with_message(message));
    }
    if let Some(help) = &error.help {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}
