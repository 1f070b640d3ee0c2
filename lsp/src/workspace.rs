//! The server's mutable state: the database and the files it holds. The workspace folder's
//! `.k8s` files are read from disk; an open editor buffer overrides its file until it is closed;
//! files created, changed or deleted outside the editor are re-read when the client reports them.

use crate::line_index::{Encoding, LineIndex};
use crate::snapshot::Snapshot;
use crate::uris::Paths;
use k8sc_compiler::db::{Database, File, FileKind, Project};
use salsa::{Durability, Setter};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// Where a file's new text comes from.
#[derive(Clone, Copy)]
enum Source {
    /// A document just opened: its text is set even if equal to the file's, so that the file
    /// becomes an editor buffer (low durability) before the first keystroke.
    Opened,
    /// A change of an open document.
    Edited,
    /// The file on disk (re-read after a close or an outside change): medium durability again.
    Disk,
}

/// The database, the project, and the open documents.
pub struct Workspace {
    db: Database,
    project: Project,
    paths: Paths,
    encoding: Encoding,
    versions: Arc<HashMap<String, i32>>,
    /// What the user should be told about files that were not loaded (a FIFO named `*.k8s`
    /// skipped, a file that cannot be read), until the server sends it.
    notices: Vec<String>,
}

impl Default for Workspace {
    fn default() -> Workspace {
        Workspace::from_files(None, Vec::new())
    }
}

impl Workspace {
    /// A workspace of the given files (display path, text) under `root`; the standard library is
    /// added.
    pub fn from_files(root: Option<PathBuf>, files: Vec<(String, String)>) -> Workspace {
        let mut db = Database::for_editor();
        let project = db.load_project(files);
        db.track_outlines(project);
        Workspace {
            db,
            project,
            paths: Paths::new(root),
            encoding: Encoding::default(),
            versions: Arc::new(HashMap::new()),
            notices: Vec::new(),
        }
    }

    /// Reads every `.k8s` file under `root` as `k8sc check` does: special files (FIFOs, sockets,
    /// devices) are skipped, without being opened, and noted; a project the loader refuses (a
    /// link out of the folder, a file too large) gives an empty workspace and a notice saying
    /// why; a folder without sources an empty workspace.
    pub fn load(root: &Path) -> Workspace {
        let (files, notices) = match k8sc_compiler::analysis::loader::load(root) {
            Ok(loaded) => (
                loaded.files,
                loaded
                    .skipped
                    .iter()
                    .map(|s| format!("k8sc: {s}"))
                    .collect(),
            ),
            // A folder without sources yet (or unreadable itself) is simply empty.
            Err(error) if error.path == root => (Vec::new(), Vec::new()),
            Err(error) => (
                Vec::new(),
                vec![format!("k8sc: the workspace is not loaded: {error}")],
            ),
        };
        let mut workspace = Workspace::from_files(Some(root.to_path_buf()), files);
        workspace.notices = notices;
        workspace
    }

    /// Takes what the user should be told about files that were not loaded, once.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Sets the position encoding agreed with the client.
    pub fn set_encoding(&mut self, encoding: Encoding) {
        self.encoding = encoding;
    }

