//! A guard between the client and `tower-lsp-server`: the server's transport ends the whole
//! session at the first message it cannot decode (invalid JSON, JSON that is not a JSON-RPC
//! message, a frame without a `Content-Length`), so one malformed message from a buggy client
//! would take the language server down. Every frame from the client is read and checked here
//! first, exactly as the transport would decode it; a bad one is answered with the JSON-RPC error
//! (-32700 "Parse error" or -32600 "Invalid request", id `null`) and dropped, and only good frames
//! reach the server. The server's own output and these errors are written to the client whole
//! frame by whole frame, so they never interleave.

use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message accepted (a `didOpen` of the largest `.k8s` file, JSON-escaped, fits);
/// a larger one is skipped unread and answered with an error instead of being held in memory.
pub const MAX_MESSAGE: usize = 4 * k8sc_grammar::MAX_FILE_SIZE;

/// The longest header line held: a longer one (a client sending garbage without a newline) is
/// skipped in constant memory, keeping only its last [`TAIL`] bytes, where a `Content-Length`
/// glued to the garbage would be.
pub const MAX_HEADER_LINE: usize = 8 * 1024;

/// What is kept of a header line longer than [`MAX_HEADER_LINE`].
const TAIL: usize = 64;

/// The header that frames a message, matched case-insensitively anywhere in a line.
const CONTENT_LENGTH: &[u8] = b"content-length:";

/// One framed message, or why there is none.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// The body of a well-framed message.
    Body(Vec<u8>),
    /// A header block without a usable `Content-Length`, or a body over the limit (skipped).
    Unusable,
    /// The end of the stream (possibly in the middle of a frame).
    End,
}

/// Reads frames from a byte stream, resynchronising after bad ones: a `Content-Length` header is
/// found wherever it starts in a line (after the rest of a frame whose length was too short, or
/// the body of a frame that had none), and the bytes after a JSON body that are not JSON (a
/// length too long) can be handed back with [`FrameReader::unread`] to be read as the next
/// header. Header lines are capped ([`MAX_HEADER_LINE`]) like bodies ([`MAX_MESSAGE`]).
pub struct FrameReader<R> {
    reader: R,
    buffer: Vec<u8>,
    /// Where the unread bytes of `buffer` start.
    start: usize,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    /// Frames from `reader`.
    pub fn new(reader: R) -> FrameReader<R> {
        FrameReader {
            reader,
            buffer: Vec::new(),
            start: 0,
        }
    }

