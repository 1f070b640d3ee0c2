//! Reading a project from disk: a directory means every `.k8s` file under it (hidden folders
//! skipped); a single file means its app — the file, the other files of its directory that belong
//! to the same app — and, transitively, the files they import.
//!
//! The project root is a sandbox: nothing outside it is ever read. A `.k8s` file that is a
//! symbolic link (or lies under one) resolving outside the root is an error that says so; links to
//! folders are not followed; only regular files are read (never a FIFO or a device, which could
//! block or never end), and none larger than [`k8sc_grammar::MAX_FILE_SIZE`].
//!
//! A FIFO, socket or device named `*.k8s` among the sources (found in a folder, beside the file
//! given, or imported) is skipped and listed in [`LoadedProject::skipped`], not read and not an
//! error for the whole project: it holds no text, so skipping it drops no declaration, and one
//! stray special file should not stop `check`, `build` or the language server. The file named on
//! the command line itself is refused. A link out of the root, a file too large or not UTF-8
//! does hold text the build would miss, and stays an error.

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
    /// Special files (FIFOs, sockets, devices, links to folders) named like sources, skipped
    /// without being opened; sorted by path.
    pub skipped: Vec<Skipped>,
}

/// A source path that is not a regular file, skipped by the loader: the caller reports it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// The path as found (under the root given to [`load`]).
    pub path: PathBuf,
    /// What it is, in words ("a FIFO (named pipe)").
    pub what: &'static str,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.path.display().to_string();
        let path = crate::diagnostics::escape_controls(&path);
        write!(f, "skipped `{path}`: {}", self.reason())
    }
}

impl Skipped {
    /// Why the file was skipped, without its path.
    pub fn reason(&self) -> String {
        crate::regular_file::ReadError::NotRegular(self.what).to_string()
    }
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
        // A file name is the user's text too: its control characters are shown escaped.
        let path = self.path.display().to_string();
        let path = crate::diagnostics::escape_controls(&path);
        write!(f, "cannot read `{path}`: {}", self.message)
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
        let sandbox = fs::canonicalize(path).map_err(load_error(path))?;
        let mut files = Vec::new();
        let mut skipped = Vec::new();
        collect(&sandbox, path, path, &mut files, &mut skipped)?;
        files.sort();
        skipped.sort();
        if files.is_empty() {
            return Err(LoadError {
                path: path.to_path_buf(),
                message: "no .k8s files in this directory".to_string(),
            });
        }
        return Ok(LoadedProject {
            root: path.to_path_buf(),
            files,
            skipped,
        });
    }
    let root = normalize(
        &path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    );
    let path = &normalize(path);
    let sandbox = fs::canonicalize(&root).map_err(load_error(&root))?;
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut skipped = BTreeSet::new();
    let mut pending: BTreeSet<PathBuf> = BTreeSet::from([path.to_path_buf()]);
    pending.extend(same_app_siblings(&sandbox, path, &mut skipped)?);
    while let Some(next) = pending.pop_first() {
        let display = display_path(&root, &next);
        if files.contains_key(&display) || skipped.iter().any(|s: &Skipped| s.path == next) {
            continue;
        }
        // The file given is read whatever it is (a FIFO given is refused, not skipped).
        let text = if &next == path {
            read_source(&sandbox, &next)?
        } else {
            match read_source_or_skip(&sandbox, &next)? {
                Ok(text) => text,
                Err(skip) => {
                    skipped.insert(skip);
                    continue;
                }
            }
        };
        for import in k8sc_grammar::parse(&text).file.imports() {
            if let k8sc_grammar::ImportTarget::Relative { path: relative, .. } = &import.target {
                let target = normalize(
                    &next
                        .parent()
                        .unwrap_or(Path::new("."))
                        .join(format!("{relative}.k8s")),
                );
                // Missing or escaping imports are reported by the checker, not here; a link that
                // leaves the root is refused when it is read, a FIFO or a device skipped.
                let exists = fs::metadata(&target).is_ok_and(|m| !m.is_dir());
                if exists && target.starts_with(&root) {
                    pending.insert(target);
                }
            }
        }
        files.insert(display, text);
    }
    Ok(LoadedProject {
        root,
        files: files.into_iter().collect(),
        skipped: skipped.into_iter().collect(),
    })
}

/// The files of `file`'s directory that belong to its app: if it declares an app, the files there
/// that declare none (they join it); if it declares none, the file that declares the directory's
/// app and the other files without one.
fn same_app_siblings(
    sandbox: &Path,
    file: &Path,
    skipped: &mut BTreeSet<Skipped>,
) -> Result<Vec<PathBuf>, LoadError> {
    let declares_app = |text: &str| {
        k8sc_grammar::parse(text)
            .file
            .decls()
            .any(|d| d.kind == k8sc_grammar::DeclKind::App)
    };
    let own_has_app = declares_app(&read_source(sandbox, file)?);
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut siblings = Vec::new();
    for entry in fs::read_dir(dir).map_err(load_error(dir))? {
        let sibling = entry.map_err(load_error(dir))?.path();
        let is_source = sibling.extension().is_some_and(|e| e == "k8s")
            && !sibling.is_dir()
            && !sibling
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !is_source || sibling.file_name() == file.file_name() {
            continue;
        }
        let text = match read_source_or_skip(sandbox, &sibling)? {
            Ok(text) => text,
            Err(skip) => {
                skipped.insert(skip);
                continue;
            }
        };
        let sibling_has_app = declares_app(&text);
        // An app file takes the app-less files; an app-less file takes everything of its app.
        if !sibling_has_app || !own_has_app {
            siblings.push(sibling);
        }
    }
    Ok(siblings)
}

