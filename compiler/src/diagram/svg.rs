//! A self-contained SVG of the diagram, laid out without external tools: nodes in columns by
//! their distance from the graph's entry points (edges that close a cycle are drawn back, below),
//! each column ordered by app and name; nodes coloured by app, external hosts dashed, cross-app
//! edges thick and coloured, mirrors dotted, and a legend.

use super::{Diagram, EdgeKind, NodeKind};
use std::collections::BTreeMap;
use std::fmt::Write;

const NODE_WIDTH: i64 = 180;
const NODE_HEIGHT: i64 = 48;
const COLUMN_GAP: i64 = 110;
const ROW_GAP: i64 = 36;
const MARGIN: i64 = 40;
const TITLE: i64 = 30;
const LEGEND: i64 = 110;

/// Fill colours of the apps, in order.
const PALETTE: [&str; 8] = [
    "#e7f5ff", "#fff4e6", "#ebfbee", "#f3f0ff", "#fff0f6", "#e3fafc", "#fff9db", "#f1f3f5",
];

/// Text for an SVG element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The column of every node: the longest path to it from a node without callers, following only
/// edges that do not close a cycle (a depth-first search in node order decides which do).
fn columns(diagram: &Diagram) -> (Vec<usize>, Vec<Vec<usize>>) {
    let n = diagram.nodes.len();
    let index: BTreeMap<&str, usize> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| (node.id.as_str(), i))
        .collect();
    let mut successors = vec![Vec::new(); n];
    for edge in &diagram.edges {
        if let (Some(&a), Some(&b)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
            successors[a].push(b);
        }
    }
    // Depth-first search, iteratively: 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; n];
    let mut forward: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some((node, next)) = stack.pop() {
            if let Some(&succ) = successors[node].get(next) {
                stack.push((node, next + 1));
                match state[succ] {
                    0 => {
                        forward[node].push(succ);
                        state[succ] = 1;
                        stack.push((succ, 0));
                    }
                    2 => forward[node].push(succ),
                    _ => {} // closes a cycle
                }
            } else {
                state[node] = 2;
                order.push(node);
            }
        }
    }
    // Reverse post-order is a topological order of the forward edges.
    let mut column = vec![0usize; n];
    for &node in order.iter().rev() {
        for &succ in &forward[node] {
            column[succ] = column[succ].max(column[node] + 1);
        }
    }
    // A node nobody calls sits just before the first of its callees, not in the first column,
    // so its edges do not cross the columns in between (the internet stays first).
    let called: Vec<bool> = (0..n)
        .map(|i| forward.iter().any(|succs| succs.contains(&i)))
        .collect();
    for node in 0..n {
        if called[node] || diagram.nodes[node].kind == NodeKind::Internet {
            continue;
        }
        if let Some(first) = forward[node].iter().map(|s| column[*s]).min() {
            column[node] = first.saturating_sub(1);
        }
    }
    (column, forward)
}

/// The row of every node in its column: the first column in node order, the others by the mean
/// row of their callers (fewer crossings), ties in node order.
fn rows(column: &[usize], forward: &[Vec<usize>]) -> Vec<usize> {
    let n = column.len();
    let mut row = vec![0usize; n];
    let last = column.iter().copied().max().unwrap_or(0);
    for c in 0..=last {
        let mut members: Vec<(usize, usize)> = Vec::new();
        for node in (0..n).filter(|i| column[*i] == c) {
            let callers: Vec<usize> = (0..n)
                .filter(|p| column[*p] < c && forward[*p].contains(&node))
                .map(|p| row[p])
                .collect();
            // Twice the mean, to keep halves apart without floats.
            let key = if callers.is_empty() {
                usize::MAX / 2
            } else {
                2 * callers.iter().sum::<usize>() / callers.len()
            };
            members.push((key, node));
        }
        members.sort();
        for (r, (_, node)) in members.into_iter().enumerate() {
            row[node] = r;
        }
    }
    row
}

