//! Removing an old output folder only as far as it still holds what k8sc wrote.
//!
//! Ownership is proved before a build writes anything ([`super::ownership`]), but the old output
//! is removed only after the new one is in place, and anyone may have created a file in OUT in
//! between. So the retired folder is never removed whole: its generated files go, each checked
//! again as it is removed, and so do the folders they emptied; a file k8sc did not generate, a
//! link, a FIFO or a folder k8sc did not empty (a user's empty folder) is kept, and the caller
//! reports it. The marker goes last, so a build killed half-way leaves a folder that is still
//! recognisably k8sc's, which the next build cleans the same way.

use super::ownership::is_generated;
use super::writer::MARKER;
use std::fs;
use std::path::{Path, PathBuf};

/// Removes from `folder` every file k8sc generated, every folder that held only such files, then
/// the marker and `folder` itself if nothing else is left. Returns what was kept (empty when
/// `folder` is gone), sorted.
pub(crate) fn remove_generated(folder: &Path) -> Vec<PathBuf> {
    let mut kept = Vec::new();
    remove_inside(folder, true, &mut kept);
    let _ = fs::remove_file(folder.join(MARKER));
    if kept.is_empty() && fs::remove_dir(folder).is_err() && folder.exists() {
        kept.push(folder.to_path_buf());
    }
    kept.sort();
    kept
}

/// Removes the generated files under `dir`, and the folders they leave empty; adds everything
/// else to `kept`. Returns whether anything was removed (so that `dir` was k8sc's).
fn remove_inside(dir: &Path, top: bool, kept: &mut Vec<PathBuf>) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        kept.push(dir.to_path_buf());
        return false;
    };
    let mut removed_any = false;
    for entry in entries.flatten() {
        let path = entry.path();
        if top && entry.file_name() == MARKER {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            kept.push(path);
            continue;
        };
        if kind.is_dir() {
            let removed_inside = remove_inside(&path, false, kept);
            let holds_kept = kept.iter().any(|k| k.starts_with(&path));
            // A folder is k8sc's only if it held generated files; an empty one is a user's.
            if !holds_kept && removed_inside && fs::remove_dir(&path).is_ok() {
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
        assert!(!dir.join(MARKER).exists(), "no longer k8sc's");
        let _ = fs::remove_dir_all(&dir);
        // A folder of generated files only goes whole.
        fs::create_dir_all(dir.join("a")).expect("mkdir");
        fs::write(dir.join(MARKER), "m").expect("write");
        fs::write(dir.join("a/x.yaml"), &generated).expect("write");
        assert!(remove_generated(&dir).is_empty());
        assert!(!dir.exists());
    }
}
