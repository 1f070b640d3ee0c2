//! A compact, indented rendering of the AST with spans, for golden tests and debugging.
//!
//! `Debug` output of the tree is too verbose to review in a snapshot; this shows one node per line
//! with its byte span, so a reviewer can check both the shape and the positions.

use crate::ast::{
    Block, BlockItem, Decl, Field, Import, ImportTarget, Item, SourceFile, Value, ValueKind,
};
use crate::span::Span;
use std::fmt::Write;

/// Renders the tree of `file`.
pub fn dump(file: &SourceFile) -> String {
    let mut out = String::new();
    for item in &file.items {
        match item {
            Item::Import(import) => dump_import(&mut out, import),
            Item::Decl(decl) => dump_decl(&mut out, decl),
        }
    }
    out
}

fn span(s: Span) -> String {
    format!("@{}..{}", s.start, s.end)
}

fn dump_import(out: &mut String, import: &Import) {
    let target = match &import.target {
        ImportTarget::Module(path) => path
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ImportTarget::Relative { path, .. } => path.clone(),
    };
    let selection = import.selection.as_ref().map_or(String::new(), |items| {
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        format!(" {{{}}}", names.join(", "))
    });
    let _ = writeln!(out, "import {target}{selection} {}", span(import.span));
}

fn dump_decl(out: &mut String, decl: &Decl) {
    let name = decl.name.as_ref().map_or("<missing>", |n| n.name.as_str());
    let _ = write!(out, "{} {name}", decl.kind.keyword());
    if let Some(params) = &decl.params {
        let names: Vec<&str> = params.iter().map(|p| p.name.name.as_str()).collect();
        let _ = write!(out, "({})", names.join(", "));
    }
    if let Some(parent) = &decl.parent {
        let _ = write!(out, ": {}", parent.name);
    }
    let _ = writeln!(out, " {}", span(decl.span));
    if let Some(doc) = &decl.doc {
        let _ = writeln!(out, "  doc {doc:?}");
    }
    dump_block_items(out, &decl.body, 1);
}

fn dump_block_items(out: &mut String, block: &Block, depth: usize) {
    if !block.closed {
        let _ = writeln!(out, "{}<unclosed>", "  ".repeat(depth));
    }
    for item in &block.items {
        match item {
            BlockItem::Field(field) => dump_field(out, field, depth),
            BlockItem::Allow(allow) => {
                let _ = writeln!(
                    out,
                    "{}allow {} because {:?} {}",
                    "  ".repeat(depth),
                    allow.name_text(),
                    allow.reason.value,
                    span(allow.span)
                );
            }
            BlockItem::Require(require) => {
                let _ = writeln!(out, "{}require {}", "  ".repeat(depth), span(require.span));
                for rule in &require.rules {
                    let message = rule
                        .message
                        .as_ref()
                        .map_or(String::new(), |m| format!(" {:?}", m.value));
                    let _ = writeln!(
                        out,
                        "{}rule {}{message}",
                        "  ".repeat(depth + 1),
                        inline(&rule.condition)
                    );
                }
            }
        }
    }
}

fn dump_field(out: &mut String, field: &Field, depth: usize) {
    let indent = "  ".repeat(depth);
    match &field.value.kind {
        ValueKind::Block(block) => {
            let _ = writeln!(
                out,
                "{indent}{} {{}} {}",
                field.key_text(),
                span(field.span)
            );
            dump_block_items(out, block, depth + 1);
        }
        _ => {
            let _ = writeln!(
                out,
                "{indent}{}: {} {}",
                field.key_text(),
                inline(&field.value),
                span(field.value.span)
            );
            for block in nested_blocks(&field.value) {
                dump_block_items(out, block, depth + 1);
            }
        }
    }
}

fn nested_blocks(value: &Value) -> Vec<&Block> {
    match &value.kind {
        ValueKind::Apply {
            block: Some(block), ..
        }
        | ValueKind::WithBlock { block, .. } => vec![block],
        _ => Vec::new(),
    }
}

/// One-line rendering of a value; blocks inside are summarised and dumped below the field.
fn inline(value: &Value) -> String {
    match &value.kind {
        ValueKind::Str(s) => format!("{s:?}"),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Number(n) => format!("{}{}", n.text, n.unit.as_deref().unwrap_or("")),
        ValueKind::Path(parts) => parts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ValueKind::List(items) => {
            let parts: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        ValueKind::Block(block) => format!("{{{} fields}}", block.items.len()),
        ValueKind::Apply { head, args, block } => {
            let mut text = format!("({}", head.name);
            for arg in args {
                text.push(' ');
                text.push_str(&inline(arg));
            }
            if block.is_some() {
                text.push_str(" {…}");
            }
            text.push(')');
            text
        }
        ValueKind::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(inline).collect();
            format!("({})", parts.join(" "))
        }
        ValueKind::WithBlock { base, .. } => format!("({} {{…}})", inline(base)),
        ValueKind::Call { callee, args } => {
            let name: Vec<&str> = callee.iter().map(|i| i.name.as_str()).collect();
            let parts: Vec<String> = args.iter().map(inline).collect();
            format!("{}({})", name.join("."), parts.join(", "))
        }
        ValueKind::Range { start, end } => format!("({}..{})", inline(start), inline(end)),
        ValueKind::Unary { operand, .. } => format!("(not {})", inline(operand)),
        ValueKind::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", inline(lhs), op.symbol(), inline(rhs))
        }
    }
}
