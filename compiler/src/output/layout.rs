//! Where each document goes, and the Kustomization files that tie folders together.
//!
//! A project with one app writes `OUT/<env>/<target>/<kind>-<name>.yaml`; a project with several
//! apps writes `OUT/<env>/<app>/<target>/…`. Every folder gets a `Kustomization` file listing its
//! contents (the extension-less name kustomize and Argo CD recognise, so `kubectl apply -f` on a
//! folder and schema validators see only Kubernetes resources). Paths and contents depend only on
//! the input: no timestamps, no absolute paths, sorted everywhere.

use super::yaml::{header, to_yaml};
use crate::backends::Resource;
use std::collections::{BTreeMap, BTreeSet};

/// The environment name used until environments exist in the source.
pub const DEFAULT_ENV: &str = "default";

/// The file name of kustomize's index file in every folder.
pub const KUSTOMIZATION: &str = "Kustomization";

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
        let mut out = String::new();
        for (path, content) in &self.files {
            if path.ends_with(KUSTOMIZATION) {
                continue;
            }
            out.push_str("---\n# ");
            out.push_str(path);
            out.push('\n');
            out.push_str(content.split_once('\n').map_or("", |(_, body)| body));
        }
        out
    }
}

/// Lays out the resources of one environment; `several_apps` (a property of the project, not of
/// the environment) puts each app in its own folder.
pub fn build_tree(env: &str, resources: &[Resource], several_apps: bool) -> OutputTree {
    let mut tree = OutputTree::default();
    // folder → entries it lists
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let documents = render_all(resources);
    for (resource, content) in resources.iter().zip(documents) {
        let base = if several_apps {
            format!("{env}/{}", resource.app)
        } else {
            env.to_string()
        };
        let folder = format!("{base}/{}", resource.target.folder());
        let file = format!("{}.yaml", resource.file_stem);
        tree.files.insert(format!("{folder}/{file}"), content);
        tree.resources += 1;
        folders.entry(folder.clone()).or_default().insert(file);
        folders
            .entry(base.clone())
            .or_default()
            .insert(resource.target.folder().to_string());
        if several_apps {
            folders
                .entry(env.to_string())
                .or_default()
                .insert(resource.app.clone());
        }
    }
    for (folder, entries) in folders {
        tree.files
            .insert(format!("{folder}/{KUSTOMIZATION}"), kustomization(&entries));
    }
    tree
}

/// Lays out resources that belong to no environment (Argo CD's) in `OUT/<folder>/`.
pub fn build_shared_tree(folder: &str, resources: &[Resource]) -> OutputTree {
    let mut tree = OutputTree::default();
    let mut entries = BTreeSet::new();
    let documents = render_all(resources);
    for (resource, content) in resources.iter().zip(documents) {
        let file = format!("{}.yaml", resource.file_stem);
        tree.files.insert(format!("{folder}/{file}"), content);
        tree.resources += 1;
        entries.insert(file);
    }
    if !entries.is_empty() {
        tree.files
            .insert(format!("{folder}/{KUSTOMIZATION}"), kustomization(&entries));
    }
    tree
}

/// Every resource's file content (header and YAML), rendered on all cores, in order.
fn render_all(resources: &[Resource]) -> Vec<String> {
    super::parallel::map(resources, |resource| {
        let mut content = header(&resource.source);
        content.push_str(&to_yaml(&resource.body));
        content
    })
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
