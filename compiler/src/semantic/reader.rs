//! Reading AST values as typed values, reporting every mismatch as a coded diagnostic.
//!
//! A [`Ctx`] knows the file and precedence layer being read, so everything it produces is a
//! [`Sourced`] value; each `read_*` function returns `None` after reporting why a value could not
//! be used, so checking carries on with the next field.

use super::suggest::closest;
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::model::schema::FieldInfo;
use crate::model::spec::{Layer, Origin, Resource, Sourced, Written};
use crate::types::quantity::{self, UnitError};
use k8sc_grammar::{Block, Field, Number, Span, Value, ValueKind};
use std::collections::HashMap;
use std::sync::Arc;

/// The file and layer being read, and where diagnostics go.
pub struct Ctx<'d> {
    /// The display path of the file.
    pub file: Arc<str>,
    /// The precedence layer of what is read, with the file: shared by every origin made here.
    written: Arc<Written>,
    /// Collected diagnostics.
    pub diagnostics: &'d mut Vec<Diagnostic>,
    /// The block whose `allow … because …` exceptions are read by the caller (a workload's
    /// body); in any other block an exception is reported as misplaced.
    pub exceptions_block: Option<Span>,
    /// The block whose `require` rules are read by the caller (a tier's body).
    pub rules_block: Option<Span>,
}

impl<'d> Ctx<'d> {
    /// Reads values of `layer` in `file`, reporting into `diagnostics`.
    pub fn new(file: Arc<str>, layer: Layer, diagnostics: &'d mut Vec<Diagnostic>) -> Ctx<'d> {
        let written = Written::new(layer, &file);
        Ctx {
            file,
            written,
            diagnostics,
            exceptions_block: None,
            rules_block: None,
        }
    }

    /// The precedence layer of what is read.
    pub fn layer(&self) -> &Layer {
        &self.written.layer
    }

    /// Reads what follows as values of `layer`.
    pub fn set_layer(&mut self, layer: Layer) {
        self.written = Written::new(layer, &self.file);
    }

    /// The origin of a value at `span`.
    pub fn origin(&self, span: Span) -> Origin {
        Origin::within(&self.written, span)
    }

    /// Pairs `value` with the origin of `span`.
    pub fn sourced<T>(&self, value: T, span: Span) -> Sourced<T> {
        Sourced::new(value, self.origin(span))
    }

    /// A diagnostic in this file (not yet reported).
    pub fn diagnostic(&self, code: Code, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, message, &self.file, span)
    }

    /// Adds a validator's help to `diagnostic`; a "did you mean `X`?" becomes a replacement of the
    /// whole `value` (quoted if the value is a string), so editors can apply it.
    pub fn with_fix(
        &self,
        diagnostic: Diagnostic,
        help: Option<String>,
        value: &Value,
    ) -> Diagnostic {
        let Some(help) = help else {
            return diagnostic;
        };
        let Some(fix) = suggested_fix(&help) else {
            return diagnostic.with_help(help);
        };
        let replacement = match &value.kind {
            ValueKind::Str(_) => format!("{fix:?}"),
            _ => fix.to_string(),
        };
        let mut diagnostic = diagnostic.with_help(help.clone());
        diagnostic.suggestions.push(crate::diagnostics::Suggestion {
            file: self.file.to_string(),
            span: value.span,
            replacement,
        });
        diagnostic
    }

    /// Adds a validator's help to a diagnostic about a field key at `span`; a "did you mean `X`?"
    /// becomes a replacement of the key.
    pub fn with_key_fix(
        &self,
        diagnostic: Diagnostic,
        help: Option<String>,
        span: Span,
    ) -> Diagnostic {
        let Some(help) = help else {
            return diagnostic;
        };
        let fix = suggested_fix(&help).map(str::to_string);
        let mut diagnostic = diagnostic.with_help(help);
        if let Some(fix) = fix {
            diagnostic.suggestions.push(crate::diagnostics::Suggestion {
                file: self.file.to_string(),
                span,
                replacement: fix,
            });
        }
        diagnostic
    }

    /// A label in this file.
    pub fn label(&self, span: Span, message: impl Into<String>) -> Label {
        Label::new(&*self.file, span).with_message(message)
    }

