//! The binary's global allocator, mimalloc, kept quiet whatever the environment says.
//!
//! mimalloc reads `MIMALLOC_*` environment variables when the process starts, before `main`
//! (a C constructor): k8sc cannot stop that read. Its three printing options — statistics at exit
//! (`MIMALLOC_SHOW_STATS`), error messages (`MIMALLOC_SHOW_ERRORS`) and verbose messages
//! (`MIMALLOC_VERBOSE`) — are switched off again first thing in `main`, so that the environment
//! cannot add text to k8sc's output streams; the tuning options (page sizes, reservations, purge
//! delays, limits on OS allocation) stay as read: they change only memory use and speed (set
//! absurdly, they can make k8sc run out of memory and stop). SECURITY.md states this.

/// mimalloc instead of the system allocator: the compiler allocates many small values (syntax
/// trees, IR, JSON documents, YAML strings) and glibc's malloc spent a third of a large build in
/// allocation and heap growth; see docs/performance.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option numbers (`mi_option_t` in `mimalloc.h`): the three "stable options", the same
/// in mimalloc 2 and 3.
const SHOW_ERRORS: i32 = 0;
const SHOW_STATS: i32 = 1;
const VERBOSE: i32 = 2;

unsafe extern "C" {
    /// `void mi_option_set(mi_option_t option, long value)`, part of the statically linked
    /// mimalloc library the `mimalloc` crate builds.
    fn mi_option_set(option: i32, value: std::ffi::c_long);
}

/// Switches off mimalloc's printing, whatever `MIMALLOC_*` variables set at start-up.
pub fn quiet() {
    for option in [SHOW_ERRORS, SHOW_STATS, VERBOSE] {
        // SAFETY: `mi_option_set` stores a number in mimalloc's option table (atomically); it has
        // no precondition on its arguments beyond being an option number, which these are.
        unsafe { mi_option_set(option, 0) };
    }
}
