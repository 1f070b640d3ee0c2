//! The server never panics: every feature at every position of broken, hostile or odd input;
//! and the dispatcher turns panics and cancellations into outcomes instead of unwinding.

use crate::support;

use k8sc_lsp::dispatch::{Outcome, catch};
use k8sc_lsp::features::{self, preview::PreviewParams};
use support::*;
use tower_lsp_server::ls_types::*;

const INPUTS: &[&str] = &[
    "service { image: [[[ \"x\n}}} tier: : ::\nimport ../../../x.{\napp a { policies: [p(] }\n",
    "app a {\n  tier: nope\n}\nservice web {\n  calls: [a.b.c, , x]\n  probes { ready: http \"/\" { port: { } } }\n  allow because \"\"\n}\n",
    "tier t: t {\n  require { replicas.min >= \"x\" \"m\" not }\n  defaults { replicas: 9..1 }\n}\npolicy p(a: [[string]], b) { deny: image.from(a) and }\n",
    "\u{feff}é😀 service s\u{0} { image: \"\\u{110000}\" }\r\n/* unterminated",
    "import std.tiers.production\nimport std.\nimport ./\napp x { tier: production, policies: [trusted_registries(] }\nenv dev: prod { web.replicas: 1 }\n",
    "",
];

#[test]
fn every_feature_at_every_position_of_broken_input() {
    for (n, input) in INPUTS.iter().enumerate() {
        let snapshot = workspace(&[
            ("app.k8s", input),
            ("other.k8s", "worker w { calls: [a.x] }"),
        ])
        .snapshot();
        let uri = uri("app.k8s");
        let document = TextDocumentIdentifier { uri: uri.clone() };
        let lines = input.lines().count() as u32 + 2;
        for line in 0..lines {
            for character in 0..40 {
                let position = Position::new(line, character);
                let outcome = catch(&snapshot, |s| {
                    features::hover::hover(s, &uri, position);
                    features::completion::completion(s, &uri, position);
                    features::navigation::definition(s, &uri, position);
                    features::navigation::references(s, &uri, position, true);
                    let _ = features::navigation::prepare_rename(s, &uri, position);
                    let _ = features::navigation::rename(s, &uri, position, "renamed");
                    features::signature_help::signature_help(s, &uri, position);
                    features::preview::preview(
                        s,
                        &PreviewParams {
                            text_document: document.clone(),
                            position: Some(position),
                        },
                    );
                    let range = Range::new(Position::new(0, 0), position);
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
                    features::semantic_tokens::range(s, &uri, range);
                    features::inlay_hints::inlay_hints(s, &uri, range);
                });
                assert!(
                    matches!(outcome, Outcome::Done(())),
                    "input {n} at {line}:{character}: {outcome:?}"
                );
            }
        }
        let outcome = catch(&snapshot, |s| {
            features::diagnostics::collect(s);
            features::semantic_tokens::full(s, &uri);
            features::symbols::document_symbols(s, &uri);
            features::symbols::workspace_symbols(s, "");
        });
        assert!(
            matches!(outcome, Outcome::Done(())),
            "input {n}: {outcome:?}"
        );
    }
}

#[test]
fn a_panic_becomes_an_outcome() {
    let snapshot = shop().snapshot();
    let outcome: Outcome<()> = catch(&snapshot, |_| panic!("boom"));
    assert!(
        matches!(outcome, Outcome::Panicked(ref m) if m == "boom"),
        "{outcome:?}"
    );
}

#[test]
fn an_edit_cancels_a_computation_on_an_older_snapshot() {
    let mut workspace = shop();
    let snapshot = workspace.snapshot();
    let (started, wait) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        catch(&snapshot, |s| {
            let _ = started.send(());
            // Keep querying until the pending edit cancels this snapshot.
            loop {
                std::thread::sleep(std::time::Duration::from_millis(1));
                k8sc_compiler::build::project_diagnostics(&s.db, s.project);
            }
        })
    });
    wait.recv().expect("the worker started");
    // Blocks until the worker's snapshot is dropped, which cancellation makes happen.
    workspace.change(
        &uri("app.k8s"),
        2,
        vec![TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "app shop {}\n".to_string(),
        }],
    );
    let outcome: Outcome<()> = worker.join().expect("the worker ends");
    assert!(matches!(outcome, Outcome::Cancelled), "{outcome:?}");
}
