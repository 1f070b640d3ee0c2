//! The salsa database: source files are inputs, everything derived from them is a tracked query.
//!
//! The CLI builds one database per run; the language server keeps one alive and edits its inputs,
//! so only the queries that depend on a changed file re-run.

use salsa::Durability;

/// A `.k8s` file known to the compiler: a project file read from disk (or an editor buffer), or a
/// module of the embedded standard library.
#[salsa::input(debug)]
pub struct File {
    /// The path shown to users: relative to the project root with `/` separators
    /// (`app.k8s`, `services/web.k8s`), or `std/tiers.k8s` for the standard library.
    #[returns(ref)]
    pub path: String,
    /// The file's text.
    #[returns(ref)]
    pub text: String,
    /// Where the file comes from.
    #[returns(copy)]
    pub kind: FileKind,
    /// Its named declarations without their spans, kept up to date by a long-lived database that
    /// receives edits ([`Database::track_outlines`]); `None` in a one-shot build, where the app
    /// structure reads the parse instead. A separate input field of medium durability: an edit
    /// that renames nothing leaves it alone, so the project's app structure, and everything other
    /// files derive from it, is still valid without salsa walking its dependencies again.
    #[returns(ref)]
    pub outline: Option<Outline>,
}

/// The named declarations of a file as the app structure sees them: no spans, so typing that
/// only moves text leaves the outline equal.
pub type Outline = Vec<OutlineEntry>;

/// One named declaration of a file, without its span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutlineEntry {
    /// The declaration's index in its file.
    pub index: u32,
    /// Its keyword.
    pub kind: k8sc_grammar::DeclKind,
    /// Its name, as written.
    pub name: String,
}

/// Where a [`File`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A file of the user's project.
    Project,
    /// A module of the standard library embedded in the binary (read-only).
    Stdlib,
}

/// The set of files compiled together: a directory's `.k8s` files plus the standard library.
#[salsa::input(debug)]
pub struct Project {
    /// The project's own files, sorted by path.
    #[returns(ref)]
    pub files: Vec<File>,
    /// The standard library's modules, sorted by path.
    #[returns(ref)]
    pub stdlib: Vec<File>,
}

impl Project {
    /// Every file: the project's own, then the standard library's.
    pub fn all_files(self, db: &dyn Db) -> Vec<File> {
        self.files(db)
            .iter()
            .chain(self.stdlib(db))
            .copied()
            .collect()
    }
}

/// The database trait every query takes; the language server and the CLI share it.
#[salsa::db]
pub trait Db: salsa::Database {
    /// Whether files are parsed item by item ([`crate::syntax::parse`]): set once, when the
    /// database is created, for an editor's long-lived database.
    fn parses_by_item(&self) -> bool;
}

/// The concrete database.
#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
    by_item: bool,
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {
    fn parses_by_item(&self) -> bool {
        self.by_item
    }
}

impl Database {
    /// A new, empty database.
    pub fn new() -> Database {
        Database::default()
    }

    /// This database, parsing files item by item: the base of an editor's database
    /// ([`Database::for_editor`], completed by `analysis::editor_db`, above the parse query whose
    /// memos it bounds).
    pub(crate) fn parsing_by_item(self) -> Database {
        Database {
            by_item: true,
            ..self
        }
    }

    /// A database that reports every salsa event (query executions, cancellations) to
    /// `callback`: how tests observe incrementality, and how the language server will log.
    pub fn with_event_callback(
        callback: impl Fn(salsa::Event) + Send + Sync + 'static,
    ) -> Database {
        Database {
            storage: salsa::Storage::new(Some(Box::new(callback))),
            by_item: false,
        }
    }

    /// Creates a project from `(path, text)` pairs, adding the embedded standard library.
    ///
    /// Files read from disk are inputs of medium durability and the standard library's of high
    /// durability; an editor's edit ([`Database::edit_file_text`]) has low durability. Salsa then
    /// knows that whatever depends only on files nobody is editing is still valid without walking
    /// its dependencies again, which keeps the language server's work per keystroke proportional
    /// to what the keystroke touched. That needs the app structure to read outlines rather than
    /// the edited file's parse: see [`Database::track_outlines`].
    pub fn load_project(&self, files: Vec<(String, String)>) -> Project {
        let mut files: Vec<File> = files
            .into_iter()
            .map(|(path, text)| {
                File::builder(path, text, FileKind::Project, None)
                    .durability(Durability::MEDIUM)
                    .new(self)
            })
            .collect();
        files.sort_by(|a, b| a.path(self).cmp(b.path(self)));
        let stdlib = crate::stdlib::MODULES
            .iter()
            .map(|module| {
                File::builder(
                    module.path.to_string(),
                    module.text.to_string(),
                    FileKind::Stdlib,
                    None,
                )
                .durability(Durability::HIGH)
                .new(self)
            })
            .collect();
        Project::builder(files, stdlib)
            .durability(Durability::MEDIUM)
            .new(self)
    }
}
