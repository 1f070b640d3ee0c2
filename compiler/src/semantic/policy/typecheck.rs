//! From a rule as written to a typed [`Expr`]: names resolved to properties and parameters, literals
//! read with their units, operators checked against the types they apply to.

use super::expr::{CmpOp, Expr, Lit, Operand, ParamSpec};
use super::property::{DERIVED, PROPERTIES, Property, Ty};
use crate::diagnostics::Code;
use crate::semantic::reader::Ctx;
use crate::semantic::suggest::closest;
use k8sc_grammar::{BinaryOp, Ident, UnaryOp, Value, ValueKind};

/// What a name in a rule stands for.
enum Term {
    Property(Property),
    Param(usize),
}

/// Type-checks a boolean rule expression; `None` when it has errors (already reported).
pub fn check_condition(ctx: &mut Ctx<'_>, value: &Value, params: &[ParamSpec]) -> Option<Expr> {
    Checker { ctx, params }.condition(value)
}

/// Reads a literal of type `ty` (a policy argument or a parameter default).
pub fn read_literal(ctx: &mut Ctx<'_>, value: &Value, ty: &Ty) -> Option<Lit> {
    match ty {
        Ty::Bool => ctx.read_bool(value).map(Lit::Bool),
        Ty::Int => ctx
            .read_count(value, "the value", i64::MIN / 2, i64::MAX / 2)
            .map(Lit::Int),
        Ty::Str => ctx.read_string(value).map(Lit::Str),
        Ty::Cpu => ctx.read_cpu(value).map(Lit::Cpu),
        Ty::Memory => ctx.read_bytes(value, "memory").map(Lit::Memory),
        Ty::List(inner) => match &value.kind {
            ValueKind::List(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.push(read_literal(ctx, item, inner)?);
                }
                Some(Lit::List(out))
            }
            _ => {
                ctx.wrong_type(value, &format!("a list of {}", plural(inner)));
                None
            }
        },
        Ty::Labels | Ty::Presence => {
            ctx.wrong_type(value, &ty.describe());
            None
        }
    }
}

/// Reads a parameter type written as a value: `string`, `int`, `bool`, `cpu`, `memory`, `[T]`.
pub fn read_type(ctx: &mut Ctx<'_>, value: &Value) -> Option<Ty> {
    match &value.kind {
        ValueKind::Path(parts) if parts.len() == 1 => match parts[0].name.as_str() {
            "string" => Some(Ty::Str),
            "int" => Some(Ty::Int),
            "bool" => Some(Ty::Bool),
            "cpu" => Some(Ty::Cpu),
            "memory" => Some(Ty::Memory),
            other => {
                let mut diagnostic = ctx
                    .diagnostic(Code::WrongType, format!("unknown type `{other}`"), value.span)
                    .with_label("not a parameter type")
                    .with_note("parameter types: string, int, bool, cpu, memory, and lists such as [string]");
                if let Some(best) = closest(other, ["string", "int", "bool", "cpu", "memory"]) {
                    diagnostic = diagnostic.with_replacement(best);
                }
                ctx.report(diagnostic);
                None
            }
        },
        ValueKind::List(items) if items.len() == 1 => {
            read_type(ctx, &items[0]).map(|t| Ty::List(Box::new(t)))
        }
        _ => {
            ctx.wrong_type(value, "a type such as `string` or `[string]`");
            None
        }
    }
}

struct Checker<'c, 'd> {
    ctx: &'c mut Ctx<'d>,
    params: &'c [ParamSpec],
}

