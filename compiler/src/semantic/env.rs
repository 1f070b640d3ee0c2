//! Reading an `env` declaration: overrides by path. `tier: foundation`, `namespace: shop-dev`,
//! `cluster: "https://…"` override the app; `web.replicas: 1` or `web.env { LOG_LEVEL: "debug" }`
//! override a workload, and so does a workload block, `web { replicas: 1 }`, which may also hold
//! exceptions scoped to the environment (`web { allow production.replicas_min because "…" }`).
//! Which workloads exist is only known per app, so paths are checked against them when the
//! environment is applied (`semantic::envs`).

use super::app::read_app;
use super::gitops::{GitOpsFields, read_argocd, read_gitops_override};
use super::reader::Ctx;
use super::workload::{WorkloadBlock, read_workload};
use crate::diagnostics::Code;
use crate::model::schema::{APP_FIELDS, WORKLOAD_FIELDS};
use crate::model::spec::{AllowSpec, AppSpec, Sourced, WorkloadSpec};
use k8sc_grammar::{Block, BlockItem, Field, Key, Span, Value, ValueKind};
use std::collections::BTreeMap;

/// One workload's overrides in an environment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkloadOverride {
    /// Where the workload's name is first written in the environment.
    pub name_span: Span,
    /// The overridden fields.
    pub spec: WorkloadSpec,
    /// The fields written, with the span of each key, to check them against the workload's kind.
    pub fields: Vec<(String, Span)>,
    /// Exceptions scoped to this environment (`web { allow RULE because "…" }`).
    pub allows: Vec<AllowSpec>,
}

/// Everything an `env` declaration says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvSpec {
    /// App fields it overrides.
    pub app: AppSpec,
    /// `cluster`: the API server URL the environment deploys to.
    pub cluster: Option<Sourced<String>>,
    /// Workload overrides, by workload name as written.
    pub workloads: BTreeMap<String, WorkloadOverride>,
    /// GitOps fields it overrides (`gitops.revision: "release"`, `gitops: argocd { … }`), each
    /// field winning over the app's.
    pub gitops: Option<Sourced<GitOpsFields>>,
}

/// Reads the body of an environment.
pub fn read_env(ctx: &mut Ctx<'_>, block: &Block) -> EnvSpec {
    let mut spec = EnvSpec::default();
    let mut app_items = Vec::new();
    let mut by_workload: BTreeMap<String, (Span, Vec<BlockItem>)> = BTreeMap::new();
    let mut allows: BTreeMap<String, Vec<AllowSpec>> = BTreeMap::new();
    let mut gitops: Option<(Span, Vec<BlockItem>)> = None;
    for item in &block.items {
        let field = match item {
            BlockItem::Field(field) => field,
            BlockItem::Allow(allow) => {
                report_unscoped_allow(ctx, allow);
                continue;
            }
            // `require` is reported as misplaced by the app reader below.
            BlockItem::Require(_) => {
                app_items.push(item.clone());
                continue;
            }
        };
        let Some(first) = field.key.first() else {
            continue;
        };
        if first.name == "gitops" {
            // `gitops: argocd { revision: "release" }` or `gitops.revision: "release"`: the
            // fields written override the app's, one by one.
            let items = if field.key.len() == 1 {
                read_argocd(ctx, &field.value).map_or_else(Vec::new, |b| b.items.clone())
            } else {
                vec![BlockItem::Field(nested(field))]
            };
            gitops
                .get_or_insert_with(|| (field.span, Vec::new()))
                .1
                .extend(items);
            continue;
        }
        if field.key.len() == 1 && first.name == "cluster" {
            spec.cluster =
                read_cluster(ctx, &field.value).map(|c| ctx.sourced(c, field.value.span));
            continue;
        }
        let is_app_field = APP_FIELDS.iter().any(|f| f.name == first.name);
        if field.key.len() == 1 && is_app_field {
            app_items.push(item.clone());
            continue;
        }
        if field.key.len() == 1
            && let ValueKind::Block(body) = &field.value.kind
            && !field.has_colon
        {
            // `web { replicas: 1, allow RULE because "…" }`: a block of the workload's fields.
            let entry = by_workload
                .entry(first.name.clone())
                .or_insert_with(|| (first.span, Vec::new()));
            for inner in &body.items {
                match inner {
                    BlockItem::Allow(allow) => {
                        allows
                            .entry(first.name.clone())
                            .or_default()
                            .push(AllowSpec {
                                name: allow.name_text(),
                                name_span: allow.name_span(),
                                reason: allow.reason.value.clone(),
                                span: allow.span,
                                origin: ctx.origin(allow.span),
                            });
                    }
                    other => entry.1.push(other.clone()),
                }
            }
            continue;
        }
        if field.key.len() == 1 {
            let mut diagnostic = ctx
                .diagnostic(
                    Code::UnknownEnvPath,
                    format!(
                        "`{}` is not an app field, and names no workload field",
                        first.name
                    ),
                    first.span,
                )
                .with_label("expected an app field, `cluster`, or `WORKLOAD.FIELD`");
            if WORKLOAD_FIELDS.iter().any(|f| f.name == first.name) {
                diagnostic = diagnostic.with_help(format!(
                    "a workload field is overridden with the workload's name: `web.{}: …`",
                    first.name
                ));
            } else {
                let candidates = APP_FIELDS.iter().map(|f| f.name).chain(["cluster"]);
                if let Some(best) = super::suggest::closest(&first.name, candidates) {
                    diagnostic = diagnostic.with_replacement(best.to_string());
                }
            }
            ctx.report(diagnostic);
            continue;
        }
        // `WORKLOAD.FIELD…: value`: the rest of the path becomes a field of the workload.
        let entry = by_workload
            .entry(first.name.clone())
            .or_insert_with(|| (first.span, Vec::new()));
        entry.1.push(BlockItem::Field(nested(field)));
    }
    spec.app = read_app(
        ctx,
        &Block {
            items: app_items,
            span: block.span,
            closed: true,
        },
    );
    if let Some((span, items)) = gitops {
        let block = Block {
            items,
            span,
            closed: true,
        };
        let fields = read_gitops_override(ctx, &block);
        spec.gitops = Some(ctx.sourced(fields, span));
    }
    for (workload, (name_span, items)) in by_workload {
        let fields = items
            .iter()
            .filter_map(|i| match i {
                BlockItem::Field(f) => f.key.first().map(|k| (k.name.clone(), k.span)),
                _ => None,
            })
            .collect();
        let block = Block {
            items,
            span: name_span,
            closed: true,
        };
        let overrides = read_workload(ctx, &block, WorkloadBlock::Environment);
        let allows = allows.remove(&workload).unwrap_or_default();
        spec.workloads.insert(
            workload,
            WorkloadOverride {
                name_span,
                spec: overrides,
                fields,
                allows,
            },
        );
    }
    spec
}

