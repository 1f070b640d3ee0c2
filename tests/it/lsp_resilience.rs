//! The language server survives hostile clients, driven as a real process (`k8sc lsp` over
//! stdio) by a raw JSON-RPC client that can send what no well-behaved client library would:
//! malformed frames and JSON, wrong parameters, unknown methods, requests about files that are
//! not open, positions far out of range, a burst of 1,000 edits, and a client that disconnects in
//! the middle of a request. After each the server must still answer correctly, and at the end exit
//! by itself, without a panic, within a bounded time.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long any single answer may take (debug build, a shared machine).
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `k8sc lsp` and a raw client for it.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    stderr: Receiver<String>,
    next_id: i64,
    /// The notifications the server sent while the client waited for responses.
    notifications: Vec<Value>,
}

impl Server {
    /// Starts the server on a copy-free workspace folder `root` and initialises it.
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_k8sc"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("k8sc lsp starts");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr_pipe = child.stderr.take().expect("stderr");
        let (err_sender, stderr) = channel();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = BufReader::new(stderr_pipe).read_to_string(&mut text);
            let _ = err_sender.send(text);
        });
        let stdin = child.stdin.take();
        let mut server = Server {
            child,
            stdin,
            messages,
            stderr,
            next_id: 0,
            notifications: Vec::new(),
        };
        let root_uri = uri(root);
        let answer = server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {},
                "workspaceFolders": [{"uri": root_uri, "name": "project"}],
            }),
        );
        assert!(answer.get("result").is_some(), "initialize: {answer}");
        server.notify("initialized", json!({}));
        server
    }

    /// Writes raw bytes to the server.
    fn raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("still connected");
        stdin.write_all(bytes).expect("the server reads");
        stdin.flush().expect("the server reads");
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        self.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its id without waiting.
    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its response (answering the server's own requests, and
    /// skipping notifications, on the way).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(&json!(id))
    }

    /// Waits for the response with this id.
    fn response(&mut self, id: &Value) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.messages.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!("no response to {id} in {PATIENCE:?}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the server stopped before answering {id}: {}",
                        self.stderr_text()
                    )
                }
            };
            if message.get("method").is_some() {
                if let Some(request_id) = message.get("id") {
                    // A request from the server (registration, configuration…): accept it.
                    let answer = json!({"jsonrpc": "2.0", "id": request_id, "result": null});
                    self.send(&answer);
                } else {
                    self.notifications.push(message);
                }
                continue;
            }
            if message.get("id") == Some(id) {
                return message;
            }
        }
    }

    /// Waits until the server has sent a notification that `wanted` accepts; returns it.
    fn notification(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(found) = self.notifications.iter().find(|n| wanted(n)) {
                return found.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if message.get("id").is_none() => self.notifications.push(message),
                Ok(_) => {}
                Err(_) => panic!("no {what} in {PATIENCE:?}: {:?}", self.notifications),
            }
        }
    }

    fn stderr_text(&mut self) -> String {
        self.stderr.recv_timeout(PATIENCE).unwrap_or_default()
    }

    /// Hangs up: closes the server's stdin. Returns how long the server took to exit and what
    /// it wrote to stderr.
    fn hang_up(mut self) -> (Option<std::process::ExitStatus>, Duration, String) {
        let started = Instant::now();
        drop(self.stdin.take());
        let status = loop {
            match self.child.try_wait().expect("waits") {
                Some(status) => break Some(status),
                None if started.elapsed() > PATIENCE => {
                    let _ = self.child.kill();
                    break None;
                }
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        let elapsed = started.elapsed();
        (status, elapsed, self.stderr_text())
    }

    /// The server is alive and answers correctly: the symbols of `file` include `name`.
    fn assert_answers(&mut self, file: &Path, name: &str) {
        let answer = self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri(file)}}),
        );
        let text = answer["result"].to_string();
        assert!(
            text.contains(name),
            "documentSymbol after the abuse: {answer}"
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one `Content-Length` framed message; `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A workspace folder holding `app.k8s` with two services.
fn workspace(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("k8sc-lsp-abuse-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let dir = std::fs::canonicalize(&dir).expect("canonical");
    let file = dir.join("app.k8s");
    std::fs::write(&file, APP).expect("write");
    (dir, file)
}

/// A file of the same app with an unresolved call (E0005), read from disk only.
const OTHER: &str =
    "worker mailer {\n  image: \"ghcr.io/acme/mailer:1.0.0\"\n  calls: [nowhere]\n}\n";

const APP: &str = "app shop {\n  namespace: shop\n}\n\nservice web {\n  image: \"ghcr.io/acme/web:1.0.0\"\n  port: http 8080\n  calls: [api]\n}\n\nservice api {\n  image: \"ghcr.io/acme/api:1.0.0\"\n  port: http 8080\n}\n";

fn open(server: &mut Server, file: &Path, text: &str) {
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(file), "languageId": "k8s", "version": 1, "text": text}}),
    );
}

fn assert_clean_exit(server: Server) {
    let (status, elapsed, stderr) = server.hang_up();
    let status = status.unwrap_or_else(|| panic!("the server did not exit in {PATIENCE:?}"));
    assert!(
        status.success(),
        "exit status {status:?}; stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "a panic:\n{stderr}");
    assert!(elapsed < PATIENCE, "took {elapsed:?} to exit");
}

#[test]
fn malformed_json_rpc_is_answered_or_skipped() {
    let (dir, file) = workspace("malformed");
    let mut server = Server::start(&dir);
    open(&mut server, &file, APP);
    // Invalid JSON in a well-formed frame: a parse error with a null id.
    server.raw(b"Content-Length: 9\r\n\r\n{\"jsonrp:");
    let parse_error = server.response(&Value::Null);
    assert_eq!(parse_error["error"]["code"], -32700, "{parse_error}");
    // JSON that is not a JSON-RPC message.
    server.send(&json!([1, 2, 3]));
    server.send(&json!({"jsonrpc": "2.0", "id": {"nested": true}, "method": 5}));
    // Wrong parameters for a known method: an error response, not a crash.
    let id = server.send_request("textDocument/hover", json!({"textDocument": 7}));
    let wrong = server.response(&json!(id));
    assert_eq!(wrong["error"]["code"], -32602, "{wrong}");
    let id = server.send_request("textDocument/completion", json!(null));
    assert!(server.response(&json!(id)).get("error").is_some());
    // A notification with wrong parameters is dropped.
    server.notify("textDocument/didChange", json!({"textDocument": "x"}));
    server.assert_answers(&file, "web");
    // A frame whose header is garbage: the server resynchronises or stops, but never panics.
    server.raw(b"Content-Length: abc\r\n\r\n{}");
    server.raw(b"Content-Type: nothing\r\n\r\n");
    assert_clean_exit(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_methods_unopened_files_and_out_of_range_positions() {
    let (dir, file) = workspace("odd");
    let mut server = Server::start(&dir);
    let unknown = server.request("k8sc/noSuchThing", json!({"x": 1}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    server.notify("$/noSuchNotification", json!({}));
    server.notify("k8sc/noSuchNotification", json!(null));
    // Requests about files nobody opened: on disk but closed, outside the workspace, missing.
    let elsewhere = dir.join("../elsewhere/none.k8s");
    for target in [
        uri(&file),
        uri(&elsewhere),
        "untitled:Untitled-1".to_string(),
    ] {
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
            "textDocument/references",
        ] {
            let answer = server.request(
                method,
                json!({
                    "textDocument": {"uri": target},
                    "position": {"line": 5, "character": 9},
                    "context": {"includeDeclaration": true},
                }),
            );
            assert!(
                answer.get("error").is_none() || answer["error"]["code"] != -32603,
                "{method} {target}: {answer}"
            );
        }
    }
    open(&mut server, &file, APP);
    for (line, character) in [(0, 0), (4, 9999), (9999, 0), (u32::MAX, u32::MAX), (13, 3)] {
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/signatureHelp",
        ] {
            let answer = server.request(
                method,
                json!({"textDocument": {"uri": uri(&file)}, "position": {"line": line, "character": character}}),
            );
            assert!(
                answer.get("result").is_some(),
                "{method} at {line}:{character}: {answer}"
            );
        }
        let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": line, "character": character}});
        for method in [
            "textDocument/inlayHint",
            "textDocument/semanticTokens/range",
            "textDocument/rangeFormatting",
        ] {
            let answer = server.request(
                method,
                json!({"textDocument": {"uri": uri(&file)}, "range": range, "options": {"tabSize": 2, "insertSpaces": true}}),
            );
            assert!(
                answer.get("result").is_some() || answer.get("error").is_some(),
                "{method}: {answer}"
            );
            assert_ne!(
                answer["error"]["code"], -32603,
                "{method} at {line}:{character}: {answer}"
            );
        }
    }
    // An edit whose range is out of range (and reversed) does not break the document.
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&file), "version": 2},
            "contentChanges": [
                {"range": {"start": {"line": 900, "character": 4}, "end": {"line": 1, "character": 0}}, "text": "x"},
                {"range": {"start": {"line": 0, "character": 4000000000u32}, "end": {"line": 0, "character": 4000000000u32}}, "text": "é"},
            ],
        }),
    );
    server.assert_answers(&file, "api");
    assert_clean_exit(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_burst_of_a_thousand_edits_then_a_correct_answer() {
    let (dir, file) = workspace("burst");
    let mut server = Server::start(&dir);
    open(&mut server, &file, APP);
    // 1,000 changes that nothing waits between: a character typed and deleted again at the end,
    // over and over, with a full-text replacement every hundredth; then `typed` typed in.
    let line = APP.lines().count() as u32;
    let mut version = 1;
    let typed = "\nservice typed_here {\n  image: \"ghcr.io/acme/t:1.0.0\"\n}\n";
    for i in 0..1000 {
        version += 1;
        let change = if i % 100 == 99 {
            json!({"text": APP})
        } else if i % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 1}}, "text": ""})
        };
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&file), "version": version}, "contentChanges": [change]}),
        );
        if i % 50 == 0 {
            // Requests in the middle of the burst; any answer will do, as long as there is one.
            server.send_request("textDocument/hover", json!({"textDocument": {"uri": uri(&file)}, "position": {"line": 5, "character": 9}}));
        }
    }
    // The last edits: insert `typed` at the end, character by character.
    for (n, c) in typed.chars().enumerate() {
        version += 1;
        let before: String = typed.chars().take(n).collect();
        let at_line = line + before.matches('\n').count() as u32;
        let at_char = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32;
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&file), "version": version},
                "contentChanges": [{"range": {"start": {"line": at_line, "character": at_char}, "end": {"line": at_line, "character": at_char}}, "text": c.to_string()}],
            }),
        );
    }
    server.assert_answers(&file, "typed_here");
    let answer = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&file)}, "position": {"line": line + 1, "character": 10}}),
    );
    assert!(
        answer["result"].to_string().contains("typed_here"),
        "{answer}"
    );
    assert_clean_exit(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_client_that_disconnects_mid_request() {
    let (dir, file) = workspace("disconnect");
    let mut big = String::from(APP);
    for i in 0..300 {
        big.push_str(&format!(
            "\nservice s{i} {{\n  image: \"ghcr.io/acme/s:1.0.0\"\n  calls: [s{}]\n}}\n",
            (i + 1) % 300
        ));
    }
    std::fs::write(&file, &big).expect("write");
    let mut server = Server::start(&dir);
    open(&mut server, &file, &big);
    for method in [
        "workspace/symbol",
        "textDocument/semanticTokens/full",
        "textDocument/references",
    ] {
        server.send_request(
            method,
            json!({"query": "", "textDocument": {"uri": uri(&file)}, "position": {"line": 5, "character": 9}, "context": {"includeDeclaration": true}}),
        );
    }
    // Half a frame, then the client is gone.
    server.raw(b"Content-Length: 500\r\n\r\n{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": \"textDocument/hov");
    assert_clean_exit(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Waits for the next `publishDiagnostics` about `file` (answering the server's requests on the
/// way) and returns its diagnostics.
fn next_diagnostics(server: &mut Server, file: &Path) -> Value {
    let deadline = Instant::now() + PATIENCE;
    let wanted = json!(uri(file));
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = server
            .messages
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("no diagnostics for {wanted}: {e:?}"));
        if let (Some(method), Some(request_id)) = (message.get("method"), message.get("id")) {
            let _ = method;
            let answer = json!({"jsonrpc": "2.0", "id": request_id, "result": null});
            server.send(&answer);
            continue;
        }
        if message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"] == wanted
        {
            return message["params"]["diagnostics"].clone();
        }
    }
}

/// A frame with a bad header or a wrong length costs that frame only: the server finds the next
/// header and answers every well-formed request after it (0 of 20 were answered before).
#[test]
fn a_badly_framed_message_costs_only_itself() {
    let (dir, file) = workspace("framing");
    let mut server = Server::start(&dir);
    open(&mut server, &file, APP);
    let body = json!({"jsonrpc": "2.0", "id": 9999, "method": "textDocument/documentSymbol",
        "params": {"textDocument": {"uri": uri(&file)}}})
    .to_string();
    let bad_frames = [
        format!("Content-Type: application/json\r\n\r\n{body}"),
        format!("Content-Length: {}\r\n\r\n{body}", body.len() - 1),
        format!("Content-Length: {}\r\n\r\n{body}", body.len() + 1),
    ];
    for bad in bad_frames {
        server.raw(bad.as_bytes());
        let ids: Vec<i64> = (0..20)
            .map(|_| {
                server.send_request(
                    "textDocument/documentSymbol",
                    json!({"textDocument": {"uri": uri(&file)}}),
                )
            })
            .collect();
        // Answers come in any order: collect them all.
        let mut answered = std::collections::BTreeMap::new();
        let deadline = Instant::now() + PATIENCE;
        while answered.len() < ids.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = server.messages.recv_timeout(left).unwrap_or_else(|e| {
                panic!("after {bad:?}: {} of 20 answered ({e:?})", answered.len())
            });
            if let Some(id) = message["id"].as_i64().filter(|id| ids.contains(id)) {
                answered.insert(id, message);
            }
        }
        for answer in answered.values() {
            assert!(
                answer["result"].to_string().contains("web"),
                "after {bad:?}: {answer}"
            );
        }
    }
    assert_clean_exit(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The resident memory of a process, in bytes (Linux).
fn resident(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// A header line that never ends is held in bounded memory (256 MiB of it once took 512 MiB and
/// more), and the session goes on after it.
#[test]
fn an_endless_header_line_is_held_in_bounded_memory() {
    let (dir, file) = workspace("endless-header");
    let mut server = Server::start(&dir);
    open(&mut server, &file, APP);
    server.assert_answers(&file, "web");
    let before = resident(server.child.id());
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..256 {
        server.raw(&chunk);
    }
    server.raw(b"\r\n\r\n");
    server.assert_answers(&file, "api");
    let grown = resident(server.child.id()).saturating_sub(before);
    assert!(grown < 64 << 20, "the server grew by {grown} bytes");
    assert_clean_exit(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `exit` without `shutdown` first ends the server with status 1, after `shutdown` with 0 (the
/// LSP specification).
#[test]
fn exit_without_shutdown_exits_with_1() {
    for with_shutdown in [false, true] {
        let (dir, _) = workspace(&format!("exit-{with_shutdown}"));
        let mut server = Server::start(&dir);
        if with_shutdown {
            let answer = server.request("shutdown", json!(null));
            assert!(answer.get("result").is_some(), "{answer}");
        }
        server.notify("exit", json!(null));
        let (status, _, stderr) = server.hang_up();
        let status = status.expect("exits");
        assert_eq!(
            status.code(),
            Some(if with_shutdown { 0 } else { 1 }),
            "shutdown first: {with_shutdown}; {stderr}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A file opened from outside the workspace folder does not join its project: another project's
/// `app shop` is not "declared twice" here.
#[test]
fn a_file_from_outside_the_workspace_does_not_join_the_project() {
    let (dir, file) = workspace("inside");
    let (other_dir, other) = workspace("outside");
    let mut server = Server::start(&dir);
    open(&mut server, &other, APP);
    open(&mut server, &file, APP);
    let diagnostics = next_diagnostics(&mut server, &file);
    assert!(
        !diagnostics.to_string().contains("twice"),
        "the outside file joined the project: {diagnostics}"
    );
    server.assert_answers(&file, "web");
    assert_clean_exit(server);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&other_dir);
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A FIFO named `*.k8s` in the workspace, at `initialize` or reported by the client as a new
/// file, is never opened in a way that blocks: `initialize`, every later request and `shutdown`
/// are answered (each within `PATIENCE`, the bound that fails this test instead of hanging it).
/// The FIFO is skipped and reported (`window/showMessage`), like `k8sc check` warns of it; the
/// workspace's regular files are loaded from disk, checked and answered about.
#[test]
fn a_fifo_in_the_workspace_blocks_nothing() {
    let (dir, file) = workspace("fifo-initialize");
    mkfifo(&dir.join("pipe.k8s"));
    // A second regular file, never opened: it is loaded from disk beside the FIFO, and checked.
    let other = dir.join("other.k8s");
    std::fs::write(&other, OTHER).expect("write");
    let mut server = Server::start(&dir);
    server.assert_answers(&other, "mailer");
    let published = server.notification("diagnostics of other.k8s", |n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == json!(uri(&other))
            && n["params"]["diagnostics"].to_string().contains("E0005")
    });
    assert!(
        published["params"]["diagnostics"]
            .to_string()
            .contains("nowhere")
    );
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&file)}, "position": {"line": 4, "character": 3}}),
    );
    assert!(
        hover["result"]["contents"].to_string().contains("service"),
        "{hover}"
    );
    // The FIFO is skipped, and the user told, as `k8sc check` tells it.
    let shown = server.notification("a message about the FIFO", |n| {
        n["method"] == "window/showMessage"
            && n["params"]["message"].as_str().is_some_and(|m| {
                m.contains("skipped") && m.contains("pipe.k8s") && m.contains("FIFO")
            })
    });
    assert_eq!(shown["params"]["type"], json!(2), "a warning: {shown}");
    open(&mut server, &file, APP);
    server.assert_answers(&file, "web");
    assert_clean_exit(server);
    let _ = std::fs::remove_dir_all(&dir);

    let (dir, file) = workspace("fifo-watched");
    let mut server = Server::start(&dir);
    let pipe = dir.join("late.k8s");
    mkfifo(&pipe);
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&pipe), "type": 1}, {"uri": uri(&pipe), "type": 2}]}),
    );
    server.assert_answers(&file, "web");
    server.notification("a message about the late FIFO", |n| {
        n["method"] == "window/showMessage"
            && n["params"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("late.k8s") && m.contains("FIFO"))
    });
    let answer = server.request("shutdown", json!(null));
    assert!(answer.get("result").is_some(), "{answer}");
    server.notify("exit", json!(null));
    let (status, _, stderr) = server.hang_up();
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
