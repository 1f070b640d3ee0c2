//! Latency of the language server on a large workspace (a benchmark, not a timed test).
//!
//! `cargo bench --bench lsp_latency` generates a 100-file, 5,000-workload workspace, starts the
//! release `k8sc lsp` over stdio like an editor would, opens one file, and measures:
//! edit → diagnostics published for 100 single-character edits, then hover and completion
//! latency, and the server's peak memory (VmHWM). Results go to stdout; `docs/performance.md`
//! records them.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const APPS: usize = 10;
const FILES_PER_APP: usize = 10;
const WORKLOADS_PER_FILE: usize = 50;
const EDITS: usize = 100;
const QUERIES: usize = 100;
const TIMEOUT: Duration = Duration::from_secs(120);

fn main() {
    let root = std::env::temp_dir().join(format!("k8sc-lsp-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let edited = generate(&root);
    let mut server = Server::start(&root);
    let report = run(&mut server, &root, &edited);
    server.stop();
    let _ = std::fs::remove_dir_all(&root);
    println!("{report}");
}

/// Writes the workspace; returns the file that gets edited.
fn generate(root: &Path) -> PathBuf {
    for app in 0..APPS {
        let dir = root.join(format!("app{app}"));
        std::fs::create_dir_all(&dir).expect("create the workspace");
        for file in 0..FILES_PER_APP {
            let mut text = String::new();
            if file == 0 {
                text.push_str(&format!(
                    "import std.tiers.production\n\napp app{app} {{\n  namespace: app{app}\n  tier: production\n  team: team{app}\n  quota {{ cpu: 5000, memory: 5000Gi, pods: 20000 }}\n}}\n\n"
                ));
            }
            for w in 0..WORKLOADS_PER_FILE {
                let n = file * WORKLOADS_PER_FILE + w;
                let callee = (n + 1) % (FILES_PER_APP * WORKLOADS_PER_FILE);
                let other = (app + 1) % APPS;
                text.push_str(&format!(
                    "/// Service {n} of app {app}.\nservice s{n} {{\n  image: \"ghcr.io/acme/s{n}:1.{n}.0\"\n  port: http 8080\n  replicas: 3..{max}\n  cpu: 250m..1\n  memory: 256Mi\n  probes {{ ready: http \"/ready\", live: http \"/healthz\" }}\n  calls: [s{callee}, app{other}.s{n}]\n  env {{ LOG_LEVEL: \"info\", DB_URL: secret db-{n}.url }}\n}}\n\n",
                    max = 5 + n % 7
                ));
            }
            std::fs::write(dir.join(format!("part{file}.k8s")), text).expect("write a file");
        }
    }
    root.join("app0").join("part5.k8s")
}

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_k8sc"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start k8sc lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(message) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Waits for a message satisfying `wanted`, skipping others.
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .messages
                .recv_timeout(left)
                .expect("the server answers");
            if wanted(&message) {
                return message;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The server's peak resident memory, in MiB.
    fn peak_memory_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    }

    fn stop(mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn run(server: &mut Server, root: &Path, edited: &Path) -> String {
    let started = Instant::now();
    server.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(root),
            "capabilities": { "general": { "positionEncodings": ["utf-16"] } },
        }),
    );
    server.notify("initialized", json!({}));
    let text = std::fs::read_to_string(edited).expect("read the edited file");
    let document = uri(edited);
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": document, "languageId": "k8s", "version": 1, "text": text } }),
    );
    let first = document.clone();
    server.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == json!(first)
            && m["params"]["version"] == json!(1)
    });
    let load = started.elapsed();

    // Replacements: the last digit of `replicas: 3..N` in the first workload of the file,
    // toggled: a one-character change re-checked all the way to the tier's rules.
    let line = text
        .lines()
        .position(|l| l.starts_with("  replicas: 3.."))
        .expect("a replicas line");
    let column = "  replicas: 3..".len();
    let mut version = 1;
    let replacements = edit_series(server, &document, &mut version, |i| {
        let digit = if i % 2 == 0 { "9" } else { "8" };
        (line, column, column + 1, digit)
    });
    // Typing: a character inserted into the first doc comment, then deleted: every later span
    // of the file moves.
    let doc_line = text
        .lines()
        .position(|l| l.starts_with("/// Service"))
        .expect("a doc comment");
    let typing = edit_series(server, &document, &mut version, |i| {
        if i % 2 == 0 {
            (doc_line, 4, 4, "x")
        } else {
            (doc_line, 4, 5, "")
        }
    });

    let position = json!({ "line": line, "character": 4 });
    let mut hovers = Vec::new();
    for _ in 0..QUERIES {
        let start = Instant::now();
        let hover = server.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": document }, "position": position }),
        );
        hovers.push(start.elapsed());
        assert!(hover["result"]["contents"]["value"].is_string(), "{hover}");
    }
    let mut completions = Vec::new();
    let key = json!({ "line": line, "character": 2 });
    for _ in 0..QUERIES {
        let start = Instant::now();
        let completion = server.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": document }, "position": key }),
        );
        completions.push(start.elapsed());
        assert!(
            completion["result"]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{completion}"
        );
    }
    let memory = server.peak_memory_mib();
    format!(
        "workspace: {} files, {} workloads ({} apps)\n\
         initial load to first diagnostics: {:.0} ms\n\
         edit -> diagnostics published, {EDITS} one-character replacements: {}\n\
         edit -> diagnostics published, {EDITS} one-character insertions/deletions: {}\n\
         hover ({QUERIES} requests): {}\n\
         completion ({QUERIES} requests): {}\n\
         server peak memory (VmHWM): {memory:.0} MiB",
        APPS * FILES_PER_APP,
        APPS * FILES_PER_APP * WORKLOADS_PER_FILE,
        APPS,
        load.as_secs_f64() * 1000.0,
        summary(&mut replacements.clone()),
        summary(&mut typing.clone()),
        summary(&mut hovers),
        summary(&mut completions),
    )
}

/// Sends `EDITS` edits (line, start column, end column, new text) and measures each until the
/// diagnostics of the new version are published.
fn edit_series(
    server: &mut Server,
    document: &str,
    version: &mut usize,
    edit: impl Fn(usize) -> (usize, usize, usize, &'static str),
) -> Vec<Duration> {
    let mut samples = Vec::new();
    for i in 0..EDITS {
        *version += 1;
        let current = *version;
        let (line, start_column, end_column, text) = edit(i);
        let start = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": document, "version": current },
                "contentChanges": [{
                    "range": {
                        "start": { "line": line, "character": start_column },
                        "end": { "line": line, "character": end_column },
                    },
                    "text": text,
                }],
            }),
        );
        let published = server.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == json!(document)
                && m["params"]["version"] == json!(current)
        });
        samples.push(start.elapsed());
        if std::env::var_os("K8SC_BENCH_TRACE").is_some() {
            eprintln!("edit {i}: {:.2} ms", start.elapsed().as_secs_f64() * 1000.0);
        }
        let count = published["params"]["diagnostics"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(
            count, 0,
            "the generated workspace has no errors: {published}"
        );
    }
    samples
}

fn summary(samples: &mut [Duration]) -> String {
    samples.sort();
    let at = |q: f64| {
        let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[index.min(samples.len() - 1)].as_secs_f64() * 1000.0
    };
    format!(
        "median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.95),
        at(1.0)
    )
}
