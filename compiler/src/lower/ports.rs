//! Final port names, and the ports probes and routes target.

use super::LowerCtx;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::PortIr;
use crate::model::spec::{PortRef, PortSpec, ProbeCheck, Protocol, Sourced};
use crate::semantic::suggest::closest;
use k8sc_grammar::Span;

/// Names every port: the name written in a `ports {}` block, else the protocol (`http`), else,
/// when several ports share a protocol, `protocol-number` (`http-9100`).
pub fn name_ports(ports: &Sourced<Vec<PortSpec>>) -> Vec<PortIr> {
    let mut out: Vec<PortIr> = Vec::with_capacity(ports.value.len());
    for port in &ports.value {
        let name = match &port.name {
            Some(name) => name.clone(),
            None => {
                let shared = ports
                    .value
                    .iter()
                    .filter(|p| p.name.is_none() && p.protocol == port.protocol)
                    .count()
                    > 1;
                let first_of_protocol = !out.iter().any(|p| p.protocol == port.protocol);
                if shared && !first_of_protocol {
                    format!("{}-{}", port.protocol.keyword(), port.number)
                } else {
                    port.protocol.keyword().to_string()
                }
            }
        };
        out.push(PortIr {
            name,
            protocol: port.protocol,
            number: port.number,
            origin: ports.origin.with_span(port.span),
        });
    }
    out
}

/// Finds the port a probe or route names, or reports E0022 with the declared ports.
pub fn find_port<'p>(
    ctx: &mut LowerCtx<'_>,
    ports: &'p [PortIr],
    reference: &PortRef,
    origin: &crate::model::spec::Origin,
    span: Span,
    user: &str,
) -> Option<&'p PortIr> {
    let found = match reference {
        PortRef::Name(name) => ports.iter().find(|p| p.name == *name),
        PortRef::Number(number) => ports.iter().find(|p| p.number == *number),
    };
    if found.is_some() {
        return found;
    }
    let shown = match reference {
        PortRef::Name(name) => format!("`{name}`"),
        PortRef::Number(number) => number.to_string(),
    };
    let mut diagnostic = ctx
        .diagnostic_at(
            origin,
            span,
            Code::NoSuchPort,
            format!("{user} targets port {shown}, which the workload does not declare"),
        )
        .with_label("no such port");
    if let PortRef::Name(name) = reference
        && let Some(best) = closest(name, ports.iter().map(|p| p.name.as_str()))
    {
        diagnostic = diagnostic.with_replacement(best.to_string());
    } else {
        diagnostic = diagnostic.with_note(declared_ports(ports));
    }
    ctx.report(diagnostic);
    None
}

/// The port a probe without an explicit port checks: the first HTTP port for `http` (else the first
/// TCP port, for ports declared by number only), the first gRPC port for `grpc` (a gRPC health
/// check against anything else always fails), the first TCP port for `tcp`.
pub fn default_probe_port<'p>(ports: &'p [PortIr], check: &ProbeCheck) -> Option<&'p PortIr> {
    let tcp = || ports.iter().find(|p| p.protocol != Protocol::Udp);
    match check {
        ProbeCheck::Http { .. } => ports.iter().find(|p| p.protocol.is_http()).or_else(tcp),
        ProbeCheck::Grpc => ports.iter().find(|p| p.protocol == Protocol::Grpc),
        _ => tcp(),
    }
}

/// "the workload declares: http (8080), metrics (9100)".
pub fn declared_ports(ports: &[PortIr]) -> String {
    if ports.is_empty() {
        return "the workload declares no ports".to_string();
    }
    let list: Vec<String> = ports
        .iter()
        .map(|p| format!("{} ({} {})", p.name, p.protocol.keyword(), p.number))
        .collect();
    format!("the workload declares: {}", list.join(", "))
}

/// E0022 for a probe or route that needs a port when the workload has none that fits.
pub fn no_port(
    ctx: &LowerCtx<'_>,
    origin: &crate::model::spec::Origin,
    message: String,
    ports: &[PortIr],
) -> Diagnostic {
    ctx.diagnostic_at(origin, origin.span, Code::NoSuchPort, message)
        .with_label("needs a port")
        .with_note(declared_ports(ports))
}
