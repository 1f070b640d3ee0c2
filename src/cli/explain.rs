//! `k8sc explain CODE`: the long explanation of a diagnostic code.

use clap::Args;
use k8sc_compiler::diagnostics::Code;
use std::process::ExitCode;

/// Arguments of `k8sc explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code, e.g. E0004 (case-insensitive).
    code: String,
}

/// Runs `k8sc explain`.
pub fn run(args: ExplainArgs) -> ExitCode {
    match Code::parse(&args.code) {
        Some(code) => {
            print!("{}", code.explanation());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: `{}` is not a k8sc diagnostic code", args.code);
            let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            eprintln!("the codes are: {}", codes.join(", "));
            ExitCode::from(2)
        }
    }
}
