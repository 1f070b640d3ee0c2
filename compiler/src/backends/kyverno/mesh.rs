//! The containers a service mesh injects into the pods of a meshed namespace, and how the image
//! rules leave them alone without admitting anything else.
//!
//! Istio's injector adds `istio-proxy` (a native sidecar in `initContainers` when the pod asks for
//! one with the alpha annotation `sidecar.istio.io/nativeSidecar`, else a container in
//! `containers`) and `istio-init` or, with Istio CNI, `istio-validation` (init containers), all
//! running Istio's proxy image, `proxyv2`, from the mesh's registry. Their image is the mesh's,
//! not the application's, so the image rules (`trusted_registries`, `pinned_images`,
//! `digest_images`, any rule on `image.*`) skip a container exactly when it has one of these names
//! *and* runs `proxyv2` from one of Istio's official registries — wherever the injector put it,
//! so nothing depends on the annotation being honoured. Any other image under those names, and
//! any image under any other name, is checked. Every other rule (privileges, user, resources)
//! holds for the mesh's containers like for the application's.

use super::conditions::condition;
use super::crd::{AnyConditions, Operator};
use super::keys::IMAGE;
use serde_json::json;

/// The names Istio gives the containers it injects.
pub const MESH_CONTAINERS: [&str; 3] = ["istio-proxy", "istio-init", "istio-validation"];

/// Istio's proxy image in Istio's official registries (Docker Hub and Google's), as
/// `registry/path`: the only images the injected containers may run and still skip the image
/// rules. A mirrored proxy is an image like any other: list its registry in `trusted_registries`
/// and pin it as the rules ask.
pub const MESH_PROXY_IMAGES: [&str; 2] =
    ["docker.io/istio/proxyv2", "gcr.io/istio-release/proxyv2"];

/// The `foreach` preconditions of an image rule in a meshed namespace: the container is checked
/// unless it is one of the mesh's (its name *and* its image).
pub fn not_a_mesh_container() -> AnyConditions {
    AnyConditions {
        any: vec![
            condition(
                "element.name".to_string(),
                Operator::AnyNotIn,
                json!(MESH_CONTAINERS),
            ),
            condition(
                format!("join('/', [{IMAGE}.registry || '', {IMAGE}.path || ''])"),
                Operator::AnyNotIn,
                json!(MESH_PROXY_IMAGES),
            ),
        ],
    }
}
