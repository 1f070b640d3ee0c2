//! The spanned syntax tree of one `.k8s` file.
//!
//! The tree is deliberately generic: a field is `key: value`, and a value is a literal, a path, a
//! list, a block, or an *application* such as `http 8080` or `route "shop.example.com" { … }`. What a
//! field means, and which values it accepts, is the checker's business, not the grammar's — so new
//! fields never need a grammar change, and the language server can offer completions inside any
//! block, however broken the rest of the file is.

use crate::span::Span;

/// A parsed file: its imports and declarations in source order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceFile {
    /// Imports and declarations, in the order they appear.
    pub items: Vec<Item>,
}

impl SourceFile {
    /// The declarations of the file, in source order.
    pub fn decls(&self) -> impl Iterator<Item = &Decl> {
        self.shared_decls().map(|decl| &**decl)
    }

    /// The declarations of the file, in source order, as the shared pointers the tree holds
    /// (what a per-declaration query keeps without copying the declaration).
    pub fn shared_decls(&self) -> impl Iterator<Item = &std::sync::Arc<Decl>> {
        self.visited_items().filter_map(|item| match item {
            Item::Decl(decl) => Some(decl),
            Item::Import(_) => None,
        })
    }

    /// The imports of the file, in source order.
    pub fn imports(&self) -> impl Iterator<Item = &Import> {
        self.visited_items().filter_map(|item| match item {
            Item::Import(import) => Some(import),
            Item::Decl(_) => None,
        })
    }

    /// The items, each counted as visited when reached ([`crate::work`]).
    fn visited_items(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().inspect(|_| crate::work::visit_item())
    }
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `import …`
    Import(Import),
    /// `service web { … }` and every other declaration. Shared, so that the compiler's
    /// per-declaration queries hold the parsed declaration without copying it.
    Decl(std::sync::Arc<Decl>),
}

/// `import std.tiers.production`, `import std.policies.{a, b}`, `import ./common`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// What is imported from.
    pub target: ImportTarget,
    /// `.{a, b}` or `.a` after a relative path or module path: the items picked from the target.
    pub selection: Option<Vec<Ident>>,
    /// The whole import, keyword included.
    pub span: Span,
}

/// Where an import points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportTarget {
    /// A dotted module path such as `std.tiers` or `std.tiers.production`; whether the last
    /// segment names a module or an item is decided by the resolver.
    Module(Vec<Ident>),
    /// A file path relative to the importing file, such as `./common` or `../shared/tiers`.
    Relative {
        /// The path as written, without the `.k8s` extension.
        path: String,
        /// The span of the path.
        span: Span,
    },
}

/// The keyword a declaration starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeclKind {
    /// `app` — the deployable unit: namespace, tier, team.
    App,
    /// `service` — a Deployment behind a Service.
    Service,
    /// `worker` — a Deployment without a Service.
    Worker,
    /// `database` — a StatefulSet with storage, behind a headless Service.
    Database,
    /// `stateful` — the same as `database`, for state that is not a database.
    Stateful,
    /// `job` — a run-to-completion Job.
    Job,
    /// `cron` — a CronJob.
    Cron,
    /// `daemon` — a DaemonSet.
    Daemon,
    /// `external` — a host outside the cluster that workloads call.
    External,
    /// `tier` — a named profile of defaults and requirements.
    Tier,
    /// `policy` — a named rule over workloads.
    Policy,
    /// `priority` — a PriorityClass the platform declares once (or says the cluster has).
    Priority,
    /// `env` — per-environment overrides.
    Env,
}

impl DeclKind {
    /// Every declaration keyword, in the order the documentation lists them.
    pub const ALL: [DeclKind; 13] = [
        DeclKind::App,
        DeclKind::Service,
        DeclKind::Worker,
        DeclKind::Database,
        DeclKind::Stateful,
        DeclKind::Job,
        DeclKind::Cron,
        DeclKind::Daemon,
        DeclKind::External,
        DeclKind::Tier,
        DeclKind::Policy,
        DeclKind::Priority,
        DeclKind::Env,
    ];

