//! A workspace of in-memory files and helpers to address positions in them by their text.

#![allow(dead_code)]

use k8sc_lsp::snapshot::Snapshot;
use k8sc_lsp::workspace::Workspace;
use std::path::PathBuf;
use std::str::FromStr;
use tower_lsp_server::ls_types::{CompletionResponse, Hover, HoverContents, Position, Uri};

/// The (never read) folder the fixtures pretend to live in.
pub const ROOT: &str = "/k8sc-fixture";

/// The shop example, split over two files: the app with `web` and `api`, and `workers.k8s`.
pub const APP: &str = r#"import std.tiers.production
import std.policies.{pinned_images, trusted_registries}

app shop {
  namespace: shop
  tier: production
  policies: [pinned_images, trusted_registries(["ghcr.io/acme"])]
  gateway: "gateway-system/public"
}

/// The storefront.
service web {
  image: "ghcr.io/acme/web:2.3.1"
  port: http 8080
  cpu: 250m..1
  probes { ready: http "/ready", live: http "/healthz" }
  calls: [api]
}

/// The order API.
service api {
  image: "ghcr.io/acme/api:1.9.0"
  port: grpc 9090
  replicas: 2..6
  probes { ready: grpc, live: grpc }
}
"#;

/// Workloads of `shop` in a second file (no app: they join the app of their directory).
pub const WORKERS: &str = r#"worker mailer {
  image: "ghcr.io/acme/mailer:1.0.0"
  calls: [shop.api]
}
"#;

/// A workspace holding `files`.
pub fn workspace(files: &[(&str, &str)]) -> Workspace {
    Workspace::from_files(
        Some(PathBuf::from(ROOT)),
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
    )
}

/// The shop fixture.
pub fn shop() -> Workspace {
    workspace(&[("app.k8s", APP), ("workers.k8s", WORKERS)])
}

/// The URI of a fixture file.
pub fn uri(path: &str) -> Uri {
    Uri::from_str(&format!("file://{ROOT}/{path}")).expect("a valid URI")
}

/// The position of the `nth` occurrence of `needle` in `path`, plus `delta` bytes.
pub fn pos(snapshot: &Snapshot, path: &str, needle: &str, delta: usize) -> Position {
    pos_nth(snapshot, path, needle, 0, delta)
}

/// The position of the `nth` (0-based) occurrence of `needle`, plus `delta` bytes.
pub fn pos_nth(
    snapshot: &Snapshot,
    path: &str,
    needle: &str,
    nth: usize,
    delta: usize,
) -> Position {
    let file = snapshot.file_by_path(path).expect("fixture file");
    let text = snapshot.text(file);
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("`{needle}` not in {path}"));
    snapshot.position(file, (offset + delta) as u32)
}

/// The markdown of a hover, which every hover test reads.
pub fn markdown(hover: Option<Hover>) -> String {
    match hover.map(|h| h.contents) {
        Some(HoverContents::Markup(m)) => m.value,
        other => panic!("no markdown hover: {other:?}"),
    }
}

/// The labels of a completion list, which every completion test reads.
pub fn labels(response: Option<CompletionResponse>) -> Vec<String> {
    match response {
        Some(CompletionResponse::Array(items)) => items.into_iter().map(|i| i.label).collect(),
        other => panic!("no completion list: {other:?}"),
    }
}
