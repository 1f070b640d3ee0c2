//! An exclusive lock per output folder, so that concurrent `k8sc build` runs into the same OUT
//! take turns instead of interleaving their renames.
//!
//! The lock is a sibling file `.NAME.k8sc-lock` locked with the operating system's advisory file
//! lock ([`std::fs::File::lock`]); the lock dies with its process, so a killed build never leaves
//! OUT locked. The file is removed when the lock is released; a waiter that then finds it has
//! locked a removed file starts again on the new one, so two builds never both hold the lock.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Holds the lock of one output folder until dropped.
#[derive(Debug)]
pub struct OutLock {
    path: PathBuf,
    _file: File,
}

impl OutLock {
    /// Waits for the lock file `path` and takes it.
    pub fn acquire(path: &Path) -> io::Result<OutLock> {
        loop {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(path)?;
            file.lock()?;
            if still_at(&file, path) {
                return Ok(OutLock {
                    path: path.to_path_buf(),
                    _file: file,
                });
            }
        }
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        // Removed while still locked (the file is closed, and unlocked, after this).
        #[cfg(unix)]
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether `path` still names the file `file` (the previous holder may have removed it while
/// this process waited for the lock).
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere the lock file is never removed, so the file locked is always the one named.
#[cfg(not(unix))]
fn still_at(_file: &File, _path: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    #[test]
    fn holders_take_turns_and_the_file_goes_away() {
        let dir = std::env::temp_dir().join(format!("k8sc-lock-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join(".out.k8sc-lock");
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (path, inside, most, start) =
                    (path.clone(), inside.clone(), most.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..20 {
                        let lock = OutLock::acquire(&path).expect("lock");
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                        drop(lock);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("no panic");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1, "two holders at once");
        #[cfg(unix)]
        assert!(!path.exists(), "the lock file is removed");
        let _ = fs::remove_dir_all(&dir);
    }
}
