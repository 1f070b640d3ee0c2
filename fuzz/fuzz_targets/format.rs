//! Fuzz target `format`: the body lives in `harness/format.rs`, shared with the stable test that replays
//! this target's corpus and crashers in the normal test suite.

#![no_main]

#[path = "../harness/format.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
