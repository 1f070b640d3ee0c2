//! Checking is incremental per declaration: after an edit, salsa re-runs only the queries whose
//! inputs changed. Observed through salsa's event log.

use k8sc_compiler::build::project_diagnostics;
use k8sc_compiler::db::Database;
use std::sync::{Arc, Mutex};

const APP: &str = r#"import std.tiers.production
import std.policies.{pinned_images}

app shop {
  tier: production
  policies: [pinned_images]
  network: open
}

service web {
  image: "ghcr.io/acme/web:1.0"
  port: http 8080
  probes { ready: http "/ready", live: http "/live" }
}

service api {
  image: "ghcr.io/acme/api:1.0"
  port: http 8080
  memory: 256Mi
  probes { ready: http "/ready", live: http "/live" }
}
"#;

const DB: &str = r#"database db {
  image: "docker.io/library/postgres:16.4"
  port: tcp 5432
  storage: 10Gi
  replicas: 2
  probes { ready: tcp, live: tcp }
}
"#;

/// A database that records the name of every query salsa executes.
fn logging_database() -> (Database, Arc<Mutex<Vec<String>>>) {
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = log.clone();
    let db = Database::with_event_callback(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind
            && let Ok(mut log) = sink.lock()
        {
            log.push(format!("{database_key:?}"));
        }
    });
    (db, log)
}

/// The queries executed so far, and a clean slate for the next step.
fn take(log: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    log.lock()
        .map(|mut l| std::mem::take(&mut *l))
        .unwrap_or_default()
}

/// Runs `edit`, then re-checks, and returns how many times each query ran for the re-check.
fn executions_after(edit: impl FnOnce(&mut Database, &[k8sc_compiler::db::File])) -> Vec<String> {
    let (mut db, log) = logging_database();
    let project = db.load_project(vec![
        ("app.k8s".to_string(), APP.to_string()),
        ("db.k8s".to_string(), DB.to_string()),
    ]);
    assert!(project_diagnostics(&db, project).is_empty());
    let files = project.files(&db).clone();
    take(&log);
    edit(&mut db, &files);
    let _ = project_diagnostics(&db, project);
    take(&log)
}

fn count(log: &[String], query: &str) -> usize {
    log.iter()
        .filter(|entry| entry.starts_with(&format!("{query}(")))
        .count()
}

#[test]
fn editing_one_declaration_rechecks_only_that_declaration() {
    let log = executions_after(|db, files| {
        let edited = APP.replace("memory: 256Mi", "memory: 512Mi");
        db.set_file_text(files[0], edited);
    });
    assert_eq!(
        count(&log, "parse"),
        1,
        "only the edited file is parsed: {log:#?}"
    );
    assert_eq!(
        count(&log, "check_decl"),
        1,
        "only `api` is re-checked: {log:#?}"
    );
    assert_eq!(
        count(&log, "resolve_imports"),
        1,
        "only the edited file's imports: {log:#?}"
    );
}

#[test]
fn an_untouched_file_is_not_reparsed_or_rechecked() {
    let log = executions_after(|db, files| {
        db.set_file_text(files[1], DB.replace("10Gi", "20Gi"));
    });
    assert_eq!(count(&log, "parse"), 1, "{log:#?}");
    assert_eq!(
        count(&log, "check_decl"),
        1,
        "only `db` is re-checked: {log:#?}"
    );
}

#[test]
fn a_whitespace_only_change_inside_a_declaration_reuses_the_others() {
    let log = executions_after(|db, files| {
        // Changes spans inside `api` only; `web` before it is untouched.
        db.set_file_text(files[0], APP.replace("memory: 256Mi", "memory:   256Mi"));
    });
    assert_eq!(count(&log, "check_decl"), 1, "{log:#?}");
}

#[test]
fn editing_one_workload_rechecks_only_that_workloads_rules() {
    let log = executions_after(|db, files| {
        let edited = APP.replace("memory: 256Mi", "memory: 512Mi");
        db.set_file_text(files[0], edited);
    });
    assert_eq!(
        count(&log, "lower_workload_decl"),
        1,
        "only `api` is lowered and checked against its rules again: {log:#?}"
    );
    for query in ["tier_layers", "tier_chain", "app_policies", "app_context"] {
        assert_eq!(
            count(&log, query),
            0,
            "`{query}` is reused: the tier and the app did not change: {log:#?}"
        );
    }
}

