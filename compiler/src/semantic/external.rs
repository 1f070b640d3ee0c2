//! `external stripe { host: "api.stripe.com", port: https 443 }`: a host outside the cluster that
//! workloads call. It becomes an Istio `ServiceEntry` under the mesh, and egress rules of the
//! NetworkPolicies of its callers.

use super::reader::Ctx;
use super::workload::{read_port, read_ports, validate_host};
use crate::diagnostics::Code;
use crate::model::schema::EXTERNAL_FIELDS;
use crate::model::spec::{PortSpec, Sourced};
use k8sc_grammar::{Block, Span, Value, ValueKind};
use std::net::IpAddr;

/// Everything an `external` declaration says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ExternalSpec {
    /// `host`: the DNS name called (`*.example.com` for every subdomain).
    pub host: Option<Sourced<String>>,
    /// `port` / `ports`.
    pub ports: Option<Sourced<Vec<PortSpec>>>,
    /// `cidrs`: the addresses the host resolves to, when known; they narrow the egress rules of
    /// the NetworkPolicies (which cannot match DNS names).
    pub cidrs: Option<Sourced<Vec<String>>>,
    /// Fields written but rejected (already reported).
    pub rejected: bool,
}

/// Reads the body of an `external` declaration; a missing host or port is reported at `name`.
pub fn read_external(ctx: &mut Ctx<'_>, block: &Block, name: Span) -> ExternalSpec {
    let mut spec = ExternalSpec::default();
    let before = ctx.diagnostics.len();
    for (info, field) in ctx.known_fields(block, EXTERNAL_FIELDS, "an external host") {
        let value = &field.value;
        let span = value.span;
        match info.name {
            "host" => spec.host = read_host(ctx, value).map(|h| ctx.sourced(h, span)),
            "port" => spec.ports = read_port(ctx, value, None).map(|p| ctx.sourced(vec![p], span)),
            "ports" => spec.ports = read_ports(ctx, value).map(|p| ctx.sourced(p, span)),
            _ => spec.cidrs = read_cidrs(ctx, value).map(|c| ctx.sourced(c, span)),
        }
    }
    spec.rejected = ctx.diagnostics.len() > before;
    if spec.rejected {
        return spec;
    }
    for (missing, example) in [
        (spec.host.is_none(), "host: \"api.example.com\""),
        (spec.ports.is_none(), "port: https 443"),
    ] {
        if missing {
            let field = example.split(':').next().unwrap_or(example);
            ctx.report(
                ctx.diagnostic(
                    Code::MissingField,
                    format!("external host has no `{field}`"),
                    name,
                )
                .with_label(format!("missing `{field}`"))
                .with_help(format!("add `{example}`")),
            );
            spec.rejected = true;
        }
    }
    spec
}

fn read_host(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let host = ctx.read_string(value)?;
    if let Err(error) = validate_host(&host) {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidName,
                super::reader::name_message(&error, "host name"),
                value.span,
            )
            .with_label("not a valid DNS name"),
        );
        return None;
    }
    Some(host)
}

fn read_cidrs(ctx: &mut Ctx<'_>, value: &Value) -> Option<Vec<String>> {
    let ValueKind::List(items) = &value.kind else {
        ctx.wrong_type(
            value,
            "a list of address ranges such as `[\"203.0.113.0/24\"]`",
        );
        return None;
    };
    let mut out = Vec::new();
    for item in items {
        let text = ctx.read_string(item)?;
        match normalize_cidr(&text) {
            Some(cidr) => out.push(cidr),
            None => {
                ctx.report(
                    ctx.diagnostic(
                        Code::InvalidValue,
                        format!("`{text}` is not an address range"),
                        item.span,
                    )
                    .with_label("expected ADDRESS/PREFIX, such as \"203.0.113.0/24\""),
                );
                return None;
            }
        }
    }
    if out.is_empty() {
        ctx.report(
            ctx.diagnostic(Code::InvalidValue, "`cidrs` is empty", value.span)
                .with_label("no address would be reachable")
                .with_help("list the host's address ranges, or remove `cidrs`"),
        );
        return None;
    }
    Some(out)
}

/// `ADDRESS/PREFIX` with the address's host bits zero (as the API server requires), or `None`.
pub fn normalize_cidr(text: &str) -> Option<String> {
    let (address, prefix) = text.split_once('/')?;
    let address: IpAddr = address.parse().ok()?;
    let prefix: u8 = prefix.parse().ok()?;
    match address {
        IpAddr::V4(v4) if prefix <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            (u32::from(v4) & mask == u32::from(v4)).then(|| format!("{v4}/{prefix}"))
        }
        IpAddr::V6(v6) if prefix <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            (u128::from(v6) & mask == u128::from(v6)).then(|| format!("{v6}/{prefix}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_cidr;

    #[test]
    fn cidrs_are_checked() {
        assert_eq!(normalize_cidr("10.0.0.0/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(normalize_cidr("0.0.0.0/0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(normalize_cidr("10.0.0.1/8"), None);
        assert_eq!(normalize_cidr("10.0.0.0/33"), None);
        assert_eq!(normalize_cidr("fd00::/8").as_deref(), Some("fd00::/8"));
        assert_eq!(normalize_cidr("::/0").as_deref(), Some("::/0"));
        assert_eq!(normalize_cidr("nonsense"), None);
    }
}
