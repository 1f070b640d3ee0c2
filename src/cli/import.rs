//! `k8sc import FILES_OR_DIRS [--out DIR] [--app NAME]`: Kubernetes YAML (multi-document files,
//! `List` kinds, Helm-rendered output) to one `.k8s` file, and a report of what was folded into
//! each workload, what went into `patch` blocks, and what was skipped and why.

use clap::Args;
use k8sc_compiler::import::{Manifest, import, read_documents};
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
    for file in &files {
        let text = match fs::read_to_string(file) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("error: {}: {error}", file.display());
                return ExitCode::from(2);
            }
        };
        match read_documents(&file.display().to_string(), &text) {
            Ok(read) => manifests.extend(read),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let imported = match import(&manifests, &args.app) {
        Ok(imported) => imported,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
    };
    let (name, text) = &imported.file;
    let target = args.out.join(name);
    if let Err(error) = fs::create_dir_all(&args.out).and_then(|()| fs::write(&target, text)) {
        eprintln!("error: {}: {error}", target.display());
        return ExitCode::from(2);
    }
    print!("{}", imported.report);
    println!("wrote {}", target.display());
    ExitCode::SUCCESS
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for entry in fs::read_dir(path)? {
            collect(&entry?.path(), out)?;
        }
    } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") || !path.exists() {
        // A missing file is reported when it is read.
        out.push(path.to_path_buf());
    }
    Ok(())
}
