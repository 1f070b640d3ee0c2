//! Resolving `import` statements to files, and finding import cycles.
//!
//! `import ./common` is relative to the importing file and may never leave the project root;
//! `import std.tiers` (or `std.tiers.production`, `std.policies.{a, b}`) names a module of the
//! embedded standard library. An import makes the tiers and policies of its target visible in the
//! importing file (all of them, or the selected ones).

use super::suggest::closest;
use crate::db::{Db, File, FileKind, Project};
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::syntax::parse;
use k8sc_grammar::{DeclKind, Ident, Import, ImportTarget, Span};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One import resolved to its target file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResolvedImport {
    /// The whole import statement.
    pub span: Span,
    /// The imported file.
    pub target: File,
    /// The picked items with their spans; `None` imports every tier and policy of the target.
    pub selection: Option<Vec<(String, Span)>>,
}

/// The imports of one file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileImports {
    /// The imports that resolved.
    pub imports: Vec<ResolvedImport>,
    /// Why the others did not.
    pub diagnostics: Vec<Diagnostic>,
}

/// Every file of the project and of the standard library by display path.
#[salsa::tracked(returns(ref))]
pub fn files_by_path(db: &dyn Db, project: Project) -> BTreeMap<String, File> {
    project
        .all_files(db)
        .into_iter()
        .map(|file| (file.path(db).clone(), file))
        .collect()
}

/// Resolves the imports of `file`.
#[salsa::tracked(returns(ref))]
pub fn resolve_imports(db: &dyn Db, project: Project, file: File) -> FileImports {
    let mut out = FileImports::default();
    let path = file.path(db);
    for import in parse(db, file).file.imports() {
        match resolve_one(db, project, file, import) {
            Ok(resolved) => out.imports.push(resolved),
            Err(diagnostic) => out.diagnostics.push(*diagnostic),
        }
    }
    // The same target imported twice in one file.
    let mut seen: HashMap<(File, Option<Vec<String>>), Span> = HashMap::new();
    for import in &out.imports {
        let key = (
            import.target,
            import
                .selection
                .as_ref()
                .map(|s| s.iter().map(|(n, _)| n.clone()).collect()),
        );
        if let Some(first) = seen.get(&key) {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::Duplicate,
                    "this import is written twice",
                    path,
                    import.span,
                )
                .with_label("imported again here")
                .with_secondary(Label::new(path, *first).with_message("first imported here"))
                .with_help("remove the second import"),
            );
        } else {
            seen.insert(key, import.span);
        }
    }
    out
}

/// The names of the tiers and policies declared in `file`, with their spans.
pub fn importable_items(db: &dyn Db, file: File) -> Vec<(String, DeclKind, Span)> {
    parse(db, file)
        .file
        .decls()
        .filter(|d| {
            matches!(
                d.kind,
                DeclKind::Tier | DeclKind::Policy | DeclKind::Priority
            )
        })
        .filter_map(|d| d.name.as_ref().map(|n| (n.name.clone(), d.kind, n.span)))
        .collect()
}

fn resolve_one(
    db: &dyn Db,
    project: Project,
    file: File,
    import: &Import,
) -> Result<ResolvedImport, Box<Diagnostic>> {
    let path = file.path(db);
    let files = files_by_path(db, project);
    let (target, selection_idents, module_label): (File, Option<Vec<Ident>>, String) = match &import
        .target
    {
        ImportTarget::Relative {
            path: relative,
            span,
        } => {
            let resolved = join_relative(path, relative).ok_or_else(|| {
                    Box::new(
                        Diagnostic::new(
                            Code::ImportNotFound,
                            format!("import `{relative}` leaves the project"),
                            path,
                            *span,
                        )
                        .with_label("goes above the project root")
                        .with_note("a project is a directory; imports are relative to the importing file and stay inside the project")
                        .with_help("move the shared file into the project, or build from a directory that contains both"),
                    )
                })?;
            let target_path = format!("{resolved}.k8s");
            let Some(target) = files.get(&target_path).copied() else {
                let mut diagnostic = Diagnostic::new(
                    Code::ImportNotFound,
                    format!("cannot find `{target_path}` for import `{relative}`"),
                    path,
                    *span,
                )
                .with_label("no such file in the project");
                let candidates: Vec<String> = files
                    .keys()
                    .filter(|p| !p.starts_with("std/"))
                    .filter_map(|p| relative_from(path, p))
                    .collect();
                if let Some(best) = closest(relative, candidates.iter().map(String::as_str)) {
                    diagnostic = diagnostic.with_replacement(best.to_string());
                }
                return Err(Box::new(diagnostic));
            };
            if target == file {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::ImportCycle,
                        "a file cannot import itself",
                        path,
                        import.span,
                    )
                    .with_label("imports the file it is in"),
                ));
            }
            (target, import.selection.clone(), relative.clone())
        }
        ImportTarget::Module(segments) => resolve_module(db, project, path, import, segments)?,
    };
    let selection = match selection_idents {
        None => None,
        Some(idents) => {
            let items = importable_items(db, target);
            let mut picked = Vec::new();
            for ident in idents {
                if items.iter().any(|(name, _, _)| *name == ident.name) {
                    picked.push((ident.name.clone(), ident.span));
                    continue;
                }
                let mut diagnostic = Diagnostic::new(
                    Code::ImportNotFound,
                    format!(
                        "`{module_label}` has no tier or policy named `{}`",
                        ident.name
                    ),
                    path,
                    ident.span,
                )
                .with_label("not found in the module");
                if let Some(best) = closest(&ident.name, items.iter().map(|(n, _, _)| n.as_str())) {
                    diagnostic = diagnostic.with_replacement(best.to_string());
                } else if !items.is_empty() {
                    let names: Vec<&str> = items.iter().map(|(n, _, _)| n.as_str()).collect();
                    diagnostic = diagnostic.with_note(format!("it declares: {}", names.join(", ")));
                }
                return Err(Box::new(diagnostic));
            }
            Some(picked)
        }
    };
    Ok(ResolvedImport {
        span: import.span,
        target,
        selection,
    })
}

