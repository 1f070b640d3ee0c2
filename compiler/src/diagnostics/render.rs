//! Human rendering with ariadne: `file:line:col`, the source lines, underlines, labels, notes and
//! help, like a good compiler. Colour is for terminals only; tests render without it.

use super::escape::{escape_controls, picture_controls};
use super::positions::Positions;
use super::redact::Redaction;
use super::{Diagnostic, Severity};
use ariadne::{CharSet, Color, Config, IndexType, Label, Report, ReportKind};
use std::collections::BTreeMap;
use std::io::Write;

/// Gives the renderer the text of the files diagnostics point into.
pub trait SourceLookup {
    /// The text of the file with this display path.
    fn source_text(&self, file: &str) -> Option<String>;
}

impl SourceLookup for BTreeMap<String, String> {
    fn source_text(&self, file: &str) -> Option<String> {
        self.get(file).cloned()
    }
}

/// Renders one diagnostic.
pub fn render(diagnostic: &Diagnostic, sources: &dyn SourceLookup, color: bool) -> String {
    render_all(std::slice::from_ref(diagnostic), sources, color)
}

/// Renders diagnostics one after another, reading each source file once.
pub fn render_all(diagnostics: &[Diagnostic], sources: &dyn SourceLookup, color: bool) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_all(diagnostics, sources, color, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Renders diagnostics one after another into `out`, reading each source file once. Each
/// diagnostic is redacted and rendered just before it is written, so a run with 80,000 warnings
/// holds one rendered report at a time, not all of them (and not a redacted copy of every
/// diagnostic): the CLI writes straight to stderr.
pub fn write_all(
    diagnostics: &[Diagnostic],
    sources: &dyn SourceLookup,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // No secret is printed: not in the diagnostics' words, not in the excerpts of the sources.
    let mut redaction = Redaction::new(diagnostics, sources);
    let texts = std::mem::take(&mut redaction.masked);
    // What ariadne prints: names and excerpts with their control characters made visible
    // (`escape`), character for character, so the spans `clamp` computes on `texts` still fit.
    let shown = texts.iter().map(|(file, text)| {
        (
            escape_controls(file).into_owned(),
            picture_controls(text).into_owned(),
        )
    });
    let mut cache = ariadne::sources(shown.collect::<Vec<_>>());
    // Each file's lines indexed once, not counted from the file's start for every label.
    let positions: BTreeMap<String, Positions> = texts
        .into_iter()
        .map(|(file, text)| (file, Positions::new(text)))
        .collect();
    let mut report_bytes = Vec::new();
    for diagnostic in diagnostics {
        let diagnostic = redaction.diagnostic(diagnostic);
        report_bytes.clear();
        let report = build_report(&diagnostic, &positions, color);
        if report.write(&mut cache, &mut report_bytes).is_err() {
            let message = escape_controls(&diagnostic.message);
            report_bytes.extend_from_slice(format!("{message}\n").as_bytes());
        }
        out.write_all(String::from_utf8_lossy(&report_bytes).as_bytes())?;
    }
    out.flush()
}

type AriadneSpan = (String, std::ops::Range<usize>);

fn build_report(
    diagnostic: &Diagnostic,
    texts: &BTreeMap<String, Positions>,
    color: bool,
) -> Report<'static, AriadneSpan> {
    let (kind, accent) = match diagnostic.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
    };
    let primary = clamp(
        &diagnostic.primary.file,
        diagnostic.primary.span.range(),
        texts,
    );
    let mut builder = Report::build(kind, primary.clone())
        .with_code(diagnostic.code)
        .with_message(escape_controls(&diagnostic.message))
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Char)
                .with_char_set(if color {
                    CharSet::Unicode
                } else {
                    CharSet::Ascii
                }),
        );
    // ariadne only underlines labelled spans, so a label without a message gets the code's title.
    let message = diagnostic
        .primary
        .message
        .clone()
        .unwrap_or_else(|| diagnostic.code.title().to_string());
    // Labels in source order, so ariadne shows the labels of one file as one snippet; the primary
    // label's file first, so the header names where the problem is.
    let half = i32::MAX / 2;
    let order = |span: &AriadneSpan| {
        let offset = i32::try_from(span.1.start).unwrap_or(half).min(half - 1);
        if span.0 == primary.0 {
            offset
        } else {
            half + offset
        }
    };
    builder = builder.with_label(
        Label::new(primary.clone())
            .with_color(accent)
            .with_message(escape_controls(&message))
            .with_order(order(&primary)),
    );
    for secondary in &diagnostic.secondary {
        let span = clamp(&secondary.file, secondary.span.range(), texts);
        let message = secondary
            .message
            .clone()
            .unwrap_or_else(|| "related".to_string());
        builder = builder.with_label(
            Label::new(span.clone())
                .with_color(Color::Blue)
                .with_message(escape_controls(&message))
                .with_order(order(&span)),
        );
    }
    for note in &diagnostic.notes {
        builder = builder.with_note(escape_controls(note));
    }
    if let Some(help) = &diagnostic.help {
        builder = builder.with_help(escape_controls(help));
    }
    builder.finish()
}

/// Keeps a span inside its file (and on character boundaries) whatever the input, and gives it in
/// characters: ariadne reads the position of a snippet in a second file as a character offset
/// even when told spans are bytes, which lands inside a multi-byte character (a fuzzer's find).
fn clamp(
    file: &str,
    range: std::ops::Range<usize>,
    texts: &BTreeMap<String, Positions>,
) -> AriadneSpan {
    let empty = Positions::new(String::new());
    let positions = texts.get(file).unwrap_or(&empty);
    let text = positions.text();
    let std::ops::Range { start, end } = super::redact::on_char_boundaries(text, range);
    let inside = &text[start..end];
    let first = positions.char_offset(start);
    let name = escape_controls(file).into_owned();
    (name, first..first + inside.chars().count())
}
