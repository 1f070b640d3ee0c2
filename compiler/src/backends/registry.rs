//! The registered backends: the one list the build, the editor preview, Argo CD's sync waves and
//! AppProjects, `k8sc requirements` and the tests iterate. Adding a backend is one line here.

use super::{Backend, argocd, istio, kubernetes, kyverno};

/// Every backend, in the order their documents are built (which decides nothing in the output:
/// files are laid out by path).
pub static BACKENDS: &[&dyn Backend] = &[
    &kubernetes::Kubernetes,
    &kyverno::Kyverno,
    &istio::Istio,
    &argocd::ArgoCd,
];
