//! Signature help for parameterised policies: inside `trusted_registries(…)` in `policies`, the
//! policy's parameters with their types, the active one highlighted.

use super::completion::policy_params;
use super::file_offset;
use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::lookup_decl;
use k8sc_grammar::DeclKind;
use tower_lsp_server::ls_types::{
    Documentation, ParameterInformation, ParameterLabel, Position, SignatureHelp,
    SignatureInformation, Uri,
};

/// The signature of the policy call around a position.
pub fn signature_help(snapshot: &Snapshot, uri: &Uri, position: Position) -> Option<SignatureHelp> {
    let (file, offset) = file_offset(snapshot, uri, position)?;
    let text = snapshot.text(file);
    let before = text.get(..offset as usize)?;
    let (name, active) = open_call(before)?;
    let db = &snapshot.db;
    let decl = lookup_decl(db, snapshot.project, file, &name, DeclKind::Policy)?;
    let params = policy_params(db, decl);
    let label = format!("{name}({})", params.join(", "));
    let mut parameters = Vec::new();
    let mut at = name.len() + 1;
    for param in &params {
        let start = u32::try_from(at).ok()?;
        let end = u32::try_from(at + param.len()).ok()?;
        parameters.push(ParameterInformation {
            label: ParameterLabel::LabelOffsets([start, end]),
            documentation: None,
        });
        at += param.len() + 2;
    }
    let doc = k8sc_compiler::analysis::decl_syntax(db, decl).and_then(|d| d.doc.clone());
    Some(SignatureHelp {
        signatures: vec![SignatureInformation {
            label,
            documentation: doc.map(Documentation::String),
            parameters: Some(parameters),
            active_parameter: None,
        }],
        active_signature: Some(0),
        active_parameter: Some(active),
    })
}

/// The name of the call whose parentheses are open at the end of `before`, and the index of the
/// argument the cursor is in. Strings are skipped; nested brackets are matched.
fn open_call(before: &str) -> Option<(String, u32)> {
    let mut depth = 0usize;
    let mut commas = 0u32;
    let mut in_string = false;
    let bytes = before.as_bytes();
    let mut i = bytes.len();
    // Walk back, but first find where strings are: a forward pass marks string bytes.
    let mut string_bytes = vec![false; bytes.len()];
    let mut escaped = false;
    for (j, b) in bytes.iter().enumerate() {
        if in_string {
            string_bytes[j] = true;
            if *b == b'"' && !escaped || *b == b'\n' {
                in_string = false;
            }
            escaped = *b == b'\\' && !escaped;
        } else if *b == b'"' {
            in_string = true;
            string_bytes[j] = true;
        }
    }
    while i > 0 {
        i -= 1;
        if string_bytes[i] {
            continue;
        }
        match bytes[i] {
            b')' | b']' | b'}' => depth += 1,
            b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' if depth > 0 => depth -= 1,
            b'(' => {
                let head = &before[..i];
                let name: String = head
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                return (!name.is_empty()).then_some((name, commas));
            }
            b'{' => return None,
            b',' if depth == 0 => commas += 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::open_call;

    #[test]
    fn finds_the_open_call_and_argument() {
        assert_eq!(
            open_call("policies: [trusted_registries([\"a\", \"b\"], "),
            Some(("trusted_registries".to_string(), 1))
        );
        assert_eq!(open_call("policies: [p(\"(,\""), Some(("p".to_string(), 0)));
        assert_eq!(open_call("policies: [p()]"), None);
    }
}