    /// Reads more bytes into the buffer; false at the end of the stream.
    async fn fill(&mut self) -> bool {
        if self.start > 0 && self.start * 2 >= self.buffer.len() {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        let mut chunk = [0u8; 8192];
        match self.reader.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// Puts `bytes` back in front of the stream, to be read again.
    pub fn unread(&mut self, bytes: &[u8]) {
        let mut rest = bytes.to_vec();
        rest.extend_from_slice(&self.buffer[self.start..]);
        self.buffer = rest;
        self.start = 0;
    }

    /// The next line, without its `\r\n`; of a line over [`MAX_HEADER_LINE`] only the last
    /// [`TAIL`] bytes. `None` at the end of the stream.
    async fn read_line(&mut self) -> Option<Vec<u8>> {
        let mut scanned = 0;
        loop {
            let pending = &self.buffer[self.start..];
            if let Some(at) = pending[scanned..].iter().position(|&b| b == b'\n') {
                let end = self.start + scanned + at;
                let mut line = self.buffer[self.start..end].to_vec();
                self.start = end + 1;
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Some(line);
            }
            if pending.len() > MAX_HEADER_LINE {
                // Drop all but the tail: the line's start is garbage either way.
                self.start = self.buffer.len() - TAIL;
            }
            scanned = self.buffer.len() - self.start;
            if !self.fill().await {
                return None;
            }
        }
    }

    /// Takes exactly `length` bytes; `None` if the stream ends first.
    async fn read_body(&mut self, length: usize) -> Option<Vec<u8>> {
        while self.buffer.len() - self.start < length {
            if !self.fill().await {
                return None;
            }
        }
        let body = self.buffer[self.start..self.start + length].to_vec();
        self.start += length;
        Some(body)
    }

    /// Skips exactly `length` bytes without holding them; false if the stream ends first.
    async fn skip(&mut self, mut length: usize) -> bool {
        loop {
            let available = (self.buffer.len() - self.start).min(length);
            self.start += available;
            length -= available;
            if length == 0 {
                return true;
            }
            self.buffer.clear();
            self.start = 0;
            if !self.fill().await {
                return false;
            }
        }
    }

    /// Reads the next frame: headers up to an empty line, then `Content-Length` bytes of body (a
    /// body over `max` bytes is skipped).
    pub async fn next_frame(&mut self, max: usize) -> Frame {
        let mut length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            let Some(line) = self.read_line().await else {
                return Frame::End;
            };
            if line.is_empty() {
                if saw_header {
                    break;
                }
                // Blank lines between frames are tolerated.
                continue;
            }
            saw_header = true;
            if let Some(value) = content_length(&line) {
                length = value;
            }
        }
        let Some(length) = length else {
            return Frame::Unusable;
        };
        if length > max {
            // Skip the body without holding it, so that the next frame is read in step.
            return if self.skip(length).await {
                Frame::Unusable
            } else {
                Frame::End
            };
        }
        match self.read_body(length).await {
            Some(body) => Frame::Body(body),
            None => Frame::End,
        }
    }
}

/// The value of the last `Content-Length:` header in `line`, wherever it starts (`Some(None)`
/// when its value is not a number); `None` if the line has none.
fn content_length(line: &[u8]) -> Option<Option<usize>> {
    let lower = line.to_ascii_lowercase();
    let at = lower
        .windows(CONTENT_LENGTH.len())
        .rposition(|w| w == CONTENT_LENGTH)?;
    let value = String::from_utf8_lossy(&line[at + CONTENT_LENGTH.len()..]);
    Some(value.trim().parse().ok())
}

/// Where the bytes after the JSON value that starts `body` begin, when there are any besides
/// white space: the start of the next frame's header, read as this frame's body because its
/// `Content-Length` was too long.
pub fn after_json(body: &[u8]) -> Option<usize> {
    let mut values = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    values.next()?.ok()?;
    let end = values.byte_offset();
    body[end..]
        .iter()
        .any(|b| !b.is_ascii_whitespace())
        .then_some(end)
}

/// `body` framed for the wire.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The error response for a message the server's transport could not decode, if `body` is one;
/// `None` for a message it accepts.
pub fn rejection(body: &[u8]) -> Option<Vec<u8>> {
    let (code, message) = match serde_json::from_slice::<Value>(body) {
        Err(_) => (-32700, "Parse error"),
        Ok(_)
            if serde_json::from_slice::<Request>(body).is_ok()
                || serde_json::from_slice::<Response>(body).is_ok() =>
        {
            return None;
        }
        Ok(_) => (-32600, "Invalid request"),
    };
    let error = json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": null});
    Some(error.to_string().into_bytes())
}

/// What the guard saw of the session's end, for the exit status: the LSP specification has the
/// server exit with 1 when `exit` comes without a `shutdown` request before it.
#[derive(Debug, Default)]
pub struct Lifecycle {
    shutdown: AtomicBool,
    exit_without_shutdown: AtomicBool,
}

impl Lifecycle {
    /// Notes a message the client sent.
    fn saw(&self, body: &[u8]) {
        let Ok(message) = serde_json::from_slice::<Value>(body) else {
            return;
        };
        match message.get("method").and_then(Value::as_str) {
            Some("shutdown") if message.get("id").is_some() => {
                self.shutdown.store(true, Ordering::SeqCst);
            }
            Some("exit") if !self.shutdown.load(Ordering::SeqCst) => {
                self.exit_without_shutdown.store(true, Ordering::SeqCst);
            }
            _ => {}
        }
    }