fn collect(
    sandbox: &Path,
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, String)>,
    skipped: &mut Vec<Skipped>,
) -> Result<(), LoadError> {
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
            collect(sandbox, root, &path, out, skipped)?;
        } else if path.extension().is_some_and(|e| e == "k8s") {
            match read_source_or_skip(sandbox, &path)? {
                Ok(text) => out.push((display_path(root, &path), text)),
                Err(skip) => skipped.push(skip),
            }
        }
    }
    Ok(())
}

/// Reads the source file `path` of the project whose canonical root is `sandbox`: refused if it
/// resolves outside the root, is not a regular file, or is larger than the parser accepts.
pub fn read_source(sandbox: &Path, path: &Path) -> Result<String, LoadError> {
    read_source_or_skip(sandbox, path)?.map_err(|skip| LoadError {
        message: skip.reason(),
        path: skip.path,
    })
}

/// Reads the source file `path` like [`read_source`], except that a special file (a FIFO, a
/// socket, a device, a link to a folder) is not an error but `Ok(Err(Skipped))`, never opened in
/// a way that blocks.
pub fn read_source_or_skip(
    sandbox: &Path,
    path: &Path,
) -> Result<Result<String, Skipped>, LoadError> {
    let error = |message: String| LoadError {
        path: path.to_path_buf(),
        message,
    };
    let resolved = fs::canonicalize(path).map_err(load_error(path))?;
    if !resolved.starts_with(sandbox) {
        return Err(error(format!(
            "it resolves to `{}`, outside the project root `{}`; k8sc reads nothing outside the project (move the file into the project, or build from a folder that contains both)",
            resolved.display(),
            sandbox.display()
        )));
    }
    let limit = k8sc_grammar::MAX_FILE_SIZE;
    let bytes = match crate::regular_file::read_regular(&resolved, limit as u64) {
        Ok(bytes) => bytes,
        Err(crate::regular_file::ReadError::NotRegular(what)) => {
            return Ok(Err(Skipped {
                path: path.to_path_buf(),
                what,
            }));
        }
        Err(crate::regular_file::ReadError::TooLarge(_)) => {
            return Err(error(format!(
                "the file is larger than {} MiB, the limit of a .k8s file",
                limit / 1024 / 1024
            )));
        }
        Err(other) => return Err(error(other.to_string())),
    };
    String::from_utf8(bytes)
        .map(Ok)
        .map_err(|_| error("the file is not UTF-8 text".to_string()))
}

