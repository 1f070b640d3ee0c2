//! `k8sc fmt`: rewrite `.k8s` files in the canonical layout, or check that they are in it.
//!
//! Every file is read and formatted in memory first. If any has syntax errors, they are reported
//! and nothing is written. Otherwise each file whose text changes is replaced atomically (a
//! temporary file in the same folder, renamed over it); unchanged files are not touched.

use clap::Args;
use k8sc_compiler::diagnostics::{Diagnostic, render_all};
use k8sc_compiler::syntax::syntax_error_diagnostic;
use k8sc_grammar::format::format_source;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `k8sc fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files and directories; a directory means every .k8s file under it (hidden folders and
    /// `target` are skipped). Default: `.`.
    paths: Vec<PathBuf>,
    /// Write nothing: list the files that are not formatted, and exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

/// Runs `k8sc fmt`.
pub fn run(args: FmtArgs, color: bool) -> ExitCode {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut files = Vec::new();
    for root in &roots {
        if let Err(error) = collect(root, &mut files) {
            eprintln!("error: {}: {error}", root.display());
            return ExitCode::from(2);
        }
    }
    files.sort();
    files.dedup();

    let mut changed: Vec<(&PathBuf, String)> = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut broken: BTreeMap<String, String> = BTreeMap::new();
    for path in &files {
        let text = match read_text(path) {
            Ok(text) => text,
            Err(message) => {
                eprintln!("error: {}: {message}", path.display());
                return ExitCode::from(2);
            }
        };
        match format_source(&text) {
            Ok(formatted) if formatted != text => changed.push((path, formatted)),
            Ok(_) => {}
            Err(errors) => {
                let name = path.display().to_string();
                diagnostics.extend(errors.iter().map(|e| syntax_error_diagnostic(&name, e)));
                broken.insert(name, text);
            }
        }
    }

    if !diagnostics.is_empty() {
        eprint!("{}", render_all(&diagnostics, &broken, color));
        eprintln!(
            "k8sc: nothing formatted: {} with syntax errors",
            plural(broken.len(), "file")
        );
        return ExitCode::from(1);
    }
    let mut stdout = io::stdout().lock();
    if args.check {
        for (path, _) in &changed {
            let _ = writeln!(stdout, "{}", path.display());
        }
        if changed.is_empty() {
            eprintln!(
                "k8sc: {} checked, all formatted",
                plural(files.len(), "file")
            );
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "k8sc: {} of {} not formatted; run `k8sc fmt` to format them",
            changed.len(),
            plural(files.len(), "file")
        );
        return ExitCode::from(1);
    }
    for (path, formatted) in &changed {
        if let Err(error) = write_atomically(path, formatted) {
            eprintln!("error: {}: {error}", path.display());
            return ExitCode::from(2);
        }
        let _ = writeln!(stdout, "{}", path.display());
    }
    eprintln!(
        "k8sc: formatted {} of {}",
        changed.len(),
        plural(files.len(), "file")
    );
    ExitCode::SUCCESS
}

/// Adds `root` (a file, of any name) or every `.k8s` file under it (a directory) to `out`.
fn collect(root: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    if fs::metadata(root)?.is_dir() {
        walk(root, out)
    } else {
        out.push(root.to_path_buf());
        Ok(())
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Symbolic links are not followed: a link to a folder above would never end.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if name != "target" {
                walk(&path, out)?;
            }
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "k8s") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a source to format: a regular file (never a FIFO or a device, which could block) no
/// larger than a `.k8s` file may be.
fn read_text(path: &Path) -> Result<String, String> {
    let limit = k8sc_grammar::MAX_FILE_SIZE as u64;
    let bytes =
        k8sc_compiler::regular_file::read_regular(path, limit).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())
}

/// Replaces the file's content: writes a temporary file next to it (the target of a symbolic
/// link, not the link), with the same permissions, and renames it over the original.
fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(io::Error::other("not a file"));
    };
    let temp = dir.join(format!(
        ".{}.k8sc-fmt-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::set_permissions(&temp, fs::metadata(&target)?.permissions())?;
        fs::rename(&temp, &target)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