impl Checker<'_, '_> {
    fn condition(&mut self, value: &Value) -> Option<Expr> {
        match &value.kind {
            ValueKind::Bool(b) => Some(Expr::Const(*b)),
            ValueKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => Some(self.condition(operand)?.negate()),
            ValueKind::Binary { op, lhs, rhs, .. } => match op {
                BinaryOp::And | BinaryOp::Or => {
                    let a = self.condition(lhs);
                    let b = self.condition(rhs);
                    let (a, b) = (Box::new(a?), Box::new(b?));
                    Some(if *op == BinaryOp::And {
                        Expr::And(a, b)
                    } else {
                        Expr::Or(a, b)
                    })
                }
                BinaryOp::In | BinaryOp::NotIn => {
                    let test = self.membership(lhs, rhs)?;
                    Some(if *op == BinaryOp::NotIn {
                        test.negate()
                    } else {
                        test
                    })
                }
                _ => self.comparison(*op, lhs, rhs, value),
            },
            ValueKind::Path(parts) => self.name_as_condition(parts, value),
            ValueKind::Call { callee, args } => self.call(callee, args, value),
            _ => {
                self.ctx.wrong_type(value, "a condition");
                None
            }
        }
    }

    fn name_as_condition(&mut self, parts: &[Ident], value: &Value) -> Option<Expr> {
        let name: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        if let Some(expanded) = self.derived(&name.join(".")) {
            return Some(expanded);
        }
        match self.term(parts, value)? {
            Term::Property(p) => match p.ty() {
                Ty::Bool => Some(Expr::Compare(p, CmpOp::Eq, Operand::Lit(Lit::Bool(true)))),
                Ty::Labels | Ty::List(_) => {
                    let help = if p == Property::Labels {
                        "test labels with `labels.has(\"key\")` or `labels.has_all([\"a\", \"b\"])`"
                    } else {
                        "test ports with `8080 in ports`"
                    };
                    self.ctx.report(
                        self.ctx
                            .diagnostic(
                                Code::WrongType,
                                format!("`{}` is not a condition", p.name()),
                                value.span,
                            )
                            .with_label(format!("this is {}", p.ty().describe()))
                            .with_help(help),
                    );
                    None
                }
                _ => Some(Expr::Present(p)),
            },
            Term::Param(i) if self.params[i].ty == Ty::Bool => Some(Expr::BoolParam(i)),
            Term::Param(i) => {
                self.ctx.report(
                    self.ctx
                        .diagnostic(
                            Code::WrongType,
                            format!(
                                "parameter `{}` is {}, not a condition",
                                self.params[i].name,
                                self.params[i].ty.describe()
                            ),
                            value.span,
                        )
                        .with_label("expected a condition"),
                );
                None
            }
        }
    }

    /// Resolves a dotted name: a parameter, a property, or a derived shorthand.
    fn term(&mut self, parts: &[Ident], value: &Value) -> Option<Term> {
        let name: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        let name = name.join(".");
        if let Some(i) = self.params.iter().position(|p| p.name == name) {
            return Some(Term::Param(i));
        }
        if let Some(p) = Property::from_name(&name) {
            return Some(Term::Property(p));
        }
        let candidates = PROPERTIES
            .iter()
            .map(|i| i.name)
            .chain(DERIVED.iter().map(|(n, _)| *n))
            .chain(self.params.iter().map(|p| p.name.as_str()));
        let mut diagnostic = self
            .ctx
            .diagnostic(
                Code::UnknownProperty,
                format!("unknown property `{name}`"),
                value.span,
            )
            .with_label("not a property of workloads");
        if let Some(best) = closest(&name, candidates) {
            diagnostic = diagnostic.with_replacement(best.to_string());
        } else {
            diagnostic = diagnostic.with_note(
                "rules can test image.*, replicas.*, cpu.*, memory.*, probes.*, labels, ports, kind, security.* and service.type; `k8sc explain E0023` lists them all",
            );
        }
        self.ctx.report(diagnostic);
        None
    }

    /// A derived shorthand in condition position.
    fn derived(&self, name: &str) -> Option<Expr> {
        let present = |p| Box::new(Expr::Present(p));
        let is_true = |p| Box::new(Expr::Compare(p, CmpOp::Eq, Operand::Lit(Lit::Bool(true))));
        match name {
            "image.pinned" => Some(Expr::Or(
                present(Property::ImageDigest),
                Box::new(Expr::Compare(
                    Property::ImageTag,
                    CmpOp::Ne,
                    Operand::Lit(Lit::Str("latest".to_string())),
                )),
            )),
            "security.host_namespaces" => Some(Expr::Or(
                is_true(Property::HostNetwork),
                Box::new(Expr::Or(
                    is_true(Property::HostPid),
                    is_true(Property::HostIpc),
                )),
            )),
            _ => None,
        }
    }

