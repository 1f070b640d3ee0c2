//! `k8sc requirements`: what the cluster must provide for each environment's output — the
//! controllers and CRDs with their minimum versions, the Secrets and keys, classes, gateways and
//! other objects it assumes exist. The same list `k8sc build` writes to `OUT/<env>/REQUIREMENTS.md`.

use super::report::{ProjectSources, print_diagnostics};
use clap::{Args, ValueEnum};
use k8sc_compiler::build::check_project;
use k8sc_compiler::requirements::render;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `k8sc requirements`.
#[derive(Debug, Args)]
pub struct RequirementsArgs {
    /// The project: a directory (every .k8s file under it) or one .k8s file. Default: `.`.
    path: Option<PathBuf>,
    /// Only this environment (repeatable); every environment by default.
    #[arg(long = "env", value_name = "NAME")]
    envs: Vec<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Readable text, one section per environment.
    Human,
    /// JSON, in the shape documented in the README (`"version": 1`).
    Json,
}

/// Runs `k8sc requirements`: the project must have no errors (the output it would describe does
/// not exist otherwise).
pub fn run(args: RequirementsArgs, color: bool) -> ExitCode {
    let (_, db, project) = match super::open_project(args.path) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    if let Err(code) = super::check_env_names(&db, project, &args.envs) {
        return code;
    }
    let checked = check_project(&db, project);
    if checked.diagnostics.iter().any(|d| d.is_error()) {
        print_diagnostics(
            &checked.diagnostics,
            &ProjectSources::new(&db, project),
            color,
        );
        eprintln!("k8sc: no requirements: fix the errors above");
        return ExitCode::from(1);
    }
    let requirements = checked.requirements(&args.envs);
    let text = match args.format {
        Format::Human => render::human(&requirements),
        Format::Json => render::json(&requirements),
    };
    // The list names user values (the cluster URL above all): one that looks like a credential
    // is not printed (E0045), as `k8sc build` does not write it.
    let leaks = checked.secrets_in("requirements list (`k8sc requirements`)", &text);
    if !leaks.is_empty() {
        print_diagnostics(&leaks, &ProjectSources::new(&db, project), color);
        eprintln!("k8sc: no requirements: fix the errors above");
        return ExitCode::from(1);
    }
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