type ModuleResolution = (File, Option<Vec<Ident>>, String);

fn resolve_module(
    db: &dyn Db,
    project: Project,
    path: &str,
    import: &Import,
    segments: &[Ident],
) -> Result<ModuleResolution, Box<Diagnostic>> {
    let files = files_by_path(db, project);
    let whole = segments.first().map_or(import.span, |first| {
        first.span.to(segments[segments.len() - 1].span)
    });
    let dotted: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
    if dotted.first() != Some(&"std") {
        let mut diagnostic = Diagnostic::new(
            Code::ImportNotFound,
            format!("`{}` is not a module", dotted.join(".")),
            path,
            whole,
        )
        .with_label("module paths start with `std.`")
        .with_note("project files are imported by relative path");
        let exists = |relative: &str| {
            join_relative(path, relative)
                .is_some_and(|joined| files.contains_key(&format!("{joined}.k8s")))
        };
        let as_file = format!("./{}", dotted.join("/"));
        let as_item = (dotted.len() > 1).then(|| {
            (
                format!("./{}", dotted[..dotted.len() - 1].join("/")),
                dotted[dotted.len() - 1],
            )
        });
        if exists(&as_file) {
            diagnostic = diagnostic.with_replacement(as_file);
        } else if let Some((file, item)) = as_item.filter(|(file, _)| exists(file)) {
            diagnostic = diagnostic.with_replacement(format!("{file}.{{{item}}}"));
        } else {
            diagnostic =
                diagnostic.with_help("write `import ./file` for `file.k8s` next to this one");
        }
        return Err(Box::new(diagnostic));
    }
    let std_file = |module: &str| files.get(&format!("std/{module}.k8s")).copied();
    let rest = &segments[1..];
    if rest.is_empty() {
        return Err(Box::new(
            Diagnostic::new(
                Code::ImportNotFound,
                "`std` alone names no module",
                path,
                whole,
            )
            .with_label("import a module of the standard library")
            .with_help(format!("the modules are: {}", std_module_list())),
        ));
    }
    let full = rest
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(".");
    if let Some(file) = std_file(&full) {
        return Ok((file, import.selection.clone(), format!("std.{full}")));
    }
    if rest.len() >= 2 && import.selection.is_none() {
        let module = rest[..rest.len() - 1]
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(".");
        if let Some(file) = std_file(&module) {
            return Ok((
                file,
                Some(vec![rest[rest.len() - 1].clone()]),
                format!("std.{module}"),
            ));
        }
    }
    let module_span = rest[0].span;
    let mut diagnostic = Diagnostic::new(
        Code::ImportNotFound,
        format!("the standard library has no module `{}`", rest[0].name),
        path,
        module_span,
    )
    .with_label("unknown module");
    let modules: Vec<&str> = crate::stdlib::MODULES.iter().map(|m| m.name).collect();
    if let Some(best) = closest(&rest[0].name, modules.iter().copied()) {
        diagnostic = diagnostic.with_replacement(best.to_string());
    } else {
        diagnostic = diagnostic.with_note(format!("the modules are: {}", std_module_list()));
    }
    Err(Box::new(diagnostic))
}

