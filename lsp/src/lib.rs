//! The k8sc language server (the language-server issue builds it here).
//!
//! It will serve the compiler's salsa database ([`k8sc_compiler::db::Database`]) over LSP with
//! `tower-lsp-server`: open buffers as file inputs, diagnostics from
//! `k8sc_compiler::build::project_diagnostics`, and hovers that show where each effective value in
//! the IR came from. This is the only crate of the workspace allowed to know LSP types; until the
//! server exists it exports nothing, and `k8sc` has no `lsp` command.