/// `path` with `.` and `name/..` removed lexically, so that `a/../b` no longer looks like it is
/// inside `a`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                let at_parent = matches!(
                    out.components().next_back(),
                    None | Some(std::path::Component::ParentDir)
                );
                if at_parent || !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("k8sc-loader-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().unwrap_or(&dir)).expect("mkdir");
            fs::write(path, text).expect("write");
        }
        dir
    }

    fn paths(loaded: &LoadedProject) -> Vec<&str> {
        loaded.files.iter().map(|(p, _)| p.as_str()).collect()
    }

    #[test]
    fn normalize_removes_dots_lexically() {
        assert_eq!(normalize(Path::new("a/../b/./c")), PathBuf::from("b/c"));
        assert_eq!(normalize(Path::new("../../x")), PathBuf::from("../../x"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
        assert_eq!(normalize(Path::new("/r/a/../b")), PathBuf::from("/r/b"));
    }

    #[test]
    fn a_directory_loads_every_source_below_it() {
        let dir = project(
            "dir",
            &[
                ("app.k8s", "app a {}"),
                ("sub/x.k8s", ""),
                (".hidden/y.k8s", ""),
                ("notes.md", ""),
            ],
        );
        let loaded = load(&dir).expect("loads");
        assert_eq!(paths(&loaded), ["app.k8s", "sub/x.k8s"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_loads_its_app_and_its_imports() {
        let dir = project(
            "file",
            &[
                ("a/app.k8s", "import ../lib/tiers\napp a {}"),
                ("a/workers.k8s", "worker w { image: \"x:1\" }"),
                ("a/other.k8s", "app other {}"),
                ("lib/tiers.k8s", "tier t {}"),
            ],
        );
        let from_app = load(&dir.join("a/app.k8s")).expect("loads");
        assert_eq!(paths(&from_app), ["app.k8s", "workers.k8s"]);
        let from_part = load(&dir.join("a/workers.k8s")).expect("loads");
        assert_eq!(paths(&from_part), ["app.k8s", "other.k8s", "workers.k8s"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn links_leaving_the_root_are_refused_with_a_clear_error() {
        let outside = project("outside", &[("secret.k8s", "service leaked {}")]);
        let dir = project("links", &[("app.k8s", "app a {}"), ("inner.k8s", "")]);
        std::os::unix::fs::symlink(outside.join("secret.k8s"), dir.join("x.k8s")).expect("link");
        let error = load(&dir).expect_err("must refuse");
        assert!(
            error.to_string().contains("outside the project root"),
            "{error}"
        );
        assert!(error.path.ends_with("x.k8s"), "{error}");
        // The same from a single file: its sibling is read with it.
        let error = load(&dir.join("app.k8s")).expect_err("must refuse");
        assert!(
            error.to_string().contains("outside the project root"),
            "{error}"
        );
        // A link that stays inside is fine; a linked folder is not followed.
        fs::remove_file(dir.join("x.k8s")).expect("unlink");
        std::os::unix::fs::symlink(dir.join("inner.k8s"), dir.join("y.k8s")).expect("link");
        std::os::unix::fs::symlink(&outside, dir.join("linked")).expect("link");
        let loaded = load(&dir).expect("loads");
        assert_eq!(paths(&loaded), ["app.k8s", "inner.k8s", "y.k8s"]);
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_dir_all(&outside);
    }

    #[cfg(unix)]
    #[test]
    fn an_import_through_a_link_to_outside_is_refused() {
        let outside = project("outside-import", &[("lib.k8s", "tier t {}")]);
        // From a single file, whose folder is the root, importing a sibling that is a link out.
        let dir = project("link-import", &[("a/app.k8s", "import ./lib\napp a {}")]);
        std::os::unix::fs::symlink(outside.join("lib.k8s"), dir.join("a/lib.k8s")).expect("link");
        let error = load(&dir.join("a/app.k8s")).expect_err("must refuse");
        assert!(
            error.to_string().contains("outside the project root"),
            "{error}"
        );
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_dir_all(&outside);
    }

    #[test]
    fn files_above_the_limit_are_refused_without_reading_them() {
        let dir = project("large", &[("app.k8s", "app a {}")]);
        let file = fs::File::create(dir.join("huge.k8s")).expect("create");
        // Sparse: no disk space used, and never read.
        file.set_len(k8sc_grammar::MAX_FILE_SIZE as u64 + 1)
            .expect("grow");
        let started = std::time::Instant::now();
        let error = load(&dir).expect_err("must refuse");
        assert!(error.to_string().contains("larger than 64 MiB"), "{error}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_not_read() {
        let dir = project("special", &[("app.k8s", "app a {}")]);
        // A link to a device inside no project: refused as outside the root, never read.
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.k8s")).expect("link");
        let error = load(&dir).expect_err("must refuse");
        assert!(
            error.to_string().contains("outside the project root"),
            "{error}"
        );
        let _ = fs::remove_dir_all(&dir);
    }

    /// Loads `path` on another thread; fails (instead of hanging) if that takes ten seconds.
    #[cfg(unix)]
    fn load_bounded(path: PathBuf) -> Result<LoadedProject, LoadError> {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = send.send(load(&path));
        });
        receive
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the loader returned instead of blocking")
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_among_the_sources_or_imported_is_skipped_without_blocking() {
        let dir = project(
            "fifo",
            &[
                ("a/app.k8s", "import ./lib\napp a {}"),
                ("a/web.k8s", "service web {}"),
            ],
        );
        let fifo = dir.join("a/lib.k8s");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from(0o600))
            .expect("mkfifo");
        // From the folder (found by the walk), from the app file (imported and a sibling) and
        // from the other file (a sibling): the regular files load, the FIFO is listed.
        for from in [dir.clone(), dir.join("a/app.k8s"), dir.join("a/web.k8s")] {
            let loaded = load_bounded(from.clone()).expect("loads the regular files");
            let sources: Vec<&str> = paths(&loaded)
                .into_iter()
                .map(|p| p.trim_start_matches("a/"))
                .collect();
            assert_eq!(sources, ["app.k8s", "web.k8s"], "{from:?}");
            assert_eq!(loaded.skipped.len(), 1, "{from:?}: {:?}", loaded.skipped);
            let skipped = &loaded.skipped[0];
            assert!(skipped.path.ends_with("a/lib.k8s"), "{skipped}");
            assert!(skipped.to_string().contains("FIFO"), "{skipped}");
        }
        // The FIFO itself, given as the file to load, is refused.
        let error = load_bounded(fifo).expect_err("must refuse");
        assert!(error.to_string().contains("FIFO"), "{error}");
        assert!(error.path.ends_with("lib.k8s"), "{error}");
        // A folder of nothing but special files has no sources.
        let only = project("fifo-only", &[]);
        fs::create_dir_all(&only).expect("mkdir");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            only.join("x.k8s"),
            rustix::fs::Mode::from(0o600),
        )
        .expect("mkfifo");
        let error = load_bounded(only.clone()).expect_err("no sources");
        assert!(error.to_string().contains("no .k8s files"), "{error}");
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_dir_all(&only);
    }
}
