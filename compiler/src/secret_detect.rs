//! The one secret detector. Every check that a credential is not written in plain text asks it:
//! E0015 on the source (environment, config, labels, annotations, arguments, exec probes, every
//! value of a `patch`), the scan of every generated document before it is written (E0045), the
//! redaction of diagnostics, and `k8sc import`. It looks at three things:
//! - the name a value is stored under (`DB_PASSWORD`, `example.com/db-password`, `PGPASSWORD`),
//!   with case, dashes, dots and slashes normalised;
//! - the value's shape (credentials in a URL, private keys, JSON Web Tokens, the token families of
//!   GitHub, GitLab, AWS, Slack and Stripe);
//! - command lines (`--password=X`, `--password X`, `--pass X`, `mysql -pX`, `redis-cli -a X`,
//!   also inside one `sh -c "…"` argument).
//!
//! Values that cannot be credentials pass: booleans, numbers, file paths, `$(VAR)`/`$VAR`
//! references that Kubernetes or the shell expands.

use std::ops::Range;

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

/// Endings that mark a credential even glued to the word before them: `PGPASSWORD`,
/// `DBPASSWD`, `MYAPIKEY`.
const GLUED_ENDINGS: &[&str] = &["PASSWORD", "PASSWD", "PASSPHRASE", "APIKEY"];

/// Token families recognised by their prefix, with the shortest real token's length.
const TOKEN_PREFIXES: &[(&str, usize)] = &[
    ("ghp_", 36),
    ("gho_", 36),
    ("ghs_", 36),
    ("ghu_", 36),
    ("ghr_", 36),
    ("github_pat_", 40),
    ("glpat-", 20),
    ("xoxb-", 20),
    ("xoxp-", 20),
    ("xoxa-", 20),
    ("xoxr-", 20),
    ("xoxs-", 20),
    ("sk_live_", 20),
    ("sk_test_", 20),
    ("rk_live_", 20),
    ("rk_test_", 20),
];

/// Why the argument after a credential flag (`--pass X`) is flagged: the one reason whose
/// argument is not a credential on its own, so `k8sc import` removes the flag with it.
pub const CREDENTIAL_FLAG_VALUE: &str = "the value of a credential flag";

/// The programs whose `-pVALUE` flag is a password (`mysql -phunter2`).
const MYSQL_CLIENTS: &[&str] = &["mysql", "mysqladmin", "mysqldump", "mysqlcheck", "mariadb"];

/// The programs whose `-a VALUE` flag is a password (`redis-cli -a hunter2`). Elsewhere `-a` means
/// anything (`ls -a`, `cp -a`), so it is a credential flag only after one of these.
const REDIS_CLIENTS: &[&str] = &["redis-cli", "valkey-cli", "keydb-cli"];

/// The flag of [`REDIS_CLIENTS`] that passes a password as the next argument.
const REDIS_PASSWORD_FLAG: &str = "-a";

/// Shell words that end one command and start the next: a program's flags stop at them
/// (`redis-cli ping; ls -a x` lists files with `-a`).
fn ends_command(word: &str) -> bool {
    matches!(word, ";" | "&&" | "||" | "|" | "&") || word.ends_with(';')
}

/// Why a value stored under `key` looks like a secret, if it does (E0015's label).
pub fn secret_reason(key: &str, text: &str) -> Option<&'static str> {
    if let Some(reason) = secret_shaped_value(text) {
        return Some(reason);
    }
    (is_secret_name(key) && could_be_credential(text))
        .then_some("the name says this is a credential")
}

