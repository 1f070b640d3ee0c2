//! `prefetch::parse_all` parses a project's files on every core before the checks run: every
//! file is parsed exactly once, on the helper threads, and the checks then find every parse in
//! salsa's memos and report the same diagnostics as without it.

use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::Database;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

/// Forty files of one app, one with a mistake, so the diagnostics are not trivially empty.
fn files() -> Vec<(String, String)> {
    let mut files = vec![(
        "app.k8s".to_string(),
        "import std.tiers.production\n\napp shop {\n  tier: production\n  team: t\n}\n".to_string(),
    )];
    for n in 0..40 {
        let replicas = if n == 7 { "1" } else { "2..4" };
        files.push((
            format!("svc{n:02}.k8s"),
            format!(
                "service s{n} {{\n  image: \"ghcr.io/acme/s{n}:1.0.0\"\n  port: http 8080\n  replicas: {replicas}\n\
                   cpu: 100m..500m\n  memory: 128Mi..256Mi\n  probes {{ ready: http \"/ready\", live: http \"/healthz\" }}\n}}\n"
            ),
        ));
    }
    files
}

type Log = Arc<Mutex<Vec<(ThreadId, String)>>>;

/// A database that records every parse salsa executes, and on which thread.
fn logging_database() -> (Database, Log) {
    let log: Log = Arc::default();
    let sink = log.clone();
    let db = Database::with_event_callback(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind {
            let key = format!("{database_key:?}");
            if key.starts_with("parse(")
                && let Ok(mut log) = sink.lock()
            {
                log.push((event.thread_id, key));
            }
        }
    });
    (db, log)
}

#[test]
fn files_are_parsed_once_on_the_helper_threads_and_the_checks_agree() {
    let (db, log) = logging_database();
    let project = db.load_project(files());
    let file_count = project.all_files(&db).len();
    k8sc_compiler::prefetch::parse_all(&db, project);
    let prefetched = std::mem::take(&mut *log.lock().expect("log"));
    let diagnostics = project_diagnostics(&db, project).clone();
    let afterwards = std::mem::take(&mut *log.lock().expect("log"));

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if cores >= 2 {
        assert_eq!(prefetched.len(), file_count, "every file parsed once");
        let here = std::thread::current().id();
        assert!(prefetched.iter().all(|(thread, _)| *thread != here));
        assert!(afterwards.is_empty(), "parsed again: {afterwards:?}");
    }

    let plain = Database::new();
    let plain_project = plain.load_project(files());
    assert_eq!(&diagnostics, project_diagnostics(&plain, plain_project));
    assert!(diagnostics.iter().any(|d| d.primary.file == "svc07.k8s"));
}
