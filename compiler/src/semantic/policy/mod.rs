//! The rule language of tiers and policies: a vocabulary of workload properties, typed
//! expressions over them, their evaluation at compile time, and their normal form for admission
//! control in the cluster.

pub mod decl;
pub mod eval;
pub mod expr;
pub mod normal;
pub mod property;
pub mod source;
pub mod typecheck;
