//! What is at a byte offset of a file: the declaration around it, the blocks it is nested in, and
//! the key, value, name or import under it. Purely syntactic, so it works on broken files too.

use k8sc_grammar::{
    Allow, Block, BlockItem, Decl, Field, Ident, Import, Param, RequireRule, SourceFile, Span,
    Value, ValueKind,
};

/// Where an offset falls.
#[derive(Debug, Clone, Default)]
pub struct Location<'a> {
    /// The declaration around the offset, with its index among the file's declarations.
    pub decl: Option<(u32, &'a Decl)>,
    /// The keys of the fields whose blocks enclose the offset, outermost first: `["probes"]`
    /// inside `probes { … }`, `["probes", "ready"]` inside a probe's options, `["require"]` in a
    /// tier's rules.
    pub path: Vec<String>,
    /// The innermost block around the offset.
    pub block: Option<&'a Block>,
    /// The innermost field around the offset.
    pub field: Option<&'a Field>,
    /// What is directly under the offset.
    pub on: On<'a>,
}

/// The syntax directly under an offset.
#[derive(Debug, Clone, Copy, Default)]
pub enum On<'a> {
    /// Whitespace, a comment, or text the parser could not read.
    #[default]
    Nothing,
    /// A declaration keyword.
    Keyword,
    /// A declaration's name.
    DeclName(&'a Ident),
    /// The parent after `:` in `tier production: foundation`.
    Parent(&'a Ident),
    /// A policy parameter.
    Param(&'a Param),
    /// A field key.
    Key(&'a Field),
    /// A value: the innermost one under the offset.
    Value(&'a Value),
    /// An import.
    Import(&'a Import),
    /// An `allow … because …` exception.
    Allow(&'a Allow),
    /// A rule of a `require` block.
    Rule(&'a RequireRule),
}

/// Whether `offset` is inside `span`, ends included (a cursor just after a word is on it).
fn touches(span: Span, offset: u32) -> bool {
    span.start <= offset && offset <= span.end
}

/// Whether `offset` is between a block's braces.
fn inside_block(block: &Block, offset: u32) -> bool {
    block.span.start < offset && (offset < block.span.end || !block.closed)
}

/// Finds what is at `offset` in `file`.
pub fn locate(file: &SourceFile, offset: u32) -> Location<'_> {
    let mut location = Location::default();
    for import in file.imports() {
        if touches(import.span, offset) {
            location.on = On::Import(import);
            return location;
        }
    }
    let Some((index, decl)) = file
        .decls()
        .enumerate()
        .find(|(_, d)| d.span.start <= offset && offset <= d.span.end)
    else {
        return location;
    };
    location.decl = Some((u32::try_from(index).unwrap_or(u32::MAX), decl));
    if touches(decl.keyword_span, offset) {
        location.on = On::Keyword;
    } else if let Some(name) = decl.name.as_ref().filter(|n| touches(n.span, offset)) {
        location.on = On::DeclName(name);
    } else if let Some(parent) = decl.parent.as_ref().filter(|p| touches(p.span, offset)) {
        location.on = On::Parent(parent);
    } else if let Some(param) = decl
        .params
        .iter()
        .flatten()
        .find(|p| touches(p.span, offset))
    {
        location.on = On::Param(param);
    } else if inside_block(&decl.body, offset) {
        in_block(&decl.body, offset, &mut location);
    }
    location
}

fn in_block<'a>(block: &'a Block, offset: u32, location: &mut Location<'a>) {
    location.block = Some(block);
    for item in &block.items {
        match item {
            BlockItem::Field(field) if touches(field.span, offset) => {
                location.field = Some(field);
                if touches(field.key_span(), offset) {
                    location.on = On::Key(field);
                    return;
                }
                if let Some(inner) = nested_block(&field.value).filter(|b| inside_block(b, offset))
                {
                    location.path.push(field.key_text());
                    location.field = None;
                    in_block(inner, offset, location);
                    if location.field.is_none() && matches!(location.on, On::Nothing) {
                        location.field = Some(field);
                    }
                    return;
                }
                if let Some(value) = innermost_value(&field.value, offset) {
                    location.on = On::Value(value);
                }
                return;
            }
            BlockItem::Require(require) if touches(require.span, offset) => {
                location.path.push("require".to_string());
                if let Some(rule) = require.rules.iter().find(|r| touches(r.span, offset)) {
                    location.on = match innermost_value(&rule.condition, offset) {
                        Some(value) => On::Value(value),
                        None => On::Rule(rule),
                    };
                }
                return;
            }
            BlockItem::Allow(allow) if touches(allow.span, offset) => {
                location.on = On::Allow(allow);
                return;
            }
            _ => {}
        }
    }
}

/// The block a field's value opens, if any: `{ … }`, `http "/x" { … }`, `20Gi { … }`.
pub fn nested_block(value: &Value) -> Option<&Block> {
    match &value.kind {
        ValueKind::Block(block) => Some(block),
        ValueKind::Apply { block, .. } => block.as_ref(),
        ValueKind::WithBlock { block, .. } => Some(block),
        _ => None,
    }
}

/// The innermost value under `offset`, `value` itself included.
pub fn innermost_value(value: &Value, offset: u32) -> Option<&Value> {
    if !touches(value.span, offset) {
        return None;
    }
    let children: Vec<&Value> = match &value.kind {
        ValueKind::List(items) => items.iter().collect(),
        ValueKind::Apply { args, .. } => args.iter().collect(),
        ValueKind::WithBlock { base, .. } => vec![&**base],
        ValueKind::Call { args, .. } => args.iter().collect(),
        ValueKind::Range { start, end } => vec![&**start, &**end],
        ValueKind::Unary { operand, .. } => vec![&**operand],
        ValueKind::Binary { lhs, rhs, .. } => vec![&**lhs, &**rhs],
        _ => Vec::new(),
    };
    children
        .into_iter()
        .find_map(|child| innermost_value(child, offset))
        .or(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(parsed: &'a k8sc_grammar::ParseResult, text: &str, marker: &str) -> Location<'a> {
        let offset = text.find(marker).unwrap_or(0) as u32;
        locate(&parsed.file, offset)
    }

    #[test]
    fn finds_keys_values_and_nested_blocks() {
        let text = "app a {}\nservice web {\n  probes { ready: http \"/r\" { port: 8080 } }\n  replicas: 2..5\n}\n";
        let parsed = k8sc_grammar::parse(text);
        let key = at(&parsed, text, "replicas");
        assert!(matches!(key.on, On::Key(f) if f.key_text() == "replicas"));
        assert_eq!(key.decl.map(|(i, _)| i), Some(1));
        let port = at(&parsed, text, "8080");
        assert_eq!(port.path, ["probes", "ready"]);
        assert!(matches!(port.on, On::Value(v) if matches!(v.kind, ValueKind::Number(_))));
        let range_end = at(&parsed, text, "5\n");
        assert!(matches!(range_end.on, On::Value(v) if matches!(v.kind, ValueKind::Number(_))));
        let name = at(&parsed, text, "web");
        assert!(matches!(name.on, On::DeclName(n) if n.name == "web"));
    }

    #[test]
    fn whitespace_inside_a_block_has_its_path() {
        let text = "service web {\n  probes {\n    \n  }\n}\n";
        let parsed = k8sc_grammar::parse(text);
        let offset = text.find("    \n").unwrap_or(0) as u32 + 4;
        let location = locate(&parsed.file, offset);
        assert_eq!(location.path, ["probes"]);
        assert!(matches!(location.on, On::Nothing));
    }
}
