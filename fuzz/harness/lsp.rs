//! The `lsp` fuzz target's body, shared with the regression tests that replay its corpus on
//! stable (`lsp/tests/it/fuzz_corpus.rs`): the language server's workspace and every feature never
//! panic under a random sequence of edits and requests on a document.
//!
//! The input is the document's first text, then (after a `0xFF` byte, which UTF-8 never holds) a
//! program of operations: edits with arbitrary — often out-of-range or reversed — ranges, full
//! replacements, closing and reopening, a change of position encoding, and every request the
//! server answers, at arbitrary positions, on the document, on a second file and on a file that
//! is not open.

use k8sc_lsp::dispatch::{Outcome, catch};
use k8sc_lsp::features::{self, preview::PreviewParams};
use k8sc_lsp::line_index::Encoding;
use k8sc_lsp::workspace::Workspace;
use std::path::PathBuf;
use std::str::FromStr;
use tower_lsp_server::ls_types::*;

/// The folder the in-memory workspace pretends to live in (never read).
const ROOT: &str = "/k8sc-fuzz";

/// A second file of the project, so that references cross files.
const OTHER: &str =
    "worker mailer {\n  image: \"ghcr.io/acme/mailer:1.0.0\"\n  calls: [shop.api]\n}\n";

/// The most operations one input runs (keeps every input fast).
const MAX_OPS: usize = 64;

/// Reads the operation program.
struct Ops<'a> {
    bytes: &'a [u8],
}

impl Ops<'_> {
    fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((first, rest)) => {
                self.bytes = rest;
                *first
            }
            None => 0,
        }
    }

    /// A number that is usually small but sometimes far out of range.
    fn number(&mut self) -> u32 {
        let b = self.byte();
        if b >= 250 {
            u32::MAX - u32::from(self.byte())
        } else {
            u32::from(b)
        }
    }

    fn position(&mut self) -> Position {
        Position::new(self.number() / 4, self.number())
    }

    fn range(&mut self) -> Range {
        Range::new(self.position(), self.position())
    }

    /// Up to 32 bytes of text, taken from the program itself.
    fn text(&mut self) -> String {
        let len = usize::from(self.byte() % 33).min(self.bytes.len());
        let (text, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        String::from_utf8_lossy(text).into_owned()
    }
}

fn uri(path: &str) -> Uri {
    Uri::from_str(&format!("file://{ROOT}/{path}")).expect("a valid URI")
}

/// Runs the program `data` describes against an in-memory workspace.
pub fn run(data: &[u8]) {
    let (document, program) = match data.iter().position(|b| *b == 0xFF) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let document = String::from_utf8_lossy(document).into_owned();
    let mut workspace = Workspace::from_files(
        Some(PathBuf::from(ROOT)),
        vec![("workers.k8s".to_string(), OTHER.to_string())],
    );
    let app = uri("app.k8s");
    let targets = [app.clone(), uri("workers.k8s"), uri("unopened.k8s")];
    let mut version = 1;
    workspace.open(&app, version, document.clone());
    request(&workspace, &app, Position::new(0, 0), Range::default(), 0);
    let mut ops = Ops { bytes: program };
    for _ in 0..MAX_OPS {
        if ops.bytes.is_empty() {
            break;
        }
        version += 1;
        let op = ops.byte();
        match op % 8 {
            0..=2 => {
                let changes = (0..1 + ops.byte() % 3)
                    .map(|_| TextDocumentContentChangeEvent {
                        range: Some(ops.range()),
                        range_length: None,
                        text: ops.text(),
                    })
                    .collect();
                workspace.change(&app, version, changes);
            }
            3 => {
                let text = ops.text();
                workspace.change(
                    &app,
                    version,
                    vec![TextDocumentContentChangeEvent {
                        range: None,
                        range_length: None,
                        text,
                    }],
                );
            }
            4 => {
                workspace.close(&app);
                workspace.open(&app, version, document.clone());
            }
            5 => workspace.set_encoding(if ops.byte().is_multiple_of(2) {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            }),
            _ => {
                let target = &targets[usize::from(ops.byte()) % targets.len()];
                let position = ops.position();
                let range = ops.range();
                let which = ops.byte();
                request(&workspace, target, position, range, which);
            }
        }
    }
    let snapshot = workspace.snapshot();
    let outcome = catch(&snapshot, |s| {
        features::diagnostics::collect(s);
    });
    assert!(
        matches!(outcome, Outcome::Done(())),
        "diagnostics: {outcome:?}"
    );
}

/// Answers one request (chosen by `which`) on a snapshot, as the server would.
fn request(workspace: &Workspace, uri: &Uri, position: Position, range: Range, which: u8) {
    let snapshot = workspace.snapshot();
    let document = TextDocumentIdentifier { uri: uri.clone() };
    let outcome = catch(&snapshot, |s| match which % 16 {
        0 => {
            features::hover::hover(s, uri, position);
        }
        1 => {
            features::completion::completion(s, uri, position);
        }
        2 => {
            features::navigation::definition(s, uri, position);
        }
        3 => {
            features::navigation::references(s, uri, position, which >= 128);
        }
        4 => {
            let _ = features::navigation::prepare_rename(s, uri, position);
        }
        5 => {
            let _ = features::navigation::rename(s, uri, position, "renamed");
        }
        6 => {
            features::signature_help::signature_help(s, uri, position);
        }
        7 => {
            features::code_actions::code_actions(
                s,
                &CodeActionParams {
                    text_document: document.clone(),
                    range,
                    context: CodeActionContext::default(),
                    work_done_progress_params: WorkDoneProgressParams::default(),
                    partial_result_params: PartialResultParams::default(),
                },
            );
        }
        8 => {
            features::semantic_tokens::full(s, uri);
        }
        9 => {
            features::semantic_tokens::range(s, uri, range);
        }
        10 => {
            features::inlay_hints::inlay_hints(s, uri, range);
        }
        11 => {
            let _ = features::formatting::format(s, uri);
        }
        12 => {
            let _ = features::formatting::format_in_range(s, uri, range);
        }
        13 => {
            features::symbols::document_symbols(s, uri);
            features::symbols::workspace_symbols(s, "a");
        }
        14 => {
            features::preview::preview(
                s,
                &PreviewParams {
                    text_document: document.clone(),
                    position: Some(position),
                },
            );
            features::preview::virtual_document(s, uri);
        }
        _ => {
            features::diagnostics::collect(s);
        }
    });
    assert!(
        matches!(outcome, Outcome::Done(())),
        "request {which} at {position:?} / {range:?}: {outcome:?}"
    );
}
