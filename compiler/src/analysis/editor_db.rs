//! The editor's database: the methods of [`Database`] that run queries of the layers above the
//! database — bounding the item parses an editor keeps (`syntax`), and keeping each file's
//! outline up to date as its text changes (`semantic::structure`). They live here, at the top, so
//! that `db` imports nothing above itself; their callers (the language server, the tests) name
//! them `Database::…` all the same.

use crate::db::{Database, File, FileKind, Project};
use salsa::{Durability, Setter};

/// How many items' parses an editor's database keeps from one edit to the next (the most recently
/// used): enough for the files being edited, far fewer than a large workspace has.
const ITEM_PARSES_KEPT: usize = 1024;

impl Database {
    /// A database for an editor: files are parsed item by item, so that a keystroke re-parses
    /// the one item it changed (a one-shot build parses each file once, whole). Combine with
    /// [`Database::track_outlines`] after loading.
    pub fn for_editor() -> Database {
        let mut db = Database::default().parsing_by_item();
        crate::syntax::keep_item_parses(&mut db, ITEM_PARSES_KEPT);
        db
    }

    /// [`Database::for_editor`] reporting every salsa event to `callback`.
    pub fn for_editor_with_event_callback(
        callback: impl Fn(salsa::Event) + Send + Sync + 'static,
    ) -> Database {
        let mut db = Database::with_event_callback(callback).parsing_by_item();
        crate::syntax::keep_item_parses(&mut db, ITEM_PARSES_KEPT);
        db
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