#[test]
fn editing_a_workload_in_another_file_rechecks_only_it() {
    let log = executions_after(|db, files| {
        db.set_file_text(files[1], DB.replace("replicas: 2", "replicas: 3"));
    });
    assert_eq!(count(&log, "lower_workload_decl"), 1, "only `db`: {log:#?}");
}

#[test]
fn diagnostics_after_an_edit_gather_only_the_edited_files() {
    let log = executions_after(|db, files| {
        db.set_file_text(files[1], DB.replace("replicas: 2", "replicas: 3"));
    });
    assert_eq!(
        count(&log, "file_diagnostics"),
        1,
        "the other files' diagnostics are reused: {log:#?}"
    );
    assert_eq!(count(&log, "app_diagnostics"), 1, "{log:#?}");
    assert_eq!(
        count(&log, "lower_env"),
        0,
        "`check` and the language server never copy the project's IR: {log:#?}"
    );
}

#[test]
fn an_edit_the_service_graph_does_not_see_does_not_check_the_graph_again() {
    let log = executions_after(|db, files| {
        db.set_file_text(files[0], APP.replace("memory: 256Mi", "memory: 512Mi"));
    });
    assert_eq!(
        count(&log, "app_graph"),
        1,
        "the edited app's graph is rebuilt: {log:#?}"
    );
    assert_eq!(
        count(&log, "env_graph_diagnostics"),
        0,
        "its graph is equal, so the environment's graph is not checked again: {log:#?}"
    );
}

#[test]
fn an_edit_of_a_call_checks_the_graph_again() {
    let log = executions_after(|db, files| {
        let edited = APP.replace("  memory: 256Mi\n", "  memory: 256Mi\n  calls: [web]\n");
        db.set_file_text(files[0], edited);
    });
    assert_eq!(count(&log, "env_graph_diagnostics"), 1, "{log:#?}");
    assert_eq!(
        count(&log, "env_graph"),
        0,
        "checking never gathers the resolved ports, which only `build` needs: {log:#?}"
    );
}

const PAYMENTS: &str = r#"app payments {
  network: open
}

service ledger {
  image: "ghcr.io/acme/ledger:1.0"
  port: http 8080
  probes { ready: http "/ready", live: http "/live" }
}
"#;

#[test]
fn typing_in_one_app_rechecks_the_graph_of_that_app_only() {
    let (mut db, log) = logging_database();
    let project = db.load_project(vec![
        ("shop/app.k8s".to_string(), APP.to_string()),
        ("shop/db.k8s".to_string(), DB.to_string()),
        ("payments/app.k8s".to_string(), PAYMENTS.to_string()),
    ]);
    let before = project_diagnostics(&db, project).clone();
    let files = project.files(&db).clone();
    let Some(shop) = files.iter().find(|f| f.path(&db) == "shop/app.k8s") else {
        panic!("the shop's file is loaded");
    };
    let first = take(&log);
    assert_eq!(count(&first, "app_graph_check"), 2, "two apps: {first:#?}");
    // A character typed into a comment before the workloads: every later span moves.
    db.set_file_text(*shop, APP.replace("service web {", "// x\nservice web {"));
    let after = project_diagnostics(&db, project).clone();
    let log = take(&log);
    assert_eq!(count(&log, "app_graph_check"), 1, "{log:#?}");
    assert_eq!(
        count(&log, "env_index"),
        0,
        "who calls whom did not change: {log:#?}"
    );
    assert_eq!(before.len(), after.len());
}

#[test]
fn a_value_edit_does_not_rebuild_the_app_structure() {
    let log = executions_after(|db, files| {
        db.set_file_text(files[0], APP.replace("memory: 256Mi", "memory: 512Mi"));
    });
    assert_eq!(count(&log, "file_declarations"), 1, "{log:#?}");
    assert_eq!(
        count(&log, "project_structure"),
        0,
        "no name changed and no text moved: {log:#?}"
    );
}

