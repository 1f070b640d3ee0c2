//! Typed rule expressions: what a `require` rule, a policy's `match` and `deny` mean once every
//! name is resolved to a property or parameter and every literal has its type.

use super::property::{Property, Ty};
use k8sc_grammar::Span;

/// A literal value: written in a rule, or passed as a policy argument.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lit {
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Text.
    Str(String),
    /// CPU, millicores.
    Cpu(u64),
    /// Memory, bytes.
    Memory(u64),
    /// A list.
    List(Vec<Lit>),
}

impl Lit {
    /// The literal as it would be written in `.k8s` (for messages).
    pub fn display(&self) -> String {
        match self {
            Lit::Bool(b) => b.to_string(),
            Lit::Int(n) => n.to_string(),
            Lit::Str(s) => format!("\"{s}\""),
            Lit::Cpu(m) => crate::types::quantity::format_cpu(*m),
            Lit::Memory(b) => crate::types::quantity::format_bytes(*b),
            Lit::List(items) => {
                let items: Vec<String> = items.iter().map(Lit::display).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    /// The literal in plain text, for interpolation into messages (strings without quotes).
    pub fn plain(&self) -> String {
        match self {
            Lit::Str(s) => s.clone(),
            Lit::List(items) => {
                let items: Vec<String> = items.iter().map(Lit::plain).collect();
                items.join(", ")
            }
            other => other.display(),
        }
    }

    /// The items of a list literal (a scalar is a list of one).
    pub fn items(&self) -> Vec<Lit> {
        match self {
            Lit::List(items) => items.clone(),
            other => vec![other.clone()],
        }
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator that holds exactly when this one does not (on present values).
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }

    /// The operator with its operands swapped (`2 <= x` is `x >= 2`).
    pub fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Applies the operator to two ordered values.
    pub fn holds<T: Ord>(self, a: &T, b: &T) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

/// The value side of a test: a literal, or a parameter filled in where the policy is used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Operand {
    /// A literal.
    Lit(Lit),
    /// The parameter at this index.
    Param(usize),
}

/// A typed boolean expression over one workload's properties.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A constant.
    Const(bool),
    /// A boolean parameter.
    BoolParam(usize),
    /// The property has a value (`probes.ready`, `image.digest`, `cpu.limit`).
    Present(Property),
    /// `property OP value`; false when the property has no value.
    Compare(Property, CmpOp, Operand),
    /// `property in list`; false when the property has no value.
    In(Property, Operand),
    /// `value in ports`.
    Contains(Property, Operand),
    /// `labels.has("key")` / `labels.has_all([…])`: every key is a label.
    HasLabels(Operand),
    /// `image.from([…])`: the image starts with one of the prefixes followed by `/`.
    ImageFrom(Operand),
    /// `not e`.
    Not(Box<Expr>),
    /// `a and b`.
    And(Box<Expr>, Box<Expr>),
    /// `a or b`.
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Every property the expression reads, in first-use order.
    pub fn properties(&self) -> Vec<Property> {
        let mut out = Vec::new();
        self.collect_properties(&mut out);
        out
    }

    fn collect_properties(&self, out: &mut Vec<Property>) {
        let mut push = |p: Property| {
            if !out.contains(&p) {
                out.push(p);
            }
        };
        match self {
            Expr::Const(_) | Expr::BoolParam(_) => {}
            Expr::Present(p) | Expr::Compare(p, _, _) | Expr::In(p, _) | Expr::Contains(p, _) => {
                push(*p)
            }
            Expr::HasLabels(_) => push(Property::Labels),
            Expr::ImageFrom(_) => push(Property::Image),
            Expr::Not(e) => e.collect_properties(out),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.collect_properties(out);
                b.collect_properties(out);
            }
        }
    }

    /// Replaces every parameter by its argument.
    pub fn bind(&self, args: &[Lit]) -> Expr {
        let operand = |o: &Operand| match o {
            Operand::Param(i) => {
                Operand::Lit(args.get(*i).cloned().unwrap_or(Lit::List(Vec::new())))
            }
            lit => lit.clone(),
        };
        match self {
            Expr::Const(b) => Expr::Const(*b),
            Expr::BoolParam(i) => Expr::Const(matches!(args.get(*i), Some(Lit::Bool(true)))),
            Expr::Present(p) => Expr::Present(*p),
            Expr::Compare(p, op, o) => Expr::Compare(*p, *op, operand(o)),
            Expr::In(p, o) => Expr::In(*p, operand(o)),
            Expr::Contains(p, o) => Expr::Contains(*p, operand(o)),
            Expr::HasLabels(o) => Expr::HasLabels(operand(o)),
            Expr::ImageFrom(o) => Expr::ImageFrom(operand(o)),
            Expr::Not(e) => Expr::Not(Box::new(e.bind(args))),
            Expr::And(a, b) => Expr::And(Box::new(a.bind(args)), Box::new(b.bind(args))),
            Expr::Or(a, b) => Expr::Or(Box::new(a.bind(args)), Box::new(b.bind(args))),
        }
    }

    /// `not self`.
    pub fn negate(self) -> Expr {
        match self {
            Expr::Not(inner) => *inner,
            other => Expr::Not(Box::new(other)),
        }
    }
}

/// A declared parameter of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParamSpec {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Ty,
    /// Where it is declared.
    pub span: Span,
}
