//! The grammar's integration tests, one module per file, linked into one test binary (`it`; run
//! one file's tests with `cargo test -p k8sc-grammar --test it linear_time::`). Snapshots stay
//! in `tests/snapshots/` under the names they had before ([`support::snapshot_settings`]); tests
//! that set pest's process-wide call limit run alone in a child process (`run_alone!`).

#[macro_use]
mod support;

mod direct_parser;
mod format_golden;
mod format_properties;
mod format_repository;
mod linear_time;
mod parse_golden;
mod parse_properties;
