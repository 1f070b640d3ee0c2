//! `k8sc check`: report every problem, write nothing.

use super::report::{ProjectSources, print_diagnostics};
use clap::{Args, ValueEnum};
use k8sc_compiler::build::{exceptions, project_diagnostics};
use k8sc_compiler::diagnostics::to_json;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `k8sc check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The project: a directory (every .k8s file under it) or one .k8s file. Default: `.`.
    path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Rendered for people, on stderr.
    Human,
    /// One JSON document on stdout.
    Json,
}

/// Runs `k8sc check`.
pub fn run(args: CheckArgs, color: bool) -> ExitCode {
    let (path, db, project) = match super::open_project(args.path) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let diagnostics = project_diagnostics(&db, project);
    let sources = ProjectSources::new(&db, project);
    match args.format {
        Format::Human => {
            print_diagnostics(diagnostics, &sources, color);
            if !diagnostics.iter().any(|d| d.is_error()) {
                super::report::print_exceptions(&exceptions(&db, project));
            }
            if diagnostics.is_empty() {
                eprintln!("k8sc: {} checked, no problems", path.display());
            }
        }
        Format::Json => println!("{}", to_json(diagnostics, &sources)),
    }
    let errors = diagnostics.iter().any(|d| d.is_error());
    let failing = errors || (args.deny_warnings && !diagnostics.is_empty());
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