/// A database that records every query salsa executes or validates (verifies as still valid,
/// walking its dependencies or not): the work an edit costs.
fn work_logging_database() -> (Database, Arc<Mutex<Vec<String>>>) {
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = log.clone();
    let db = Database::with_event_callback(move |event| {
        let key = match event.kind {
            salsa::EventKind::WillExecute { database_key }
            | salsa::EventKind::DidValidateMemoizedValue { database_key } => database_key,
            _ => return,
        };
        if let Ok(mut log) = sink.lock() {
            log.push(format!("{key:?}"));
        }
    });
    (db, log)
}

/// An app of `services` services in one file.
fn payments_of(services: usize) -> String {
    let mut text = String::from("app payments {\n  network: open\n}\n");
    for i in 0..services {
        text.push_str(&format!(
            "\nservice s{i} {{\n  image: \"ghcr.io/acme/s:1.0\"\n  port: http 8080\n  probes {{ ready: http \"/ready\", live: http \"/live\" }}\n}}\n"
        ));
    }
    text
}

/// The queries executed or validated when a comment is typed into the shop's file, next to a
/// payments app of `services` services; `track` says whether the database keeps outlines, as
/// the language server does.
fn work_of_typing_next_to(services: usize, track: bool) -> Vec<String> {
    let (mut db, log) = work_logging_database();
    let project = db.load_project(vec![
        ("payments/app.k8s".to_string(), payments_of(services)),
        ("shop/app.k8s".to_string(), APP.to_string()),
        ("shop/db.k8s".to_string(), DB.to_string()),
    ]);
    if track {
        db.track_outlines(project);
    }
    let now = project_diagnostics(&db, project);
    assert!(now.is_empty(), "{now:#?}");
    let files = project.files(&db).clone();
    let Some(shop) = files.iter().find(|f| f.path(&db) == "shop/app.k8s") else {
        panic!("the shop's file is loaded");
    };
    // Two keystrokes, so that the second is measured after an edit already made the text low
    // durability, as in an editor.
    db.edit_file_text(*shop, APP.replace("service web {", "// x\nservice web {"));
    let _ = project_diagnostics(&db, project);
    take(&log);
    db.edit_file_text(*shop, APP.replace("service web {", "// xy\nservice web {"));
    let now = project_diagnostics(&db, project);
    assert!(now.is_empty(), "{now:#?}");
    take(&log)
}

#[test]
fn with_outlines_typing_costs_the_same_whatever_the_size_of_other_apps() {
    let small = work_of_typing_next_to(1, true);
    let large = work_of_typing_next_to(40, true);
    assert_eq!(
        small.len(),
        large.len(),
        "the other app's results are not even visited: {small:#?}\n{large:#?}"
    );
}

#[test]
fn without_outlines_typing_visits_every_other_app() {
    // The control for the test above: a one-shot database (no outlines) reads every file's
    // parse for the app structure, so salsa walks the other app's results after every edit.
    let small = work_of_typing_next_to(1, false);
    let large = work_of_typing_next_to(40, false);
    assert!(
        large.len() > small.len() + 40,
        "{} vs {}",
        small.len(),
        large.len()
    );
}

#[test]
fn an_outline_follows_a_renamed_workload() {
    let (mut db, _log) = logging_database();
    let project = db.load_project(vec![
        ("app.k8s".to_string(), APP.to_string()),
        ("db.k8s".to_string(), DB.to_string()),
    ]);
    db.track_outlines(project);
    let now = project_diagnostics(&db, project);
    assert!(now.is_empty(), "{now:#?}");
    let files = project.files(&db).clone();
    db.edit_file_text(files[0], APP.replace("service api {", "service web {"));
    let codes: Vec<String> = project_diagnostics(&db, project)
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    assert_eq!(codes, ["E0006"], "a duplicate name is reported at once");
    db.edit_file_text(files[0], APP.to_string());
    let now = project_diagnostics(&db, project);
    assert!(now.is_empty(), "{now:#?}");
}
