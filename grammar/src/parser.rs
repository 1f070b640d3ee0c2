//! From text to [`SourceFile`]: the hand-written parser (direct.rs) for a file without syntax
//! errors; otherwise the pest grammar, whose pairs are built into the AST here and whose recovery
//! nodes are explained as syntax errors.

use crate::ast::{
    Allow, BinaryOp, Block, BlockItem, Decl, DeclKind, Field, Ident, Import, ImportTarget, Item,
    Key, Number, Param, RequireBlock, RequireRule, SourceFile, StrLit, UnaryOp, Value, ValueKind,
};
use crate::comments::{Comment, comments, doc_comment_before};
use crate::recovery::explain_recovery;
use crate::span::Span;
use crate::strings::{dedent_raw, unescape};
use crate::syntax_error::SyntaxError;
use crate::{MAX_FILE_SIZE, nesting};
use pest::Parser;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::cell::RefCell;
use std::sync::LazyLock;

/// The pest-generated parser for `k8s.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "k8s.pest"]
pub(crate) struct K8sParser;

/// What [`parse`] returns: always a tree, plus what was wrong with the text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParseResult {
    /// The tree; broken parts are left out.
    pub file: SourceFile,
    /// Syntax errors in source order.
    pub errors: Vec<SyntaxError>,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
}

/// Parses one file. Never fails and never panics: broken input yields a partial tree and errors.
///
/// A file without syntax errors is parsed by the hand-written parser in direct.rs; any other, by
/// the pest grammar, whose recovery explains every error. Both give the same tree.
pub fn parse(text: &str) -> ParseResult {
    parse_direct(text).unwrap_or_else(|| parse_with_pest(text))
}

/// The hand-written parser alone: `None` when the file has a syntax error (or anything it leaves
/// to pest). Public so that tests can compare it with [`parse_with_pest`].
pub fn parse_direct(text: &str) -> Option<ParseResult> {
    if text.len() > MAX_FILE_SIZE {
        return None;
    }
    crate::work::parse_bytes(text.len());
    let (guarded, errors) = nesting::guard(text);
    if !errors.is_empty() {
        return None;
    }
    let comments = comments(&guarded);
    let file = crate::direct::parse_valid(&guarded, &comments)?;
    Some(ParseResult {
        file,
        errors: Vec::new(),
        comments,
    })
}

/// The pest grammar alone: what [`parse`] gives for a file with syntax errors, and the reference
/// the hand-written parser is tested against.
pub fn parse_with_pest(text: &str) -> ParseResult {
    if text.len() > MAX_FILE_SIZE {
        return ParseResult {
            file: SourceFile::default(),
            errors: vec![SyntaxError::new(
                format!(
                    "file is larger than {} MiB and was not parsed",
                    MAX_FILE_SIZE / 1024 / 1024
                ),
                Span::new(0, 0),
            )],
            comments: Vec::new(),
        };
    }
    crate::work::parse_bytes(text.len());
    let (guarded, mut errors) = nesting::guard(text);
    let comments = comments(&guarded);
    let builder = Builder {
        text: &guarded,
        comments: &comments,
        errors: RefCell::new(Vec::new()),
    };
    let file = match K8sParser::parse(Rule::file, &guarded) {
        Ok(mut pairs) => match pairs.next() {
            Some(pair) => builder.file(pair),
            None => SourceFile::default(),
        },
        // The grammar accepts every input; this arm only guards against a grammar bug.
        Err(error) => {
            let at = match error.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            builder.error(SyntaxError::new(
                "the parser could not read this file",
                Span::new(at, at),
            ));
            SourceFile::default()
        }
    };
    errors.extend(builder.errors.into_inner());
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    ParseResult {
        file,
        errors,
        comments,
    }
}

/// Operator precedence, loosest first: `or`, `and`, `not`, comparisons, `..`.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left))
        .op(Op::infix(Rule::op_range, Assoc::Left))
});

/// The most operators one expression may hold; keeps the Pratt parser's recursion bounded.
pub(crate) const MAX_OPERATORS: usize = 256;

struct Builder<'t> {
    text: &'t str,
    comments: &'t [Comment],
    errors: RefCell<Vec<SyntaxError>>,
}

