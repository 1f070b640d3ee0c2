//! What the Kyverno backend's output needs from the cluster: Kyverno at a release that reads the
//! rule-level `failureAction` its policies carry.

use super::rules;
use crate::backends::needs::{Collector, Component, Version};
use crate::ir::AppIr;

/// The oldest Kyverno that enforces the policies k8sc writes: each rule carries its own
/// `validate.failureAction` (`Enforce` or `Audit`), which Kyverno reads from 1.13 on (kyverno#10528);
/// the policy-wide `spec.validationFailureAction` it replaces is deprecated and is not written, so
/// an older Kyverno would only audit every rule. (The bare-`Pod` rules checking the
/// `pods/ephemeralcontainers` subresource of `kubectl debug` need 1.10, kyverno#6963.)
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
        Component::KYVERNO,
        Some(MINIMUM_KYVERNO),
        format!(
            "rule-level `failureAction` in the `kyverno.io/v1` Policies of namespace `{}`",
            app.namespace.value
        ),
        &app.name,
    );
}