    /// The URI ↔ path mapping.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// A snapshot of the current revision.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            db: self.db.clone(),
            project: self.project,
            paths: self.paths.clone(),
            encoding: self.encoding,
            versions: self.versions.clone(),
        }
    }

    /// The version of the open document with this display path.
    pub fn version(&self, display: &str) -> Option<i32> {
        self.versions.get(display).copied()
    }

    fn find(&self, display: &str) -> Option<File> {
        self.project
            .all_files(&self.db)
            .into_iter()
            .find(|f| f.path(&self.db) == display)
    }

    /// Sets the text of the project file at `display`, adding it to the project if needed.
    /// `source` says whether it is an editor buffer (low durability) or the file on disk.
    fn set_text(&mut self, display: &str, text: String, source: Source) {
        match self.find(display) {
            Some(file) if file.kind(&self.db) == FileKind::Stdlib => {}
            Some(file) => match source {
                Source::Opened => self.db.edit_file_text(file, text),
                Source::Edited if file.text(&self.db) != &text => {
                    self.db.edit_file_text(file, text)
                }
                Source::Edited => {}
                Source::Disk => self.db.set_file_text(file, text),
            },
            None => {
                let file = self.db.add_file(display.to_string(), text);
                let mut files = self.project.files(&self.db).clone();
                files.push(file);
                files.sort_by(|a, b| a.path(&self.db).cmp(b.path(&self.db)));
                self.project
                    .set_files(&mut self.db)
                    .with_durability(Durability::MEDIUM)
                    .to(files);
            }
        }
    }

    fn remove(&mut self, display: &str) {
        let files = self.project.files(&self.db);
        if !files.iter().any(|f| f.path(&self.db) == display) {
            return;
        }
        let kept: Vec<File> = files
            .iter()
            .copied()
            .filter(|f| f.path(&self.db) != display)
            .collect();
        self.project
            .set_files(&mut self.db)
            .with_durability(Durability::MEDIUM)
            .to(kept);
    }

    /// A document was opened with this text. A file outside the workspace folder does not join
    /// the project.
    pub fn open(&mut self, uri: &Uri, version: i32, text: String) {
        if self.paths.is_outside_workspace(uri) {
            return;
        }
        let Some(display) = self.paths.display_path(uri) else {
            return;
        };
        Arc::make_mut(&mut self.versions).insert(display.clone(), version);
        if uri.scheme().as_str() != crate::uris::STD_SCHEME {
            self.set_text(&display, text, Source::Opened);
        }
    }

    /// A document changed: applies the changes in order (a change without a range replaces the
    /// whole text). Returns false if the document is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> bool {
        let Some(display) = self.paths.display_path(uri) else {
            return false;
        };
        let Some(file) = self.find(&display) else {
            return false;
        };
        Arc::make_mut(&mut self.versions).insert(display.clone(), version);
        if file.kind(&self.db) == FileKind::Stdlib {
            return true;
        }
        let mut text = file.text(&self.db).clone();
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = LineIndex::new(&text).span(&text, range, self.encoding);
                    text.replace_range(span.range(), &change.text);
                }
                None => text = change.text,
            }
        }
        self.set_text(&display, text, Source::Edited);
        true
    }

    /// A document was closed: its file goes back to what is on disk (or leaves the project if
    /// it is not on disk).
    pub fn close(&mut self, uri: &Uri) {
        let Some(display) = self.paths.display_path(uri) else {
            return;
        };
        Arc::make_mut(&mut self.versions).remove(&display);
        if uri.scheme().as_str() == crate::uris::STD_SCHEME {
            return;
        }
        self.reload(&display);
    }

    /// A file changed on disk (created, changed or deleted). Open documents keep their buffer.
    pub fn disk_changed(&mut self, uri: &Uri) {
        let Some(display) = self.paths.display_path(uri) else {
            return;
        };
        if self.versions.contains_key(&display) || !display.ends_with(".k8s") {
            return;
        }
        self.reload(&display);
    }

    /// Reads the file again from disk, with the loader's sandbox: a file that is gone, resolves
    /// outside the workspace folder, is not a regular file or is too large leaves the project;
    /// each but the first is noted for the user, as `k8sc check` would report it.
    fn reload(&mut self, display: &str) {
        let path = self.paths.disk_path(display);
        let sandbox = self
            .paths
            .root()
            .and_then(|r| std::fs::canonicalize(r).ok());
        let read = sandbox.map(|s| k8sc_compiler::analysis::loader::read_source_or_skip(&s, &path));
        match read {
            Some(Ok(Ok(text))) => self.set_text(display, text, Source::Disk),
            Some(Ok(Err(skipped))) => {
                self.notices.push(format!("k8sc: {skipped}"));
                self.remove(display);
            }
            Some(Err(error)) if path.exists() => {
                self.notices.push(format!("k8sc: {error}"));
                self.remove(display);
            }
            _ => self.remove(display),
        }
    }
}
