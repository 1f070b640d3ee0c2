//! A hand-written parser for files without syntax errors, sixteen times faster than pest.
//!
//! pest was 43 % of a large build's CPU time, three quarters of it in pest's own per-rule
//! machinery. Most files a build reads are free of syntax errors, so they are parsed here first, by
//! recursive descent written straight from `k8s.pest`: every rule is transcribed with pest's
//! semantics (ordered choice with backtracking, greedy repetition, the implicit whitespace and
//! comments between the parts of a non-atomic rule — which a rule's span includes when its last
//! part is optional and absent), so the tree and every span come out as pest's builder makes them.
//!
//! A parse here succeeds only if pest's would have no error. At the first sign of one — a recovery
//! rule pest would take, an unclosed block, a bad escape, a missing name — it stops ([`Stop::Bail`])
//! and [`crate::parse`] runs pest, whose recovery and messages stay the only ones. So a bail costs
//! time, never correctness; the one thing this parser must never do is accept a text with a tree
//! different from pest's. `tests/it/direct_parser.rs` compares the two on every `.k8s` file of the
//! repository, every fuzz input, and random edits of them.

use crate::ast::{
    Allow, BinaryOp, Block, BlockItem, Decl, DeclKind, Field, Ident, Import, ImportTarget, Item,
    Key, Number, Param, RequireBlock, RequireRule, SourceFile, StrLit, UnaryOp, Value, ValueKind,
};
use crate::comments::{Comment, doc_comment_before};
use crate::parser::{MAX_OPERATORS, split_rule_message};
use crate::span::Span;
use crate::strings::{dedent_raw, unescape};
use std::sync::Arc;

/// Parses `text`, which has passed the nesting guard without errors. `None`: the text has a syntax
/// error (or something this parser does not take on); pest must parse it.
pub(crate) fn parse_valid(text: &str, comments: &[Comment]) -> Option<SourceFile> {
    let mut parser = Direct {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        comments,
    };
    parser.file().ok()
}

/// Why a rule did not produce a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The rule does not match here, as pest's would not: the caller may try an alternative.
    Fail,
    /// pest would report a syntax error, or this parser cannot tell: give up on the whole file.
    Bail,
}

type Parsed<T> = Result<T, Stop>;

/// Turns a failure into a bail: used where pest, failing to match, would take a recovery rule.
fn committed<T>(result: Parsed<T>) -> Parsed<T> {
    result.map_err(|_| Stop::Bail)
}

/// One part of an expression before precedence is applied, as pest hands them to its Pratt parser.
enum Piece {
    Not(Span),
    Infix(Infix, Span),
    Operand(Value),
}

/// The infix operators, in the order the grammar tries them.
#[derive(Clone, Copy)]
enum Infix {
    Binary(BinaryOp),
    Range,
}

impl Infix {
    /// Binding power, as `PRATT` in parser.rs declares it (pest steps precedence by 10).
    fn precedence(self) -> u32 {
        match self {
            Infix::Binary(BinaryOp::Or) => 10,
            Infix::Binary(BinaryOp::And) => 20,
            Infix::Range => 50,
            Infix::Binary(_) => 40,
        }
    }
}

/// Precedence of the prefix `not`.
const NOT_PRECEDENCE: u32 = 30;

struct Direct<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    comments: &'t [Comment],
}

/// `ident_char` of the grammar.
fn is_ident_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// The declaration keywords, as `decl_kw` lists them.
const DECL_KEYWORDS: [&str; 13] = [
    "app", "service", "worker", "database", "stateful", "job", "cron", "daemon", "external",
    "tier", "policy", "priority", "env",
];

/// The reserved words, as `keyword` lists them.
const KEYWORDS: [&str; 6] = ["and", "or", "not", "in", "true", "false"];

impl<'t> Direct<'t> {
    // -----------------------------------------------------------------------------------------
    // Characters and tokens

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at(&self, literal: &str) -> bool {
        self.bytes[self.pos..].starts_with(literal.as_bytes())
    }

    fn eat(&mut self, literal: &str) -> bool {
        let matched = self.at(literal);
        if matched {
            self.pos += literal.len();
        }
        matched
    }

