//! A count of the top-level items visited through [`SourceFile::decls`](crate::SourceFile::decls)
//! and [`SourceFile::imports`](crate::SourceFile::imports): how the checker's work-counting tests
//! (`compiler/tests/linear_checking.rs`) see a scan of a whole file made once per declaration,
//! which turns a large file's checking quadratic. It is a measure, never a limit, and costs one
//! relaxed atomic addition per item visited.

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