    /// Whether the client sent `exit` before any `shutdown`.
    pub fn exited_without_shutdown(&self) -> bool {
        self.exit_without_shutdown.load(Ordering::SeqCst)
    }
}

/// Copies the client's frames to the server, answering the bad ones through `replies`; returns
/// at the end of the client's stream (or when the server stops reading), closing `server`.
pub async fn guard_input(
    client: impl AsyncRead + Unpin,
    mut server: impl AsyncWrite + Unpin,
    replies: UnboundedSender<Vec<u8>>,
    lifecycle: Arc<Lifecycle>,
) {
    let mut client = FrameReader::new(client);
    loop {
        let reply = match client.next_frame(MAX_MESSAGE).await {
            Frame::End => break,
            Frame::Unusable => rejection(b"").unwrap_or_default(),
            Frame::Body(body) => match rejection(&body) {
                None => {
                    lifecycle.saw(&body);
                    if server.write_all(&frame(&body)).await.is_err() {
                        break;
                    }
                    continue;
                }
                Some(reply) => {
                    // A JSON value, then more: the length was too long and the rest is the
                    // next frame's start.
                    if let Some(end) = after_json(&body) {
                        client.unread(&body[end..]);
                    }
                    reply
                }
            },
        };
        if replies.send(frame(&reply)).is_err() {
            break;
        }
    }
    let _ = server.shutdown().await;
}

/// Copies the server's frames to `replies` whole, so that they interleave with the guard's own
/// replies only between frames.
pub async fn forward_output(server: impl AsyncRead + Unpin, replies: UnboundedSender<Vec<u8>>) {
    let mut server = FrameReader::new(server);
    while let Frame::Body(body) = server.next_frame(usize::MAX).await {
        if replies.send(frame(&body)).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8], max: usize) -> Vec<Frame> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        loop {
            let frame = reader.next_frame(max).await;
            let end = frame == Frame::End;
            out.push(frame);
            if end {
                return out;
            }
        }
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(future)
    }

    #[test]
    fn frames_are_read_in_step_through_garbage() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Length: abc\r\n\r\nContent-Type: x\r\n\r\n\r\ncontent-length:3\r\n\r\n[1]Content-Length: 5\r\n\r\n{";
        let got = block_on(frames(input, 100));
        assert_eq!(
            got,
            [
                Frame::Body(b"{}".to_vec()),
                Frame::Unusable,
                Frame::Unusable,
                Frame::Body(b"[1]".to_vec()),
                Frame::End,
            ]
        );
    }

    #[test]
    fn a_frame_without_a_length_or_a_short_length_loses_only_itself() {
        // No Content-Length: its body is glued to the next header, which is still found.
        let input = b"Content-Type: x\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}";
        let got = block_on(frames(input, 100));
        assert_eq!(
            got,
            [Frame::Unusable, Frame::Body(b"{}".to_vec()), Frame::End]
        );
        // One byte short: the frame's last byte starts the next header line.
        let input = b"Content-Length: 6\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}";
        let got = block_on(frames(input, 100));
        assert_eq!(
            got,
            [
                Frame::Body(b"{\"a\":1".to_vec()),
                Frame::Body(b"{}".to_vec()),
                Frame::End
            ]
        );
    }

    #[test]
    fn a_length_one_too_long_gives_the_next_header_back() {
        let input = b"Content-Length: 8\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}";
        let got = block_on(async {
            let mut reader = FrameReader::new(&input[..]);
            let Frame::Body(body) = reader.next_frame(100).await else {
                panic!("a body");
            };
            assert_eq!(body, b"{\"a\":1}C");
            let end = after_json(&body).expect("JSON, then more");
            reader.unread(&body[end..]);
            reader.next_frame(100).await
        });
        assert_eq!(got, Frame::Body(b"{}".to_vec()));
        assert_eq!(after_json(b"{} \r\n"), None);
        assert_eq!(after_json(b"{\"a\""), None);
    }

    #[test]
    fn an_endless_header_line_is_held_in_bounded_memory() {
        let mut input = vec![b'x'; 4 << 20];
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let (frame, capacity) = block_on(async {
            let mut reader = FrameReader::new(&input[..]);
            let frame = reader.next_frame(100).await;
            (frame, reader.buffer.capacity())
        });
        assert_eq!(frame, Frame::Body(b"{}".to_vec()));
        assert!(capacity <= 4 * MAX_HEADER_LINE, "held {capacity} bytes");
    }

    #[test]
    fn an_oversized_frame_is_skipped_not_held() {
        let mut input = b"Content-Length: 100001\r\n\r\n".to_vec();
        input.extend(std::iter::repeat_n(b' ', 100_001));
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let got = block_on(frames(&input, 100_000));
        assert_eq!(
            got,
            [Frame::Unusable, Frame::Body(b"{}".to_vec()), Frame::End]
        );
    }

    #[test]
    fn only_what_the_transport_rejects_is_rejected() {
        let code = |body: &str| {
            rejection(body.as_bytes()).map(|r| {
                let v: Value = serde_json::from_slice(&r).expect("JSON");
                assert_eq!(v["id"], Value::Null);
                v["error"]["code"].as_i64().unwrap_or_default()
            })
        };
        assert_eq!(code("{\"jsonrp:"), Some(-32700));
        assert_eq!(code(""), Some(-32700));
        assert_eq!(code("[1, 2, 3]"), Some(-32600));
        assert_eq!(
            code(r#"{"jsonrpc": "2.0", "id": {"nested": true}, "method": 5}"#),
            Some(-32600)
        );
        assert_eq!(
            code(r#"{"jsonrpc": "2.0", "id": 1, "method": "x", "params": 7}"#),
            None
        );
        assert_eq!(
            code(r#"{"jsonrpc": "2.0", "method": "initialized", "params": {}}"#),
            None
        );
        assert_eq!(code(r#"{"jsonrpc": "2.0", "id": 3, "result": null}"#), None);
    }
}
