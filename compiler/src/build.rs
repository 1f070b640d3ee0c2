//! The whole pipeline behind `k8sc check` and `k8sc build`: every diagnostic of the project, and —
//! only when there is no error — the output tree.

use crate::backends;
use crate::db::{Db, Project};
use crate::diagnostics::{self, Diagnostic};
use crate::lower::lower_project;
use crate::output::{DEFAULT_ENV, OutputTree, build_tree};
use crate::semantic::decls::{DeclId, check_decl};
use crate::semantic::imports::{import_cycles, resolve_imports};
use crate::semantic::resolve::resolve_references;
use crate::semantic::scope::file_scope;
use crate::semantic::structure::project_structure;
use crate::syntax::{parse, syntax_diagnostics};

/// Every diagnostic of the project, sorted by file and position, without duplicates.
#[salsa::tracked(returns(ref))]
pub fn project_diagnostics(db: &dyn Db, project: Project) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for file in &project.all_files(db) {
        all.extend(syntax_diagnostics(db, *file).iter().cloned());
        all.extend(
            resolve_imports(db, project, *file)
                .diagnostics
                .iter()
                .cloned(),
        );
        all.extend(file_scope(db, project, *file).diagnostics.iter().cloned());
        let decls = parse(db, *file).file.decls().count();
        for index in 0..decls {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            all.extend(
                check_decl(db, DeclId::new(db, *file, index))
                    .diagnostics
                    .iter()
                    .cloned(),
            );
        }
    }
    all.extend(import_cycles(db, project).iter().cloned());
    all.extend(project_structure(db, project).diagnostics.iter().cloned());
    all.extend(resolve_references(db, project).diagnostics.iter().cloned());
    all.extend(lower_project(db, project).diagnostics.iter().cloned());
    diagnostics::sort(&mut all);
    all.dedup();
    all
}

/// What a build produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildResult {
    /// Every diagnostic (warnings too).
    pub diagnostics: Vec<Diagnostic>,
    /// The output, present only when no diagnostic is an error.
    pub tree: Option<OutputTree>,
}

impl BuildResult {
    /// How many diagnostics are errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Checks the project and, if it has no errors, renders its output.
pub fn build(db: &dyn Db, project: Project) -> BuildResult {
    let diagnostics = project_diagnostics(db, project).clone();
    if diagnostics.iter().any(Diagnostic::is_error) {
        return BuildResult {
            diagnostics,
            tree: None,
        };
    }
    let ir = &lower_project(db, project).ir;
    let resources = backends::kubernetes::render(ir);
    BuildResult {
        diagnostics,
        tree: Some(build_tree(DEFAULT_ENV, &resources)),
    }
}
