//! Command-line interface: argument parsing and dispatch.

mod build;
mod check;
mod diff;
mod explain;
mod fmt;
mod git;
mod graph;
mod import;
mod init;
mod lsp;
mod report;
mod requirements;
mod scaffold;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  k8sc build examples/shop --out out     compile a project into out/default/kubernetes/
  k8sc build app.k8s --stdout            print every resource as one YAML stream
  k8sc check examples/shop               report errors and warnings, write nothing
  k8sc check . --format json             diagnostics for CI tools
  k8sc check . --format github           annotations for GitHub Actions
  k8sc build . --check --out deploy      fail if deploy/ is not what a build would write
  k8sc diff old-out out                  what changed, resource by resource
  k8sc diff --against origin/main        what this branch changes in the output
  k8sc fmt                               format every .k8s file under .
  k8sc fmt --check examples stdlib       list the files that are not formatted
  k8sc graph examples/shop --format svg  draw the service graph (also dot, mermaid)
  k8sc requirements examples/shop        what the cluster must provide (also --format json)
  k8sc init shop --tier production       start a project in shop/ that builds cleanly
  k8sc explain E0004                     what an error code means and how to fix it
  k8sc lsp                               the language server, for editors";

/// Compile .k8s descriptions of services into hardened Kubernetes manifests.
#[derive(Debug, Parser)]
#[command(name = "k8sc", version, about, after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// When to use colours in diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a project and write its manifests.
    #[command(
        after_help = "Exit status: 0 built (with --check: OUT is up to date), 1 the project has errors (nothing is written), with --deny-immutable a change the API server will not apply in place (nothing is written), or, with --check, OUT differs, 2 usage or I/O error."
    )]
    Build(build::BuildArgs),
    /// Check a project without writing anything.
    #[command(
        after_help = "Exit status: 0 no errors, 1 errors (or warnings with --deny-warnings), 2 usage or I/O error."
    )]
    Check(check::CheckArgs),
    /// Compare two outputs resource by resource: `k8sc diff OLD NEW` or
    /// `k8sc diff --against GIT_REV [PATH]`.
    #[command(
        after_help = "Changes to fields the API server will not update in place (a StatefulSet's claim templates or selector, a Deployment's selector, a Job's template, …) are marked `!` with what each takes.\n\nExit status: 0 no differences, 1 differences, 2 usage or I/O error, unreadable manifests, or a build with errors. With --deny-immutable: 0 when every change can be applied in place, 1 when one cannot."
    )]
    Diff(diff::DiffArgs),
    /// Print the service graph: Graphviz DOT, Mermaid or SVG.
    #[command(
        after_help = "Exit status: 0 printed, 1 the project has errors, 2 usage or I/O error."
    )]
    Graph(graph::GraphArgs),
    /// List what the cluster must provide: controllers and CRDs with their minimum versions,
    /// Secrets and keys, classes, gateways and other objects the output assumes exist.
    #[command(
        after_help = "Exit status: 0 listed, 1 the project has errors, 2 usage or I/O error."
    )]
    Requirements(requirements::RequirementsArgs),
    /// Start a project: an app with one service, a README, a .gitignore, a CI job, and its
    /// manifests built into deploy/.
    #[command(
        after_help = "Exit status: 0 created, 2 usage or I/O error, an unknown tier, or files in the way (nothing is written)."
    )]
    Init(init::InitArgs),
    /// Explain a diagnostic code, e.g. `k8sc explain E0004`.
    Explain(explain::ExplainArgs),
    /// Rewrite .k8s files in the canonical layout (or, with --check, list those that are not).
    #[command(
        after_help = "Exit status: 0 formatted (with --check: nothing to change), 1 syntax errors (nothing is written) or, with --check, files to format, 2 usage or I/O error."
    )]
    Fmt(fmt::FmtArgs),
    /// Convert Kubernetes YAML (files or directories) into a .k8s app, with a report.
    #[command(
        after_help = "Exit status: 0 written, 1 the manifests could not be imported, 2 usage or I/O error."
    )]
    Import(import::ImportArgs),
    /// Run the language server on stdin/stdout (for editors).
    Lsp(lsp::LspArgs),
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stderr is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl Color {
    fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none()
                    && std::io::IsTerminal::is_terminal(&std::io::stderr())
            }
        }
    }
}

/// Parses the command line (exits on `--help`, `--version` or a usage error, with status 2).
pub fn parse_args() -> Args {
    Args::parse()
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let color = args.color.enabled();
    match args.command {
        Command::Build(build_args) => build::run(build_args, color),
        Command::Check(check_args) => check::run(check_args, color),
        Command::Diff(diff_args) => diff::run(diff_args, color),
        Command::Graph(graph_args) => graph::run(graph_args, color),
        Command::Requirements(requirements_args) => requirements::run(requirements_args, color),
        Command::Init(init_args) => init::run(init_args),
        Command::Explain(explain_args) => explain::run(explain_args),
        Command::Fmt(fmt_args) => fmt::run(fmt_args, color),
        Command::Import(import_args) => import::run(import_args),
        Command::Lsp(lsp_args) => lsp::run(lsp_args),
    }
}

/// Reads the project at `path` (default `.`) into a new database; on failure prints why and
/// returns the exit status (2, an I/O error). A special file named like a source (a FIFO) is
/// skipped with a warning naming it.
fn open_project(
    path: Option<PathBuf>,
) -> Result<
    (
        PathBuf,
        k8sc_compiler::db::Database,
        k8sc_compiler::db::Project,
    ),
    ExitCode,
> {
    let path = path.unwrap_or_else(|| PathBuf::from("."));
    let loaded = k8sc_compiler::loader::load(&path).map_err(|error| {
        eprintln!("error: {error}");
        ExitCode::from(2)
    })?;
    for skipped in &loaded.skipped {
        eprintln!("warning: {skipped}");
    }
    let db = k8sc_compiler::db::Database::new();
    let project = db.load_project(loaded.files);
    k8sc_compiler::prefetch::parse_all(&db, project);
    Ok((path, db, project))
}

/// Checks that every environment named with `--env` exists in the project; otherwise prints the
/// project's environments and returns the exit status (2, a usage error).
fn check_env_names(
    db: &k8sc_compiler::db::Database,
    project: k8sc_compiler::db::Project,
    envs: &[String],
) -> Result<(), ExitCode> {
    let known = k8sc_compiler::build::environments(db, project);
    match envs.iter().find(|e| !known.contains(e)) {
        Some(unknown) => {
            eprintln!(
                "error: no environment `{unknown}`; the project's environments are: {}",
                known.join(", ")
            );
            Err(ExitCode::from(2))
        }
        None => Ok(()),
    }
}
