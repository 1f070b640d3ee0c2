//! The leaf model: the types of checked values (what a declaration says, with where each value
//! was written), the registry of workload fields and the registry of workload kinds. It imports
//! nothing of the compiler but the value types of [`crate::types`], so every layer above —
//! checking, lowering, the backends, the editor — can share it without a cycle.

pub mod containers;
pub mod fields;
pub mod files;
pub mod gitops;
pub mod kinds;
pub mod lifecycle;
pub mod mesh;
pub mod patch;
pub mod placement;
pub mod scaling;
pub mod schema;
pub mod service;
pub mod spec;
pub mod traffic;
pub mod values;
