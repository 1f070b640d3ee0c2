//! `k8sc graph`: the service graph as a diagram for design reviews — Graphviz DOT, Mermaid, or
//! an SVG laid out and drawn without external tools. Exposed services (an edge from the
//! internet), external hosts and cross-app edges are marked. Output is deterministic.

mod dot;
mod mermaid;
mod svg;

use crate::ir::ProjectIr;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// A self-contained SVG image.
    Svg,
}

/// What a node of the diagram stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A workload, with its keyword (`service`, `cron`…).
    Workload(&'static str),
    /// An external host.
    External,
    /// The internet, in front of the exposed services.
    Internet,
}

/// A node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// A unique id: `APP/NAME`, or `internet`.
    pub id: String,
    /// The app it belongs to (empty for the internet).
    pub app: String,
    /// Its name.
    pub name: String,
    /// A second line: the workload's kind, or the external host's name.
    pub detail: String,
    /// What it is.
    pub kind: NodeKind,
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// A call within an app.
    Call,
    /// A call to another app.
    CrossApp,
    /// A call to an external host.
    External,
    /// Requests from the internet to an exposed service.
    Exposure,
    /// Requests copied to a mirror.
    Mirror,
}

/// An edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The source node's id.
    pub from: String,
    /// The target node's id.
    pub to: String,
    /// The ports, the host or the mirrored share.
    pub label: String,
    /// What it is.
    pub kind: EdgeKind,
}

/// The diagram of a project.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagram {
    /// The apps, in name order, with their namespaces.
    pub apps: Vec<(String, String)>,
    /// The nodes, apps in name order, each app's workloads then its external hosts.
    pub nodes: Vec<Node>,
    /// The edges, in source order.
    pub edges: Vec<Edge>,
}

/// The id of a node.
fn id(app: &str, name: &str) -> String {
    format!("{app}/{name}")
}

impl Diagram {
    /// The diagram of the service graph of `ir`.
    pub fn new(ir: &ProjectIr) -> Diagram {
        let mut diagram = Diagram::default();
        let exposed = ir
            .apps
            .iter()
            .any(|a| a.workloads.iter().any(|w| w.expose.is_some()));
        if exposed {
            diagram.nodes.push(Node {
                id: "internet".to_string(),
                app: String::new(),
                name: "internet".to_string(),
                detail: String::new(),
                kind: NodeKind::Internet,
            });
        }
        for app in &ir.apps {
            diagram
                .apps
                .push((app.name.clone(), app.namespace.value.clone()));
            for workload in &app.workloads {
                diagram.nodes.push(Node {
                    id: id(&app.name, &workload.name),
                    app: app.name.clone(),
                    name: workload.name.clone(),
                    detail: workload.keyword.keyword().to_string(),
                    kind: NodeKind::Workload(workload.keyword.keyword()),
                });
            }
            for external in &app.externals {
                diagram.nodes.push(Node {
                    id: id(&app.name, &external.name),
                    app: app.name.clone(),
                    name: external.name.clone(),
                    detail: external.host.value.clone(),
                    kind: NodeKind::External,
                });
            }
        }
        for app in &ir.apps {
            for workload in &app.workloads {
                let from = id(&app.name, &workload.name);
                if let Some(expose) = &workload.expose {
                    diagram.edges.push(Edge {
                        from: "internet".to_string(),
                        to: from.clone(),
                        label: expose
                            .hosts
                            .iter()
                            .flat_map(|host| {
                                expose.paths.iter().map(move |path| {
                                    format!("{host}{}", path.trim_end_matches('/'))
                                })
                            })
                            .collect::<Vec<_>>()
                            .join(", "),
                        kind: EdgeKind::Exposure,
                    });
                }
                for (index, call) in workload.calls.iter().enumerate() {
                    let ports: Vec<String> = app
                        .call_ports(&workload.name, index)
                        .iter()
                        .map(|p| format!("{} {}", p.protocol.keyword(), p.number))
                        .collect();
                    let kind = if call.external {
                        EdgeKind::External
                    } else if call.app != app.name {
                        EdgeKind::CrossApp
                    } else {
                        EdgeKind::Call
                    };
                    diagram.edges.push(Edge {
                        from: from.clone(),
                        to: id(&call.app, &call.target),
                        label: ports.join(", "),
                        kind,
                    });
                }
                if let Some(mirror) = workload.traffic.as_ref().and_then(|t| t.mirror.as_ref()) {
                    diagram.edges.push(Edge {
                        from: from.clone(),
                        to: id(&app.name, &mirror.to),
                        label: format!("mirror {}%", mirror.percent),
                        kind: EdgeKind::Mirror,
                    });
                }
            }
        }
        diagram
    }

    /// The diagram in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Dot => dot::render(self),
            Format::Mermaid => mermaid::render(self),
            Format::Svg => svg::render(self),
        }
    }
}
