//! What the cluster must provide for the output to work: per environment, every controller and
//! CRD the output relies on with its minimum version, the Secrets and keys it references, the
//! StorageClasses, Gateways, IngressClasses and PriorityClasses it names, and the other objects
//! it assumes exist.
//!
//! Read from the lowered environments (the IR), never from syntax, so it stays true whatever the
//! backends emit: each registered backend states its own needs
//! ([`crate::backends::Backend::app_requirements`]) into a [`Collector`], and [`gather`] — the one
//! function `k8sc requirements`, `k8sc build` (its summary line and `OUT/<env>/REQUIREMENTS.md`)
//! and the tests call — collects them.

pub mod render;

pub use crate::backends::needs::{
    ClusterObject, Collector, Component, ComponentNeed, Consumer, EnvRequirements, GatewayKind,
    GatewayNeed, NamedNeed, Need, SecretNeed, Version,
};

use crate::backends::{Backend, registry};
use crate::ir::ProjectIr;

/// The requirements of every environment, in the order given.
pub fn gather(envs: &[(String, ProjectIr)]) -> Vec<EnvRequirements> {
    envs.iter()
        .map(|(env, ir)| for_environment(env, ir))
        .collect()
}

/// The requirements of one environment, as the registered backends state them.
pub fn for_environment(env: &str, ir: &ProjectIr) -> EnvRequirements {
    for_environment_with(registry::BACKENDS, env, ir)
}

/// The requirements of one environment, as `backends` state them (the registered ones, or
/// others in a test): app by app, each backend in turn, then each backend's needs for the
/// project as a whole.
pub fn for_environment_with(
    backends: &[&dyn Backend],
    env: &str,
    ir: &ProjectIr,
) -> EnvRequirements {
    let mut collector = Collector::default();
    for app in &ir.apps {
        for backend in backends {
            backend.app_requirements(ir, app, &mut collector);
        }
    }
    for backend in backends {
        backend.project_requirements(ir, &mut collector);
    }
    collector.finish(env)
}
