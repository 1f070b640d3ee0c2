//! Fuzz target `lsp`: the body lives in `harness/lsp.rs`, shared with the stable test that replays
//! this target's corpus and crashers in the normal test suite.

#![no_main]

#[path = "../harness/lsp.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
