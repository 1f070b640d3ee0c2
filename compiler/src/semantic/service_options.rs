//! Reading a workload's `service { … }` block (its Service's type, session affinity, external
//! traffic policy and not-ready publishing) and `headless`. A source range that is not a CIDR
//! the API server takes is E0074: it refuses the whole Service otherwise, at sync time.

use super::reader::Ctx;
use crate::diagnostics::Code;
use crate::model::schema;
use crate::model::service::{
    ExternalTraffic, LoadBalancer, ServiceOptions, ServiceType, SessionAffinity,
};
use k8sc_grammar::{Value, ValueKind};
use std::net::IpAddr;

/// The longest session affinity the API server accepts (`timeoutSeconds`, one day).
pub const MAX_AFFINITY_SECONDS: u64 = 86_400;

/// Reads `service { type, session_affinity, external_traffic, publish_not_ready }`.
pub fn read_service_options(ctx: &mut Ctx<'_>, value: &Value) -> ServiceOptions {
    let mut options = ServiceOptions::default();
    let Some(block) = ctx.expect_block(
        value,
        "a block `service { type: load_balancer, session_affinity: client_ip }`",
    ) else {
        return options;
    };
    for (info, field) in ctx.known_fields(block, schema::SERVICE_FIELDS, "`service`") {
        let v = &field.value;
        let span = v.span;
        match info.name {
            "type" => options.kind = read_type(ctx, v).map(|t| ctx.sourced(t, span)),
            "session_affinity" => {
                options.session_affinity = read_affinity(ctx, v).map(|a| ctx.sourced(a, span));
            }
            "external_traffic" => {
                options.external_traffic = ctx
                    .read_choice(
                        v,
                        "external traffic policy",
                        &[
                            ("cluster", ExternalTraffic::Cluster),
                            ("local", ExternalTraffic::Local),
                        ],
                    )
                    .map(|e| ctx.sourced(e, span));
            }
            _ => options.publish_not_ready = ctx.read_bool(v).map(|b| ctx.sourced(b, span)),
        }
    }
    options
}

/// `cluster_ip`, `load_balancer` or `load_balancer { source_ranges, annotations }`.
fn read_type(ctx: &mut Ctx<'_>, value: &Value) -> Option<ServiceType> {
    let (word, block) = match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => (parts[0].name.as_str(), None),
        ValueKind::Apply { head, args, block } if args.is_empty() => {
            (head.name.as_str(), block.as_ref())
        }
        _ => {
            ctx.wrong_type(
                value,
                "`cluster_ip` or `load_balancer { source_ranges: [...] }`",
            );
            return None;
        }
    };
    match word {
        "cluster_ip" if block.is_none() => Some(ServiceType::ClusterIp),
        "load_balancer" => {
            let mut balancer = LoadBalancer::default();
            let Some(block) = block else {
                return Some(ServiceType::LoadBalancer(balancer));
            };
            for (info, field) in
                ctx.known_fields(block, schema::LOAD_BALANCER_FIELDS, "`load_balancer`")
            {
                if info.name == "source_ranges" {
                    balancer.source_ranges = read_ranges(ctx, &field.value)?;
                } else {
                    let mut annotations: Vec<(String, String)> =
                        super::workload::read_metadata_map(ctx, &field.value, false)
                            .into_iter()
                            .map(|e| (e.key, e.value.value))
                            .collect();
                    annotations.sort();
                    balancer.annotations = annotations;
                }
            }
            Some(ServiceType::LoadBalancer(balancer))
        }
        other => {
            let mut diagnostic = ctx
                .diagnostic(
                    Code::InvalidValue,
                    format!("`{other}` is not a Service type k8sc writes"),
                    value.span,
                )
                .with_label("expected `cluster_ip` or `load_balancer`")
                .with_note("a NodePort opens a port on every node, which the standard tiers refuse; expose HTTP with `expose`, other protocols with `load_balancer`");
            if let Some(best) = super::suggest::closest(other, ["cluster_ip", "load_balancer"]) {
                diagnostic = diagnostic.with_replacement(best);
            }
            ctx.report(diagnostic);
            None
        }
    }
}

