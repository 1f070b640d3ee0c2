//! Names and keys that Kubernetes accepts, checked before any YAML is written.
//!
//! The API server rejects an object whose name, port name, environment variable or label breaks
//! its rules, but only at `kubectl apply` time and with a message about the generated YAML. These
//! validators apply the same rules (`k8s.io/apimachinery/pkg/util/validation`) to the text the
//! user wrote, so the compiler can underline the exact bytes at fault and suggest a fixed value.
//!
//! Every function here takes arbitrary user text and never panics; every error range lies on
//! `char` boundaries of the input.

use std::fmt;
use std::ops::Range;

/// Why a value was rejected, and which bytes of the input are at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// What is wrong, lowercase and without a trailing period (rustc style).
    pub message: String,
    /// The byte range of the offending part within the validated string; always on `char`
    /// boundaries, and empty only when the input itself is empty.
    pub range: Range<usize>,
    /// A concrete suggestion, e.g. "did you mean `web-api`?", when one exists.
    pub help: Option<String>,
}

impl ValueError {
    /// An error with `message` about the bytes in `range`, and no help.
    pub fn new(message: impl Into<String>, range: Range<usize>) -> ValueError {
        ValueError {
            message: message.into(),
            range,
            help: None,
        }
    }

    /// The same error with `help` attached.
    pub fn with_help(mut self, help: impl Into<String>) -> ValueError {
        self.help = Some(help.into());
        self
    }

