//! Reading `gitops: argocd { repo, path, revision, sync, applicationset }` in an app: where the
//! compiled output lives in Git and how Argo CD deploys it. An environment overrides any of these
//! fields but `applicationset` (`env prod { gitops.revision: "release" }` or `gitops: argocd {
//! sync: manual }`): the fields it writes win, the app's fill in the rest.

use super::reader::Ctx;
use crate::diagnostics::Code;
pub use crate::model::gitops::*;
use crate::model::schema::{GITOPS_FIELDS, SYNC_FIELDS};
use k8sc_grammar::{Block, Span, Value, ValueKind};

/// Reads `gitops: argocd { … }` in an app: `repo` and `path` are required.
pub fn read_gitops(ctx: &mut Ctx<'_>, value: &Value) -> Option<GitOps> {
    let block = read_argocd(ctx, value)?;
    let (fields, ok) = read_fields(ctx, block);
    if fields.repo.is_none() || fields.path.is_none() {
        if ok {
            ctx.report(missing_repo_or_path(ctx, value.span));
        }
        return None;
    }
    if !ok {
        return None;
    }
    GitOps::from_fields(&fields)
}

/// The error for GitOps without a `repo` or a `path`.
pub fn missing_repo_or_path(ctx: &Ctx<'_>, span: Span) -> crate::diagnostics::Diagnostic {
    ctx.diagnostic(
        Code::MissingField,
        "`argocd` needs a `repo` and a `path`",
        span,
    )
    .with_label("where is the compiled output?")
    .with_help("add `repo: \"https://github.com/acme/platform.git\"` and `path: \"deploy/shop\"`")
}

/// Reads an environment's GitOps overrides: `gitops: argocd { … }` and `gitops.FIELD: …`,
/// gathered into `block`. Every field is optional; `applicationset` cannot be overridden (one
/// ApplicationSet spans every environment).
pub fn read_gitops_override(ctx: &mut Ctx<'_>, block: &Block) -> GitOpsFields {
    let (mut fields, _) = read_fields(ctx, block);
    if let Some((_, span)) = fields.applicationset.take() {
        ctx.report(
            ctx.diagnostic(
                Code::GitOpsNotPerEnvironment,
                "`applicationset` cannot be set per environment",
                span,
            )
            .with_label("one ApplicationSet spans every environment of the app")
            .with_help("set `applicationset` in the app's `gitops: argocd { … }`"),
        );
    }
    fields
}

/// The block of `argocd { … }`, or an error.
pub fn read_argocd<'v>(ctx: &mut Ctx<'_>, value: &'v Value) -> Option<&'v Block> {
    let ValueKind::Apply { head, args, block } = &value.kind else {
        ctx.wrong_type(value, "`argocd { repo: \"…\", path: \"…\" }`");
        return None;
    };
    if head.name != "argocd" || !args.is_empty() {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                format!("unknown GitOps tool `{}`", head.name),
                head.span,
            )
            .with_label("k8sc generates Argo CD applications")
            .with_help("write `gitops: argocd { repo: \"https://…\", path: \"deploy/shop\" }`"),
        );
        return None;
    }
    let Some(block) = block else {
        ctx.report(
            ctx.diagnostic(
                Code::MissingField,
                "`argocd` needs a `repo` and a `path`",
                value.span,
            )
            .with_help("write `gitops: argocd { repo: \"https://…\", path: \"deploy/shop\" }`"),
        );
        return None;
    };
    Some(block)
}

/// The fields written in `block`, and whether all of them were valid.
fn read_fields(ctx: &mut Ctx<'_>, block: &Block) -> (GitOpsFields, bool) {
    let mut fields = GitOpsFields::default();
    let mut ok = true;
    for (info, field) in ctx.known_fields(block, GITOPS_FIELDS, "`argocd`") {
        let v = &field.value;
        match info.name {
            "repo" => match read_repo(ctx, v) {
                Some(repo) => fields.repo = Some((repo, v.span)),
                None => ok = false,
            },
            "path" => match read_path(ctx, v) {
                Some(path) => fields.path = Some((path, v.span)),
                None => ok = false,
            },
            "revision" => match ctx.read_string(v) {
                Some(r) if !r.is_empty() && !r.contains(char::is_whitespace) => {
                    fields.revision = Some((r, v.span));
                }
                Some(_) => {
                    ctx.wrong_type(v, "a branch, tag or commit");
                    ok = false;
                }
                None => ok = false,
            },
            "sync" => match read_sync(ctx, v) {
                Some(sync) => fields.sync = Some((sync, v.span)),
                None => ok = false,
            },
            _ => match ctx.read_bool(v) {
                Some(b) => fields.applicationset = Some((b, v.span)),
                None => ok = false,
            },
        }
    }
    (fields, ok)
}

/// `sync: auto { prune: true, self_heal: true }` or `sync: manual`.
fn read_sync(ctx: &mut Ctx<'_>, value: &Value) -> Option<SyncPolicy> {
    let (mode, block) = match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => (parts[0].name.as_str(), None),
        ValueKind::Apply { head, args, block } if args.is_empty() => {
            (head.name.as_str(), block.as_ref())
        }
        _ => {
            ctx.wrong_type(value, "`auto { prune, self_heal }` or `manual`");
            return None;
        }
    };
    let mut sync = SyncPolicy {
        automated: true,
        prune: true,
        self_heal: true,
    };
    match mode {
        "auto" => {}
        "manual" => {
            sync.automated = false;
            if let Some(block) = block {
                ctx.report(
                    ctx.diagnostic(
                        Code::InvalidValue,
                        "manual sync takes no options",
                        block.span,
                    )
                    .with_help("`prune` and `self_heal` apply to `sync: auto { … }`"),
                );
                return None;
            }
            return Some(sync);
        }
        other => {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidValue,
                    format!("unknown sync mode `{other}`"),
                    value.span,
                )
                .with_label("expected `auto` or `manual`"),
            );
            return None;
        }
    }
    let Some(block) = block else {
        return Some(sync);
    };
    let mut ok = true;
    for (info, field) in ctx.known_fields(block, SYNC_FIELDS, "`sync: auto`") {
        match ctx.read_bool(&field.value) {
            Some(b) if info.name == "prune" => sync.prune = b,
            Some(b) => sync.self_heal = b,
            None => ok = false,
        }
    }
    ok.then_some(sync)
}

/// An https or ssh Git URL.
fn read_repo(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let text = ctx.read_string(value)?;
    let valid =
        (text.starts_with("https://") || text.starts_with("ssh://") || text.starts_with("git@"))
            && !text.contains(char::is_whitespace)
            && text.len() > 8;
    if !valid {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                format!("`{text}` is not a Git repository URL"),
                value.span,
            )
            .with_label("expected `https://…`, `ssh://…` or `git@host:org/repo.git`"),
        );
        return None;
    }
    Some(text)
}

/// A relative folder inside the repository, without `..`.
fn read_path(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let text = ctx.read_string(value)?;
    let trimmed = text.trim_matches('/');
    let valid = !trimmed.is_empty()
        && !text.starts_with('/')
        && trimmed
            .split('/')
            .all(|s| !s.is_empty() && s != ".." && s != ".")
        && !trimmed.contains(char::is_whitespace);
    if !valid {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                format!("`{text}` is not a folder of the repository"),
                value.span,
            )
            .with_label("expected a relative path such as `deploy/shop`"),
        );
        return None;
    }
    Some(trimmed.to_string())
}
