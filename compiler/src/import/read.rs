//! Reading Kubernetes YAML: every document of every file (Helm's `# Source:` comments and empty
//! documents included), `List` kinds unwrapped into their items.

use serde_json::Value;

/// One Kubernetes object read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The file it was read from (display path).
    pub source: String,
    /// The object.
    pub value: Value,
}

impl Manifest {
    /// `kind`.
    pub fn kind(&self) -> &str {
        self.value.get("kind").and_then(Value::as_str).unwrap_or("")
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// `metadata.namespace`, if set.
    pub fn namespace(&self) -> Option<&str> {
        self.value
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
    }

    /// `Kind/name`, for the report.
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }
}

/// The objects of one file, in order, their values read as Kubernetes reads YAML
/// ([`super::kube_yaml`]). A document that is not YAML, or an object the API server would refuse
/// for a value of the wrong type ([`super::typed`]), is an error naming the file.
pub fn read_documents(source: &str, text: &str) -> Result<Vec<Manifest>, String> {
    read_documents_noting_keys(source, text).map(|(manifests, _)| manifests)
}

/// [`read_documents`], and every mapping key Kubernetes reads other than as it was written (an
/// unquoted `on:` is the key `true`), as sentences naming the file, for import's report.
pub fn read_documents_noting_keys(
    source: &str,
    text: &str,
) -> Result<(Vec<Manifest>, Vec<String>), String> {
    let (documents, notes) = super::kube_yaml::read_documents_as_kubernetes(text)
        .map_err(|e| format!("{source}: {e}"))?;
    let notes = notes
        .iter()
        .map(|note| {
            let at = if note.path.is_empty() {
                String::new()
            } else {
                format!(" under `{}`", note.path)
            };
            format!(
                "{source}: the key `{}`{at} is the key `{}` to Kubernetes (YAML 1.1, as kubectl reads it); quote it to keep it as written",
                note.written, note.read_as
            )
        })
        .collect();
    let mut out = Vec::new();
    for document in documents {
        unwrap_lists(source, document, &mut out);
    }
    if let Some(problem) = out.iter().find_map(super::typed::wrongly_typed) {
        return Err(problem);
    }
    Ok((out, notes))
}

fn unwrap_lists(source: &str, document: Value, out: &mut Vec<Manifest>) {
    match document {
        Value::Null => {}
        Value::Object(ref map) if map.get("kind").and_then(Value::as_str) == Some("List") => {
            if let Some(Value::Array(items)) = map.get("items") {
                for item in items.clone() {
                    unwrap_lists(source, item, out);
                }
            }
        }
        value => out.push(Manifest {
            source: source.to_string(),
            value,
        }),
    }
}
