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

/// The most tests (atoms, counted over every clause) a rule's normal form may hold. Each test
/// becomes at most two Kyverno conditions in each of the (at most six) resource kinds that enforce
/// the rule, so this bounds a policy's size — kept well below what `kubectl apply` can store in
/// its last-applied annotation (256 KiB) — and the time to write it (SECURITY.md, E0080).
pub const MAX_TESTS: usize = 256;

/// Why a rule has no normal form admission control can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLarge {
    /// More than [`MAX_CLAUSES`] clauses.
    Clauses,
    /// More than [`MAX_TESTS`] tests over all clauses.
    Tests,
}

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
            | Property::TrafficFault
    )
}

/// The clauses of a bound expression, or why there would be too many of them ([`MAX_CLAUSES`]) or
/// too many tests in them ([`MAX_TESTS`]). No intermediate result holds more than
/// [`MAX_CLAUSES`] clauses, so the work is at most linear in the rule's size times that.
pub fn clauses(expr: &Expr) -> Result<Clauses, TooLarge> {
    let out = simplify(normal(expr, true)?);
    check_limits(&out)?;
    Ok(out)
}

/// The number of tests in the clauses (what [`MAX_TESTS`] bounds).
pub fn size(clauses: &Clauses) -> usize {
    clauses.iter().map(Vec::len).sum()
}

fn check_limits(clauses: &Clauses) -> Result<(), TooLarge> {
    if clauses.len() > MAX_CLAUSES {
        Err(TooLarge::Clauses)
    } else if size(clauses) > MAX_TESTS {
        Err(TooLarge::Tests)
    } else {
        Ok(())
    }
}

/// Whether a literal is a quantity (CPU or memory), which admission control can only order.
fn is_quantity(lit: &Lit) -> bool {
    matches!(lit, Lit::Cpu(_) | Lit::Memory(_))
}