    /// The keyword as written in source.
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::App => "app",
            DeclKind::Service => "service",
            DeclKind::Worker => "worker",
            DeclKind::Database => "database",
            DeclKind::Stateful => "stateful",
            DeclKind::Job => "job",
            DeclKind::Cron => "cron",
            DeclKind::Daemon => "daemon",
            DeclKind::External => "external",
            DeclKind::Tier => "tier",
            DeclKind::Policy => "policy",
            DeclKind::Priority => "priority",
            DeclKind::Env => "env",
        }
    }

    /// Parses a keyword.
    pub fn from_keyword(keyword: &str) -> Option<DeclKind> {
        DeclKind::ALL
            .into_iter()
            .find(|kind| kind.keyword() == keyword)
    }

    /// Whether the declaration describes something that runs in pods.
    pub fn is_workload(self) -> bool {
        matches!(
            self,
            DeclKind::Service
                | DeclKind::Worker
                | DeclKind::Database
                | DeclKind::Stateful
                | DeclKind::Job
                | DeclKind::Cron
                | DeclKind::Daemon
        )
    }
}

/// A declaration: `KEYWORD NAME[(PARAMS)][: PARENT] { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decl {
    /// Which keyword it starts with.
    pub kind: DeclKind,
    /// The span of the keyword.
    pub keyword_span: Span,
    /// The declared name; `None` only in broken input (a syntax error was reported).
    pub name: Option<Ident>,
    /// Parameters of a parameterised policy: `policy trusted_registries(allowed: [string])`.
    pub params: Option<Vec<Param>>,
    /// `: PARENT` — the tier a tier extends, or the environment an environment extends.
    pub parent: Option<Ident>,
    /// The body.
    pub body: Block,
    /// `///` doc comment lines directly above the declaration, without the slashes.
    pub doc: Option<String>,
    /// The whole declaration.
    pub span: Span,
}

/// A parameter of a parameterised declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name.
    pub name: Ident,
    /// Its declared type, written as a value (`string`, `[string]`, `int`).
    pub ty: Option<Value>,
    /// The whole parameter.
    pub span: Span,
}

/// `{ … }`: fields (and `require` blocks) between braces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The fields in source order; broken fields are left out (a syntax error was reported).
    pub items: Vec<BlockItem>,
    /// From the opening brace to the closing one (or to where the block was cut off).
    pub span: Span,
    /// Whether the closing brace was found; an unclosed block was reported as a syntax error.
    pub closed: bool,
}

impl Block {
    /// The fields of the block, skipping `require` blocks and `allow` exceptions.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.items.iter().filter_map(|item| match item {
            BlockItem::Field(field) => Some(field),
            BlockItem::Require(_) | BlockItem::Allow(_) => None,
        })
    }

    /// The `allow … because …` exceptions of the block.
    pub fn allows(&self) -> impl Iterator<Item = &Allow> {
        self.items.iter().filter_map(|item| match item {
            BlockItem::Allow(allow) => Some(allow),
            _ => None,
        })
    }
}

/// One entry of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockItem {
    /// `key: value` or `key { … }`.
    Field(Field),
    /// `require { rule "message" … }`.
    Require(RequireBlock),
    /// `allow pinned_images because "reason"`.
    Allow(Allow),
}

/// `allow NAME because "reason"`: a reviewed exception to a policy (or to a tier rule, named
/// `TIER.RULE`) for the workload it is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// The policy or tier rule, as a dotted name.
    pub name: Vec<Ident>,
    /// Why the exception is acceptable.
    pub reason: StrLit,
    /// The span of the `allow` keyword.
    pub keyword_span: Span,
    /// The whole exception.
    pub span: Span,
}

impl Allow {
    /// The dotted name as written.
    pub fn name_text(&self) -> String {
        let parts: Vec<&str> = self.name.iter().map(|i| i.name.as_str()).collect();
        parts.join(".")
    }

    /// The span of the name.
    pub fn name_span(&self) -> Span {
        match (self.name.first(), self.name.last()) {
            (Some(first), Some(last)) => first.span.to(last.span),
            _ => self.span,
        }
    }
}

/// `key: value`, `a.b.c: value` or `key { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The key, one part per dot-separated segment.
    pub key: Vec<Key>,
    /// The value; for `key { … }` a [`ValueKind::Block`].
    pub value: Value,
    /// Whether the field was written with a colon (`key: { … }` rather than `key { … }`).
    pub has_colon: bool,
    /// The whole field.
    pub span: Span,
}

impl Field {
    /// The span of the whole key (all segments).
    pub fn key_span(&self) -> Span {
        match (self.key.first(), self.key.last()) {
            (Some(first), Some(last)) => first.span.to(last.span),
            _ => self.span,
        }
    }