/// `source_ranges: ["10.0.0.0/8", "2001:db8::/32"]`: each a CIDR with no host bits set.
fn read_ranges(ctx: &mut Ctx<'_>, value: &Value) -> Option<Vec<(String, k8sc_grammar::Span)>> {
    let ValueKind::List(items) = &value.kind else {
        ctx.wrong_type(
            value,
            "a list of address ranges such as `[\"203.0.113.0/24\"]`",
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(text) = ctx.read_string(item) else {
            ok = false;
            continue;
        };
        match parse_cidr(&text) {
            Ok(()) => out.push((text, item.span)),
            Err((problem, fix)) => {
                let mut diagnostic = ctx
                    .diagnostic(
                        Code::InvalidCidr,
                        format!("`{text}` is not an address range: {problem}"),
                        item.span,
                    )
                    .with_label("expected a CIDR such as \"203.0.113.0/24\"");
                if let Some(fix) = fix {
                    diagnostic = diagnostic.with_replacement(format!("\"{fix}\""));
                }
                ctx.report(diagnostic);
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Checks an IPv4 or IPv6 CIDR the way the API server's strict validation does: an address, a
/// prefix length within its family, and no bits set after the prefix. On error, the problem
/// and, when there is one, the range meant (the address with its host bits cleared).
pub fn parse_cidr(text: &str) -> Result<(), (String, Option<String>)> {
    let Some((address, prefix)) = text.split_once('/') else {
        return Err(("it has no prefix length (`/24`)".to_string(), None));
    };
    let address: IpAddr = address
        .parse()
        .map_err(|_| (format!("`{address}` is not an IP address"), None))?;
    let bits: u32 = match address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    let prefix: u32 = match prefix.parse() {
        Ok(p)
            if p <= bits
                && !prefix.starts_with('+')
                && (prefix == "0" || !prefix.starts_with('0')) =>
        {
            p
        }
        _ => return Err((format!("the prefix length must be 0 to {bits}"), None)),
    };
    let (value, network) = match address {
        IpAddr::V4(v4) => {
            let value = u128::from(u32::from(v4));
            let mask = if prefix == 0 {
                0
            } else {
                (u128::from(u32::MAX) << (32 - prefix)) & u128::from(u32::MAX)
            };
            (
                value,
                IpAddr::V4(std::net::Ipv4Addr::from((value & mask) as u32)),
            )
        }
        IpAddr::V6(v6) => {
            let value = u128::from(v6);
            let mask = if prefix == 0 {
                0
            } else {
                u128::MAX << (128 - prefix)
            };
            (value, IpAddr::V6(std::net::Ipv6Addr::from(value & mask)))
        }
    };
    let network_value = match network {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    };
    if network_value != value {
        return Err((
            "it has bits set after the prefix".to_string(),
            Some(format!("{network}/{prefix}")),
        ));
    }
    Ok(())
}

/// `none`, `client_ip` or `client_ip { timeout: 3h }`.
fn read_affinity(ctx: &mut Ctx<'_>, value: &Value) -> Option<SessionAffinity> {
    let (word, block) = match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => (parts[0].name.as_str(), None),
        ValueKind::Bool(false) => ("none", None),
        ValueKind::Apply { head, args, block } if args.is_empty() => {
            (head.name.as_str(), block.as_ref())
        }
        _ => {
            ctx.wrong_type(value, "`none` or `client_ip { timeout: 3h }`");
            return None;
        }
    };
    match (word, block) {
        ("none", None) => Some(SessionAffinity::None),
        ("client_ip", None) => Some(SessionAffinity::ClientIp {
            timeout_seconds: None,
        }),
        ("client_ip", Some(block)) => {
            let mut timeout_seconds = None;
            for (_, field) in ctx.known_fields(block, schema::AFFINITY_FIELDS, "`client_ip`") {
                let ms = ctx.read_duration(&field.value)?;
                let seconds = ms / 1000;
                if ms % 1000 != 0 || !(1..=MAX_AFFINITY_SECONDS).contains(&seconds) {
                    ctx.report(
                        ctx.diagnostic(
                            Code::InvalidValue,
                            "a session affinity lasts whole seconds, from 1s to 1d",
                            field.value.span,
                        )
                        .with_label("the API server takes 1 to 86400 seconds"),
                    );
                    return None;
                }
                timeout_seconds = u32::try_from(seconds).ok();
            }
            Some(SessionAffinity::ClientIp { timeout_seconds })
        }
        (other, _) => {
            let mut diagnostic = ctx
                .diagnostic(
                    Code::InvalidValue,
                    format!("`{other}` is not a session affinity"),
                    value.span,
                )
                .with_label("expected `none` or `client_ip`");
            if let Some(best) = super::suggest::closest(other, ["none", "client_ip"]) {
                diagnostic = diagnostic.with_replacement(best);
            }
            ctx.report(diagnostic);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_cidr;

    #[test]
    fn cidrs_are_checked_like_the_api_server() {
        for ok in [
            "10.0.0.0/8",
            "0.0.0.0/0",
            "203.0.113.7/32",
            "2001:db8::/32",
            "::/0",
        ] {
            assert_eq!(parse_cidr(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            parse_cidr("10.1.2.3/8").map_err(|e| e.1),
            Err(Some("10.0.0.0/8".to_string()))
        );
        assert_eq!(
            parse_cidr("2001:db8::1/32").map_err(|e| e.1),
            Err(Some("2001:db8::/32".to_string()))
        );
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "::/129",
            "10.0.0.0/08",
            "x/1",
            "10.0.0.0/-1",
        ] {
            assert!(parse_cidr(bad).is_err(), "{bad}");
        }
    }
}
