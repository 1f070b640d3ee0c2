//! Putting a freshly written folder in place of the old output.
//!
//! On Linux the two folders are exchanged in one atomic `renameat2(RENAME_EXCHANGE)`, so OUT is
//! always either the whole previous output or the whole new one, even if the process is killed at
//! any instant. Elsewhere (or on a file system without exchange) the old folder is renamed aside
//! and the new one renamed in: two renames, between which OUT is briefly missing — the old output
//! is then still whole under its retired name, and the next build removes it.

use std::io;
use std::path::{Path, PathBuf};

/// Puts `new` at `out` and the previous `out` at `retired`; returns where the previous output
/// is: `retired`, or `new` if it was exchanged into place but could not be renamed (an error then
/// would leave the caller believing the new output was not in place, and `new` holding the old
/// output, to be removed as a failed build's staging folder).
pub fn swap(new: &Path, out: &Path, retired: &Path) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, new, CWD, out, RenameFlags::EXCHANGE) {
            Ok(()) => {
                #[cfg(test)]
                super::writer::hooks::run("exchanged", new);
                return Ok(match std::fs::rename(new, retired) {
                    Ok(()) => retired.to_path_buf(),
                    Err(_) => new.to_path_buf(),
                });
            }
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            Err(error) => return Err(error.into()),
        }
    }
    std::fs::rename(out, retired)?;
    if let Err(error) = std::fs::rename(new, out) {
        // Put the old output back, so OUT is not left missing.
        let _ = std::fs::rename(retired, out);
        return Err(error);
    }
    Ok(retired.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn exchanges_the_folders() {
        let dir = std::env::temp_dir().join(format!("k8sc-swap-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("out")).expect("mkdir");
        fs::create_dir_all(dir.join("new")).expect("mkdir");
        fs::write(dir.join("out/a"), "old").expect("write");
        fs::write(dir.join("new/a"), "new").expect("write");
        let retired = swap(&dir.join("new"), &dir.join("out"), &dir.join("old")).expect("swap");
        assert_eq!(retired, dir.join("old"));
        assert_eq!(fs::read_to_string(dir.join("out/a")).expect("read"), "new");
        assert_eq!(fs::read_to_string(dir.join("old/a")).expect("read"), "old");
        assert!(!dir.join("new").exists());
        let _ = fs::remove_dir_all(&dir);
    }
}
