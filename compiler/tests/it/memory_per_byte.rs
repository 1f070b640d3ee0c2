//! Memory per byte of input, counted rather than sampled: what `k8sc check` holds at its peak —
//! the parsed files, every declaration's typed spec, every workload's IR in every environment, the
//! memoised diagnostics, and the rendering of them — divided by the bytes of `.k8s` it read.
//! A counting allocator adds up the live heap bytes of the checking thread, so the figure is exact
//! and the same on every machine and every run (docs/performance.md, "Memory").
//!
//! Before this bound, a service of a few lines cost about 15 KB at the peak: its typed spec was
//! 4 KB and its IR 3 KB, mostly empty optional fields each carrying a 56-byte origin (layer and
//! file copied into every value), and the rendering held every diagnostic twice more. 80,000
//! services (6.8 MB) peaked at 1.3 GB of resident memory, 190 bytes per byte; the issue that asked
//! for less found 110–140.

use k8sc_compiler::build::{exceptions, project_diagnostics};
use k8sc_compiler::db::Database;
use k8sc_compiler::diagnostics::write_all;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;

/// Heap bytes at the peak of checking, per byte of source, for the two families below: 99 and
/// 74 when set (188 and 134 before); 108 and 80 since issue 21's fields (docs/performance.md).
const SERVICES_BYTES_PER_BYTE: usize = 110;
const WORKLOADS_BYTES_PER_BYTE: usize = 85;

/// The system allocator, counting the live bytes and their peak of each thread.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // Not during a thread's teardown, when its counters are gone.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is passed to the system allocator unchanged; the counting touches only
// thread-local `Cell`s, which allocate nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            count(layout.size() as isize);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(pointer, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The peak heap, above what was live before, of checking `files` as `k8sc check` does: load,
/// every diagnostic, rendered, then the exceptions listed. `clean`: the files have no problem.
fn peak_of_checking(files: Vec<(String, String)>, clean: bool) -> usize {
    let texts: BTreeMap<String, String> = files.iter().cloned().collect();
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    {
        let db = Database::new();
        let project = db.load_project(files);
        let diagnostics = project_diagnostics(&db, project);
        if clean {
            assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        }
        write_all(diagnostics, &texts, false, &mut std::io::sink()).expect("a sink takes it all");
        let _ = exceptions(&db, project);
    }
    usize::try_from(PEAK.with(Cell::get) - start).unwrap_or(0)
}

/// `n` three-line services in one file, with their app: the shape the issue measured (each has a
/// warning, no readiness probe).
fn services(n: usize) -> Vec<(String, String)> {
    let mut text = String::from("app big {\n  namespace: big\n  team: t\n}\n");
    for i in 0..n {
        text.push_str(&format!(
            "\nservice s{i} {{\n  image: \"ghcr.io/acme/s{i}:1.0.0\"\n  ports {{ http: http 8080 }}\n}}\n"
        ));
    }
    vec![("app.k8s".to_string(), text)]
}

/// `n` workloads of every common shape — a service with probes, environment variables and a
/// call, a worker, a cron job — under an app of the production tier (rules checked for every
/// workload) with defaults, in two environments. Checks without a problem.
fn workloads(n: usize) -> Vec<(String, String)> {
    let mut text = String::from(
        "import std.tiers.production\n\napp big {\n  namespace: big\n  team: t\n  tier: production\n  quota { cpu: 10000, memory: 100000Gi, pods: 100000 }\n  defaults {\n    cpu: 100m\n    memory: 128Mi\n  }\n}\n\nenv staging {}\n\nenv prod : staging {}\n",
    );
    for i in 0..n {
        let next = (i + 1) % n;
        text.push_str(&format!(
            "\nservice api{i} {{\n  image: \"ghcr.io/acme/api:1.{i}.0\"\n  ports {{ http: http 8080 }}\n  replicas: 2\n  probes {{\n    ready: http \"/ready\"\n    live: http \"/live\"\n  }}\n  env {{\n    LOG_LEVEL: \"info\"\n    REGION: \"eu-{i}\"\n  }}\n  calls: [api{next}]\n}}\n\nworker jobs{i} {{\n  image: \"ghcr.io/acme/jobs:1.0.0\"\n  ports {{ metrics: http 9090 }}\n  memory: 256Mi\n  probes {{ ready: http \"/readyz\", live: http \"/livez\" }}\n}}\n\ncron nightly{i} {{\n  image: \"ghcr.io/acme/nightly:1.0.0\"\n  schedule: \"0 3 * * *\"\n}}\n"
        ));
    }
    vec![("app.k8s".to_string(), text)]
}

fn bytes(files: &[(String, String)]) -> usize {
    files.iter().map(|(_, text)| text.len()).sum()
}

#[test]
fn checking_holds_a_bounded_number_of_bytes_per_byte_of_source() {
    // The standard library and the fixed parts are paid once: measured at two sizes, the
    // difference is the cost per byte of what grows.
    type Family = fn(usize) -> Vec<(String, String)>;
    for (name, family, clean, bound) in [
        (
            "services",
            services as Family,
            false,
            SERVICES_BYTES_PER_BYTE,
        ),
        ("workloads", workloads, true, WORKLOADS_BYTES_PER_BYTE),
    ] {
        let (small, large) = (family(500), family(2500));
        let grown = bytes(&large) - bytes(&small);
        let small_peak = peak_of_checking(small, clean);
        let large_peak = peak_of_checking(large, clean);
        let per_byte = large_peak.saturating_sub(small_peak) / grown;
        eprintln!("{name}: {small_peak} → {large_peak} bytes at the peak, {per_byte} per byte");
        assert!(
            per_byte <= bound,
            "{name}: {per_byte} bytes of heap per byte of source (at most {bound})"
        );
    }
}
