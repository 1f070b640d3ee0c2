//! The types of `mesh` values, as checked (read and checked in `semantic::mesh`).

/// How strictly the mesh requires mutual TLS between workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mtls {
    /// Only mutual TLS is accepted: plaintext from outside the mesh is refused.
    Strict,
    /// Mutual TLS and plaintext are both accepted, while callers migrate into the mesh.
    Permissive,
}

impl Mtls {
    /// The Istio `PeerAuthentication` mode.
    pub fn as_istio(self) -> &'static str {
        match self {
            Mtls::Strict => "STRICT",
            Mtls::Permissive => "PERMISSIVE",
        }
    }
}

/// The service mesh of an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mesh {
    /// No mesh (`mesh: none`): overrides a tier's mesh.
    None,
    /// Istio sidecars in every pod of the namespace.
    Istio {
        /// The mutual TLS mode of the namespace.
        mtls: Mtls,
    },
}

/// Whether a namespace denies the traffic its service graph does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    /// No NetworkPolicy: every pod may talk to every pod (the Kubernetes default).
    Open,
    /// A default-deny NetworkPolicy, and policies admitting exactly the graph's edges.
    DefaultDeny,
}
