//! Helpers shared by the integration tests: a Kyverno evaluator, and the equivalence harness that
//! compares its verdicts with the compiler's.
// Each test crate uses a different part of the helpers.
#![allow(dead_code)]

pub mod api_names;
pub mod examples;
pub mod harness;
pub mod kyverno_eval;
pub mod netpol_eval;
pub mod requirements_cover;
pub mod selectors;
