//! Typed serde structs for exactly the part of Kyverno's `kyverno.io/v1` `Policy` that k8sc emits.
//! Fields that are `None` are left out, so no empty shell is ever written.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;

/// The API version of Kyverno policies.
pub const API_VERSION: &str = "kyverno.io/v1";

/// The kind of a namespaced Kyverno policy.
pub const KIND: &str = "Policy";

/// A namespaced Kyverno policy.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// Always [`API_VERSION`].
    pub api_version: &'static str,
    /// Always [`KIND`].
    pub kind: &'static str,
    /// Name, namespace, labels and annotations.
    pub metadata: ObjectMeta,
    /// The rules.
    pub spec: PolicySpec,
}

/// `spec` of a policy.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicySpec {
    /// Also report existing resources (background scans).
    pub background: bool,
    /// The rules, in a fixed order.
    pub rules: Vec<Rule>,
}

/// One validate rule.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Unique in the policy, at most 63 characters.
    pub name: String,
    /// The resources the rule applies to.
    #[serde(rename = "match")]
    pub match_: MatchResources,
    /// Resources exempted from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude: Option<MatchResources>,
    /// Conditions under which the rule applies at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preconditions: Option<Conditions>,
    /// The check.
    pub validate: Validation,
}

/// `match` / `exclude`: any of the filters.
#[derive(Debug, Clone, Serialize)]
pub struct MatchResources {
    /// The filters; a resource is selected when one of them selects it.
    pub any: Vec<ResourceFilter>,
}

/// One filter of `match.any` / `exclude.any`.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceFilter {
    /// What a resource must be to be selected.
    pub resources: ResourceDescription,
}

/// Kinds, namespaces, operations and labels a selected resource has (all of them).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDescription {
    /// Resource kinds.
    pub kinds: Vec<String>,
    /// Namespaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<Vec<String>>,
    /// Admission operations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operations: Option<Vec<String>>,
    /// Labels of the resource itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}

/// `validate`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    /// `Enforce` or `Audit` (Kyverno 1.13 and later).
    pub failure_action: &'static str,
    /// Shown when the rule denies a resource.
    pub message: String,
    /// Deny when these conditions hold (pod-level clauses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deny: Option<Deny>,
    /// Deny when the conditions hold for any element of a list (container-level clauses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub foreach: Option<Vec<ForEach>>,
}

/// `deny`: the resource is refused when the conditions hold.
#[derive(Debug, Clone, Serialize)]
pub struct Deny {
    /// The conditions.
    pub conditions: Conditions,
}

/// Conditions that must all hold.
#[derive(Debug, Clone, Serialize)]
pub struct Conditions {
    /// Every one of them.
    pub all: Vec<Condition>,
}

/// `key operator value`. Building or copying one counts as work ([`conditions_built`]).
#[derive(Debug, PartialEq, Serialize)]
pub struct Condition {
    /// A `{{ JMESPath }}` expression.
    pub key: String,
    /// A Kyverno condition operator.
    pub operator: Operator,
    /// What the key is compared with.
    pub value: serde_json::Value,
}

impl Condition {
    /// A condition; counted by [`conditions_built`].
    pub fn new(key: String, operator: Operator, value: serde_json::Value) -> Condition {
        count_condition();
        Condition {
            key,
            operator,
            value,
        }
    }
}

impl Clone for Condition {
    fn clone(&self) -> Condition {
        count_condition();
        Condition {
            key: self.key.clone(),
            operator: self.operator,
            value: self.value.clone(),
        }
    }
}

thread_local! {
    static CONDITIONS_BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count_condition() {
    CONDITIONS_BUILT.with(|n| n.set(n.get().saturating_add(1)));
}

/// How many Kyverno conditions this thread has built or copied so far: the work of the backend,
/// which the work-counting tests hold linear in the size of the rules.
pub fn conditions_built() -> usize {
    CONDITIONS_BUILT.with(std::cell::Cell::get)
}

/// The Kyverno condition operators k8sc uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Operator {
    /// Numeric equality (numbers only: strings go through [`Operator::AnyIn`]).
    Equals,
    /// Numeric inequality.
    NotEquals,
    /// `>` on numbers and quantities.
    GreaterThan,
    /// `>=` on numbers and quantities.
    GreaterThanOrEquals,
    /// `<` on numbers and quantities.
    LessThan,
    /// `<=` on numbers and quantities.
    LessThanOrEquals,
    /// The key matches one of the values (wildcards allowed in the values).
    AnyIn,
    /// The key matches none of the values.
    AnyNotIn,
}

/// `validate.foreach[]`: a deny evaluated for every element of a list.
#[derive(Debug, Clone, Serialize)]
pub struct ForEach {
    /// A JMESPath expression for the list (`request.object.spec.containers`).
    pub list: String,
    /// Elements for which these do not hold are skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preconditions: Option<AnyConditions>,
    /// Refuse the resource when the conditions hold for an element.
    pub deny: Deny,
}

/// Conditions of which at least one must hold.
#[derive(Debug, Clone, Serialize)]
pub struct AnyConditions {
    /// Any one of them.
    pub any: Vec<Condition>,
}
