//! From resources to files: YAML rendering, the output folder layout, and writing it atomically.

pub mod layout;
pub mod writer;
pub mod yaml;

pub use layout::{DEFAULT_ENV, OutputTree, build_shared_tree, build_tree};
