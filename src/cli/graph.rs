//! `k8sc graph`: the service graph as Graphviz DOT, Mermaid or SVG, for design reviews.

use super::report::{ProjectSources, print_diagnostics};
use clap::{Args, ValueEnum};
use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::diagram::{Diagram, Format as DiagramFormat};
use k8sc_compiler::lower::lower_project;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `k8sc graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The project: a directory (every .k8s file under it) or one .k8s file. Default: `.`.
    path: Option<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Dot)]
    format: Format,
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// The diagram formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Graphviz DOT (`dot -Tpng`).
    Dot,
    /// A Mermaid flowchart (Markdown on GitHub and GitLab renders it).
    Mermaid,
    /// An SVG image, drawn by k8sc.
    Svg,
}

/// Runs `k8sc graph`: the project must have no errors (a broken graph is not worth drawing).
pub fn run(args: GraphArgs, color: bool) -> ExitCode {
    let (_, db, project) = match super::open_project(args.path) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let diagnostics = project_diagnostics(&db, project);
    if diagnostics.iter().any(|d| d.is_error()) {
        print_diagnostics(diagnostics, &ProjectSources::new(&db, project), color);
        return ExitCode::from(1);
    }
    let format = match args.format {
        Format::Dot => DiagramFormat::Dot,
        Format::Mermaid => DiagramFormat::Mermaid,
        Format::Svg => DiagramFormat::Svg,
    };
    let text = Diagram::new(&lower_project(&db, project).ir).render(format);
    let written = match &args.out {
        Some(path) => std::fs::write(path, text),
        None => std::io::stdout().write_all(text.as_bytes()),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write the graph: {error}");
            ExitCode::from(2)
        }
    }
}
