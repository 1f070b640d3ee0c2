//! `k8sc build`: check, then write the manifests (or print them with `--stdout`, or compare them
//! with what is on disk with `--check`).

use super::report::{ProjectSources, print_diagnostics};
use clap::Args;
use k8sc_compiler::build::check_project;
use k8sc_compiler::output::OutputTree;
use k8sc_compiler::output::compare::compare;
use k8sc_compiler::output::disk::{Folder, read_folder};
use k8sc_compiler::output::semantic_diff::{Manifests, SemanticDiff, semantic_diff};
use k8sc_compiler::output::writer::write_tree;
use std::io::Write;
use std::path::{Path, PathBuf};
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
    /// Write nothing: compare OUT with what the build would write, list every added, removed,
    /// changed or foreign file, and exit 1 if there is any (the CI drift guard).
    #[arg(long, conflicts_with = "stdout")]
    check: bool,
    /// Fail (exit 1, write nothing) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Write nothing and exit 1 if the new output changes a field of the output in OUT that the
    /// API server will not update in place (a StatefulSet's claim templates, a selector, …).
    /// `--check` lists such changes whether or not it is given.
    #[arg(long)]
    deny_immutable: bool,
    /// Build only this environment (repeatable); every environment by default.
    #[arg(long = "env", value_name = "NAME")]
    envs: Vec<String>,
}

/// Runs `k8sc build`.
pub fn run(args: BuildArgs, color: bool) -> ExitCode {
    let started = Instant::now();
    let (path, db, project) = match super::open_project(args.path) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    if let Err(code) = super::check_env_names(&db, project, &args.envs) {
        return code;
    }
    let checked = check_project(&db, project);
    let sources = ProjectSources::new(&db, project);
    // The database holds every syntax tree and check result; the output needs only the IR, which
    // `checked` owns. Freeing them first lowers the build's peak memory by a third.
    drop(db);
    // Printed after rendering: the scan of the generated documents (E0045) adds its own.
    let result = checked.render(&args.envs);
    print_diagnostics(&result.diagnostics, &sources, color);
    drop(sources);
    let outcome = if args.check {
        "cannot compare the output"
    } else {
        "nothing written"
    };
    let Some(tree) = result.tree.as_ref() else {
        eprintln!("k8sc: {outcome}: fix the errors above");
        return ExitCode::from(1);
    };
    if args.deny_warnings && !result.diagnostics.is_empty() {
        eprintln!("k8sc: {outcome}: warnings are denied (--deny-warnings)");
        return ExitCode::from(1);
    }
    super::report::print_exceptions(&result.exceptions);
    if args.check {
        let mut rebuild = format!("k8sc build {} --out {}", path.display(), args.out.display());
        for env in &args.envs {
            rebuild.push_str(&format!(" --env {env}"));
        }
        if args.deny_immutable {
            rebuild.push_str(" --deny-immutable");
        }
        return check_drift(&args.out, tree, &rebuild);
    }
    if args.stdout {
        super::report::print_requirements(&result.requirements, None);
        let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
        if tree
            .write_stream(&mut stdout)
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
    if args.deny_immutable
        && let Some(code) = deny_immutable(&args.out, tree)
    {
        return code;
    }
    if let Err(error) = write_tree(&args.out, tree) {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    super::report::print_requirements(&result.requirements, Some(&args.out));
    eprintln!(
        "k8sc: built {} resources ({} files) into {} in {} ms",
        tree.resources,
        tree.files.len(),
        args.out.display(),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

/// `k8sc build --check`: compares `tree` with the folder `out` and reports every difference;
/// writes nothing; `rebuild` is the command that would bring `out` up to date. Exit status 0
/// identical, 1 different, 2 the folder cannot be read.
fn check_drift(out: &Path, tree: &OutputTree, rebuild: &str) -> ExitCode {
    let on_disk = if std::fs::symlink_metadata(out).is_err() {
        Folder::default()
    } else if !out.is_dir() {
        eprintln!("error: `{}` is not a folder", out.display());
        return ExitCode::from(2);
    } else {
        match read_folder(out) {
            Ok(folder) => folder,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        }
    };
    let drift = compare(tree, &on_disk);
    let out_name = out.display().to_string();
    if drift.is_clean() {
        // The files k8sc writes, and its marker.
        eprintln!(
            "k8sc: `{out_name}` is up to date ({} files)",
            tree.files.len() + 1
        );
        return ExitCode::SUCCESS;
    }
    let mut stdout = std::io::stdout().lock();
    let header = format!("k8sc: `{out_name}` does not match the sources:\n");
    if stdout
        .write_all(header.as_bytes())
        .and_then(|()| stdout.write_all(drift.render(&out_name).as_bytes()))
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    let immutable = immutable_changes(out, &on_disk, tree);
    if !immutable.is_empty() {
        let text = format!(
            "k8sc: of these, the API server will not apply in place:\n{}",
            immutable.render_immutable()
        );
        if stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return ExitCode::from(2);
        }
    }
    let mut advice = format!("k8sc: run `{rebuild}` and commit the result");
    if !immutable.is_empty() {
        advice
            .push_str("; the changes marked `!` need the steps above before a sync can apply them");
    }
    if !drift.foreign.is_empty() {
        advice.push_str(
            "; first move away the files not generated by k8sc (it will not replace a folder holding them)",
        );
    }
    eprintln!("{advice}");
    ExitCode::from(1)
}

/// The changes from the manifests in `out` (as read in `on_disk`) to `tree` that the API server
/// will not make in place; none when `out` holds no manifests or cannot be read as such (then
/// says so on stderr).
fn immutable_changes(out: &Path, on_disk: &Folder, tree: &OutputTree) -> SemanticDiff {
    let out_name = out.display().to_string();
    let old = match Manifests::parse(&on_disk.files, &out_name) {
        Ok(old) => old,
        Err(error) => {
            eprintln!("k8sc: cannot tell which changes apply in place: {error}");
            return SemanticDiff::default();
        }
    };
    let Ok(new) = Manifests::parse(&tree.files, "") else {
        return SemanticDiff::default();
    };
    let mut diff = semantic_diff(&old, &new);
    diff.resources
        .retain(|resource| !resource.immutable.is_empty());
    diff
}

/// `k8sc build --deny-immutable`: compares `tree` with the output already in `out`; the exit
/// code when a change cannot be applied in place (or `out` cannot be read), after saying why.
fn deny_immutable(out: &Path, tree: &OutputTree) -> Option<ExitCode> {
    if !out.is_dir() {
        return None;
    }
    let on_disk = match read_folder(out) {
        Ok(folder) => folder,
        Err(error) => {
            eprintln!("error: {error}");
            return Some(ExitCode::from(2));
        }
    };
    let immutable = immutable_changes(out, &on_disk, tree);
    if immutable.is_empty() {
        return None;
    }
    eprint!("{}", immutable.render_immutable());
    eprintln!(
        "k8sc: nothing written: {} change(s) the API server will not apply in place are denied (--deny-immutable)",
        immutable.immutable_changes().len()
    );
    Some(ExitCode::from(1))
}
