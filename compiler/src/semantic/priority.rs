//! `priority critical { value: 1000000, preemption: never }`: a PriorityClass the platform
//! declares once, imported like tiers and named by workloads' `priority`; or `{ assumed: true }`
//! for one the cluster already has.

use super::reader::Ctx;
use crate::diagnostics::Code;
use crate::model::placement::{MAX_PRIORITY, PRIORITY_FIELDS, Preemption};
use crate::model::spec::Sourced;
use k8sc_grammar::{Block, Span};

/// Everything a `priority` declaration says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PrioritySpec {
    /// `value`.
    pub value: Option<Sourced<i32>>,
    /// `preemption`.
    pub preemption: Option<Sourced<Preemption>>,
    /// `description`.
    pub description: Option<Sourced<String>>,
    /// `assumed: true`: the cluster has it; nothing is emitted.
    pub assumed: bool,
    /// Fields written but rejected (already reported).
    pub rejected: bool,
}

/// Reads the body of a `priority` declaration named `name` (its span `name_span`).
pub fn read_priority(
    ctx: &mut Ctx<'_>,
    block: &Block,
    name: &str,
    name_span: Span,
) -> PrioritySpec {
    let mut spec = PrioritySpec::default();
    let before = ctx.diagnostics.len();
    if name.starts_with("system-") {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidPriority,
                format!("priority class name `{name}` starts with `system-`"),
                name_span,
            )
            .with_label("reserved for the cluster's own classes")
            .with_note(
                "the API server refuses to create a PriorityClass whose name starts with `system-`",
            ),
        );
    }
    for (info, field) in ctx.known_fields(block, PRIORITY_FIELDS, "a priority class") {
        let value = &field.value;
        let span = value.span;
        match info.name {
            "value" => {
                let Some(n) = ctx.read_count(
                    value,
                    "a priority",
                    i64::from(i32::MIN),
                    i64::from(i32::MAX),
                ) else {
                    continue;
                };
                if n > MAX_PRIORITY {
                    ctx.report(
                        ctx.diagnostic(
                            Code::InvalidPriority,
                            format!("priority {n} is above {MAX_PRIORITY}"),
                            span,
                        )
                        .with_label("values above 1000000000 are the cluster's own classes")
                        .with_note("the API server refuses a PriorityClass above 1000000000 unless its name starts with `system-`")
                        .with_help(format!("use at most {MAX_PRIORITY}")),
                    );
                    continue;
                }
                spec.value = i32::try_from(n).ok().map(|n| ctx.sourced(n, span));
            }
            "preemption" => {
                spec.preemption = ctx
                    .read_choice(
                        value,
                        "preemption policy",
                        &[("lower", Preemption::Lower), ("never", Preemption::Never)],
                    )
                    .map(|p| ctx.sourced(p, span));
            }
            "description" => {
                spec.description = ctx.read_string(value).map(|d| ctx.sourced(d, span))
            }
            _ => spec.assumed = ctx.read_bool(value).unwrap_or(false),
        }
    }
    spec.rejected = ctx.diagnostics.len() > before;
    if spec.rejected {
        return spec;
    }
    if spec.assumed {
        if let Some(value) = &spec.value {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidPriority,
                    "an assumed priority class has its value in the cluster",
                    value.origin.span,
                )
                .with_label("not emitted, so never applied")
                .with_help("remove `value`, or `assumed: true` to let k8sc emit the class"),
            );
            spec.rejected = true;
        }
    } else if spec.value.is_none() {
        ctx.report(
            ctx.diagnostic(
                Code::MissingField,
                format!("priority `{name}` has no `value`"),
                name_span,
            )
            .with_label("missing `value`")
            .with_help("add `value: 1000`, or `assumed: true` if the cluster already has it"),
        );
        spec.rejected = true;
    }
    spec
}