    /// Reports a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports "expected X, found Y" (E0003).
    pub fn wrong_type(&mut self, value: &Value, expected: &str) {
        let found = value.kind.describe();
        let mut diagnostic = self
            .diagnostic(
                Code::WrongType,
                format!("expected {expected}, found {found}"),
                value.span,
            )
            .with_label(format!("this is {found}"));
        if let ValueKind::Path(parts) = &value.kind
            && expected.contains("string")
            && parts.len() == 1
        {
            diagnostic = diagnostic
                .with_replacement(format!("\"{}\"", parts[0].name))
                .with_help("strings are written in double quotes");
        }
        self.report(diagnostic);
    }

    /// Reports a unit error (E0004) on a number literal.
    fn unit_error(&mut self, value: &Value, number: &Number, error: UnitError) {
        let span = match (error.unit_at_fault, number.unit_span) {
            (true, Some(unit_span)) => unit_span,
            _ => value.span,
        };
        let code = if error.unit_at_fault {
            Code::WrongUnit
        } else {
            Code::InvalidValue
        };
        let mut diagnostic = self.diagnostic(code, error.message, span);
        if let Some(replacement) = error.replacement {
            diagnostic.suggestions.push(crate::diagnostics::Suggestion {
                file: self.file.to_string(),
                span: value.span,
                replacement,
            });
        }
        if let Some(help) = error.help {
            diagnostic = diagnostic.with_help(help);
        }
        self.report(diagnostic);
    }

