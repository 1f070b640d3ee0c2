//! `k8sc lsp`: the language server, on stdin and stdout.

use clap::Args;
use std::process::ExitCode;

/// Arguments of `k8sc lsp`.
#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

/// Runs the language server until the client exits.
pub fn run(args: LspArgs) -> ExitCode {
    let _ = args.stdio;
    match k8sc_lsp::run_stdio() {
        Ok(true) => ExitCode::SUCCESS,
        // `exit` without `shutdown` first (the LSP specification's exit status).
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: the language server could not start: {error}");
            ExitCode::from(2)
        }
    }
}
