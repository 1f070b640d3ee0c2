//! Reading a project from disk: a directory means every `.k8s` file under it (hidden folders
//! skipped); a single file means that file and, transitively, the files it imports.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A project read from disk: its root and its files as `(display path, text)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedProject {
    /// The project root (the directory, or the file's directory).
    pub root: PathBuf,
    /// `(path relative to the root with '/' separators, text)`, sorted by path.
    pub files: Vec<(String, String)>,
}

/// Why a project could not be read.
#[derive(Debug)]
pub struct LoadError {
    /// What was being read.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.message)
    }
}

fn load_error(path: &Path) -> impl FnOnce(io::Error) -> LoadError + '_ {
    move |error| LoadError {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

/// Reads the project at `path` (a directory or a `.k8s` file).
pub fn load(path: &Path) -> Result<LoadedProject, LoadError> {
    let metadata = fs::metadata(path).map_err(load_error(path))?;
    if metadata.is_dir() {
        let mut files = Vec::new();
        collect(path, path, &mut files)?;
        files.sort();
        if files.is_empty() {
            return Err(LoadError {
                path: path.to_path_buf(),
                message: "no .k8s files in this directory".to_string(),
            });
        }
        return Ok(LoadedProject {
            root: path.to_path_buf(),
            files,
        });
    }
    let root = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut pending: BTreeSet<PathBuf> = BTreeSet::from([path.to_path_buf()]);
    while let Some(next) = pending.pop_first() {
        let display = display_path(&root, &next);
        if files.contains_key(&display) {
            continue;
        }
        let text = read_text(&next)?;
        for import in k8sc_grammar::parse(&text).file.imports() {
            if let k8sc_grammar::ImportTarget::Relative { path: relative, .. } = &import.target {
                let target = next
                    .parent()
                    .unwrap_or(Path::new("."))
                    .join(format!("{relative}.k8s"));
                // Missing or escaping imports are reported by the checker, not here.
                if target.is_file() && target.starts_with(&root) {
                    pending.insert(target);
                }
            }
        }
        files.insert(display, text);
    }
    Ok(LoadedProject {
        root,
        files: files.into_iter().collect(),
    })
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<(), LoadError> {
    let entries = fs::read_dir(dir).map_err(load_error(dir))?;
    for entry in entries {
        let entry = entry.map_err(load_error(dir))?;
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(load_error(&path))?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "k8s") {
            out.push((display_path(root, &path), read_text(&path)?));
        }
    }
    Ok(())
}

fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = fs::read(path).map_err(load_error(path))?;
    String::from_utf8(bytes).map_err(|_| LoadError {
        path: path.to_path_buf(),
        message: "the file is not UTF-8 text".to_string(),
    })
}

/// `path` relative to `root`, with `/` separators.
fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}
