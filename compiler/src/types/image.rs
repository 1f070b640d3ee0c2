//! Container image references, parsed the way Docker and OCI registries parse them.
//!
//! A typo in an image (`ghcr.io/Acme/web`, `nginx:latest!`, a truncated digest) otherwise only
//! surfaces as `ErrImagePull` once the pod is scheduled. This module applies the grammar of
//! `github.com/distribution/reference` at compile time, points at the part that is wrong, and
//! gives the rest of the compiler structured access to the registry, tag and digest (for the
//! `app.kubernetes.io/version` label and the "image is not pinned" lint).
//!
//! References are kept as written: `nginx` stays `nginx` (not `docker.io/library/nginx`), so
//! [`ImageRef`]'s `Display` reproduces exactly the string that was parsed.

use std::fmt;

use super::names::{ValueError, char_range, is_valid_label_value};

/// The registry Docker uses when a reference names none.
const DEFAULT_REGISTRY: &str = "docker.io";
/// The longest name (registry and repository) the distribution grammar accepts.
const NAME_TOTAL_LENGTH_MAX: usize = 255;
/// The longest tag the distribution grammar accepts.
const TAG_MAX: usize = 128;

/// A parsed container image reference: `[registry/]repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The registry host with optional port (`ghcr.io`, `localhost:5000`), if one was written.
    pub registry: Option<String>,
    /// The slash-separated repository path (`acme/web`, `nginx`), always lowercase.
    pub repository: String,
    /// The tag (`2.3.1`), if one was written.
    pub tag: Option<String>,
    /// The digest (`sha256:…`), if one was written.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses and validates an image reference, reporting the offending bytes on error.
    ///
    /// The first path component is a registry when it contains `.` or `:` or is `localhost`;
    /// digests must be `sha256:` with 64 or `sha512:` with 128 lowercase hex digits.
    pub fn parse(s: &str) -> Result<ImageRef, ValueError> {
        if s.is_empty() {
            return Err(ValueError::new("image reference cannot be empty", 0..0));
        }
        if let Some(error) = whitespace_error(s) {
            return Err(error);
        }
        if let Some(scheme_end) = s.find("://") {
            return Err(scheme_error(s, scheme_end));
        }

        // Neither name nor tag may contain '@', and a tag cannot contain '/'.
        let (name_and_tag, digest_start) = match s.find('@') {
            Some(at) => (&s[..at], Some(at + 1)),
            None => (s, None),
        };
        let (name, tag_start) = match name_and_tag.rfind(':') {
            Some(colon) if !name_and_tag[colon + 1..].contains('/') => {
                (&name_and_tag[..colon], Some(colon + 1))
            }
            _ => (name_and_tag, None),
        };
        if name.is_empty() {
            return Err(ValueError::new(
                format!("image reference `{s}` has no repository name"),
                char_range(s, 0),
            ));
        }

        let (registry, repository, repository_start) = match name.find('/') {
            Some(slash) if is_registry(&name[..slash]) => {
                (Some(&name[..slash]), &name[slash + 1..], slash + 1)
            }
            _ => (None, name, 0),
        };
        if let Some(registry) = registry {
            check_registry(registry)?;
        }
        check_repository(s, repository, repository_start)?;
        if name.len() > NAME_TOTAL_LENGTH_MAX {
            return Err(ValueError::new(
                format!(
                    "image name is {} characters long, the limit is {NAME_TOTAL_LENGTH_MAX}",
                    name.len()
                ),
                NAME_TOTAL_LENGTH_MAX..name.len(),
            ));
        }

        let tag = match tag_start {
            Some(start) => {
                let tag = &name_and_tag[start..];
                check_tag(tag, start)?;
                Some(tag.to_string())
            }
            None => None,
        };
        let digest = match digest_start {
            Some(start) => {
                let digest = &s[start..];
                check_digest(s, digest, start)?;
                Some(digest.to_string())
            }
            None => None,
        };

        Ok(ImageRef {
            registry: registry.map(str::to_string),
            repository: repository.to_string(),
            tag,
            digest,
        })
    }

    /// The registry the image is pulled from: the one written, or `docker.io`.
    pub fn registry_or_default(&self) -> &str {
        self.registry.as_deref().unwrap_or(DEFAULT_REGISTRY)
    }

    /// Whether the reference names a digest, so it always pulls the same bytes.
    pub fn is_digest_pinned(&self) -> bool {
        self.digest.is_some()
    }

    /// Whether the reference floats: no digest, and no tag or the tag `latest`.
    pub fn is_unpinned(&self) -> bool {
        self.digest.is_none() && self.tag.as_deref().is_none_or(|tag| tag == "latest")
    }

    /// A value for the `app.kubernetes.io/version` label, from the tag: the tag itself when it is
    /// a valid label value (at most 63 characters of `[A-Za-z0-9._-]`, letter or digit at both
    /// ends). A tag may be 128 characters long and start or end with `_`, `.` or `-`; such a tag
    /// becomes its first characters (at most 54, letter or digit at both ends), `-` and eight hex
    /// digits of its SHA-256, so that two different tags never share a label (docs/decisions.md,
    /// "Version labels from any image tag"). `None` without a tag.
    pub fn label_version(&self) -> Option<String> {
        let tag = self.tag.as_deref().filter(|tag| !tag.is_empty())?;
        if is_valid_label_value(tag) {
            return Some(tag.to_string());
        }
        use sha2::{Digest, Sha256};
        let hash: String = Sha256::digest(tag.as_bytes())
            .iter()
            .take(4)
            .map(|b| format!("{b:02x}"))
            .collect();
        let not_alnum = |c: char| !c.is_ascii_alphanumeric();
        let start = tag.trim_start_matches(not_alnum);
        let prefix = start
            .get(..start.len().min(54))
            .unwrap_or("")
            .trim_end_matches(not_alnum);
        Some(if prefix.is_empty() {
            hash
        } else {
            format!("{prefix}-{hash}")
        })
    }
}

