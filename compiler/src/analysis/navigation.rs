//! Where names are declared and where they are used: the workloads named in `calls` (also as
//! `APP.WORKLOAD`) and in an environment's paths (`web.replicas`, `web { … }`), tiers, policies,
//! environments, `allow` exceptions and imports — resolved with
//! the same scopes and app structure the checker uses. Go to definition, find references and
//! rename are built on [`symbol_at`], [`definition`] and [`references`].

use crate::db::{Db, File, FileKind, Project};
use crate::semantic::imports::resolve_imports;
use crate::semantic::scope::file_scope;
use crate::semantic::structure::{AppEntry, project_structure};
use crate::syntax::parse;
use k8sc_grammar::{Block, BlockItem, Decl, DeclKind, Ident, ImportTarget, Span, Value, ValueKind};

/// What a name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symbol {
    /// A declaration (app, workload, tier, policy or environment): its file and its index among
    /// the file's declarations.
    Decl {
        /// The declaring file.
        file: File,
        /// The declaration's index in it.
        index: u32,
    },
    /// A file or standard-library module named by an import.
    File(File),
}

/// One use of a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// Where the name is written (one identifier: `ledger` in `payments.ledger`).
    pub span: Span,
    /// What it refers to.
    pub symbol: Symbol,
}

/// Every resolved name used in `file` (declaration names themselves are not uses), in source
/// order.
#[salsa::tracked(returns(ref))]
pub fn file_references(db: &dyn Db, project: Project, file: File) -> Vec<Reference> {
    let mut collector = Collector {
        db,
        project,
        file,
        app: None,
        out: Vec::new(),
    };
    collector.imports();
    let structure = project_structure(db, project);
    for (index, decl) in parse(db, file).file.decls().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        collector.app = match decl.kind {
            DeclKind::App => structure
                .apps
                .iter()
                .find(|a| a.file == file && a.index == index),
            DeclKind::Env => structure
                .apps
                .iter()
                .find(|a| a.envs.iter().any(|e| e.file == file && e.index == index)),
            _ => structure.app_of(file, index),
        };
        if decl.kind == DeclKind::Env {
            collector.env_paths(&decl.body);
        }
        if let Some(parent) = &decl.parent {
            match decl.kind {
                DeclKind::Tier | DeclKind::Env => collector.scoped(parent, decl.kind),
                _ => {}
            }
        }
        collector.block(&decl.body);
    }
    let mut out = collector.out;
    out.sort_by_key(|r| (r.span.start, r.span.end));
    out
}

struct Collector<'a> {
    db: &'a dyn Db,
    project: Project,
    file: File,
    app: Option<&'a AppEntry>,
    out: Vec<Reference>,
}

