//! Times the parser on each file named on the command line (read as UTF-8, invalid bytes
//! replaced), to reproduce a fuzzer's timeout outside the fuzzer:
//! `cargo run --release -p k8sc-grammar --example parse_time -- FILE…` (docs/testing.md).

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let started = std::time::Instant::now();
        let result = k8sc_grammar::parse(&text);
        println!(
            "{path}: {:?}, {} errors",
            started.elapsed(),
            result.errors.len()
        );
    }
}