    /// The same error with its range moved `by` bytes to the right, for when the validated
    /// string starts `by` bytes into a larger one (e.g. after the opening quote of a literal).
    pub fn shifted(mut self, by: usize) -> ValueError {
        self.range = self.range.start + by..self.range.end + by;
        self
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

/// The byte range of the char that starts at byte `at` of `s` (empty at the end of `s`).
pub(crate) fn char_range(s: &str, at: usize) -> Range<usize> {
    let width = s
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    at..at + width
}

/// The range covering an empty segment that starts at byte `at` of `s`: the separator that ends
/// it, or the one before it when the segment is at the very end.
fn empty_segment_range(s: &str, at: usize) -> Range<usize> {
    if at < s.len() {
        char_range(s, at)
    } else {
        at.saturating_sub(1)..at
    }
}

/// The range of `s` from byte `limit` to the end, snapped forward to a char boundary: the part
/// that does not fit when `s` may be at most `limit` bytes long.
fn excess_range(s: &str, limit: usize) -> Range<usize> {
    let mut start = limit.min(s.len());
    while !s.is_char_boundary(start) {
        start += 1;
    }
    start..s.len()
}

/// Turns a language identifier (`web_api`) into a Kubernetes name (`web-api`).
///
/// Identifiers in `.k8s` files use `_` where Kubernetes names use `-`; nothing else changes, so
/// the result still needs [`validate_dns_label`] or [`validate_dns_subdomain`].
pub fn to_k8s_name(ident: &str) -> String {
    ident.replace('_', "-")
}

fn is_label_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// Checks one RFC 1123 label (`label` starts at byte `offset` of `whole`), without its length.
fn label_chars_error(whole: &str, label: &str, offset: usize, what: &str) -> Option<ValueError> {
    if let Some((i, c)) = label.char_indices().find(|&(_, c)| !is_label_char(c)) {
        let range = char_range(label, i);
        let range = range.start + offset..range.end + offset;
        let message = if c.is_ascii_uppercase() {
            format!("{what} `{whole}` must be lowercase")
        } else {
            format!(
                "{what} `{whole}` has invalid character `{}`: only lowercase letters, digits and `-` are allowed",
                c.escape_debug()
            )
        };
        return Some(ValueError::new(message, range));
    }
    if label.starts_with('-') {
        return Some(ValueError::new(
            format!("{what} `{whole}` must start with a lowercase letter or digit"),
            offset..offset + 1,
        ));
    }
    if label.ends_with('-') {
        let end = offset + label.len();
        return Some(ValueError::new(
            format!("{what} `{whole}` must end with a lowercase letter or digit"),
            end - 1..end,
        ));
    }
    None
}

fn dns_label_error(s: &str, max_len: usize, what: &str) -> Option<ValueError> {
    if s.is_empty() {
        return Some(ValueError::new(format!("{what} cannot be empty"), 0..0));
    }
    if let Some(error) = label_chars_error(s, s, 0, what) {
        return Some(error);
    }
    if s.len() > max_len {
        return Some(ValueError::new(
            format!(
                "{what} `{s}` is {} characters long, the limit is {max_len}",
                s.len()
            ),
            excess_range(s, max_len),
        ));
    }
    None
}

/// Lowercases `s` and replaces each run of characters that `keep` rejects with one `-`.
fn replace_invalid(s: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut replacing = false;
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if keep(c) {
            out.push(c);
            replacing = false;
        } else if !replacing {
            out.push('-');
            replacing = true;
        }
    }
    out
}

/// Cuts an ASCII string to at most `max_len` bytes.
fn truncate_ascii(s: &str, max_len: usize) -> &str {
    s.get(..max_len.min(s.len())).unwrap_or(s)
}

fn suggest_dns_label(s: &str, max_len: usize) -> Option<String> {
    let replaced = replace_invalid(s, is_label_char);
    let fixed = truncate_ascii(replaced.trim_matches('-'), max_len).trim_end_matches('-');
    (fixed != s && dns_label_error(fixed, max_len, "name").is_none()).then(|| fixed.to_string())
}

/// Checks an RFC 1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most `max_len` characters.
///
/// Most object names (Services, Deployments, namespaces, container names) must be labels of at
/// most 63 characters; pass 52 for CronJob names, which get an 11-character suffix on their
/// Jobs. On error, `help` suggests a fixed name (lowercased, invalid characters replaced with
/// `-`, trimmed and truncated) when one exists.
pub fn validate_dns_label(s: &str, max_len: usize) -> Result<(), ValueError> {
    match dns_label_error(s, max_len, "name") {
        None => Ok(()),
        Some(error) => Err(match suggest_dns_label(s, max_len) {
            Some(fixed) => error.with_help(format!("did you mean `{fixed}`?")),
            None => error,
        }),
    }
}

/// The longest DNS subdomain Kubernetes accepts.
const DNS_SUBDOMAIN_MAX: usize = 253;

fn dns_subdomain_error(s: &str, what: &str) -> Option<ValueError> {
    if s.is_empty() {
        return Some(ValueError::new(format!("{what} cannot be empty"), 0..0));
    }
    let mut offset = 0;
    for label in s.split('.') {
        if label.is_empty() {
            return Some(ValueError::new(
                format!("{what} `{s}` has an empty part between dots"),
                empty_segment_range(s, offset),
            ));
        }
        if let Some(error) = label_chars_error(s, label, offset, what) {
            return Some(error);
        }
        offset += label.len() + 1;
    }
    if s.len() > DNS_SUBDOMAIN_MAX {
        return Some(ValueError::new(
            format!(
                "{what} `{s}` is {} characters long, the limit is {DNS_SUBDOMAIN_MAX}",
                s.len()
            ),
            excess_range(s, DNS_SUBDOMAIN_MAX),
        ));
    }
    None
}

fn suggest_dns_subdomain(s: &str) -> Option<String> {
    let labels: Vec<String> = s
        .split('.')
        .map(|label| {
            replace_invalid(label, is_label_char)
                .trim_matches('-')
                .to_string()
        })
        .filter(|label| !label.is_empty())
        .collect();
    let joined = labels.join(".");
    let fixed = truncate_ascii(&joined, DNS_SUBDOMAIN_MAX).trim_end_matches(['-', '.']);
    (fixed != s && dns_subdomain_error(fixed, "name").is_none()).then(|| fixed.to_string())
}

/// Checks an RFC 1123 subdomain: dot-separated labels, at most 253 characters in all.
///
/// This is the rule for ConfigMap, Secret, Ingress and most other object names. Like
/// Kubernetes, it does not limit each label to 63 characters. On error, `help` suggests a fixed
/// name when one exists.
pub fn validate_dns_subdomain(s: &str) -> Result<(), ValueError> {
    match dns_subdomain_error(s, "name") {
        None => Ok(()),
        Some(error) => Err(match suggest_dns_subdomain(s) {
            Some(fixed) => error.with_help(format!("did you mean `{fixed}`?")),
            None => error,
        }),
    }
}

/// How the API server checks an object's `metadata.name`: most kinds take a DNS-1123
/// subdomain; a Namespace's name must be a DNS-1123 label (it becomes part of DNS names) and a
/// Service's a DNS-1035 label (it becomes a DNS name and an environment variable prefix, so it
/// must start with a letter). This is the one place that knows which kind takes which rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?` parts joined by `.`, at most 253 characters.
    Subdomain,
    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    Label,
    /// `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    Dns1035Label,
}

