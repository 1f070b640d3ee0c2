//! Reading `sidecars { NAME { … } }` and `init { NAME { … } }`: each container's name (a DNS
//! label, given once per block) and its fields — a subset of a workload's, read by the workload's
//! own readers, so a sidecar's `image`, `env` or `cpu` is checked exactly like the workload's.

use super::reader::Ctx;
use crate::diagnostics::Code;
use crate::model::containers::{ContainerRole, ContainerSpec, Containers};
use crate::types::names;
use k8sc_grammar::{BlockItem, Span, Value};
use std::collections::HashMap;

/// Reads a `sidecars` or `init` block: one `NAME { … }` per container, in order.
pub fn read_containers(ctx: &mut Ctx<'_>, value: &Value, role: ContainerRole) -> Containers {
    let mut out = Vec::new();
    let expected = "a block of named containers `{ NAME { image: …, … } }`";
    let Some(block) = ctx.expect_block(value, expected) else {
        return Containers(out);
    };
    let mut seen: HashMap<String, Span> = HashMap::new();
    for item in &block.items {
        let BlockItem::Field(field) = item else {
            // `allow` and `require` have no place here; the block's reader reports them.
            continue;
        };
        let key_span = field.key_span();
        if field.key.len() > 1 {
            ctx.report(
                ctx.diagnostic(
                    Code::UnknownField,
                    format!(
                        "dotted field `{}` is not allowed in `{}`",
                        field.key_text(),
                        role.keyword()
                    ),
                    key_span,
                )
                .with_label("expected a container's name")
                .with_help(format!(
                    "write `{} {{ {} }} }}`",
                    field.key[0].name,
                    field.key[1..]
                        .iter()
                        .map(|k| k.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" { ")
                        + ": …"
                )),
            );
            continue;
        }
        let name = names::to_k8s_name(&field.key_text());
        if let Err(error) = names::validate_dns_label(&name, 63) {
            let diagnostic = ctx
                .diagnostic(
                    Code::InvalidName,
                    super::reader::name_message(&error, &format!("{} name", role.noun())),
                    key_span,
                )
                .with_label("not a valid container name");
            let diagnostic = ctx.with_key_fix(diagnostic, error.help, key_span);
            ctx.report(diagnostic);
            continue;
        }
        if let Some(first) = seen.get(&name) {
            ctx.report(
                ctx.diagnostic(
                    Code::ContainerNameClash,
                    format!("{} `{name}` is declared twice", role.noun()),
                    key_span,
                )
                .with_label("declared again here")
                .with_secondary(ctx.label(*first, "first declared here"))
                .with_help("give each container of the pod its own name"),
            );
            continue;
        }
        let Some(body) = ctx.expect_block(
            &field.value,
            "a block of the container's fields `{ image: \"…\", … }`",
        ) else {
            continue;
        };
        seen.insert(name.clone(), key_span);
        let spec = super::workload::read_container_fields(ctx, body, role, &name);
        out.push(ContainerSpec {
            name,
            name_span: key_span,
            origin: ctx.origin(key_span),
            spec,
        });
    }
    Containers(out)
}