    fn comparison(
        &mut self,
        op: BinaryOp,
        lhs: &Value,
        rhs: &Value,
        whole: &Value,
    ) -> Option<Expr> {
        let op = match op {
            BinaryOp::Eq => CmpOp::Eq,
            BinaryOp::Ne => CmpOp::Ne,
            BinaryOp::Lt => CmpOp::Lt,
            BinaryOp::Le => CmpOp::Le,
            BinaryOp::Gt => CmpOp::Gt,
            BinaryOp::Ge => CmpOp::Ge,
            _ => return None,
        };
        let (property, op, other) = match (self.side(lhs), self.side(rhs)) {
            (Some(Side::Property(p)), Some(_)) => (p, op, rhs),
            (Some(_), Some(Side::Property(p))) => (p, op.flipped(), lhs),
            (Some(_), Some(_)) => {
                self.ctx.report(
                    self.ctx
                        .diagnostic(
                            Code::WrongType,
                            "a comparison needs a property on one side",
                            whole.span,
                        )
                        .with_label("compares two values that are known in advance")
                        .with_help("compare a property with a value, e.g. `replicas.min >= 2`"),
                );
                return None;
            }
            _ => return None,
        };
        let ty = property.ty();
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) && !ty.is_ordered() {
            self.ctx.report(
                self.ctx
                    .diagnostic(
                        Code::WrongType,
                        format!("`{}` cannot be ordered", property.name()),
                        whole.span,
                    )
                    .with_label(format!("`{}` is {}", property.name(), ty.describe()))
                    .with_help("use `==` or `!=`, or `in [...]`"),
            );
            return None;
        }
        if matches!(ty, Ty::Presence | Ty::Labels | Ty::List(_)) {
            self.ctx.report(
                self.ctx
                    .diagnostic(
                        Code::WrongType,
                        format!("`{}` cannot be compared", property.name()),
                        whole.span,
                    )
                    .with_label(format!("`{}` is {}", property.name(), ty.describe())),
            );
            return None;
        }
        let operand = self.operand(other, &ty, property)?;
        Some(Expr::Compare(property, op, operand))
    }

    fn membership(&mut self, lhs: &Value, rhs: &Value) -> Option<Expr> {
        match (self.side(lhs)?, self.side(rhs)?) {
            (Side::Property(p), Side::Other) => {
                let ty = p.ty();
                if matches!(ty, Ty::Presence | Ty::Labels | Ty::List(_)) {
                    self.ctx.wrong_type(lhs, "a property with a single value");
                    return None;
                }
                let operand = self.operand(rhs, &Ty::List(Box::new(ty)), p)?;
                Some(Expr::In(p, operand))
            }
            (Side::Other, Side::Property(Property::Ports)) => {
                let operand = self.operand(lhs, &Ty::Int, Property::Ports)?;
                Some(Expr::Contains(Property::Ports, operand))
            }
            _ => {
                self.ctx.report(
                    self.ctx
                        .diagnostic(
                            Code::WrongType,
                            "`in` tests a property against a list",
                            lhs.span.to(rhs.span),
                        )
                        .with_label("expected `PROPERTY in [VALUES]` or `PORT in ports`"),
                );
                None
            }
        }
    }

    fn call(&mut self, callee: &[Ident], args: &[Value], value: &Value) -> Option<Expr> {
        let name: Vec<&str> = callee.iter().map(|i| i.name.as_str()).collect();
        let name = name.join(".");
        let (expected, build): (Ty, fn(Operand) -> Expr) = match name.as_str() {
            "labels.has" => (Ty::Str, Expr::HasLabels),
            "labels.has_all" => (Ty::List(Box::new(Ty::Str)), Expr::HasLabels),
            "image.from" => (Ty::List(Box::new(Ty::Str)), Expr::ImageFrom),
            _ => {
                let mut diagnostic = self
                    .ctx
                    .diagnostic(
                        Code::UnknownProperty,
                        format!("unknown test `{name}(…)`"),
                        value.span,
                    )
                    .with_label("not a test rules can use");
                if let Some(best) = closest(&name, ["labels.has", "labels.has_all", "image.from"]) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{best}(…)`?"));
                }
                self.ctx.report(diagnostic);
                return None;
            }
        };
        let [arg] = args else {
            self.ctx.report(
                self.ctx
                    .diagnostic(
                        Code::WrongType,
                        format!("`{name}` takes one argument, found {}", args.len()),
                        value.span,
                    )
                    .with_label("wrong number of arguments"),
            );
            return None;
        };
        let operand = self.operand(arg, &expected, Property::Labels)?;
        Some(build(operand))
    }

    /// Classifies one side of a comparison: a property, or something else (type-checked later).
    fn side(&mut self, value: &Value) -> Option<Side> {
        if let ValueKind::Path(parts) = &value.kind {
            let name: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
            let name = name.join(".");
            if self.params.iter().any(|p| p.name == name) {
                return Some(Side::Other);
            }
            if let Some(p) = Property::from_name(&name) {
                return Some(Side::Property(p));
            }
            if self.derived(&name).is_some() {
                self.ctx.report(
                    self.ctx
                        .diagnostic(
                            Code::WrongType,
                            format!("`{name}` is a condition, not a value"),
                            value.span,
                        )
                        .with_label("cannot be compared")
                        .with_help(format!("use it on its own: `{name}` or `not {name}`")),
                );
                return None;
            }
            if parts.len() > 1 || !parts[0].name.chars().all(|c| c.is_ascii_lowercase()) {
                // A dotted name can only be a property: report it as unknown.
                self.term(parts, value)?;
            }
        }
        Some(Side::Other)
    }

    /// Reads the value side of a test with the type the property expects.
    fn operand(&mut self, value: &Value, expected: &Ty, property: Property) -> Option<Operand> {
        if let ValueKind::Path(parts) = &value.kind {
            let name: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
            let name = name.join(".");
            if let Some(i) = self.params.iter().position(|p| p.name == name) {
                let param = &self.params[i];
                if param.ty != *expected {
                    self.ctx.report(
                        self.ctx
                            .diagnostic(
                                Code::WrongType,
                                format!(
                                    "parameter `{}` is {}, but {} is expected here",
                                    param.name,
                                    param.ty.describe(),
                                    expected.describe()
                                ),
                                value.span,
                            )
                            .with_label(format!("expected {}", expected.describe())),
                    );
                    return None;
                }
                return Some(Operand::Param(i));
            }
        }
        let lit = read_literal(self.ctx, value, expected)?;
        if let Some(choices) = property.choices() {
            for item in lit.items() {
                if let Lit::Str(text) = &item
                    && !choices.contains(&text.as_str())
                {
                    let mut diagnostic = self
                        .ctx
                        .diagnostic(
                            Code::InvalidValue,
                            format!("`{}` is never `{text}`", property.name()),
                            value.span,
                        )
                        .with_label("not one of its values")
                        .with_note(format!(
                            "`{}` is one of: {}",
                            property.name(),
                            choices.join(", ")
                        ));
                    if let Some(best) = closest(text, choices.iter().copied()) {
                        diagnostic = diagnostic.with_help(format!("did you mean `\"{best}\"`?"));
                    }
                    self.ctx.report(diagnostic);
                    return None;
                }
            }
        }
        Some(Operand::Lit(lit))
    }
}

enum Side {
    Property(Property),
    Other,
}

/// A type in the plural, for "a list of strings".
fn plural(ty: &Ty) -> String {
    match ty {
        Ty::Str => "strings".to_string(),
        Ty::Int => "whole numbers".to_string(),
        Ty::Bool => "booleans".to_string(),
        Ty::Cpu => "CPU quantities".to_string(),
        Ty::Memory => "memory quantities".to_string(),
        Ty::List(inner) => format!("lists of {}", plural(inner)),
        other => other.describe(),
    }
}