impl NameRule {
    /// The rule for `metadata.name` of an object of `kind`.
    pub fn for_kind(kind: &str) -> NameRule {
        match kind {
            "Namespace" => NameRule::Label,
            "Service" => NameRule::Dns1035Label,
            _ => NameRule::Subdomain,
        }
    }

    /// The longest name the rule accepts.
    pub fn max_len(self) -> usize {
        match self {
            NameRule::Subdomain => DNS_SUBDOMAIN_MAX,
            NameRule::Label | NameRule::Dns1035Label => 63,
        }
    }

    /// Checks `name` against the rule.
    pub fn validate(self, name: &str) -> Result<(), ValueError> {
        match self {
            NameRule::Subdomain => validate_dns_subdomain(name),
            NameRule::Label => validate_dns_label(name, 63),
            NameRule::Dns1035Label => validate_dns1035_label(name, 63),
        }
    }

    /// The rule's name, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            NameRule::Subdomain => "a DNS-1123 subdomain",
            NameRule::Label => "a DNS-1123 label",
            NameRule::Dns1035Label => "a DNS-1035 label",
        }
    }
}

/// Checks a DNS-1035 label: a DNS-1123 label (see [`validate_dns_label`]) that starts with a
/// letter, the rule for Service names.
pub fn validate_dns1035_label(s: &str, max_len: usize) -> Result<(), ValueError> {
    validate_dns_label(s, max_len)?;
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(ValueError::new(
            format!("name `{s}` must start with a lowercase letter"),
            0..1,
        ));
    }
    Ok(())
}

/// Checks an environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
///
/// This is the portable C-identifier rule (Kubernetes itself is looser), so the variable can be
/// read from any shell. On error, `help` suggests the name with invalid characters replaced by
/// `_` (and a leading `_` if it started with a digit).
pub fn validate_env_var_name(s: &str) -> Result<(), ValueError> {
    const WHAT: &str = "environment variable name";
    if s.is_empty() {
        return Err(ValueError::new(format!("{WHAT} cannot be empty"), 0..0));
    }
    let is_valid = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let error = if s.starts_with(|c: char| c.is_ascii_digit()) {
        ValueError::new(format!("{WHAT} `{s}` cannot start with a digit"), 0..1)
    } else if let Some((i, c)) = s.char_indices().find(|&(_, c)| !is_valid(c)) {
        ValueError::new(
            format!(
                "{WHAT} `{s}` has invalid character `{}`: only letters, digits and `_` are allowed",
                c.escape_debug()
            ),
            char_range(s, i),
        )
    } else {
        return Ok(());
    };
    let mut fixed = String::with_capacity(s.len() + 1);
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        fixed.push('_');
    }
    let mut replacing = false;
    for c in s.chars() {
        if is_valid(c) {
            fixed.push(c);
            replacing = false;
        } else if !replacing {
            fixed.push('_');
            replacing = true;
        }
    }
    Err(error.with_help(format!("did you mean `{fixed}`?")))
}

/// The longest port name Kubernetes accepts (IANA service names).
const PORT_NAME_MAX: usize = 15;

fn port_name_error(s: &str) -> Option<ValueError> {
    const WHAT: &str = "port name";
    if s.is_empty() {
        return Some(ValueError::new(format!("{WHAT} cannot be empty"), 0..0));
    }
    if let Some(error) = label_chars_error(s, s, 0, WHAT) {
        return Some(error);
    }
    if let Some(i) = s.find("--") {
        return Some(ValueError::new(
            format!("{WHAT} `{s}` cannot contain consecutive hyphens"),
            i..i + 2,
        ));
    }
    if !s.contains(|c: char| c.is_ascii_lowercase()) {
        return Some(ValueError::new(
            format!("{WHAT} `{s}` must contain at least one letter"),
            0..s.len(),
        ));
    }
    if s.len() > PORT_NAME_MAX {
        return Some(ValueError::new(
            format!(
                "{WHAT} `{s}` is {} characters long, the limit is {PORT_NAME_MAX}",
                s.len()
            ),
            excess_range(s, PORT_NAME_MAX),
        ));
    }
    None
}