impl fmt::Display for ImageRef {
    /// Writes the reference exactly as it was parsed: `[registry/]repository[:tag][@digest]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(registry) = &self.registry {
            write!(f, "{registry}/")?;
        }
        f.write_str(&self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// `help` text proposing `candidate` as a whole reference, if it parses.
fn did_you_mean(candidate: &str) -> Option<String> {
    ImageRef::parse(candidate)
        .ok()
        .map(|_| format!("did you mean `{candidate}`?"))
}

fn whitespace_error(s: &str) -> Option<ValueError> {
    let (start, _) = s.char_indices().find(|&(_, c)| c.is_whitespace())?;
    let end = s[start..]
        .char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map_or(s.len(), |(i, _)| start + i);
    let error = ValueError::new(
        format!("image reference `{s}` contains whitespace"),
        start..end,
    );
    let trimmed = s.trim();
    let help = if trimmed != s && !trimmed.contains(char::is_whitespace) {
        did_you_mean(trimmed)
    } else if trimmed.split_whitespace().count() == 2 {
        // `nginx 1.25`: a space where the tag separator belongs.
        did_you_mean(&trimmed.split_whitespace().collect::<Vec<_>>().join(":"))
    } else {
        None
    };
    Some(match help {
        Some(help) => error.with_help(help),
        None => error.with_help("remove the whitespace"),
    })
}

fn scheme_error(s: &str, scheme_end: usize) -> ValueError {
    let prefix_end = scheme_end + "://".len();
    let prefix = &s[..prefix_end];
    let error = ValueError::new(
        format!("image reference `{s}` cannot have a URL scheme"),
        0..prefix_end,
    );
    match did_you_mean(&s[prefix_end..]) {
        Some(help) => error.with_help(help),
        None => error.with_help(format!("drop the `{prefix}` scheme")),
    }
}

/// Whether the first path component of a name is a registry host (Docker's rule).
fn is_registry(component: &str) -> bool {
    component.contains(['.', ':']) || component == "localhost"
}

/// Checks `host[:port]`, where host is a domain name, an IPv4 address or `[IPv6]`.
fn check_registry(registry: &str) -> Result<(), ValueError> {
    let (host_end, port_start) = if registry.starts_with('[') {
        let Some(close) = registry.find(']') else {
            return Err(ValueError::new(
                format!("registry `{registry}` has an unclosed `[`"),
                0..1,
            ));
        };
        let address = &registry[1..close];
        // The distribution grammar allows only hex digits and `:` (no embedded IPv4).
        let is_ipv6 = address.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
            && address.parse::<std::net::Ipv6Addr>().is_ok();
        if !is_ipv6 {
            return Err(ValueError::new(
                format!("registry `{registry}` has an invalid IPv6 address"),
                0..close + 1,
            ));
        }
        let rest = &registry[close + 1..];
        if !rest.is_empty() && !rest.starts_with(':') {
            return Err(ValueError::new(
                format!("registry `{registry}` has unexpected text after `]`"),
                close + 1..registry.len(),
            ));
        }
        (close + 1, (!rest.is_empty()).then_some(close + 2))
    } else {
        let host_end = registry.find(':').unwrap_or(registry.len());
        if host_end == 0 {
            return Err(ValueError::new(
                format!("registry `{registry}` has no host name before `:`"),
                0..1,
            ));
        }
        check_domain(registry, &registry[..host_end])?;
        (
            host_end,
            (host_end < registry.len()).then_some(host_end + 1),
        )
    };
    let Some(port_start) = port_start else {
        return Ok(());
    };
    let port = &registry[port_start..];
    if port.is_empty() {
        return Err(ValueError::new(
            format!("registry `{registry}` has an empty port after `:`"),
            host_end..port_start,
        ));
    }
    if !port.chars().all(|c| c.is_ascii_digit()) {
        return Err(ValueError::new(
            format!("registry port `{port}` must be a number"),
            port_start..registry.len(),
        ));
    }
    if port.parse::<u16>().is_err() {
        return Err(ValueError::new(
            format!("registry port `{port}` is out of range, the limit is 65535"),
            port_start..registry.len(),
        ));
    }
    Ok(())
}

/// Checks the dot-separated components of a registry host name (the start of `registry`).
fn check_domain(registry: &str, host: &str) -> Result<(), ValueError> {
    let mut offset = 0;
    for component in host.split('.') {
        if component.is_empty() {
            // Point at the dot that ends the empty part, or the one before it at the end.
            let range = if host[offset..].starts_with('.') {
                offset..offset + 1
            } else {
                offset.saturating_sub(1)..offset
            };
            return Err(ValueError::new(
                format!("registry `{registry}` has an empty part between dots"),
                range,
            ));
        }
        if let Some((i, c)) = component
            .char_indices()
            .find(|&(_, c)| !c.is_ascii_alphanumeric() && c != '-')
        {
            let range = char_range(component, i);
            return Err(ValueError::new(
                format!(
                    "registry `{registry}` has invalid character `{}`",
                    c.escape_debug()
                ),
                range.start + offset..range.end + offset,
            )
            .with_help("registry host names may contain only letters, digits, `-` and `.`"));
        }
        if component.starts_with('-') || component.ends_with('-') {
            let at = if component.starts_with('-') {
                offset
            } else {
                offset + component.len() - 1
            };
            return Err(ValueError::new(
                format!("registry `{registry}` has a part that starts or ends with `-`"),
                at..at + 1,
            ));
        }
        offset += component.len() + 1;
    }
    Ok(())
}

fn is_repository_separator(c: char) -> bool {
    matches!(c, '.' | '_' | '-')
}

/// Checks the repository path, which starts at byte `start` of the whole reference `s`.
fn check_repository(s: &str, repository: &str, start: usize) -> Result<(), ValueError> {
    if repository.contains(|c: char| c.is_ascii_uppercase()) {
        let error = ValueError::new(
            format!("repository `{repository}` must be lowercase"),
            start..start + repository.len(),
        );
        // ASCII lowercasing keeps every byte offset, so the rest of `s` can be reused as is.
        let candidate = format!(
            "{}{}{}",
            &s[..start],
            repository.to_ascii_lowercase(),
            &s[start + repository.len()..]
        );
        return Err(match did_you_mean(&candidate) {
            Some(help) => error.with_help(help),
            None => error,
        });
    }
    if repository.is_empty() {
        return Err(ValueError::new(
            format!("image reference `{s}` has no repository name"),
            start.saturating_sub(1)..start,
        ));
    }
    let mut offset = start;
    for component in repository.split('/') {
        check_path_component(s, repository, component, offset)?;
        offset += component.len() + 1;
    }
    Ok(())
}

/// Checks one path component: `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`, at byte `offset`.
fn check_path_component(
    s: &str,
    repository: &str,
    component: &str,
    offset: usize,
) -> Result<(), ValueError> {
    if component.is_empty() {
        let range = if offset < s.len() && s[offset..].starts_with('/') {
            offset..offset + 1
        } else {
            offset.saturating_sub(1)..offset
        };
        return Err(ValueError::new(
            format!("repository `{repository}` has an empty path component"),
            range,
        ));
    }
    if let Some((i, c)) = component.char_indices().find(|&(_, c)| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || is_repository_separator(c))
    }) {
        let range = char_range(component, i);
        return Err(ValueError::new(
            format!(
                "repository `{repository}` has invalid character `{}`",
                c.escape_debug()
            ),
            range.start + offset..range.end + offset,
        )
        .with_help(
            "repository names may contain only lowercase letters, digits, `.`, `_`, `__` and `-`",
        ));
    }
    if component.starts_with(is_repository_separator)
        || component.ends_with(is_repository_separator)
    {
        let at = if component.starts_with(is_repository_separator) {
            offset
        } else {
            offset + component.len() - 1
        };
        return Err(ValueError::new(
            format!(
                "repository path component `{component}` must start and end with a lowercase letter or digit"
            ),
            at..at + 1,
        ));
    }
    // Every run of separators between alphanumerics must be `.`, `_`, `__` or `-`+.
    let bytes = component.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !is_repository_separator(char::from(bytes[i])) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < bytes.len() && is_repository_separator(char::from(bytes[i])) {
            i += 1;
        }
        let run = &component[run_start..i];
        let valid = matches!(run, "." | "_" | "__") || run.bytes().all(|b| b == b'-');
        if !valid {
            return Err(ValueError::new(
                format!("repository path component `{component}` has invalid separator `{run}`"),
                offset + run_start..offset + i,
            )
            .with_help("separate words with one `.`, one `_`, two `__` or any number of `-`"));
        }
    }
    Ok(())
}

