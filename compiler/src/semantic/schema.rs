//! The catalogue of fields (defined in the leaf model, [`crate::model::schema`]).

pub use crate::model::schema::*;
