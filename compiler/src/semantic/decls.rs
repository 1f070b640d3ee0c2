//! Per-declaration checking as a tracked query: editing one declaration re-checks that declaration,
//! not the whole project.

use super::app::read_app;
use super::env::{EnvSpec, read_env};
use super::external::{ExternalSpec, read_external};
use super::policy::decl::{PolicySpec, read_policy};
use super::priority::{PrioritySpec, read_priority};
use super::reader::Ctx;
use super::tier::{TierSpec, read_tier};
use super::workload::{WorkloadBlock, read_workload};
use crate::db::{Db, File};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::spec::{AllowSpec, AppSpec, Layer, WorkloadKind, WorkloadSpec};
use crate::syntax::parse;
use crate::types::names;
use k8sc_grammar::{Decl, DeclKind};
use std::sync::Arc;

/// A declaration, identified by its file and its position among the file's declarations.
#[salsa::interned(debug)]
pub struct DeclId<'db> {
    /// The file.
    #[returns(copy)]
    pub file: File,
    /// The index among the file's declarations (imports not counted).
    #[returns(copy)]
    pub index: u32,
}

/// What checking one declaration found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckedDecl {
    /// The typed content, for the declaration kinds this version of k8sc checks.
    pub content: DeclContent,
    /// The problems found inside the declaration.
    pub diagnostics: Vec<Diagnostic>,
}

/// The typed content of a declaration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DeclContent {
    /// A workload.
    Workload {
        /// Its kind.
        kind: WorkloadKind,
        /// What it says.
        spec: Box<WorkloadSpec>,
    },
    /// An app.
    App(Box<AppSpec>),
    /// A tier.
    Tier(Box<TierSpec>),
    /// An external host.
    External(Box<ExternalSpec>),
    /// A policy (`None` when it has errors that leave it without a rule).
    Policy(Option<Box<PolicySpec>>),
    /// An environment.
    Env(Box<EnvSpec>),
    /// A priority class.
    Priority(Box<PrioritySpec>),
    /// A declaration with no name or content of its own (broken input).
    #[default]
    Other,
}

/// One declaration's syntax tree, cut out of its file's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclAst {
    /// The declaration (shared with the file's parse).
    pub decl: Arc<Decl>,
    /// Whether a syntax error lies inside it (some field may be missing from `decl`).
    pub has_syntax_errors: bool,
}

/// The declarations of one file, each with whether a syntax error lies inside it: found in one
/// pass over the file's items and errors per parse, so that looking declaration n up costs the
/// same wherever it sits (walking the items before it for each declaration made checking a file
/// of 80,000 services quadratic; `compiler/tests/it/linear_checking.rs`).
#[salsa::tracked(returns(ref))]
pub fn decl_table(db: &dyn Db, file: File) -> Vec<DeclAst> {
    let parsed = parse(db, file);
    let mut error_starts: Vec<u32> = parsed.errors.iter().map(|e| e.span.start).collect();
    error_starts.sort_unstable();
    parsed
        .file
        .shared_decls()
        .map(|decl| {
            // The first error starting at or after the declaration's start, if it starts inside.
            let first = error_starts.partition_point(|start| *start < decl.span.start);
            let has_syntax_errors = error_starts
                .get(first)
                .is_some_and(|start| *start < decl.span.end);
            DeclAst {
                decl: Arc::clone(decl),
                has_syntax_errors,
            }
        })
        .collect()
}

/// The syntax tree of one declaration. A query of its own so that salsa can tell when a
/// declaration is unchanged after an edit elsewhere in its file, and reuse everything computed
/// from it.
#[salsa::tracked(returns(ref))]
pub fn decl_ast<'db>(db: &'db dyn Db, decl: DeclId<'db>) -> Option<DeclAst> {
    decl_table(db, decl.file(db))
        .get(decl.index(db) as usize)
        .cloned()
}

/// The declaration's syntax tree.
pub fn decl_syntax<'a>(db: &'a dyn Db, decl: DeclId<'a>) -> Option<&'a Decl> {
    decl_ast(db, decl).as_ref().map(|ast| &*ast.decl)
}

