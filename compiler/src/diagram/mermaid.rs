//! A Mermaid flowchart: one subgraph per app; exposures from an `internet` circle, cross-app edges
//! thick, external hosts as hexagons, mirrors dotted.

use super::{Diagram, EdgeKind, NodeKind};
use std::fmt::Write;

/// A Mermaid node id: `n` and the node's position (names may contain characters Mermaid ids
/// cannot, and two names must never collide).
fn id(diagram: &Diagram, node: &str) -> String {
    let index = diagram
        .nodes
        .iter()
        .position(|n| n.id == node)
        .unwrap_or(diagram.nodes.len());
    format!("n{index}")
}

/// Text inside a quoted Mermaid label.
fn text(label: &str) -> String {
    label.replace('"', "#quot;")
}

/// The diagram as a Mermaid flowchart.
pub fn render(diagram: &Diagram) -> String {
    let mut out = String::from("flowchart LR\n");
    for node in diagram
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Internet)
    {
        let _ = writeln!(out, "  {}((internet))", id(diagram, &node.id));
    }
    for (index, (app, namespace)) in diagram.apps.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph app{index}[\"app {} (namespace {})\"]",
            text(app),
            text(namespace)
        );
        for node in diagram.nodes.iter().filter(|n| &n.app == app) {
            let label = format!("{}<br/>{}", text(&node.name), text(&node.detail));
            let shape = match node.kind {
                NodeKind::External => format!("{{{{\"{label}\"}}}}"),
                _ => format!("(\"{label}\")"),
            };
            let _ = writeln!(out, "    {}{shape}", id(diagram, &node.id));
        }
        out.push_str("  end\n");
    }
    for edge in &diagram.edges {
        let arrow = match edge.kind {
            EdgeKind::CrossApp => "==",
            EdgeKind::Mirror | EdgeKind::External => "-.",
            EdgeKind::Call | EdgeKind::Exposure => "--",
        };
        let head = match edge.kind {
            EdgeKind::CrossApp => "==>",
            EdgeKind::Mirror | EdgeKind::External => ".->",
            EdgeKind::Call | EdgeKind::Exposure => "-->",
        };
        if edge.label.is_empty() {
            let _ = writeln!(
                out,
                "  {} {head} {}",
                id(diagram, &edge.from),
                id(diagram, &edge.to)
            );
        } else {
            let _ = writeln!(
                out,
                "  {} {arrow} \"{}\" {head} {}",
                id(diagram, &edge.from),
                text(&edge.label),
                id(diagram, &edge.to)
            );
        }
    }
    out
}
