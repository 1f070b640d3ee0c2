//! Diagnostics: exactly what `k8sc check` reports (the same `project_diagnostics` query), per
//! file, with codes linking to their explanation, secondary labels as related information, and
//! notes and help in the message.

use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::project_diagnostics;
use k8sc_compiler::analysis::{Code, Diagnostic, Severity, SourceLookup, redact_all};
use std::collections::BTreeMap;
use std::str::FromStr;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    NumberOrString, Uri,
};

/// Where the long explanation of a code is published.
pub const EXPLANATIONS: &str =
    "https://github.com/k8sc/k8sc/blob/main/compiler/src/diagnostics/explain";

/// The diagnostics of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDiagnostics {
    /// The file.
    pub uri: Uri,
    /// The version of the open document they were computed for.
    pub version: Option<i32>,
    /// Its diagnostics, in the compiler's order.
    pub diagnostics: Vec<lsp::Diagnostic>,
}

/// Every diagnostic of the project, by file; files without diagnostics are left out, except open
/// documents (an empty list confirms their current version is clean).
pub fn collect(snapshot: &Snapshot) -> Vec<FileDiagnostics> {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for path in snapshot.versions.keys() {
        by_file.entry(path.as_str()).or_default();
    }
    // As `k8sc check` prints them: no value the secret detector flags (E0015's, quoted by
    // another diagnostic, or shaped like a token) reaches the editor's problem list.
    let redacted = redact_all(
        project_diagnostics(&snapshot.db, snapshot.project),
        snapshot,
    );
    for diagnostic in &redacted {
        by_file
            .entry(diagnostic.primary.file.as_str())
            .or_default()
            .push(diagnostic);
    }
    by_file
        .into_iter()
        .filter_map(|(path, diagnostics)| {
            let file = snapshot.file_by_path(path)?;
            Some(FileDiagnostics {
                uri: snapshot.uri(file)?,
                version: snapshot.version(file),
                diagnostics: diagnostics
                    .into_iter()
                    .map(|d| to_lsp(snapshot, d))
                    .collect(),
            })
        })
        .collect()
}

/// The text of a project file by its display path, for the redaction of diagnostics.
impl SourceLookup for Snapshot {
    fn source_text(&self, file: &str) -> Option<String> {
        self.file_by_path(file).map(|f| self.text(f).to_string())
    }
}

/// One compiler diagnostic in LSP terms (redact it first: see [`collect`]).
pub fn to_lsp(snapshot: &Snapshot, diagnostic: &Diagnostic) -> lsp::Diagnostic {
    let range = snapshot
        .file_by_path(&diagnostic.primary.file)
        .map(|file| snapshot.range(file, diagnostic.primary.span))
        .unwrap_or_default();
    let mut message = diagnostic.message.clone();
    if let Some(label) = &diagnostic.primary.message
        && label != diagnostic.code.title()
    {
        message.push_str(&format!("\n{label}"));
    }
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .secondary
        .iter()
        .filter_map(|label| {
            let file = snapshot.file_by_path(&label.file)?;
            Some(DiagnosticRelatedInformation {
                location: snapshot.location(file, label.span)?,
                message: label.message.clone().unwrap_or_default(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range,
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        code_description: explanation_link(diagnostic.code),
        source: Some("k8sc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (diagnostic.code == Code::UnusedImport).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// The link to a code's explanation (also printed by `k8sc explain CODE`).
pub fn explanation_link(code: Code) -> Option<CodeDescription> {
    let href = Uri::from_str(&format!("{EXPLANATIONS}/{}.md", code.as_str())).ok()?;
    Some(CodeDescription { href })
}
