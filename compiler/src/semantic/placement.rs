//! Reading the placement fields of a workload — `nodes`, `tolerations`, `affinity`, `spread`,
//! `priority`, `runtime_class` — with the checks one field allows on its own: label keys and
//! values, effects, durations, names the API server accepts.

use super::reader::{Ctx, choice_list};
use crate::diagnostics::Code;
use crate::model::placement::*;
use crate::model::spec::{Entry, Spread};
use crate::types::names;
use k8sc_grammar::{Field, Span, UnaryOp, Value, ValueKind};
use std::collections::HashMap;

/// A single bare word, if `value` is one.
fn word(value: &Value) -> Option<&str> {
    match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => Some(parts[0].name.as_str()),
        _ => None,
    }
}

/// The fields of a `{ "label/key": … }` block with valid label keys, each key once.
fn label_keyed<'v>(
    ctx: &mut Ctx<'_>,
    value: &'v Value,
    what: &str,
) -> Vec<(String, Span, &'v Field)> {
    let mut out = Vec::new();
    let Some(block) = ctx.expect_block(value, &format!("a block of {what}")) else {
        return out;
    };
    let mut seen: HashMap<String, Span> = HashMap::new();
    for field in block.fields() {
        let key = field.key_text();
        let key_span = field.key_span();
        if let Err(error) = names::validate_label_key(&key) {
            let diagnostic = ctx
                .diagnostic(Code::InvalidName, error.message.clone(), key_span)
                .with_label(format!("{what} are keyed by node label or taint keys"));
            let diagnostic = ctx.with_key_fix(diagnostic, error.help, key_span);
            ctx.report(diagnostic);
            continue;
        }
        if let Some(first) = seen.get(&key) {
            ctx.report(
                ctx.diagnostic(
                    Code::DuplicateField,
                    format!("`{key}` is set twice"),
                    key_span,
                )
                .with_label("set again here")
                .with_secondary(ctx.label(*first, "first set here")),
            );
            continue;
        }
        seen.insert(key.clone(), key_span);
        out.push((key, key_span, field));
    }
    out
}

/// A label value written as a word or a string, checked as the API server checks label values.
fn label_value(ctx: &mut Ctx<'_>, value: &Value) -> Option<String> {
    let text = match word(value) {
        Some(w) => w.to_string(),
        None => ctx.read_scalar_text(value)?,
    };
    if !names::is_valid_label_value(&text) {
        ctx.report(
            ctx.diagnostic(Code::InvalidName, format!("invalid label value `{text}`"), value.span)
                .with_label("label values are at most 63 letters, digits, `-`, `_` and `.`, starting and ending alphanumeric"),
        );
        return None;
    }
    Some(text)
}

/// `nodes { "node.kubernetes.io/pool": db }`: the pod's `nodeSelector`.
pub fn read_nodes(ctx: &mut Ctx<'_>, value: &Value) -> Vec<Entry<String>> {
    let mut entries = Vec::new();
    for (key, key_span, field) in label_keyed(ctx, value, "node labels") {
        if let Some(text) = label_value(ctx, &field.value) {
            entries.push(Entry {
                key,
                key_span,
                value: ctx.sourced(text, field.value.span),
            });
        }
    }
    entries
}

const EFFECTS: [(&str, TaintEffect); 3] = [
    ("no_schedule", TaintEffect::NoSchedule),
    ("prefer_no_schedule", TaintEffect::PreferNoSchedule),
    ("no_execute", TaintEffect::NoExecute),
];