    /// The key written back with dots, e.g. `web.replicas`.
    pub fn key_text(&self) -> String {
        let parts: Vec<&str> = self.key.iter().map(|k| k.name.as_str()).collect();
        parts.join(".")
    }
}

/// One segment of a field key: an identifier or a quoted string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The segment's text (unescaped if it was quoted).
    pub name: String,
    /// Whether it was written as a string.
    pub quoted: bool,
    /// Its span.
    pub span: Span,
}

/// `require { … }` inside a tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequireBlock {
    /// The rules in source order.
    pub rules: Vec<RequireRule>,
    /// The span of the `require` keyword.
    pub keyword_span: Span,
    /// The whole block.
    pub span: Span,
    /// Whether the closing brace was found.
    pub closed: bool,
}

/// `replicas.min >= 2 "production services run at least two replicas"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequireRule {
    /// The condition that must hold.
    pub condition: Value,
    /// The message shown when it does not.
    pub message: Option<StrLit>,
    /// The whole rule.
    pub span: Span,
}

/// A string literal with its unescaped text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    /// The text after unescaping.
    pub value: String,
    /// The span, quotes included.
    pub span: Span,
}

/// An identifier with its span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The identifier's text.
    pub name: String,
    /// Its span.
    pub span: Span,
}

/// A value or expression with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// What kind of value it is.
    pub kind: ValueKind,
    /// Its span.
    pub span: Span,
}

/// The shapes a value can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// `"text"` or `"""raw text"""` (unescaped; raw strings are dedented).
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// A number with an optional unit: `8080`, `1.5`, `250m`, `256Mi`, `30s`, `5%`.
    Number(Number),
    /// A dotted name: `api`, `payments.ledger`, `db-credentials.url`.
    Path(Vec<Ident>),
    /// `[a, b, c]`.
    List(Vec<Value>),
    /// `{ key: value … }`.
    Block(Block),
    /// A name applied to arguments and/or a block: `http 8080`, `secret db.url`,
    /// `route "shop.example.com" { … }`, `istio { mtls: strict }`.
    Apply {
        /// The leading name.
        head: Ident,
        /// The arguments on the same line.
        args: Vec<Value>,
        /// A trailing block.
        block: Option<Block>,
    },
    /// Numbers written side by side: `5s 10%` (a delay and the share of requests it applies to),
    /// `503 1%`.
    Tuple(Vec<Value>),
    /// A literal followed by a block: `20Gi { class: fast-ssd }`, `3 { per_try: 1s }`.
    WithBlock {
        /// The literal.
        base: Box<Value>,
        /// The block.
        block: Block,
    },
    /// `name(args)`: a parameterised policy use such as `trusted_registries(["ghcr.io/acme"])`.
    Call {
        /// The called name.
        callee: Vec<Ident>,
        /// The arguments.
        args: Vec<Value>,
    },
    /// `a..b`.
    Range {
        /// The lower bound (or request).
        start: Box<Value>,
        /// The upper bound (or limit).
        end: Box<Value>,
    },
    /// `not x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Value>,
    },
    /// `a == b`, `a and b`, `a not in b`…
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The span of the operator token.
        op_span: Span,
        /// Left operand.
        lhs: Box<Value>,
        /// Right operand.
        rhs: Box<Value>,
    },
}

impl ValueKind {
    /// A short description of the shape, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "a string",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Number(n) if n.unit.is_some() => "a quantity",
            ValueKind::Number(_) => "a number",
            ValueKind::Path(_) => "a name",
            ValueKind::List(_) => "a list",
            ValueKind::Block(_) => "a block",
            ValueKind::Apply { .. } => "a tagged value",
            ValueKind::Tuple(_) => "numbers side by side",
            ValueKind::WithBlock { .. } => "a value with a block",
            ValueKind::Call { .. } => "a call",
            ValueKind::Range { .. } => "a range",
            ValueKind::Unary { .. } | ValueKind::Binary { .. } => "an expression",
        }
    }
}

/// A numeric literal as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// The digits, with sign and decimal point as written (`-1`, `1.5`, `250`).
    pub text: String,
    /// The unit suffix as written (`m`, `Mi`, `s`, `%`), if any.
    pub unit: Option<String>,
    /// The span of the unit suffix, if any.
    pub unit_span: Option<Span>,
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
}

/// Infix operators, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
}

impl BinaryOp {
    /// The operator as written in source.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
        }
    }
}
