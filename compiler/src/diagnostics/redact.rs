//! No diagnostic prints a secret. Before any rendering (human, JSON, GitHub), the diagnostics'
//! own words — message, labels, notes, help, suggested replacements — lose every value the secret
//! detector flags: those a secret diagnostic (E0015) points at, whatever other diagnostic
//! quotes them (an invalid label value, a host), and every token, private key or URL password
//! by its shape. The source excerpts of the human rendering are masked the same way, byte for
//! byte (`*`), so every span and position stays where it was.

use super::{Code, Diagnostic, SourceLookup};
use crate::secret_detect::shaped_ranges;
use std::collections::BTreeMap;
use std::ops::Range;

/// What replaces a secret in a diagnostic's words.
pub const REDACTED: &str = "[redacted]";

/// The secrets of a set of diagnostics, found once for all of them; any diagnostic can then be
/// redacted by them (the language server's code actions carry the diagnostic they fix).
pub struct Redaction {
    /// The values secret diagnostics point at, longest first.
    values: Vec<String>,
    /// Each file's text with its secrets masked.
    pub(crate) masked: BTreeMap<String, String>,
}

impl Redaction {
    /// Reads the files the diagnostics point into and finds their secrets.
    pub fn new(diagnostics: &[Diagnostic], sources: &dyn SourceLookup) -> Redaction {
        let mut texts: BTreeMap<String, String> = BTreeMap::new();
        for diagnostic in diagnostics {
            for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
                if !texts.contains_key(&label.file) {
                    let text = sources.source_text(&label.file).unwrap_or_default();
                    texts.insert(label.file.clone(), text);
                }
            }
        }
        let mut values: Vec<String> = Vec::new();
        let mut spans: BTreeMap<&str, Vec<Range<usize>>> = BTreeMap::new();
        for diagnostic in diagnostics.iter().filter(|d| d.code == Code::LiteralSecret) {
            let label = &diagnostic.primary;
            let Some(text) = texts.get(&label.file) else {
                continue;
            };
            let range = on_char_boundaries(text, label.span.range());
            // A literal is a string; a secret diagnostic on anything else (a `secret` reference
            // where none may be) points at no value.
            if !text[range.clone()].starts_with('"') {
                continue;
            }
            let value = text[range.clone()].trim_matches('"');
            values.extend(
                value
                    .lines()
                    .map(str::trim)
                    .filter(|line| line.len() >= 4)
                    .map(str::to_string),
            );
            spans.entry(label.file.as_str()).or_default().push(range);
        }
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        // Only the lines a label touches are shown: only they are scanned (a 100 MB file with
        // one diagnostic costs its lines, not the file).
        let mut shown: BTreeMap<&str, Vec<Range<usize>>> = BTreeMap::new();
        for diagnostic in diagnostics {
            for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
                if let Some(text) = texts.get(&label.file) {
                    let range = on_char_boundaries(text, label.span.range());
                    let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                    let end = text[range.end..]
                        .find('\n')
                        .map_or(text.len(), |i| range.end + i);
                    shown
                        .entry(label.file.as_str())
                        .or_default()
                        .push(start..end);
                }
            }
        }
        let masked = texts
            .iter()
            .map(|(file, text)| {
                let mut ranges = spans.get(file.as_str()).cloned().unwrap_or_default();
                let mut lines = shown.get(file.as_str()).cloned().unwrap_or_default();
                lines.sort_by_key(|r| r.start);
                lines.dedup();
                for region in lines {
                    let found = shaped_ranges(&text[region.clone()]);
                    ranges.extend(
                        found
                            .into_iter()
                            .map(|r| r.start + region.start..r.end + region.start),
                    );
                }
                (file.clone(), mask(text, &ranges))
            })
            .collect();
        Redaction { values, masked }
    }

    /// The diagnostic with every secret in its words replaced by [`REDACTED`].
    pub fn diagnostic(&self, diagnostic: &Diagnostic) -> Diagnostic {
        let mut out = diagnostic.clone();
        out.message = self.text(&out.message);
        for label in std::iter::once(&mut out.primary).chain(out.secondary.iter_mut()) {
            label.message = label.message.as_deref().map(|m| self.text(m));
        }
        for note in &mut out.notes {
            *note = self.text(note);
        }
        out.help = out.help.as_deref().map(|h| self.text(h));
        for suggestion in &mut out.suggestions {
            suggestion.replacement = self.text(&suggestion.replacement);
        }
        out
    }

    /// Every diagnostic, redacted.
    pub fn diagnostics(&self, diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
        diagnostics.iter().map(|d| self.diagnostic(d)).collect()
    }

    fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), REDACTED);
            }
        }
        let mut ranges = shaped_ranges(&out);
        ranges.sort_by_key(|r| std::cmp::Reverse(r.start));
        let mut last_start = usize::MAX;
        for range in ranges {
            if range.end <= last_start {
                out.replace_range(range.clone(), REDACTED);
                last_start = range.start;
            }
        }
        out
    }
}

