//! `k8sc-generate N DIR`: writes the benchmark project of N workloads into DIR (see
//! [`k8sc_bench::generate`]). DIR must be absent or empty of `.k8s` files.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [n, dir] = args.as_slice() else {
        eprintln!("usage: generate N DIR   (N workloads, written to the folder DIR)");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("error: N must be a whole number, not `{n}`");
        return ExitCode::from(2);
    };
    match write(n, Path::new(dir)) {
        Ok(count) => {
            eprintln!("wrote {n} workloads in {count} files to {dir}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn write(n: usize, dir: &Path) -> Result<usize, String> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "`{}` is not empty: give a new or empty folder",
                dir.display()
            ));
        }
    }
    let files = k8sc_bench::generate(n);
    for file in &files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(files.len())
}
