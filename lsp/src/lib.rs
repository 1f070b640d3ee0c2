//! The k8sc language server.
//!
//! It serves the compiler's salsa database ([`k8sc_compiler::db::Database`]) over LSP with
//! `tower-lsp-server`: the workspace folder's `.k8s` files are inputs, open editor buffers
//! override what is on disk, and every diagnostic `k8sc check` reports is published as you type.
//! This is the only crate of the workspace that knows LSP types.
//!
//! Architecture (after rust-analyzer, ty_server and django-language-server):
//!
//! - [`workspace::Workspace`] owns the database and applies edits; an edit is applied before the
//!   server reads the next message, so requests always see the text that preceded them.
//! - Every request and every diagnostics run works on a [`snapshot::Snapshot`] — a clone of the
//!   database — on tokio's blocking pool ([`dispatch`]). An edit cancels the computations running
//!   on older snapshots (salsa unwinds them with `salsa::Cancelled`); a cancelled request is run
//!   again on the new text, or answered with `ContentModified` when its own document changed.
//!   A panic in a request becomes an error response and a log line; the server carries on.
//! - [`features`] holds one module per LSP feature, each a pure function of a snapshot.

mod capabilities;
pub mod dispatch;
pub mod features;
pub mod framing;
pub mod line_index;
mod server;
pub mod snapshot;
pub mod uris;
pub mod workspace;

pub use server::{K8scServer, service};
use tokio::io::AsyncWriteExt;

/// Runs the language server on stdin/stdout until the client exits. Returns whether the session
/// ended properly: false when the client sent `exit` without `shutdown` first, which the LSP
/// specification answers with exit status 1.
pub fn run_stdio() -> std::io::Result<bool> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(dispatch::STACK_SIZE)
        .enable_all()
        .build()?;
    let lifecycle = std::sync::Arc::new(framing::Lifecycle::default());
    runtime.block_on(async {
        let (service, socket) = service();
        // The server talks to in-memory pipes; `framing` stands between them and the client.
        let (server_input, to_server) = tokio::io::duplex(1 << 16);
        let (server_output, from_server) = tokio::io::duplex(1 << 16);
        let (replies, mut outgoing) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
        tokio::spawn(framing::guard_input(
            tokio::io::stdin(),
            to_server,
            replies.clone(),
            lifecycle.clone(),
        ));
        tokio::spawn(framing::forward_output(from_server, replies));
        let writer = tokio::spawn(async move {
            let mut stdout = tokio::io::stdout();
            while let Some(frame) = outgoing.recv().await {
                if stdout.write_all(&frame).await.is_err() || stdout.flush().await.is_err() {
                    break;
                }
            }
        });
        tower_lsp_server::Server::new(server_input, server_output, socket)
            .concurrency_level(64)
            .serve(service)
            .await;
        // Everything the server wrote is on its way out: let the writer finish it.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), writer).await;
    });
    // The client is gone (or said `exit`): do not wait for requests still computing on the
    // blocking pool, whose answers nobody will read.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    Ok(!lifecycle.exited_without_shutdown())
}
