//! The semantic diff behind `k8sc diff`: which resources were added or removed between two sets
//! of manifests, and which fields of the others changed — ignoring formatting, key order, file
//! names and comments.
//!
//! A resource is identified by its API group, kind, namespace and name (`apps` `Deployment`
//! `shop` `web`), not by its file, so a moved or renamed file is no change, and a new API version
//! of the same resource shows as an `apiVersion` change. When the same resource appears several
//! times on one side — one copy per environment folder (`OUT/dev/…`, `OUT/prod/…`) — its copies
//! are told apart by their top-level folder, and if that is not enough, by their file.
//!
//! Lists whose items all have a unique `name` (containers, ports, env, volumes, Kyverno rules)
//! are compared item by item by name, like Kubernetes merges them; other lists are aligned with a
//! diff of their items, so an inserted item shows as one `+`. Everything is sorted: the same
//! input always gives the same report.

use super::immutable::{ImmutableChange, Resource, immutable_changes};
use serde_json::Value;
use similar::{Algorithm, DiffOp, capture_diff_slices};
use std::collections::{BTreeMap, BTreeSet};

/// Values longer than this many characters are cut (with `…`) in the report.
pub const VALUE_CHARS: usize = 200;

/// Lists longer than this are compared position by position instead of aligned (alignment is
/// quadratic in the worst case).
const ALIGN_LIMIT: usize = 2_000;

/// One Kubernetes resource read from a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The file it came from, relative to its folder.
    pub path: String,
    /// Its position among the file's documents, from 1.
    pub document: usize,
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`, if set.
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
    /// The whole document.
    pub body: Value,
}

/// Every resource of one side of a diff.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Manifests {
    /// The resources, in file order.
    pub resources: Vec<Manifest>,
}

/// Why a set of manifests could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestError {
    /// A manifest file is not UTF-8.
    NotText {
        /// The file, as displayed.
        file: String,
    },
    /// A manifest file is not YAML.
    InvalidYaml {
        /// The file, as displayed.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// A document lacks what identifies a resource.
    NotAResource {
        /// The file, as displayed.
        file: String,
        /// The document's position in the file, from 1.
        document: usize,
        /// What is missing.
        reason: String,
    },
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ManifestError::NotText { file } => write!(f, "`{file}` is not UTF-8 text"),
            ManifestError::InvalidYaml { file, message } => {
                write!(f, "`{file}` is not valid YAML: {message}")
            }
            ManifestError::NotAResource {
                file,
                document,
                reason,
            } => write!(
                f,
                "`{file}` (document {document}) is not a Kubernetes resource: {reason}"
            ),
        }
    }
}

impl std::error::Error for ManifestError {}

/// Whether `path` is read as manifests: a `.yaml` or `.yml` file outside hidden folders.
/// (k8sc's extension-less `Kustomization` files are folder indexes, not resources.)
pub fn is_manifest_path(path: &str) -> bool {
    let visible = path.split('/').all(|part| !part.starts_with('.'));
    visible && (path.ends_with(".yaml") || path.ends_with(".yml"))
}

impl Manifests {
    /// Reads the resources of every manifest file of `files` (path relative to `root` →
    /// content). Other files are ignored, and so are empty documents and kustomize's own
    /// (`kustomize.config.k8s.io`) documents. `root` only appears in error messages.
    pub fn parse<C: AsRef<[u8]>>(
        files: &BTreeMap<String, C>,
        root: &str,
    ) -> Result<Manifests, ManifestError> {
        let mut resources = Vec::new();
        for (path, content) in files {
            if !is_manifest_path(path) {
                continue;
            }
            let display = display_path(root, path);
            let text =
                std::str::from_utf8(content.as_ref()).map_err(|_| ManifestError::NotText {
                    file: display.clone(),
                })?;
            let documents: Vec<Value> =
                serde_saphyr::from_multiple(text).map_err(|error| ManifestError::InvalidYaml {
                    file: display.clone(),
                    message: first_line(&error.to_string()),
                })?;
            for (index, body) in documents.into_iter().enumerate() {
                if body.is_null() || is_kustomize(&body) {
                    continue;
                }
                let not_a_resource = |reason: &str| ManifestError::NotAResource {
                    file: display.clone(),
                    document: index + 1,
                    reason: reason.to_string(),
                };
                if !body.is_object() {
                    return Err(not_a_resource("the document is not a mapping"));
                }
                let text_at = |pointer: &str| body.pointer(pointer).and_then(Value::as_str);
                let api_version = text_at("/apiVersion")
                    .ok_or_else(|| not_a_resource("no `apiVersion`"))?
                    .to_string();
                let kind = text_at("/kind")
                    .ok_or_else(|| not_a_resource("no `kind`"))?
                    .to_string();
                let name = text_at("/metadata/name")
                    .ok_or_else(|| not_a_resource("no `metadata.name`"))?
                    .to_string();
                let namespace = text_at("/metadata/namespace").map(str::to_string);
                resources.push(Manifest {
                    path: path.clone(),
                    document: index + 1,
                    api_version,
                    kind,
                    namespace,
                    name,
                    body,
                });
            }
        }
        Ok(Manifests { resources })
    }
}

fn display_path(root: &str, path: &str) -> String {
    let root = root.trim_end_matches('/');
    if root.is_empty() || root == "." {
        path.to_string()
    } else {
        format!("{root}/{path}")
    }
}

/// The parser's message on one line, without its `error: ` prefix or advice about its options.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let line = line
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(line);
    line.to_string()
}

fn is_kustomize(body: &Value) -> bool {
    body.get("apiVersion")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("kustomize.config.k8s.io/"))
}

/// What identifies a resource in the report; sorts by where, then namespace, kind and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceKey {
    /// Which copy, when a resource appears more than once on a side: its top-level folder
    /// (`prod/`), or its file and document (`a.yaml#2`).
    pub scope: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// The API group (`apps`; empty for the core group).
    pub group: String,
}

