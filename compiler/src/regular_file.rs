//! Reading a user's file only when it is a regular file: the one way k8sc opens files it did not
//! create (project sources, imported YAML, output files read back, files the language server is
//! told about).
//!
//! Opening a FIFO for reading blocks until a writer appears, a device may never end or do
//! something on open, and a socket cannot be opened at all: `check`, `build`, `import` or the
//! language server would hang on a FIFO named `app.k8s`. So the file's type is checked before
//! it is opened (`stat`), and again on the open handle (`fstat`), with the open itself
//! non-blocking: a file swapped for a FIFO between the two checks is opened without waiting and
//! refused by the second one. Nothing is read before both checks pass.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The file system refused (missing file, permissions, …).
    Io(io::Error),
    /// The path names something other than a regular file: what it is.
    NotRegular(&'static str),
    /// The file is larger than the caller's limit (in bytes), and was not read.
    TooLarge(u64),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "{error}"),
            ReadError::NotRegular(what) => write!(
                f,
                "it is {what}, not a regular file; k8sc reads only regular files"
            ),
            ReadError::TooLarge(limit) => {
                write!(f, "the file is larger than {} MiB", limit / 1024 / 1024)
            }
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> ReadError {
        ReadError::Io(error)
    }
}

/// What a file type is, in words, when it is not a regular file.
fn kind_of(kind: fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
    }
    Some("a special file")
}

/// Opens `path` (following links) for reading if, and only if, it is a regular file; returns the
/// handle and its metadata, taken from the handle itself.
pub fn open_regular(path: &Path) -> Result<(fs::File, fs::Metadata), ReadError> {
    if let Some(what) = kind_of(fs::metadata(path)?.file_type()) {
        return Err(ReadError::NotRegular(what));
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never wait in `open` (a FIFO swapped in since the check), never take a terminal.
        let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
        options.custom_flags(flags.bits() as i32);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if let Some(what) = kind_of(metadata.file_type()) {
        return Err(ReadError::NotRegular(what));
    }
    Ok((file, metadata))
}

/// Reads the regular file `path` whole, refusing it without reading if it is larger than
/// `limit` bytes (or grows past it while being read).
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, metadata) = open_regular(path)?;
    if metadata.len() > limit {
        return Err(ReadError::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Reads the first line of the regular file `path` (at most `limit` bytes of it).
pub fn first_line_of_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, _) = open_regular(path)?;
    let mut line = Vec::new();
    io::BufRead::read_until(&mut io::BufReader::new(file.take(limit)), b'\n', &mut line)?;
    Ok(line)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Runs `f` on another thread and fails if it does not return within ten seconds.
    fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = send.send(f());
        });
        receive
            .recv_timeout(Duration::from_secs(10))
            .expect("returned without blocking")
    }

    fn mkfifo(path: &Path) {
        rustix::fs::mkfifoat(rustix::fs::CWD, path, rustix::fs::Mode::from(0o600)).expect("mkfifo");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = std::env::temp_dir().join(format!("k8sc-regular-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("mkdir");
        let fifo = dir.join("app.k8s");
        mkfifo(&fifo);
        let result = bounded(move || read_regular(&fifo, 1024).map(|_| ()));
        let error = result.expect_err("a FIFO is refused");
        assert!(error.to_string().contains("FIFO"), "{error}");
        let fifo = dir.join("app.k8s");
        let result = bounded(move || first_line_of_regular(&fifo, 1024).map(|_| ()));
        assert!(matches!(result, Err(ReadError::NotRegular(_))));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn devices_and_folders_are_refused() {
        for (path, what) in [("/dev/null", "character device"), ("/tmp", "folder")] {
            let error = read_regular(Path::new(path), 1024).expect_err("refused");
            assert!(error.to_string().contains(what), "{path}: {error}");
        }
    }

    #[test]
    fn a_regular_file_is_read_up_to_the_limit() {
        let path = std::env::temp_dir().join(format!("k8sc-regular-f-{}", std::process::id()));
        fs::write(&path, "one\ntwo\n").expect("write");
        assert_eq!(read_regular(&path, 8).expect("read"), b"one\ntwo\n");
        assert!(matches!(
            read_regular(&path, 7),
            Err(ReadError::TooLarge(7))
        ));
        assert_eq!(first_line_of_regular(&path, 100).expect("read"), b"one\n");
        let _ = fs::remove_file(&path);
    }
}
