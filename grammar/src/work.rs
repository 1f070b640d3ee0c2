//! Counts of the grammar's work, for the work-counting tests: the top-level items visited through
//! [`SourceFile::decls`](crate::SourceFile::decls) and
//! [`SourceFile::imports`](crate::SourceFile::imports) — how `compiler/tests/it/linear_checking.rs`
//! sees a scan of a whole file made once per declaration, which turns a large file's checking
//! quadratic — and the bytes of text handed to a parser — how `compiler/tests/it/limits.rs` sees a
//! file parsed more than once, or one above the size limit parsed at all. They are measures, never
//! limits, and cost one relaxed atomic addition each.

use std::sync::atomic::{AtomicU64, Ordering};

static ITEMS_VISITED: AtomicU64 = AtomicU64::new(0);

/// Counts one top-level item visited.
pub(crate) fn visit_item() {
    ITEMS_VISITED.fetch_add(1, Ordering::Relaxed);
}

/// How many top-level items the iterators of every parsed file have visited in this process
/// (every thread): a test takes the difference across the work it measures.
pub fn items_visited() -> u64 {
    ITEMS_VISITED.load(Ordering::Relaxed)
}

static BYTES_PARSED: AtomicU64 = AtomicU64::new(0);

/// Counts `bytes` of text a parser (the hand-written one or pest's) starts on.
pub(crate) fn parse_bytes(bytes: usize) {
    BYTES_PARSED.fetch_add(bytes as u64, Ordering::Relaxed);
}

/// How many bytes of text the parsers have been given in this process (every thread), after the
/// size limit: a file refused for its size adds nothing.
pub fn bytes_parsed() -> u64 {
    BYTES_PARSED.load(Ordering::Relaxed)
}
