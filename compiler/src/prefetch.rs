//! Parsing every file of a project on every core before the single-threaded passes start: the
//! parse of each file is independent of the others, and on a large project it is the biggest
//! single part of a `check` (pest parses about 3 MB/s). The passes that follow read the parses
//! from salsa's memos, whichever thread computed them.

use crate::db::{Database, Project};
use crate::syntax::parse;
use std::thread;

/// Below this many files the threads cost more than they save.
const MIN_FILES: usize = 16;

/// Parses every file of `project` on `available_parallelism()` threads, each on a clone of `db`
/// (salsa shares the memos between clones). A thread that cannot start or panics leaves its files
/// to be parsed on demand later, so the result never depends on this step.
pub fn parse_all(db: &Database, project: Project) {
    let threads = thread::available_parallelism().map_or(1, usize::from);
    let files = project.all_files(db);
    if threads < 2 || files.len() < MIN_FILES {
        return;
    }
    // Interleaved, so large and small files (the standard library's) are spread over threads.
    thread::scope(|scope| {
        for offset in 0..threads {
            let db = db.clone();
            let files = &files;
            let _ = thread::Builder::new()
                .name("k8sc-parse".to_string())
                .stack_size(crate::output::parallel::STACK_SIZE)
                .spawn_scoped(scope, move || {
                    for file in files.iter().skip(offset).step_by(threads) {
                        let _ = parse(&db, *file);
                    }
                });
        }
    });
}
