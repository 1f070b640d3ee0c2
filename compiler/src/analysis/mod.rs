//! Editor-facing queries over the same database and checker the CLI uses: what is at an offset,
//! where names are declared and used, what an environment's paths override, the effective values
//! of a workload and where each comes from, what a declaration compiles to, and the vocabulary
//! completion offers.
//!
//! The language server (the `k8sc-lsp` crate) is the main user; nothing here knows LSP types.
//! Positions are byte offsets into a file's text, as everywhere in the compiler.

pub mod builtin;
pub mod catalogue;
mod editor_db;
pub mod effective;
pub mod env_scope;
mod exports;
pub mod locate;
pub mod navigation;
pub mod preview;

pub use exports::*;

use crate::db::{Db, Project};

/// The environment editor queries show: the project's first (`default` without environments),
/// the one `lower_project` builds.
pub fn editor_env(db: &dyn Db, project: Project) -> EnvKey<'_> {
    let first = crate::lower::environments(db, project)
        .first()
        .cloned()
        .unwrap_or_else(|| crate::output::DEFAULT_ENV.to_string());
    EnvKey::new(db, first)
}
