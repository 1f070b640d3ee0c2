//! `k8sc diff`: what changed, resource by resource and field by field, between two output folders
//! or between the project's build at a git revision and its current build.

use super::report::{ProjectSources, print_diagnostics};
use clap::Args;
use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;
use k8sc_compiler::output::OutputTree;
use k8sc_compiler::output::disk::read_folder;
use k8sc_compiler::output::semantic_diff::{Manifests, semantic_diff};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `k8sc diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// OLD and NEW: two output folders (or manifest files). With --against: the project, a
    /// directory or one .k8s file (default `.`).
    #[arg(value_name = "PATH", num_args = 0..=2)]
    paths: Vec<PathBuf>,
    /// Compare the project's build as of this git revision (e.g. `origin/main`) with the build of
    /// its current sources, in memory.
    #[arg(long, value_name = "GIT_REV")]
    against: Option<String>,
    /// Exit 1 only if a change is one the API server will not apply in place (marked `!`), 0
    /// otherwise: the CI guard against a change that would fail to sync.
    #[arg(long)]
    deny_immutable: bool,
}

/// Why `k8sc diff` could not compare (exit status 2).
struct Failure(String);

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure(message)
    }
}

/// Runs `k8sc diff`.
pub fn run(args: DiffArgs, color: bool) -> ExitCode {
    let compared = match (args.against.as_deref(), args.paths.as_slice()) {
        (None, [old, new]) => folders(old, new),
        (Some(rev), []) => against(rev, Path::new("."), color),
        (Some(rev), [path]) => against(rev, path, color),
        (Some(_), _) => Err(Failure(
            "with --against, give at most one PATH: the project".to_string(),
        )),
        (None, _) => Err(Failure(
            "give two output folders, `k8sc diff OLD NEW`, or a revision, `k8sc diff --against GIT_REV [PATH]`"
                .to_string(),
        )),
    };
    let (old, new) = match compared {
        Ok(sides) => sides,
        Err(Failure(message)) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            return ExitCode::from(2);
        }
    };
    let diff = semantic_diff(&old, &new);
    if diff.is_empty() {
        eprintln!("k8sc: no differences ({} resources)", new.resources.len());
        return ExitCode::SUCCESS;
    }
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(diff.render().as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    if !args.deny_immutable {
        return ExitCode::from(1);
    }
    match diff.immutable_changes().len() {
        0 => {
            eprintln!("k8sc: every change can be applied in place");
            ExitCode::SUCCESS
        }
        n => {
            eprintln!(
                "k8sc: {n} change(s) the API server will not apply in place are denied (--deny-immutable)"
            );
            ExitCode::from(1)
        }
    }
}

/// `k8sc diff OLD NEW`: reads both sides from disk.
fn folders(old: &Path, new: &Path) -> Result<(Manifests, Manifests), Failure> {
    let read = |root: &Path| -> Result<Manifests, Failure> {
        let folder = read_folder(root).map_err(|error| Failure(error.to_string()))?;
        // A file reads as one entry named after it: show it under its folder.
        let shown = if root.is_dir() {
            root.display().to_string()
        } else {
            root.parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        };
        Manifests::parse(&folder.files, &shown).map_err(|error| Failure(error.to_string()))
    };
    Ok((read(old)?, read(new)?))
}

/// `k8sc diff --against REV [PATH]`: builds the project at `rev` and as it is now.
fn against(rev: &str, path: &Path, color: bool) -> Result<(Manifests, Manifests), Failure> {
    let (_, db, project) =
        super::open_project(Some(path.to_path_buf())).map_err(|_| Failure(String::new()))?;
    let current = build(&db, project);
    let Some(new_tree) = current.tree else {
        print_diagnostics(
            &current.diagnostics,
            &ProjectSources::new(&db, project),
            color,
        );
        return Err(Failure(
            "cannot diff: the current sources have errors".to_string(),
        ));
    };
    let snapshot = super::git::sources_at(rev, path)?;
    let old_tree = if snapshot.exists() {
        let loaded = k8sc_compiler::loader::load(&snapshot.project)
            .map_err(|error| Failure(format!("the project at `{rev}`: {error}")))?;
        let old_db = Database::new();
        let old_project = old_db.load_project(loaded.files);
        let old = build(&old_db, old_project);
        let errors = old.error_count();
        old.tree.ok_or_else(|| {
            Failure(format!(
                "the project at `{rev}` has {errors} error(s), so its output cannot be compared; check out `{rev}` and run `k8sc check` to see them"
            ))
        })?
    } else {
        eprintln!(
            "k8sc: `{}` has no .k8s sources at `{rev}`: every resource is new",
            path.display()
        );
        OutputTree::default()
    };
    let parse = |tree: &OutputTree, side: &str| {
        Manifests::parse(&tree.files, side).map_err(|error| Failure(error.to_string()))
    };
    Ok((parse(&old_tree, rev)?, parse(&new_tree, "")?))
}
