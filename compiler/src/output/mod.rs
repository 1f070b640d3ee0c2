//! From resources to files: YAML rendering, the output folder layout, and writing it atomically;
//! and back: reading an output folder to compare it with a build ([`compare`]) or with another
//! output ([`semantic_diff`]).

pub mod compare;
pub mod disk;
mod emitter;
pub mod immutable;
pub mod layout;
mod lock;
mod ownership;
pub(crate) mod parallel;
mod removal;
mod scalars;
pub mod semantic_diff;
mod swap;
pub mod writer;
pub mod yaml;

pub use layout::{DEFAULT_ENV, OutputTree, build_shared_tree, build_tree, requirements_tree};
