//! What the Kyverno backend's output needs from the cluster: Kyverno at a release that reads the
//! rule-level `failureAction` its policies carry.

use super::rules;
use crate::ir::AppIr;
use crate::requirements::{Collector, Component, Version};

/// The oldest Kyverno that reads a rule's own `failureAction` (added in 1.13; older releases
/// read only the policy-wide `validationFailureAction`, deprecated since).
pub const MINIMUM_KYVERNO: Version = Version::new(1, 13);

/// States what `app`'s Kyverno policies need, if it has any.
pub fn app(app: &AppIr, out: &mut Collector) {
    if !app
        .rules
        .iter()
        .any(|rule| !rules::rules(app, rule).is_empty())
    {
        return;
    }
    out.component(
        Component::Kyverno,
        Some(MINIMUM_KYVERNO),
        format!(
            "rule-level `failureAction` in the `kyverno.io/v1` Policies of namespace `{}`",
            app.namespace.value
        ),
        &app.name,
    );
}
