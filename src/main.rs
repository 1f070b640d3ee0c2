//! `k8sc`: compiles `.k8s` projects to hardened Kubernetes manifests.

mod allocator;
mod cli;

use std::process::ExitCode;

/// Stack size of the compiler thread: generous, so no input can exhaust it.
const STACK_SIZE: usize = 256 * 1024 * 1024;

fn main() -> ExitCode {
    allocator::quiet();
    let args = cli::parse_args();
    let worker = std::thread::Builder::new()
        .name("k8sc".to_string())
        .stack_size(STACK_SIZE)
        .spawn(move || cli::run(args));
    match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!(
                "error: k8sc stopped unexpectedly; please report this with the input that caused it"
            );
            ExitCode::from(2)
        }
    }
}
