//! The real binary marks changes the API server will not apply in place — in `k8sc diff OLD
//! NEW`, `k8sc diff --against REV` and `k8sc build --check` — and `--deny-immutable` turns them
//! into exit status 1 (and, for `k8sc build`, writes nothing).

use crate::support;

use std::path::Path;
use support::{code, git, k8sc_in, scratch, snapshot, stderr, stdout};

const APP: &str = "
app shop {
  namespace: shop
  team: payments
}

service web {
  image: \"ghcr.io/acme/web:2.3.1\"
  port: http 8080
  probes { ready: http \"/ready\", live: http \"/healthz\" }
}

database db {
  image: \"docker.io/library/postgres:16.4\"
  port: tcp 5432
  storage: 20Gi
  user: 999
  probes { ready: tcp, live: tcp }
}
";

/// The storage size lives in the StatefulSet's claim template: a change the API server refuses.
fn resized() -> String {
    APP.replace("storage: 20Gi", "storage: 30Gi")
}

/// A routine upgrade: new images, another team.
fn upgraded() -> String {
    APP.replace("postgres:16.4", "postgres:16.5")
        .replace("web:2.3.1", "web:2.4.0")
        .replace("team: payments", "team: checkout")
}

const MARKED: &str =
    "  ! spec.volumeClaimTemplates[0].spec.resources.requests.storage: \"20Gi\" → \"30Gi\"\n";
const REMEDY: &str = "    ! `spec.volumeClaimTemplates` cannot be updated in place: a StatefulSet's claim templates, storage size included, are fixed at creation: `kubectl delete statefulset db --namespace shop --cascade=orphan` (its pods and claims `data-db-N` stay), grow each claim to the new size with `kubectl patch pvc`";
const SUMMARY: &str = "! 1 change the API server will not apply in place (a `kubectl apply` or an Argo CD sync fails on it): StatefulSet/db spec.volumeClaimTemplates\n";

/// Builds `source` as a one-file project into `dir/NAME`; returns that folder.
fn build_source(dir: &Path, name: &str, source: &str) -> String {
    let project = dir.join(format!("{name}-src"));
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(project.join("app.k8s"), source).expect("write");
    let out = dir.join(name).to_string_lossy().into_owned();
    let output = k8sc_in(dir, &["build", &project.to_string_lossy(), "--out", &out]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    out
}

#[test]
fn diff_marks_a_claim_template_change_and_deny_immutable_fails_on_it() {
    let dir = scratch("diff-resized");
    let old = build_source(&dir, "old", APP);
    let new = build_source(&dir, "new", &resized());
    let output = k8sc_in(&dir, &["diff", &old, &new]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("~ StatefulSet/db (apps/v1, namespace shop)\n"),
        "{text}"
    );
    assert!(text.contains(MARKED), "{text}");
    assert!(text.contains(REMEDY), "{text}");
    assert!(
        text.ends_with(&format!("\n1 changed, 0 added, 0 removed\n{SUMMARY}")),
        "{text}"
    );

    let denied = k8sc_in(&dir, &["diff", &old, &new, "--deny-immutable"]);
    assert_eq!(code(&denied), 1, "{}", stderr(&denied));
    assert_eq!(stdout(&denied), text);
    assert!(
        stderr(&denied).contains(
            "1 change(s) the API server will not apply in place are denied (--deny-immutable)"
        ),
        "{}",
        stderr(&denied)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_routine_upgrade_is_unmarked_and_passes_deny_immutable() {
    let dir = scratch("diff-upgraded");
    let old = build_source(&dir, "old", APP);
    let new = build_source(&dir, "new", &upgraded());
    let output = k8sc_in(&dir, &["diff", &old, &new]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("~ StatefulSet/db (apps/v1, namespace shop)\n"),
        "{text}"
    );
    assert!(
        text.contains("metadata.labels.team: \"payments\" → \"checkout\""),
        "{text}"
    );
    assert!(!text.contains('!'), "{text}");

    let allowed = k8sc_in(&dir, &["diff", &old, &new, "--deny-immutable"]);
    assert_eq!(code(&allowed), 0, "{}", stderr(&allowed));
    assert_eq!(stdout(&allowed), text);
    assert!(
        stderr(&allowed).contains("every change can be applied in place"),
        "{}",
        stderr(&allowed)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn renaming_the_app_changes_the_selectors() {
    // The instance label (app and workload name) selects the pods: renaming the app is a new
    // selector for every controller.
    let dir = scratch("diff-renamed");
    let old = build_source(&dir, "old", APP);
    let new = build_source(&dir, "new", &APP.replace("app shop {", "app store {"));
    let output = k8sc_in(&dir, &["diff", &old, &new, "--deny-immutable"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("    ! `spec.selector` cannot be updated in place: a Deployment's selector is fixed at creation: delete and recreate it (`kubectl delete deployment web --namespace shop`"), "{text}");
    assert!(text.contains("Deployment/web spec.selector"), "{text}");
    assert!(text.contains("StatefulSet/db spec.selector"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_against_a_revision_marks_the_change() {
    let repo = scratch("against-resized");
    std::fs::write(repo.join("app.k8s"), APP).expect("write");
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    std::fs::write(repo.join("app.k8s"), resized()).expect("write");
    let output = k8sc_in(&repo, &["diff", "--against", "HEAD", "--deny-immutable"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains(MARKED), "{text}");
    assert!(text.ends_with(SUMMARY), "{text}");

    std::fs::write(repo.join("app.k8s"), upgraded()).expect("write");
    let output = k8sc_in(&repo, &["diff", "--against", "HEAD", "--deny-immutable"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!stdout(&output).contains('!'), "{}", stdout(&output));
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn build_check_lists_the_change_and_build_deny_immutable_writes_nothing() {
    let dir = scratch("build-resized");
    let out = build_source(&dir, "out", APP);
    let project = dir.join("out-src");
    std::fs::write(project.join("app.k8s"), resized()).expect("write");
    let project = project.to_string_lossy().into_owned();

    let check = k8sc_in(&dir, &["build", &project, "--out", &out, "--check"]);
    assert_eq!(code(&check), 1, "{}", stderr(&check));
    let text = stdout(&check);
    assert!(
        text.contains("  changed  default/kubernetes/statefulset-db.yaml\n"),
        "{text}"
    );
    assert!(
        text.contains("k8sc: of these, the API server will not apply in place:\n! StatefulSet/db (apps/v1, namespace shop): `spec.volumeClaimTemplates` cannot be updated in place: a StatefulSet's claim templates"),
        "{text}"
    );
    assert!(
        stderr(&check).contains("the changes marked `!` need the steps above"),
        "{}",
        stderr(&check)
    );

    let before = snapshot(Path::new(&out));
    let denied = k8sc_in(
        &dir,
        &["build", &project, "--out", &out, "--deny-immutable"],
    );
    assert_eq!(code(&denied), 1, "{}", stderr(&denied));
    assert!(stderr(&denied).contains("k8sc: nothing written: 1 change(s) the API server will not apply in place are denied (--deny-immutable)"), "{}", stderr(&denied));
    assert!(
        stderr(&denied).contains("--cascade=orphan"),
        "{}",
        stderr(&denied)
    );
    assert_eq!(snapshot(Path::new(&out)), before, "nothing is written");

    // A routine upgrade is written, and `--check` then finds nothing to mark.
    std::fs::write(dir.join("out-src/app.k8s"), upgraded()).expect("write");
    let check = k8sc_in(&dir, &["build", &project, "--out", &out, "--check"]);
    assert_eq!(code(&check), 1, "{}", stderr(&check));
    assert!(
        !stdout(&check).contains("will not apply in place"),
        "{}",
        stdout(&check)
    );
    let written = k8sc_in(
        &dir,
        &["build", &project, "--out", &out, "--deny-immutable"],
    );
    assert_eq!(code(&written), 0, "{}", stderr(&written));
    assert_ne!(snapshot(Path::new(&out)), before);
    let _ = std::fs::remove_dir_all(&dir);
}
