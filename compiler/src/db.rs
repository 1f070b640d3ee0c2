//! The salsa database: source files are inputs, everything derived from them is a tracked query.
//!
//! The CLI builds one database per run; the language server keeps one alive and edits its inputs,
//! so only the queries that depend on a changed file re-run.

use salsa::{Durability, Setter};

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

/// How many items' parses an editor's database keeps from one edit to the next (the most recently
/// used): enough for the files being edited, far fewer than a large workspace has.
const ITEM_PARSES_KEPT: usize = 1024;

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

    /// A database for an editor: files are parsed item by item, so that a keystroke re-parses
    /// the one item it changed (a one-shot build parses each file once, whole). Combine with
    /// [`Database::track_outlines`] after loading.
    pub fn for_editor() -> Database {
        let mut db = Database {
            by_item: true,
            ..Database::default()
        };
        crate::syntax::keep_item_parses(&mut db, ITEM_PARSES_KEPT);
        db
    }

    /// [`Database::for_editor`] reporting every salsa event to `callback`.
    pub fn for_editor_with_event_callback(
        callback: impl Fn(salsa::Event) + Send + Sync + 'static,
    ) -> Database {
        let mut db = Database {
            by_item: true,
            ..Database::with_event_callback(callback)
        };
        crate::syntax::keep_item_parses(&mut db, ITEM_PARSES_KEPT);
        db
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

    /// Replaces the text of a file read from disk (medium durability, like the loaded files).
    /// If the file's outline is tracked, it is brought up to date.
    pub fn set_file_text(&mut self, file: File, text: String) {
        self.set_text_with(file, text, Durability::MEDIUM);
    }

    /// Replaces the text of a file being edited (an editor buffer). The text gets low durability:
    /// whatever depends only on other files' text and on outlines is then still valid without
    /// salsa walking its dependencies again. The first such edit of a file costs more than the
    /// next (results that read it lose their durability once), so an editor makes it when the
    /// document is opened.
    pub fn edit_file_text(&mut self, file: File, text: String) {
        self.set_text_with(file, text, Durability::LOW);
    }

    /// Sets the text, then the outline if it is tracked and a name changed (with medium
    /// durability: renaming is rare next to typing).
    fn set_text_with(&mut self, file: File, text: String, durability: Durability) {
        file.set_text(self).with_durability(durability).to(text);
        if file.outline(self).is_some() {
            self.refresh_outline(file);
        }
    }

    /// A new project file (an editor buffer not on disk yet), with its outline tracked.
    pub fn add_file(&mut self, path: String, text: String) -> File {
        let file = File::builder(path, text, FileKind::Project, None)
            .durability(Durability::MEDIUM)
            .new(self);
        self.refresh_outline(file);
        file
    }

    /// Starts keeping the outline of every file of `project` up to date: what a language server
    /// does once after loading, so that later edits that rename nothing invalidate only what
    /// depends on the edited file.
    pub fn track_outlines(&mut self, project: Project) {
        for file in project.files(self).clone() {
            self.refresh_outline(file);
        }
    }

    fn refresh_outline(&mut self, file: File) {
        let outline = crate::semantic::structure::outline(self, file);
        if file.outline(self).as_ref() != Some(&outline) {
            file.set_outline(self)
                .with_durability(Durability::MEDIUM)
                .to(Some(outline));
        }
    }
}