/// `diagnostics` with every value the secret detector flags replaced by [`REDACTED`] in their
/// words (message, labels, notes, help, suggested replacements), for a client that renders
/// diagnostics itself — the language server — as the renderers here do before printing.
pub fn redact_all(diagnostics: &[Diagnostic], sources: &dyn SourceLookup) -> Vec<Diagnostic> {
    Redaction::new(diagnostics, sources).diagnostics(diagnostics)
}

impl SourceLookup for Redaction {
    fn source_text(&self, file: &str) -> Option<String> {
        self.masked.get(file).cloned()
    }
}

/// `text` with the bytes of `ranges` replaced by `*` (line breaks and quotes kept), so that every
/// byte offset into it is still valid.
fn mask(text: &str, ranges: &[Range<usize>]) -> String {
    if ranges.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        let range = on_char_boundaries(text, range.clone());
        for byte in &mut bytes[range] {
            if !matches!(*byte, b'\n' | b'\r' | b'"') {
                *byte = b'*';
            }
        }
    }
    // Only whole characters were replaced, by ASCII: still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// `range` widened to whole characters of `text` and clamped to it: what a span from any source
/// (a label, a fuzzer) may safely slice.
pub(super) fn on_char_boundaries(text: &str, range: Range<usize>) -> Range<usize> {
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::{Redaction, mask};
    use crate::diagnostics::{Code, Diagnostic};
    use k8sc_grammar::Span;
    use std::collections::BTreeMap;

    #[test]
    fn a_secret_diagnostics_value_is_redacted_from_every_other_diagnostic() {
        let source = "labels { db-password: \"hunter2!!x\" }\n".to_string();
        let start = source.find('"').unwrap_or(0);
        let span = Span::new(start, start + 12);
        let sources: BTreeMap<String, String> = [("a.k8s".to_string(), source)].into();
        let diagnostics = vec![
            Diagnostic::new(Code::LiteralSecret, "label holds a secret", "a.k8s", span),
            Diagnostic::new(
                Code::InvalidName,
                "invalid label value `hunter2!!x`",
                "a.k8s",
                span,
            ),
        ];
        let redaction = Redaction::new(&diagnostics, &sources);
        let redacted = redaction.diagnostics(&diagnostics);
        assert_eq!(redacted[1].message, "invalid label value `[redacted]`");
        assert!(!redaction.masked["a.k8s"].contains("hunter2"));
        assert_eq!(redaction.masked["a.k8s"].len(), sources["a.k8s"].len());
    }

    #[test]
    fn masking_keeps_every_offset() {
        let range = 2..12;
        assert_eq!(
            mask("a \"é-secret\"\nb", std::slice::from_ref(&range)),
            "a \"*********\"\nb"
        );
    }
}
