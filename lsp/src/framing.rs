//! A guard between the client and `tower-lsp-server`: the server's transport ends the whole
//! session at the first message it cannot decode (invalid JSON, JSON that is not a JSON-RPC
//! message, a frame without a `Content-Length`), so one malformed message from a buggy client
//! would take the language server down. Every frame from the client is read and checked here
//! first, exactly as the transport would decode it; a bad one is answered with the JSON-RPC error
//! (-32700 "Parse error" or -32600 "Invalid request", id `null`) and dropped, and only good frames
//! reach the server. The server's own output and these errors are written to the client whole
//! frame by whole frame, so they never interleave.

use serde_json::{Value, json};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt,
};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message accepted (a `didOpen` of the largest `.k8s` file, JSON-escaped, fits);
/// a larger one is skipped unread and answered with an error instead of being held in memory.
pub const MAX_MESSAGE: usize = 4 * k8sc_grammar::MAX_FILE_SIZE;

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

/// Reads the next frame: headers up to an empty line, then `Content-Length` bytes of body (a body
/// over `max` bytes is skipped).
pub async fn read_frame(reader: &mut (impl AsyncBufRead + Unpin), max: usize) -> Frame {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are tolerated.
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
    let Some(length) = length else {
        return Frame::Unusable;
    };
    if length > max {
        // Skip the body without holding it, so that the next frame is read in step.
        let skipped =
            tokio::io::copy(&mut reader.take(length as u64), &mut tokio::io::sink()).await;
        return match skipped {
            Ok(n) if n == length as u64 => Frame::Unusable,
            _ => Frame::End,
        };
    }
    let mut body = vec![0; length];
    match reader.read_exact(&mut body).await {
        Ok(_) => Frame::Body(body),
        Err(_) => Frame::End,
    }
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

/// Copies the client's frames to the server, answering the bad ones through `replies`; returns
/// at the end of the client's stream (or when the server stops reading), closing `server`.
pub async fn guard_input(
    client: impl AsyncRead + Unpin,
    mut server: impl AsyncWrite + Unpin,
    replies: UnboundedSender<Vec<u8>>,
) {
    let mut client = tokio::io::BufReader::new(client);
    loop {
        let reply = match read_frame(&mut client, MAX_MESSAGE).await {
            Frame::End => break,
            Frame::Unusable => rejection(b"").unwrap_or_default(),
            Frame::Body(body) => match rejection(&body) {
                None => {
                    if server.write_all(&frame(&body)).await.is_err() {
                        break;
                    }
                    continue;
                }
                Some(reply) => reply,
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
    let mut server = tokio::io::BufReader::new(server);
    while let Frame::Body(body) = read_frame(&mut server, usize::MAX).await {
        if replies.send(frame(&body)).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8], max: usize) -> Vec<Frame> {
        let mut reader = tokio::io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            let frame = read_frame(&mut reader, max).await;
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
