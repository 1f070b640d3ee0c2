//! Reading an `app` declaration into an [`AppSpec`].

use super::mesh::{read_mesh, read_network};
use super::namespace::{read_limit_range, read_pod_security, read_policy_uses, read_quota};
use super::reader::Ctx;
use super::workload::{WorkloadBlock, read_metadata_map, read_workload};
use crate::diagnostics::Code;
use crate::model::schema::{self, APP_FIELDS};
use crate::model::spec::{AppSpec, GatewayRef};
use crate::types::names;
use k8sc_grammar::{Block, Value, ValueKind};

/// Reads the fields of an `app` block.
pub fn read_app(ctx: &mut Ctx<'_>, block: &Block) -> AppSpec {
    let mut spec = AppSpec::default();
    for (info, field) in ctx.known_fields(block, APP_FIELDS, "an app") {
        let value = &field.value;
        let span = value.span;
        match info.name {
            "namespace" => {
                spec.namespace =
                    read_dns_label(ctx, value, "namespace").map(|n| ctx.sourced(n, span))
            }
            "tier" => spec.tier = ctx.read_name(value).map(|t| ctx.sourced(t, span)),
            "team" => {
                spec.team = read_label_value(ctx, value, "team").map(|t| ctx.sourced(t, span))
            }
            "registry" => spec.registry = read_registry(ctx, value).map(|r| ctx.sourced(r, span)),
            "pod_security" => {
                spec.pod_security = read_pod_security(ctx, value).map(|p| ctx.sourced(p, span))
            }
            "policies" => spec.policies = read_policy_uses(ctx, value),
            "gitops" => {
                spec.gitops = super::gitops::read_gitops(ctx, value).map(|g| ctx.sourced(g, span))
            }
            "defaults" => match &value.kind {
                ValueKind::Block(block) => {
                    spec.defaults =
                        Some(Box::new(read_workload(ctx, block, WorkloadBlock::Defaults)))
                }
                _ => ctx.wrong_type(value, "a block of workload fields"),
            },
            "quota" => spec.quota = read_quota(ctx, value).map(|q| ctx.sourced(q, span)),
            "limit_range" => {
                spec.limit_range = read_limit_range(ctx, value).map(|l| ctx.sourced(l, span))
            }
            "mesh" => spec.mesh = read_mesh(ctx, value).map(|m| ctx.sourced(m, span)),
            "network" => spec.network = read_network(ctx, value).map(|n| ctx.sourced(n, span)),
            "gateway" => spec.gateway = read_gateway(ctx, value).map(|g| ctx.sourced(g, span)),
            "labels" => spec.labels = read_metadata_map(ctx, value, true),
            "annotations" => spec.annotations = read_metadata_map(ctx, value, false),
            _ => {}
        }
    }
    spec
}

/// A DNS-1123 label such as a namespace name, written bare or quoted.
pub fn read_dns_label(ctx: &mut Ctx<'_>, value: &Value, what: &str) -> Option<String> {
    let name = ctx.read_name(value)?;
    match names::validate_dns_label(&name, 63) {
        Ok(()) => Some(name),
        Err(error) => {
            let diagnostic = ctx
                .diagnostic(Code::InvalidName, super::reader::name_message(&error, what), value.span)
                .with_label("not a valid DNS-1123 label")
                .with_note("Kubernetes names are at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit");
            let diagnostic = ctx.with_fix(diagnostic, error.help, value);
            ctx.report(diagnostic);
            None
        }
    }
}

fn read_label_value(ctx: &mut Ctx<'_>, value: &Value, what: &str) -> Option<String> {
    let text = ctx.read_name(value)?;
    if !names::is_valid_label_value(&text) || text.is_empty() {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidName,
                format!("invalid {what} `{text}`"),
                value.span,
            )
            .with_label("becomes a label value: at most 63 letters, digits, `-`, `_` and `.`"),
        );
        return None;
    }
    Some(text)
}

fn read_registry(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let text = ctx.read_string(value)?;
    let trimmed = text.trim_end_matches('/');
    let probe = format!("{trimmed}/probe:1");
    match crate::types::image::ImageRef::parse(&probe) {
        Ok(image) if image.registry.is_some() => Some(trimmed.to_string()),
        _ => {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidImage,
                    format!("`{text}` is not a registry prefix"),
                    value.span,
                )
                .with_label("expected a registry host, optionally with a path")
                .with_help("write it like `\"ghcr.io/acme\"` or `\"registry.example.com:5000\"`"),
            );
            None
        }
    }
}

fn read_gateway(ctx: &mut Ctx<'_>, value: &Value) -> Option<GatewayRef> {
    match &value.kind {
        ValueKind::Str(text) => {
            let Some((namespace, name)) = text.split_once('/') else {
                ctx.report(
                    ctx.diagnostic(
                        Code::InvalidValue,
                        format!("gateway `{text}` has no namespace"),
                        value.span,
                    )
                    .with_label("expected \"NAMESPACE/NAME\"")
                    .with_replacement(format!("\"gateway-system/{text}\"")),
                );
                return None;
            };
            let valid = names::validate_dns_label(namespace, 63).is_ok()
                && names::validate_dns_subdomain(name).is_ok();
            if !valid {
                ctx.report(
                    ctx.diagnostic(
                        Code::InvalidName,
                        format!("invalid gateway reference `{text}`"),
                        value.span,
                    )
                    .with_label("expected \"NAMESPACE/NAME\" with Kubernetes names"),
                );
                return None;
            }
            Some(GatewayRef {
                namespace: namespace.to_string(),
                name: name.to_string(),
                section: None,
                https: false,
            })
        }
        ValueKind::Block(block) => {
            let mut gateway = GatewayRef {
                namespace: String::new(),
                name: String::new(),
                section: None,
                https: false,
            };
            let mut https = None;
            for (info, field) in ctx.known_fields(block, schema::GATEWAY_FIELDS, "`gateway`") {
                if info.name == "https" {
                    https = ctx.read_bool(&field.value).map(|b| (b, field.value.span));
                    continue;
                }
                let name = read_dns_label(ctx, &field.value, &format!("gateway {}", info.name));
                match info.name {
                    "name" => gateway.name = name.unwrap_or_default(),
                    "namespace" => gateway.namespace = name.unwrap_or_default(),
                    _ => gateway.section = name,
                }
            }
            if let Some((true, span)) = https {
                if gateway.section.is_none() {
                    ctx.report(
                        ctx.diagnostic(
                            Code::MissingField,
                            "`https: true` needs the listener it is about",
                            span,
                        )
                        .with_label("no `section` names the Gateway's HTTPS listener")
                        .with_note("without a `section`, a route attaches to every listener of the Gateway, plain HTTP ones included")
                        .with_help("name the listener: `gateway { name: public, namespace: gateway-system, section: https, https: true }`"),
                    );
                } else {
                    gateway.https = true;
                }
            }
            if gateway.name.is_empty() || gateway.namespace.is_empty() {
                ctx.report(
                    ctx.diagnostic(
                        Code::MissingField,
                        "`gateway` needs a `name` and a `namespace`",
                        value.span,
                    )
                    .with_help("write `gateway { name: public, namespace: gateway-system }`"),
                );
                return None;
            }
            Some(gateway)
        }
        _ => {
            ctx.wrong_type(
                value,
                "\"NAMESPACE/NAME\" or a block `{ name, namespace, section, https }`",
            );
            None
        }
    }
}
