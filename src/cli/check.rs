//! `k8sc check`: report every problem, write nothing.

use super::report::{ProjectSources, print_diagnostics};
use clap::{Args, ValueEnum};
use k8sc_compiler::build::{exceptions, project_diagnostics};
use k8sc_compiler::diagnostics::{to_github, to_json_text};
use std::path::{Component, Path, PathBuf};
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
    /// GitHub Actions workflow commands on stdout (`::error file=…,line=…::…`), which the
    /// runner shows as annotations on the pull request. Run from the repository root.
    Github,
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
        Format::Json => println!("{}", to_json_text(diagnostics, &sources)),
        Format::Github => {
            let cwd = std::env::current_dir().ok();
            let prefix = annotation_prefix(&project_root(&path), cwd.as_deref());
            print!("{}", to_github(diagnostics, &sources, &prefix));
            if diagnostics.is_empty() {
                eprintln!("k8sc: {} checked, no problems", path.display());
            }
        }
    }
    let errors = diagnostics.iter().any(|d| d.is_error());
    let failing = errors || (args.deny_warnings && !diagnostics.is_empty());
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The folder the project's file paths are relative to: `path` itself, or a file's folder.
fn project_root(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    }
}

/// `root` as a prefix for annotation paths, which GitHub wants relative to the repository root:
/// relative to the working directory `cwd` when it is inside it, normalised, with `/` separators
/// and a final `/` (empty for the working directory itself).
fn annotation_prefix(root: &Path, cwd: Option<&Path>) -> String {
    let root = match cwd {
        Some(cwd) if root.is_absolute() => root.strip_prefix(cwd).unwrap_or(root),
        _ => root,
    };
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for component in root.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            Component::ParentDir => parts.push("..".to_string()),
            Component::RootDir | Component::Prefix(_) => absolute = true,
            Component::CurDir => {}
        }
    }
    let mut prefix = if absolute {
        "/".to_string()
    } else {
        String::new()
    };
    for part in parts {
        prefix.push_str(&part);
        prefix.push('/');
    }
    prefix
}

#[cfg(test)]
mod tests {
    use super::annotation_prefix;
    use std::path::Path;

    #[test]
    fn annotation_paths_are_relative_to_the_working_directory() {
        let cwd = Some(Path::new("/repo"));
        assert_eq!(annotation_prefix(Path::new("."), cwd), "");
        assert_eq!(annotation_prefix(Path::new(""), cwd), "");
        assert_eq!(
            annotation_prefix(Path::new("./deploy/app/"), cwd),
            "deploy/app/"
        );
        assert_eq!(annotation_prefix(Path::new("a/../b"), cwd), "b/");
        assert_eq!(annotation_prefix(Path::new("../other"), cwd), "../other/");
        assert_eq!(
            annotation_prefix(Path::new("/repo/apps/shop"), cwd),
            "apps/shop/"
        );
        assert_eq!(
            annotation_prefix(Path::new("/elsewhere/x"), cwd),
            "/elsewhere/x/"
        );
    }
}
