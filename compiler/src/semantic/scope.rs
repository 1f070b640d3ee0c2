//! What names a file can see: its own tiers, policies and environments, plus the tiers and policies
//! it imports. Duplicate definitions and imports that clash with local names are reported here.

use super::imports::{importable_items, resolve_imports};
use crate::db::{Db, File, Project};
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::syntax::parse;
use k8sc_grammar::{DeclKind, Span};
use std::collections::BTreeMap;

/// A tier, policy or environment definition visible in a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Definition {
    /// The file it is declared in.
    pub file: File,
    /// What it is.
    pub kind: DeclKind,
    /// The span of its name in that file.
    pub name_span: Span,
    /// The span of the import that made it visible, if it is imported.
    pub via_import: Option<Span>,
}

/// The names visible in one file, by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileScope {
    /// Visible definitions by name.
    pub names: BTreeMap<String, Definition>,
    /// Duplicate and clashing definitions.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileScope {
    /// The definition of `name` if it is of `kind`.
    pub fn lookup(&self, name: &str, kind: DeclKind) -> Option<&Definition> {
        self.names.get(name).filter(|d| d.kind == kind)
    }

    /// Every visible name of `kind`.
    pub fn names_of(&self, kind: DeclKind) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .filter(move |(_, d)| d.kind == kind)
            .map(|(n, _)| n.as_str())
    }
}

/// Builds the scope of `file`.
#[salsa::tracked(returns(ref))]
pub fn file_scope(db: &dyn Db, project: Project, file: File) -> FileScope {
    let mut scope = FileScope::default();
    let path = file.path(db);
    for decl in parse(db, file).file.decls() {
        if !matches!(
            decl.kind,
            DeclKind::Tier | DeclKind::Policy | DeclKind::Priority | DeclKind::Env
        ) {
            continue;
        }
        let Some(name) = &decl.name else {
            continue;
        };
        if let Some(first) = scope.names.get(&name.name) {
            scope.diagnostics.push(
                Diagnostic::new(
                    Code::Duplicate,
                    format!("`{}` is declared twice in this file", name.name),
                    path,
                    name.span,
                )
                .with_label(format!("second {}", decl.kind.keyword()))
                .with_secondary(
                    Label::new(path, first.name_span).with_message("first declared here"),
                )
                .with_help("rename one of them"),
            );
            continue;
        }
        scope.names.insert(
            name.name.clone(),
            Definition {
                file,
                kind: decl.kind,
                name_span: name.span,
                via_import: None,
            },
        );
    }
    for import in &resolve_imports(db, project, file).imports {
        for (name, kind, name_span) in importable_items(db, import.target) {
            let picked = match &import.selection {
                None => true,
                Some(selection) => selection.iter().any(|(n, _)| *n == name),
            };
            if !picked {
                continue;
            }
            if let Some(existing) = scope.names.get(&name) {
                if existing.file == import.target {
                    continue;
                }
                let (message, first_label) = match existing.via_import {
                    None => (
                        format!("import of `{name}` clashes with a declaration of this file"),
                        "declared here",
                    ),
                    Some(_) => (
                        format!("`{name}` is imported from two places"),
                        "first imported here",
                    ),
                };
                let first_span = existing.via_import.unwrap_or(existing.name_span);
                scope.diagnostics.push(
                    Diagnostic::new(Code::Duplicate, message, path, import.span)
                        .with_label(format!("brings in another `{name}`"))
                        .with_secondary(Label::new(path, first_span).with_message(first_label))
                        .with_help("import only the items you need with `.{…}`, or rename one"),
                );
                continue;
            }
            scope.names.insert(
                name,
                Definition {
                    file: import.target,
                    kind,
                    name_span,
                    via_import: Some(import.span),
                },
            );
        }
    }
    scope
}
