//! Fuzz target `import`: the body lives in `harness/import.rs`, shared with the stable test that
//! replays this target's corpus and crashers in the normal test suite.

#![no_main]

#[path = "../harness/import.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