/// Checks a container or Service port name (IANA_SVC_NAME): 1-15 characters of `[a-z0-9-]`, at
/// least one letter, no leading or trailing `-` and no `--`. On error, `help` suggests a fixed
/// name when one exists.
pub fn validate_port_name(s: &str) -> Result<(), ValueError> {
    let Some(error) = port_name_error(s) else {
        return Ok(());
    };
    let replaced = replace_invalid(s, |c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let fixed = truncate_ascii(replaced.trim_matches('-'), PORT_NAME_MAX).trim_end_matches('-');
    if fixed != s && port_name_error(fixed).is_none() {
        Err(error.with_help(format!("did you mean `{fixed}`?")))
    } else {
        Err(error)
    }
}

/// The longest label value, and the longest name part of a label key.
const LABEL_NAME_MAX: usize = 63;

fn is_label_value_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Checks a label value or the name part of a label key (`part`, at `offset` in `whole`).
fn label_name_error(
    whole: &str,
    part: &str,
    offset: usize,
    what: &str,
    allow_empty: bool,
) -> Option<ValueError> {
    if part.is_empty() {
        return (!allow_empty).then(|| ValueError::new(format!("{what} cannot be empty"), 0..0));
    }
    if let Some((i, c)) = part.char_indices().find(|&(_, c)| !is_label_value_char(c)) {
        let range = char_range(part, i);
        return Some(ValueError::new(
            format!(
                "{what} `{whole}` has invalid character `{}`: only letters, digits, `-`, `_` and `.` are allowed",
                c.escape_debug()
            ),
            range.start + offset..range.end + offset,
        ));
    }
    if !part.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some(ValueError::new(
            format!("{what} `{whole}` must start with a letter or digit"),
            offset..offset + 1,
        ));
    }
    if !part.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        let end = offset + part.len();
        return Some(ValueError::new(
            format!("{what} `{whole}` must end with a letter or digit"),
            end - 1..end,
        ));
    }
    if part.len() > LABEL_NAME_MAX {
        let excess = excess_range(part, LABEL_NAME_MAX);
        let subject = if part.len() == whole.len() {
            format!("{what} `{whole}`")
        } else {
            format!("name part of {what} `{whole}`")
        };
        return Some(ValueError::new(
            format!(
                "{subject} is {} characters long, the limit is {LABEL_NAME_MAX}",
                part.len()
            ),
            excess.start + offset..excess.end + offset,
        ));
    }
    None
}

fn suggest_label_name(part: &str) -> Option<String> {
    let mut replaced = String::with_capacity(part.len());
    for c in part.chars() {
        if is_label_value_char(c) {
            replaced.push(c);
        } else if !replaced.ends_with('-') {
            replaced.push('-');
        }
    }
    let not_alnum = |c: char| !c.is_ascii_alphanumeric();
    let fixed = truncate_ascii(replaced.trim_matches(not_alnum), LABEL_NAME_MAX)
        .trim_end_matches(not_alnum);
    (!fixed.is_empty()).then(|| fixed.to_string())
}

/// Whether `s` is a valid label value: empty, or at most 63 characters of `[A-Za-z0-9._-]`
/// starting and ending with a letter or digit.
pub fn is_valid_label_value(s: &str) -> bool {
    validate_label_value(s).is_ok()
}

/// Checks a label value (see [`is_valid_label_value`]), with the offending bytes and a
/// suggested fix on error.
pub fn validate_label_value(s: &str) -> Result<(), ValueError> {
    match label_name_error(s, s, 0, "label value", true) {
        None => Ok(()),
        Some(error) => Err(match suggest_label_name(s) {
            Some(fixed) if fixed != s => error.with_help(format!("did you mean `{fixed}`?")),
            _ => error,
        }),
    }
}

