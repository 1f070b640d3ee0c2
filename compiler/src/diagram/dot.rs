//! Graphviz DOT: one cluster per app; exposures from an `internet` node, cross-app edges bold and
//! coloured, external hosts as dashed boxes, mirrors dashed.

use super::{Diagram, EdgeKind, NodeKind};
use std::fmt::Write;

/// A DOT string literal.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The diagram as a DOT digraph.
pub fn render(diagram: &Diagram) -> String {
    let mut out = String::from("digraph services {\n");
    out.push_str("  rankdir=LR;\n");
    out.push_str("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for node in diagram
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Internet)
    {
        let _ = writeln!(
            out,
            "  {} [label=\"internet\", shape=ellipse, style=filled, fillcolor=\"#e7f5ff\"];",
            quote(&node.id)
        );
    }
    for (app, namespace) in &diagram.apps {
        let _ = writeln!(out, "  subgraph {} {{", quote(&format!("cluster_{app}")));
        let _ = writeln!(
            out,
            "    label={};",
            quote(&format!("app {app} (namespace {namespace})"))
        );
        for node in diagram.nodes.iter().filter(|n| &n.app == app) {
            let label = format!("{}\\n{}", node.name, node.detail);
            let style = match node.kind {
                NodeKind::External => ", style=\"rounded,dashed\"",
                _ => "",
            };
            let _ = writeln!(
                out,
                "    {} [label=\"{}\"{style}];",
                quote(&node.id),
                label.replace('"', "\\\"")
            );
        }
        out.push_str("  }\n");
    }
    for edge in &diagram.edges {
        let style = match edge.kind {
            EdgeKind::Call => "",
            EdgeKind::CrossApp => ", style=bold, color=\"#d9480f\"",
            EdgeKind::External => ", style=dashed, color=\"#5c940d\"",
            EdgeKind::Exposure => ", color=\"#1971c2\"",
            EdgeKind::Mirror => ", style=dotted",
        };
        let _ = writeln!(
            out,
            "  {} -> {} [label={}{style}];",
            quote(&edge.from),
            quote(&edge.to),
            quote(&edge.label)
        );
    }
    out.push_str("}\n");
    out
}
