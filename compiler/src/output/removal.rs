//! Removing an old output folder only as far as it still holds what k8sc wrote.
//!
//! Ownership is proved before a build writes anything ([`super::ownership`]), but the old output
//! is removed only after the new one is in place, and anyone may have created a file in OUT in
//! between. So the retired folder is never removed whole: its generated files go, each checked
//! again as it is removed, and so do k8sc's folders they emptied; a file k8sc did not generate, a
//! link, a FIFO or a folder that is not k8sc's (a user's empty folder) is kept, and the caller
//! moves it where the user sees it and reports it.
//!
//! Which folders are k8sc's is written down before anything is removed, in a record inside the
//! retired folder ([`RECORD`]): the folders the old output had when its ownership was proved. A
//! build killed between emptying one of them and removing it leaves an empty folder that the
//! record still names, so the next build removes it rather than keeping it as a user's. The
//! record and the marker go last, so a build killed half-way leaves a folder that is still
//! recognisably k8sc's, which the next build cleans the same way.

use super::ownership::is_generated;
use super::writer::MARKER;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The record of a retired folder: the folders (relative, one a line) that were k8sc's.
pub(crate) const RECORD: &str = ".k8sc-retired";

/// The record while it is being written (renamed to [`RECORD`] once whole).
const RECORD_DRAFT: &str = ".k8sc-retired.draft";

/// Folders of an output, relative to it, that k8sc created (each held generated files).
pub(crate) type Folders = BTreeSet<PathBuf>;

/// Writes the record of `folders` into the retired `folder`, whole or not at all (a draft
/// renamed into place). Folder names that are not UTF-8 or hold a line feed are left out: such a
/// folder, if a build is killed after emptying it, is kept rather than removed.
pub(crate) fn write_record(folder: &Path, folders: &Folders) -> io::Result<()> {
    let mut text = String::new();
    for relative in folders {
        if let Some(line) = relative.to_str().filter(|l| !l.contains('\n')) {
            text.push_str(line);
            text.push('\n');
        }
    }
    let draft = folder.join(RECORD_DRAFT);
    fs::write(&draft, text)?;
    fs::rename(&draft, folder.join(RECORD))
}

/// The folders the record of `folder` names, if it has one.
fn read_record(folder: &Path) -> Option<Folders> {
    let bytes = crate::regular_file::read_regular(&folder.join(RECORD), 64 << 20).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(text.lines().map(PathBuf::from).collect())
}

/// The folders under `folder` that hold (at any depth) a file k8sc generated: the record of a
/// retired folder that has none (its build was killed before writing it, so nothing of it has
/// been removed yet).
fn scan_folders(folder: &Path) -> Folders {
    fn walk(root: &Path, dir: &Path, folders: &mut Folders) -> bool {
        let Ok(entries) = fs::read_dir(dir) else {
            return false;
        };
        let mut holds_generated = false;
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => holds_generated |= walk(root, &path, folders),
                Ok(kind) if kind.is_file() => holds_generated |= is_generated(&path),
                _ => {}
            }
        }
        if holds_generated && let Ok(relative) = dir.strip_prefix(root) {
            folders.insert(relative.to_path_buf());
        }
        holds_generated
    }
    let mut folders = Folders::new();
    walk(folder, folder, &mut folders);
    folders.remove(Path::new(""));
    folders
}

/// Removes from the retired `folder` every file k8sc generated and every folder of k8sc's left
/// empty (after recording them, if no record is there yet), then, if nothing else is left, the
/// record, the marker and `folder` itself. Returns what was kept, sorted: when it is not empty,
/// `folder` still holds the marker and the record, for the caller to move it and then [`unmark`]
/// it.
pub(crate) fn remove_generated(folder: &Path) -> Vec<PathBuf> {
    let record = read_record(folder).unwrap_or_else(|| {
        let folders = scan_folders(folder);
        // Without a record on disk, a kill during the removal below leaves folders it emptied
        // unrecognised (and so kept): worse, but nothing is lost.
        let _ = write_record(folder, &folders);
        folders
    });
    let mut kept = Vec::new();
    remove_inside(folder, folder, &record, &mut kept);
    if kept.is_empty() {
        unmark(folder);
        if fs::remove_dir(folder).is_err() && folder.exists() {
            kept.push(folder.to_path_buf());
        }
    }
    kept.sort();
    kept
}

/// Removes k8sc's bookkeeping from a retired folder that holds only what was kept: the record
/// (and a draft of it), then the marker.
pub(crate) fn unmark(folder: &Path) {
    let _ = fs::remove_file(folder.join(RECORD_DRAFT));
    let _ = fs::remove_file(folder.join(RECORD));
    let _ = fs::remove_file(folder.join(MARKER));
}