/// How one resource differs.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceChange {
    /// Only in the new manifests.
    Added,
    /// Only in the old manifests.
    Removed,
    /// In both, with these field changes.
    Changed(Vec<FieldChange>),
}

/// One changed field; `path` is like `spec.template.spec.containers[name=web].image`.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldChange {
    /// The value changed.
    Set {
        /// Where.
        path: String,
        /// Before.
        old: Value,
        /// After.
        new: Value,
    },
    /// A field or list item appeared.
    Added {
        /// Where (the list, for a list item).
        path: String,
        /// The new value.
        value: Value,
    },
    /// A field or list item disappeared.
    Removed {
        /// Where (the list, for a list item).
        path: String,
        /// The old value.
        value: Value,
    },
}

/// A resource that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDiff {
    /// Which resource.
    pub key: ResourceKey,
    /// Its `apiVersion` (the new one, unless it was removed).
    pub api_version: String,
    /// What happened to it.
    pub change: ResourceChange,
    /// The changes the API server will not make in place (see [`super::immutable`]).
    pub immutable: Vec<ImmutableChange>,
}

/// Every difference between two sets of manifests, sorted by [`ResourceKey`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SemanticDiff {
    /// The resources that differ.
    pub resources: Vec<ResourceDiff>,
}

/// Compares two sets of manifests resource by resource.
pub fn semantic_diff(old: &Manifests, new: &Manifests) -> SemanticDiff {
    let (old, new) = keyed(&old.resources, &new.resources);
    let keys: BTreeSet<&ResourceKey> = old.keys().chain(new.keys()).collect();
    let mut resources = Vec::new();
    for key in keys {
        let mut immutable = Vec::new();
        let (change, api_version) = match (old.get(key), new.get(key)) {
            (Some(before), Some(after)) => {
                let mut changes = Vec::new();
                diff_value(&mut Vec::new(), &before.body, &after.body, &mut changes);
                if changes.is_empty() {
                    continue;
                }
                let resource = Resource {
                    group: &key.group,
                    kind: &key.kind,
                    name: &key.name,
                    namespace: key.namespace.as_deref(),
                };
                immutable = immutable_changes(resource, &before.body, &after.body);
                (ResourceChange::Changed(changes), &after.api_version)
            }
            (Some(before), None) => (ResourceChange::Removed, &before.api_version),
            (None, Some(after)) => (ResourceChange::Added, &after.api_version),
            (None, None) => continue,
        };
        resources.push(ResourceDiff {
            key: key.clone(),
            api_version: api_version.clone(),
            change,
            immutable,
        });
    }
    SemanticDiff { resources }
}

/// Identity of a resource regardless of where it is: group, kind, namespace, name.
type Identity<'a> = (&'a str, &'a str, Option<&'a str>, &'a str);

fn identity(m: &Manifest) -> Identity<'_> {
    let group = m
        .api_version
        .rsplit_once('/')
        .map_or("", |(group, _)| group);
    (group, &m.kind, m.namespace.as_deref(), &m.name)
}

