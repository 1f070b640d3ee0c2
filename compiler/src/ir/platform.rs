//! The namespaces of the platform's controllers the output relies on: where the backends address
//! them, and the namespaces lowering refuses to deploy an app into.

/// The namespace Argo CD runs in, where its Applications live.
pub const ARGOCD_NAMESPACE: &str = "argocd";

/// Where Istio's control plane runs.
pub const ISTIOD_NAMESPACE: &str = "istio-system";
