//! Printing diagnostics and the closing summary line.

use k8sc_compiler::db::{Database, Project};
use k8sc_compiler::diagnostics::{self, Diagnostic, SourceLookup};
use std::collections::BTreeMap;

/// Gives the renderer the text of the project's files (and of the embedded standard library).
pub struct ProjectSources {
    texts: BTreeMap<String, String>,
}

impl ProjectSources {
    /// Collects the texts of every file of `project`.
    pub fn new(db: &Database, project: Project) -> ProjectSources {
        let texts = project
            .all_files(db)
            .into_iter()
            .map(|f| (f.path(db).clone(), f.text(db).clone()))
            .collect();
        ProjectSources { texts }
    }
}

impl SourceLookup for ProjectSources {
    fn source_text(&self, file: &str) -> Option<String> {
        self.texts.get(file).cloned()
    }
}

/// Prints every diagnostic to stderr, then a count line if there were any.
pub fn print_diagnostics(diagnostics: &[Diagnostic], sources: &ProjectSources, color: bool) {
    if diagnostics.is_empty() {
        return;
    }
    // Written as rendered, one diagnostic at a time (a write error — a closed stderr — only
    // loses the text).
    let mut stderr = std::io::BufWriter::new(std::io::stderr().lock());
    let _ = diagnostics::write_all(diagnostics, sources, color, &mut stderr);
    drop(stderr);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => eprintln!("{}", plural(w, "warning")),
        (e, 0) => eprintln!("{}", plural(e, "error")),
        (e, w) => eprintln!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// Lists the reviewed exceptions (`allow … because …`) in force, one line each, so they stay
/// visible in every build log.
pub fn print_exceptions(exceptions: &[k8sc_compiler::build::Exception]) {
    for exception in exceptions {
        let scope = match exception.envs.as_slice() {
            [] => String::new(),
            [env] => format!(" in environment `{env}`"),
            envs => format!(
                " in environments {}",
                envs.iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        eprintln!(
            "k8sc: exception: {}/{} is exempt from `{}`{scope}: {}",
            exception.app, exception.workload, exception.rule, exception.reason
        );
    }
}

/// Prints the one-line summary of what the cluster must provide, pointing at the written
/// `REQUIREMENTS.md` files (`out`), or at `k8sc requirements` when nothing is written.
pub fn print_requirements(
    requirements: &[k8sc_compiler::requirements::EnvRequirements],
    out: Option<&std::path::Path>,
) {
    if requirements.is_empty() {
        return;
    }
    let summary = k8sc_compiler::requirements::render::summary(requirements);
    let details = match out {
        Some(out) => {
            let env = match requirements {
                [one] => one.env.as_str(),
                _ => "<env>",
            };
            format!(
                "{}/{env}/{}",
                out.display(),
                k8sc_compiler::output::layout::REQUIREMENTS
            )
        }
        None => "`k8sc requirements`".to_string(),
    };
    eprintln!("k8sc: {summary} (details: {details})");
}
