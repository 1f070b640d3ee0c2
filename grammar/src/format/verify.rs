//! The formatter's safety net: its output is parsed again and must hold the same tree (spans
//! aside; imports compared among themselves, declarations among themselves, since imports may
//! have moved up) and the same comments in the same order. A difference is a bug in the
//! formatter; the file is then left alone rather than changed in meaning.

use super::comments::normalized;
use crate::ast::{
    Block, BlockItem, Decl, Ident, Import, ImportTarget, Item, SourceFile, Value, ValueKind,
};
use crate::comments::Comment;
use crate::parser::parse;
use crate::span::Span;

/// Checks `output` against the tree it was printed from and the comments of the printed text.
pub(super) fn check(
    original: &SourceFile,
    comments: &[Comment],
    output: &str,
) -> Result<(), String> {
    let reparsed = parse(output);
    if let Some(error) = reparsed.errors.first() {
        return Err(format!("its output has a syntax error ({})", error.message));
    }
    if !same_tree(original, &reparsed.file) {
        return Err("its output parses to a different tree".to_string());
    }
    let before: Vec<String> = comments.iter().map(|c| normalized(&c.text)).collect();
    let after: Vec<String> = reparsed
        .comments
        .iter()
        .map(|c| normalized(&c.text))
        .collect();
    if before != after {
        return Err("its output lost or reordered a comment".to_string());
    }
    Ok(())
}

/// Whether two files hold the same imports (in order) and the same declarations (in order),
/// spans aside.
pub(super) fn same_tree(a: &SourceFile, b: &SourceFile) -> bool {
    spanless(a) == spanless(b)
}

/// The imports and the declarations of a file, with every span erased.
fn spanless(file: &SourceFile) -> (Vec<Import>, Vec<Decl>) {
    let mut imports = Vec::new();
    let mut decls = Vec::new();
    for item in &file.items {
        match item.clone() {
            Item::Import(mut import) => {
                erase_import(&mut import);
                imports.push(import);
            }
            Item::Decl(decl) => {
                let mut decl = std::sync::Arc::unwrap_or_clone(decl);
                erase_decl(&mut decl);
                decls.push(decl);
            }
        }
    }
    (imports, decls)
}

fn erase_ident(ident: &mut Ident) {
    ident.span = Span::default();
}

fn erase_import(import: &mut Import) {
    import.span = Span::default();
    match &mut import.target {
        ImportTarget::Module(path) => path.iter_mut().for_each(erase_ident),
        ImportTarget::Relative { span, .. } => *span = Span::default(),
    }
    if let Some(selection) = &mut import.selection {
        selection.iter_mut().for_each(erase_ident);
    }
}

fn erase_decl(decl: &mut Decl) {
    decl.span = Span::default();
    decl.keyword_span = Span::default();
    if let Some(name) = &mut decl.name {
        erase_ident(name);
    }
    for param in decl.params.iter_mut().flatten() {
        param.span = Span::default();
        erase_ident(&mut param.name);
        if let Some(ty) = &mut param.ty {
            erase_value(ty);
        }
    }
    if let Some(parent) = &mut decl.parent {
        erase_ident(parent);
    }
    erase_block(&mut decl.body);
}

fn erase_block(block: &mut Block) {
    block.span = Span::default();
    for item in &mut block.items {
        match item {
            BlockItem::Field(field) => {
                field.span = Span::default();
                for key in &mut field.key {
                    key.span = Span::default();
                }
                erase_value(&mut field.value);
            }
            BlockItem::Require(require) => {
                require.span = Span::default();
                require.keyword_span = Span::default();
                for rule in &mut require.rules {
                    rule.span = Span::default();
                    erase_value(&mut rule.condition);
                    if let Some(message) = &mut rule.message {
                        message.span = Span::default();
                    }
                }
            }
            BlockItem::Allow(allow) => {
                allow.span = Span::default();
                allow.keyword_span = Span::default();
                allow.reason.span = Span::default();
                allow.name.iter_mut().for_each(erase_ident);
            }
        }
    }
}

fn erase_value(value: &mut Value) {
    value.span = Span::default();
    match &mut value.kind {
        ValueKind::Str(_) | ValueKind::Bool(_) => {}
        ValueKind::Number(number) => {
            if let Some(span) = &mut number.unit_span {
                *span = Span::default();
            }
        }
        ValueKind::Path(path) => path.iter_mut().for_each(erase_ident),
        ValueKind::List(items) | ValueKind::Tuple(items) => items.iter_mut().for_each(erase_value),
        ValueKind::Block(block) => erase_block(block),
        ValueKind::Apply { head, args, block } => {
            erase_ident(head);
            args.iter_mut().for_each(erase_value);
            if let Some(block) = block {
                erase_block(block);
            }
        }
        ValueKind::WithBlock { base, block } => {
            erase_value(base);
            erase_block(block);
        }
        ValueKind::Call { callee, args } => {
            callee.iter_mut().for_each(erase_ident);
            args.iter_mut().for_each(erase_value);
        }
        ValueKind::Range { start, end } => {
            erase_value(start);
            erase_value(end);
        }
        ValueKind::Unary { operand, .. } => erase_value(operand),
        ValueKind::Binary {
            op_span, lhs, rhs, ..
        } => {
            *op_span = Span::default();
            erase_value(lhs);
            erase_value(rhs);
        }
    }
}
