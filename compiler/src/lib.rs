//! The k8sc compiler: a salsa database over `.k8s` files, the checker, the IR, and the backends
//! that turn the IR into Kubernetes resources.
//!
//! Data flows one way: text → AST ([`syntax`]) → checked declarations ([`semantic`]) → IR
//! ([`lower`], [`ir`]) → documents ([`backends`]) → files ([`output`]).

pub mod analysis;
pub mod backends;
pub mod build;
pub mod db;
pub mod diagnostics;
pub mod diagram;
pub mod emit;
pub mod import;
pub mod ir;
#[cfg(test)]
mod layering;
pub mod loader;
pub mod lower;
pub mod model;
pub mod output;
pub mod output_secrets;
pub mod prefetch;
pub mod regular_file;
pub mod requirements;
pub mod secret_detect;
pub mod semantic;
pub mod stdlib;
pub mod syntax;
pub mod types;
pub mod work;