fn top_folder(path: &str) -> String {
    match path.split_once('/') {
        Some((top, _)) => format!("{top}/"),
        None => "./".to_string(),
    }
}

/// Keys both sides alike: a resource unique on both sides is keyed by its identity alone; copies
/// are keyed by top-level folder if that tells them apart on both sides, else by file.
fn keyed<'a>(
    old: &'a [Manifest],
    new: &'a [Manifest],
) -> (
    BTreeMap<ResourceKey, &'a Manifest>,
    BTreeMap<ResourceKey, &'a Manifest>,
) {
    let mut copies: BTreeMap<Identity<'a>, (Vec<&'a Manifest>, Vec<&'a Manifest>)> =
        BTreeMap::new();
    for m in old {
        copies.entry(identity(m)).or_default().0.push(m);
    }
    for m in new {
        copies.entry(identity(m)).or_default().1.push(m);
    }
    let mut old_keyed = BTreeMap::new();
    let mut new_keyed = BTreeMap::new();
    for ((group, kind, namespace, name), (old_copies, new_copies)) in copies {
        let unique_by_folder = [&old_copies, &new_copies].iter().all(|side| {
            let folders: BTreeSet<String> = side.iter().map(|m| top_folder(&m.path)).collect();
            folders.len() == side.len()
        });
        let several = old_copies.len() > 1 || new_copies.len() > 1;
        let scope = |m: &Manifest| match (several, unique_by_folder) {
            (false, _) => None,
            (true, true) => Some(top_folder(&m.path)),
            (true, false) => Some(format!("{}#{}", m.path, m.document)),
        };
        let key = |m: &Manifest| ResourceKey {
            scope: scope(m),
            namespace: namespace.map(str::to_string),
            kind: kind.to_string(),
            name: name.to_string(),
            group: group.to_string(),
        };
        for m in old_copies {
            old_keyed.insert(key(m), m);
        }
        for m in new_copies {
            new_keyed.insert(key(m), m);
        }
    }
    (old_keyed, new_keyed)
}

/// A step of a field path.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
    Named(&'a str),
}

fn render_path(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) if is_simple_key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Key(key) => {
                out.push('[');
                out.push_str(&quote(key));
                out.push(']');
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
            Step::Named(name) if is_bare(name) => out.push_str(&format!("[name={name}]")),
            Step::Named(name) => out.push_str(&format!("[name={}]", quote(name))),
        }
    }
    if out.is_empty() {
        out.push_str("(document)");
    }
    out
}

fn is_simple_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Keys and names shown without quotes inside values: letters, digits and `_ - . /`.
fn is_bare(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

fn diff_value<'a>(
    path: &mut Vec<Step<'a>>,
    old: &'a Value,
    new: &'a Value,
    out: &mut Vec<FieldChange>,
) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(before), Value::Object(after)) => {
            let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
            for key in keys {
                path.push(Step::Key(key));
                match (before.get(key), after.get(key)) {
                    (Some(a), Some(b)) => diff_value(path, a, b, out),
                    (Some(a), None) => out.push(FieldChange::Removed {
                        path: render_path(path),
                        value: a.clone(),
                    }),
                    (None, Some(b)) => out.push(FieldChange::Added {
                        path: render_path(path),
                        value: b.clone(),
                    }),
                    (None, None) => {}
                }
                path.pop();
            }
        }
        (Value::Array(before), Value::Array(after)) => diff_list(path, before, after, out),
        _ => out.push(FieldChange::Set {
            path: render_path(path),
            old: old.clone(),
            new: new.clone(),
        }),
    }
}

/// The names of a list's items, if every item of both lists is a mapping with a `name` that is
/// unique in its list.
fn item_names<'a>(before: &'a [Value], after: &'a [Value]) -> Option<(Vec<&'a str>, Vec<&'a str>)> {
    let names = |list: &'a [Value]| -> Option<Vec<&'a str>> {
        let names: Vec<&str> = list
            .iter()
            .map(|item| item.get("name").and_then(Value::as_str))
            .collect::<Option<_>>()?;
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        (unique.len() == names.len()).then_some(names)
    };
    if before.is_empty() && after.is_empty() {
        return None;
    }
    Some((names(before)?, names(after)?))
}

