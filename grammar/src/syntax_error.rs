//! Syntax errors found while parsing.

use crate::span::Span;

/// A syntax error: what is wrong and where. The compiler turns it into diagnostic `E0001`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong, e.g. "expected `:` after the field name, found `\"x\"`".
    pub message: String,
    /// The offending text.
    pub span: Span,
    /// A short label for the underlined text.
    pub label: Option<String>,
    /// A related location with its own label, e.g. the unclosed `{` itself.
    pub related: Option<(Span, String)>,
    /// How to fix it, when there is an obvious fix.
    pub help: Option<String>,
}

impl SyntaxError {
    /// A syntax error with only a message and a span.
    pub fn new(message: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span,
            label: None,
            related: None,
            help: None,
        }
    }

    /// Adds a label for the underlined text.
    pub fn with_label(mut self, label: impl Into<String>) -> SyntaxError {
        self.label = Some(label.into());
        self
    }

    /// Adds a related location.
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> SyntaxError {
        self.related = Some((span, label.into()));
        self
    }

    /// Adds a fix suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }
}
