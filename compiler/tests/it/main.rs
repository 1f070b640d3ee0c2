//! The compiler's integration tests, one module per file, linked into one test binary (`it`):
//! each binary links the compiler and k8s-openapi, and about forty of them took most of the
//! build's time and disk (docs/testing.md, "Test binaries"). Run one file's tests with
//! `cargo test -p k8sc-compiler --test it limits::`. Snapshots stay in `tests/snapshots/` under
//! the names they had before ([`support::snapshot_settings`]); tests that count process-wide work
//! run alone in a child process (`run_alone!`, [`support::alone`]).

#[macro_use]
mod support;

mod containers;
mod diagnostics;
mod diagram;
mod docs;
mod effective_matches_ir;
mod emit;
mod environments;
mod examples;
mod field_registry;
mod fuzz_corpus;
mod graph;
mod import;
mod incremental;
mod kyverno;
mod kyverno_eval;
mod kyverno_pods;
mod kyverno_size;
mod limits;
mod linear_checking;
mod memory_per_byte;
mod names;
mod parse_by_item;
mod patch;
mod placement;
mod precedence;
mod precedence_files;
mod prefetch;
mod properties;
mod reference;
mod requirements;
mod retention;
mod robustness;
mod secrets;
mod selectors;
mod services;
mod stdlib_equivalence;
mod tier_change;
mod upgrades;
mod violations;
