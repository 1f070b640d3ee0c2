//! Moving an app from `foundation` to `production` changes its output exactly as
//! docs/precedence.md describes; the golden diff below is that change, reviewed.

use k8sc_compiler::build::build;
use k8sc_compiler::db::Database;

const APP: &str = r#"
import std.tiers.{foundation, production}

app shop {
  tier: TIER
}

/// A service that writes only what it must.
service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  probes { ready: http "/ready", live: http "/healthz" }
}
"#;

fn output(tier: &str) -> String {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), APP.replace("TIER", tier))]);
    let result = build(&db, project);
    let errors: Vec<_> = result.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let tree = result.tree.expect("builds");
    let mut out = String::new();
    for (path, content) in &tree.files {
        out.push_str(&format!("==> {path} <==\n{content}\n"));
    }
    out
}

#[test]
fn foundation_to_production_diff() {
    let foundation = output("foundation");
    let production = output("production");
    let diff = similar::TextDiff::from_lines(&foundation, &production)
        .unified_diff()
        .context_radius(2)
        .header("tier: foundation", "tier: production")
        .to_string();
    crate::support::snapshot_settings()
        .bind(|| insta::assert_snapshot!("tier_change__foundation_to_production_diff", diff));
}