/// Checks a tag (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`), which starts at byte `start`.
fn check_tag(tag: &str, start: usize) -> Result<(), ValueError> {
    if tag.is_empty() {
        return Err(ValueError::new(
            "tag is empty after `:`",
            start.saturating_sub(1)..start,
        ));
    }
    let is_tag_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    if let Some((i, c)) = tag.char_indices().find(|&(_, c)| !is_tag_char(c)) {
        let range = char_range(tag, i);
        return Err(ValueError::new(
            format!("tag `{tag}` has invalid character `{}`", c.escape_debug()),
            range.start + start..range.end + start,
        )
        .with_help("tags may contain only letters, digits, `_`, `.` and `-`"));
    }
    if tag.starts_with(['.', '-']) {
        return Err(ValueError::new(
            format!("tag `{tag}` must start with a letter, digit or `_`"),
            start..start + 1,
        ));
    }
    if tag.len() > TAG_MAX {
        return Err(ValueError::new(
            format!(
                "tag is {} characters long, the limit is {TAG_MAX}",
                tag.len()
            ),
            start + TAG_MAX..start + tag.len(),
        ));
    }
    Ok(())
}

/// Checks a digest (`sha256:<64 hex>` or `sha512:<128 hex>`), which starts at byte `start`.
fn check_digest(s: &str, digest: &str, start: usize) -> Result<(), ValueError> {
    let end = start + digest.len();
    if digest.is_empty() {
        return Err(ValueError::new(
            "digest is empty after `@`",
            start.saturating_sub(1)..start,
        ));
    }
    let Some(colon) = digest.find(':') else {
        return Err(ValueError::new(
            format!("digest `{digest}` must have the form `algorithm:hex`"),
            start..end,
        )
        .with_help("write `sha256:` followed by 64 hex digits"));
    };
    let algorithm = &digest[..colon];
    let hex = &digest[colon + 1..];
    let hex_start = start + colon + 1;
    if algorithm.is_empty() {
        return Err(ValueError::new(
            format!("digest `{digest}` has no algorithm before `:`"),
            start..start + 1,
        )
        .with_help("write `sha256:` followed by 64 hex digits"));
    }
    let expected_len = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        _ => {
            let lower = algorithm.to_ascii_lowercase();
            let help = if lower == "sha256" || lower == "sha512" {
                format!("write `{lower}`")
            } else {
                "use `sha256` or `sha512`".to_string()
            };
            return Err(ValueError::new(
                format!("unsupported digest algorithm `{algorithm}`"),
                start..start + colon,
            )
            .with_help(help));
        }
    };
    if let Some((i, c)) = hex.char_indices().find(|&(_, c)| !c.is_ascii_hexdigit()) {
        let range = char_range(hex, i);
        return Err(ValueError::new(
            format!(
                "digest has invalid character `{}`: expected hex digits",
                c.escape_debug()
            ),
            range.start + hex_start..range.end + hex_start,
        ));
    }
    if hex.len() != expected_len {
        let range = if hex.is_empty() {
            hex_start - 1..hex_start
        } else {
            hex_start..end
        };
        return Err(ValueError::new(
            format!(
                "{algorithm} digest must have {expected_len} hex digits, found {}",
                hex.len()
            ),
            range,
        ));
    }
    if hex.contains(|c: char| c.is_ascii_uppercase()) {
        let error = ValueError::new("digest hex digits must be lowercase", hex_start..end);
        let candidate = format!("{}{}", &s[..hex_start], hex.to_ascii_lowercase());
        return Err(match did_you_mean(&candidate) {
            Some(help) => error.with_help(help),
            None => error,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    const SHA256: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn sha512() -> String {
        format!("sha512:{}", "ab".repeat(64))
    }

    #[track_caller]
    fn ok(s: &str) -> ImageRef {
        match ImageRef::parse(s) {
            Ok(image) => {
                assert_eq!(image.to_string(), s, "display must round-trip");
                image
            }
            Err(error) => panic!("{s:?} should parse: {error:?}"),
        }
    }

    #[track_caller]
    fn err(s: &str, range: Range<usize>) -> ValueError {
        let error = ImageRef::parse(s).expect_err("expected an error");
        assert_eq!(error.range, range, "wrong range for {s:?}: {error:?}");
        error
    }

    fn parts(s: &str) -> (Option<String>, String, Option<String>, Option<String>) {
        let image = ok(s);
        (image.registry, image.repository, image.tag, image.digest)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn splits_registry_repository_tag_and_digest() {
        assert_eq!(parts("nginx"), (None, "nginx".into(), None, None));
        assert_eq!(
            parts("nginx:1.25"),
            (None, "nginx".into(), some("1.25"), None)
        );
        assert_eq!(
            parts("library/nginx"),
            (None, "library/nginx".into(), None, None)
        );
        assert_eq!(
            parts("ghcr.io/acme/web:2.3.1"),
            (some("ghcr.io"), "acme/web".into(), some("2.3.1"), None)
        );
        assert_eq!(
            parts("localhost:5000/web"),
            (some("localhost:5000"), "web".into(), None, None)
        );
        assert_eq!(
            parts("localhost/web:dev"),
            (some("localhost"), "web".into(), some("dev"), None)
        );
        assert_eq!(
            parts("registry:5000/team/app"),
            (some("registry:5000"), "team/app".into(), None, None)
        );
        assert_eq!(
            parts("[::1]:5000/web:v1"),
            (some("[::1]:5000"), "web".into(), some("v1"), None)
        );
        assert_eq!(
            parts("[fe80::1]/web"),
            (some("[fe80::1]"), "web".into(), None, None)
        );
        assert_eq!(
            parts("10.0.0.1:443/a/b/c"),
            (some("10.0.0.1:443"), "a/b/c".into(), None, None)
        );
        assert_eq!(
            parts(&format!("nginx@{SHA256}")),
            (None, "nginx".into(), None, some(SHA256))
        );
        assert_eq!(
            parts(&format!("ghcr.io/acme/web:2.3.1@{SHA256}")),
            (
                some("ghcr.io"),
                "acme/web".into(),
                some("2.3.1"),
                some(SHA256)
            )
        );
        let sha512 = sha512();
        assert_eq!(
            parts(&format!("web@{sha512}")),
            (None, "web".into(), None, Some(sha512))
        );
    }

    #[test]
    fn first_component_without_dot_colon_or_localhost_is_not_a_registry() {
        assert_eq!(parts("acme/web"), (None, "acme/web".into(), None, None));
        assert_eq!(
            parts("localhostx/web"),
            (None, "localhostx/web".into(), None, None)
        );
        // A lone host-looking name is a repository, as Docker reads it.
        assert_eq!(parts("ghcr.io"), (None, "ghcr.io".into(), None, None));
        assert_eq!(parts("localhost"), (None, "localhost".into(), None, None));
        // `name:port` with nothing after it is a name and a tag.
        assert_eq!(
            parts("localhost:5000"),
            (None, "localhost".into(), some("5000"), None)
        );
    }

    #[test]
    fn repository_separators() {
        for s in [
            "a.b",
            "a_b",
            "a__b",
            "a-b",
            "a---b",
            "a.b_c__d-e--f",
            "a0/b1/c2",
            "0",
        ] {
            ok(s);
        }
        let e = err("a___b", 1..4);
        assert_eq!(
            e.message,
            "repository path component `a___b` has invalid separator `___`"
        );
        err("a..b", 1..3);
        err("acme/a.-b", 6..8);
        err("a-_b", 1..3);
        let e = err("acme/-web", 5..6);
        assert_eq!(
            e.message,
            "repository path component `-web` must start and end with a lowercase letter or digit"
        );
        err("acme/web.", 8..9);
        err("ghcr.io/acme/_web", 13..14);
    }

    #[test]
    fn registry_or_default() {
        assert_eq!(ok("nginx").registry_or_default(), "docker.io");
        assert_eq!(ok("acme/web").registry_or_default(), "docker.io");
        assert_eq!(ok("ghcr.io/acme/web").registry_or_default(), "ghcr.io");
        assert_eq!(
            ok("localhost:5000/web").registry_or_default(),
            "localhost:5000"
        );
    }

    #[test]
    fn pinning() {
        let digest = ok(&format!("nginx@{SHA256}"));
        assert!(digest.is_digest_pinned());
        assert!(!digest.is_unpinned());

        let both = ok(&format!("nginx:latest@{SHA256}"));
        assert!(both.is_digest_pinned());
        assert!(!both.is_unpinned());

        assert!(ok("nginx").is_unpinned());
        assert!(ok("nginx:latest").is_unpinned());
        assert!(!ok("nginx").is_digest_pinned());
        assert!(!ok("nginx:1.25").is_unpinned());
        assert!(!ok("nginx:Latest").is_unpinned());
    }

    #[test]
    fn label_version() {
        assert_eq!(ok("nginx:1.25.3").label_version(), some("1.25.3"));
        assert_eq!(ok("web:v2_rc-1").label_version(), some("v2_rc-1"));
        assert_eq!(ok("nginx").label_version(), None);
        assert_eq!(ok(&format!("nginx@{SHA256}")).label_version(), None);
        assert_eq!(
            ok(&format!("nginx:1.0@{SHA256}")).label_version(),
            some("1.0")
        );
        // Valid tags that are not valid label values: a prefix and a hash of the whole tag.
        let sanitised = |tag: &str| ok(&format!("web:{tag}")).label_version().expect("a tag");
        for tag in [
            "_internal",
            "1.0-",
            "1.0.",
            "_",
            "__",
            &"1".repeat(64),
            &"a.".repeat(64),
        ] {
            let label = sanitised(tag);
            assert!(is_valid_label_value(&label), "{tag} -> {label}");
            assert!(label.len() <= 63, "{tag} -> {label}");
        }
        assert!(sanitised("_internal").starts_with("internal-"));
        assert!(sanitised("1.0-").starts_with("1.0-"));
        assert_ne!(sanitised("1.0-"), sanitised("1.0."));
        assert_ne!(sanitised("1.0-"), "1.0");
        assert_eq!(sanitised("_").len(), 8);
        let long = "1".repeat(64);
        assert_eq!(sanitised(&long).len(), 63);
        assert_ne!(sanitised(&long), sanitised(&"1".repeat(65)));
        let max = "1".repeat(63);
        assert_eq!(ok(&format!("web:{max}")).label_version(), Some(max));
    }

    #[test]
    fn empty_and_missing_parts() {
        let e = err("", 0..0);
        assert_eq!(e.message, "image reference cannot be empty");
        let e = err(":latest", 0..1);
        assert_eq!(
            e.message,
            "image reference `:latest` has no repository name"
        );
        err(&format!("@{SHA256}"), 0..1);
        let e = err("nginx:", 5..6);
        assert_eq!(e.message, "tag is empty after `:`");
        let e = err("nginx@", 5..6);
        assert_eq!(e.message, "digest is empty after `@`");
        let e = err("ghcr.io/", 7..8);
        assert_eq!(
            e.message,
            "image reference `ghcr.io/` has no repository name"
        );
        let e = err("acme//web", 5..6);
        assert_eq!(
            e.message,
            "repository `acme//web` has an empty path component"
        );
        err("acme//web", 5..6);
        err("acme/web/", 8..9);
        err("/web", 0..1);
        err("ghcr.io//web", 8..9);
    }

    #[test]
    fn whitespace() {
        let e = err(" nginx", 0..1);
        assert_eq!(e.message, "image reference ` nginx` contains whitespace");
        assert_eq!(e.help.as_deref(), Some("did you mean `nginx`?"));
        let e = err("nginx:1.25  \n", 10..13);
        assert_eq!(e.help.as_deref(), Some("did you mean `nginx:1.25`?"));
        let e = err("nginx 1.25", 5..6);
        assert_eq!(e.help.as_deref(), Some("did you mean `nginx:1.25`?"));
        let e = err("a b c", 1..2);
        assert_eq!(e.help.as_deref(), Some("remove the whitespace"));
        err("nginx\u{3000}x", 5..8);
    }

    #[test]
    fn url_schemes() {
        let e = err("https://ghcr.io/acme/web:2.3.1", 0..8);
        assert_eq!(
            e.message,
            "image reference `https://ghcr.io/acme/web:2.3.1` cannot have a URL scheme"
        );
        assert_eq!(
            e.help.as_deref(),
            Some("did you mean `ghcr.io/acme/web:2.3.1`?")
        );
        let e = err("docker://Nginx", 0..9);
        assert_eq!(e.help.as_deref(), Some("drop the `docker://` scheme"));
        err("://x", 0..3);
    }

    #[test]
    fn uppercase_repository() {
        let e = err("ghcr.io/Acme/Web:2.3.1", 8..16);
        assert_eq!(e.message, "repository `Acme/Web` must be lowercase");
        assert_eq!(
            e.help.as_deref(),
            Some("did you mean `ghcr.io/acme/web:2.3.1`?")
        );
        let e = err("Nginx", 0..5);
        assert_eq!(e.help.as_deref(), Some("did you mean `nginx`?"));
        // The lowercased form would still be invalid, so there is no suggestion.
        let e = err("Web!:1", 0..4);
        assert_eq!(e.help, None);
        // Registry host names are case-insensitive and may be written in uppercase.
        assert_eq!(ok("GHCR.io/acme/web").registry.as_deref(), Some("GHCR.io"));
    }

    #[test]
    fn invalid_repository_characters() {
        let e = err("acme/we$b", 7..8);
        assert_eq!(
            e.message,
            "repository `acme/we$b` has invalid character `$`"
        );
        err("nginx:1.2:3", 5..6);
        err("café", 3..5);
        err("ghcr.io/acme/日本", 13..16);
        err("web🦀:1", 3..7);
    }

    #[test]
    fn registries() {
        ok("my-registry.example.com/web");
        ok("a.b:1/web");
        ok("[2001:db8::1]:65535/web");
        let e = err("ghcr..io/web", 5..6);
        assert_eq!(
            e.message,
            "registry `ghcr..io` has an empty part between dots"
        );
        err(".ghcr.io/web", 0..1);
        err("ghcr.:5000/web", 4..5);
        err("ghcr./web", 4..5);
        let e = err("gh_cr.io/web", 2..3);
        assert_eq!(e.message, "registry `gh_cr.io` has invalid character `_`");
        err("-ghcr.io/web", 0..1);
        err("ghcr-.io/web", 4..5);
        let e = err("localhost:/web", 9..10);
        assert_eq!(
            e.message,
            "registry `localhost:` has an empty port after `:`"
        );
        let e = err("localhost:50a0/web", 10..14);
        assert_eq!(e.message, "registry port `50a0` must be a number");
        let e = err("localhost:99999/web", 10..15);
        assert_eq!(
            e.message,
            "registry port `99999` is out of range, the limit is 65535"
        );
        err("host:1:2/web", 5..8);
        err("[::1/web", 0..1);
        // Without `.` or `:` the first component is part of the repository.
        err("[]/web", 0..1);
        err("[:]/web", 0..3);
        err("[1:2]/web", 0..5);
        err("[::ffff:10.0.0.1]:80/web", 0..17);
        let e = err(":5000/web", 0..1);
        assert_eq!(e.message, "registry `:5000` has no host name before `:`");
        err("[::g]/web", 0..5);
        err("[::1]x:1/web", 5..8);
        err("[::1]:/web", 5..6);
        err("regé.io/web", 3..5);
    }

    #[test]
    fn tags() {
        ok("web:_x");
        ok("web:A-Z.a_z-0");
        ok(&format!("web:{}", "t".repeat(128)));
        let e = err("web:Latest!", 10..11);
        assert_eq!(e.message, "tag `Latest!` has invalid character `!`");
        let e = err("web:.1", 4..5);
        assert_eq!(e.message, "tag `.1` must start with a letter, digit or `_`");
        err("web:-1", 4..5);
        err("web:1+build", 5..6);
        err("web:vé", 5..7);
        let long = format!("web:{}", "t".repeat(130));
        let e = err(&long, 132..134);
        assert_eq!(e.message, "tag is 130 characters long, the limit is 128");
    }

    #[test]
    fn digests() {
        let e = err("web@sha256", 4..10);
        assert_eq!(
            e.message,
            "digest `sha256` must have the form `algorithm:hex`"
        );
        let e = err("web@md5:d41d8cd98f00b204e9800998ecf8427e", 4..7);
        assert_eq!(e.message, "unsupported digest algorithm `md5`");
        assert_eq!(e.help.as_deref(), Some("use `sha256` or `sha512`"));
        let e = err(&format!("web@SHA256:{}", "a".repeat(64)), 4..10);
        assert_eq!(e.help.as_deref(), Some("write `sha256`"));
        err(&format!("web@sha384:{}", "a".repeat(96)), 4..10);
        let e = err("web@:abc", 4..5);
        assert_eq!(e.message, "digest `:abc` has no algorithm before `:`");

        let e = err(&format!("web@sha256:{}", "a".repeat(63)), 11..74);
        assert_eq!(e.message, "sha256 digest must have 64 hex digits, found 63");
        err(&format!("web@sha256:{}", "a".repeat(65)), 11..76);
        err(&format!("web@sha512:{}", "a".repeat(64)), 11..75);
        let e = err("web@sha256:", 10..11);
        assert_eq!(e.message, "sha256 digest must have 64 hex digits, found 0");

        let e = err(&format!("web@sha256:{}g", "a".repeat(63)), 74..75);
        assert_eq!(
            e.message,
            "digest has invalid character `g`: expected hex digits"
        );
        err(&format!("web@sha256:{}é", "a".repeat(63)), 74..76);
        err(&format!("web@{SHA256}@x"), 75..76);
        err(&format!("web@{SHA256}:tag"), 75..76);

        let upper = format!("web:1@sha256:{}", "A".repeat(64));
        let e = err(&upper, 13..77);
        assert_eq!(e.message, "digest hex digits must be lowercase");
        assert_eq!(
            e.help,
            Some(format!("did you mean `web:1@sha256:{}`?", "a".repeat(64)))
        );
    }

    #[test]
    fn name_length_limit() {
        let repo = format!("ghcr.io/{}", "a".repeat(247));
        assert_eq!(repo.len(), 255);
        ok(&repo);
        ok(&format!("{repo}:{}", "t".repeat(128)));
        let too_long = format!("ghcr.io/{}:v1", "a".repeat(248));
        let e = err(&too_long, 255..256);
        assert_eq!(
            e.message,
            "image name is 256 characters long, the limit is 255"
        );
    }

    #[test]
    fn no_panics_on_awkward_input() {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "0",
            "-",
            "_",
            ".",
            "/",
            ":",
            "@",
            "[",
            "]",
            " ",
            "é",
            "日本",
            "🦀",
            "sha256:",
            "://",
            "localhost",
            "__",
            "f",
        ];
        for s in crate::types::test_support::piece_strings(PIECES, 14, 400, 0x9e37_79b9_7f4a_7c15) {
            match ImageRef::parse(&s) {
                Ok(image) => assert_eq!(image.to_string(), s),
                Err(e) => {
                    crate::types::test_support::assert_sane(&s, &e);
                    if let Some(fixed) = e
                        .help
                        .as_deref()
                        .and_then(|h| h.strip_prefix("did you mean `"))
                        .and_then(|h| h.strip_suffix("`?"))
                    {
                        assert!(ImageRef::parse(fixed).is_ok(), "{s:?} -> {fixed:?}");
                    }
                }
            }
        }
    }
}