/// `tolerations { dedicated: "db" { effect: no_schedule }, "example.com/gpu": exists }`.
pub fn read_tolerations(ctx: &mut Ctx<'_>, value: &Value) -> Vec<Entry<Toleration>> {
    let mut entries = Vec::new();
    for (key, key_span, field) in label_keyed(ctx, value, "tolerations") {
        let (base, block) = match &field.value.kind {
            ValueKind::WithBlock { base, block } => (Some(&**base), Some(block)),
            ValueKind::Apply { head, args, block } if head.name == "exists" && args.is_empty() => {
                (None, block.as_ref())
            }
            _ => (Some(&field.value), None),
        };
        let taint_value = match base {
            None => None,
            Some(v) if word(v) == Some("exists") => None,
            Some(v) => match label_value(ctx, v) {
                Some(text) => Some(text),
                None => continue,
            },
        };
        let mut toleration = Toleration {
            value: taint_value,
            effects: Vec::new(),
            seconds: None,
        };
        let mut for_span = None;
        if let Some(block) = block {
            for (info, inner) in ctx.known_fields(block, TOLERATION_FIELDS, "a toleration") {
                match info.name {
                    "effect" => {
                        let values: Vec<&Value> = match &inner.value.kind {
                            ValueKind::List(items) => items.iter().collect(),
                            _ => vec![&inner.value],
                        };
                        for v in values {
                            if let Some(effect) = ctx.read_choice(v, "taint effect", &EFFECTS)
                                && !toleration.effects.contains(&effect)
                            {
                                toleration.effects.push(effect);
                            }
                        }
                        toleration.effects.sort();
                    }
                    _ => {
                        toleration.seconds = ctx.read_duration(&inner.value).map(|ms| ms / 1000);
                        for_span = Some(inner.key_span());
                    }
                }
            }
        }
        if let Some(span) = for_span
            && toleration.effects != [TaintEffect::NoExecute]
        {
            ctx.report(
                ctx.diagnostic(
                    Code::TolerationTimeWithoutNoExecute,
                    format!(
                        "toleration of `{key}` has a time but does not tolerate only `no_execute`"
                    ),
                    span,
                )
                .with_label("only a `NoExecute` taint evicts pods after a time")
                .with_note(
                    "the API server refuses `tolerationSeconds` unless the effect is `NoExecute`",
                )
                .with_help("add `effect: no_execute`, or remove `for`"),
            );
            continue;
        }
        entries.push(Entry {
            key,
            key_span,
            value: ctx.sourced(toleration, field.value.span),
        });
    }
    entries
}

/// `affinity { required { … }, preferred: 50 { … }, apart: hosts, together: cache zones }`.
pub fn read_affinity(ctx: &mut Ctx<'_>, value: &Value) -> Option<Affinity> {
    let block = ctx.expect_block(value, "`affinity { apart: hosts }`")?;
    let mut affinity = Affinity::default();
    let mut ok = true;
    for (info, field) in ctx.known_fields(block, AFFINITY_FIELDS, "`affinity`") {
        match info.name {
            "required" => match read_node_term(ctx, &field.value) {
                Some(term) => affinity.require = Some(term),
                None => ok = false,
            },
            "preferred" => {
                let (weight, term) = match &field.value.kind {
                    ValueKind::WithBlock { base, block } => (
                        ctx.read_u32(base, "a preference weight", 1, 100),
                        read_node_term_block(ctx, block),
                    ),
                    _ => (Some(100), read_node_term(ctx, &field.value)),
                };
                match (weight, term) {
                    (Some(weight), Some(term)) => affinity.prefer = Some((weight, term)),
                    _ => ok = false,
                }
            }
            "apart" => match read_pod_term(ctx, &field.value, true) {
                Some(term) => affinity.apart = Some(term),
                None => ok = false,
            },
            _ => match read_pod_term(ctx, &field.value, false) {
                Some(term) => affinity.together = Some(term),
                None => ok = false,
            },
        }
    }
    ok.then_some(affinity)
}

fn read_node_term(ctx: &mut Ctx<'_>, value: &Value) -> Option<NodeTerm> {
    let block = ctx.expect_block(value, "a block of node labels `{ \"KEY\": [\"value\"] }`")?;
    read_node_term_block(ctx, block)
}

fn read_node_term_block(ctx: &mut Ctx<'_>, block: &k8sc_grammar::Block) -> Option<NodeTerm> {
    let value = Value {
        kind: ValueKind::Block(block.clone()),
        span: block.span,
    };
    let mut term = NodeTerm::default();
    let mut ok = true;
    for (key, _span, field) in label_keyed(ctx, &value, "node labels") {
        let (negated, inner) = match &field.value.kind {
            ValueKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => (true, &**operand),
            _ => (false, &field.value),
        };
        let matched = if word(inner) == Some("exists") {
            Some(if negated {
                NodeMatch::DoesNotExist
            } else {
                NodeMatch::Exists
            })
        } else if let ValueKind::List(items) = &inner.kind {
            let values: Vec<String> = items.iter().filter_map(|v| label_value(ctx, v)).collect();
            if values.len() != items.len() {
                None
            } else if values.is_empty() {
                ctx.report(
                    ctx.diagnostic(
                        Code::InvalidValue,
                        "an empty list of node label values",
                        inner.span,
                    )
                    .with_label("matches no node")
                    .with_help("list at least one value, or write `exists`"),
                );
                None
            } else if negated {
                Some(NodeMatch::NotIn(values))
            } else {
                Some(NodeMatch::In(values))
            }
        } else {
            ctx.wrong_type(
                &field.value,
                "a list of values `[\"a\", \"b\"]`, `not [\"a\"]`, `exists` or `not exists`",
            );
            None
        };
        match matched {
            Some(m) => term.requirements.push((key, m)),
            None => ok = false,
        }
    }
    if ok && term.requirements.is_empty() {
        ctx.report(
            ctx.diagnostic(
                Code::MissingField,
                "a node affinity term with no label",
                block.span,
            )
            .with_help("write `{ \"topology.kubernetes.io/zone\": [\"eu-west-1a\"] }`"),
        );
        return None;
    }
    ok.then_some(term)
}