/// Whether `name`, at the top of a retired folder, is k8sc's bookkeeping rather than output.
fn is_bookkeeping(name: &std::ffi::OsStr) -> bool {
    name == MARKER || name == RECORD || name == RECORD_DRAFT
}

/// Removes the generated files under `dir` (inside the retired folder `root`), and the folders
/// that are left empty and are k8sc's (named in `record`, or emptied of generated files just
/// now); adds everything else to `kept`. Returns whether anything was removed.
fn remove_inside(root: &Path, dir: &Path, record: &Folders, kept: &mut Vec<PathBuf>) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        kept.push(dir.to_path_buf());
        return false;
    };
    let mut removed_any = false;
    for entry in entries.flatten() {
        let path = entry.path();
        if dir == root && is_bookkeeping(&entry.file_name()) {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            kept.push(path);
            continue;
        };
        if kind.is_dir() {
            let kept_before = kept.len();
            let removed_inside = remove_inside(root, &path, record, kept);
            let holds_kept = kept.len() > kept_before;
            let recorded = path.strip_prefix(root).is_ok_and(|r| record.contains(r));
            #[cfg(test)]
            super::writer::hooks::run("emptied", &path);
            // A folder is k8sc's only if the record names it or it held generated files; an
            // empty one that is neither is a user's.
            if !holds_kept && (removed_inside || recorded) && fs::remove_dir(&path).is_ok() {
                removed_any = true;
            } else if !holds_kept {
                kept.push(path);
            }
        } else if kind.is_file() && is_generated(&path) && fs::remove_file(&path).is_ok() {
            removed_any = true;
        } else {
            kept.push(path);
        }
    }
    removed_any
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::yaml::HEADER_PREFIX;

    #[test]
    fn generated_files_go_and_everything_else_stays() {
        let dir = std::env::temp_dir().join(format!("k8sc-removal-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let generated = format!("{HEADER_PREFIX} from x\na: 1\n");
        fs::create_dir_all(dir.join("default/kubernetes")).expect("mkdir");
        fs::create_dir_all(dir.join("default/mine")).expect("a user's empty folder");
        fs::create_dir_all(dir.join("prod/kubernetes")).expect("mkdir");
        fs::write(dir.join(MARKER), "m").expect("write");
        fs::write(dir.join("default/kubernetes/a.yaml"), &generated).expect("write");
        fs::write(dir.join("default/kubernetes/notes.md"), "mine").expect("write");
        fs::write(dir.join("default/kubernetes/b.yaml"), "kind: Mine\n").expect("write");
        fs::write(dir.join("prod/kubernetes/a.yaml"), &generated).expect("write");
        let kept = remove_generated(&dir);
        assert_eq!(
            kept,
            [
                dir.join("default/kubernetes/b.yaml"),
                dir.join("default/kubernetes/notes.md"),
                dir.join("default/mine"),
            ]
        );
        assert!(!dir.join("default/kubernetes/a.yaml").exists());
        assert!(!dir.join("prod").exists(), "emptied folders go");
        assert!(
            dir.join(MARKER).exists(),
            "still k8sc's until the caller moves it"
        );
        unmark(&dir);
        assert!(!dir.join(MARKER).exists() && !dir.join(RECORD).exists());
        let _ = fs::remove_dir_all(&dir);
        // A folder of generated files only goes whole.
        fs::create_dir_all(dir.join("a")).expect("mkdir");
        fs::write(dir.join(MARKER), "m").expect("write");
        fs::write(dir.join("a/x.yaml"), &generated).expect("write");
        assert!(remove_generated(&dir).is_empty());
        assert!(!dir.exists());
    }

    #[test]
    fn an_empty_folder_the_record_names_is_k8scs() {
        let dir = std::env::temp_dir().join(format!("k8sc-removal-record-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        // What a build killed between emptying `a/b` and removing it leaves, and a user's `c`.
        fs::create_dir_all(dir.join("a/b")).expect("mkdir");
        fs::create_dir_all(dir.join("c")).expect("mkdir");
        fs::write(dir.join(MARKER), "m").expect("write");
        let record: Folders = [PathBuf::from("a"), PathBuf::from("a/b")].into();
        write_record(&dir, &record).expect("record");
        assert_eq!(remove_generated(&dir), [dir.join("c")]);
        assert!(!dir.join("a").exists());
        // Without a record, the folders holding generated files are recorded first.
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("a/b")).expect("mkdir");
        fs::create_dir_all(dir.join("c")).expect("mkdir");
        fs::write(dir.join(MARKER), "m").expect("write");
        let generated = format!("{HEADER_PREFIX} from x\na: 1\n");
        fs::write(dir.join("a/b/x.yaml"), &generated).expect("write");
        assert_eq!(scan_folders(&dir), record);
        assert_eq!(remove_generated(&dir), [dir.join("c")]);
        assert_eq!(read_record(&dir), Some(record));
        let _ = fs::remove_dir_all(&dir);
    }
}
