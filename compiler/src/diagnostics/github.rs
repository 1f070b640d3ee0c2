//! Diagnostics as GitHub Actions workflow commands, for `k8sc check --format github`: one
//! `::error` or `::warning` line per diagnostic, which the runner turns into an annotation on the
//! offending line of the pull request.
//!
//! Escaping follows GitHub's toolkit (`@actions/core`, `command.ts`): in the message `%`, `\r` and
//! `\n` become `%25`, `%0D` and `%0A`; in properties `:` and `,` also become `%3A` and `%2C`.
//! Columns are only sent when the annotation starts and ends on the same line, as GitHub requires.

use super::escape::escape_controls;
use super::json::line_column;
use super::positions::Positions;
use super::redact::Redaction;
use super::{Diagnostic, Label, Severity, SourceLookup};
use std::collections::BTreeMap;

/// Renders every diagnostic as one workflow-command line. `file_prefix` (for example
/// `deploy/app/`) is put before each file path so paths are relative to the repository root, where
/// GitHub expects them; files of the embedded standard library get no location.
pub fn to_github(
    diagnostics: &[Diagnostic],
    sources: &dyn SourceLookup,
    file_prefix: &str,
) -> String {
    // No secret is printed (see `redact`).
    let redaction = Redaction::new(diagnostics, sources);
    // Each file read and its lines indexed once, not for every label.
    let sources = &Positions::of_files(diagnostics, sources);
    let mut out = String::new();
    for diagnostic in &redaction.diagnostics(diagnostics) {
        out.push_str(&command(diagnostic, sources, file_prefix));
        out.push('\n');
    }
    out
}

fn command(
    diagnostic: &Diagnostic,
    sources: &BTreeMap<String, Positions>,
    file_prefix: &str,
) -> String {
    let name = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties: Vec<(&str, String)> = Vec::new();
    let primary = &diagnostic.primary;
    if !is_stdlib(&primary.file) {
        let (line, column, end_line, end_column) = position(primary, sources);
        properties.push(("file", format!("{file_prefix}{}", primary.file)));
        properties.push(("line", line.to_string()));
        if line == end_line {
            properties.push(("col", column.to_string()));
            properties.push(("endLine", end_line.to_string()));
            properties.push(("endColumn", end_column.to_string()));
        } else {
            properties.push(("endLine", end_line.to_string()));
        }
    }
    properties.push(("title", diagnostic.code.as_str().to_string()));
    let properties: Vec<String> = properties
        .into_iter()
        .map(|(key, value)| format!("{key}={}", escape_property(&escape_controls(&value))))
        .collect();
    // A runner's log is a terminal too: control characters of the user's text are escaped.
    let message = message(diagnostic, sources, file_prefix);
    format!(
        "::{name} {}::{}",
        properties.join(","),
        escape_data(&escape_controls(&message))
    )
}

/// The annotation's text: the headline, then the primary label, related places, notes and help,
/// one per line.
fn message(
    diagnostic: &Diagnostic,
    sources: &BTreeMap<String, Positions>,
    file_prefix: &str,
) -> String {
    let mut lines = vec![diagnostic.message.clone()];
    if let Some(label) = &diagnostic.primary.message {
        lines.push(label.clone());
    }
    for label in &diagnostic.secondary {
        let (line, column, _, _) = position(label, sources);
        let prefix = if is_stdlib(&label.file) {
            ""
        } else {
            file_prefix
        };
        let place = format!("{prefix}{}:{line}:{column}", label.file);
        lines.push(match &label.message {
            Some(message) => format!("{message} ({place})"),
            None => format!("see {place}"),
        });
    }
    lines.extend(diagnostic.notes.iter().map(|note| format!("note: {note}")));
    if let Some(help) = &diagnostic.help {
        lines.push(format!("help: {help}"));
    }
    lines.join("\n")
}

fn position(label: &Label, sources: &BTreeMap<String, Positions>) -> (usize, usize, usize, usize) {
    let (line, column) = line_column(sources, &label.file, label.span.start as usize);
    let (end_line, end_column) = line_column(sources, &label.file, label.span.end as usize);
    (line, column, end_line, end_column)
}

fn is_stdlib(file: &str) -> bool {
    crate::stdlib::MODULES.iter().any(|m| m.path == file)
}

/// Escapes a workflow command's message: `%`, `\r`, `\n`.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value: `%`, `\r`, `\n`, `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use k8sc_grammar::Span;
    use std::collections::BTreeMap;

    struct Sources(BTreeMap<String, String>);

    impl SourceLookup for Sources {
        fn source_text(&self, file: &str) -> Option<String> {
            self.0.get(file).cloned()
        }
    }

    fn sources() -> Sources {
        Sources(BTreeMap::from([(
            "app.k8s".to_string(),
            "app shop {}\nservice web {\n  memory: 500m\n}\n".to_string(),
        )]))
    }

    fn span(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    #[test]
    fn data_escapes_percent_and_newlines_only() {
        assert_eq!(escape_data("50% a:b, c\r\nd"), "50%25 a:b, c%0D%0Ad");
        // `%` first, so an escape already in the text is not decoded by the runner.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(
            escape_property("dir,x/a:b.k8s%\n"),
            "dir%2Cx/a%3Ab.k8s%25%0A"
        );
    }

    #[test]
    fn an_error_on_one_line_has_every_position() {
        let diagnostic = Diagnostic::new(
            Code::WrongUnit,
            "`500m` of memory is 500 thousandths of a byte: `m` means milli",
            "app.k8s",
            span(36, 40),
        )
        .with_label("quantity with the wrong unit")
        .with_replacement("500Mi");
        let text = to_github(&[diagnostic], &sources(), "deploy/");
        assert_eq!(
            text,
            "::error file=deploy/app.k8s,line=3,col=11,endLine=3,endColumn=15,title=E0004::\
             `500m` of memory is 500 thousandths of a byte: `m` means milli%0A\
             quantity with the wrong unit%0Ahelp: did you mean `500Mi`?\n"
        );
    }

    #[test]
    fn a_warning_over_several_lines_has_no_columns_and_related_places() {
        let diagnostic = Diagnostic::new(
            Code::NoReadinessProbe,
            "no probe, 100%",
            "app.k8s",
            span(12, 41),
        )
        .with_secondary(Label::new("std/tiers.k8s", span(0, 1)).with_message("rule"))
        .with_note("a note");
        let text = to_github(&[diagnostic], &sources(), "");
        assert_eq!(
            text,
            "::warning file=app.k8s,line=2,endLine=4,title=W0003::no probe, 100%25%0Arule (std/tiers.k8s:1:1)%0Anote: a note\n"
        );
    }

    #[test]
    fn a_standard_library_location_is_not_annotated() {
        let diagnostic = Diagnostic::new(Code::Syntax, "x", "std/tiers.k8s", span(0, 1));
        assert_eq!(
            to_github(&[diagnostic], &sources(), "deploy/"),
            "::error title=E0001::x\n"
        );
    }

    #[test]
    fn awkward_file_names_are_escaped() {
        let diagnostic = Diagnostic::new(Code::Syntax, "x", "a,b:c.k8s", span(0, 0));
        assert_eq!(
            to_github(&[diagnostic], &sources(), "d%/"),
            "::error file=d%25/a%2Cb%3Ac.k8s,line=1,col=1,endLine=1,endColumn=1,title=E0001::x\n"
        );
    }
}
