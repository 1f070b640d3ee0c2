//! Fuzz target `check`: the body lives in `harness/check.rs`, shared with the stable test that replays
//! this target's corpus and crashers in the normal test suite.

#![no_main]

#[path = "../harness/check.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