    fn number<'v>(&mut self, value: &'v Value, expected: &str) -> Option<&'v Number> {
        match &value.kind {
            ValueKind::Number(number) => Some(number),
            _ => {
                self.wrong_type(value, expected);
                None
            }
        }
    }

    /// A string literal.
    pub fn read_string(&mut self, value: &Value) -> Option<String> {
        match &value.kind {
            ValueKind::Str(text) => Some(text.clone()),
            _ => {
                self.wrong_type(value, "a string");
                None
            }
        }
    }

    /// A scalar written as a string, number or boolean, as text (for config values and labels).
    pub fn read_scalar_text(&mut self, value: &Value) -> Option<String> {
        match &value.kind {
            ValueKind::Str(text) => Some(text.clone()),
            ValueKind::Bool(b) => Some(b.to_string()),
            ValueKind::Number(n) => Some(format!("{}{}", n.text, n.unit.as_deref().unwrap_or(""))),
            _ => {
                self.wrong_type(value, "a string, number or boolean");
                None
            }
        }
    }

    /// A bare name or a string: `fast-ssd` or `"fast-ssd"`.
    pub fn read_name(&mut self, value: &Value) -> Option<String> {
        match &value.kind {
            ValueKind::Path(parts) if parts.len() == 1 => Some(parts[0].name.clone()),
            ValueKind::Str(text) => Some(text.clone()),
            _ => {
                self.wrong_type(value, "a name");
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn read_bool(&mut self, value: &Value) -> Option<bool> {
        match &value.kind {
            ValueKind::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(value, "`true` or `false`");
                None
            }
        }
    }

    /// A whole number within `min..=max`.
    pub fn read_count(&mut self, value: &Value, what: &str, min: i64, max: i64) -> Option<i64> {
        let number = self.number(value, &format!("{what} (a number)"))?;
        match quantity::parse_count(&number.text, number.unit.as_deref(), what) {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            Ok(n) => {
                let bound = if n < min {
                    format!("at least {min}")
                } else {
                    format!("at most {max}")
                };
                self.report(
                    self.diagnostic(
                        Code::InvalidValue,
                        format!("{what} must be {bound}, not {n}"),
                        value.span,
                    )
                    .with_label(format!("must be {bound}")),
                );
                None
            }
            Err(error) => {
                self.unit_error(value, number, error);
                None
            }
        }
    }

    /// A whole number within `min..=max` as `u32`.
    pub fn read_u32(&mut self, value: &Value, what: &str, min: u32, max: u32) -> Option<u32> {
        self.read_count(value, what, i64::from(min), i64::from(max))
            .and_then(|n| u32::try_from(n).ok())
    }

    /// CPU in millicores.
    pub fn read_cpu(&mut self, value: &Value) -> Option<u64> {
        let number = self.number(value, "CPU (`250m`, `1`)")?;
        quantity::parse_cpu(&number.text, number.unit.as_deref())
            .map_err(|error| self.unit_error(value, number, error))
            .ok()
    }

    /// Bytes (memory or storage).
    pub fn read_bytes(&mut self, value: &Value, what: &str) -> Option<u64> {
        let number = self.number(value, &format!("{what} (`256Mi`, `2Gi`)"))?;
        quantity::parse_bytes(&number.text, number.unit.as_deref(), what)
            .map_err(|error| self.unit_error(value, number, error))
            .ok()
    }

    /// A duration in milliseconds.
    pub fn read_duration(&mut self, value: &Value) -> Option<u64> {
        let number = self.number(value, "a duration (`30s`, `5m`)")?;
        quantity::parse_duration(&number.text, number.unit.as_deref())
            .map_err(|error| self.unit_error(value, number, error))
            .ok()
    }

    /// A percentage.
    pub fn read_percent(&mut self, value: &Value) -> Option<u32> {
        let number = self.number(value, "a percentage (`70%`)")?;
        quantity::parse_percent(&number.text, number.unit.as_deref())
            .map_err(|error| self.unit_error(value, number, error))
            .ok()
    }

    /// `request` or `request..limit`, each read with `read`. A limit below the request is E0016.
    pub fn read_resource(
        &mut self,
        value: &Value,
        what: &str,
        read: impl Fn(&mut Self, &Value) -> Option<u64>,
        format: fn(u64) -> String,
    ) -> Option<Resource> {
        match &value.kind {
            ValueKind::Range { start, end } => {
                let request = read(self, start);
                let limit = read(self, end);
                let (request, limit) = (request?, limit?);
                if limit < request {
                    self.report(
                        self.diagnostic(
                            Code::LimitBelowRequest,
                            format!(
                                "{what} limit {} is below the request {}",
                                format(limit),
                                format(request)
                            ),
                            end.span,
                        )
                        .with_label("the limit")
                        .with_secondary(self.label(start.span, "the request"))
                        .with_note(format!(
                            "`{what}: REQUEST..LIMIT`: the scheduler reserves the request; the container may use up to the limit"
                        ))
                        .with_help(format!("swap them: `{what}: {}..{}`", format(limit), format(request))),
                    );
                    return None;
                }
                Some(Resource {
                    request,
                    limit: Some(limit),
                })
            }
            _ => read(self, value).map(|request| Resource {
                request,
                limit: None,
            }),
        }
    }

    /// A list of strings.
    pub fn read_string_list(&mut self, value: &Value) -> Option<Vec<String>> {
        let ValueKind::List(items) = &value.kind else {
            self.wrong_type(value, "a list of strings");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match self.read_string(item) {
                Some(text) => out.push(text),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// One of a fixed set of bare words.
    pub fn read_choice<T: Copy>(
        &mut self,
        value: &Value,
        what: &str,
        choices: &[(&'static str, T)],
    ) -> Option<T> {
        let word = match &value.kind {
            ValueKind::Path(parts) if parts.len() == 1 => &parts[0].name,
            ValueKind::Bool(false) if choices.iter().any(|(w, _)| *w == "none") => "none",
            _ => {
                let list = choice_list(choices);
                self.wrong_type(value, &format!("one of {list}"));
                return None;
            }
        };
        if let Some((_, choice)) = choices.iter().find(|(w, _)| *w == word) {
            return Some(*choice);
        }
        let list = choice_list(choices);
        let mut diagnostic = self
            .diagnostic(
                Code::InvalidValue,
                format!("`{word}` is not a valid {what}"),
                value.span,
            )
            .with_label(format!("expected one of {list}"));
        if let Some(best) = closest(word, choices.iter().map(|(w, _)| *w)) {
            diagnostic = diagnostic.with_replacement(best);
        }
        self.report(diagnostic);
        None
    }

    /// The fields of `block`, checked against `table`: unknown fields (E0002, with a suggestion),
    /// fields set twice (E0019) and dotted keys are reported and left out.
    pub fn known_fields<'b>(
        &mut self,
        block: &'b Block,
        table: &'static [FieldInfo],
        context: &str,
    ) -> Vec<(&'static FieldInfo, &'b Field)> {
        self.known_fields_hinted(block, table, context, &[])
    }

    /// Like [`Ctx::known_fields`], explaining fields that users commonly put in the wrong place.
    pub fn known_fields_hinted<'b>(
        &mut self,
        block: &'b Block,
        table: &'static [FieldInfo],
        context: &str,
        hints: &[MisplacedField],
    ) -> Vec<(&'static FieldInfo, &'b Field)> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut out = Vec::new();
        for item in &block.items {
            let field = match item {
                k8sc_grammar::BlockItem::Field(field) => field,
                k8sc_grammar::BlockItem::Require(_) if self.rules_block == Some(block.span) => {
                    continue;
                }
                k8sc_grammar::BlockItem::Require(require) => {
                    self.report(
                        self.diagnostic(
                            Code::UnknownField,
                            format!("`require` is not allowed in {context}"),
                            require.keyword_span,
                        )
                        .with_label("only tiers have `require` blocks"),
                    );
                    continue;
                }
                k8sc_grammar::BlockItem::Allow(allow) => {
                    if self.exceptions_block != Some(block.span) {
                        self.report(
                            self.diagnostic(
                                Code::UnknownField,
                                format!("`allow` is not allowed in {context}"),
                                allow.keyword_span,
                            )
                            .with_label("exceptions are written in the workload they exempt")
                            .with_help("move it into the workload's block"),
                        );
                    }
                    continue;
                }
            };
            let Some(key) = field.key.first() else {
                continue;
            };
            if field.key.len() > 1 {
                let nested = field.key[1..]
                    .iter()
                    .map(|k| k.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".");
                self.report(
                    self.diagnostic(
                        Code::UnknownField,
                        format!(
                            "dotted field `{}` is not allowed in {context}",
                            field.key_text()
                        ),
                        field.key_span(),
                    )
                    .with_label("dotted paths are for `env` overrides")
                    .with_help(format!("write `{} {{ {nested}: … }}`", key.name)),
                );
                continue;
            }
            if let Some(hint) = hints.iter().find(|h| h.name == key.name) {
                self.report(
                    self.diagnostic(
                        Code::UnknownField,
                        format!("{context} has no field `{}`", key.name),
                        key.span,
                    )
                    .with_label(hint.label)
                    .with_note(hint.note)
                    .with_help(hint.help),
                );
                continue;
            }
            let Some(info) = table.iter().find(|f| f.name == key.name) else {
                let mut diagnostic = self
                    .diagnostic(
                        Code::UnknownField,
                        format!("unknown field `{}` in {context}", key.name),
                        key.span,
                    )
                    .with_label("unknown field");
                if let Some(best) = closest(&key.name, table.iter().map(|f| f.name)) {
                    diagnostic = diagnostic.with_replacement(best);
                } else {
                    let names: Vec<&str> = table.iter().map(|f| f.name).collect();
                    diagnostic = diagnostic
                        .with_note(format!("the fields of {context} are: {}", names.join(", ")));
                }
                self.report(diagnostic);
                continue;
            };
            // `patch` is the one field written once per patched resource.
            if let Some(first) = seen.get(info.name).filter(|_| info.name != "patch") {
                self.report(
                    self.diagnostic(
                        Code::DuplicateField,
                        format!("field `{}` is set twice", info.name),
                        key.span,
                    )
                    .with_label("set again here")
                    .with_secondary(self.label(*first, "first set here"))
                    .with_help("remove one of them"),
                );
                continue;
            }
            seen.insert(info.name, key.span);
            out.push((info, field));
        }
        out
    }

    /// The block of a field written `key { … }` or `key: { … }`, or E0003.
    pub fn expect_block<'v>(&mut self, value: &'v Value, expected: &str) -> Option<&'v Block> {
        match &value.kind {
            ValueKind::Block(block) => Some(block),
            _ => {
                self.wrong_type(value, expected);
                None
            }
        }
    }
}

/// The `X` of a validator's "did you mean `X`?" help.
fn suggested_fix(help: &str) -> Option<&str> {
    help.strip_prefix("did you mean `")
        .and_then(|rest| rest.strip_suffix("`?"))
        .filter(|fix| !fix.contains('`'))
}

/// A validator's sentence about a name, with its generic subject ("name `X` …") replaced by the
/// specific one ("namespace `X` …").
pub fn name_message(error: &crate::types::names::ValueError, what: &str) -> String {
    match error.message.strip_prefix("name ") {
        Some(rest) => format!("{what} {rest}"),
        None => error.message.clone(),
    }
}

/// A field users put in a block where it does not belong, with the explanation to give.
pub struct MisplacedField {
    /// The field's name.
    pub name: &'static str,
    /// The label on the field.
    pub label: &'static str,
    /// Why it does not belong here.
    pub note: &'static str,
    /// Where it belongs instead.
    pub help: &'static str,
}

/// "`a`, `b` or `c`".
pub fn choice_list<T>(choices: &[(&'static str, T)]) -> String {
    let words: Vec<String> = choices.iter().map(|(w, _)| format!("`{w}`")).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
