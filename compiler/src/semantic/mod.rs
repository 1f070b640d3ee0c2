//! Checking: from syntax trees to typed, resolved declarations.
//!
//! Each stage is a salsa query: per-declaration type checking ([`decls`]), per-file imports and
//! scopes ([`imports`], [`scope`]), and project-wide grouping and reference resolution
//! ([`structure`], [`resolve`]).

pub mod app;
pub mod calls;
pub mod containers;
pub mod decls;
pub mod derived_names;
pub mod env;
pub mod envs;
pub mod expose;
pub mod external;
pub mod files;
pub mod gitops;
pub mod imports;
pub mod lifecycle;
pub mod mesh;
pub mod namespace;
pub mod patch;
pub mod patch_security;
pub mod placement;
pub mod policy;
pub mod priority;
pub mod reader;
pub mod resolve;
pub mod rules;
pub mod scaling;
pub mod scope;
pub mod secrets;
pub mod service_options;
pub mod structure;
pub mod suggest;
pub mod tier;
pub mod traffic;
pub mod workload;
