//! `k8sc graph`: the marketplace example as DOT, Mermaid and SVG, reviewed; every node and edge of
//! the graph is drawn, and drawing is deterministic.

use k8sc_compiler::db::Database;
use k8sc_compiler::diagram::{Diagram, EdgeKind, Format};
use k8sc_compiler::ir::ProjectIr;
use k8sc_compiler::loader;
use k8sc_compiler::lower::lower_project;
use std::path::Path;

fn marketplace() -> ProjectIr {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/marketplace");
    let db = Database::new();
    let project = db.load_project(loader::load(&dir).expect("loads").files);
    lower_project(&db, project).ir.clone()
}

#[test]
fn marketplace_as_dot() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "diagram__marketplace_as_dot",
            Diagram::new(&marketplace()).render(Format::Dot)
        )
    });
}

#[test]
fn marketplace_as_mermaid() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "diagram__marketplace_as_mermaid",
            Diagram::new(&marketplace()).render(Format::Mermaid)
        )
    });
}

#[test]
fn marketplace_as_svg() {
    crate::support::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "diagram__marketplace_as_svg",
            Diagram::new(&marketplace()).render(Format::Svg)
        )
    });
}

#[test]
fn every_edge_kind_is_marked() {
    let diagram = Diagram::new(&marketplace());
    for kind in [
        EdgeKind::Call,
        EdgeKind::CrossApp,
        EdgeKind::External,
        EdgeKind::Exposure,
        EdgeKind::Mirror,
    ] {
        assert!(diagram.edges.iter().any(|e| e.kind == kind), "{kind:?}");
    }
    let svg = diagram.render(Format::Svg);
    for edge in &diagram.edges {
        assert!(svg.contains(&format!(">{}</text>", edge.label)), "{edge:?}");
    }
    for node in &diagram.nodes {
        assert!(svg.contains(&format!(">{}</text>", node.name)), "{node:?}");
    }
    assert_eq!(svg, Diagram::new(&marketplace()).render(Format::Svg));
}

#[test]
fn cycles_and_self_calls_are_drawn() {
    let text = "app a {}\n\nservice x {\n  image: \"ghcr.io/acme/x:1.0\"\n  port: http 8080\n  calls: [y, x]\n}\n\nservice y {\n  image: \"ghcr.io/acme/y:1.0\"\n  port: http 8080\n  calls: [x]\n}\n";
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), text.to_string())]);
    let diagram = Diagram::new(&lower_project(&db, project).ir);
    assert_eq!(diagram.edges.len(), 3);
    let svg = diagram.render(Format::Svg);
    assert_eq!(svg.matches("<path d=").count(), 4 + 3, "markers and edges");
}
