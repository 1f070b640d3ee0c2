//! Namespaces an app must not be deployed into: those of the cluster itself and of the
//! controllers k8sc's output relies on. k8sc makes the app's namespace its own — it emits the
//! Namespace with Pod Security labels, a ResourceQuota, a LimitRange, a default-deny
//! NetworkPolicy, the mesh's deny-by-default AuthorizationPolicy — and an Argo CD Application
//! that owns it, so in `kube-system` it would cut the cluster's DNS and controllers off, and in
//! the mesh's, the GitOps controller's or the policy engine's it would cut those off.

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::AppIr;
use crate::ir::platform::{ARGOCD_NAMESPACE, ISTIOD_NAMESPACE};

/// The namespace Kyverno, which enforces the output's policies, runs in.
const KYVERNO_NAMESPACE: &str = "kyverno";

/// Who owns `namespace`, if it is one an app must not take.
pub fn owner(namespace: &str) -> Option<&'static str> {
    match namespace {
        "default" => Some("the cluster: every object created without a namespace lands there"),
        ns if ns.starts_with("kube-") => Some(
            "Kubernetes: the `kube-` prefix is reserved for the cluster's own namespaces \
             (`kube-system` runs its DNS and controllers)",
        ),
        ns if ns == ISTIOD_NAMESPACE => Some("the Istio mesh: istiod and its webhooks run there"),
        ns if ns == ARGOCD_NAMESPACE => Some("Argo CD, which deploys the output"),
        KYVERNO_NAMESPACE => Some("Kyverno, whose webhooks admit every pod of the output"),
        _ => None,
    }
}

/// E0035 for an app whose namespace is one of the cluster's or its controllers'.
pub fn check_system_namespace(app: &AppIr) -> Option<Diagnostic> {
    let namespace = app.namespace.value.as_str();
    let gateway = app
        .gateway
        .as_ref()
        .filter(|g| g.value.namespace == namespace)
        .map(|_| "the app's Gateway: a default-deny policy there would cut its ingress off");
    let owner = owner(namespace).or(gateway)?;
    let origin = &app.namespace.origin;
    let file = origin.file().unwrap_or(app.file.as_str());
    Some(
        Diagnostic::new(
            Code::SystemNamespace,
            format!(
                "app `{}` would be deployed into namespace `{namespace}`",
                app.name
            ),
            file,
            origin.span,
        )
        .with_label(format!("`{namespace}` belongs to {owner}"))
        .with_note(
            "k8sc owns the app's namespace: it writes its Namespace (Pod Security labels), quota, \
             limits, a default-deny NetworkPolicy and an Argo CD Application that manages them — \
             here they would apply to pods k8sc does not know",
        )
        .with_help(format!(
            "give the app a namespace of its own, e.g. `namespace: {}`",
            if app.name == namespace {
                format!("{namespace}-app")
            } else {
                app.name.clone()
            }
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::owner;

    #[test]
    fn reserved_namespaces() {
        for ns in [
            "default",
            "kube-system",
            "kube-public",
            "kube-node-lease",
            "istio-system",
            "argocd",
            "kyverno",
        ] {
            assert!(owner(ns).is_some(), "{ns}");
        }
        for ns in [
            "shop",
            "defaults",
            "kube",
            "istio-ingress",
            "argo",
            "gateway-system",
        ] {
            assert!(owner(ns).is_none(), "{ns}");
        }
    }
}
