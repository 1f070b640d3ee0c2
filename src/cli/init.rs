//! `k8sc init`: start a project that builds cleanly on the first run.
//!
//! Everything is decided and compiled in memory first; then the files are written, and the
//! manifests built into `deploy/`, so the scaffold's CI job passes on its first commit. Nothing
//! that exists is replaced: if any file the scaffold needs is already there, `init` says which and
//! writes nothing. An existing `README.md` gets the scaffold's section as `K8SC.md` beside it, and
//! an existing `.gitignore` gets the output folder's line appended (its content is kept).

use super::scaffold::{DEPLOY_DIR, Scaffold, ScaffoldError, scaffold};
use clap::Args;
use k8sc_compiler::output::writer::write_tree;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `k8sc init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project folder (created if missing). Default: `.`.
    dir: Option<PathBuf>,
    /// The standard-library tier of the app: foundation, production, enterprise or multicluster.
    #[arg(long, default_value = "production")]
    tier: String,
    /// The app's name (default: the folder's name, made a valid name).
    #[arg(long)]
    name: Option<String>,
}

/// Runs `k8sc init`.
pub fn run(args: InitArgs) -> ExitCode {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let name = match args.name {
        Some(name) => match check_name(&name) {
            Ok(()) => name,
            Err(problem) => {
                eprintln!("error: `{name}` cannot name an app: {problem}");
                return ExitCode::from(2);
            }
        },
        None => match derive_name(&dir) {
            Some(name) => name,
            None => {
                eprintln!(
                    "error: cannot make an app name from the folder `{}`: give one with --name",
                    dir.display()
                );
                return ExitCode::from(2);
            }
        },
    };
    let scaffold = match scaffold(&name, &args.tier) {
        Ok(scaffold) => scaffold,
        Err(ScaffoldError::UnknownTier { tier, known }) => {
            eprintln!(
                "error: the standard library has no tier `{tier}`; its tiers are: {}",
                known.join(", ")
            );
            return ExitCode::from(2);
        }
        Err(ScaffoldError::DoesNotBuild { report }) => {
            eprintln!(
                "error: the scaffold for `{name}` on `{}` does not build; please report this:\n{report}",
                args.tier
            );
            return ExitCode::from(2);
        }
    };
    if exists(&dir) && !dir.is_dir() {
        eprintln!(
            "error: `{}` is not a folder (nothing was written)",
            dir.display()
        );
        return ExitCode::from(2);
    }
    let plan = match plan(&dir, &scaffold) {
        Ok(plan) => plan,
        Err(conflicts) => {
            eprintln!(
                "error: in `{}`: {} already there; k8sc init writes nothing over existing files (nothing was written)",
                dir.display(),
                conflicts.join(", ")
            );
            return ExitCode::from(2);
        }
    };
    if let Err(error) = write(&dir, &plan, &scaffold) {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    let shown = dir.display();
    eprintln!(
        "k8sc: created the app `{name}` on the `{}` tier in `{shown}`: {}",
        args.tier,
        plan.iter()
            .map(|step| step.describe())
            .collect::<Vec<_>>()
            .join(", ")
    );
    eprintln!(
        "k8sc: next: edit `{}`, then `k8sc build {shown} --out {}` and commit",
        dir.join("app.k8s").display(),
        dir.join(DEPLOY_DIR).display()
    );
    ExitCode::SUCCESS
}

/// One thing `init` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// A new file (path relative to the project folder) with its text.
    Create(&'static str, String),
    /// A line appended to an existing `.gitignore`.
    AppendGitignore(String),
    /// The manifests, built into `deploy/`.
    Build,
}

impl Step {
    fn describe(&self) -> String {
        match self {
            Step::Create(path, _) => path.to_string(),
            Step::AppendGitignore(_) => ".gitignore (appended)".to_string(),
            Step::Build => format!("{DEPLOY_DIR}/"),
        }
    }
}

/// What to write in `dir`, or the existing files in the way.
fn plan(dir: &Path, scaffold: &Scaffold) -> Result<Vec<Step>, Vec<String>> {
    let mut conflicts = Vec::new();
    let mut steps = Vec::new();
    let mut create = |path: &'static str, text: &str| {
        if exists(&dir.join(path)) {
            conflicts.push(format!("`{path}`"));
        } else {
            steps.push(Step::Create(path, text.to_string()));
        }
    };
    create("app.k8s", &scaffold.app);
    let readme = if exists(&dir.join("README.md")) {
        "K8SC.md"
    } else {
        "README.md"
    };
    create(readme, &scaffold.readme);
    create(".github/workflows/k8sc.yml", &scaffold.workflow);
    let gitignore = dir.join(".gitignore");
    if exists(&gitignore) {
        let read = k8sc_compiler::regular_file::read_regular(
            &gitignore,
            k8sc_grammar::MAX_FILE_SIZE as u64,
        )
        .map_err(|e| e.to_string())
        .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()));
        match read {
            Ok(text) if text.lines().any(|l| l.trim() == scaffold.gitignore.trim()) => {}
            Ok(text) => {
                let separator = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                steps.push(Step::AppendGitignore(format!(
                    "{separator}{}",
                    scaffold.gitignore
                )));
            }
            Err(_) => conflicts.push("an unreadable `.gitignore`".to_string()),
        }
    } else {
        steps.push(Step::Create(".gitignore", scaffold.gitignore.clone()));
    }
    if exists(&dir.join(DEPLOY_DIR)) {
        conflicts.push(format!("`{DEPLOY_DIR}/`"));
    }
    if let Some(file) = k8s_file_under(dir).filter(|_| !exists(&dir.join("app.k8s"))) {
        conflicts.push(format!("a project (`{}`)", file.display()));
    }
    steps.push(Step::Build);
    if conflicts.is_empty() {
        Ok(steps)
    } else {
        Err(conflicts)
    }
}

/// Whether anything (a file, a folder, a dangling link) is at `path`.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// A `.k8s` file already under `dir`, if any: the scaffold would join that project.
fn k8s_file_under(dir: &Path) -> Option<PathBuf> {
    if !dir.is_dir() {
        return None;
    }
    k8sc_compiler::loader::load(dir)
        .ok()
        .and_then(|loaded| loaded.files.into_iter().next())
        .map(|(path, _)| PathBuf::from(path))
}

/// Carries out the plan.
fn write(dir: &Path, plan: &[Step], scaffold: &Scaffold) -> Result<(), String> {
    for step in plan {
        match step {
            Step::Create(path, text) => {
                let target = dir.join(path);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)
                        .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
                }
                fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&target)
                    .and_then(|mut file| file.write_all(text.as_bytes()))
                    .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
            }
            Step::AppendGitignore(line) => {
                let target = dir.join(".gitignore");
                fs::OpenOptions::new()
                    .append(true)
                    .open(&target)
                    .and_then(|mut file| file.write_all(line.as_bytes()))
                    .map_err(|e| format!("cannot append to `{}`: {e}", target.display()))?;
            }
            Step::Build => {
                let Some(tree) = scaffold.build.tree.as_ref() else {
                    return Err("the scaffold did not build".to_string());
                };
                write_tree(&dir.join(DEPLOY_DIR), tree).map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// Why `name` cannot name an app, if it cannot: it must be a DNS-1123 label (it names the
/// namespace) that starts with a letter (it is a `.k8s` identifier).
fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 63 {
        return Err("a name has 1 to 63 characters");
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("a name starts with a lowercase letter");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("a name has only lowercase letters, digits and `-`");
    }
    if name.ends_with('-') {
        return Err("a name does not end with `-`");
    }
    Ok(())
}

/// An app name made from the folder's name: lowercase, runs of other characters turned into one
/// `-`, leading characters up to the first letter dropped, at most 63 characters.
fn derive_name(dir: &Path) -> Option<String> {
    let absolute = fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .ok()?;
    let folder = absolute
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .next_back()?;
    let mut name = String::new();
    for c in folder.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || (c.is_ascii_digit() && !name.is_empty()) {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    name.truncate(63);
    let name = name.trim_end_matches('-').to_string();
    check_name(&name).ok().map(|()| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_become_app_names() {
        let cases = [
            ("my-shop", Some("my-shop")),
            ("My_Shop 2", Some("my-shop-2")),
            ("2024-billing", Some("billing")),
            ("--", None),
            ("123", None),
        ];
        for (folder, expected) in cases {
            let dir = Path::new("/tmp").join(folder);
            assert_eq!(derive_name(&dir).as_deref(), expected, "{folder}");
        }
        let long = "a".repeat(80);
        assert_eq!(
            derive_name(&Path::new("/tmp").join(&long)),
            Some("a".repeat(63))
        );
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("shop").is_ok());
        assert!(check_name("web-2").is_ok());
        for bad in ["", "Shop", "2shop", "shop_", "shop-", "a.b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
