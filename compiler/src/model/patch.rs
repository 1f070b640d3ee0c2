//! The types of `patch` values, as checked (read and checked in `semantic::patch`).

use k8sc_grammar::Span;
use std::sync::Arc;

/// One `patch` field of a workload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PatchSpec {
    /// The kind of the generated resource it applies to (`Deployment`, `Service`…).
    pub kind: String,
    /// Where the kind is written.
    pub kind_span: Span,
    /// The resource's name, when the workload generates several of the kind.
    pub name: Option<String>,
    /// The file the patch is written in.
    pub file: Arc<str>,
    /// The whole `patch` field.
    pub span: Span,
    /// What is merged into the resource (always a map).
    pub body: PatchNode,
}

/// A value of a patch with its span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PatchNode {
    /// The value.
    pub value: PatchValue,
    /// Where it is written.
    pub span: Span,
}

/// The JSON shapes a patch value can take.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PatchValue {
    /// `null`: deletes the key from the generated resource.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number, as written (kept as text so the tree stays hashable).
    Float(String),
    /// A string (quantities with a unit such as `250m` are strings, as in Kubernetes).
    Str(String),
    /// A list.
    List(Vec<PatchNode>),
    /// A map, keys in source order.
    Map(Vec<PatchEntry>),
}

/// One key of a patch map.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PatchEntry {
    /// The key.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// Its value.
    pub value: PatchNode,
}

impl PatchNode {
    /// The tree as JSON, for merging into a generated resource.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            PatchValue::Null => J::Null,
            PatchValue::Bool(b) => J::Bool(*b),
            PatchValue::Int(n) => J::from(*n),
            PatchValue::Float(text) => text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(J::Null, J::Number),
            PatchValue::Str(s) => J::String(s.clone()),
            PatchValue::List(items) => J::Array(items.iter().map(PatchNode::to_json).collect()),
            PatchValue::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// The span of the key (or, in a list, the item) at `path` below this node, as deep as the
    /// patch goes: a problem found deeper in the merged resource points at the nearest patch
    /// value above it. `None` when the patch does not reach the path's first step.
    /// With `at_key`, a path that ends at a map key gives the key's span rather than its value's.
    pub fn span_of(&self, path: &[PathStep], at_key: bool) -> Option<Span> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self.span);
        };
        match (&self.value, first) {
            (PatchValue::Map(entries), PathStep::Key(key)) => {
                let entry = entries.iter().rev().find(|e| &e.key == key)?;
                if rest.is_empty() && at_key {
                    return Some(entry.key_span);
                }
                Some(entry.value.span_of(rest, at_key).unwrap_or(entry.key_span))
            }
            (PatchValue::List(items), PathStep::Index(_, Some(name))) => {
                let item = items.iter().find(|i| i.name() == Some(name.as_str()))?;
                Some(item.span_of(rest, at_key).unwrap_or(item.span))
            }
            (PatchValue::List(items), PathStep::Index(index, None)) => {
                let item = items.get(*index)?;
                Some(item.span_of(rest, at_key).unwrap_or(item.span))
            }
            _ => None,
        }
    }

    /// The `name` of a map (how strategic merge matches list items).
    pub fn name(&self) -> Option<&str> {
        let PatchValue::Map(entries) = &self.value else {
            return None;
        };
        entries
            .iter()
            .find(|e| e.key == "name")
            .and_then(|e| match &e.value.value {
                PatchValue::Str(s) => Some(s.as_str()),
                _ => None,
            })
    }
}

/// One step of a path into a resource: a key, or a list index with the item's `name` if it has
/// one (so a path into a merged list can be matched back to the patch's item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// A map key.
    Key(String),
    /// A list index, and the item's name.
    Index(usize, Option<String>),
}