/// Whether a name (an environment variable, a config key, a label or annotation key, a map key
/// of a patch) says it holds a credential. `example.com/db-password` is read as
/// `EXAMPLE_COM_DB_PASSWORD`.
pub fn is_secret_name(key: &str) -> bool {
    let upper: String = key
        .chars()
        .map(|c| match c {
            '-' | '.' | '/' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    upper.ends_with("_PWD")
        || SECRET_NAME_ENDINGS
            .iter()
            .any(|ending| upper == *ending || upper.ends_with(&format!("_{ending}")))
        || GLUED_ENDINGS.iter().any(|ending| upper.ends_with(ending))
}

/// Values that cannot be credentials: empty, booleans, plain numbers, file paths, references to
/// another variable (`$(VAR)`, `$VAR`, `${VAR}`).
pub fn could_be_credential(text: &str) -> bool {
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
    if is_variable_reference(trimmed) {
        return false;
    }
    !(trimmed.starts_with('/') || trimmed.starts_with("./"))
}

/// `$(NAME)` (expanded by Kubernetes), `$NAME` or `${NAME}` (by a shell).
fn is_variable_reference(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('$') else {
        return false;
    };
    let name = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')))
        .unwrap_or(rest);
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Values whose shape alone gives them away.
pub fn secret_shaped_value(text: &str) -> Option<&'static str> {
    crate::work::scan_for_secrets(text.len());
    if url_has_password(text) {
        return Some("this URL contains a password");
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return Some("this is a private key");
    }
    token_words(text).next().map(|(_, reason)| reason)
}

fn url_has_password(text: &str) -> bool {
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        rest = &rest[scheme_end + 3..];
        let authority = rest
            .split(['/', '?', '#', ' ', '"', '\''])
            .next()
            .unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
            && !password.is_empty()
            && !is_variable_reference(password)
        {
            return true;
        }
    }
    false
}

/// The byte ranges of the words of `text` that are tokens by their shape, and why.
fn token_words(text: &str) -> impl Iterator<Item = (Range<usize>, &'static str)> + '_ {
    words(text, &['"', '\'', '`', '=', ',', ';', ':']).filter_map(|range| {
        let word = &text[range.clone()];
        token_reason(word).map(|reason| (range, reason))
    })
}

fn token_reason(word: &str) -> Option<&'static str> {
    if TOKEN_PREFIXES
        .iter()
        .any(|(prefix, min)| word.starts_with(prefix) && word.len() >= *min)
    {
        return Some("this looks like an access token");
    }
    // AWS access key ids: `AKIA` (long-term) or `ASIA` (temporary), then 16 capitals or digits.
    if (word.starts_with("AKIA") || word.starts_with("ASIA"))
        && word.len() == 20
        && word
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("this looks like an access token");
    }
    let parts: Vec<&str> = word.split('.').collect();
    if parts.len() == 3 && parts[0].starts_with("eyJ") && parts[1].starts_with("eyJ") {
        return Some("this is a JSON Web Token");
    }
    None
}