impl Collector<'_> {
    fn push(&mut self, span: Span, symbol: Option<Symbol>) {
        if let Some(symbol) = symbol {
            self.out.push(Reference { span, symbol });
        }
    }

    fn imports(&mut self) {
        let (db, project, file) = (self.db, self.project, self.file);
        let resolved = resolve_imports(db, project, file);
        for import in parse(db, file).file.imports() {
            let Some(target) = resolved.imports.iter().find(|r| r.span == import.span) else {
                continue;
            };
            let target_file = target.target;
            match &import.target {
                ImportTarget::Relative { span, .. } => {
                    self.push(*span, Some(Symbol::File(target_file)));
                }
                ImportTarget::Module(parts) => {
                    // `std.MODULE` names the file; a third part names an item of it.
                    if let Some(module) = parts.get(1) {
                        self.push(module.span, Some(Symbol::File(target_file)));
                    }
                    if let Some(item) = parts.get(2) {
                        self.push(item.span, item_in(db, target_file, &item.name));
                    }
                }
            }
            for item in import.selection.iter().flatten() {
                self.push(item.span, item_in(db, target_file, &item.name));
            }
        }
    }

    /// A tier, policy or environment name, looked up in the file's scope.
    fn scoped(&mut self, name: &Ident, kind: DeclKind) {
        let (db, project, file) = (self.db, self.project, self.file);
        let symbol = file_scope(db, project, file)
            .lookup(&name.name, kind)
            .and_then(|definition| decl_with_name_span(db, definition.file, definition.name_span));
        self.push(name.span, symbol);
    }

    /// The workload names of an environment's paths (`web` in `web.replicas: 1` and in
    /// `web { … }`), read as the checker reads them (`semantic::env`): a single name that is an
    /// app field, `cluster` or `gitops` names no workload.
    fn env_paths(&mut self, body: &Block) {
        for item in &body.items {
            let BlockItem::Field(field) = item else {
                continue;
            };
            let Some(first) = field.key.first() else {
                continue;
            };
            let single = field.key.len() == 1;
            let workload_block =
                matches!(field.value.kind, ValueKind::Block(_)) && !field.has_colon;
            let is_app_field = crate::model::schema::APP_FIELDS
                .iter()
                .any(|f| f.name == first.name);
            if first.name == "gitops" || (single && (is_app_field || !workload_block)) {
                continue;
            }
            let symbol = self.app.and_then(|app| env_workload(app, &first.name));
            self.push(first.span, symbol);
            // `web.calls: [api]`: the called workloads, as in the workload.
            if let [_, calls] = field.key.as_slice()
                && calls.name == "calls"
            {
                self.calls(&field.value);
            }
        }
    }

    fn block(&mut self, block: &Block) {
        for item in &block.items {
            match item {
                BlockItem::Field(field) => {
                    match field.key_text().as_str() {
                        "tier" => {
                            if let ValueKind::Path(parts) = &field.value.kind
                                && let [name] = parts.as_slice()
                            {
                                self.scoped(name, DeclKind::Tier);
                            }
                        }
                        "priority" => {
                            if let ValueKind::Path(parts) = &field.value.kind
                                && let [name] = parts.as_slice()
                            {
                                self.scoped(name, DeclKind::Priority);
                            }
                        }
                        "policies" | "require_policies" => self.policies(&field.value),
                        "calls" => self.calls(&field.value),
                        _ => {}
                    }
                    if let Some(inner) = super::locate::nested_block(&field.value) {
                        self.block(inner);
                    }
                }
                BlockItem::Allow(allow) => match allow.name.as_slice() {
                    [policy] => self.scoped(policy, DeclKind::Policy),
                    [tier, ..] => self.scoped(tier, DeclKind::Tier),
                    [] => {}
                },
                BlockItem::Require(_) => {}
            }
        }
    }

    fn policies(&mut self, value: &Value) {
        let ValueKind::List(items) = &value.kind else {
            return;
        };
        for item in items {
            match &item.kind {
                ValueKind::Path(parts) | ValueKind::Call { callee: parts, .. } => {
                    if let [name] = parts.as_slice() {
                        self.scoped(name, DeclKind::Policy);
                    }
                }
                _ => {}
            }
        }
    }

    fn calls(&mut self, value: &Value) {
        let ValueKind::List(items) = &value.kind else {
            return;
        };
        let apps = &project_structure(self.db, self.project).apps;
        for item in items {
            // `api { methods: [GET] }` and `payments.ledger { port: grpc }` name workloads too.
            let parts = match &item.kind {
                ValueKind::Path(parts) => parts.as_slice(),
                ValueKind::Apply { head, args, .. } if args.is_empty() => {
                    std::slice::from_ref(head)
                }
                ValueKind::WithBlock { base, .. } => match &base.kind {
                    ValueKind::Path(parts) => parts.as_slice(),
                    _ => continue,
                },
                _ => continue,
            };
            match parts {
                [workload] => {
                    let symbol = self.app.and_then(|app| workload_in(app, &workload.name));
                    self.push(workload.span, symbol);
                }
                [app_name, workload] => {
                    let app = apps
                        .iter()
                        .find(|a| a.name == app_name.name || a.k8s_name == app_name.name);
                    self.push(
                        app_name.span,
                        app.map(|a| Symbol::Decl {
                            file: a.file,
                            index: a.index,
                        }),
                    );
                    let symbol = app.and_then(|a| workload_in(a, &workload.name));
                    self.push(workload.span, symbol);
                }
                _ => {}
            }
        }
    }
}

/// The workload an environment of `app` names `name` (not an external host: environments
/// override workloads only).
fn env_workload(app: &AppEntry, name: &str) -> Option<Symbol> {
    app.workloads
        .iter()
        .find(|w| w.name == name || w.k8s_name == name)
        .map(|w| Symbol::Decl {
            file: w.file,
            index: w.index,
        })
}

fn workload_in(app: &AppEntry, name: &str) -> Option<Symbol> {
    app.workloads
        .iter()
        .chain(&app.externals)
        .find(|w| w.name == name || w.k8s_name == name)
        .map(|w| Symbol::Decl {
            file: w.file,
            index: w.index,
        })
}

