//! `k8sc build`: check, then write the manifests (or print them with `--stdout`).

use super::report::{ProjectSources, print_diagnostics};
use clap::Args;
use k8sc_compiler::build::{build_environments, environments};
use k8sc_compiler::output::writer::write_tree;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Arguments of `k8sc build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The project: a directory (every .k8s file under it) or one .k8s file. Default: `.`.
    path: Option<PathBuf>,
    /// The output folder; k8sc owns it and replaces it as a whole.
    #[arg(long, short, default_value = "out")]
    out: PathBuf,
    /// Print every resource as one YAML stream instead of writing files.
    #[arg(long, conflicts_with = "out")]
    stdout: bool,
    /// Fail (exit 1, write nothing) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Build only this environment (repeatable); every environment by default.
    #[arg(long = "env", value_name = "NAME")]
    envs: Vec<String>,
}

/// Runs `k8sc build`.
pub fn run(args: BuildArgs, color: bool) -> ExitCode {
    let started = Instant::now();
    let (_, db, project) = match super::open_project(args.path) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let known = environments(&db, project);
    if let Some(unknown) = args.envs.iter().find(|e| !known.contains(e)) {
        eprintln!(
            "error: no environment `{unknown}`; the project's environments are: {}",
            known.join(", ")
        );
        return ExitCode::from(2);
    }
    let result = build_environments(&db, project, &args.envs);
    print_diagnostics(
        &result.diagnostics,
        &ProjectSources::new(&db, project),
        color,
    );
    let Some(tree) = result.tree.as_ref() else {
        eprintln!("k8sc: nothing written: fix the errors above");
        return ExitCode::from(1);
    };
    if args.deny_warnings && !result.diagnostics.is_empty() {
        eprintln!("k8sc: nothing written: warnings are denied (--deny-warnings)");
        return ExitCode::from(1);
    }
    super::report::print_exceptions(&result.exceptions);
    if args.stdout {
        let mut stdout = std::io::stdout().lock();
        if stdout
            .write_all(tree.to_stream().as_bytes())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return ExitCode::from(2);
        }
        eprintln!(
            "k8sc: {} resources in {} ms",
            tree.resources,
            started.elapsed().as_millis()
        );
        return ExitCode::SUCCESS;
    }
    if let Err(error) = write_tree(&args.out, tree) {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    eprintln!(
        "k8sc: built {} resources ({} files) into {} in {} ms",
        tree.resources,
        tree.files.len(),
        args.out.display(),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}
