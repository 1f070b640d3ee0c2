//! The `k8sc` binary's integration tests (they run the real binary), one module per file, linked
//! into one test binary (`it`; run one file's tests with `cargo test -p k8sc --test it sandbox::`).

mod support;

mod cli;
mod gitops;
mod immutable;
mod init;
mod lsp_resilience;
mod output_safety;
mod readme;
mod requirements;
mod sandbox;
mod secrets_output;
mod tutorial;