/// The tier or policy named `name` declared in `file`.
fn item_in(db: &dyn Db, file: File, name: &str) -> Option<Symbol> {
    let index = parse(db, file).file.decls().position(|d| {
        matches!(
            d.kind,
            DeclKind::Tier | DeclKind::Policy | DeclKind::Priority
        ) && d.name.as_ref().is_some_and(|n| n.name == name)
    })?;
    Some(Symbol::Decl {
        file,
        index: u32::try_from(index).ok()?,
    })
}

/// The declaration of `file` whose name is written at `name_span`.
fn decl_with_name_span(db: &dyn Db, file: File, name_span: Span) -> Option<Symbol> {
    let index = parse(db, file)
        .file
        .decls()
        .position(|d| d.name.as_ref().is_some_and(|n| n.span == name_span))?;
    Some(Symbol::Decl {
        file,
        index: u32::try_from(index).ok()?,
    })
}

/// The declaration a [`Symbol::Decl`] names.
pub fn symbol_decl(db: &dyn Db, symbol: Symbol) -> Option<&Decl> {
    match symbol {
        Symbol::Decl { file, index } => parse(db, file).file.decls().nth(index as usize),
        Symbol::File(_) => None,
    }
}

/// The name at `offset` of `file` — a use or a declaration's own name — and what it refers to.
pub fn symbol_at(db: &dyn Db, project: Project, file: File, offset: u32) -> Option<(Span, Symbol)> {
    let inside = |span: Span| span.start <= offset && offset <= span.end;
    if let Some(reference) = file_references(db, project, file)
        .iter()
        .find(|r| inside(r.span))
    {
        return Some((reference.span, reference.symbol));
    }
    parse(db, file)
        .file
        .decls()
        .enumerate()
        .find_map(|(index, decl)| {
            let name = decl.name.as_ref().filter(|n| inside(n.span))?;
            Some((
                name.span,
                Symbol::Decl {
                    file,
                    index: u32::try_from(index).ok()?,
                },
            ))
        })
}

/// Where a symbol is defined: a declaration's name, or the start of a file.
pub fn definition(db: &dyn Db, symbol: Symbol) -> (File, Span) {
    match symbol {
        Symbol::Decl { file, .. } => {
            let span = symbol_decl(db, symbol)
                .map(|d| d.name.as_ref().map_or(d.keyword_span, |n| n.span))
                .unwrap_or_default();
            (file, span)
        }
        Symbol::File(file) => (file, Span::default()),
    }
}

/// Every use of `symbol` in the project and the standard library, in file order, optionally
/// preceded by its definition.
pub fn references(
    db: &dyn Db,
    project: Project,
    symbol: Symbol,
    include_definition: bool,
) -> Vec<(File, Span)> {
    let mut out = Vec::new();
    if include_definition && let Symbol::Decl { .. } = symbol {
        out.push(definition(db, symbol));
    }
    for file in project.all_files(db) {
        out.extend(
            file_references(db, project, file)
                .iter()
                .filter(|r| r.symbol == symbol)
                .map(|r| (file, r.span)),
        );
    }
    out
}

/// Why a rename cannot be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError(pub String);

/// The edits that rename `symbol` to `new_name` everywhere: its declaration and every use.
pub fn rename(
    db: &dyn Db,
    project: Project,
    symbol: Symbol,
    new_name: &str,
) -> Result<Vec<(File, Span)>, RenameError> {
    let Symbol::Decl { file, .. } = symbol else {
        return Err(RenameError(
            "an import names a file: rename the file instead".to_string(),
        ));
    };
    if file.kind(db) == FileKind::Stdlib {
        return Err(RenameError("the standard library is read-only".to_string()));
    }
    if !is_identifier(new_name) {
        return Err(RenameError(format!(
            "`{new_name}` is not a valid name: use letters, digits, `_` and `-`, starting with a letter"
        )));
    }
    let edits = references(db, project, symbol, true);
    if let Some((other, _)) = edits.iter().find(|(f, _)| f.kind(db) == FileKind::Stdlib) {
        return Err(RenameError(format!(
            "`{}` is used by the read-only standard library",
            other.path(db)
        )));
    }
    Ok(edits)
}

/// Whether `name` can be written as a declaration name.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let starts = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let keyword = matches!(name, "and" | "or" | "not" | "in" | "true" | "false");
    starts && !keyword && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
