//! Reading `sidecars { NAME { … } }` and `init { NAME { … } }`: each container's name (a DNS
//! label, given once per block) and its fields — a subset of a workload's, read by the workload's
//! own readers, so a sidecar's `image`, `env` or `cpu` is checked exactly like the workload's.

use super::reader::Ctx;
use crate::diagnostics::Code;
use crate::model::containers::{ContainerRole, ContainerSpec, Containers};
use crate::model::spec::Entry;
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
        // `mounts` is a container's own field; the rest are a workload's.
        let is_mounts = |item: &BlockItem| matches!(item, BlockItem::Field(f) if f.key.len() == 1 && f.key[0].name == "mounts");
        let mut fields = body.clone();
        fields.items.retain(|item| !is_mounts(item));
        let before = ctx.diagnostics.iter().filter(|d| d.is_error()).count();
        let mut spec = super::workload::read_container_fields(ctx, &fields, role, &name);
        let mut mounts = Vec::new();
        let mut first_mounts: Option<Span> = None;
        for item in body.items.iter().filter(|item| is_mounts(item)) {
            let BlockItem::Field(field) = item else {
                continue;
            };
            if let Some(first) = first_mounts {
                ctx.report(
                    ctx.diagnostic(
                        Code::DuplicateField,
                        "field `mounts` is set twice",
                        field.key_span(),
                    )
                    .with_label("set again here")
                    .with_secondary(ctx.label(first, "first set here"))
                    .with_help("remove one of them"),
                );
                continue;
            }
            first_mounts = Some(field.key_span());
            mounts = read_mounts(ctx, &field.value);
        }
        if ctx.diagnostics.iter().filter(|d| d.is_error()).count() > before
            && spec.rejected.is_empty()
        {
            spec.rejected.push("mounts");
        }
        out.push(ContainerSpec {
            name,
            name_span: key_span,
            origin: ctx.origin(key_span),
            spec,
            mounts,
        });
    }
    Containers(out)
}

/// `mounts { VOLUME: "/path" }`: volume names (DNS labels, each once) to absolute paths.
fn read_mounts(ctx: &mut Ctx<'_>, value: &Value) -> Vec<Entry<String>> {
    let mut out: Vec<Entry<String>> = Vec::new();
    let Some(block) = ctx.expect_block(value, "a block of mounts `{ VOLUME: \"/path\" }`") else {
        return out;
    };
    for field in block.fields() {
        let key = field.key_text();
        let key_span = field.key_span();
        if let Err(error) = names::validate_dns_label(&key, 63) {
            let diagnostic = ctx
                .diagnostic(
                    Code::InvalidName,
                    super::reader::name_message(&error, "volume name"),
                    key_span,
                )
                .with_label("a volume name is a DNS label");
            let diagnostic = ctx.with_key_fix(diagnostic, error.help, key_span);
            ctx.report(diagnostic);
            continue;
        }
        if let Some(first) = out.iter().find(|m| m.key == key) {
            ctx.report(
                ctx.diagnostic(
                    Code::DuplicateField,
                    format!("volume `{key}` is mounted twice"),
                    key_span,
                )
                .with_label("mounted again here")
                .with_secondary(ctx.label(first.key_span, "first mounted here")),
            );
            continue;
        }
        if let Some(path) = super::workload::read_absolute_path(ctx, &field.value) {
            out.push(Entry {
                key,
                key_span,
                value: ctx.sourced(path, field.value.span),
            });
        }
    }
    out
}