/// The diagram as an SVG document.
pub fn render(diagram: &Diagram) -> String {
    let (column, forward) = columns(diagram);
    let row = rows(&column, &forward);
    let colour: BTreeMap<&str, &str> = diagram
        .apps
        .iter()
        .enumerate()
        .map(|(i, (app, _))| (app.as_str(), PALETTE[i % PALETTE.len()]))
        .collect();
    let position: Vec<(usize, usize)> = column.iter().copied().zip(row.iter().copied()).collect();
    let mut rows: BTreeMap<usize, usize> = BTreeMap::new();
    for (c, r) in &position {
        let used = rows.entry(*c).or_insert(0);
        *used = (*used).max(r + 1);
    }
    let x = |c: usize| MARGIN + i64::try_from(c).unwrap_or(0) * (NODE_WIDTH + COLUMN_GAP);
    let y = |r: usize| MARGIN + TITLE + i64::try_from(r).unwrap_or(0) * (NODE_HEIGHT + ROW_GAP);
    let columns_used = rows.keys().max().map_or(1, |c| c + 1);
    let rows_used = rows.values().copied().max().unwrap_or(1);
    let width = x(columns_used) - COLUMN_GAP + MARGIN;
    let height = y(rows_used) - ROW_GAP + MARGIN + LEGEND;
    let index: BTreeMap<&str, usize> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| (node.id.as_str(), i))
        .collect();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
    );
    out.push_str("  <defs>\n");
    for (name, fill) in [
        ("call", "#495057"),
        ("cross", "#d9480f"),
        ("external", "#5c940d"),
        ("exposure", "#1971c2"),
    ] {
        let _ = writeln!(
            out,
            "    <marker id=\"arrow-{name}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"{fill}\"/></marker>"
        );
    }
    out.push_str("  </defs>\n");
    let _ = writeln!(
        out,
        "  <rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n  <text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">Service graph</text>",
        MARGIN + 4
    );

    for edge in &diagram.edges {
        let (Some(&a), Some(&b)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str()))
        else {
            continue;
        };
        let ((ca, ra), (cb, rb)) = (position[a], position[b]);
        let (stroke, width_px, dash, marker) = match edge.kind {
            EdgeKind::Call => ("#495057", 1.5, "", "call"),
            EdgeKind::CrossApp => ("#d9480f", 3.0, "", "cross"),
            EdgeKind::External => ("#5c940d", 1.5, " stroke-dasharray=\"6 4\"", "external"),
            EdgeKind::Exposure => ("#1971c2", 2.0, "", "exposure"),
            EdgeKind::Mirror => ("#495057", 1.5, " stroke-dasharray=\"2 4\"", "call"),
        };
        let (path, label_x, label_y) = if a == b {
            // A workload calling itself: a loop above the node.
            let (left, top) = (x(ca) + NODE_WIDTH / 2 - 20, y(ra));
            (
                format!(
                    "M {left} {top} C {} {} {} {} {} {top}",
                    left - 10,
                    top - 40,
                    left + 50,
                    top - 40,
                    left + 40
                ),
                left + 20,
                top - 34,
            )
        } else if cb > ca {
            let (x1, y1) = (x(ca) + NODE_WIDTH, y(ra) + NODE_HEIGHT / 2);
            let (x2, y2) = (x(cb), y(rb) + NODE_HEIGHT / 2);
            let bend = (x2 - x1) / 2;
            (
                format!(
                    "M {x1} {y1} C {} {y1} {} {y2} {x2} {y2}",
                    x1 + bend,
                    x2 - bend
                ),
                (x1 + x2) / 2,
                (y1 + y2) / 2 - 6,
            )
        } else {
            // Back to an earlier column (or within one): below both nodes.
            let (x1, y1) = (x(ca) + NODE_WIDTH / 2, y(ra) + NODE_HEIGHT);
            let (x2, y2) = (x(cb) + NODE_WIDTH / 2, y(rb) + NODE_HEIGHT);
            let low = y1.max(y2) + ROW_GAP;
            (
                format!("M {x1} {y1} C {x1} {low} {x2} {low} {x2} {y2}"),
                (x1 + x2) / 2,
                low - 4,
            )
        };
        let _ = writeln!(
            out,
            "  <path d=\"{path}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width_px}\"{dash} marker-end=\"url(#arrow-{marker})\"/>"
        );
        if !edge.label.is_empty() {
            let _ = writeln!(
                out,
                "  <text x=\"{label_x}\" y=\"{label_y}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{stroke}\">{}</text>",
                escape(&edge.label)
            );
        }
    }

    for (i, node) in diagram.nodes.iter().enumerate() {
        let (c, r) = position[i];
        let (left, top) = (x(c), y(r));
        let (cx, cy) = (left + NODE_WIDTH / 2, top + NODE_HEIGHT / 2);
        match node.kind {
            NodeKind::Internet => {
                let _ = writeln!(
                    out,
                    "  <ellipse cx=\"{cx}\" cy=\"{cy}\" rx=\"{}\" ry=\"{}\" fill=\"#e7f5ff\" stroke=\"#1971c2\" stroke-width=\"1.5\"/>\n  <text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">internet</text>",
                    NODE_WIDTH / 2,
                    NODE_HEIGHT / 2,
                    cy + 4
                );
            }
            NodeKind::Workload(_) | NodeKind::External => {
                let fill = colour.get(node.app.as_str()).copied().unwrap_or("#f8f9fa");
                let dash = if node.kind == NodeKind::External {
                    " stroke-dasharray=\"6 4\""
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  <rect x=\"{left}\" y=\"{top}\" width=\"{NODE_WIDTH}\" height=\"{NODE_HEIGHT}\" rx=\"10\" fill=\"{fill}\" stroke=\"#343a40\" stroke-width=\"1.2\"{dash}/>\n  <text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\n  <text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#495057\">{} · {}</text>",
                    top + 20,
                    escape(&node.name),
                    top + 36,
                    escape(&node.detail),
                    escape(&node.app)
                );
            }
        }
    }

    // Legend: the apps' colours, then the kinds of edge.
    let mut lx = MARGIN;
    let ly = height - LEGEND + 30;
    for (app, namespace) in &diagram.apps {
        let fill = colour.get(app.as_str()).copied().unwrap_or("#f8f9fa");
        let _ = writeln!(
            out,
            "  <rect x=\"{lx}\" y=\"{}\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{fill}\" stroke=\"#343a40\"/>\n  <text x=\"{}\" y=\"{ly}\">app {} (namespace {})</text>",
            ly - 11,
            lx + 20,
            escape(app),
            escape(namespace)
        );
        let chars = i64::try_from(app.len() + namespace.len() + 17).unwrap_or(0);
        lx += 44 + 8 * chars;
    }
    let mut lx = MARGIN;
    let ly = ly + 30;
    for (label, stroke, width_px, dash) in [
        ("call", "#495057", 1.5, ""),
        ("call to another app", "#d9480f", 3.0, ""),
        ("external host", "#5c940d", 1.5, " stroke-dasharray=\"6 4\""),
        ("exposed", "#1971c2", 2.0, ""),
        ("mirror", "#495057", 1.5, " stroke-dasharray=\"2 4\""),
    ] {
        let _ = writeln!(
            out,
            "  <line x1=\"{lx}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"{width_px}\"{dash}/>\n  <text x=\"{}\" y=\"{ly}\">{label}</text>",
            ly - 4,
            lx + 30,
            ly - 4,
            lx + 36
        );
        lx += 64 + 8 * i64::try_from(label.len()).unwrap_or(0);
    }
    out.push_str("</svg>\n");
    out
}
