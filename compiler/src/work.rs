//! A count of the diagnostics compared while the build gathers and deduplicates them (one per
//! equality test or set lookup): how the work-counting tests (`compiler/tests/linear_checking.rs`)
//! see a comparison of every diagnostic with every one gathered before, which turned a file of
//! 80,000 warned services quadratic. It is a measure, never a limit, and costs one relaxed atomic
//! addition per comparison.

use std::sync::atomic::{AtomicU64, Ordering};

static DIAGNOSTICS_COMPARED: AtomicU64 = AtomicU64::new(0);

/// Counts one comparison (or set lookup) of a diagnostic.
pub(crate) fn compare_diagnostic() {
    DIAGNOSTICS_COMPARED.fetch_add(1, Ordering::Relaxed);
}

/// How many diagnostics have been compared in this process (every thread): a test takes the
/// difference across the work it measures.
pub fn diagnostics_compared() -> u64 {
    DIAGNOSTICS_COMPARED.load(Ordering::Relaxed)
}
