//! Semantic tokens (full and range): keywords, declaration names by kind, field keys, values by
//! type, names resolved to what they refer to (tier, policy, workload, app), comments.

use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::navigation::{Symbol, file_references, symbol_decl};
use k8sc_compiler::analysis::parse;
use k8sc_compiler::db::{File, FileKind};
use k8sc_grammar::{Block, BlockItem, DeclKind, ImportTarget, Span, Value, ValueKind};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    Range, SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens,
    SemanticTokensLegend, Uri,
};

const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::CLASS,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::STRUCT,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::PARAMETER,
];

const KEYWORD: u32 = 0;
const NAMESPACE: u32 = 1;
const CLASS: u32 = 2;
const FUNCTION: u32 = 3;
const STRUCT: u32 = 4;
const PROPERTY: u32 = 5;
const STRING: u32 = 6;
const NUMBER: u32 = 7;
const COMMENT: u32 = 8;
const OPERATOR: u32 = 9;
const ENUM_MEMBER: u32 = 10;
const PARAMETER: u32 = 11;

const DECLARATION: u32 = 1;
const DEFAULT_LIBRARY: u32 = 2;
const DOCUMENTATION: u32 = 4;

/// The token types and modifiers the server uses.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: vec![
            SemanticTokenModifier::DECLARATION,
            SemanticTokenModifier::DEFAULT_LIBRARY,
            SemanticTokenModifier::DOCUMENTATION,
        ],
    }
}

/// Every token of a document.
pub fn full(snapshot: &Snapshot, uri: &Uri) -> Option<SemanticTokens> {
    let file = snapshot.file(uri)?;
    Some(encode(snapshot, file, tokens(snapshot, file), None))
}

/// The tokens of a range of a document.
pub fn range(snapshot: &Snapshot, uri: &Uri, range: Range) -> Option<SemanticTokens> {
    let file = snapshot.file(uri)?;
    let span = snapshot.span(file, range);
    Some(encode(snapshot, file, tokens(snapshot, file), Some(span)))
}

/// A classified span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    span: Span,
    ty: u32,
    modifiers: u32,
}

fn kind_type(kind: DeclKind) -> u32 {
    match kind {
        DeclKind::App | DeclKind::Env => NAMESPACE,
        DeclKind::Tier => CLASS,
        DeclKind::Policy => FUNCTION,
        _ => STRUCT,
    }
}

fn tokens(snapshot: &Snapshot, file: File) -> Vec<Token> {
    let db = &snapshot.db;
    let parsed = parse(db, file);
    let mut out = Vec::new();
    let mut push = |span: Span, ty: u32, modifiers: u32| {
        if !span.is_empty() {
            out.push(Token {
                span,
                ty,
                modifiers,
            });
        }
    };
    for comment in &parsed.comments {
        let modifiers = if comment.is_doc() { DOCUMENTATION } else { 0 };
        push(comment.span, COMMENT, modifiers);
    }
    let references: HashMap<Span, u32> = file_references(db, snapshot.project, file)
        .iter()
        .map(|r| {
            let (ty, library) = match r.symbol {
                Symbol::File(target) => (NAMESPACE, target.kind(db) == FileKind::Stdlib),
                Symbol::Decl { file: target, .. } => (
                    symbol_decl(db, r.symbol).map_or(STRUCT, |d| kind_type(d.kind)),
                    target.kind(db) == FileKind::Stdlib,
                ),
            };
            (r.span, ty | if library { DEFAULT_LIBRARY << 16 } else { 0 })
        })
        .collect();
    let mut classify =
        |span: Span, fallback: u32, push: &mut dyn FnMut(Span, u32, u32)| match references
            .get(&span)
        {
            Some(packed) => push(span, packed & 0xffff, packed >> 16),
            None => push(span, fallback, 0),
        };
    for import in parsed.file.imports() {
        push(import.span.slice(0..6), KEYWORD, 0);
        match &import.target {
            ImportTarget::Relative { span, .. } => push(*span, STRING, 0),
            ImportTarget::Module(parts) => {
                for part in parts {
                    classify(part.span, NAMESPACE, &mut push);
                }
            }
        }
        for item in import.selection.iter().flatten() {
            classify(item.span, CLASS, &mut push);
        }
    }
    for decl in parsed.file.decls() {
        push(decl.keyword_span, KEYWORD, 0);
        if let Some(name) = &decl.name {
            push(name.span, kind_type(decl.kind), DECLARATION);
        }
        if let Some(parent) = &decl.parent {
            classify(parent.span, kind_type(decl.kind), &mut push);
        }
        for param in decl.params.iter().flatten() {
            push(param.name.span, PARAMETER, DECLARATION);
            if let Some(ty) = &param.ty {
                value(ty, &mut classify, &mut push);
            }
        }
        block(&decl.body, &mut classify, &mut push);
    }
    out.sort_by_key(|t| (t.span.start, t.span.end));
    out.dedup_by(|b, a| b.span.start < a.span.end);
    out
}

