//! From a clause of a rule to Kyverno conditions.
//!
//! Each atom becomes alternatives, each a list of conditions that must all hold (almost always
//! one alternative of one condition). A clause is the product of its atoms' alternatives, so a
//! clause may become several Kyverno rules, and a clause none of whose alternatives can hold
//! becomes none. Operators are chosen to behave the same in every Kyverno version:
//! strings, booleans (as the text `true`/`false`) and membership go through `AnyIn`/`AnyNotIn`,
//! which only match text with wildcards, never through `Equals`, which in some versions reads
//! `16` or `250m` as a quantity or a duration; quantities are compared only with the ordering
//! operators, which compare them as quantities (an equality is `>=` and `<=`).

use super::crd::{Condition, Operator};
use super::keys::{self, Key, Lists, key};
use super::targets::Scope;
use crate::ir::policy::{Atom, CmpOp, Lit, Property, Test};
use crate::types::quantity::{format_bytes, format_cpu};
use serde_json::{Value, json};

/// Alternatives: the atom holds when all the conditions of one of them hold.
pub type Alternatives = Vec<Vec<Condition>>;

/// One alternative with one condition.
fn one(key: String, operator: Operator, value: Value) -> Alternatives {
    vec![vec![condition(key, operator, value)]]
}

/// A condition on a JMESPath expression.
pub fn condition(expr: String, operator: Operator, value: Value) -> Condition {
    Condition::new(format!("{{{{ {expr} }}}}"), operator, value)
}

/// Always holds.
fn always() -> Alternatives {
    vec![Vec::new()]
}

/// Never holds.
fn never() -> Alternatives {
    Vec::new()
}

/// What one clause becomes: its alternatives, and, when it reads containers, the container lists
/// it reads and whether it tests the image.
#[derive(Debug, Clone, PartialEq)]
pub struct ClauseConditions {
    /// The alternatives (none: the clause can never hold in this scope).
    pub alternatives: Alternatives,
    /// The container lists every container property of the clause is defined on; `None` when
    /// the clause reads no container.
    pub containers: Option<Lists>,
    /// Whether the clause tests a property of the image.
    pub image: bool,
}

/// The conditions of one clause (all atoms hold), as alternatives. Linear in the clause: an atom
/// with one alternative (every atom of a normal form, which splits quantity inequalities into
/// clauses) appends its conditions once; only atoms with several alternatives multiply.
pub fn clause(atoms: &[Atom], scope: Scope) -> ClauseConditions {
    let mut shared: Vec<Condition> = Vec::new();
    let mut several: Vec<Alternatives> = Vec::new();
    let mut containers: Option<Lists> = None;
    let mut image = false;
    let mut holds = true;
    for a in atoms {
        let k = key(a.property, scope);
        if k.is_container() {
            let lists = keys::container_lists(a.property);
            containers = Some(containers.map_or(lists, |l| l.and(lists)));
        }
        image |= a.property.is_image();
        let mut alternatives = atom(a, &k, scope);
        match alternatives.len() {
            0 => holds = false,
            1 => shared.append(&mut alternatives[0]),
            _ => several.push(alternatives),
        }
    }
    let alternatives = if !holds {
        never()
    } else if several.is_empty() {
        vec![shared]
    } else {
        let mut out = vec![shared];
        for alternatives in &several {
            let mut product = Vec::with_capacity(out.len() * alternatives.len());
            for left in &out {
                for right in alternatives {
                    let mut conditions = Vec::with_capacity(left.len() + right.len());
                    conditions.extend(left.iter().cloned());
                    conditions.extend(right.iter().cloned());
                    product.push(conditions);
                }
            }
            out = product;
        }
        out
    };
    ClauseConditions {
        alternatives,
        containers,
        image,
    }
}

