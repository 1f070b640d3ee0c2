//! What the mesh will make of a call's `paths` and `methods`: they become an Istio
//! AuthorizationPolicy on the callee, which admits only the requests they describe, so a value
//! that no real request of the port can have denies every call (an error), and without the mesh
//! nothing enforces them at all (a warning: the output is weaker than what was written, never
//! broken).

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::graph::CallIr;
use crate::ir::{AppIr, Origin, PortIr};
use crate::model::spec::Protocol;
use k8sc_grammar::Span;

/// The problems of `call`'s paths and methods, called on `ports` of a workload of `callee`.
pub fn check_requests(callee: &AppIr, call: &CallIr, ports: &[PortIr]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if call.paths.is_empty() && call.methods.is_empty() {
        return out;
    }
    let origin = &call.origin;
    let span_of = |i: usize| call.request_spans.get(i).copied().unwrap_or(origin.span);
    if callee.mesh.is_none() {
        out.push(
            at(
                origin,
                span_of(0),
                Code::RequestsNotEnforced,
                format!(
                    "`{}` is not in a mesh: its `paths` and `methods` are not enforced",
                    call.target
                ),
            )
            .with_label("nothing checks this")
            .with_note(format!(
                "paths and methods become an Istio AuthorizationPolicy, which needs the sidecar of `{}`; \
                 without a mesh the NetworkPolicy admits the call on its ports, every path and method",
                call.target
            ))
            .with_help(format!(
                "add `mesh: istio` to the app of `{}`, or remove `paths` and `methods`",
                call.target
            )),
        );
        return out;
    }
    let grpc: Vec<&PortIr> = ports
        .iter()
        .filter(|p| p.protocol == Protocol::Grpc)
        .collect();
    let Some(port) = grpc.first() else {
        return out;
    };
    let port_text = format!("{} {}", port.protocol.keyword(), port.number);
    let methods_start = call.paths.len();
    for (i, method) in call.methods.iter().enumerate() {
        if method == "POST" {
            continue;
        }
        out.push(
            at(
                origin,
                span_of(methods_start + i),
                Code::GrpcMethod,
                format!(
                    "`{}` is called on {port_text}: every gRPC call is a POST, so `{method}` admits none",
                    call.target
                ),
            )
            .with_label(format!("no gRPC request is a {method}"))
            .with_note("the mesh would deny every gRPC call on this port: gRPC sends each call as an HTTP/2 POST to `/package.Service/Method`")
            .with_help(if ports.len() > grpc.len() {
                format!(
                    "narrow the call to the HTTP port (`{} {{ port: NAME, methods: [{method}] }}`), or limit the gRPC port by `paths`",
                    call.target
                )
            } else {
                "limit gRPC calls by `paths: [\"/package.Service/Method\"]` instead, and remove `methods`".to_string()
            }),
        );
    }
    for (i, path) in call.paths.iter().enumerate() {
        if let Err(why) = grpc_path_shape(path) {
            out.push(
                at(
                    origin,
                    span_of(i),
                    Code::GrpcPath,
                    format!(
                        "`{path}` is not a gRPC path: `{}` is called on {port_text}",
                        call.target
                    ),
                )
                .with_label(why)
                .with_note("gRPC requests go to `/package.Service/Method`: any other path matches no call, and the mesh would deny every one")
                .with_help("write `\"/acme.orders.v1.Orders/Get\"`, a whole service `\"/acme.orders.v1.Orders/*\"` or a package `\"/acme.orders.*\"`"),
            );
        }
    }
    out
}

fn at(origin: &Origin, span: Span, code: Code, message: String) -> Diagnostic {
    Diagnostic::new(code, message, origin.file().unwrap_or(""), span)
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `text` is the start of a dotted protobuf name (`acme.orders.v1.Ord`).
fn is_dotted_prefix(text: &str) -> bool {
    text.split('.').enumerate().all(|(i, part)| {
        let last = i == text.split('.').count() - 1;
        (part.is_empty() && last)
            || (part.starts_with(is_ident_start) && part.chars().all(is_ident_char))
    })
}

/// Whether `text` is a whole dotted protobuf name: a service, with its package if it has one.
fn is_dotted_name(text: &str) -> bool {
    !text.is_empty() && !text.ends_with('.') && is_dotted_prefix(text)
}

/// Whether `text` is a protobuf identifier (a method's name), or the start of one.
fn is_ident_prefix(text: &str) -> bool {
    text.is_empty() || (text.starts_with(is_ident_start) && text.chars().all(is_ident_char))
}

/// Checks that a path pattern can match a gRPC call's path, `/package.Service/Method`: an exact
/// path of that shape, a prefix of one followed by `*`, `*` followed by `/Method` (or its end),
/// or `*`. On failure, says what is wrong.
fn grpc_path_shape(path: &str) -> Result<(), String> {
    if path == "*" {
        return Ok(());
    }
    if let Some(suffix) = path.strip_prefix('*') {
        // `*/Get`, `*Get`: the end of a method name, after the service.
        let method = suffix.strip_prefix('/').unwrap_or(suffix);
        return if method.chars().all(is_ident_char) {
            Ok(())
        } else {
            Err("the end of a gRPC path is `/Method`".to_string())
        };
    }
    let (body, prefix) = match path.strip_suffix('*') {
        Some(body) => (body, true),
        None => (path, false),
    };
    let Some(rest) = body.strip_prefix('/') else {
        return Err("a gRPC path starts with `/`".to_string());
    };
    let mut parts = rest.split('/');
    let service = parts.next().unwrap_or("");
    let method = parts.next();
    if parts.next().is_some() {
        return Err("a gRPC path has two parts: `/package.Service/Method`".to_string());
    }
    let shaped = match method {
        None if prefix => is_dotted_prefix(service),
        None => false,
        Some(method) if prefix => is_dotted_name(service) && is_ident_prefix(method),
        Some(method) => is_dotted_name(service) && is_ident_prefix(method) && !method.is_empty(),
    };
    if !shaped {
        return Err(match method {
            None => "no method: a gRPC path is `/package.Service/Method`".to_string(),
            Some(_) => "not `/package.Service/Method`".to_string(),
        });
    }
    // A lowercase service without a package is valid protobuf but is how REST paths look
    // (`/v1/orders`); gRPC services are `package.Service` by convention and in every style guide.
    if method.is_some()
        && !service.contains('.')
        && !service.contains(|c: char| c.is_ascii_uppercase())
    {
        return Err(format!(
            "`{service}` looks like a REST path segment, not a gRPC service (`package.Service`)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::grpc_path_shape;

    #[test]
    fn grpc_paths() {
        for ok in [
            "*",
            "/*",
            "/acme*",
            "/acme.orders.v1.Orders/Get",
            "/acme.orders.v1.Orders/*",
            "/acme.orders.*",
            "/acme.orders.v1.Orders/Ge*",
            "/Greeter/SayHello",
            "/grpc.health.v1.Health/Check",
            "*/Check",
            "*Check",
        ] {
            assert_eq!(grpc_path_shape(ok), Ok(()), "{ok}");
        }
        for bad in [
            "/v1/orders",
            "/v1/*",
            "/orders",
            "/acme.Orders",
            "/acme.Orders/Get/x",
            "/acme..Orders/Get",
            "/acme.Orders/",
            "/acme-orders.Orders/Get",
            "/1acme.Orders/Get",
            "*.json",
            "/api/v1/orders*",
        ] {
            assert!(grpc_path_shape(bad).is_err(), "{bad}");
        }
    }
}
