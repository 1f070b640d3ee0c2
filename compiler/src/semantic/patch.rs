//! `patch KIND ["NAME"] { … }`: the escape hatch for what the language has no word for. The
//! block is read here into a JSON-like tree that keeps the span of every key and value, so that
//! when the patched resource is checked against its Kubernetes type (during lowering) a problem
//! points into the patch rather than at the generated YAML.

use super::reader::Ctx;
use crate::diagnostics::Code;
pub use crate::model::patch::*;
use k8sc_grammar::{Block, Span, Value, ValueKind};

/// Reads a `patch` field's value: `KIND ["NAME"] { … }`.
pub fn read_patch(ctx: &mut Ctx<'_>, value: &Value, field_span: Span) -> Option<PatchSpec> {
    let ValueKind::Apply { head, args, block } = &value.kind else {
        ctx.report(
            ctx.diagnostic(
                Code::WrongType,
                format!(
                    "expected a resource kind and a block, found {}",
                    value.kind.describe()
                ),
                value.span,
            )
            .with_label("not a patch")
            .with_help("write `patch Deployment { spec { … } }`, without a colon"),
        );
        return None;
    };
    let name = match args.as_slice() {
        [] => None,
        [arg] => match &arg.kind {
            ValueKind::Str(name) => Some(name.clone()),
            _ => {
                ctx.wrong_type(arg, "the resource's name as a string");
                return None;
            }
        },
        [_, extra, ..] => {
            ctx.report(
                ctx.diagnostic(Code::WrongType, "a patch names one resource", extra.span)
                    .with_label("unexpected")
                    .with_help("write `patch KIND \"NAME\" { … }`"),
            );
            return None;
        }
    };
    let Some(block) = block else {
        ctx.report(
            ctx.diagnostic(Code::WrongType, "a patch needs a block", value.span)
                .with_label("nothing to merge")
                .with_help(format!("write `patch {} {{ … }}`", head.name)),
        );
        return None;
    };
    let body = read_map(ctx, block)?;
    super::secrets::check_patch_secrets(ctx, &body);
    Some(PatchSpec {
        kind: head.name.clone(),
        kind_span: head.span,
        name,
        file: ctx.file.clone(),
        span: field_span,
        body,
    })
}

fn read_map(ctx: &mut Ctx<'_>, block: &Block) -> Option<PatchNode> {
    let mut entries: Vec<PatchEntry> = Vec::new();
    let mut ok = true;
    for item in &block.items {
        let field = match item {
            k8sc_grammar::BlockItem::Field(field) => field,
            k8sc_grammar::BlockItem::Require(r) => {
                report_not_data(ctx, r.keyword_span, "`require`");
                ok = false;
                continue;
            }
            k8sc_grammar::BlockItem::Allow(a) => {
                report_not_data(ctx, a.keyword_span, "`allow`");
                ok = false;
                continue;
            }
        };
        let Some(value) = read_value(ctx, &field.value) else {
            ok = false;
            continue;
        };
        // `a.b: v` is `a { b: v }`; quoted keys (`"app.kubernetes.io/name"`) are one key.
        let Some((last, parents)) = field.key.split_last() else {
            continue;
        };
        let mut node = PatchEntry {
            key: last.name.clone(),
            key_span: last.span,
            value,
        };
        for parent in parents.iter().rev() {
            node = PatchEntry {
                key: parent.name.clone(),
                key_span: parent.span,
                value: PatchNode {
                    span: field.span,
                    value: PatchValue::Map(vec![node]),
                },
            };
        }
        if let Some(first) = entries.iter().find(|e| e.key == node.key) {
            ctx.report(
                ctx.diagnostic(
                    Code::DuplicateField,
                    format!("key `{}` is set twice in the patch", node.key),
                    node.key_span,
                )
                .with_label("set again here")
                .with_secondary(ctx.label(first.key_span, "first set here"))
                .with_help("write the key once, with everything below it in one block"),
            );
            ok = false;
            continue;
        }
        entries.push(node);
    }
    ok.then_some(PatchNode {
        value: PatchValue::Map(entries),
        span: block.span,
    })
}

fn report_not_data(ctx: &mut Ctx<'_>, span: Span, what: &str) {
    ctx.report(
        ctx.diagnostic(
            Code::WrongType,
            format!("{what} is not allowed in a patch"),
            span,
        )
        .with_label("a patch holds only Kubernetes fields"),
    );
}

fn read_value(ctx: &mut Ctx<'_>, value: &Value) -> Option<PatchNode> {
    let span = value.span;
    let node = |value| Some(PatchNode { value, span });
    match &value.kind {
        ValueKind::Str(s) => node(PatchValue::Str(s.clone())),
        ValueKind::Bool(b) => node(PatchValue::Bool(*b)),
        ValueKind::Number(n) => match &n.unit {
            // Kubernetes quantities (`250m`, `1Gi`) are strings in the API.
            Some(unit) => node(PatchValue::Str(format!("{}{unit}", n.text))),
            None => match n.text.parse::<i64>() {
                Ok(int) => node(PatchValue::Int(int)),
                Err(_) => node(PatchValue::Float(n.text.clone())),
            },
        },
        ValueKind::Path(parts) if parts.len() == 1 && parts[0].name == "null" => {
            node(PatchValue::Null)
        }
        // A bare word is a string, as in YAML: `imagePullPolicy: Always`.
        ValueKind::Path(parts) => {
            let words: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
            node(PatchValue::Str(words.join(".")))
        }
        ValueKind::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for item in items {
                match read_value(ctx, item) {
                    Some(v) => out.push(v),
                    None => ok = false,
                }
            }
            ok.then_some(PatchNode {
                value: PatchValue::List(out),
                span,
            })
        }
        ValueKind::Block(block) => read_map(ctx, block),
        _ => {
            ctx.report(
                ctx.diagnostic(
                    Code::WrongType,
                    format!("expected a patch value, found {}", value.kind.describe()),
                    span,
                )
                .with_label(format!("this is {}", value.kind.describe()))
                .with_help(
                    "a patch holds strings, numbers, booleans, `null`, lists and blocks, as YAML",
                ),
            );
            None
        }
    }
}
