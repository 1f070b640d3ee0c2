//! `patch KIND { … }`: merging a workload's patches into the resources generated for it, and
//! checking — during lowering, with the same code — that each patch targets a resource the
//! workload generates and leaves it a valid object of its Kubernetes type.

mod check;
pub mod merge;

pub use check::check_patches;

use crate::backends::Resource;
use crate::model::patch::PatchSpec;

/// The resource among `resources` (those of one workload named `workload`) that `patch` applies
/// to: the one of its kind with the name it gives, else the only one of its kind, else the one
/// named like the workload. `Err` lists the candidates' names (empty: none of that kind).
pub fn target_index(
    resources: &[Resource],
    workload: &str,
    patch: &PatchSpec,
) -> Result<usize, Vec<String>> {
    let candidates: Vec<usize> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == patch.kind)
        .map(|(i, _)| i)
        .collect();
    let found = match &patch.name {
        Some(name) => candidates
            .iter()
            .copied()
            .find(|i| &resources[*i].name == name || &resources[*i].file_stem == name),
        None if candidates.len() == 1 => candidates.first().copied(),
        None => candidates
            .iter()
            .copied()
            .find(|i| resources[*i].name == workload),
    };
    found.ok_or_else(|| {
        candidates
            .iter()
            .map(|i| resources[*i].name.clone())
            .collect()
    })
}

/// Merges every patch of the workload into its resources, in source order. A patch that
/// targets nothing was reported while checking, and the build stops before rendering then.
pub fn apply(workload: &str, patches: &[PatchSpec], resources: &mut [Resource]) {
    for patch in patches {
        if let Ok(index) = target_index(resources, workload, patch) {
            merge::merge(&mut resources[index].body, &patch.body.to_json());
        }
    }
}