/// Every clause of `a` joined with every clause of `b` (`a and b`), refused beyond
/// [`MAX_CLAUSES`]: so every intermediate result holds at most that many clauses, each no larger
/// than the rule, and the work is linear in the rule's size ([`MAX_TESTS`] is checked on the
/// result, after duplicates are removed).
fn product(a: &Clauses, b: &Clauses) -> Result<Clauses, TooLarge> {
    if a.len().saturating_mul(b.len()) > MAX_CLAUSES {
        return Err(TooLarge::Clauses);
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for left in a {
        for right in b {
            let mut clause = Vec::with_capacity(left.len() + right.len());
            clause.extend(left.iter().cloned());
            clause.extend(right.iter().cloned());
            out.push(clause);
        }
    }
    Ok(out)
}

/// `property != quantity` as the clauses admission control can check: below it, or above it
/// (a quantity is only ever ordered in the cluster; see the Kyverno backend).
fn quantity_differs(property: Property, lit: &Lit) -> Clauses {
    [CmpOp::Lt, CmpOp::Gt]
        .into_iter()
        .map(|op| guarded(property, Test::Compare(op, lit.clone())))
        .collect()
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
fn normal(expr: &Expr, positive: bool) -> Result<Clauses, TooLarge> {
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
            let value = lit(value);
            let op = if positive { *op } else { op.negated() };
            let mut out = if op == CmpOp::Ne && is_quantity(&value) {
                quantity_differs(*p, &value)
            } else {
                vec![guarded(*p, Test::Compare(op, value))]
            };
            if !positive {
                out.extend(absent(*p));
            }
            out
        }
        Expr::In(p, list) => {
            let items = lit(list).items();
            let quantities = items.iter().any(is_quantity);
            let mut out = match (positive, quantities) {
                (true, false) => vec![guarded(*p, Test::In(items))],
                (false, false) => vec![guarded(*p, Test::NotIn(items))],
                // Equal to one of them: one clause each.
                (true, true) => items
                    .iter()
                    .map(|item| guarded(*p, Test::Compare(CmpOp::Eq, item.clone())))
                    .collect(),
                // Different from each: below or above each one.
                (false, true) => {
                    let mut out: Clauses = vec![Vec::new()];
                    for item in &items {
                        out = product(&out, &quantity_differs(*p, item))?;
                    }
                    out
                }
            };
            if !positive {
                out.extend(absent(*p));
            }
            out
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
                product(&a, &b)?
            } else {
                let mut out = a;
                out.extend(b);
                out
            }
        }
    };
    if out.len() > MAX_CLAUSES {
        return Err(TooLarge::Clauses);
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::super::eval::{Fact, FactValue, Facts, eval};
    use super::super::expr::{CmpOp, Expr, Lit, Operand};
    use super::super::property::Property;
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// Properties with small value domains, so random facts and tests collide often.
    fn atom_expr() -> impl Strategy<Value = Expr> {
        let op = prop_oneof![
            Just(CmpOp::Eq),
            Just(CmpOp::Ne),
            Just(CmpOp::Lt),
            Just(CmpOp::Le),
            Just(CmpOp::Gt),
            Just(CmpOp::Ge),
        ];
        prop_oneof![
            (op.clone(), 0i64..4).prop_map(|(op, n)| Expr::Compare(
                Property::ReplicasMin,
                op,
                Operand::Lit(Lit::Int(n))
            )),
            (op, 0u64..4).prop_map(|(op, n)| Expr::Compare(
                Property::CpuLimit,
                op,
                Operand::Lit(Lit::Cpu(n * 500))
            )),
            prop_oneof![Just("latest"), Just("1.0")].prop_map(|t| Expr::Compare(
                Property::ImageTag,
                CmpOp::Eq,
                Operand::Lit(Lit::Str(t.to_string()))
            )),
            Just(Expr::Present(Property::ImageDigest)),
            Just(Expr::Present(Property::ProbesReady)),
            Just(Expr::In(
                Property::ImageTag,
                Operand::Lit(Lit::List(vec![Lit::Str("1.0".to_string())]))
            )),
            Just(Expr::HasLabels(Operand::Lit(Lit::List(vec![
                Lit::Str("team".to_string()),
                Lit::Str("owner".to_string())
            ])))),
            Just(Expr::ImageFrom(Operand::Lit(Lit::List(vec![Lit::Str(
                "ghcr.io/acme".to_string()
            )])))),
            Just(Expr::Contains(
                Property::Ports,
                Operand::Lit(Lit::Int(8080))
            )),
            any::<bool>().prop_map(Expr::Const),
        ]
    }

    fn expr() -> impl Strategy<Value = Expr> {
        atom_expr().prop_recursive(4, 24, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
            ]
        })
    }

    fn facts() -> impl Strategy<Value = Facts> {
        (
            proptest::option::of(0i64..4),
            proptest::option::of(0u64..4),
            proptest::option::of(prop_oneof![Just("latest"), Just("1.0"), Just("2.0")]),
            any::<bool>(),
            any::<bool>(),
            proptest::collection::btree_set(prop_oneof![Just("team"), Just("owner")], 0..3),
            prop_oneof![Just("ghcr.io/acme/web:1.0"), Just("quay.io/x/y:1")],
            proptest::collection::vec(prop_oneof![Just(80i64), Just(8080)], 0..3),
        )
            .prop_map(
                |(replicas, cpu, tag, digest, probe, labels, image, ports)| {
                    let mut values = BTreeMap::new();
                    let mut set = |p, value| {
                        values.insert(
                            p,
                            Fact {
                                value,
                                origin: None,
                            },
                        );
                    };
                    if let Some(n) = replicas {
                        set(Property::ReplicasMin, FactValue::Int(n));
                    }
                    if let Some(n) = cpu {
                        set(Property::CpuLimit, FactValue::Cpu(n * 500));
                    }
                    if let Some(t) = tag {
                        set(Property::ImageTag, FactValue::Str(t.to_string()));
                    }
                    if digest {
                        set(
                            Property::ImageDigest,
                            FactValue::Str("sha256:0".to_string()),
                        );
                    }
                    if probe {
                        set(Property::ProbesReady, FactValue::Present);
                    }
                    set(
                        Property::Labels,
                        FactValue::Labels(
                            labels
                                .into_iter()
                                .map(|k| (k.to_string(), "x".to_string()))
                                .collect(),
                        ),
                    );
                    set(Property::Image, FactValue::Str(image.to_string()));
                    set(Property::Ports, FactValue::Ints(ports));
                    Facts { kind: None, values }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The normal form admission control enforces denies exactly what the rule denies.
        #[test]
        fn normal_form_agrees_with_the_rule(expr in expr(), facts in facts()) {
            // Rules are only evaluated on workloads they apply to.
            prop_assume!(facts.applies(&expr));
            if let Ok(clauses) = clauses(&expr) {
                prop_assert_eq!(eval_clauses(&clauses, &facts), eval(&expr, &facts), "{:?}", clauses);
            }
        }
    }

    #[test]
    fn absent_values_make_comparisons_false_and_their_negation_true() {
        let limit_le_1 = Expr::Compare(Property::CpuLimit, CmpOp::Le, Operand::Lit(Lit::Cpu(1000)));
        let facts = Facts::default();
        assert!(!eval(&limit_le_1, &facts));
        assert!(eval(&limit_le_1.clone().negate(), &facts));
        let negated = clauses(&limit_le_1.negate()).expect("small");
        assert!(negated.contains(&vec![Atom {
            property: Property::CpuLimit,
            test: Test::Absent
        }]));
    }
}