    fn expect(&mut self, literal: &str) -> Parsed<()> {
        if self.eat(literal) {
            Ok(())
        } else {
            Err(Stop::Fail)
        }
    }

    /// Whether `word` is at `pos`, not followed by an identifier character (`"app" ~ !ident_char`).
    fn word_at(&self, pos: usize, word: &str) -> bool {
        self.bytes[pos..].starts_with(word.as_bytes())
            && !self
                .bytes
                .get(pos + word.len())
                .is_some_and(|&b| is_ident_char(b))
    }

    /// Consumes `word` (a keyword token) if it is here.
    fn eat_word(&mut self, word: &str) -> bool {
        let matched = self.word_at(self.pos, word);
        if matched {
            self.pos += word.len();
        }
        matched
    }

    /// The implicit `(WHITESPACE | COMMENT)*` between the parts of a non-atomic rule.
    fn skip(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(0xEF) if self.at("\u{FEFF}") => self.pos += 3,
                Some(b'/') if self.at("//") => {
                    self.pos = match memchr(b'\n', &self.bytes[self.pos..]) {
                        Some(offset) => self.pos + offset,
                        None => self.bytes.len(),
                    };
                }
                Some(b'/') if self.at("/*") => match self.block_comment_end(self.pos) {
                    Some(end) => self.pos = end,
                    None => return,
                },
                _ => return,
            }
        }
    }

    /// The end of the (nested) block comment starting at `start`, if it is closed.
    fn block_comment_end(&self, start: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = start;
        while i < self.bytes.len() {
            if self.bytes[i..].starts_with(b"/*") {
                depth += 1;
                i += 2;
            } else if self.bytes[i..].starts_with(b"*/") {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            } else {
                i += 1;
            }
        }
        None
    }

    /// Runs `rule`; on a failure puts the position back and answers `None`, as pest does for an
    /// alternative or an optional part.
    fn attempt<T>(&mut self, rule: impl FnOnce(&mut Self) -> Parsed<T>) -> Parsed<Option<T>> {
        let start = self.pos;
        match rule(self) {
            Ok(value) => Ok(Some(value)),
            Err(Stop::Fail) => {
                self.pos = start;
                Ok(None)
            }
            Err(Stop::Bail) => Err(Stop::Bail),
        }
    }

    /// `sep`: a newline or a comma.
    fn eat_sep(&mut self) -> bool {
        matches!(self.peek(), Some(b'\n' | b',')) && {
            self.pos += 1;
            true
        }
    }

    /// `sep*` in a non-atomic rule: separators with whitespace and comments between them.
    fn seps(&mut self) {
        if !self.eat_sep() {
            return;
        }
        loop {
            let before = self.pos;
            self.skip();
            if !self.eat_sep() {
                self.pos = before;
                return;
            }
        }
    }

    /// `ident`: not a reserved word, a letter or `_`, then identifier characters.
    fn ident(&mut self) -> Parsed<Ident> {
        let start = self.pos;
        if KEYWORDS.iter().any(|k| self.word_at(start, k)) {
            return Err(Stop::Fail);
        }
        match self.peek() {
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => self.pos += 1,
            _ => return Err(Stop::Fail),
        }
        while self.peek().is_some_and(is_ident_char) {
            self.pos += 1;
        }
        Ok(Ident {
            name: self.text[start..self.pos].to_string(),
            span: Span::new(start, self.pos),
        })
    }

    /// `path`: identifiers joined by dots, nothing between them.
    fn path(&mut self) -> Parsed<Vec<Ident>> {
        let mut parts = vec![self.ident()?];
        loop {
            let before = self.pos;
            if !self.eat(".") {
                break;
            }
            match self.ident() {
                Ok(part) => parts.push(part),
                Err(_) => {
                    self.pos = before;
                    break;
                }
            }
        }
        Ok(parts)
    }

    /// `string`: the text between the quotes, unescaped, and the span with the quotes.
    fn string(&mut self) -> Parsed<(String, Span)> {
        let start = self.pos;
        self.expect("\"")?;
        let content = self.pos;
        loop {
            match self.peek() {
                None | Some(b'\n') => return Err(Stop::Fail),
                Some(b'"') => break,
                Some(b'\\') => {
                    if matches!(self.bytes.get(self.pos + 1), None | Some(b'\n')) {
                        return Err(Stop::Fail);
                    }
                    self.pos += 2;
                }
                Some(_) => self.pos += 1,
            }
        }
        let text = &self.text[content..self.pos];
        self.pos += 1;
        let mut errors = Vec::new();
        let value = unescape(text, content, &mut errors);
        if !errors.is_empty() {
            return Err(Stop::Bail);
        }
        Ok((value, Span::new(start, self.pos)))
    }

    /// `raw_string`: `"""…"""`, dedented.
    fn raw_string(&mut self) -> Parsed<Value> {
        let start = self.pos;
        self.expect("\"\"\"")?;
        let content = self.pos;
        let Some(length) = find(b"\"\"\"", &self.bytes[content..]) else {
            return Err(Stop::Fail);
        };
        self.pos = content + length + 3;
        Ok(Value {
            kind: ValueKind::Str(dedent_raw(&self.text[content..content + length])),
            span: Span::new(start, self.pos),
        })
    }

    /// `number`: `-`, digits, a fraction, and a unit (`%` or letters), nothing between them.
    fn number(&mut self) -> Parsed<Value> {
        let start = self.pos;
        self.eat("-");
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > from
        };
        if !digits(self) {
            self.pos = start;
            return Err(Stop::Fail);
        }
        if self.at(".") && self.bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
            digits(self);
        }
        let text = self.text[start..self.pos].to_string();
        let unit_start = self.pos;
        if !self.eat("%") {
            while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                self.pos += 1;
            }
        }
        let (unit, unit_span) = if self.pos > unit_start {
            (
                Some(self.text[unit_start..self.pos].to_string()),
                Some(Span::new(unit_start, self.pos)),
            )
        } else {
            (None, None)
        };
        Ok(Value {
            kind: ValueKind::Number(Number {
                text,
                unit,
                unit_span,
            }),
            span: Span::new(start, self.pos),
        })
    }

    /// `closed`: whether the bracket at the position is matched, scanning as the grammar does
    /// (strings skipped whole, comments not recognised, any wrong closing bracket fails).
    fn closed(&self) -> bool {
        let mut expected: Vec<u8> = Vec::new();
        let mut i = self.pos;
        while let Some(&byte) = self.bytes.get(i) {
            match byte {
                b'{' => expected.push(b'}'),
                b'[' => expected.push(b']'),
                b'(' => expected.push(b')'),
                b'}' | b']' | b')' => {
                    if expected.pop() != Some(byte) {
                        return false;
                    }
                    if expected.is_empty() {
                        return true;
                    }
                }
                b'"' if !expected.is_empty() => {
                    i = self.skipped_string_end(i);
                    continue;
                }
                _ => {}
            }
            if expected.is_empty() {
                return false;
            }
            i += 1;
        }
        false
    }

    /// Where `skipped_string` starting at `start` ends (unterminated: at the end of its line, or
    /// of the file for `"""`).
    fn skipped_string_end(&self, start: usize) -> usize {
        let bytes = self.bytes;
        if bytes[start..].starts_with(b"\"\"\"") {
            let body = start + 3;
            return find(b"\"\"\"", &bytes[body..]).map_or(bytes.len(), |at| body + at + 3);
        }
        let mut i = start + 1;
        while let Some(&byte) = bytes.get(i) {
            match byte {
                b'\\' => i = (i + 2).min(bytes.len()),
                b'"' => return i + 1,
                b'\n' => return i,
                _ => i += 1,
            }
        }
        i
    }

    // -----------------------------------------------------------------------------------------
    // File and items

    fn file(&mut self) -> Parsed<SourceFile> {
        let mut items = Vec::new();
        loop {
            self.skip();
            match self.peek() {
                None => break,
                Some(b'\n') => self.pos += 1,
                _ if self.word_at(self.pos, "import") => {
                    items.push(Item::Import(committed(self.import())?))
                }
                _ => items.push(Item::Decl(Arc::new(committed(self.decl())?))),
            }
        }
        Ok(SourceFile { items })
    }

    fn import(&mut self) -> Parsed<Import> {
        let start = self.pos;
        self.pos += "import".len();
        self.skip();
        let mut target = match self.attempt(Self::relative_path)? {
            Some(target) => target,
            None => ImportTarget::Module(self.path()?),
        };
        self.skip();
        let mut selection = None;
        if let Some((picked, set)) = self.attempt(Self::import_select)? {
            match &mut target {
                ImportTarget::Module(path) if !set => path.extend(picked),
                _ => selection = Some(picked),
            }
        }
        self.skip();
        if !matches!(self.peek(), None | Some(b'\n')) {
            return Err(Stop::Fail);
        }
        Ok(Import {
            target,
            selection,
            span: Span::new(start, self.pos),
        })
    }

    /// `rel_path`: `./a`, `../../b/c`.
    fn relative_path(&mut self) -> Parsed<ImportTarget> {
        let start = self.pos;
        let mut ups = 0;
        while self.eat("./") || self.eat("../") {
            ups += 1;
        }
        if ups == 0 {
            return Err(Stop::Fail);
        }
        let segment = |p: &mut Self| {
            let from = p.pos;
            while p
                .peek()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                p.pos += 1;
            }
            p.pos > from
        };
        if !segment(self) {
            return Err(Stop::Fail);
        }
        loop {
            let before = self.pos;
            if !(self.eat("/") && segment(self)) {
                self.pos = before;
                break;
            }
        }
        Ok(ImportTarget::Relative {
            path: self.text[start..self.pos].to_string(),
            span: Span::new(start, self.pos),
        })
    }

    /// `import_select`: `.name` or `.{a, b}`; whether it was a set.
    fn import_select(&mut self) -> Parsed<(Vec<Ident>, bool)> {
        self.expect(".")?;
        if let Some(set) = self.attempt(Self::import_set)? {
            return Ok((set, true));
        }
        Ok((vec![self.ident()?], false))
    }

    /// `import_set`: `{a, b}`, at least one name.
    fn import_set(&mut self) -> Parsed<Vec<Ident>> {
        self.expect("{")?;
        let names = self.separated(Self::ident)?;
        if names.is_empty() {
            return Err(Stop::Fail);
        }
        self.expect("}")?;
        Ok(names)
    }

    fn decl(&mut self) -> Parsed<Decl> {
        let start = self.pos;
        let keyword = DECL_KEYWORDS
            .into_iter()
            .find(|k| self.word_at(start, k))
            .ok_or(Stop::Fail)?;
        let kind = DeclKind::from_keyword(keyword).ok_or(Stop::Fail)?;
        self.pos += keyword.len();
        let keyword_span = Span::new(start, self.pos);
        self.skip();
        // Without a name pest's builder reports one missing.
        let name = Some(committed(self.ident())?);
        self.skip();
        let params = if self.peek() == Some(b'(') {
            Some(committed(self.params())?)
        } else {
            None
        };
        self.skip();
        let parent = if self.peek() == Some(b':') {
            self.pos += 1;
            self.skip();
            Some(committed(self.ident())?)
        } else {
            None
        };
        self.skip();
        let body = self.block()?;
        Ok(Decl {
            kind,
            keyword_span,
            name,
            params,
            parent,
            body,
            doc: doc_comment_before(self.text, self.comments, start),
            span: Span::new(start, self.pos),
        })
    }

    fn params(&mut self) -> Parsed<Vec<Param>> {
        if !self.closed() {
            return Err(Stop::Fail);
        }
        self.expect("(")?;
        let params = self.separated(Self::param)?;
        self.expect(")")?;
        Ok(params)
    }

    /// `sep* ~ (item ~ (sep+ ~ item)*)? ~ sep*` between brackets, with the whitespace between.
    fn separated<T>(&mut self, item: fn(&mut Self) -> Parsed<T>) -> Parsed<Vec<T>> {
        let mut items = Vec::new();
        self.skip();
        self.seps();
        self.skip();
        if let Some(first) = self.attempt(item)? {
            items.push(first);
            loop {
                let next = self.attempt(|p| {
                    p.skip();
                    if !p.eat_sep() {
                        return Err(Stop::Fail);
                    }
                    p.skip();
                    p.seps();
                    p.skip();
                    item(p)
                })?;
                match next {
                    Some(next) => items.push(next),
                    None => break,
                }
            }
            self.skip();
        }
        self.seps();
        self.skip();
        Ok(items)
    }

    fn param(&mut self) -> Parsed<Param> {
        let start = self.pos;
        let name = self.ident()?;
        self.skip();
        let ty = self.attempt(|p| {
            p.expect(":")?;
            p.skip();
            p.expr()
        })?;
        Ok(Param {
            name,
            ty,
            span: Span::new(start, self.pos),
        })
    }

    // -----------------------------------------------------------------------------------------
    // Blocks and fields

    /// `block`: once its `{` is read, pest's rule cannot fail; any problem inside is an error.
    fn block(&mut self) -> Parsed<Block> {
        let start = self.pos;
        self.expect("{")?;
        let items = self.items_until_brace(Self::block_item)?;
        Ok(Block {
            items,
            span: Span::new(start, self.pos),
            closed: true,
        })
    }

    /// The items of a block or a `require` block after its `{`, separated by newlines or commas,
    /// through the closing `}`. Any item that does not parse, or text after one on its line, is
    /// an error to pest (`field_error`, `field_trailer`), and so is a missing `}`.
    fn items_until_brace<T>(&mut self, item: fn(&mut Self) -> Parsed<T>) -> Parsed<Vec<T>> {
        let mut items = Vec::new();
        loop {
            self.skip();
            match self.peek() {
                Some(b'\n' | b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'}') => {
                    self.pos += 1;
                    // Kept for the file's life (and a declaration's in the checker's memo): no
                    // spare capacity, which was half of a typical block's bytes.
                    items.shrink_to_fit();
                    return Ok(items);
                }
                None => return Err(Stop::Bail),
                Some(_) => {}
            }
            items.push(committed(item(self))?);
            self.end_of_item()?;
        }
    }

    /// After an item of a block: a separator or the closing brace, or pest takes the rest of the
    /// line as an error.
    fn end_of_item(&mut self) -> Parsed<()> {
        self.skip();
        match self.peek() {
            Some(b'\n' | b',' | b'}') => Ok(()),
            _ => Err(Stop::Bail),
        }
    }

    /// `require_block | allow | field`.
    fn block_item(&mut self) -> Parsed<BlockItem> {
        if self.word_at(self.pos, "require") {
            let start = self.pos;
            self.pos += "require".len();
            self.skip();
            if self.peek() == Some(b'{') {
                return self.require_block(start).map(BlockItem::Require);
            }
            self.pos = start;
        }
        if let Some(allow) = self.attempt(Self::allow)? {
            return Ok(BlockItem::Allow(allow));
        }
        self.field().map(BlockItem::Field)
    }

    fn require_block(&mut self, start: usize) -> Parsed<RequireBlock> {
        let keyword_span = Span::new(start, start + "require".len());
        self.expect("{")?;
        let rules = self.items_until_brace(Self::require_rule)?;
        Ok(RequireBlock {
            rules,
            keyword_span,
            span: Span::new(start, self.pos),
            closed: true,
        })
    }

    fn require_rule(&mut self) -> Parsed<RequireRule> {
        let start = self.pos;
        let condition = self.expr()?;
        self.skip();
        let message = self
            .attempt(Self::string)?
            .map(|(value, span)| StrLit { value, span });
        let (condition, message) = split_rule_message(condition, message);
        Ok(RequireRule {
            condition,
            message,
            span: Span::new(start, self.pos),
        })
    }

    /// `allow name because "reason"`.
    fn allow(&mut self) -> Parsed<Allow> {
        let start = self.pos;
        if !self.eat_word("allow") {
            return Err(Stop::Fail);
        }
        let keyword_span = Span::new(start, self.pos);
        // `allow:` is a field named `allow`.
        let mut after = self.pos;
        while matches!(self.bytes.get(after), Some(b' ' | b'\t' | b'\r'))
            || self.bytes[after..].starts_with("\u{FEFF}".as_bytes())
        {
            after += if self.bytes[after] == 0xEF { 3 } else { 1 };
        }
        if self.bytes.get(after) == Some(&b':') {
            return Err(Stop::Fail);
        }
        self.skip();
        let name = self.path()?;
        self.skip();
        if !self.eat_word("because") {
            return Err(Stop::Fail);
        }
        self.skip();
        let (value, span) = self.string()?;
        Ok(Allow {
            name,
            reason: StrLit { value, span },
            keyword_span,
            span: Span::new(start, self.pos),
        })
    }

    /// `patch_key ~ application | key ~ (colon ~ expr | block)`.
    fn field(&mut self) -> Parsed<Field> {
        let start = self.pos;
        if self.word_at(start, "patch") {
            let patched = self.attempt(|p| {
                p.pos += "patch".len();
                let key = Key {
                    name: "patch".to_string(),
                    quoted: false,
                    span: Span::new(start, p.pos),
                };
                p.skip();
                let value = p.application()?;
                Ok(Field {
                    key: vec![key],
                    value,
                    has_colon: false,
                    span: Span::new(start, p.pos),
                })
            })?;
            if let Some(field) = patched {
                return Ok(field);
            }
        }
        let key = self.key()?;
        self.skip();
        let (value, has_colon) = if self.eat(":") {
            self.skip();
            (self.expr()?, true)
        } else {
            let block = self.block()?;
            (
                Value {
                    span: block.span,
                    kind: ValueKind::Block(block),
                },
                false,
            )
        };
        Ok(Field {
            key,
            value,
            has_colon,
            span: Span::new(start, self.pos),
        })
    }

    /// `key`: names or strings joined by dots, nothing between them.
    fn key(&mut self) -> Parsed<Vec<Key>> {
        let mut parts = vec![self.key_part()?];
        loop {
            let before = self.pos;
            if !self.eat(".") {
                break;
            }
            match self.attempt(Self::key_part)? {
                Some(part) => parts.push(part),
                None => {
                    self.pos = before;
                    break;
                }
            }
        }
        Ok(parts)
    }

    fn key_part(&mut self) -> Parsed<Key> {
        if let Some(ident) = self.attempt(Self::ident)? {
            return Ok(Key {
                name: ident.name,
                quoted: false,
                span: ident.span,
            });
        }
        let (name, span) = self.string()?;
        Ok(Key {
            name,
            quoted: true,
            span,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    /// `expr`: prefixes, operands and infix operators, then precedence as pest's Pratt parser
    /// applies it.
    fn expr(&mut self) -> Parsed<Value> {
        let mut pieces = Vec::new();
        self.prefixes(&mut pieces)?;
        pieces.push(Piece::Operand(self.operand()?));
        // `operand ~ (infix ~ prefix* ~ operand)*`: the whitespace before the first operator is
        // part of the expression even when no operator follows; before a later one, only if it does.
        self.skip();
        let mut first = true;
        loop {
            let mark = pieces.len();
            let more = self.attempt(|p| {
                if !first {
                    p.skip();
                }
                let (op, span) = p.infix()?;
                pieces.push(Piece::Infix(op, span));
                p.skip();
                p.prefixes(&mut pieces)?;
                pieces.push(Piece::Operand(p.operand()?));
                Ok(())
            })?;
            if more.is_none() {
                pieces.truncate(mark);
                break;
            }
            first = false;
        }
        let operators = pieces
            .iter()
            .filter(|p| !matches!(p, Piece::Operand(_)))
            .count();
        if operators > MAX_OPERATORS {
            return Err(Stop::Bail);
        }
        let mut pieces = pieces.into_iter().peekable();
        pratt(&mut pieces, 0).ok_or(Stop::Bail)
    }

    /// `prefix*`, followed by the whitespace before the operand.
    fn prefixes(&mut self, pieces: &mut Vec<Piece>) -> Parsed<()> {
        loop {
            let start = self.pos;
            if !self.eat_word("not") {
                break;
            }
            pieces.push(Piece::Not(Span::new(start, self.pos)));
            self.skip();
        }
        Ok(())
    }

    /// `infix`, in the grammar's order.
    fn infix(&mut self) -> Parsed<(Infix, Span)> {
        let start = self.pos;
        let op = if self.eat_word("or") {
            Infix::Binary(BinaryOp::Or)
        } else if self.eat_word("and") {
            Infix::Binary(BinaryOp::And)
        } else if self.not_in() {
            Infix::Binary(BinaryOp::NotIn)
        } else if self.eat_word("in") {
            Infix::Binary(BinaryOp::In)
        } else if self.eat("==") {
            Infix::Binary(BinaryOp::Eq)
        } else if self.eat("!=") {
            Infix::Binary(BinaryOp::Ne)
        } else if self.eat("<=") {
            Infix::Binary(BinaryOp::Le)
        } else if self.eat(">=") {
            Infix::Binary(BinaryOp::Ge)
        } else if self.eat("<") {
            Infix::Binary(BinaryOp::Lt)
        } else if self.eat(">") {
            Infix::Binary(BinaryOp::Gt)
        } else if self.eat("..") {
            Infix::Range
        } else {
            return Err(Stop::Fail);
        };
        Ok((op, Span::new(start, self.pos)))
    }

    /// `op_not_in`: `not`, spaces or tabs, `in`.
    fn not_in(&mut self) -> bool {
        if !self.at("not") {
            return false;
        }
        let mut i = self.pos + 3;
        let gap = i;
        while matches!(self.bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if i == gap || !self.word_at(i, "in") {
            return false;
        }
        self.pos = i + 2;
        true
    }

    /// `application | tuple | with_block`.
    fn operand(&mut self) -> Parsed<Value> {
        if let Some(value) = self.attempt(Self::application)? {
            return Ok(value);
        }
        if let Some(value) = self.attempt(Self::tuple)? {
            return Ok(value);
        }
        self.with_block()
    }

    /// `ident ~ (arg+ ~ block? | block)`.
    fn application(&mut self) -> Parsed<Value> {
        let start = self.pos;
        let head = self.ident()?;
        self.skip();
        let with_args = self.attempt(|p| {
            let mut args = vec![p.arg()?];
            loop {
                let next = p.attempt(|p| {
                    p.skip();
                    p.arg()
                })?;
                match next {
                    Some(arg) => args.push(arg),
                    None => break,
                }
            }
            p.skip();
            let block = p.attempt(Self::block)?;
            Ok((args, block))
        })?;
        let (args, block) = match with_args {
            Some(parts) => parts,
            None => (Vec::new(), Some(self.block()?)),
        };
        Ok(Value {
            kind: ValueKind::Apply { head, args, block },
            span: Span::new(start, self.pos),
        })
    }

    /// `raw_string | string | number | list | path`.
    fn arg(&mut self) -> Parsed<Value> {
        if let Some(value) = self.attempt(Self::raw_string)? {
            return Ok(value);
        }
        if let Some((text, span)) = self.attempt(Self::string)? {
            return Ok(Value {
                kind: ValueKind::Str(text),
                span,
            });
        }
        if let Some(value) = self.attempt(Self::number)? {
            return Ok(value);
        }
        if let Some(value) = self.attempt(Self::list)? {
            return Ok(value);
        }
        let start = self.pos;
        let path = self.path()?;
        Ok(Value {
            kind: ValueKind::Path(path),
            span: Span::new(start, self.pos),
        })
    }

    /// `number ~ number+`.
    fn tuple(&mut self) -> Parsed<Value> {
        let start = self.pos;
        let mut numbers = vec![self.number()?];
        self.skip();
        numbers.push(self.number()?);
        // `number ~ number ~ number*`: the whitespace after the second number is the tuple's even
        // when no third follows; after a later one, only if another follows.
        self.skip();
        let mut first = true;
        loop {
            let next = self.attempt(|p| {
                if !first {
                    p.skip();
                }
                p.number()
            })?;
            match next {
                Some(number) => numbers.push(number),
                None => break,
            }
            first = false;
        }
        Ok(Value {
            kind: ValueKind::Tuple(numbers),
            span: Span::new(start, self.pos),
        })
    }

    /// `primary ~ block?`: the primary alone when no block follows.
    fn with_block(&mut self) -> Parsed<Value> {
        let start = self.pos;
        let base = self.primary()?;
        self.skip();
        match self.attempt(Self::block)? {
            Some(block) => Ok(Value {
                kind: ValueKind::WithBlock {
                    base: Box::new(base),
                    block,
                },
                span: Span::new(start, self.pos),
            }),
            None => Ok(base),
        }
    }

    /// `raw_string | string | number | boolean | list | paren | call | path | block`.
    fn primary(&mut self) -> Parsed<Value> {
        let start = self.pos;
        if let Some(value) = self.attempt(Self::raw_string)? {
            return Ok(value);
        }
        if let Some((text, span)) = self.attempt(Self::string)? {
            return Ok(Value {
                kind: ValueKind::Str(text),
                span,
            });
        }
        if let Some(value) = self.attempt(Self::number)? {
            return Ok(value);
        }
        for (word, value) in [("true", true), ("false", false)] {
            if self.eat_word(word) {
                return Ok(Value {
                    kind: ValueKind::Bool(value),
                    span: Span::new(start, self.pos),
                });
            }
        }
        if let Some(value) = self.attempt(Self::list)? {
            return Ok(value);
        }
        if let Some(value) = self.attempt(Self::paren)? {
            return Ok(value);
        }
        if let Some(value) = self.attempt(Self::call)? {
            return Ok(value);
        }
        if let Some(path) = self.attempt(Self::path)? {
            return Ok(Value {
                kind: ValueKind::Path(path),
                span: Span::new(start, self.pos),
            });
        }
        let block = self.block()?;
        Ok(Value {
            span: block.span,
            kind: ValueKind::Block(block),
        })
    }

    /// `list`: `[a, b]`, only when its bracket closes.
    fn list(&mut self) -> Parsed<Value> {
        let start = self.pos;
        if self.peek() != Some(b'[') || !self.closed() {
            return Err(Stop::Fail);
        }
        self.pos += 1;
        let items = self.separated(Self::expr)?;
        self.expect("]")?;
        Ok(Value {
            kind: ValueKind::List(items),
            span: Span::new(start, self.pos),
        })
    }

    /// `paren`: `(expr)`, newlines allowed inside; the value is the expression's.
    fn paren(&mut self) -> Parsed<Value> {
        if self.peek() != Some(b'(') || !self.closed() {
            return Err(Stop::Fail);
        }
        self.pos += 1;
        self.skip();
        self.newlines();
        let value = self.expr()?;
        self.skip();
        self.newlines();
        self.expect(")")?;
        Ok(value)
    }

    /// `nl*` in a non-atomic rule, followed by the whitespace after it.
    fn newlines(&mut self) {
        while self.peek() == Some(b'\n') {
            self.pos += 1;
            self.skip();
        }
    }

    /// `call`: `name(args)`.
    fn call(&mut self) -> Parsed<Value> {
        let start = self.pos;
        let callee = self.path()?;
        self.skip();
        if self.peek() != Some(b'(') || !self.closed() {
            return Err(Stop::Fail);
        }
        self.pos += 1;
        let args = self.separated(Self::expr)?;
        self.expect(")")?;
        Ok(Value {
            kind: ValueKind::Call { callee, args },
            span: Span::new(start, self.pos),
        })
    }
}

/// Applies precedence to the pieces of an expression exactly as pest's Pratt parser does (all
/// infix operators left-associative, `not` binding looser than comparisons and ranges).
fn pratt(pieces: &mut std::iter::Peekable<std::vec::IntoIter<Piece>>, floor: u32) -> Option<Value> {
    let mut lhs = match pieces.next()? {
        Piece::Not(span) => {
            let operand = pratt(pieces, NOT_PRECEDENCE - 1)?;
            Value {
                span: span.to(operand.span),
                kind: ValueKind::Unary {
                    op: UnaryOp::Not,
                    operand: Box::new(operand),
                },
            }
        }
        Piece::Operand(value) => value,
        Piece::Infix(..) => return None,
    };
    while let Some(Piece::Infix(op, _)) = pieces.peek() {
        let precedence = op.precedence();
        if precedence <= floor {
            break;
        }
        let Some(Piece::Infix(op, op_span)) = pieces.next() else {
            return None;
        };
        let rhs = pratt(pieces, precedence)?;
        let span = lhs.span.to(rhs.span);
        let kind = match op {
            Infix::Range => ValueKind::Range {
                start: Box::new(lhs),
                end: Box::new(rhs),
            },
            Infix::Binary(op) => ValueKind::Binary {
                op,
                op_span,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
        };
        lhs = Value { kind, span };
    }
    Some(lhs)
}

/// The offset of the first `needle` byte in `haystack`.
fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// The offset of the first occurrence of `needle` in `haystack`.
fn find(needle: &[u8], haystack: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
