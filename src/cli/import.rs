//! `k8sc import FILES_OR_DIRS [--out DIR] [--app NAME]`: Kubernetes YAML (multi-document files,
//! `List` kinds, Helm-rendered output) to one `.k8s` file, and a report of what was folded into
//! each workload, what went into `patch` blocks, and what was skipped and why.

use clap::Args;
use k8sc_compiler::import::{Manifest, import, read_documents_noting_keys};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `k8sc import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// YAML files, and directories whose `.yaml`/`.yml` files are read (sorted by path).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Where to write `APP.k8s` (default: the current directory).
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// The app's name (default: `imported`); the namespace is the one most manifests use.
    #[arg(long, default_value = "imported")]
    app: String,
    /// Replace `APP.k8s` if it already exists (without `--force` an existing file is never
    /// touched).
    #[arg(long)]
    force: bool,
}

/// Runs `k8sc import`.
pub fn run(args: ImportArgs) -> ExitCode {
    let mut files = Vec::new();
    for path in &args.paths {
        if let Err(error) = collect(path, &mut files) {
            eprintln!("error: {}: {error}", path.display());
            return ExitCode::from(2);
        }
    }
    files.sort();
    files.dedup();
    let mut manifests: Vec<Manifest> = Vec::new();
    let mut keys = Vec::new();
    for file in &files {
        let text = match read_bounded(file) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("error: {}: {error}", file.display());
                return ExitCode::from(2);
            }
        };
        match read_documents_noting_keys(&file.display().to_string(), &text) {
            Ok((read, notes)) => {
                manifests.extend(read);
                keys.extend(notes);
            }
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
        if manifests.len() > MAX_MANIFESTS {
            eprintln!(
                "error: more than {MAX_MANIFESTS} Kubernetes objects to import; import an app at a time"
            );
            return ExitCode::from(2);
        }
    }
    let mut imported = match import(&manifests, &args.app) {
        Ok(imported) => imported,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
    };
    imported.report.keys = keys;
    let (name, text) = &imported.file;
    let target = args.out.join(name);
    if let Err(error) =
        fs::create_dir_all(&args.out).and_then(|()| write_new(&target, text, args.force))
    {
        eprintln!("error: {}: {error}", target.display());
        return ExitCode::from(2);
    }
    print!("{}", imported.report);
    println!("wrote {}", target.display());
    ExitCode::SUCCESS
}

/// Writes `text` to `target` without ever writing through a symbolic link: into a new temporary
/// file beside it (created exclusively, so not a link planted there), then linked into place —
/// which fails if anything, a file or a link, is already at `target` — or, with `force`, renamed
/// over it (which replaces a link itself, not what it points to).
fn write_new(target: &Path, text: &str, force: bool) -> std::io::Result<()> {
    if !force && fs::symlink_metadata(target).is_ok() {
        return Err(already_exists());
    }
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(std::io::Error::other("not a file name"));
    };
    let temp = dir.join(format!(
        ".{}.k8sc-import-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()));
    let placed = written.and_then(|()| {
        if force {
            fs::rename(&temp, target)
        } else {
            fs::hard_link(&temp, target).map_err(|error| match error.kind() {
                std::io::ErrorKind::AlreadyExists => already_exists(),
                _ => error,
            })
        }
    });
    let _ = fs::remove_file(&temp);
    placed
}

fn already_exists() -> std::io::Error {
    std::io::Error::other(
        "the file already exists and was left as it is (k8sc import never overwrites a file unless given --force; choose another --out or --app)",
    )
}

/// The most objects one import reads: the importer compares objects pairwise (which Service
/// selects which Deployment), so its time is quadratic in their number (docs/testing.md, "Limits").
const MAX_MANIFESTS: usize = 10_000;

/// Reads `file` if it is a regular file (never a FIFO or a device, which could block), refusing
/// one larger than a `.k8s` file may be without reading it (the YAML reader then bounds its own
/// work: depth, nodes, aliases; see `import::read_documents`).
fn read_bounded(file: &Path) -> Result<String, String> {
    let limit = k8sc_grammar::MAX_FILE_SIZE as u64;
    let bytes = k8sc_compiler::regular_file::read_regular(file, limit).map_err(|e| match e {
        k8sc_compiler::regular_file::ReadError::TooLarge(_) => format!(
            "the file is larger than {} MiB, the most k8sc imports from one file",
            limit / 1024 / 1024
        ),
        other => other.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())
}

/// The YAML files of `path`: itself, or the `.yaml`/`.yml` files under it. Inside a folder,
/// symbolic links to folders are not followed (a link to a parent would recurse forever).
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for entry in fs::read_dir(path)? {
            let entry = entry?;
            if entry.file_type()?.is_symlink() && entry.path().is_dir() {
                continue;
            }
            collect(&entry.path(), out)?;
        }
    } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") || !path.exists() {
        // A missing file is reported when it is read.
        out.push(path.to_path_buf());
    }
    Ok(())
}
