//! Helpers shared by the integration tests: a Kyverno evaluator, compile-time facts of lowered
//! workloads, and the equivalence harness that compares the two.
// Each test crate uses a different part of the helpers.
#![allow(dead_code)]

pub mod facts;
pub mod harness;
pub mod kyverno_eval;
