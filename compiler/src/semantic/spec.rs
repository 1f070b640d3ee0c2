//! The typed, checked content of declarations (defined in the leaf model, [`crate::model::spec`]).

pub use crate::model::spec::*;
