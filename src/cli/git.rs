//! A project's sources as of a git revision, for `k8sc diff --against REV`: the `.k8s` files under
//! the project's folder are read from the revision's tree with `git ls-tree` and `git cat-file`
//! (the working copy, the index and the repository are never touched) and written to a fresh
//! temporary folder, which is removed again when the [`Snapshot`] is dropped.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// How an error starts when git itself could not be started.
const CANNOT_RUN: &str = "cannot run git";

/// The sources of a project at a revision, in a temporary folder.
#[derive(Debug)]
pub struct Snapshot {
    root: PathBuf,
    /// What to load: the folder, or the file of a project given as a file.
    pub project: PathBuf,
    /// How many `.k8s` files the revision has under the project's folder.
    pub files: usize,
}

impl Snapshot {
    /// Whether the project existed at the revision.
    pub fn exists(&self) -> bool {
        self.files > 0 && self.project.exists()
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// Reads the sources of the project at `path` (a folder, or a file and its folder) as of `rev`.
pub fn sources_at(rev: &str, path: &Path) -> Result<Snapshot, String> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(format!("`{rev}` is not a git revision"));
    }
    let (dir, file) = if path.is_dir() {
        (path.to_path_buf(), None)
    } else {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        (dir, path.file_name().map(ToOwned::to_owned))
    };
    let top = text(
        &git(&dir, &["rev-parse", "--show-toplevel"], None).map_err(|error| {
            if error.starts_with(CANNOT_RUN) {
                error
            } else {
                format!("`{}` is not in a git repository ({error})", dir.display())
            }
        })?,
    );
    let prefix = text(&git(&dir, &["rev-parse", "--show-prefix"], None)?);
    let prefix = prefix.trim_end_matches('/');
    let commit = git(
        &dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
        None,
    )
    .map(|out| text(&out))
    .map_err(|_| format!("`{rev}` is not a commit of this repository"))?;
    let top = PathBuf::from(top);
    let mut list_args = vec!["--literal-pathspecs", "ls-tree", "-r", "-z", &commit];
    if !prefix.is_empty() {
        list_args.extend(["--", prefix]);
    }
    let listing = git(&top, &list_args, None)?;
    let mut wanted: Vec<(String, String)> = Vec::new(); // (relative path, object id)
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, full_path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (Some(mode), Some("blob"), Some(object)) = (meta.next(), meta.next(), meta.next())
        else {
            continue;
        };
        let relative = if prefix.is_empty() {
            Some(full_path)
        } else {
            full_path
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('/'))
        };
        let Some(relative) = relative else { continue };
        if mode != "120000" && relative.ends_with(".k8s") && is_plain_relative(relative) {
            wanted.push((relative.to_string(), object.to_string()));
        }
    }
    let root = temp_dir()?;
    let snapshot = Snapshot {
        project: file.map_or_else(|| root.clone(), |name| root.join(name)),
        root,
        files: wanted.len(),
    };
    let contents = read_blobs(&top, wanted.iter().map(|(_, object)| object.as_str()))?;
    for ((relative, _), content) in wanted.iter().zip(contents) {
        let target = snapshot.root.join(relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|error| format!("cannot create `{}`: {error}", parent.display()))?;
        }
        fs::write(&target, content)
            .map_err(|error| format!("cannot write `{}`: {error}", target.display()))?;
    }
    Ok(snapshot)
}

/// Whether a path from a git tree is a plain relative path (no `..`, no root), safe to join.
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_string()
}

/// Runs `git -C dir ARGS`, feeding `input`; its stdout, or its stderr as the error.
fn git(dir: &Path, args: &[&str], input: Option<Vec<u8>>) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("{CANNOT_RUN}: {error}"))?;
    // Feed stdin from another thread, so a full stdout pipe cannot deadlock us.
    let feeder = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut stdin)) => Some(std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        })),
        _ => None,
    };
    let output = child
        .wait_with_output()
        .map_err(|error| format!("{CANNOT_RUN}: {error}"))?;
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let message = text(&output.stderr);
        Err(if message.is_empty() {
            format!("git {} failed", args.join(" "))
        } else {
            message
        })
    }
}

/// The contents of the given blobs, in order, with one `git cat-file --batch`.
fn read_blobs<'a>(
    top: &Path,
    objects: impl Iterator<Item = &'a str>,
) -> Result<Vec<Vec<u8>>, String> {
    let mut input = String::new();
    let mut count = 0;
    for object in objects {
        input.push_str(object);
        input.push('\n');
        count += 1;
    }
    if count == 0 {
        return Ok(Vec::new());
    }
    let output = git(top, &["cat-file", "--batch"], Some(input.into_bytes()))?;
    let mut reader = BufReader::new(output.as_slice());
    let mut contents = Vec::with_capacity(count);
    for _ in 0..count {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|error| format!("cannot read git's output: {error}"))?;
        let size = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|_| header.split(' ').nth(1) == Some("blob"))
            .ok_or_else(|| format!("unexpected output from git cat-file: `{}`", header.trim()))?;
        let mut content = vec![0; size];
        reader
            .read_exact(&mut content)
            .map_err(|error| format!("cannot read git's output: {error}"))?;
        let mut newline = [0; 1];
        let _ = reader.read_exact(&mut newline);
        contents.push(content);
    }
    Ok(contents)
}

/// A new, empty temporary folder.
fn temp_dir() -> Result<PathBuf, String> {
    let base = std::env::temp_dir();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for attempt in 0..100 {
        let dir = base.join(format!(
            "k8sc-diff-{}-{nanos}-{attempt}",
            std::process::id()
        ));
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => {
                return Err(format!("cannot create `{}`: {error}", dir.display()));
            }
        }
    }
    Err(format!(
        "cannot create a temporary folder in `{}`",
        base.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::is_plain_relative;

    #[test]
    fn only_plain_relative_paths_are_written() {
        assert!(is_plain_relative("a/b.k8s"));
        assert!(!is_plain_relative("../b.k8s"));
        assert!(!is_plain_relative("/etc/b.k8s"));
        assert!(!is_plain_relative(""));
    }
}
