//! Detecting secrets written as literal values (E0015).
//!
//! Anything written in `.k8s` ends up in plain text in Git and in the manifests, so credentials
//! must be references (`secret NAME.KEY`). Detection looks at the variable's name (`*PASSWORD*`,
//! `*TOKEN*`, …) and at the value itself (credentials in a URL, private keys, well-known token
//! formats), and leaves alone values that cannot be secrets (booleans, numbers, file paths).

use super::reader::Ctx;
use crate::diagnostics::Code;
use k8sc_grammar::{Span, Value, ValueKind};

/// Name endings that mark a variable as holding a credential. Only the end of the name counts:
/// `DB_PASSWORD` and `AWS_SECRET_ACCESS_KEY` hold credentials; `PASSWORD_POLICY`,
/// `OAUTH_TOKEN_URL` and `SECRET_MANAGER` describe one.
const SECRET_NAME_ENDINGS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "SECRET_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "CLIENT_KEY",
    "CREDENTIAL",
    "CREDENTIALS",
];

/// Reports E0015 if `key: text` looks like a credential written in plain text.
pub fn check_literal_secret(ctx: &mut Ctx<'_>, key: &str, text: &str, span: Span, what: &str) {
    let Some(reason) = secret_reason(key, text) else {
        return;
    };
    let suggested = format!(
        "secret {}.{}",
        suggested_secret_name(key),
        key.to_ascii_lowercase().replace('_', "-")
    );
    // An annotation is plain text on the object and cannot reference a Secret.
    let help = if what == "annotation" {
        "remove it: annotations are plain text on the object and cannot reference a Secret; give \
         the credential to the workload as `env { NAME: secret SECRET.KEY }` instead"
            .to_string()
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
}

/// Reports E0015 for credentials written into `args` or `command`: a value shaped like a secret, a
/// `--password=…` style flag, or the value after a flag such as `--requirepass`.
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
    for (i, (text, span)) in texts.iter().enumerate() {
        let reason = if let Some(reason) = secret_shaped_value(text) {
            Some(reason)
        } else if let Some((flag, value)) = text.split_once('=')
            && is_secret_flag(flag)
            && could_be_credential(value)
        {
            Some("this flag passes a credential")
        } else if is_secret_flag(text)
            && let Some((next, _)) = texts.get(i + 1)
            && !next.starts_with('-')
            && could_be_credential(next)
        {
            // Report at the value, which is what has to go.
            let (_, next_span) = texts[i + 1];
            report_argument(ctx, next_span, what, "the value of a credential flag");
            continue;
        } else {
            None
        };
        if let Some(reason) = reason {
            report_argument(ctx, *span, what, reason);
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

/// `--password`, `--requirepass`, `-token`… (the part before any `=`).
fn is_secret_flag(arg: &str) -> bool {
    let Some(name) = arg.strip_prefix('-') else {
        return false;
    };
    let name = name
        .trim_start_matches('-')
        .to_ascii_uppercase()
        .replace('-', "_");
    name == "REQUIREPASS"
        || SECRET_NAME_ENDINGS
            .iter()
            .any(|ending| name == *ending || name.ends_with(&format!("_{ending}")))
}

fn suggested_secret_name(key: &str) -> String {
    let lower = key.to_ascii_lowercase();
    let base = lower.split('_').next().unwrap_or("app");
    format!("{base}-credentials")
}

/// Why the value looks like a secret, if it does (E0015's label). `k8sc import` asks it too, to
/// leave out of `config {}` what the language would refuse.
pub fn secret_reason(key: &str, text: &str) -> Option<&'static str> {
    if let Some(reason) = secret_shaped_value(text) {
        return Some(reason);
    }
    let upper = key.to_ascii_uppercase();
    let named_secret = SECRET_NAME_ENDINGS
        .iter()
        .any(|ending| upper == *ending || upper.ends_with(&format!("_{ending}")));
    if !named_secret || !could_be_credential(text) {
        return None;
    }
    Some("the name says this is a credential")
}

/// Values that cannot be credentials: empty, booleans, plain numbers, durations, file paths.
fn could_be_credential(text: &str) -> bool {
    let trimmed = text.trim();
    if trimmed.len() < 4 {
        return false;
    }
    let lower = trimmed.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null"
    ) {
        return false;
    }
    if trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // `$(OTHER_VAR)` is expanded by Kubernetes from another (secret) variable.
    if trimmed.starts_with("$(") && trimmed.ends_with(')') {
        return false;
    }
    !(trimmed.starts_with('/') || trimmed.starts_with("./"))
}

/// Values whose shape alone gives them away.
fn secret_shaped_value(text: &str) -> Option<&'static str> {
    if let Some(scheme_end) = text.find("://") {
        let rest = &text[scheme_end + 3..];
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
            && !password.is_empty()
            && !password.starts_with("$(")
        {
            return Some("this URL contains a password");
        }
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return Some("this is a private key");
    }
    let token_prefixes: [(&str, usize); 7] = [
        ("AKIA", 20),
        ("ghp_", 36),
        ("gho_", 36),
        ("github_pat_", 40),
        ("xoxb-", 20),
        ("xoxp-", 20),
        ("sk_live_", 20),
    ];
    for word in text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
        if token_prefixes
            .iter()
            .any(|(prefix, min)| word.starts_with(prefix) && word.len() >= *min)
        {
            return Some("this looks like an access token");
        }
        let parts: Vec<&str> = word.split('.').collect();
        if parts.len() == 3 && parts[0].starts_with("eyJ") && parts[1].starts_with("eyJ") {
            return Some("this is a JSON Web Token");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::secret_reason;

    #[test]
    fn names_that_hold_credentials() {
        assert!(secret_reason("DB_PASSWORD", "hunter22").is_some());
        assert!(secret_reason("STRIPE_API_KEY", "abcd1234efgh").is_some());
        assert!(secret_reason("GITHUB_TOKEN", "something").is_some());
    }

    #[test]
    fn names_that_describe_credentials_pass() {
        assert!(secret_reason("OAUTH_TOKEN_URL", "https://auth.example.com/oauth/token").is_none());
        assert!(secret_reason("SECRET_MANAGER", "vault").is_none());
        assert!(secret_reason("PASSWORD_POLICY", "strict").is_none());
        assert!(secret_reason("TOKEN_AUDIENCE", "api.example.com").is_none());
        assert!(secret_reason("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI").is_some());
        assert!(secret_reason("JWT_SECRET", "change-me-please").is_some());
        assert!(secret_reason("DB_PASSWORD", "$(VAULT_DB_PASSWORD)").is_none());
    }

    #[test]
    fn references_and_harmless_values_pass() {
        assert!(secret_reason("TOKEN_FILE", "/var/run/secrets/token").is_none());
        assert!(secret_reason("ENABLE_TOKEN_AUTH", "true").is_none());
        assert!(secret_reason("TOKEN_TTL", "3600").is_none());
        assert!(secret_reason("LOG_LEVEL", "info").is_none());
        assert!(secret_reason("PASSWORD_MIN_LENGTH", "12").is_none());
    }

    #[test]
    fn values_that_are_secrets_whatever_the_name() {
        assert!(secret_reason("DATABASE_URL", "postgres://app:s3cret@db:5432/shop").is_some());
        assert!(secret_reason("DATABASE_URL", "postgres://db:5432/shop").is_none());
        assert!(secret_reason("X", "AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(secret_reason("X", "-----BEGIN RSA PRIVATE KEY-----\nabc").is_some());
        assert!(secret_reason("X", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig").is_some());
    }
}
