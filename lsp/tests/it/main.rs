//! The language server's integration tests, one module per file, linked into one test binary
//! (`it`; run one file's tests with `cargo test -p k8sc-lsp --test it features::`).

mod support;

mod environments;
mod features;
mod files;
mod fuzz_corpus;
mod lifecycle;
mod placement;
mod robustness;
mod services;