type Classify<'a> = dyn FnMut(Span, u32, &mut dyn FnMut(Span, u32, u32)) + 'a;

fn block(block_: &Block, classify: &mut Classify<'_>, push: &mut dyn FnMut(Span, u32, u32)) {
    for item in &block_.items {
        match item {
            BlockItem::Field(field) => {
                for key in &field.key {
                    push(key.span, PROPERTY, 0);
                }
                value(&field.value, classify, push);
            }
            BlockItem::Require(require) => {
                push(require.keyword_span, KEYWORD, 0);
                for rule in &require.rules {
                    value(&rule.condition, classify, push);
                    if let Some(message) = &rule.message {
                        push(message.span, STRING, 0);
                    }
                }
            }
            BlockItem::Allow(allow) => {
                push(allow.keyword_span, KEYWORD, 0);
                for part in &allow.name {
                    classify(part.span, PROPERTY, push);
                }
                push(allow.reason.span, STRING, 0);
            }
        }
    }
}

fn value(value_: &Value, classify: &mut Classify<'_>, push: &mut dyn FnMut(Span, u32, u32)) {
    match &value_.kind {
        ValueKind::Str(_) => push(value_.span, STRING, 0),
        ValueKind::Bool(_) => push(value_.span, KEYWORD, 0),
        ValueKind::Number(_) => push(value_.span, NUMBER, 0),
        ValueKind::Path(parts) => {
            for part in parts {
                classify(part.span, ENUM_MEMBER, push);
            }
        }
        ValueKind::List(items) | ValueKind::Tuple(items) => {
            for item in items {
                value(item, classify, push);
            }
        }
        ValueKind::Block(inner) => block(inner, classify, push),
        ValueKind::Apply {
            head,
            args,
            block: inner,
        } => {
            push(head.span, KEYWORD, 0);
            for arg in args {
                value(arg, classify, push);
            }
            if let Some(inner) = inner {
                block(inner, classify, push);
            }
        }
        ValueKind::WithBlock { base, block: inner } => {
            value(base, classify, push);
            block(inner, classify, push);
        }
        ValueKind::Call { callee, args } => {
            for part in callee {
                classify(part.span, FUNCTION, push);
            }
            for arg in args {
                value(arg, classify, push);
            }
        }
        ValueKind::Range { start, end } => {
            value(start, classify, push);
            value(end, classify, push);
        }
        ValueKind::Unary { operand, .. } => {
            push(value_.span.slice(0..3), KEYWORD, 0);
            value(operand, classify, push);
        }
        ValueKind::Binary {
            op_span, lhs, rhs, ..
        } => {
            value(lhs, classify, push);
            push(*op_span, OPERATOR, 0);
            value(rhs, classify, push);
        }
    }
}

/// Encodes tokens relative to each other, splitting those that span lines.
fn encode(
    snapshot: &Snapshot,
    file: File,
    tokens: Vec<Token>,
    within: Option<Span>,
) -> SemanticTokens {
    let text = snapshot.text(file);
    let mut data = Vec::new();
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for token in tokens {
        if let Some(within) = within
            && (token.span.end < within.start || token.span.start > within.end)
        {
            continue;
        }
        let mut start = token.span.start as usize;
        let end = (token.span.end as usize).min(text.len());
        while start < end {
            let line_end = text
                .get(start..end)
                .and_then(|rest| rest.find('\n'))
                .map_or(end, |i| start + i);
            if line_end > start {
                let from = snapshot.position(file, start as u32);
                let to = snapshot.position(file, line_end as u32);
                let delta_line = from.line - last_line;
                let delta_start = if delta_line == 0 {
                    from.character - last_start
                } else {
                    from.character
                };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: to.character.saturating_sub(from.character),
                    token_type: token.ty,
                    token_modifiers_bitset: token.modifiers,
                });
                last_line = from.line;
                last_start = from.character;
            }
            start = line_end + 1;
        }
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}
