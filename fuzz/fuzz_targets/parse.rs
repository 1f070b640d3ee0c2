//! Fuzz target `parse`: the body lives in `harness/parse.rs`, shared with the stable test that replays
//! this target's corpus and crashers in the normal test suite.

#![no_main]

#[path = "../harness/parse.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
