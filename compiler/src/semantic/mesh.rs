//! The namespace's network settings, written in an app or in a tier's `defaults`: the service
//! mesh its workloads join (`mesh: istio { mtls: strict }`) and whether traffic the service graph
//! does not name is denied (`network: default_deny`).

use super::reader::Ctx;
pub use crate::model::mesh::*;
use crate::model::schema::MESH_FIELDS;
use k8sc_grammar::{Value, ValueKind};

/// `mesh: istio`, `mesh: istio { mtls: strict | permissive }` or `mesh: none`.
pub fn read_mesh(ctx: &mut Ctx<'_>, value: &Value) -> Option<Mesh> {
    let (head, block) = match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => (&parts[0], None),
        ValueKind::Apply {
            head,
            args,
            block: Some(block),
        } if args.is_empty() => (head, Some(block)),
        _ => {
            ctx.wrong_type(value, "`istio`, `istio { mtls: strict }` or `none`");
            return None;
        }
    };
    match head.name.as_str() {
        "none" if block.is_none() => return Some(Mesh::None),
        "istio" => {}
        other => {
            let mut diagnostic = ctx
                .diagnostic(
                    crate::diagnostics::Code::InvalidValue,
                    format!("`{other}` is not a service mesh k8sc supports"),
                    head.span,
                )
                .with_label("expected `istio` or `none`");
            if let Some(best) = super::suggest::closest(other, ["istio", "none"]) {
                diagnostic = diagnostic.with_replacement(best);
            }
            ctx.report(diagnostic);
            return None;
        }
    }
    let mut mtls = Mtls::Strict;
    if let Some(block) = block {
        for (_, field) in ctx.known_fields(block, MESH_FIELDS, "`istio`") {
            if let Some(mode) = ctx.read_choice(
                &field.value,
                "mutual TLS mode",
                &[("strict", Mtls::Strict), ("permissive", Mtls::Permissive)],
            ) {
                mtls = mode;
            }
        }
    }
    Some(Mesh::Istio { mtls })
}

/// `network: default_deny | open`.
pub fn read_network(ctx: &mut Ctx<'_>, value: &Value) -> Option<Network> {
    ctx.read_choice(
        value,
        "network policy",
        &[
            ("default_deny", Network::DefaultDeny),
            ("open", Network::Open),
        ],
    )
}
