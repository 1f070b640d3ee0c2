//! Diagnostics: one type for every error and warning the compiler reports, each with a code that
//! has a long explanation (`k8sc explain E0004`).
//!
//! A diagnostic points at a primary span and may add secondary labels (for example the rule a value
//! violates), notes, a help line, and machine-applicable suggestions the language server can offer
//! as quick fixes.

mod code;
mod escape;
mod github;
mod json;
mod positions;
mod redact;
mod render;

pub use code::Code;
pub use escape::{escape_controls, escape_json_text, is_hidden_control, picture_controls};
pub use github::{escape_data, escape_property, to_github};
pub use json::{to_json, to_json_text};
pub use redact::{REDACTED, Redaction, redact_all};
pub use render::{SourceLookup, render, render_all, write_all};

use k8sc_grammar::Span;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The build fails.
    Error,
    /// The build succeeds (unless `--deny-warnings`).
    Warning,
}

/// A place in a file with an optional message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    /// The file's display path (see [`crate::db::File::path`]).
    pub file: String,
    /// The labelled bytes.
    pub span: Span,
    /// What the label says.
    pub message: Option<String>,
}

impl Label {
    /// A label without a message.
    pub fn new(file: impl Into<String>, span: Span) -> Label {
        Label {
            file: file.into(),
            span,
            message: None,
        }
    }

    /// Adds the label's message.
    pub fn with_message(mut self, message: impl Into<String>) -> Label {
        self.message = Some(message.into());
        self
    }
}

/// A replacement that fixes the problem, for editors to apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Suggestion {
    /// The file to edit.
    pub file: String,
    /// The bytes to replace.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// An error or warning with its code, message and locations.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The code, e.g. `E0004`.
    pub code: Code,
    /// Error or warning (from the code).
    pub severity: Severity,
    /// The headline, lowercase, without a final period.
    pub message: String,
    /// The offending text.
    pub primary: Label,
    /// Related places: the rule that was broken, the earlier definition…
    pub secondary: Vec<Label>,
    /// Background facts.
    pub notes: Vec<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// Replacements that fix it.
    pub suggestions: Vec<Suggestion>,
}

impl Diagnostic {
    /// A diagnostic with the code's severity, pointing at `span` of `file`.
    pub fn new(code: Code, message: impl Into<String>, file: &str, span: Span) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Label::new(file, span),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestions: Vec::new(),
        }
    }

    /// Sets the primary label's message.
    pub fn with_label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = Some(message.into());
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(mut self, label: Label) -> Diagnostic {
        self.secondary.push(label);
        self
    }

    /// Adds a note.
    /// Adds a secondary label, if there is one (a value without a source location has none).
    pub fn with_secondary_opt(self, label: Option<Label>) -> Diagnostic {
        match label {
            Some(label) => self.with_secondary(label),
            None => self,
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a replacement of the primary span, and a "did you mean" help if none is set.
    pub fn with_replacement(mut self, replacement: impl Into<String>) -> Diagnostic {
        let replacement = replacement.into();
        if self.help.is_none() {
            self.help = Some(format!("did you mean `{replacement}`?"));
        }
        self.suggestions.push(Suggestion {
            file: self.primary.file.clone(),
            span: self.primary.span,
            replacement,
        });
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics into a stable order: by file, then position, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (
            &a.primary.file,
            a.primary.span.start,
            a.primary.span.end,
            a.code,
        )
            .cmp(&(
                &b.primary.file,
                b.primary.span.start,
                b.primary.span.end,
                b.code,
            ))
    });
}
