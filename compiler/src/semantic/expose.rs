//! Reading `expose`: `route "shop.example.com" { path: "/" }` or, with several hosts and paths,
//! `route ["shop.example.com", "www.shop.example.com"] { paths: ["/", "/api"] }` (and the same
//! for `ingress`). A host or a path written twice is E0073: the second would route nothing new,
//! and on an Ingress the API server keeps both rules, so the mistake would only hide.

use super::reader::{Ctx, MisplacedField};
use super::workload::{read_port_ref, validate_host};
use crate::diagnostics::Code;
use crate::model::schema;
use crate::model::spec::{Expose, ExposeKind};
use k8sc_grammar::{Span, Value, ValueKind};

/// Reads the value of `expose`.
pub fn read_expose(ctx: &mut Ctx<'_>, value: &Value) -> Option<Expose> {
    let ValueKind::Apply { head, args, block } = &value.kind else {
        ctx.wrong_type(value, "`route \"host\" { … }` or `ingress \"host\" { … }`");
        return None;
    };
    let kind = match head.name.as_str() {
        "route" => ExposeKind::Route,
        "ingress" => ExposeKind::Ingress,
        other => {
            let mut diagnostic = ctx
                .diagnostic(
                    Code::InvalidValue,
                    format!("`{other}` is not a way to expose a service"),
                    head.span,
                )
                .with_label("expected `route` (Gateway API) or `ingress`");
            if let Some(best) = super::suggest::closest(other, ["route", "ingress"]) {
                diagnostic = diagnostic.with_replacement(best);
            }
            ctx.report(diagnostic);
            return None;
        }
    };
    let [host_value] = args.as_slice() else {
        ctx.report(
            ctx.diagnostic(
                Code::WrongType,
                format!("`{}` needs one host name or a list of them", head.name),
                value.span,
            )
            .with_label(format!(
                "expected `{0} \"shop.example.com\"` or `{0} [\"shop.example.com\", \"www.shop.example.com\"]`",
                head.name
            )),
        );
        return None;
    };
    let hosts = read_hosts(ctx, host_value)?;
    let mut expose = Expose {
        kind,
        hosts,
        paths: Vec::new(),
        port: None,
        tls: None,
        class: None,
    };
    let Some(block) = block else {
        return Some(expose);
    };
    let (table, context) = match kind {
        ExposeKind::Route => (schema::ROUTE_FIELDS, "a route"),
        ExposeKind::Ingress => (schema::INGRESS_FIELDS, "an ingress"),
    };
    let hints: &[MisplacedField] = match kind {
        ExposeKind::Route => ROUTE_HINTS,
        ExposeKind::Ingress => &[],
    };
    let mut paths_written: Option<Span> = None;
    for (info, field) in ctx.known_fields_hinted(block, table, context, hints) {
        let v = &field.value;
        match info.name {
            "path" | "paths" => {
                if let Some(first) = paths_written {
                    ctx.report(
                        ctx.diagnostic(
                            Code::DuplicateField,
                            "`path` and `paths` both set the routed paths",
                            field.key_span(),
                        )
                        .with_label("written again here")
                        .with_secondary(ctx.label(first, "first written here"))
                        .with_help("list every path in one `paths: [\"/\", \"/api\"]`"),
                    );
                    continue;
                }
                paths_written = Some(field.key_span());
                let items: Vec<&Value> = match (&v.kind, info.name) {
                    (ValueKind::List(items), "paths") => items.iter().collect(),
                    (_, "paths") => {
                        ctx.wrong_type(v, "a list of paths such as `[\"/\", \"/api\"]`");
                        continue;
                    }
                    _ => vec![v],
                };
                if items.is_empty() {
                    ctx.report(
                        ctx.diagnostic(Code::InvalidValue, "`paths` is empty", v.span)
                            .with_label("routes nothing")
                            .with_help("list at least one path, e.g. `paths: [\"/\"]`"),
                    );
                    continue;
                }
                let mut seen: Vec<(String, Span)> = Vec::new();
                for item in items {
                    let Some(path) = read_path(ctx, item) else {
                        continue;
                    };
                    if let Some((_, first)) = seen.iter().find(|(p, _)| *p == path) {
                        report_twice(ctx, "path", &path, item.span, *first);
                        continue;
                    }
                    seen.push((path, item.span));
                }
                expose.paths = seen.into_iter().map(|(p, _)| p).collect();
            }
            "port" => expose.port = read_port_ref(ctx, v).map(|p| (p, v.span)),
            "tls" => expose.tls = super::workload::read_k8s_name(ctx, v, "TLS secret name"),
            _ => expose.class = super::workload::read_k8s_name(ctx, v, "ingress class"),
        }
    }
    Some(expose)
}

/// The host, or the list of hosts, of `route …` / `ingress …`: each a valid DNS name, none twice
/// (DNS names are case-insensitive: `Shop.example.com` is `shop.example.com`).
fn read_hosts(ctx: &mut Ctx<'_>, value: &Value) -> Option<Vec<String>> {
    let items: Vec<&Value> = match &value.kind {
        ValueKind::List(items) if items.is_empty() => {
            ctx.report(
                ctx.diagnostic(Code::InvalidValue, "the list of hosts is empty", value.span)
                    .with_label("exposes nothing")
                    .with_help("name at least one host, e.g. `[\"shop.example.com\"]`"),
            );
            return None;
        }
        ValueKind::List(items) => items.iter().collect(),
        _ => vec![value],
    };
    let mut hosts: Vec<(String, Span)> = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(host) = ctx.read_string(item) else {
            ok = false;
            continue;
        };
        if let Err(error) = validate_host(&host) {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidName,
                    super::reader::name_message(&error, "host name"),
                    item.span,
                )
                .with_label("not a valid DNS name"),
            );
            ok = false;
            continue;
        }
        if let Some((_, first)) = hosts.iter().find(|(h, _)| h.eq_ignore_ascii_case(&host)) {
            report_twice(ctx, "host", &host, item.span, *first);
            continue;
        }
        hosts.push((host, item.span));
    }
    ok.then(|| hosts.into_iter().map(|(h, _)| h).collect())
}

/// One path prefix: it starts with `/`.
fn read_path(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let path = ctx.read_string(value)?;
    if path.starts_with('/') {
        return Some(path);
    }
    ctx.report(
        ctx.diagnostic(
            Code::InvalidValue,
            format!("route path `{path}` does not start with `/`"),
            value.span,
        )
        .with_replacement(format!("\"/{path}\"")),
    );
    None
}

/// E0073: a host or path written twice in one `expose`.
fn report_twice(ctx: &mut Ctx<'_>, what: &str, text: &str, span: Span, first: Span) {
    ctx.report(
        ctx.diagnostic(
            Code::ExposedTwice,
            format!("{what} `{text}` is listed twice in `expose`"),
            span,
        )
        .with_label("listed again here")
        .with_secondary(ctx.label(first, "first listed here"))
        .with_help(format!("remove the second `{text}`")),
    );
}

/// `class` belongs to the Gateway, not to a route (`tls` too, unless the mesh serves the route:
/// that is checked when lowering).
const ROUTE_HINTS: &[MisplacedField] = &[MisplacedField {
    name: "class",
    label: "set on the Gateway, not on the route",
    note: "with the Gateway API, the class belongs to the Gateway; pick the Gateway with the app's `gateway` field",
    help: "to pick an IngressClass, use `expose: ingress \"host\" { class: NAME }`",
}];