fn diff_list<'a>(
    path: &mut Vec<Step<'a>>,
    before: &'a [Value],
    after: &'a [Value],
    out: &mut Vec<FieldChange>,
) {
    if let Some((old_names, new_names)) = item_names(before, after) {
        diff_named_list(path, before, after, &old_names, &new_names, out);
        return;
    }
    if before.len() > ALIGN_LIMIT || after.len() > ALIGN_LIMIT {
        diff_runs(path, before, after, 0, out);
        return;
    }
    let old_items: Vec<String> = before.iter().map(canonical).collect();
    let new_items: Vec<String> = after.iter().map(canonical).collect();
    for op in capture_diff_slices(Algorithm::Myers, &old_items, &new_items) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => diff_runs(path, &before[old_index..old_index + old_len], &[], 0, out),
            DiffOp::Insert {
                new_index, new_len, ..
            } => diff_runs(
                path,
                &[],
                &after[new_index..new_index + new_len],
                new_index,
                out,
            ),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => diff_runs(
                path,
                &before[old_index..old_index + old_len],
                &after[new_index..new_index + new_len],
                new_index,
                out,
            ),
        }
    }
}

/// Two runs of list items that replace each other: pairs compared position by position (indexed
/// like the new list), the rest removed or added.
fn diff_runs<'a>(
    path: &mut Vec<Step<'a>>,
    before: &'a [Value],
    after: &'a [Value],
    new_start: usize,
    out: &mut Vec<FieldChange>,
) {
    let paired = before.len().min(after.len());
    for (offset, (a, b)) in before.iter().zip(after).enumerate() {
        path.push(Step::Index(new_start + offset));
        diff_value(path, a, b, out);
        path.pop();
    }
    for value in &before[paired..] {
        out.push(FieldChange::Removed {
            path: render_path(path),
            value: value.clone(),
        });
    }
    for value in &after[paired..] {
        out.push(FieldChange::Added {
            path: render_path(path),
            value: value.clone(),
        });
    }
}

fn diff_named_list<'a>(
    path: &mut Vec<Step<'a>>,
    before: &'a [Value],
    after: &'a [Value],
    old_names: &[&'a str],
    new_names: &[&'a str],
    out: &mut Vec<FieldChange>,
) {
    let old_by_name: BTreeMap<&str, &Value> = old_names.iter().copied().zip(before).collect();
    let new_by_name: BTreeMap<&str, &Value> = new_names.iter().copied().zip(after).collect();
    let names: BTreeSet<&str> = old_names.iter().chain(new_names).copied().collect();
    for name in names {
        path.push(Step::Named(name));
        match (old_by_name.get(name), new_by_name.get(name)) {
            (Some(a), Some(b)) => diff_value(path, a, b, out),
            (Some(a), None) => out.push(FieldChange::Removed {
                path: render_path(path),
                value: (*a).clone(),
            }),
            (None, Some(b)) => out.push(FieldChange::Added {
                path: render_path(path),
                value: (*b).clone(),
            }),
            (None, None) => {}
        }
        path.pop();
    }
    // Items kept on both sides but in another order (init containers run in order).
    let kept_old: Vec<&str> = old_names
        .iter()
        .copied()
        .filter(|n| new_by_name.contains_key(n))
        .collect();
    let kept_new: Vec<&str> = new_names
        .iter()
        .copied()
        .filter(|n| old_by_name.contains_key(n))
        .collect();
    if kept_old != kept_new {
        let names = |list: Vec<&str>| Value::Array(list.into_iter().map(Value::from).collect());
        out.push(FieldChange::Set {
            path: format!("{} (order)", render_path(path)),
            old: names(kept_old),
            new: names(kept_new),
        });
    }
}

/// A value on one line, keys sorted; the same text for equal values.
fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_inline(value, &mut out);
    out
}

fn write_inline(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(&quote(s)),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_inline(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            let keys: BTreeSet<&String> = map.keys().collect();
            for (index, key) in keys.into_iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                if is_bare(key) {
                    out.push_str(key);
                } else {
                    out.push_str(&quote(key));
                }
                out.push_str(": ");
                if let Some(item) = map.get(key) {
                    write_inline(item, out);
                }
            }
            out.push('}');
        }
    }
}

/// A value on one line for the report, cut after [`VALUE_CHARS`] characters.
pub fn inline(value: &Value) -> String {
    let text = canonical(value);
    if text.chars().count() <= VALUE_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(VALUE_CHARS).collect();
    cut.push('…');
    cut
}

