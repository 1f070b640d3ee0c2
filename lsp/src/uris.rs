//! Which URI names which file. Project files are `file:` URIs under the workspace root (the
//! compiler knows them by their path relative to it); the embedded standard library is served as
//! read-only virtual documents `k8sc:/std/tiers.k8s`, whose text the client fetches with the
//! `k8sc/virtualDocument` request.

use k8sc_compiler::analysis::files_by_path;
use k8sc_compiler::db::{Db, File, FileKind, Project};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use tower_lsp_server::ls_types::Uri;

/// The URI scheme of the standard library's virtual documents.
pub const STD_SCHEME: &str = "k8sc";

/// Maps URIs to the compiler's display paths and back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths {
    root: Option<PathBuf>,
}

impl Paths {
    /// Paths relative to `root` (the workspace folder).
    pub fn new(root: Option<PathBuf>) -> Paths {
        Paths { root }
    }

    /// The workspace root.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The display path of a file on disk: relative to the root with `/` separators, or the
    /// absolute path for a file outside it.
    pub fn display_of_path(&self, path: &Path) -> String {
        let relative = self
            .root
            .as_deref()
            .and_then(|root| path.strip_prefix(root).ok());
        match relative {
            Some(relative) => relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
            None => path.to_string_lossy().replace('\\', "/"),
        }
    }

    /// The display path a URI names: `app.k8s` for a file of the workspace, `std/tiers.k8s`
    /// for a virtual document of the standard library.
    pub fn display_path(&self, uri: &Uri) -> Option<String> {
        let scheme = uri.scheme().as_str();
        if scheme == STD_SCHEME {
            let path = uri.path().decode().to_string_lossy().into_owned();
            return Some(path.trim_start_matches('/').to_string());
        }
        if scheme != "file" {
            return None;
        }
        let path = uri.to_file_path()?;
        Some(self.display_of_path(&path))
    }

    /// Whether `uri` names a file on disk outside the workspace folder (never part of the
    /// project: an editor may open any file, and one from another project would join this one).
    pub fn is_outside_workspace(&self, uri: &Uri) -> bool {
        let Some(root) = &self.root else {
            return false;
        };
        uri.scheme().as_str() == "file"
            && uri
                .to_file_path()
                .is_some_and(|path| !path.starts_with(root))
    }

    /// The path on disk of a project file's display path.
    pub fn disk_path(&self, display: &str) -> PathBuf {
        let path = Path::new(display);
        match &self.root {
            Some(root) if path.is_relative() => root.join(path),
            _ => path.to_path_buf(),
        }
    }

    /// The URI of a file.
    pub fn uri_of(&self, db: &dyn Db, file: File) -> Option<Uri> {
        let display = file.path(db);
        match file.kind(db) {
            FileKind::Stdlib => Uri::from_str(&format!("{STD_SCHEME}:/{display}")).ok(),
            FileKind::Project => Uri::from_file_path(self.disk_path(display)),
        }
    }

    /// The file a URI names, if the project has it.
    pub fn file_of(&self, db: &dyn Db, project: Project, uri: &Uri) -> Option<File> {
        let display = self.display_path(uri)?;
        let file = files_by_path(db, project).get(&display).copied()?;
        let is_std = uri.scheme().as_str() == STD_SCHEME;
        (is_std == (file.kind(db) == FileKind::Stdlib)).then_some(file)
    }
}