/// An `allow` written directly in an environment: it must name the workload it exempts.
fn report_unscoped_allow(ctx: &mut Ctx<'_>, allow: &k8sc_grammar::Allow) {
    ctx.report(
        ctx.diagnostic(
            Code::UnknownField,
            "an `allow` in an environment must name the workload it exempts",
            allow.keyword_span,
        )
        .with_label("which workload?")
        .with_help(format!(
            "write it in the workload's block: `web {{ allow {} because \"…\" }}`",
            allow.name_text()
        )),
    );
}

/// `web.probes.ready: tcp` becomes the field `probes { ready: tcp }` of `web`.
fn nested(field: &Field) -> Field {
    let rest: Vec<Key> = field.key[1..].to_vec();
    if rest.len() == 1 {
        return Field {
            key: rest,
            value: field.value.clone(),
            has_colon: field.has_colon,
            span: field.span,
        };
    }
    let inner = Field {
        key: rest[1..].to_vec(),
        value: field.value.clone(),
        has_colon: field.has_colon,
        span: field.span,
    };
    let inner = nested_tail(inner);
    Field {
        key: vec![rest[0].clone()],
        value: Value {
            span: field.value.span,
            kind: ValueKind::Block(Block {
                items: vec![BlockItem::Field(inner)],
                span: field.value.span,
                closed: true,
            }),
        },
        has_colon: false,
        span: field.span,
    }
}

/// Nests the remaining dotted segments of a field, one block per segment.
fn nested_tail(field: Field) -> Field {
    if field.key.len() <= 1 {
        return field;
    }
    let head = field.key[0].clone();
    let inner = nested_tail(Field {
        key: field.key[1..].to_vec(),
        value: field.value.clone(),
        has_colon: field.has_colon,
        span: field.span,
    });
    Field {
        key: vec![head],
        value: Value {
            span: field.value.span,
            kind: ValueKind::Block(Block {
                items: vec![BlockItem::Field(inner)],
                span: field.value.span,
                closed: true,
            }),
        },
        has_colon: false,
        span: field.span,
    }
}

/// `cluster: "https://prod.k8s.acme.internal"`: an https URL of an API server.
fn read_cluster(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let text = ctx.read_string(value)?;
    let valid = text.starts_with("https://")
        && text.len() > "https://".len()
        && !text.contains(char::is_whitespace);
    if !valid {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                format!("`{text}` is not an API server URL"),
                value.span,
            )
            .with_label("expected `https://HOST[:PORT]`")
            .with_help("write the cluster's API server, e.g. `cluster: \"https://prod.k8s.acme.internal\"`"),
        );
        return None;
    }
    Some(text.trim_end_matches('/').to_string())
}
