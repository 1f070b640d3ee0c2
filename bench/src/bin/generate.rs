//! `k8sc-generate N DIR [--peers]`: writes the benchmark project of N workloads into DIR (see
//! [`k8sc_bench::generate`]); with `--peers`, the peers' workload of N services
//! ([`k8sc_bench::Shape::Peers`]). DIR must be absent or empty.

use k8sc_bench::Shape;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let shape = if let Some(at) = args.iter().position(|a| a == "--peers") {
        args.remove(at);
        Shape::Peers
    } else {
        Shape::Full
    };
    let [n, dir] = args.as_slice() else {
        eprintln!(
            "usage: generate N DIR [--peers]   (N workloads, written to the folder DIR; --peers: N services shaped like ../shared/peers)"
        );
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("error: N must be a whole number, not `{n}`");
        return ExitCode::from(2);
    };
    match write(n, shape, Path::new(dir)) {
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

fn write(n: usize, shape: Shape, dir: &Path) -> Result<usize, String> {
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
    let files = k8sc_bench::generate_shape(n, shape);
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
