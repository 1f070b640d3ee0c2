//! The `.k8s` grammar and its parser.
//!
//! [`parse`] never fails: it always returns a [`SourceFile`] plus the syntax errors it found,
//! recovering at declaration and field level so that one broken declaration leaves the others
//! intact for the checker and the language server. [`format`](mod@format) writes a file in the
//! canonical layout (`k8sc fmt`). This crate knows nothing of salsa, of the checker's types, or of
//! LSP.

pub mod ast;
pub mod chunks;
mod comments;
mod direct;
pub mod format;
mod lexical;
mod nesting;
mod parser;
mod recovery;
pub mod span;
mod strings;
mod syntax_error;
pub mod tree_dump;
pub mod work;

pub use ast::*;
pub use comments::{Comment, comments};
pub use parser::{ParseResult, parse, parse_direct, parse_with_pest};
pub use span::Span;
pub use syntax_error::SyntaxError;

/// The largest file the parser accepts, in bytes; larger input is reported, not parsed, so that
/// every span fits in a `u32`.
pub const MAX_FILE_SIZE: usize = 64 * 1024 * 1024;

/// How deeply brackets may nest before the parser refuses the inner part; keeps recursion (and
/// the stack) bounded on any input.
pub const MAX_NESTING: usize = 64;
