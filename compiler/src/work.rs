//! Counts of the work of gathering and rendering diagnostics: the diagnostics compared while the
//! build gathers and deduplicates them (one per equality test or set lookup), the bytes of
//! source read to place labels in lines and characters, and the bytes the secret detector reads
//! for a value's shape (a file rendered whole for redaction shows there:
//! `compiler/tests/it/limits.rs`). They are how the work-counting tests
//! (`compiler/tests/it/linear_checking.rs`) see a comparison of every diagnostic with every one
//! gathered before, or a count from the start of the file for every label, either of which turned
//! a file of 80,000 warned services quadratic. They are measures, never limits, and cost one
//! relaxed atomic addition each.

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

static SOURCE_BYTES_SCANNED: AtomicU64 = AtomicU64::new(0);

/// Counts `bytes` of a source file read to turn offsets into lines and characters.
pub(crate) fn scan_source(bytes: usize) {
    SOURCE_BYTES_SCANNED.fetch_add(bytes as u64, Ordering::Relaxed);
}

/// How many bytes of source files rendering diagnostics has read to find their lines and
/// characters in this process (every thread): counting from the start of the file for every
/// label made rendering one large file's diagnostics quadratic.
pub fn source_bytes_scanned() -> u64 {
    SOURCE_BYTES_SCANNED.load(Ordering::Relaxed)
}

static SECRET_BYTES_SCANNED: AtomicU64 = AtomicU64::new(0);

/// Counts `bytes` of text the secret detector reads for the shape of a credential.
pub(crate) fn scan_for_secrets(bytes: usize) {
    SECRET_BYTES_SCANNED.fetch_add(bytes as u64, Ordering::Relaxed);
}

/// How many bytes of text the secret detector has read for shapes in this process (every
/// thread): values, generated documents, diagnostics' words and the source lines a diagnostic
/// shows. Redacting a whole file to show one line of it made a 100 MB file's one diagnostic take
/// 86 s.
pub fn secret_bytes_scanned() -> u64 {
    SECRET_BYTES_SCANNED.load(Ordering::Relaxed)
}