impl<'t> Builder<'t> {
    fn error(&self, error: SyntaxError) {
        self.errors.borrow_mut().push(error);
    }

    fn file(&self, pair: Pair<'t, Rule>) -> SourceFile {
        let mut items = Vec::new();
        let mut last_error_end: Option<usize> = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::import => items.push(Item::Import(self.import(inner))),
                Rule::decl => items.push(Item::Decl(std::sync::Arc::new(self.decl(inner)))),
                Rule::item_error => {
                    // A run of broken lines is one mistake: report only its first line.
                    let span = inner.as_span();
                    let adjacent = last_error_end.is_some_and(|end| {
                        self.text[end..span.start()]
                            .chars()
                            .all(char::is_whitespace)
                    });
                    if !adjacent {
                        self.error(explain_recovery(self.text, inner.as_rule(), span));
                    }
                    last_error_end = Some(span.end());
                    continue;
                }
                _ => {}
            }
            last_error_end = None;
        }
        SourceFile { items }
    }

    fn import(&self, pair: Pair<'t, Rule>) -> Import {
        let span = Span::from(pair.as_span());
        let mut target = ImportTarget::Module(Vec::new());
        let mut selection = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::rel_path => {
                    target = ImportTarget::Relative {
                        path: inner.as_str().to_string(),
                        span: inner.as_span().into(),
                    }
                }
                Rule::module_path => {
                    target = ImportTarget::Module(inner.into_inner().map(ident).collect())
                }
                Rule::import_select => {
                    let mut picked = Vec::new();
                    let mut set = false;
                    for part in inner.into_inner() {
                        match part.as_rule() {
                            Rule::ident => picked.push(ident(part)),
                            Rule::import_set => {
                                set = true;
                                picked.extend(part.into_inner().map(ident));
                            }
                            _ => {}
                        }
                    }
                    // `std.tiers .production` (a space before the dot) is the module path
                    // `std.tiers.production`, as written without the space: one tree for both,
                    // so that formatting (which drops the space) keeps the tree.
                    match &mut target {
                        ImportTarget::Module(path) if !set => path.extend(picked),
                        _ => selection = Some(picked),
                    }
                }
                _ => {}
            }
        }
        Import {
            target,
            selection,
            span,
        }
    }

    fn decl(&self, pair: Pair<'t, Rule>) -> Decl {
        let span = Span::from(pair.as_span());
        let mut inner = pair.into_inner();
        let keyword = inner.next();
        let (kind, keyword_span) = match &keyword {
            Some(kw) => (
                DeclKind::from_keyword(kw.as_str()).unwrap_or(DeclKind::Service),
                Span::from(kw.as_span()),
            ),
            None => (DeclKind::Service, span.shrink_to_start()),
        };
        let mut name = None;
        let mut params = None;
        let mut parent = None;
        let mut body = None;
        for part in inner {
            match part.as_rule() {
                Rule::ident => name = Some(ident(part)),
                Rule::params => params = Some(part.into_inner().map(|p| self.param(p)).collect()),
                Rule::parent => parent = part.into_inner().next().map(ident),
                Rule::block => body = Some(self.block(part)),
                _ => {}
            }
        }
        let body = body.unwrap_or(Block {
            items: Vec::new(),
            span: span.shrink_to_end(),
            closed: false,
        });
        if name.is_none() {
            self.error(
                SyntaxError::new(format!("`{}` needs a name", kind.keyword()), keyword_span)
                    .with_label("expected a name before `{`")
                    .with_help(format!("write `{} my-name {{ … }}`", kind.keyword())),
            );
        }
        let doc = doc_comment_before(self.text, self.comments, span.start as usize);
        Decl {
            kind,
            keyword_span,
            name,
            params,
            parent,
            body,
            doc,
            span,
        }
    }

    fn param(&self, pair: Pair<'t, Rule>) -> Param {
        let span = Span::from(pair.as_span());
        let mut inner = pair.into_inner();
        let name = inner.next().map(ident).unwrap_or(Ident {
            name: String::new(),
            span,
        });
        let ty = inner.next().map(|p| self.expr(p));
        Param { name, ty, span }
    }

    fn block(&self, pair: Pair<'t, Rule>) -> Block {
        let span = Span::from(pair.as_span());
        let mut items = Vec::new();
        let mut closed = false;
        for inner in self.without_trailers(pair.into_inner(), Rule::field_error) {
            match inner.as_rule() {
                Rule::field => items.push(BlockItem::Field(self.field(inner))),
                Rule::require_block => items.push(BlockItem::Require(self.require_block(inner))),
                Rule::allow => items.push(BlockItem::Allow(self.allow(inner))),
                Rule::field_error => self.error(explain_recovery(
                    self.text,
                    Rule::field_error,
                    inner.as_span(),
                )),
                Rule::block_close => closed = true,
                _ => {}
            }
        }
        if !closed {
            self.report_unclosed(span);
        }
        Block {
            items,
            span,
            closed,
        }
    }

    /// The children of a block with every `field_trailer` (text after a field on its line)
    /// reported and removed. A field on one line and its trailer are one error, explained as the
    /// recovery rule `context` explains a broken line, and the field is left out, as if the line
    /// had been skipped whole. A field that spans lines (a block, a `"""` string) is kept, and
    /// only the text after its end is an error.
    fn without_trailers(&self, pairs: Pairs<'t, Rule>, context: Rule) -> Vec<Pair<'t, Rule>> {
        let mut kept: Vec<Pair<'t, Rule>> = Vec::new();
        for pair in pairs {
            if pair.as_rule() != Rule::field_trailer {
                kept.push(pair);
                continue;
            }
            let trailer = pair.as_span();
            let one_line_item = kept
                .last()
                .map(Pair::as_span)
                .filter(|item| !item.as_str().contains('\n'));
            match one_line_item.map(|item| item.start_pos().span(&trailer.end_pos())) {
                Some(line) => {
                    kept.pop();
                    self.error(explain_recovery(self.text, context, line));
                }
                None => self.error(text_after_field(trailer)),
            }
        }
        kept
    }

    fn report_unclosed(&self, span: Span) {
        let open = span.slice(0..1);
        self.error(
            SyntaxError::new("this `{` is never closed", open)
                .with_label("unclosed block")
                .with_related(span.shrink_to_end(), "expected `}` here")
                .with_help("add `}` after the last field of the block"),
        );
    }

    fn field(&self, pair: Pair<'t, Rule>) -> Field {
        let span = Span::from(pair.as_span());
        let mut key = Vec::new();
        let mut value = None;
        let mut has_colon = false;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::key => {
                    for part in inner.into_inner() {
                        key.push(self.key_part(part));
                    }
                }
                Rule::patch_key => key.push(Key {
                    name: inner.as_str().to_string(),
                    quoted: false,
                    span: Span::from(inner.as_span()),
                }),
                Rule::application => value = Some(self.operand(inner)),
                Rule::colon => has_colon = true,
                Rule::expr => value = Some(self.expr(inner)),
                Rule::block => {
                    let block = self.block(inner);
                    value = Some(Value {
                        span: block.span,
                        kind: ValueKind::Block(block),
                    });
                }
                _ => {}
            }
        }
        let value = value.unwrap_or(Value {
            kind: ValueKind::Block(Block {
                items: Vec::new(),
                span: span.shrink_to_end(),
                closed: true,
            }),
            span: span.shrink_to_end(),
        });
        Field {
            key,
            value,
            has_colon,
            span,
        }
    }

    fn key_part(&self, pair: Pair<'t, Rule>) -> Key {
        let span = Span::from(pair.as_span());
        match pair.as_rule() {
            Rule::string => Key {
                name: self.string(pair),
                quoted: true,
                span,
            },
            _ => Key {
                name: pair.as_str().to_string(),
                quoted: false,
                span,
            },
        }
    }

    fn allow(&self, pair: Pair<'t, Rule>) -> Allow {
        let span = Span::from(pair.as_span());
        let mut keyword_span = span.shrink_to_start();
        let mut name = Vec::new();
        let mut reason = StrLit {
            value: String::new(),
            span: span.shrink_to_end(),
        };
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::kw_allow => keyword_span = inner.as_span().into(),
                Rule::path => name = inner.into_inner().map(ident).collect(),
                Rule::string => {
                    reason = StrLit {
                        span: inner.as_span().into(),
                        value: self.string(inner),
                    }
                }
                _ => {}
            }
        }
        Allow {
            name,
            reason,
            keyword_span,
            span,
        }
    }

    fn require_block(&self, pair: Pair<'t, Rule>) -> RequireBlock {
        let span = Span::from(pair.as_span());
        let mut keyword_span = span.shrink_to_start();
        let mut rules = Vec::new();
        let mut closed = false;
        for inner in self.without_trailers(pair.into_inner(), Rule::require_rule) {
            match inner.as_rule() {
                Rule::kw_require => keyword_span = inner.as_span().into(),
                Rule::require_rule => rules.push(self.rule(inner)),
                Rule::field_error => self.error(explain_recovery(
                    self.text,
                    Rule::require_rule,
                    inner.as_span(),
                )),
                Rule::block_close => closed = true,
                _ => {}
            }
        }
        if !closed {
            let brace = self.text[keyword_span.end as usize..span.end as usize]
                .find('{')
                .map_or(span, |p| {
                    Span::new(keyword_span.end as usize + p, span.end as usize)
                });
            self.report_unclosed(brace);
        }
        RequireBlock {
            rules,
            keyword_span,
            span,
            closed,
        }
    }

    fn rule(&self, pair: Pair<'t, Rule>) -> RequireRule {
        let span = Span::from(pair.as_span());
        let mut condition = None;
        let mut message = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::expr => condition = Some(self.expr(inner)),
                Rule::string => {
                    message = Some(StrLit {
                        span: inner.as_span().into(),
                        value: self.string(inner),
                    })
                }
                _ => {}
            }
        }
        let condition = condition.unwrap_or(Value {
            kind: ValueKind::Bool(true),
            span,
        });
        let (condition, message) = split_rule_message(condition, message);
        RequireRule {
            condition,
            message,
            span,
        }
    }

    fn expr(&self, pair: Pair<'t, Rule>) -> Value {
        let span = Span::from(pair.as_span());
        let operators = pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule().is_operator())
            .count();
        if operators > MAX_OPERATORS {
            self.error(
                SyntaxError::new(
                    format!("expression has more than {MAX_OPERATORS} operators"),
                    span,
                )
                .with_help("split the condition into several rules"),
            );
            return Value {
                kind: ValueKind::Bool(false),
                span,
            };
        }
        self.pratt(pair.into_inner())
    }

    fn pratt(&self, pairs: Pairs<'t, Rule>) -> Value {
        PRATT
            .map_primary(|primary| self.operand(primary))
            .map_prefix(|op, operand| Value {
                span: Span::from(op.as_span()).to(operand.span),
                kind: ValueKind::Unary {
                    op: UnaryOp::Not,
                    operand: Box::new(operand),
                },
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                let kind = match binary_op(op.as_rule()) {
                    None => ValueKind::Range {
                        start: Box::new(lhs),
                        end: Box::new(rhs),
                    },
                    Some(binary) => ValueKind::Binary {
                        op: binary,
                        op_span: Span::from(op.as_span()),
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                };
                Value { kind, span }
            })
            .parse(pairs)
    }

    fn operand(&self, pair: Pair<'t, Rule>) -> Value {
        let span = Span::from(pair.as_span());
        match pair.as_rule() {
            Rule::application => {
                let mut inner = pair.into_inner();
                let head = inner.next().map(ident).unwrap_or(Ident {
                    name: String::new(),
                    span,
                });
                let mut args = Vec::new();
                let mut block = None;
                for part in inner {
                    if part.as_rule() == Rule::block {
                        block = Some(self.block(part));
                    } else {
                        args.push(self.primary(part));
                    }
                }
                Value {
                    kind: ValueKind::Apply { head, args, block },
                    span,
                }
            }
            Rule::tuple => Value {
                kind: ValueKind::Tuple(pair.into_inner().map(|p| self.primary(p)).collect()),
                span,
            },
            Rule::with_block => {
                let mut inner = pair.into_inner();
                let Some(first) = inner.next() else {
                    return Value {
                        kind: ValueKind::Bool(false),
                        span,
                    };
                };
                let base = self.primary(first);
                match inner.next() {
                    Some(block) => Value {
                        kind: ValueKind::WithBlock {
                            base: Box::new(base),
                            block: self.block(block),
                        },
                        span,
                    },
                    None => base,
                }
            }
            _ => self.primary(pair),
        }
    }

    fn primary(&self, pair: Pair<'t, Rule>) -> Value {
        let span = Span::from(pair.as_span());
        let kind = match pair.as_rule() {
            Rule::string => ValueKind::Str(self.string(pair)),
            Rule::raw_string => ValueKind::Str(dedent_raw(
                pair.into_inner().next().map_or("", |p| p.as_str()),
            )),
            Rule::number => {
                let mut text = String::new();
                let mut unit = None;
                let mut unit_span = None;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::number_text => text = part.as_str().to_string(),
                        _ => {
                            unit = Some(part.as_str().to_string());
                            unit_span = Some(Span::from(part.as_span()));
                        }
                    }
                }
                ValueKind::Number(Number {
                    text,
                    unit,
                    unit_span,
                })
            }
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::list => ValueKind::List(pair.into_inner().map(|p| self.expr(p)).collect()),
            Rule::paren => match pair.into_inner().next() {
                Some(inner) => return self.expr(inner),
                None => ValueKind::Bool(false),
            },
            Rule::call => {
                let mut inner = pair.into_inner();
                let callee = inner
                    .next()
                    .map(|p| p.into_inner().map(ident).collect())
                    .unwrap_or_default();
                let args = inner.map(|p| self.expr(p)).collect();
                ValueKind::Call { callee, args }
            }
            Rule::path => ValueKind::Path(pair.into_inner().map(ident).collect()),
            Rule::block => ValueKind::Block(self.block(pair)),
            Rule::expr => return self.expr(pair),
            _ => ValueKind::Str(pair.as_str().to_string()),
        };
        Value { kind, span }
    }

    fn string(&self, pair: Pair<'t, Rule>) -> String {
        let Some(text) = pair.into_inner().next() else {
            return String::new();
        };
        let mut errors = Vec::new();
        let value = unescape(text.as_str(), text.as_span().start(), &mut errors);
        self.errors.borrow_mut().extend(errors);
        value
    }
}

