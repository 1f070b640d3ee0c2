//! Whether k8sc may replace an output folder, and which of its files a new build leaves as they
//! are.
//!
//! k8sc replaces only a folder that is absent, empty, or holds the [`MARKER`] and nothing k8sc
//! did not generate. Proving that means opening every file of the previous output; the same read
//! tells which files the new build would write again byte for byte, so the writer can link those
//! into the new output instead of writing them (a rebuild of a large project changes few files,
//! and creating tens of thousands of files is most of the time `build --out` takes).

use super::layout::{OutputTree, is_output_file_name};
use super::removal::Folders;
use super::writer::{MARKER, WriteError, io_error, is_marker};
use super::yaml::HEADER_PREFIX;
use crate::regular_file::{first_line_of_regular, read_regular};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Paths (relative, with `/`, as in [`OutputTree::files`]) whose file in the previous output has
/// exactly the new content.
pub(crate) type Unchanged = BTreeSet<String>;

/// Checks that k8sc may replace `out` (see the module's documentation), and finds the files of
/// `tree` that `out` already holds with the same content, and the folders of `out` (k8sc's, as
/// each holds generated files: the record kept while the old output is removed).
pub(crate) fn check_managed(
    out: &Path,
    tree: &OutputTree,
) -> Result<(Unchanged, Folders), WriteError> {
    let Ok(metadata) = fs::symlink_metadata(out) else {
        return Ok((Unchanged::new(), Folders::new()));
    };
    let not_managed = |reason| WriteError::NotManaged {
        out: out.to_path_buf(),
        reason,
    };
    if metadata.file_type().is_symlink() {
        return Err(not_managed("it is a symbolic link"));
    }
    if !metadata.is_dir() {
        return Err(not_managed("it is a file"));
    }
    let mut entries =
        fs::read_dir(out).map_err(io_error(format!("cannot read `{}`", out.display())))?;
    if entries.next().is_none() {
        return Ok((Unchanged::new(), Folders::new()));
    }
    if !is_marker(&out.join(MARKER)) {
        return Err(not_managed("it is not empty and has no marker"));
    }
    let (files, folders) = list_files(out)?;
    // Reading the files is most of the check: on every core, results in listing order.
    let verdicts = super::parallel::map(&files, |(path, relative)| {
        let new_content = relative.as_deref().and_then(|r| tree.files.get(r));
        match examine(path, new_content) {
            Verdict::Foreign => Err(WriteError::NotOwned { file: path.clone() }),
            Verdict::Same => Ok(relative.clone()),
            Verdict::Different => Ok(None),
        }
    });
    let mut unchanged = Unchanged::new();
    for verdict in verdicts {
        if let Some(relative) = verdict? {
            unchanged.insert(relative);
        }
    }
    Ok((unchanged, folders))
}

/// The files of an output (each with its relative path when that is valid UTF-8) and its folders.
type Listing = (Vec<(PathBuf, Option<String>)>, Folders);

/// Every file under `out` but the marker, with its path relative to `out` when that is valid
/// UTF-8, and every folder under `out` (relative); a link or other non-file, or an empty folder,
/// is reported as foreign at once.
fn list_files(out: &Path) -> Result<Listing, WriteError> {
    let mut files = Vec::new();
    let mut folders = Folders::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            fs::read_dir(&dir).map_err(io_error(format!("cannot read `{}`", dir.display())))?;
        let mut empty = true;
        for entry in entries {
            empty = false;
            let entry = entry.map_err(io_error(format!("cannot read `{}`", dir.display())))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(io_error(format!("cannot read `{}`", path.display())))?;
            if kind.is_dir() {
                if let Ok(relative) = path.strip_prefix(out) {
                    folders.insert(relative.to_path_buf());
                }
                stack.push(path);
            } else if !kind.is_file() {
                return Err(WriteError::NotOwned { file: path });
            } else if !(dir == out && entry.file_name() == MARKER) {
                let relative = path
                    .strip_prefix(out)
                    .ok()
                    .and_then(Path::to_str)
                    .map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"));
                files.push((path, relative));
            }
        }
        // k8sc creates a folder only to hold the files it writes: an empty one is someone else's.
        if empty && dir != out {
            return Err(WriteError::NotOwned { file: dir });
        }
    }
    Ok((files, folders))
}

/// What a file of the previous output is to the new build.
enum Verdict {
    /// Not generated by k8sc: the folder must not be replaced.
    Foreign,
    /// Generated, with exactly the new build's content for its path.
    Same,
    /// Generated, and the new build writes something else there (or nothing).
    Different,
}

/// Reads as much of `path` as the verdict needs: the whole file only when it could equal
/// `new_content` (same size), otherwise its first line.
fn examine(path: &Path, new_content: Option<&String>) -> Verdict {
    if !named_like_output(path) {
        return Verdict::Foreign;
    }
    let same_size = new_content
        .is_some_and(|content| fs::metadata(path).is_ok_and(|m| m.len() == content.len() as u64));
    let read = |content: &String| read_regular(path, content.len() as u64);
    if same_size
        && let Some(content) = new_content
        && let Ok(bytes) = read(content)
    {
        return if !bytes.starts_with(HEADER_PREFIX.as_bytes()) {
            Verdict::Foreign
        } else if bytes == content.as_bytes() {
            Verdict::Same
        } else {
            Verdict::Different
        };
    }
    if is_generated(path) {
        Verdict::Different
    } else {
        Verdict::Foreign
    }
}

/// Whether a file's name is one k8sc writes (see [`is_output_file_name`]).
fn named_like_output(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_output_file_name)
}

/// Whether a file with this path and content is one k8sc generated: named like its output and
/// starting with its header. The same test [`check_managed`] applies before replacing a folder.
pub(crate) fn is_generated_content(path: &Path, content: &[u8]) -> bool {
    named_like_output(path) && content.starts_with(HEADER_PREFIX.as_bytes())
}

/// Whether the file at `path` is one k8sc generated: named like its output, a regular file, and
/// starting with its header (only the header's bytes are read).
pub(crate) fn is_generated(path: &Path) -> bool {
    named_like_output(path)
        && first_line_of_regular(path, HEADER_PREFIX.len() as u64)
            .is_ok_and(|start| start.starts_with(HEADER_PREFIX.as_bytes()))
}
