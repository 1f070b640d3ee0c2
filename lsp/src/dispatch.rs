//! Running analyses off the message loop: each on its own snapshot on tokio's blocking pool,
//! with salsa cancellation and panics turned into outcomes instead of unwinding into the server.

use crate::snapshot::Snapshot;
use salsa::Database as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Stack size of the server's threads: generous, like the CLI's, so no input exhausts it.
pub const STACK_SIZE: usize = 64 * 1024 * 1024;

/// How a computation on a snapshot ended.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It finished.
    Done(T),
    /// An edit (or the client) cancelled it.
    Cancelled,
    /// It panicked: a bug, reported with this message.
    Panicked(String),
}

/// Runs `f` on `snapshot`, catching cancellation and panics.
pub fn catch<T>(snapshot: &Snapshot, f: impl FnOnce(&Snapshot) -> T) -> Outcome<T> {
    match catch_unwind(AssertUnwindSafe(|| f(snapshot))) {
        Ok(value) => Outcome::Done(value),
        Err(payload) if payload.is::<salsa::Cancelled>() => Outcome::Cancelled,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Outcome::Panicked(message)
        }
    }
}

/// Cancels the computation on a snapshot when dropped before [`CancelOnDrop::disarm`]: a request
/// the client cancelled (its future is dropped) stops computing at the next query.
pub struct CancelOnDrop(Option<salsa::CancellationToken>);

impl CancelOnDrop {
    /// Guards the computation running on `snapshot`.
    pub fn new(snapshot: &Snapshot) -> CancelOnDrop {
        CancelOnDrop(Some(snapshot.db.cancellation_token()))
    }

    /// The computation finished: nothing to cancel.
    pub fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(token) = self.0.take() {
            token.cancel();
        }
    }
}

/// Starts `f` on `snapshot` on the blocking pool, at once. Snapshots must never wait in an
/// async task that might not be polled: an edit blocks until every snapshot is dropped.
pub fn spawn<T, F>(snapshot: Snapshot, f: F) -> tokio::task::JoinHandle<Outcome<T>>
where
    T: Send + 'static,
    F: FnOnce(&Snapshot) -> T + Send + 'static,
{
    tokio::task::spawn_blocking(move || catch(&snapshot, f))
}

/// How a spawned computation ended.
pub async fn join<T>(handle: tokio::task::JoinHandle<Outcome<T>>) -> Outcome<T> {
    match handle.await {
        Ok(outcome) => outcome,
        Err(error) => Outcome::Panicked(error.to_string()),
    }
}

/// Runs `f` on `snapshot` on the blocking pool; dropping the future (a request the client
/// cancelled) cancels the computation.
pub async fn run<T, F>(snapshot: Snapshot, f: F) -> Outcome<T>
where
    T: Send + 'static,
    F: FnOnce(&Snapshot) -> T + Send + 'static,
{
    let guard = CancelOnDrop::new(&snapshot);
    let outcome = join(spawn(snapshot, f)).await;
    guard.disarm();
    outcome
}
