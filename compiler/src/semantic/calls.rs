//! `calls: [api, payments.ledger, stripe, web { port: http, methods: [GET] }]`: the workloads and
//! external hosts a workload talks to, optionally narrowed to ports, HTTP paths and methods.
//! Names are resolved in [`super::resolve`], ports against the callee when lowering the graph.

use super::reader::Ctx;
use super::workload::read_port_ref;
use crate::diagnostics::Code;
use crate::model::schema;
use crate::model::spec::CallRef;
use k8sc_grammar::{Block, Value, ValueKind};

/// Reads the list of `calls`.
pub fn read_calls(ctx: &mut Ctx<'_>, value: &Value) -> Option<Vec<CallRef>> {
    let ValueKind::List(items) = &value.kind else {
        ctx.wrong_type(
            value,
            "a list of workload names such as `[api, payments.ledger]`",
        );
        return None;
    };
    let mut calls: Vec<CallRef> = Vec::new();
    for item in items {
        // `api`, `payments.ledger`, `api { port: grpc }`, `payments.ledger { port: grpc }`
        let (parts, span, block) = match &item.kind {
            ValueKind::Path(parts) => (parts.clone(), item.span, None),
            ValueKind::Apply {
                head,
                args,
                block: Some(block),
            } if args.is_empty() => (vec![head.clone()], head.span, Some(block)),
            ValueKind::WithBlock { base, block } => match &base.kind {
                ValueKind::Path(parts) => (parts.clone(), base.span, Some(block)),
                _ => (Vec::new(), item.span, None),
            },
            _ => (Vec::new(), item.span, None),
        };
        if parts.is_empty() || parts.len() > 2 {
            ctx.wrong_type(
                item,
                "a workload name (`api`), `APP.WORKLOAD`, or `api { port: grpc }`",
            );
            continue;
        }
        let path: Vec<String> = parts.iter().map(|p| p.name.clone()).collect();
        if let Some(first) = calls.iter().find(|c| c.path == path) {
            ctx.report(
                ctx.diagnostic(
                    Code::DuplicateField,
                    format!("`{}` is listed twice in `calls`", path.join(".")),
                    item.span,
                )
                .with_secondary(ctx.label(first.span, "first listed here"))
                .with_help(
                    "list it once, with every port it is called on: `api { ports: [http, grpc] }`",
                ),
            );
            continue;
        }
        let mut call = CallRef {
            path,
            span,
            ports: Vec::new(),
            paths: Vec::new(),
            path_spans: Vec::new(),
            methods: Vec::new(),
        };
        if let Some(block) = block {
            read_call_options(ctx, block, &mut call);
        }
        calls.push(call);
    }
    Some(calls)
}

/// The HTTP methods a call may declare.
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE",
];

fn read_call_options(ctx: &mut Ctx<'_>, block: &Block, call: &mut CallRef) {
    for (info, field) in ctx.known_fields(block, schema::CALL_FIELDS, "a call") {
        let v = &field.value;
        match info.name {
            "port" => {
                if let Some(port) = read_port_ref(ctx, v) {
                    call.ports.push((port, v.span));
                }
            }
            "ports" => match &v.kind {
                ValueKind::List(items) if !items.is_empty() => {
                    for item in items {
                        if let Some(port) = read_port_ref(ctx, item) {
                            call.ports.push((port, item.span));
                        }
                    }
                }
                _ => ctx.wrong_type(v, "a list of ports such as `[http, 9090]`"),
            },
            "paths" => {
                if let Some(paths) = ctx.read_string_list(v) {
                    for (path, item) in paths.into_iter().zip(list_items(v)) {
                        if valid_path_pattern(&path) {
                            call.paths.push(path);
                            call.path_spans.push(item.span);
                        } else {
                            ctx.report(
                                ctx.diagnostic(
                                    Code::InvalidValue,
                                    format!("`{path}` is not a path pattern"),
                                    item.span,
                                )
                                .with_label("a path starts with `/`; `*` may only begin or end it")
                                .with_help("write `\"/v1/orders\"`, `\"/v1/*\"` or `\"*.json\"`"),
                            );
                        }
                    }
                }
            }
            _ => {
                let ValueKind::List(items) = &v.kind else {
                    ctx.wrong_type(v, "a list of HTTP methods such as `[GET, POST]`");
                    continue;
                };
                for item in items {
                    let Some(word) = ctx.read_name(item) else {
                        continue;
                    };
                    let upper = word.to_ascii_uppercase();
                    if METHODS.contains(&upper.as_str()) {
                        if !call.methods.iter().any(|(m, _)| *m == upper) {
                            call.methods.push((upper, item.span));
                        }
                    } else {
                        let mut diagnostic = ctx
                            .diagnostic(
                                Code::InvalidValue,
                                format!("`{word}` is not an HTTP method"),
                                item.span,
                            )
                            .with_label("unknown method")
                            .with_note(format!("methods: {}", METHODS.join(", ")));
                        if let Some(best) = super::suggest::closest(&upper, METHODS) {
                            diagnostic = diagnostic.with_replacement(best);
                        }
                        ctx.report(diagnostic);
                    }
                }
            }
        }
    }
}

fn list_items(value: &Value) -> &[Value] {
    match &value.kind {
        ValueKind::List(items) => items,
        _ => &[],
    }
}

/// An Istio path pattern: an exact path, `prefix*`, `*suffix`, or `*`.
fn valid_path_pattern(path: &str) -> bool {
    let inner = path.trim_start_matches('*').trim_end_matches('*');
    let stars = path.matches('*').count();
    let shape = match stars {
        0 => path.starts_with('/'),
        1 => path == "*" || path.ends_with('*') && path.starts_with('/') || path.starts_with('*'),
        _ => false,
    };
    shape && !inner.contains('*') && !path.chars().any(char::is_whitespace)
}