/// The byte ranges of the words of `text`, split at white space and at `extra` characters.
fn words<'t>(text: &'t str, extra: &'t [char]) -> impl Iterator<Item = Range<usize>> + 't {
    let mut start = None;
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        let separator = c.is_whitespace() || extra.contains(&c);
        match (separator, start) {
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out.into_iter()
}

/// The byte ranges of `text` that must never be shown: passwords in URLs, private keys, tokens.
/// What diagnostics redact, whatever they quote.
pub fn shaped_ranges(text: &str) -> Vec<Range<usize>> {
    crate::work::scan_for_secrets(text.len());
    let mut out: Vec<Range<usize>> = words(text, &['"', '\'', '`'])
        .filter(|range| url_has_password(&text[range.clone()]))
        .collect();
    out.extend(token_words(text).map(|(range, _)| range));
    if let Some(begin) = text.find("-----BEGIN")
        && text[begin..].contains("PRIVATE KEY")
    {
        let end = text[begin..]
            .find("-----END")
            .and_then(|e| {
                text[begin + e..]
                    .find("KEY-----")
                    .map(|k| begin + e + k + 8)
            })
            .unwrap_or(text.len());
        out.push(begin..end);
    }
    out
}

/// The arguments of a command line (`command`, `args`, an exec probe, any list of strings in a
/// generated document) that hold a credential: each argument's index and why. A shell script in
/// one argument (`sh -c "mysql -phunter2 …"`) is read word by word.
pub fn argument_secrets(args: &[&str]) -> Vec<(usize, &'static str)> {
    let words: Vec<(usize, &str)> = args
        .iter()
        .enumerate()
        .flat_map(|(i, arg)| arg.split_whitespace().map(move |w| (i, w)))
        .collect();
    let mut found: Vec<(usize, &'static str)> = Vec::new();
    // The client whose flags are being read, if its flags differ from the common ones.
    let (mut mysql, mut redis) = (false, false);
    for (n, (i, word)) in words.iter().enumerate() {
        let word = word.trim_matches(|c| c == '"' || c == '\'');
        let next = words.get(n + 1).filter(|(_, next)| !next.starts_with('-'));
        let reason = if let Some(reason) = secret_shaped_value(word) {
            Some((*i, reason))
        } else if let Some((flag, value)) = word.split_once('=')
            && is_secret_flag(flag)
            && could_be_credential(value)
        {
            Some((*i, "this flag passes a credential"))
        } else if (is_secret_flag(word) || (redis && word == REDIS_PASSWORD_FLAG))
            && let Some((next_i, next)) = next
            && could_be_credential(next)
        {
            // Reported at the value, which is what has to go.
            Some((*next_i, CREDENTIAL_FLAG_VALUE))
        } else if mysql
            && let Some(value) = word.strip_prefix("-p")
            && !value.starts_with('-')
            && could_be_credential(value)
        {
            Some((*i, "`-p` gives this client its password"))
        } else {
            None
        };
        let program = word.rsplit('/').next().unwrap_or(word);
        if MYSQL_CLIENTS.contains(&program) {
            mysql = true;
        }
        if REDIS_CLIENTS.contains(&program) {
            redis = true;
        }
        if ends_command(word) {
            (mysql, redis) = (false, false);
        }
        if let Some(reason) = reason
            && !found.iter().any(|(index, _)| *index == reason.0)
        {
            found.push(reason);
        }
    }
    found
}

/// Whether `arg` is the flag before a value [`argument_secrets`] flagged as
/// [`CREDENTIAL_FLAG_VALUE`]: what `k8sc import` removes with that value. `-a` is one only because
/// the detector flagged the value after it, which it does only after `redis-cli`.
pub fn passes_flagged_value(arg: &str) -> bool {
    is_secret_flag(arg) || arg == REDIS_PASSWORD_FLAG
}

/// `--password`, `--pass`, `--requirepass`, `-token`… (the part before any `=`).
pub fn is_secret_flag(arg: &str) -> bool {
    let Some(name) = arg.strip_prefix('-') else {
        return false;
    };
    let name = name.trim_start_matches('-');
    let upper = name.to_ascii_uppercase();
    matches!(upper.as_str(), "REQUIREPASS" | "PASS" | "PWD") || is_secret_name(name)
}

/// A tree a document or a patch is made of, as the detector walks it.
pub trait Scanned {
    /// The text, if this is a string.
    fn text(&self) -> Option<&str>;
    /// The items, if this is a list.
    fn items(&self) -> Option<Vec<&Self>>;
    /// The keys and values, if this is a map.
    fn entries(&self) -> Option<Vec<(&str, &Self)>>;
}

/// Walks `node` and calls `found` with every string that holds a credential, its path (`spec`,
/// `[0]`, `env`…) and why. A string is judged with the name it is stored under — its map key, or
/// the `name` beside a `value` (`env: [{ name: DB_PASSWORD, value: … }]`) — and a list of strings
/// as a command line.
pub fn scan<N: Scanned>(node: &N, found: &mut impl FnMut(&N, &[String], &'static str)) {
    let mut path = Vec::new();
    walk(node, None, &mut path, found);
}

fn walk<N: Scanned>(
    node: &N,
    key: Option<&str>,
    path: &mut Vec<String>,
    found: &mut impl FnMut(&N, &[String], &'static str),
) {
    if let Some(text) = node.text() {
        let reason = match key {
            Some(key) => secret_reason(key, text),
            None => secret_shaped_value(text),
        };
        if let Some(reason) = reason {
            found(node, path, reason);
        }
    } else if let Some(items) = node.items() {
        let texts: Vec<&str> = items.iter().filter_map(|item| item.text()).collect();
        let flagged = if texts.len() == items.len() {
            argument_secrets(&texts)
        } else {
            Vec::new()
        };
        for (index, item) in items.iter().enumerate() {
            path.push(format!("[{index}]"));
            if let Some((_, reason)) = flagged.iter().find(|(i, _)| *i == index) {
                found(item, path, reason);
            } else if item.text().is_none() {
                walk(*item, None, path, found);
            }
            path.pop();
        }
    } else if let Some(entries) = node.entries() {
        let named = entries
            .iter()
            .find(|(k, _)| *k == "name")
            .and_then(|(_, v)| v.text());
        for (entry_key, value) in entries {
            let key = match named {
                Some(name) if entry_key == "value" => name,
                _ => entry_key,
            };
            path.push(entry_key.to_string());
            walk(value, Some(key), path, found);
            path.pop();
        }
    }
}

impl Scanned for serde_json::Value {
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
    fn items(&self) -> Option<Vec<&Self>> {
        self.as_array().map(|a| a.iter().collect())
    }
    fn entries(&self) -> Option<Vec<(&str, &Self)>> {
        self.as_object()
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::{
        CREDENTIAL_FLAG_VALUE, argument_secrets, is_secret_name, secret_reason, shaped_ranges,
    };

    #[test]
    fn names_that_hold_credentials() {
        assert!(secret_reason("DB_PASSWORD", "hunter22").is_some());
        assert!(secret_reason("STRIPE_API_KEY", "abcd1234efgh").is_some());
        assert!(secret_reason("GITHUB_TOKEN", "something").is_some());
        for name in [
            "PGPASSWORD",
            "MYSQL_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "MYSQL_PWD",
            "db-password",
            "example.com/db-password",
            "acme.io/api-token",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn names_that_describe_credentials_pass() {
        assert!(secret_reason("OAUTH_TOKEN_URL", "https://auth.example.com/oauth/token").is_none());
        assert!(secret_reason("SECRET_MANAGER", "vault").is_none());
        assert!(secret_reason("PASSWORD_POLICY", "strict").is_none());
        assert!(secret_reason("PASSWORD_FILE", "/run/secrets/x").is_none());
        assert!(secret_reason("TOKEN_AUDIENCE", "api.example.com").is_none());
        assert!(secret_reason("PWD", "/srv/app").is_none());
        assert!(secret_reason("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI").is_some());
        assert!(secret_reason("JWT_SECRET", "change-me-please").is_some());
        assert!(secret_reason("DB_PASSWORD", "$(VAULT_DB_PASSWORD)").is_none());
        assert!(secret_reason("DB_PASSWORD", "${VAULT_DB_PASSWORD}").is_none());
    }

    #[test]
    fn references_and_harmless_values_pass() {
        assert!(secret_reason("TOKEN_FILE", "/var/run/secrets/token").is_none());
        assert!(secret_reason("ENABLE_TOKEN_AUTH", "true").is_none());
        assert!(secret_reason("TOKEN_TTL", "3600").is_none());
        assert!(secret_reason("LOG_LEVEL", "info").is_none());
        assert!(secret_reason("PASSWORD_MIN_LENGTH", "12").is_none());
        assert!(secret_reason("REGION", "ASIA-PACIFIC-SOUTHEAST").is_none());
        assert!(secret_reason("TEST_MODE", "sk_test_short").is_none());
    }

    #[test]
    fn values_that_are_secrets_whatever_the_name() {
        assert!(secret_reason("DATABASE_URL", "postgres://app:s3cret@db:5432/shop").is_some());
        assert!(secret_reason("DATABASE_URL", "postgres://db:5432/shop").is_none());
        assert!(secret_reason("X", "AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(secret_reason("X", "ASIAIOSFODNN7EXAMPLE").is_some());
        assert!(secret_reason("X", "ghs_0123456789abcdefghijklmnopqrstuvwxyz").is_some());
        assert!(secret_reason("X", "sk_test_0123456789abcdefghij").is_some());
        assert!(secret_reason("X", "rk_live_0123456789abcdefghij").is_some());
        assert!(secret_reason("X", "token=ghp_0123456789abcdefghijklmnopqrstuvwxyz").is_some());
        assert!(secret_reason("X", "-----BEGIN RSA PRIVATE KEY-----\nabc").is_some());
        assert!(secret_reason("X", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig").is_some());
    }

    #[test]
    fn command_lines() {
        let flagged = |args: &[&str]| argument_secrets(args);
        assert_eq!(flagged(&["--password=letmein9"]).len(), 1);
        assert_eq!(flagged(&["--pass", "letmein9"])[0].0, 1);
        assert_eq!(flagged(&["mysql", "-uroot", "-phunter22", "shop"])[0].0, 2);
        assert_eq!(
            flagged(&["sh", "-c", "mysqladmin ping -u root -phunter22"])[0].0,
            2
        );
        assert!(
            flagged(&["sh", "-c", "mysqladmin ping -u root -p$MYSQL_ROOT_PASSWORD"]).is_empty()
        );
        assert!(flagged(&["mysql", "-P3306", "-p"]).is_empty());
        assert!(flagged(&["--password-file", "/run/secrets/db"]).is_empty());
        assert!(flagged(&["grep", "-p", "pattern"]).is_empty());
        assert!(flagged(&["--pass", "$(DB_PASSWORD)"]).is_empty());
        assert_eq!(
            flagged(&["redis-cli", "-a", "hunter22", "ping"]),
            [(2, CREDENTIAL_FLAG_VALUE)]
        );
        assert_eq!(
            flagged(&["sh", "-c", "redis-cli --no-auth-warning -a hunter22 ping"])[0].0,
            2
        );
        assert!(flagged(&["redis-cli", "-a", "$(REDIS_PASSWORD)", "ping"]).is_empty());
        assert!(flagged(&["ls", "-a", "backups"]).is_empty());
        assert!(flagged(&["sh", "-c", "redis-cli ping; ls -a backups"]).is_empty());
        assert!(
            flagged(&[
                "sh",
                "-c",
                "mysql -e 'select 1' && tar -pcvzf archive.tgz backups"
            ])
            .is_empty()
        );
    }

    #[test]
    fn shaped_ranges_cover_the_whole_secret() {
        let text = "invalid label value `ghp_0123456789abcdefghijklmnopqrstuvwxyz`";
        let ranges = shaped_ranges(text);
        assert_eq!(
            &text[ranges[0].clone()],
            "ghp_0123456789abcdefghijklmnopqrstuvwxyz"
        );
        let url = "see postgres://app:pa55w0rd@db/x here";
        assert_eq!(
            &url[shaped_ranges(url)[0].clone()],
            "postgres://app:pa55w0rd@db/x"
        );
    }
}
