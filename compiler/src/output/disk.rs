//! Reading a folder of manifests back from disk, for the drift guard (`k8sc build --check`) and the
//! semantic diff (`k8sc diff`). Reading never writes and never follows a link to a folder, so a
//! link cycle cannot make it loop.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files under a folder, by path relative to it (with `/` separators), sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Folder {
    /// Every regular file (or link to one) with its bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Entries that are neither files nor folders: links to folders, dangling links, sockets…
    pub others: Vec<String>,
}

/// Why a folder could not be read.
#[derive(Debug)]
pub struct ReadError {
    /// The file or folder being read.
    pub path: PathBuf,
    /// What went wrong.
    pub error: io::Error,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for ReadError {}

fn read_error(path: &Path) -> impl FnOnce(io::Error) -> ReadError + '_ {
    move |error| ReadError {
        path: path.to_path_buf(),
        error,
    }
}

/// Reads a regular file (never a FIFO or a device: see [`crate::regular_file`]).
fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    crate::regular_file::read_regular(path, u64::MAX).map_err(|error| ReadError {
        path: path.to_path_buf(),
        error: match error {
            crate::regular_file::ReadError::Io(error) => error,
            other => io::Error::other(other.to_string()),
        },
    })
}

/// Reads every file under `root`. A `root` that is itself a file gives one entry, its file name.
pub fn read_folder(root: &Path) -> Result<Folder, ReadError> {
    let mut folder = Folder::default();
    let metadata = fs::metadata(root).map_err(read_error(root))?;
    if !metadata.is_dir() {
        let name = root
            .file_name()
            .map_or_else(|| "file".to_string(), |n| n.to_string_lossy().into_owned());
        folder.files.insert(name, read_file(root)?);
        return Ok(folder);
    }
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(read_error(&dir))?;
        for entry in entries {
            let entry = entry.map_err(read_error(&dir))?;
            let path = entry.path();
            let relative = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type().map_err(read_error(&path))?;
            if kind.is_dir() {
                stack.push((path, format!("{relative}/")));
            } else if kind.is_file() || fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                folder.files.insert(relative, read_file(&path)?);
            } else {
                folder.others.push(relative);
            }
        }
    }
    folder.others.sort();
    Ok(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("k8sc-disk-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    #[test]
    fn reads_nested_files_with_slash_paths() {
        let dir = temp_dir("nested");
        fs::create_dir_all(dir.join("a/b")).expect("mkdir");
        fs::write(dir.join("a/b/c.yaml"), "x").expect("write");
        fs::write(dir.join("top"), [0xff, 0xfe]).expect("write");
        let folder = read_folder(&dir).expect("reads");
        let paths: Vec<&str> = folder.files.keys().map(String::as_str).collect();
        assert_eq!(paths, ["a/b/c.yaml", "top"]);
        assert_eq!(folder.files["top"], [0xff, 0xfe]);
        assert!(folder.others.is_empty());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_reads_as_itself_and_a_missing_path_is_an_error() {
        let dir = temp_dir("single");
        fs::write(dir.join("one.yaml"), "y").expect("write");
        let folder = read_folder(&dir.join("one.yaml")).expect("reads");
        assert_eq!(folder.files.keys().collect::<Vec<_>>(), ["one.yaml"]);
        let error = read_folder(&dir.join("missing")).expect_err("missing");
        assert!(error.to_string().contains("missing"), "{error}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn links_to_folders_are_not_followed() {
        let dir = temp_dir("links");
        fs::create_dir_all(dir.join("sub")).expect("mkdir");
        std::os::unix::fs::symlink(&dir, dir.join("sub/loop")).expect("link");
        let folder = read_folder(&dir).expect("reads");
        assert_eq!(folder.others, ["sub/loop"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_listed_or_refused_never_opened() {
        let dir = temp_dir("fifo");
        let fifo = dir.join("a.yaml");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from(0o600))
            .expect("mkfifo");
        let (send, receive) = std::sync::mpsc::channel();
        let (folder, single) = (dir.clone(), fifo.clone());
        std::thread::spawn(move || {
            let _ = send.send((
                read_folder(&folder).map(|f| f.others),
                read_folder(&single).is_err(),
            ));
        });
        let (others, refused) = receive
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("returned instead of blocking");
        assert_eq!(others.expect("reads"), ["a.yaml"]);
        assert!(refused, "a FIFO given as the folder is refused");
        let _ = fs::remove_dir_all(&dir);
    }
}
