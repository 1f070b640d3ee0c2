//! Reading `gitops: argocd { repo, path, revision, sync, applicationset }` in an app: where the
//! compiled output lives in Git and how Argo CD deploys it.

use super::reader::Ctx;
use super::schema::{GITOPS_FIELDS, SYNC_FIELDS};
use crate::diagnostics::Code;
use k8sc_grammar::{Value, ValueKind};

/// How an app is deployed by Argo CD.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GitOps {
    /// The Git repository holding the compiled output.
    pub repo: String,
    /// The folder of the output inside the repository (holding `<env>/…` and `argocd/`).
    pub path: String,
    /// The branch, tag or commit Argo CD follows.
    pub revision: String,
    /// Whether Argo CD syncs on its own (`sync: auto`) or waits for a person (`sync: manual`).
    pub automated: bool,
    /// Whether resources removed from Git are deleted from the cluster.
    pub prune: bool,
    /// Whether changes made in the cluster are reverted.
    pub self_heal: bool,
    /// One ApplicationSet over the environments instead of one Application per environment.
    pub applicationset: bool,
}

/// Reads `gitops: argocd { … }`.
pub fn read_gitops(ctx: &mut Ctx<'_>, value: &Value) -> Option<GitOps> {
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
    let mut gitops = GitOps {
        repo: String::new(),
        path: String::new(),
        revision: "main".to_string(),
        automated: true,
        prune: true,
        self_heal: true,
        applicationset: false,
    };
    let mut ok = true;
    for (info, field) in ctx.known_fields(block, GITOPS_FIELDS, "`argocd`") {
        let v = &field.value;
        match info.name {
            "repo" => match read_repo(ctx, v) {
                Some(repo) => gitops.repo = repo,
                None => ok = false,
            },
            "path" => match read_path(ctx, v) {
                Some(path) => gitops.path = path,
                None => ok = false,
            },
            "revision" => match ctx.read_string(v) {
                Some(r) if !r.is_empty() && !r.contains(char::is_whitespace) => gitops.revision = r,
                Some(_) => {
                    ctx.wrong_type(v, "a branch, tag or commit");
                    ok = false;
                }
                None => ok = false,
            },
            "sync" => ok &= read_sync(ctx, v, &mut gitops),
            _ => match ctx.read_bool(v) {
                Some(b) => gitops.applicationset = b,
                None => ok = false,
            },
        }
    }
    if gitops.repo.is_empty() || gitops.path.is_empty() {
        if ok {
            ctx.report(
                ctx.diagnostic(Code::MissingField, "`argocd` needs a `repo` and a `path`", value.span)
                    .with_label("where is the compiled output?")
                    .with_help("add `repo: \"https://github.com/acme/platform.git\"` and `path: \"deploy/shop\"`"),
            );
        }
        return None;
    }
    ok.then_some(gitops)
}

/// `sync: auto { prune: true, self_heal: true }` or `sync: manual`.
fn read_sync(ctx: &mut Ctx<'_>, value: &Value, gitops: &mut GitOps) -> bool {
    let (mode, block) = match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => (parts[0].name.as_str(), None),
        ValueKind::Apply { head, args, block } if args.is_empty() => {
            (head.name.as_str(), block.as_ref())
        }
        _ => {
            ctx.wrong_type(value, "`auto { prune, self_heal }` or `manual`");
            return false;
        }
    };
    match mode {
        "auto" => gitops.automated = true,
        "manual" => {
            gitops.automated = false;
            if let Some(block) = block {
                ctx.report(
                    ctx.diagnostic(
                        Code::InvalidValue,
                        "manual sync takes no options",
                        block.span,
                    )
                    .with_help("`prune` and `self_heal` apply to `sync: auto { … }`"),
                );
                return false;
            }
            return true;
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
            return false;
        }
    }
    let Some(block) = block else {
        return true;
    };
    let mut ok = true;
    for (info, field) in ctx.known_fields(block, SYNC_FIELDS, "`sync: auto`") {
        match ctx.read_bool(&field.value) {
            Some(b) if info.name == "prune" => gitops.prune = b,
            Some(b) => gitops.self_heal = b,
            None => ok = false,
        }
    }
    ok
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