/// `probes "message"`: a single name followed by the message parses as an application; take the
/// trailing string back as the rule's message. Shared with the direct parser, which must build the
/// same tree.
pub(crate) fn split_rule_message(
    mut condition: Value,
    mut message: Option<StrLit>,
) -> (Value, Option<StrLit>) {
    if message.is_none()
        && let ValueKind::Apply { head, args, block } = &mut condition.kind
        && block.is_none()
        && let Some(Value {
            kind: ValueKind::Str(text),
            span: message_span,
        }) = args.last().cloned()
    {
        args.pop();
        message = Some(StrLit {
            value: text,
            span: message_span,
        });
        if args.is_empty() {
            condition = Value {
                span: head.span,
                kind: ValueKind::Path(vec![head.clone()]),
            };
        }
    }
    (condition, message)
}

/// The binary operator of an infix rule; `None` for `..`, which builds a range.
fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_in => BinaryOp::In,
        Rule::op_not_in => BinaryOp::NotIn,
        _ => return None,
    })
}

fn ident(pair: Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: pair.as_span().into(),
    }
}

/// The grammar rules of operator tokens.
pub(crate) const OPERATORS: [Rule; 12] = [
    Rule::op_not,
    Rule::op_or,
    Rule::op_and,
    Rule::op_in,
    Rule::op_not_in,
    Rule::op_eq,
    Rule::op_ne,
    Rule::op_le,
    Rule::op_ge,
    Rule::op_lt,
    Rule::op_gt,
    Rule::op_range,
];

impl Rule {
    fn is_operator(self) -> bool {
        OPERATORS.contains(&self)
    }
}

/// Text after the end of a field that spans lines (after its block's `}`), on the same line.
fn text_after_field(trailer: pest::Span<'_>) -> SyntaxError {
    let text = trailer.as_str();
    let shown: String = text.chars().take(20).collect();
    let shown = if shown.len() < text.len() {
        format!("{shown}…")
    } else {
        shown
    };
    SyntaxError::new(
        format!("unexpected `{shown}` after the field"),
        trailer.into(),
    )
    .with_label("the field ends before this")
    .with_help("start a new line for the next field, or remove this text")
}