/// Type-checks one declaration on its own.
#[salsa::tracked(returns(ref))]
pub fn check_decl<'db>(db: &'db dyn Db, decl: DeclId<'db>) -> CheckedDecl {
    let Some(ast) = decl_ast(db, decl) else {
        return CheckedDecl::default();
    };
    let syntax = &ast.decl;
    let file: Arc<str> = Arc::from(decl.file(db).path(db).as_str());
    let mut diagnostics = Vec::new();
    let mut ctx = Ctx::new(file, Layer::Workload, &mut diagnostics);
    let content = match WorkloadKind::from_decl(syntax.kind) {
        Some(kind) => {
            check_workload_name(&mut ctx, syntax, kind);
            ctx.exceptions_block = Some(syntax.body.span);
            let mut spec = read_workload(
                &mut ctx,
                &syntax.body,
                WorkloadBlock::Declaration(syntax.kind),
            );
            spec.allows = syntax
                .body
                .allows()
                .map(|allow| AllowSpec {
                    name: allow.name_text(),
                    name_span: allow.name_span(),
                    reason: allow.reason.value.clone(),
                    span: allow.span,
                    origin: ctx.origin(allow.span),
                })
                .collect();
            if ast.has_syntax_errors {
                spec.rejected.push(WorkloadSpec::INCOMPLETE);
            }
            DeclContent::Workload {
                kind,
                spec: Box::new(spec),
            }
        }
        None if syntax.kind == DeclKind::App => {
            ctx.set_layer(Layer::App);
            check_name(&mut ctx, syntax, 63, "app", None);
            DeclContent::App(Box::new(read_app(&mut ctx, &syntax.body)))
        }
        None if syntax.kind == DeclKind::Tier => {
            // A tier's name begins the names of its rules' Kyverno policies (`TIER-RULE`).
            check_name(&mut ctx, syntax, 63, "tier", None);
            let name = syntax.name.as_ref().map_or("", |n| n.name.as_str());
            ctx.set_layer(Layer::Tier(name.into()));
            ctx.rules_block = Some(syntax.body.span);
            DeclContent::Tier(Box::new(read_tier(&mut ctx, &syntax.body)))
        }
        None if syntax.kind == DeclKind::External => {
            check_name(&mut ctx, syntax, 63, "external", None);
            let name_span = syntax.name.as_ref().map_or(syntax.keyword_span, |n| n.span);
            let mut spec = read_external(&mut ctx, &syntax.body, name_span);
            spec.rejected |= ast.has_syntax_errors;
            DeclContent::External(Box::new(spec))
        }
        None if syntax.kind == DeclKind::Policy => {
            ctx.set_layer(Layer::Builtin);
            check_name(&mut ctx, syntax, 63, "policy", None);
            DeclContent::Policy(read_policy(&mut ctx, syntax).map(Box::new))
        }
        None if syntax.kind == DeclKind::Priority => {
            ctx.set_layer(Layer::Builtin);
            check_name(&mut ctx, syntax, 253, "priority", None);
            let (name, name_span) = syntax
                .name
                .as_ref()
                .map_or(("", syntax.keyword_span), |n| (n.name.as_str(), n.span));
            let mut spec = read_priority(&mut ctx, &syntax.body, name, name_span);
            spec.rejected |= ast.has_syntax_errors;
            DeclContent::Priority(Box::new(spec))
        }
        None if syntax.kind == DeclKind::Env => {
            let name = syntax.name.as_ref().map_or("", |n| n.name.as_str());
            ctx.set_layer(Layer::Env(name.into()));
            check_name(&mut ctx, syntax, 63, "environment", None);
            DeclContent::Env(Box::new(read_env(&mut ctx, &syntax.body)))
        }
        None => DeclContent::Other,
    };
    diagnostics.shrink_to_fit();
    CheckedDecl {
        content,
        diagnostics,
    }
}

fn check_workload_name(ctx: &mut Ctx<'_>, decl: &Decl, kind: WorkloadKind) {
    // The name is also the prefix of names and label values the output and the cluster derive
    // from it (`NAME-headless`, a StatefulSet's `controller-revision-hash: NAME-HASH`, a
    // CronJob's Jobs `NAME-TIME`…): the shortest limit among them is the name's.
    let (max, limiting) = super::derived_names::longest_workload_name(kind);
    let Some(name) = &decl.name else {
        return;
    };
    let k8s_name = names::to_k8s_name(&name.name);
    if names::validate_dns_label(&k8s_name, max).is_err() {
        let why = (max < 63 && k8s_name.len() > max).then(|| {
            format!(
                "the limit is {max} because {} is at most {} characters",
                limiting.what,
                limiting.name.len() - 1 + max
            )
        });
        check_name(ctx, decl, max, decl.kind.keyword(), why);
        return;
    }
    if let Some((derived, error)) = super::derived_names::first_invalid(kind, &k8s_name) {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidName,
                format!(
                    "{} name `{}` makes an invalid name: {}",
                    decl.kind.keyword(),
                    name.name,
                    error.message.replace("name ", "")
                ),
                name.span,
            )
            .with_label(format!("becomes {}", derived.what))
            .with_note(format!("`{}` is not valid there", derived.name)),
        );
    }
}

/// Names become Kubernetes resource names (`_` turned into `-`), so they must be DNS-1123 labels.
fn check_name(ctx: &mut Ctx<'_>, decl: &Decl, max: usize, what: &str, why: Option<String>) {
    let Some(name) = &decl.name else {
        return;
    };
    let k8s_name = names::to_k8s_name(&name.name);
    if let Err(error) = names::validate_dns_label(&k8s_name, max) {
        let mut diagnostic = ctx
            .diagnostic(
                Code::InvalidName,
                super::reader::name_message(&error, &format!("{what} name")),
                name.span,
            )
            .with_label("becomes a Kubernetes resource name")
            .with_note(format!(
                "names become DNS-1123 labels (`_` is turned into `-`): at most {max} lowercase letters, digits and `-`"
            ));
        if let Some(why) = why {
            diagnostic = diagnostic.with_note(why);
        }
        if let Some(help) = error.help {
            let fixed = help
                .split('`')
                .nth(1)
                .map(str::to_string)
                .unwrap_or_default();
            diagnostic = if fixed.is_empty() {
                diagnostic.with_help(help)
            } else {
                diagnostic.with_replacement(fixed)
            };
        }
        ctx.report(diagnostic);
    }
}
