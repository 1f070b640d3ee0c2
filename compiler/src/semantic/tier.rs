//! Reading a `tier` declaration: its `defaults` (workload values and namespace settings), its
//! `require` rules, and the policies it applies or requires apps to use.

use super::mesh::{Mesh, Network, read_mesh, read_network};
use super::namespace::{
    read_limit_range, read_pod_security, read_policy_names, read_policy_uses, read_quota,
};
use super::policy::decl::{check_enforceable, check_placeholders, check_size};
use super::policy::expr::Expr;
use super::policy::typecheck::check_condition;
use super::reader::Ctx;
use super::workload::{WorkloadBlock, read_workload};
use crate::model::schema::{TIER_FIELDS, TIER_NAMESPACE_FIELDS};
use crate::model::spec::{LimitRangeIr, PodSecurity, PolicyUse, QuotaIr, Sourced, WorkloadSpec};
use k8sc_grammar::{Block, BlockItem, Span, Value, ValueKind};

/// One `require` rule of a tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierRule {
    /// Its name within the tier, derived from what it tests (`replicas_min`, `probes_ready`).
    pub name: String,
    /// What must hold.
    pub condition: Expr,
    /// The message shown when it does not.
    pub message: String,
    /// The whole rule.
    pub span: Span,
}

/// Everything a `tier` declaration says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TierSpec {
    /// Workload defaults; `None` when they set nothing (a boxed empty spec, not an inline one:
    /// `WorkloadSpec` is over 4 KB, which every trivial tier's memos held twice).
    pub defaults: Option<Box<WorkloadSpec>>,
    /// The namespace's Pod Security level.
    pub pod_security: Option<Sourced<PodSecurity>>,
    /// The namespace's ResourceQuota.
    pub quota: Option<Sourced<QuotaIr>>,
    /// The namespace's LimitRange.
    pub limit_range: Option<Sourced<LimitRangeIr>>,
    /// The namespace's service mesh.
    pub mesh: Option<Sourced<Mesh>>,
    /// Whether the namespace denies traffic the graph does not name.
    pub network: Option<Sourced<Network>>,
    /// The rules every workload of the tier must satisfy.
    pub rules: Vec<TierRule>,
    /// Policies applied to every workload of the tier.
    pub policies: Vec<PolicyUse>,
    /// Policies an app of the tier must use itself, with its own arguments.
    pub require_policies: Vec<(String, Span)>,
    /// `require_gitops: true`: where it is written.
    pub require_gitops: Option<Span>,
}

/// Reads the body of a tier.
pub fn read_tier(ctx: &mut Ctx<'_>, block: &Block) -> TierSpec {
    let mut spec = TierSpec::default();
    for item in &block.items {
        if let BlockItem::Require(require) = item {
            for rule in &require.rules {
                let Some(condition) = check_condition(ctx, &rule.condition, &[]) else {
                    continue;
                };
                let span = rule.condition.span;
                let deny = condition.clone().negate();
                if !check_enforceable(ctx, &deny, span) || !check_size(ctx, &deny, span) {
                    continue;
                }
                if let Some(message) = &rule.message {
                    check_placeholders(ctx, &message.value, message.span, &[]);
                }
                let base = rule_name(&rule.condition);
                let mut name = base.clone();
                let mut n = 2;
                while spec.rules.iter().any(|r| r.name == name) {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                let message = rule.message.as_ref().map_or_else(
                    || format!("the tier requires `{name}`"),
                    |m| m.value.clone(),
                );
                spec.rules.push(TierRule {
                    name,
                    condition,
                    message,
                    span: rule.condition.span,
                });
            }
        }
    }
    for (info, field) in ctx.known_fields(block, TIER_FIELDS, "a tier") {
        let value = &field.value;
        match info.name {
            "defaults" => read_defaults(ctx, &mut spec, value),
            "policies" => spec.policies = read_policy_uses(ctx, value),
            "require_gitops" => {
                if ctx.read_bool(value) == Some(true) {
                    spec.require_gitops = Some(value.span);
                }
            }
            _ => spec.require_policies = read_policy_names(ctx, value),
        }
    }
    spec
}

/// A tier's `defaults`: workload fields, plus the namespace settings.
fn read_defaults(ctx: &mut Ctx<'_>, spec: &mut TierSpec, value: &Value) {
    let ValueKind::Block(block) = &value.kind else {
        ctx.wrong_type(value, "a block of defaults");
        return;
    };
    let is_namespace_field = |item: &BlockItem| match item {
        BlockItem::Field(field) => TIER_NAMESPACE_FIELDS
            .iter()
            .any(|f| field.key.len() == 1 && field.key[0].name == f.name),
        _ => false,
    };
    let workload_part = Block {
        items: block
            .items
            .iter()
            .filter(|i| !is_namespace_field(i))
            .cloned()
            .collect(),
        span: block.span,
        closed: block.closed,
    };
    spec.defaults = super::rules::boxed_unless_empty(read_workload(
        ctx,
        &workload_part,
        WorkloadBlock::Defaults,
    ));
    let namespace_part = Block {
        items: block
            .items
            .iter()
            .filter(|i| is_namespace_field(i))
            .cloned()
            .collect(),
        span: block.span,
        closed: true,
    };
    for (info, field) in ctx.known_fields(&namespace_part, TIER_NAMESPACE_FIELDS, "tier defaults") {
        let value = &field.value;
        let span = value.span;
        match info.name {
            "pod_security" => {
                spec.pod_security = read_pod_security(ctx, value).map(|p| ctx.sourced(p, span))
            }
            "quota" => spec.quota = read_quota(ctx, value).map(|q| ctx.sourced(q, span)),
            "mesh" => spec.mesh = read_mesh(ctx, value).map(|m| ctx.sourced(m, span)),
            "network" => spec.network = read_network(ctx, value).map(|n| ctx.sourced(n, span)),
            _ => spec.limit_range = read_limit_range(ctx, value).map(|l| ctx.sourced(l, span)),
        }
    }
}

/// A rule's name: the first name it tests, with `.` turned into `_` (`replicas.min >= 2` is
/// `replicas_min`).
fn rule_name(condition: &Value) -> String {
    fn first_path(value: &Value) -> Option<String> {
        match &value.kind {
            ValueKind::Path(parts) => {
                let parts: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
                Some(parts.join("_"))
            }
            ValueKind::Call { callee, .. } => {
                let parts: Vec<&str> = callee.iter().map(|p| p.name.as_str()).collect();
                Some(parts.join("_"))
            }
            ValueKind::Unary { operand, .. } => first_path(operand),
            ValueKind::Binary { lhs, rhs, .. } => first_path(lhs).or_else(|| first_path(rhs)),
            _ => None,
        }
    }
    first_path(condition).unwrap_or_else(|| "rule".to_string())
}
