//! Reading the namespace-level settings an app or a tier's defaults may set: the Pod Security
//! level, the ResourceQuota and the LimitRange; and the list of policies an app or tier uses.

use super::reader::Ctx;
use crate::model::schema::{LIMIT_RANGE_FIELDS, QUOTA_FIELDS};
use crate::model::spec::{LimitRangeIr, PodSecurity, PolicyUse, QuotaIr};
use crate::types::quantity::{format_bytes, format_cpu};
use k8sc_grammar::{Value, ValueKind};

/// `pod_security: restricted | baseline | privileged`.
pub fn read_pod_security(ctx: &mut Ctx<'_>, value: &Value) -> Option<PodSecurity> {
    ctx.read_choice(
        value,
        "Pod Security level",
        &[
            ("restricted", PodSecurity::Restricted),
            ("baseline", PodSecurity::Baseline),
            ("privileged", PodSecurity::Privileged),
        ],
    )
}

/// `quota { cpu, memory, pods, storage }`.
pub fn read_quota(ctx: &mut Ctx<'_>, value: &Value) -> Option<QuotaIr> {
    let ValueKind::Block(block) = &value.kind else {
        ctx.wrong_type(value, "a block `{ cpu: 20, memory: 64Gi, pods: 200 }`");
        return None;
    };
    let mut quota = QuotaIr::default();
    for (info, field) in ctx.known_fields(block, QUOTA_FIELDS, "`quota`") {
        let v = &field.value;
        match info.name {
            "cpu" => quota.cpu = ctx.read_cpu(v),
            "memory" => quota.memory = ctx.read_bytes(v, "memory"),
            "pods" => quota.pods = ctx.read_u32(v, "pods", 1, 1_000_000),
            _ => quota.storage = ctx.read_bytes(v, "storage"),
        }
    }
    Some(quota)
}

/// `limit_range { cpu: REQUEST..LIMIT, memory: REQUEST..LIMIT, max_cpu, max_memory }`.
pub fn read_limit_range(ctx: &mut Ctx<'_>, value: &Value) -> Option<LimitRangeIr> {
    let ValueKind::Block(block) = &value.kind else {
        ctx.wrong_type(value, "a block `{ cpu: 100m..1, memory: 128Mi..512Mi }`");
        return None;
    };
    let mut range = LimitRangeIr::default();
    for (info, field) in ctx.known_fields(block, LIMIT_RANGE_FIELDS, "`limit_range`") {
        let v = &field.value;
        match info.name {
            "cpu" => {
                if let Some(r) = ctx.read_resource(v, "cpu", |c, v| c.read_cpu(v), format_cpu) {
                    range.cpu_request = Some(r.request);
                    range.cpu_limit = r.limit;
                }
            }
            "memory" => {
                if let Some(r) =
                    ctx.read_resource(v, "memory", |c, v| c.read_bytes(v, "memory"), format_bytes)
                {
                    range.memory_request = Some(r.request);
                    range.memory_limit = Some(r.limit.unwrap_or(r.request));
                }
            }
            "max_cpu" => range.max_cpu = ctx.read_cpu(v),
            _ => range.max_memory = ctx.read_bytes(v, "memory"),
        }
    }
    Some(range)
}

/// `policies: [pinned_images, trusted_registries(["ghcr.io/acme"])]`.
pub fn read_policy_uses(ctx: &mut Ctx<'_>, value: &Value) -> Vec<PolicyUse> {
    let ValueKind::List(items) = &value.kind else {
        ctx.wrong_type(value, "a list of policies");
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            ValueKind::Path(parts) if parts.len() == 1 => out.push(PolicyUse {
                name: parts[0].name.clone(),
                name_span: parts[0].span,
                args: None,
                span: item.span,
            }),
            ValueKind::Call { callee, args } if callee.len() == 1 => out.push(PolicyUse {
                name: callee[0].name.clone(),
                name_span: callee[0].span,
                args: Some(args.clone()),
                span: item.span,
            }),
            _ => ctx.wrong_type(
                item,
                "a policy name or a call such as `trusted_registries([\"ghcr.io/acme\"])`",
            ),
        }
    }
    out
}

/// `require_policies: [trusted_registries]`: names only.
pub fn read_policy_names(ctx: &mut Ctx<'_>, value: &Value) -> Vec<(String, k8sc_grammar::Span)> {
    let ValueKind::List(items) = &value.kind else {
        ctx.wrong_type(value, "a list of policy names");
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            ValueKind::Path(parts) if parts.len() == 1 => {
                out.push((parts[0].name.clone(), parts[0].span))
            }
            _ => ctx.wrong_type(item, "a policy name"),
        }
    }
    out
}
