//! Where a rule in force was declared and how hard it bites: what checking attaches to every rule
//! it binds, and what lowering, the IR and the Kyverno backend carry on (re-exported by
//! `ir::policy`).

use super::expr::Lit;

/// Whether breaking a rule fails the build (and is refused at admission) or only warns (and is
/// audited).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleSeverity {
    /// Refused.
    Error,
    /// Reported.
    Warning,
}

/// Where a rule was declared.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleSource {
    /// A `require` rule of a tier.
    Tier {
        /// The tier.
        tier: String,
        /// The rule's name within the tier (derived from the properties it tests).
        rule: String,
    },
    /// A `policy`, possibly with arguments.
    Policy {
        /// The policy.
        policy: String,
        /// The arguments, as written (`["ghcr.io/acme"]`), empty when it has none.
        args: Vec<Lit>,
    },
}

impl RuleSource {
    /// The name `allow` uses: `pinned_images`, or `production.replicas_min` for a tier rule.
    pub fn allow_name(&self) -> String {
        match self {
            RuleSource::Tier { tier, rule } => format!("{tier}.{rule}"),
            RuleSource::Policy { policy, .. } => policy.clone(),
        }
    }
}
