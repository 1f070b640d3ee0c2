//! Rules in disjunctive normal form: an `or` of clauses, each an `and` of atomic tests on one
//! property. This is the shape admission controllers can express (a Kyverno rule per clause, its
//! conditions all required), and it is exact: a workload is denied by the rule exactly when some
//! clause holds.

use super::expr::{CmpOp, Expr, Lit, Operand};
use super::property::Property;

/// One test on one property.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Test {
    /// The property has a value.
    Present,
    /// The property has no value.
    Absent,
    /// `property OP literal` (the property has a value).
    Compare(CmpOp, Lit),
    /// The value is one of these.
    In(Vec<Lit>),
    /// The value is none of these.
    NotIn(Vec<Lit>),
    /// The list property contains this value.
    Contains(Lit),
    /// The list property does not contain this value.
    NotContains(Lit),
    /// The label is set.
    HasLabel(String),
    /// The label is not set.
    LacksLabel(String),
    /// The image starts with one of these prefixes followed by `/`.
    From(Vec<String>),
    /// The image starts with none of them.
    NotFrom(Vec<String>),
}

/// A test on one property.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom {
    /// The property tested.
    pub property: Property,
    /// The test.
    pub test: Test,
}

/// Clauses, each a conjunction of atoms.
pub type Clauses = Vec<Vec<Atom>>;

/// The most clauses a rule may expand to.
pub const MAX_CLAUSES: usize = 64;

/// Properties that may be missing from a resource in the cluster, so every test of their value
/// is guarded by a presence test.
pub fn may_be_absent(property: Property) -> bool {
    matches!(
        property,
        Property::ImageTag
            | Property::ImageDigest
            | Property::CpuRequest
            | Property::CpuLimit
            | Property::MemoryRequest
            | Property::MemoryLimit
            | Property::ProbesReady
            | Property::ProbesLive
            | Property::ProbesStartup
    )
}

/// The clauses of a bound expression, or `None` when there would be more than [`MAX_CLAUSES`].
pub fn clauses(expr: &Expr) -> Option<Clauses> {
    let out = normal(expr, true)?;
    Some(simplify(out))
}

fn atom(property: Property, test: Test) -> Atom {
    Atom { property, test }
}

fn guarded(property: Property, test: Test) -> Vec<Atom> {
    if may_be_absent(property) {
        vec![atom(property, Test::Present), atom(property, test)]
    } else {
        vec![atom(property, test)]
    }
}

fn lit(operand: &Operand) -> Lit {
    match operand {
        Operand::Lit(lit) => lit.clone(),
        Operand::Param(_) => Lit::List(Vec::new()),
    }
}