fn std_module_list() -> String {
    crate::stdlib::MODULES
        .iter()
        .map(|m| format!("std.{}", m.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Joins a relative import to the importing file's directory, normalising `.` and `..`.
/// `None` if the result would leave the root.
pub fn join_relative(importer: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = importer.split('/').collect();
    parts.pop();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// `target` (a display path) as a relative import from `importer`, if it is in the same tree.
fn relative_from(importer: &str, target: &str) -> Option<String> {
    let stem = target.strip_suffix(".k8s")?;
    let dir: Vec<&str> = importer.split('/').collect();
    let dir = &dir[..dir.len().saturating_sub(1)];
    let target_parts: Vec<&str> = stem.split('/').collect();
    let common = dir
        .iter()
        .zip(&target_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let ups = dir.len() - common;
    let mut out = if ups == 0 {
        "./".to_string()
    } else {
        "../".repeat(ups)
    };
    out.push_str(&target_parts[common..].join("/"));
    Some(out)
}

/// Import cycles among the project's files (E0007), each reported once at the import that
/// closes it, with the whole cycle in the message.
#[salsa::tracked(returns(ref))]
pub fn import_cycles(db: &dyn Db, project: Project) -> Vec<Diagnostic> {
    let files = project.all_files(db);
    let edges: HashMap<File, Vec<(File, Span)>> = files
        .iter()
        .map(|file| {
            let targets = resolve_imports(db, project, *file)
                .imports
                .iter()
                .map(|i| (i.target, i.span))
                .collect();
            (*file, targets)
        })
        .collect();
    let mut diagnostics = Vec::new();
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in &files {
        if let Some(cycle) = find_cycle(*start, &edges) {
            let mut key: Vec<String> = cycle.iter().map(|f| f.path(db).clone()).collect();
            key.sort();
            if !reported.insert(key) {
                continue;
            }
            let names: Vec<String> = cycle
                .iter()
                .chain(std::iter::once(&cycle[0]))
                .map(|f| f.path(db).clone())
                .collect();
            let from = cycle[cycle.len() - 1];
            let span = edges
                .get(&from)
                .and_then(|targets| targets.iter().find(|(t, _)| *t == cycle[0]))
                .map_or(Span::default(), |(_, span)| *span);
            let mut diagnostic = Diagnostic::new(
                Code::ImportCycle,
                format!("import cycle: {}", names.join(" → ")),
                from.path(db),
                span,
            )
            .with_label("this import closes the cycle");
            for (i, file) in cycle.iter().enumerate().take(cycle.len() - 1) {
                let next = cycle[i + 1];
                if let Some((_, span)) = edges
                    .get(file)
                    .and_then(|t| t.iter().find(|(t, _)| *t == next))
                {
                    diagnostic = diagnostic.with_secondary(
                        Label::new(file.path(db), *span)
                            .with_message(format!("imports {}", next.path(db))),
                    );
                }
            }
            diagnostics.push(
                diagnostic
                    .with_help("move what both files need into a third file that both import"),
            );
        }
    }
    if files.iter().any(|f| f.kind(db) == FileKind::Stdlib) {
        diagnostics.retain(|d| !d.primary.file.starts_with("std/"));
    }
    diagnostics
}

/// A cycle through `start`, as the list of files in order, if there is one.
fn find_cycle(start: File, edges: &HashMap<File, Vec<(File, Span)>>) -> Option<Vec<File>> {
    let mut stack: Vec<(File, usize)> = vec![(start, 0)];
    let mut on_path: Vec<File> = vec![start];
    let mut visited: HashSet<File> = HashSet::new();
    while let Some((node, next)) = stack.last_mut() {
        let targets = edges.get(node).map(Vec::as_slice).unwrap_or(&[]);
        if *next >= targets.len() {
            stack.pop();
            on_path.pop();
            continue;
        }
        let (target, _) = targets[*next];
        *next += 1;
        if target == start {
            return Some(on_path.clone());
        }
        if visited.insert(target) && !on_path.contains(&target) {
            stack.push((target, 0));
            on_path.push(target);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{join_relative, relative_from};

    #[test]
    fn relative_paths_resolve_inside_the_root() {
        assert_eq!(
            join_relative("app.k8s", "./common").as_deref(),
            Some("common")
        );
        assert_eq!(join_relative("a/b.k8s", "../c").as_deref(), Some("c"));
        assert_eq!(join_relative("a/b.k8s", "./d/e").as_deref(), Some("a/d/e"));
        assert_eq!(join_relative("app.k8s", "../outside"), None);
        assert_eq!(join_relative("a/b.k8s", "../../x"), None);
    }

    #[test]
    fn suggestions_are_written_relative_to_the_importer() {
        assert_eq!(
            relative_from("app.k8s", "common.k8s").as_deref(),
            Some("./common")
        );
        assert_eq!(
            relative_from("a/app.k8s", "b/x.k8s").as_deref(),
            Some("../b/x")
        );
    }
}