impl FieldChange {
    /// Where the change is: `spec.template.spec.containers[name=web].image`.
    pub fn path(&self) -> &str {
        match self {
            FieldChange::Set { path, .. }
            | FieldChange::Added { path, .. }
            | FieldChange::Removed { path, .. } => path,
        }
    }
}

impl std::fmt::Display for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldChange::Set { path, old, new } => {
                write!(f, "{path}: {} → {}", inline(old), inline(new))
            }
            FieldChange::Added { path, value } => write!(f, "{path}: + {}", inline(value)),
            FieldChange::Removed { path, value } => write!(f, "{path}: - {}", inline(value)),
        }
    }
}

impl ResourceDiff {
    /// `Deployment/web (apps/v1, namespace shop)`, with the copy's scope when there are several.
    pub fn title(&self) -> String {
        let mut details = vec![self.api_version.clone()];
        if let Some(namespace) = &self.key.namespace {
            details.push(format!("namespace {namespace}"));
        }
        if let Some(scope) = &self.key.scope {
            details.push(format!("in {scope}"));
        }
        format!(
            "{}/{} ({})",
            self.key.kind,
            self.key.name,
            details.join(", ")
        )
    }

    /// `StatefulSet/db`, with the copy's scope when there are several (`StatefulSet/db in
    /// prod/`).
    pub fn short_title(&self) -> String {
        match &self.key.scope {
            Some(scope) => format!("{}/{} in {scope}", self.key.kind, self.key.name),
            None => format!("{}/{}", self.key.kind, self.key.name),
        }
    }
}

impl SemanticDiff {
    /// Whether the two sides hold the same resources with the same fields.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// How many resources were changed, added and removed.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count =
            |f: fn(&ResourceChange) -> bool| self.resources.iter().filter(|r| f(&r.change)).count();
        (
            count(|c| matches!(c, ResourceChange::Changed(_))),
            count(|c| matches!(c, ResourceChange::Added)),
            count(|c| matches!(c, ResourceChange::Removed)),
        )
    }

    /// Every change the API server will not make in place, with its resource.
    pub fn immutable_changes(&self) -> Vec<(&ResourceDiff, &ImmutableChange)> {
        self.resources
            .iter()
            .flat_map(|r| r.immutable.iter().map(move |change| (r, change)))
            .collect()
    }

    /// Only the changes the API server will not make in place, one line each with the resource,
    /// the field and what it takes (what `k8sc build` reports); empty when there are none.
    pub fn render_immutable(&self) -> String {
        self.immutable_changes()
            .iter()
            .map(|(resource, change)| {
                format!(
                    "! {}: `{}` cannot be updated in place: {}\n",
                    resource.title(),
                    change.field,
                    change.remedy
                )
            })
            .collect()
    }

    /// The report: `~`, `+` or `-` and the resource, then one indented line per changed field;
    /// a closing count line. Empty when there is no difference. A change to a field the API
    /// server will not update in place is marked `!`, followed by what it takes, and counted on a
    /// last line.
    pub fn render(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        let mut text = String::new();
        for resource in &self.resources {
            let marker = match resource.change {
                ResourceChange::Changed(_) => '~',
                ResourceChange::Added => '+',
                ResourceChange::Removed => '-',
            };
            text.push_str(&format!("{marker} {}\n", resource.title()));
            if let ResourceChange::Changed(changes) = &resource.change {
                for change in changes {
                    let immutable = resource
                        .immutable
                        .iter()
                        .any(|field| field.covers(change.path()));
                    let indent = if immutable { "  ! " } else { "    " };
                    text.push_str(&format!("{indent}{change}\n"));
                }
                for field in &resource.immutable {
                    text.push_str(&format!(
                        "    ! `{}` cannot be updated in place: {}\n",
                        field.field, field.remedy
                    ));
                }
            }
        }
        let (changed, added, removed) = self.counts();
        text.push_str(&format!(
            "\n{changed} changed, {added} added, {removed} removed\n"
        ));
        let immutable = self.immutable_changes();
        if !immutable.is_empty() {
            let fields: Vec<String> = immutable
                .iter()
                .map(|(resource, change)| format!("{} {}", resource.short_title(), change.field))
                .collect();
            let count = match fields.len() {
                1 => "1 change".to_string(),
                n => format!("{n} changes"),
            };
            text.push_str(&format!(
                "! {count} the API server will not apply in place (a `kubectl apply` or an Argo CD sync fails on it): {}\n",
                fields.join(", ")
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests;
