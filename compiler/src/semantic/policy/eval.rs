//! Evaluating a rule against one workload's effective values at compile time.

use super::expr::{CmpOp, Expr, Lit, Operand};
use super::property::Property;
use crate::model::spec::{Origin, WorkloadKind};
use std::collections::BTreeMap;

/// The effective value of one property.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FactValue {
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Text.
    Str(String),
    /// CPU, millicores.
    Cpu(u64),
    /// Memory, bytes.
    Memory(u64),
    /// Labels.
    Labels(BTreeMap<String, String>),
    /// Port numbers.
    Ints(Vec<i64>),
    /// Something that is set (a probe).
    Present,
}

impl FactValue {
    /// The value as text, for messages.
    pub fn display(&self) -> String {
        match self {
            FactValue::Bool(b) => b.to_string(),
            FactValue::Int(n) => n.to_string(),
            FactValue::Str(s) => s.clone(),
            FactValue::Cpu(m) => crate::types::quantity::format_cpu(*m),
            FactValue::Memory(b) => crate::types::quantity::format_bytes(*b),
            FactValue::Labels(labels) => {
                let items: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                items.join(", ")
            }
            FactValue::Ints(items) => {
                let items: Vec<String> = items.iter().map(i64::to_string).collect();
                items.join(", ")
            }
            FactValue::Present => "set".to_string(),
        }
    }
}

/// A property's value and where it was written (`None` for built-in defaults).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fact {
    /// The value.
    pub value: FactValue,
    /// Where the winning definition is.
    pub origin: Option<Origin>,
}

/// Everything rules can see of one workload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// The workload kind, when known (rules skip workloads their properties do not apply to).
    pub kind: Option<WorkloadKind>,
    /// The values of the properties that are set.
    pub values: BTreeMap<Property, Fact>,
}

impl Facts {
    /// The value of a property, if it has one.
    pub fn get(&self, property: Property) -> Option<&FactValue> {
        self.values.get(&property).map(|f| &f.value)
    }

    /// Whether every property of `expr` is defined for this workload: for its kind, and — for a
    /// property that is never merely absent, such as `service.type` — present (a stateful
    /// workload without ports has no Service, so no Service rule applies to it).
    pub fn applies(&self, expr: &Expr) -> bool {
        expr.properties().iter().all(|p| {
            self.kind.is_none_or(|kind| p.applies_to(kind))
                && (super::normal::may_be_absent(*p) || self.values.contains_key(p))
        })
    }
}

/// Evaluates a rule whose parameters are bound. Tests of a property without a value are false.
pub fn eval(expr: &Expr, facts: &Facts) -> bool {
    match expr {
        Expr::Const(b) => *b,
        Expr::BoolParam(_) => false,
        Expr::Present(p) => facts.get(*p).is_some(),
        Expr::Compare(p, op, Operand::Lit(lit)) => {
            facts.get(*p).is_some_and(|value| compare(value, *op, lit))
        }
        Expr::In(p, Operand::Lit(list)) => facts
            .get(*p)
            .is_some_and(|value| list.items().iter().any(|l| compare(value, CmpOp::Eq, l))),
        Expr::Contains(p, Operand::Lit(Lit::Int(n))) => {
            matches!(facts.get(*p), Some(FactValue::Ints(items)) if items.contains(n))
        }
        Expr::HasLabels(Operand::Lit(keys)) => match facts.get(Property::Labels) {
            Some(FactValue::Labels(labels)) => keys.items().iter().all(|k| match k {
                Lit::Str(key) => labels.contains_key(key),
                _ => false,
            }),
            _ => keys.items().is_empty(),
        },
        Expr::ImageFrom(Operand::Lit(prefixes)) => match facts.get(Property::Image) {
            Some(FactValue::Str(image)) => prefixes
                .items()
                .iter()
                .any(|p| matches!(p, Lit::Str(prefix) if image_from(image, prefix))),
            _ => false,
        },
        Expr::Not(e) => !eval(e, facts),
        Expr::And(a, b) => eval(a, facts) && eval(b, facts),
        Expr::Or(a, b) => eval(a, facts) || eval(b, facts),
        // Unbound parameters or mistyped operands were rejected by the checker.
        _ => false,
    }
}

/// Whether `image` comes from `prefix`: the prefix, then `/`.
pub fn image_from(image: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    image
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.starts_with('/'))
}

fn compare(value: &FactValue, op: CmpOp, lit: &Lit) -> bool {
    match (value, lit) {
        (FactValue::Bool(a), Lit::Bool(b)) => op.holds(a, b),
        (FactValue::Int(a), Lit::Int(b)) => op.holds(a, b),
        (FactValue::Str(a), Lit::Str(b)) => op.holds(a, b),
        (FactValue::Cpu(a), Lit::Cpu(b)) => op.holds(a, b),
        (FactValue::Memory(a), Lit::Memory(b)) => op.holds(a, b),
        _ => false,
    }
}

/// Fills `{property}` and `{parameter}` placeholders of a message.
pub fn interpolate(
    template: &str,
    facts: &Facts,
    params: &[super::expr::ParamSpec],
    args: &[Lit],
) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = after[..close].trim();
        let replacement = if let Some(i) = params.iter().position(|p| p.name == name) {
            args.get(i).map(Lit::plain)
        } else {
            Property::from_name(name).map(|p| {
                facts
                    .get(p)
                    .map_or_else(|| "(not set)".to_string(), FactValue::display)
            })
        };
        match replacement {
            Some(text) => out.push_str(&text),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The placeholders of a message that name neither a property nor a parameter.
pub fn unknown_placeholders(template: &str, params: &[super::expr::ParamSpec]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        let name = after[..close].trim();
        if Property::from_name(name).is_none() && !params.iter().any(|p| p.name == name) {
            out.push(name.to_string());
        }
        rest = &after[close + 1..];
    }
    out
}
