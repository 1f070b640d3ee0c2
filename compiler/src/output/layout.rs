//! Where each document goes, and the Kustomization files that tie folders together.
//!
//! A project with one app writes `OUT/<env>/<target>/<kind>-<name>.yaml`; a project with several
//! apps writes `OUT/<env>/<app>/<target>/…`. Every folder gets a `Kustomization` file listing its
//! contents (the extension-less name kustomize and Argo CD recognise, so `kubectl apply -f` on a
//! folder and schema validators see only Kubernetes resources). Paths and contents depend only on
//! the input: no timestamps, no absolute paths, sorted everywhere.

use super::yaml::{header, to_yaml};
use crate::backends::{Resource, Target};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

pub use crate::semantic::structure::DEFAULT_ENV;

/// The file name of kustomize's index file in every folder.
pub const KUSTOMIZATION: &str = "Kustomization";

/// The file name of what the cluster must provide, in every environment's folder. It is listed
/// in no `Kustomization` and is not YAML, so kustomize, Argo CD and `kubectl apply -f` skip it.
pub const REQUIREMENTS: &str = "REQUIREMENTS.md";

/// Whether a file name is one k8sc writes into an output folder: a `*.yaml` resource, a
/// `Kustomization`, or [`REQUIREMENTS`].
pub fn is_output_file_name(name: &str) -> bool {
    name.ends_with(".yaml") || name == KUSTOMIZATION || name == REQUIREMENTS
}

/// The complete output: relative path (with `/`) → file content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutputTree {
    /// Every file, by relative path.
    pub files: BTreeMap<String, String>,
    /// How many Kubernetes resources (documents) the tree holds.
    pub resources: usize,
}

impl OutputTree {
    /// Adds the files of another tree (another environment's).
    pub fn extend(&mut self, other: OutputTree) {
        self.files.extend(other.files);
        self.resources += other.resources;
    }

    /// The resource documents as one multi-document YAML stream, in path order, each preceded by a
    /// comment naming the file it would be written to.
    pub fn to_stream(&self) -> String {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = self.write_stream(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes [`OutputTree::to_stream`]'s text to `out` piece by piece, without assembling it.
    pub fn write_stream(&self, out: &mut impl Write) -> io::Result<()> {
        for (path, content) in &self.files {
            // Only resources: not the folders' indexes, nor the requirements.
            if !path.ends_with(".yaml") {
                continue;
            }
            out.write_all(b"---\n# ")?;
            out.write_all(path.as_bytes())?;
            out.write_all(b"\n")?;
            let body = content.split_once('\n').map_or("", |(_, body)| body);
            out.write_all(body.as_bytes())?;
        }
        Ok(())
    }
}

/// One resource rendered to the text of its file, with what the layout needs to place it: the
/// resource's tree is dropped once it is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The app it belongs to.
    pub app: String,
    /// The target, which names its folder.
    pub target: Target,
    /// The file name without extension.
    pub file_stem: String,
    /// The file's content: the header comment, then the YAML document.
    pub content: String,
}

/// Renders one resource to its file's text.
pub fn render_document(resource: &Resource) -> Document {
    let mut content = header(&resource.source);
    content.push_str(&to_yaml(&resource.body));
    Document {
        app: resource.app.clone(),
        target: resource.target,
        file_stem: resource.file_stem.clone(),
        content,
    }
}

/// Renders every resource on all cores, in order.
pub fn render_documents(resources: &[Resource]) -> Vec<Document> {
    super::parallel::map(resources, render_document)
}

/// Lays out the resources of one environment; `several_apps` (a property of the project, not of
/// the environment) puts each app in its own folder.
pub fn build_tree(env: &str, documents: Vec<Document>, several_apps: bool) -> OutputTree {
    let mut tree = OutputTree::default();
    // folder → entries it lists
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for document in documents {
        let base = if several_apps {
            format!("{env}/{}", document.app)
        } else {
            env.to_string()
        };
        let folder = format!("{base}/{}", document.target.folder());
        let file = format!("{}.yaml", document.file_stem);
        tree.files
            .insert(format!("{folder}/{file}"), document.content);
        tree.resources += 1;
        folders.entry(folder.clone()).or_default().insert(file);
        folders
            .entry(base.clone())
            .or_default()
            .insert(document.target.folder().to_string());
        if several_apps {
            folders
                .entry(env.to_string())
                .or_default()
                .insert(document.app);
        }
    }
    for (folder, entries) in folders {
        tree.files
            .insert(format!("{folder}/{KUSTOMIZATION}"), kustomization(&entries));
    }
    tree
}

/// `OUT/<env>/REQUIREMENTS.md`, with `content` (see [`crate::requirements::render::markdown`]).
pub fn requirements_tree(env: &str, content: String) -> OutputTree {
    let mut tree = OutputTree::default();
    tree.files.insert(format!("{env}/{REQUIREMENTS}"), content);
    tree
}

/// Lays out resources that belong to no environment (Argo CD's) in `OUT/<folder>/`.
pub fn build_shared_tree(folder: &str, resources: &[Resource]) -> OutputTree {
    let mut tree = OutputTree::default();
    let mut entries = BTreeSet::new();
    for document in render_documents(resources) {
        let file = format!("{}.yaml", document.file_stem);
        tree.files
            .insert(format!("{folder}/{file}"), document.content);
        tree.resources += 1;
        entries.insert(file);
    }
    if !entries.is_empty() {
        tree.files
            .insert(format!("{folder}/{KUSTOMIZATION}"), kustomization(&entries));
    }
    tree
}

fn kustomization(entries: &BTreeSet<String>) -> String {
    let mut out = header("the .k8s sources");
    out.push_str("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
    for entry in entries {
        out.push_str("  - ");
        out.push_str(entry);
        out.push('\n');
    }
    out
}
