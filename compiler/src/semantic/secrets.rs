//! Reporting secrets written as literal values (E0015), at the source that holds them; what is a
//! secret is [`crate::secret_detect`]'s to say.
//!
//! Anything written in `.k8s` ends up in plain text in Git and in the manifests, so credentials
//! must be references (`secret NAME.KEY`). Detection looks at the variable's name (`*PASSWORD*`,
//! `*TOKEN*`, …) and at the value itself (credentials in a URL, private keys, well-known token
//! formats), and leaves alone values that cannot be secrets (booleans, numbers, file paths).

use super::patch::{PatchNode, PatchValue};
use super::reader::Ctx;
use crate::diagnostics::Code;
use crate::secret_detect::{Scanned, argument_secrets, scan};
use k8sc_grammar::{Span, Value, ValueKind};

pub use crate::secret_detect::secret_reason;

/// Reports E0015 if `key: text` looks like a credential written in plain text; says whether it
/// did.
pub fn check_literal_secret(
    ctx: &mut Ctx<'_>,
    key: &str,
    text: &str,
    span: Span,
    what: &str,
) -> bool {
    let Some(reason) = secret_reason(key, text) else {
        return false;
    };
    let suggested = format!(
        "secret {}.{}",
        suggested_secret_name(key),
        key.to_ascii_lowercase().replace('_', "-")
    );
    // An annotation or a label is plain text on the object and cannot reference a Secret.
    let help = if what == "annotation" || what == "label" {
        format!(
            "remove it: {what}s are plain text on the object and cannot reference a Secret; give \
             the credential to the workload as `env {{ NAME: secret SECRET.KEY }}` instead"
        )
    } else {
        format!("store it in a Kubernetes Secret and reference it: `{key}: {suggested}`")
    };
    ctx.report(
        ctx.diagnostic(
            Code::LiteralSecret,
            format!("{what} `{key}` holds a secret written as a literal value"),
            span,
        )
        .with_label(reason)
        .with_note(
            "literal values end up in Git, in the generated manifests and in `kubectl describe`",
        )
        .with_help(help),
    );
    true
}

/// Reports E0015 for credentials written into `args`, `command` or an exec probe's command: a
/// value shaped like a secret, a `--password=…` style flag, the value after a flag such as
/// `--requirepass`, or `mysql -p…`.
pub fn check_argument_secrets(ctx: &mut Ctx<'_>, list: &Value, what: &str) {
    let ValueKind::List(items) = &list.kind else {
        return;
    };
    let texts: Vec<(&str, Span)> = items
        .iter()
        .filter_map(|item| match &item.kind {
            ValueKind::Str(text) => Some((text.as_str(), item.span)),
            _ => None,
        })
        .collect();
    let args: Vec<&str> = texts.iter().map(|(text, _)| *text).collect();
    for (index, reason) in argument_secrets(&args) {
        if let Some((_, span)) = texts.get(index) {
            report_argument(ctx, *span, what, reason);
        }
    }
}

/// Reports E0015 for every value of a `patch` that holds a credential: a patch is merged into the
/// manifests as written, so it gets the same detection as the language's own fields — by the key
/// a value is under (`DB_PASSWORD`, `example.com/db-password`, an env entry's `name`), by its
/// shape, and in command lines.
pub fn check_patch_secrets(ctx: &mut Ctx<'_>, body: &PatchNode) {
    let mut found: Vec<(Span, String, &'static str)> = Vec::new();
    scan(body, &mut |node: &PatchNode, path: &[String], reason| {
        found.push((node.span, dotted(path), reason));
    });
    for (span, path, reason) in found {
        ctx.report(
            ctx.diagnostic(
                Code::LiteralSecret,
                format!("patch value `{path}` holds a secret written as a literal value"),
                span,
            )
            .with_label(reason)
            .with_note("a patch is merged into the manifests as written: they end up in Git and in `kubectl describe`")
            .with_help("store it in a Kubernetes Secret and reference it: `env { NAME: secret SECRET.KEY }` in the workload, or `valueFrom.secretKeyRef` in the patch"),
        );
    }
}

/// `spec.containers[0].env[1].value`.
pub fn dotted(path: &[String]) -> String {
    let mut out = String::new();
    for step in path {
        if !out.is_empty() && !step.starts_with('[') {
            out.push('.');
        }
        out.push_str(step);
    }
    out
}

impl Scanned for PatchNode {
    fn text(&self) -> Option<&str> {
        match &self.value {
            PatchValue::Str(text) => Some(text),
            _ => None,
        }
    }
    fn items(&self) -> Option<Vec<&Self>> {
        match &self.value {
            PatchValue::List(items) => Some(items.iter().collect()),
            _ => None,
        }
    }
    fn entries(&self) -> Option<Vec<(&str, &Self)>> {
        match &self.value {
            PatchValue::Map(entries) => {
                Some(entries.iter().map(|e| (e.key.as_str(), &e.value)).collect())
            }
            _ => None,
        }
    }
}

fn report_argument(ctx: &mut Ctx<'_>, span: Span, what: &str, reason: &'static str) {
    ctx.report(
        ctx.diagnostic(Code::LiteralSecret, format!("`{what}` holds a secret written as a literal value"), span)
            .with_label(reason)
            .with_note("literal values end up in Git, in the generated manifests and in `kubectl describe`")
            .with_help("put it in `env` as `NAME: secret SECRET.KEY` and pass `$(NAME)` here: Kubernetes expands it"),
    );
}

fn suggested_secret_name(key: &str) -> String {
    let lower = key.to_ascii_lowercase();
    let base = lower.split('_').next().unwrap_or("app");
    format!("{base}-credentials")
}