fn strings(lit: &Lit) -> Vec<String> {
    lit.items()
        .into_iter()
        .filter_map(|l| match l {
            Lit::Str(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// The clauses of `expr` (when `positive`) or of `not expr`.
fn normal(expr: &Expr, positive: bool) -> Option<Clauses> {
    let absent = |p: Property| {
        if may_be_absent(p) {
            vec![vec![atom(p, Test::Absent)]]
        } else {
            Vec::new()
        }
    };
    let out = match expr {
        Expr::Const(b) => {
            if *b == positive {
                vec![Vec::new()]
            } else {
                Vec::new()
            }
        }
        // Parameters are bound before normalising; an unbound one counts as false.
        Expr::BoolParam(_) => {
            if positive {
                Vec::new()
            } else {
                vec![Vec::new()]
            }
        }
        Expr::Present(p) => {
            let test = if positive {
                Test::Present
            } else {
                Test::Absent
            };
            vec![vec![atom(*p, test)]]
        }
        Expr::Compare(p, op, value) => {
            if positive {
                vec![guarded(*p, Test::Compare(*op, lit(value)))]
            } else {
                let mut out = vec![guarded(*p, Test::Compare(op.negated(), lit(value)))];
                out.extend(absent(*p));
                out
            }
        }
        Expr::In(p, list) => {
            let items = lit(list).items();
            if positive {
                vec![guarded(*p, Test::In(items))]
            } else {
                let mut out = vec![guarded(*p, Test::NotIn(items))];
                out.extend(absent(*p));
                out
            }
        }
        Expr::Contains(p, value) => {
            let test = if positive {
                Test::Contains(lit(value))
            } else {
                Test::NotContains(lit(value))
            };
            vec![vec![atom(*p, test)]]
        }
        Expr::HasLabels(keys) => {
            let keys = strings(&lit(keys));
            if positive {
                vec![
                    keys.into_iter()
                        .map(|k| atom(Property::Labels, Test::HasLabel(k)))
                        .collect(),
                ]
            } else {
                keys.into_iter()
                    .map(|k| vec![atom(Property::Labels, Test::LacksLabel(k))])
                    .collect()
            }
        }
        Expr::ImageFrom(prefixes) => {
            let prefixes = strings(&lit(prefixes));
            let test = if positive {
                Test::From(prefixes)
            } else {
                Test::NotFrom(prefixes)
            };
            vec![vec![atom(Property::Image, test)]]
        }
        Expr::Not(inner) => normal(inner, !positive)?,
        Expr::And(a, b) | Expr::Or(a, b) => {
            let conjunction = matches!(expr, Expr::And(..)) == positive;
            let a = normal(a, positive)?;
            let b = normal(b, positive)?;
            if conjunction {
                let mut out = Vec::new();
                for left in &a {
                    for right in &b {
                        let mut clause = left.clone();
                        clause.extend(right.iter().cloned());
                        out.push(clause);
                        if out.len() > MAX_CLAUSES {
                            return None;
                        }
                    }
                }
                out
            } else {
                let mut out = a;
                out.extend(b);
                out
            }
        }
    };
    (out.len() <= MAX_CLAUSES).then_some(out)
}

/// Sorts and deduplicates atoms and clauses, and drops clauses that can never hold.
fn simplify(clauses: Clauses) -> Clauses {
    let mut out: Clauses = Vec::new();
    for mut clause in clauses {
        clause.sort();
        clause.dedup();
        let contradictory = clause.iter().any(|a| {
            a.test == Test::Absent
                && clause
                    .iter()
                    .any(|b| b.property == a.property && b.test != Test::Absent)
        });
        if !contradictory && !out.contains(&clause) {
            out.push(clause);
        }
    }
    out.sort();
    out
}

/// Evaluates clauses against facts (for tests: must agree with [`super::eval::eval`]).
pub fn eval_clauses(clauses: &Clauses, facts: &super::eval::Facts) -> bool {
    use super::eval::FactValue;
    clauses.iter().any(|clause| {
        clause.iter().all(|a| {
            let value = facts.get(a.property);
            match &a.test {
                Test::Present => value.is_some(),
                Test::Absent => value.is_none(),
                Test::Compare(op, l) => super::eval::eval(
                    &Expr::Compare(a.property, *op, Operand::Lit(l.clone())),
                    facts,
                ),
                Test::In(items) => super::eval::eval(
                    &Expr::In(a.property, Operand::Lit(Lit::List(items.clone()))),
                    facts,
                ),
                Test::NotIn(items) => {
                    value.is_some()
                        && !super::eval::eval(
                            &Expr::In(a.property, Operand::Lit(Lit::List(items.clone()))),
                            facts,
                        )
                }
                Test::Contains(l) => matches!((value, l), (Some(FactValue::Ints(v)), Lit::Int(n)) if v.contains(n)),
                Test::NotContains(l) => !matches!((value, l), (Some(FactValue::Ints(v)), Lit::Int(n)) if v.contains(n)),
                Test::HasLabel(k) => matches!(value, Some(FactValue::Labels(l)) if l.contains_key(k)),
                Test::LacksLabel(k) => !matches!(value, Some(FactValue::Labels(l)) if l.contains_key(k)),
                Test::From(p) => matches!(value, Some(FactValue::Str(i)) if p.iter().any(|p| super::eval::image_from(i, p))),
                Test::NotFrom(p) => !matches!(value, Some(FactValue::Str(i)) if p.iter().any(|p| super::eval::image_from(i, p))),
            }
        })
    })
}