const TOPOLOGIES: [(&str, Topology); 3] = [
    ("hosts", Topology::Hosts),
    ("zones", Topology::Zones),
    ("regions", Topology::Regions),
];

/// `hosts`, `hosts soft`, `cache zones`, `cache zones hard`.
fn read_pod_term(ctx: &mut Ctx<'_>, value: &Value, default_hard: bool) -> Option<PodTerm> {
    let words: Vec<(&str, Span)> = match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => vec![(parts[0].name.as_str(), value.span)],
        ValueKind::Apply {
            head,
            args,
            block: None,
        } => {
            let mut words = vec![(head.name.as_str(), head.span)];
            for arg in args {
                match word(arg) {
                    Some(w) => words.push((w, arg.span)),
                    None => {
                        ctx.wrong_type(arg, "a word");
                        return None;
                    }
                }
            }
            words
        }
        _ => {
            ctx.wrong_type(value, "`hosts`, `zones` or `regions`, after a workload's name or not, then `hard` or `soft`");
            return None;
        }
    };
    let mut rest = words.as_slice();
    let hard = match rest.last() {
        Some(("hard", _)) => {
            rest = &rest[..rest.len() - 1];
            true
        }
        Some(("soft", _)) => {
            rest = &rest[..rest.len() - 1];
            false
        }
        _ => default_hard,
    };
    let (target, topology) = match rest {
        [(topology, span)] => (None, (*topology, *span)),
        [(target, target_span), (topology, span)] => {
            (Some((target.to_string(), *target_span)), (*topology, *span))
        }
        _ => {
            ctx.report(
                ctx.diagnostic(
                    Code::WrongType,
                    "expected `[WORKLOAD] hosts|zones|regions [hard|soft]`",
                    value.span,
                )
                .with_label("not a pod affinity"),
            );
            return None;
        }
    };
    let Some((_, topology)) = TOPOLOGIES.iter().find(|(w, _)| *w == topology.0) else {
        ctx.report(
            ctx.diagnostic(
                Code::InvalidValue,
                format!("`{}` is not a topology domain", topology.0),
                topology.1,
            )
            .with_label(format!("expected one of {}", choice_list(&TOPOLOGIES))),
        );
        return None;
    };
    Some(PodTerm {
        target,
        topology: *topology,
        hard,
        span: value.span,
    })
}

/// `spread: zones`, `spread: zones hard`, `spread: none`.
pub fn read_spread(ctx: &mut Ctx<'_>, value: &Value) -> Option<SpreadSpec> {
    const CHOICES: [(&str, Spread); 4] = [
        ("regions", Spread::Regions),
        ("zones", Spread::Zones),
        ("hosts", Spread::Hosts),
        ("none", Spread::None),
    ];
    if let ValueKind::Apply {
        head,
        args,
        block: None,
    } = &value.kind
        && let [arg] = args.as_slice()
    {
        let head_value = Value {
            kind: ValueKind::Path(vec![head.clone()]),
            span: head.span,
        };
        let across = ctx.read_choice(&head_value, "spread", &CHOICES)?;
        let hard = ctx.read_choice(arg, "spread strength", &[("hard", true), ("soft", false)])?;
        if across == Spread::None && hard {
            ctx.report(
                ctx.diagnostic(
                    Code::InvalidValue,
                    "`spread: none` cannot be hard",
                    arg.span,
                )
                .with_label("nothing is spread"),
            );
            return None;
        }
        return Some(SpreadSpec { across, hard });
    }
    ctx.read_choice(value, "spread", &CHOICES)
        .map(|across| SpreadSpec {
            across,
            hard: false,
        })
}

/// `priority: critical` or `runtime_class: gvisor`: the name of a cluster object, which the API
/// server takes as a DNS subdomain.
pub fn read_class_name(ctx: &mut Ctx<'_>, value: &Value, what: &str) -> Option<String> {
    let name = ctx.read_name(value)?;
    if let Err(error) = names::validate_dns_subdomain(&name) {
        let mut diagnostic = ctx
            .diagnostic(
                Code::InvalidName,
                super::reader::name_message(&error, &format!("{what} name")),
                value.span,
            )
            .with_label(format!("the {what} is named by a DNS subdomain"));
        if let Some(help) = error.help {
            diagnostic = diagnostic.with_help(help);
        }
        ctx.report(diagnostic);
        return None;
    }
    Some(name)
}