/// Checks a label or annotation key: an optional DNS-subdomain prefix and `/`, then a name of
/// at most 63 characters of `[A-Za-z0-9._-]` starting and ending with a letter or digit (e.g.
/// `app.kubernetes.io/name`, `tier`).
pub fn validate_label_key(s: &str) -> Result<(), ValueError> {
    const WHAT: &str = "label key";
    if s.is_empty() {
        return Err(ValueError::new(format!("{WHAT} cannot be empty"), 0..0));
    }
    let (prefix, name, name_offset) = match s.find('/') {
        None => (None, s, 0),
        Some(slash) => {
            let name = s.get(slash + 1..).unwrap_or("");
            if let Some(second) = name.find('/') {
                let at = slash + 1 + second;
                return Err(ValueError::new(
                    format!("{WHAT} `{s}` can contain at most one `/`"),
                    at..at + 1,
                ));
            }
            (Some(s.get(..slash).unwrap_or("")), name, slash + 1)
        }
    };
    let suggestion = || {
        let fixed_name = suggest_label_name(name)?;
        let fixed = match prefix {
            None => fixed_name,
            Some(prefix) if dns_subdomain_error(prefix, "").is_none() => {
                format!("{prefix}/{fixed_name}")
            }
            Some(prefix) => format!("{}/{fixed_name}", suggest_dns_subdomain(prefix)?),
        };
        (fixed != s).then(|| format!("did you mean `{fixed}`?"))
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Err(ValueError::new(
                format!("{WHAT} `{s}` has an empty prefix before `/`"),
                0..1,
            ));
        }
        if let Some(mut error) = dns_subdomain_error(prefix, "label key prefix") {
            error.help = suggestion();
            return Err(error);
        }
        if name.is_empty() {
            return Err(ValueError::new(
                format!("{WHAT} `{s}` has an empty name after `/`"),
                name_offset - 1..name_offset,
            ));
        }
    }
    match label_name_error(s, name, name_offset, WHAT, false) {
        None => Ok(()),
        Some(mut error) => {
            error.help = suggestion();
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that `result` is an error whose range covers exactly `part` of `input`.
    #[track_caller]
    fn err_at(result: Result<(), ValueError>, input: &str, range: Range<usize>) -> ValueError {
        let error = result.expect_err("expected an error");
        assert_eq!(error.range, range, "wrong range for {input:?}: {error:?}");
        error
    }

    /// A tiny deterministic generator of awkward strings (no external crates).
    fn awkward_strings() -> Vec<String> {
        const PIECES: &[&str] = &[
            "a", "Z", "0", "9", "-", "_", ".", "/", ":", "@", "*", ",", " ", "\t", "é", "ß",
            "日本", "🦀", "\u{301}", "--", "..", "//", "sha256", "x",
        ];
        let mut out =
            crate::types::test_support::piece_strings(PIECES, 12, 300, 0x2545_f491_4f6c_dd1d);
        out.push("a".repeat(300));
        out.push("é".repeat(100));
        out
    }

    #[track_caller]
    fn assert_sane(input: &str, result: Result<(), ValueError>) {
        if let Err(error) = result {
            crate::types::test_support::assert_sane(input, &error);
        }
    }

    #[test]
    fn no_panics_and_sane_ranges_on_awkward_input() {
        for s in awkward_strings() {
            assert_sane(&s, validate_dns_label(&s, 63));
            assert_sane(&s, validate_dns_label(&s, 52));
            assert_sane(&s, validate_dns_label(&s, 0));
            assert_sane(&s, validate_dns_subdomain(&s));
            assert_sane(&s, validate_env_var_name(&s));
            assert_sane(&s, validate_port_name(&s));
            assert_sane(&s, validate_label_key(&s));
            let value = validate_label_value(&s);
            assert_eq!(is_valid_label_value(&s), value.is_ok());
            assert_sane(&s, value);
        }
    }

    #[test]
    fn suggestions_are_always_valid() {
        let fixed = |help: Option<String>| {
            help.and_then(|h| {
                h.strip_prefix("did you mean `")
                    .and_then(|h| h.strip_suffix("`?"))
                    .map(str::to_string)
            })
        };
        type Check = fn(&str) -> Result<(), ValueError>;
        let checks: [Check; 7] = [
            |s| validate_dns_label(s, 52),
            |s| validate_dns_label(s, 63),
            validate_dns_subdomain,
            validate_env_var_name,
            validate_port_name,
            validate_label_key,
            validate_label_value,
        ];
        for s in awkward_strings() {
            for check in checks {
                if let Err(e) = check(&s)
                    && let Some(f) = fixed(e.help)
                {
                    assert_eq!(check(&f), Ok(()), "{s:?} -> {f:?}");
                    assert_ne!(f, s);
                }
            }
        }
    }

    #[test]
    fn name_rules_by_kind() {
        assert_eq!(NameRule::for_kind("Namespace"), NameRule::Label);
        assert_eq!(NameRule::for_kind("Service"), NameRule::Dns1035Label);
        assert_eq!(NameRule::for_kind("Application"), NameRule::Subdomain);
        let service = NameRule::Dns1035Label;
        assert!(service.validate("web-1").is_ok());
        let e = err_at(service.validate("1web"), "1web", 0..1);
        assert_eq!(e.message, "name `1web` must start with a lowercase letter");
        err_at(service.validate(&"a".repeat(64)), "", 63..64);
        assert!(NameRule::Subdomain.validate("a.b").is_ok());
        assert!(NameRule::Label.validate("a.b").is_err());
        assert!(NameRule::Subdomain.validate("media-ap_southeast").is_err());
        assert_eq!(NameRule::Subdomain.max_len(), 253);
        assert_eq!(NameRule::Label.max_len(), 63);
    }

    #[test]
    fn value_error_helpers() {
        let e = ValueError::new("bad", 1..3).with_help("fix it").shifted(10);
        assert_eq!(e.range, 11..13);
        assert_eq!(e.help.as_deref(), Some("fix it"));
        assert_eq!(e.to_string(), "bad");
    }

    #[test]
    fn to_k8s_name_replaces_only_underscores() {
        assert_eq!(to_k8s_name("web_api"), "web-api");
        assert_eq!(to_k8s_name("a__b_"), "a--b-");
        assert_eq!(to_k8s_name("Web.Api-1"), "Web.Api-1");
        assert_eq!(to_k8s_name(""), "");
        assert_eq!(to_k8s_name("café_au_lait"), "café-au-lait");
    }

    #[test]
    fn dns_label_valid() {
        for s in [
            "a",
            "0",
            "web",
            "web-api",
            "a--b",
            "123",
            "x1-2-y",
            &"a".repeat(63),
        ] {
            assert_eq!(validate_dns_label(s, 63), Ok(()), "{s}");
        }
        assert_eq!(validate_dns_label(&"a".repeat(52), 52), Ok(()));
    }

    #[test]
    fn dns_label_empty() {
        let e = err_at(validate_dns_label("", 63), "", 0..0);
        assert_eq!(e.message, "name cannot be empty");
        assert_eq!(e.help, None);
    }

    #[test]
    fn dns_label_uppercase() {
        let e = err_at(validate_dns_label("webApi", 63), "webApi", 3..4);
        assert_eq!(e.message, "name `webApi` must be lowercase");
        assert_eq!(e.help.as_deref(), Some("did you mean `webapi`?"));
    }

    #[test]
    fn dns_label_invalid_characters() {
        let e = err_at(validate_dns_label("web_api", 63), "web_api", 3..4);
        assert_eq!(
            e.message,
            "name `web_api` has invalid character `_`: only lowercase letters, digits and `-` are allowed"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `web-api`?"));

        let e = err_at(validate_dns_label("web.api", 63), "web.api", 3..4);
        assert_eq!(e.help.as_deref(), Some("did you mean `web-api`?"));

        let e = err_at(validate_dns_label("Hello World!", 63), "", 0..1);
        assert_eq!(e.help.as_deref(), Some("did you mean `hello-world`?"));
    }

    #[test]
    fn dns_label_multibyte() {
        let e = err_at(validate_dns_label("café", 63), "café", 3..5);
        assert_eq!(e.help.as_deref(), Some("did you mean `caf`?"));
        let e = err_at(validate_dns_label("日本", 63), "日本", 0..3);
        assert_eq!(e.help, None);
        err_at(validate_dns_label("a🦀b", 63), "a🦀b", 1..5);
    }

    #[test]
    fn dns_label_hyphen_ends() {
        let e = err_at(validate_dns_label("-web", 63), "-web", 0..1);
        assert_eq!(
            e.message,
            "name `-web` must start with a lowercase letter or digit"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `web`?"));
        let e = err_at(validate_dns_label("web-", 63), "web-", 3..4);
        assert_eq!(
            e.message,
            "name `web-` must end with a lowercase letter or digit"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `web`?"));
        let e = err_at(validate_dns_label("-", 63), "-", 0..1);
        assert_eq!(e.help, None);
    }

    #[test]
    fn dns_label_too_long() {
        let long = "a".repeat(64);
        let e = err_at(validate_dns_label(&long, 63), &long, 63..64);
        assert_eq!(
            e.message,
            format!("name `{long}` is 64 characters long, the limit is 63")
        );
        assert_eq!(e.help, Some(format!("did you mean `{}`?", "a".repeat(63))));

        // CronJob names: 52, and the truncated suggestion does not end in '-'.
        let name = format!("{}-{}", "a".repeat(51), "b".repeat(10));
        let e = err_at(validate_dns_label(&name, 52), &name, 52..62);
        assert_eq!(e.help, Some(format!("did you mean `{}`?", "a".repeat(51))));
    }

    #[test]
    fn dns_label_zero_max_len() {
        let e = err_at(validate_dns_label("a", 0), "a", 0..1);
        assert_eq!(e.help, None);
    }

    #[test]
    fn dns_subdomain_valid() {
        for s in [
            "a",
            "example.com",
            "my-config.v1",
            "a.b.c.d",
            "0.0",
            &"a".repeat(100), // labels are not limited to 63 here, like Kubernetes
            &["a"; 127].join("."),
        ] {
            assert_eq!(validate_dns_subdomain(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn dns_subdomain_errors() {
        let e = err_at(validate_dns_subdomain(""), "", 0..0);
        assert_eq!(e.message, "name cannot be empty");

        let e = err_at(validate_dns_subdomain("a..b"), "a..b", 2..3);
        assert_eq!(e.message, "name `a..b` has an empty part between dots");
        assert_eq!(e.help.as_deref(), Some("did you mean `a.b`?"));
        err_at(validate_dns_subdomain(".a"), ".a", 0..1);
        err_at(validate_dns_subdomain("a."), "a.", 1..2);
        err_at(validate_dns_subdomain("."), ".", 0..1);

        let e = err_at(validate_dns_subdomain("my.Config"), "my.Config", 3..4);
        assert_eq!(e.message, "name `my.Config` must be lowercase");
        assert_eq!(e.help.as_deref(), Some("did you mean `my.config`?"));

        let e = err_at(validate_dns_subdomain("a.-b"), "a.-b", 2..3);
        assert_eq!(
            e.message,
            "name `a.-b` must start with a lowercase letter or digit"
        );
        err_at(validate_dns_subdomain("a-.b"), "a-.b", 1..2);
        err_at(validate_dns_subdomain("a.b_c"), "a.b_c", 3..4);
        err_at(validate_dns_subdomain("a.é"), "a.é", 2..4);

        let long = ["abcdefghi"; 26].join(".");
        assert_eq!(long.len(), 259);
        let e = err_at(validate_dns_subdomain(&long), &long, 253..259);
        assert!(
            e.message
                .ends_with("is 259 characters long, the limit is 253")
        );
        let fixed = e.help.expect("help");
        assert!(fixed.starts_with("did you mean `abcdefghi."));
    }

    #[test]
    fn env_var_names() {
        for s in ["A", "_", "PATH", "my_var", "_X1", "lower", "A1_B2"] {
            assert_eq!(validate_env_var_name(s), Ok(()), "{s}");
        }
        let e = err_at(validate_env_var_name(""), "", 0..0);
        assert_eq!(e.message, "environment variable name cannot be empty");

        let e = err_at(validate_env_var_name("1X"), "1X", 0..1);
        assert_eq!(
            e.message,
            "environment variable name `1X` cannot start with a digit"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `_1X`?"));

        let e = err_at(validate_env_var_name("MY-VAR"), "MY-VAR", 2..3);
        assert_eq!(
            e.message,
            "environment variable name `MY-VAR` has invalid character `-`: only letters, digits and `_` are allowed"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `MY_VAR`?"));

        let e = err_at(validate_env_var_name("A B.C"), "A B.C", 1..2);
        assert_eq!(e.help.as_deref(), Some("did you mean `A_B_C`?"));
        let e = err_at(validate_env_var_name("ÜBER"), "ÜBER", 0..2);
        assert_eq!(e.help.as_deref(), Some("did you mean `_BER`?"));
        let e = err_at(validate_env_var_name("A\nB"), "A\nB", 1..2);
        assert!(e.message.contains("`\\n`"), "{}", e.message);
    }

    #[test]
    fn port_names_valid() {
        for s in [
            "http",
            "h",
            "http-metrics",
            "grpc2",
            "a1",
            "9p",
            &"a".repeat(15),
        ] {
            assert_eq!(validate_port_name(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn port_names_invalid() {
        let e = err_at(validate_port_name(""), "", 0..0);
        assert_eq!(e.message, "port name cannot be empty");

        let e = err_at(validate_port_name("http_metrics"), "http_metrics", 4..5);
        assert_eq!(e.help.as_deref(), Some("did you mean `http-metrics`?"));

        let e = err_at(validate_port_name("HTTP"), "HTTP", 0..1);
        assert_eq!(e.message, "port name `HTTP` must be lowercase");
        assert_eq!(e.help.as_deref(), Some("did you mean `http`?"));

        let e = err_at(validate_port_name("a--b"), "a--b", 1..3);
        assert_eq!(
            e.message,
            "port name `a--b` cannot contain consecutive hyphens"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `a-b`?"));

        err_at(validate_port_name("-http"), "-http", 0..1);
        err_at(validate_port_name("http-"), "http-", 4..5);

        let e = err_at(validate_port_name("8080"), "8080", 0..4);
        assert_eq!(
            e.message,
            "port name `8080` must contain at least one letter"
        );
        assert_eq!(e.help, None);

        let e = err_at(validate_port_name("prometheus-metrics"), "", 15..18);
        assert_eq!(
            e.message,
            "port name `prometheus-metrics` is 18 characters long, the limit is 15"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `prometheus-metr`?"));

        err_at(validate_port_name("hé"), "hé", 1..3);
    }

    #[test]
    fn label_values() {
        for s in ["", "a", "1.2.3", "v1_beta-2", "A.b_C-d", &"x".repeat(63)] {
            assert!(is_valid_label_value(s), "{s}");
            assert_eq!(validate_label_value(s), Ok(()));
        }
        for s in [
            "-a",
            "a-",
            ".a",
            "a_",
            "a b",
            "a/b",
            "é",
            &"x".repeat(64),
            "_",
        ] {
            assert!(!is_valid_label_value(s), "{s}");
        }
        let e = err_at(validate_label_value("v1 beta"), "v1 beta", 2..3);
        assert_eq!(e.help.as_deref(), Some("did you mean `v1-beta`?"));
        let e = err_at(validate_label_value("_v1"), "_v1", 0..1);
        assert_eq!(
            e.message,
            "label value `_v1` must start with a letter or digit"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `v1`?"));
        let long = "x".repeat(70);
        let e = err_at(validate_label_value(&long), &long, 63..70);
        assert_eq!(e.help, Some(format!("did you mean `{}`?", "x".repeat(63))));
    }

    #[test]
    fn label_keys_valid() {
        for s in [
            "app",
            "app.kubernetes.io/name",
            "example.com/My_Key.v1",
            "Tier",
            "a/b",
            "k8s.io/x",
            &"k".repeat(63),
            &format!("{}/{}", "p".repeat(253), "n".repeat(63)),
        ] {
            assert_eq!(validate_label_key(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn label_keys_invalid() {
        let e = err_at(validate_label_key(""), "", 0..0);
        assert_eq!(e.message, "label key cannot be empty");

        let e = err_at(validate_label_key("a/b/c"), "a/b/c", 3..4);
        assert_eq!(e.message, "label key `a/b/c` can contain at most one `/`");

        let e = err_at(validate_label_key("/name"), "/name", 0..1);
        assert_eq!(
            e.message,
            "label key `/name` has an empty prefix before `/`"
        );

        let e = err_at(validate_label_key("example.com/"), "example.com/", 11..12);
        assert_eq!(
            e.message,
            "label key `example.com/` has an empty name after `/`"
        );

        let e = err_at(validate_label_key("Example.com/name"), "", 0..1);
        assert_eq!(
            e.message,
            "label key prefix `Example.com` must be lowercase"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `example.com/name`?"));

        let e = err_at(validate_label_key("example..com/name"), "", 8..9);
        assert_eq!(e.help.as_deref(), Some("did you mean `example.com/name`?"));

        let e = err_at(validate_label_key("example.com/my key"), "", 14..15);
        assert_eq!(
            e.message,
            "label key `example.com/my key` has invalid character ` `: only letters, digits, `-`, `_` and `.` are allowed"
        );
        assert_eq!(
            e.help.as_deref(),
            Some("did you mean `example.com/my-key`?")
        );

        let e = err_at(validate_label_key("x/-a"), "x/-a", 2..3);
        assert_eq!(
            e.message,
            "label key `x/-a` must start with a letter or digit"
        );
        err_at(validate_label_key("a."), "a.", 1..2);
        err_at(validate_label_key("é/a"), "é/a", 0..2);
        err_at(validate_label_key("a/é"), "a/é", 2..4);

        let long = format!("x.io/{}", "n".repeat(64));
        let e = err_at(validate_label_key(&long), &long, 68..69);
        assert!(e.message.starts_with("name part of label key `x.io/n"));
        assert!(
            e.message
                .ends_with("is 64 characters long, the limit is 63")
        );

        let long_prefix = format!("{}/n", "p".repeat(254));
        err_at(validate_label_key(&long_prefix), &long_prefix, 253..254);
    }
}
