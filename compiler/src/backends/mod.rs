//! Backends: each turns the IR into documents for one target. They read only the IR (and leaf
//! types), never the output stage. Each target is one folder implementing [`Backend`], listed
//! once in [`registry::BACKENDS`].

pub mod argocd;
mod backend;
pub mod istio;
pub mod kubernetes;
pub mod kyverno;
pub mod needs;
pub mod registry;

pub use backend::{Backend, EnvOutput, Kind, Kinds, SharedFolder, Subject, api_group};

/// The tool a document is for; each target gets its own output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    folder: &'static str,
}

impl Target {
    /// The target writing to `OUT/<env>/<folder>/`.
    pub const fn new(folder: &'static str) -> Target {
        Target { folder }
    }

    /// The output folder name.
    pub fn folder(self) -> &'static str {
        self.folder
    }
}

/// One generated resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The app it belongs to (Kubernetes name).
    pub app: String,
    /// The target.
    pub target: Target,
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// The stable file name without extension (`deployment-web`): it does not change when the
    /// resource's content-hashed name does.
    pub file_stem: String,
    /// The source file it was generated from (display path), for the file header.
    pub source: String,
    /// The resource as JSON (serialised to YAML by the writer).
    pub body: serde_json::Value,
}

/// What the Argo CD backend needs to know of a resource another backend emitted, so the
/// resources themselves can be rendered to text and dropped as soon as they are built.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceSummary {
    /// The app it belongs to.
    pub app: String,
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// Whether it has a `metadata.namespace` (otherwise it is cluster-scoped).
    pub namespaced: bool,
}

impl Resource {
    /// What Argo CD needs to know of this resource.
    pub fn summary(&self) -> ResourceSummary {
        ResourceSummary {
            app: self.app.clone(),
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            namespaced: self.body.pointer("/metadata/namespace").is_some(),
        }
    }

    /// Builds a resource from a typed Kubernetes object.
    pub fn new<T>(app: &str, target: Target, source: &str, stem_name: &str, object: &T) -> Resource
    where
        T: k8s_openapi::Resource + serde::Serialize,
    {
        let body = serde_json::to_value(object).unwrap_or(serde_json::Value::Null);
        Resource::from_value(
            app,
            target,
            source,
            T::API_VERSION,
            T::KIND,
            stem_name,
            body,
        )
    }

    /// Builds a resource from JSON, for kinds without a `k8s-openapi` type (CRDs).
    pub fn from_value(
        app: &str,
        target: Target,
        source: &str,
        api_version: &str,
        kind: &str,
        stem_name: &str,
        body: serde_json::Value,
    ) -> Resource {
        let name = body
            .pointer("/metadata/name")
            .and_then(serde_json::Value::as_str)
            .unwrap_or(stem_name)
            .to_string();
        Resource {
            app: app.to_string(),
            target,
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            name,
            file_stem: format!("{}-{stem_name}", kind.to_ascii_lowercase()),
            source: source.to_string(),
            body,
        }
    }
}