fn atom(a: &Atom, k: &Key, scope: Scope) -> Alternatives {
    let (expr, optional) = match k {
        Key::Value { expr, .. } => (expr.clone(), false),
        Key::Optional { expr, .. } => (expr.clone(), true),
        Key::Unavailable => return never(),
    };
    match &a.test {
        Test::Present if optional => one(expr, Operator::AnyNotIn, json!([""])),
        Test::Absent if optional => one(expr, Operator::AnyIn, json!([""])),
        // Always set on the resources this key reads (defaults applied).
        Test::Present => always(),
        Test::Absent => never(),
        Test::Compare(op, lit) => compare(expr, *op, lit),
        Test::In(items) => member(expr, items, true),
        Test::NotIn(items) => member(expr, items, false),
        Test::Contains(lit) | Test::NotContains(lit) => {
            let wanted = matches!(a.test, Test::Contains(_));
            match (a.property, scope, lit) {
                (Property::Ports, Scope::PodSpec(pod), Lit::Int(n)) => one(
                    format!("to_string(contains({}, `{n}`))", keys::ports(pod)),
                    Operator::AnyIn,
                    json!([wanted.to_string()]),
                ),
                _ => never(),
            }
        }
        Test::HasLabel(label) | Test::LacksLabel(label) => {
            let wanted = matches!(a.test, Test::HasLabel(_));
            one(
                keys::has_label(label),
                Operator::AnyIn,
                json!([wanted.to_string()]),
            )
        }
        Test::From(prefixes) => one(expr, Operator::AnyIn, from_patterns(prefixes)),
        Test::NotFrom(prefixes) => one(expr, Operator::AnyNotIn, from_patterns(prefixes)),
    }
}

/// `prefix/*` for each prefix (Kyverno wildcards), as `image.from` means "prefix, then `/`".
fn from_patterns(prefixes: &[String]) -> Value {
    Value::Array(
        prefixes
            .iter()
            .map(|p| Value::String(format!("{}/*", p.trim_end_matches('/'))))
            .collect(),
    )
}

/// A quantity as Kubernetes writes it (`250m`, `512Mi`), or `None` for other literals.
fn quantity(lit: &Lit) -> Option<String> {
    match lit {
        Lit::Cpu(m) => Some(format_cpu(*m)),
        Lit::Memory(b) => Some(format_bytes(*b)),
        _ => None,
    }
}

/// A literal compared as text (`AnyIn`), or as a number.
fn scalar(lit: &Lit) -> Option<Value> {
    match lit {
        Lit::Str(s) => Some(Value::String(s.clone())),
        Lit::Bool(b) => Some(Value::String(b.to_string())),
        Lit::Int(n) => Some(json!(n)),
        _ => None,
    }
}

fn ordering(op: CmpOp) -> Operator {
    match op {
        CmpOp::Lt => Operator::LessThan,
        CmpOp::Le => Operator::LessThanOrEquals,
        CmpOp::Gt => Operator::GreaterThan,
        CmpOp::Ge => Operator::GreaterThanOrEquals,
        CmpOp::Eq => Operator::Equals,
        CmpOp::Ne => Operator::NotEquals,
    }
}

fn compare(expr: String, op: CmpOp, lit: &Lit) -> Alternatives {
    if let Some(q) = quantity(lit) {
        let cmp = |operator| condition(expr.clone(), operator, Value::String(q.clone()));
        return match op {
            CmpOp::Eq => vec![vec![
                cmp(Operator::GreaterThanOrEquals),
                cmp(Operator::LessThanOrEquals),
            ]],
            CmpOp::Ne => vec![
                vec![cmp(Operator::LessThan)],
                vec![cmp(Operator::GreaterThan)],
            ],
            _ => vec![vec![cmp(ordering(op))]],
        };
    }
    match lit {
        Lit::Int(n) => one(expr, ordering(op), json!(n)),
        Lit::Str(_) | Lit::Bool(_) => {
            let Some(v) = scalar(lit) else {
                return never();
            };
            match op {
                CmpOp::Eq => one(expr, Operator::AnyIn, json!([v])),
                CmpOp::Ne => one(expr, Operator::AnyNotIn, json!([v])),
                // Strings and booleans are not ordered (the checker refuses it).
                _ => never(),
            }
        }
        _ => never(),
    }
}

fn member(expr: String, items: &[Lit], positive: bool) -> Alternatives {
    if items.iter().any(|l| quantity(l).is_some()) {
        // A quantity equals one of the items (`>=` and `<=` one), or differs from each.
        let eq = |lit: &Lit| compare(expr.clone(), CmpOp::Eq, lit);
        let ne = |lit: &Lit| compare(expr.clone(), CmpOp::Ne, lit);
        if positive {
            return items.iter().flat_map(eq).collect();
        }
        let mut out = always();
        for item in items {
            let mut product = Vec::new();
            for left in &out {
                for right in ne(item) {
                    let mut conditions = left.clone();
                    conditions.extend(right);
                    product.push(conditions);
                }
            }
            out = product;
        }
        return out;
    }
    let values: Vec<Value> = items.iter().filter_map(scalar).collect();
    let operator = if positive {
        Operator::AnyIn
    } else {
        Operator::AnyNotIn
    };
    one(expr, operator, Value::Array(values))
}
