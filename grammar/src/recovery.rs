//! Turns the text skipped by a recovery rule into a syntax error that says what was expected.
//!
//! The recovery rules only know "this line is not a field". To say *why*, the skipped text is
//! parsed again with the strict rule on its own, and pest's list of expected rules at the point of
//! failure is translated into words; common mistakes get a more pointed message first.

use crate::ast::DeclKind;
use crate::parser::{K8sParser, OPERATORS, Rule};
use crate::span::Span;
use crate::syntax_error::SyntaxError;
use pest::Parser;

/// Explains the text of a recovery node. `context` is the rule the text should have matched:
/// `item_error` (a top-level item), `field_error` (a field) or `rule` (a `require` rule).
pub(crate) fn explain_recovery(text: &str, context: Rule, span: pest::Span<'_>) -> SyntaxError {
    let snippet = span.as_str();
    let offset = span.start();
    if let Some(error) = unterminated_string(text, snippet, offset) {
        return error;
    }
    if let Some(error) = unterminated_comment(snippet, offset) {
        return error;
    }
    match context {
        Rule::item_error => explain_item(snippet, offset),
        Rule::require_rule => explain_with(Rule::require_rule_alone, snippet, offset, "a rule"),
        _ => explain_field(snippet, offset),
    }
}

fn explain_item(snippet: &str, offset: usize) -> SyntaxError {
    let trimmed = snippet.trim_start();
    let lead = snippet.len() - trimmed.len();
    let first = leading_word(trimmed);
    if trimmed.starts_with('}') {
        return SyntaxError::new(
            "unexpected `}`",
            Span::new(offset + lead, offset + lead + 1),
        )
        .with_label("no block is open here")
        .with_help("remove it, or check the braces of the declaration above");
    }
    if !first.is_empty() {
        let after = trimmed[first.len()..].trim_start();
        let word_span = Span::new(offset + lead, offset + lead + first.len());
        if after.starts_with(':') {
            return SyntaxError::new(
                format!("field `{first}` is outside any declaration"),
                word_span,
            )
            .with_label("fields belong inside a block")
            .with_help(
                "move it into a declaration such as `service web { … }` or `app shop { … }`",
            );
        }
        let second = leading_word(after);
        if DeclKind::from_keyword(first).is_none() && !second.is_empty() && first != "import" {
            let keywords = DeclKind::ALL.map(DeclKind::keyword);
            let mut error = SyntaxError::new(format!("unknown declaration `{first}`"), word_span)
                .with_label("not a declaration keyword");
            error = match closest(first, &keywords) {
                Some(best) => error.with_help(format!("did you mean `{best}`?")),
                None => error.with_help(format!(
                    "declarations start with one of: {}",
                    keywords.join(", ")
                )),
            };
            return error;
        }
    }
    explain_with(
        Rule::item_alone,
        snippet,
        offset,
        "a declaration or an import",
    )
}

fn explain_field(snippet: &str, offset: usize) -> SyntaxError {
    if let Some(error) = unclosed_bracket(snippet, offset) {
        return error;
    }
    if let Some(error) = second_field_on_line(snippet, offset) {
        return error;
    }
    if let Some(error) = malformed_allow(snippet, offset) {
        return error;
    }
    let mut error = explain_with(Rule::field_alone, snippet, offset, "a field");
    let trimmed = snippet.trim_start();
    let word = leading_word(trimmed);
    let after = trimmed[word.len()..].trim_start();
    if !word.is_empty() && !after.starts_with(':') && !after.starts_with('{') && !after.is_empty() {
        error.help = Some(format!(
            "write `{word}: …`: a field name is followed by `:`"
        ));
    }
    error
}

/// `allow NAME` without `because "reason"`: every exception must say why it is acceptable.
fn malformed_allow(snippet: &str, offset: usize) -> Option<SyntaxError> {
    let trimmed = snippet.trim_start();
    let rest = trimmed.strip_prefix("allow")?;
    if !rest.starts_with([' ', '\t']) || rest.trim_start().starts_with(':') {
        return None;
    }
    let start = offset + (snippet.len() - trimmed.len());
    let span = Span::new(start, offset + snippet.trim_end().len());
    let name = leading_word(rest.trim_start());
    let name = if name.is_empty() { "POLICY" } else { name };
    Some(
        SyntaxError::new("an exception needs a reason", span)
            .with_label("expected `allow NAME because \"reason\"`")
            .with_help(format!(
                "say why the exception is acceptable: `allow {name} because \"…\"`"
            )),
    )
}

/// Re-parses `snippet` with `rule` and words pest's complaint.
fn explain_with(rule: Rule, snippet: &str, offset: usize, what: &str) -> SyntaxError {
    let error = match K8sParser::parse(rule, snippet) {
        Ok(_) => {
            let start = snippet.len() - snippet.trim_start().len();
            return SyntaxError::new(
                format!("expected {what}"),
                Span::new(offset + start, offset + snippet.trim_end().len().max(start)),
            );
        }
        Err(error) => error,
    };
    let at = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => describe_expected(positives),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let (found, found_len) = describe_found(&snippet[at.min(snippet.len())..]);
    let span = Span::new(offset + at, offset + at + found_len);
    let before = snippet[..at.min(snippet.len())].trim_end_matches([' ', '\t']);
    let word = leading_word(&snippet[at.min(snippet.len())..]);
    if before.len() < at && before.ends_with(|c: char| c.is_ascii_digit()) && !word.is_empty() {
        return SyntaxError::new(format!("unexpected `{word}` after a number"), span)
            .with_label("a unit is written right after its number")
            .with_help(format!(
                "remove the space: `{}{word}`",
                before.rsplit([' ', ':', '[', ',']).next().unwrap_or("")
            ));
    }
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_alternatives(&expected))
    };
    let mut syntax_error = SyntaxError::new(message, span);
    if expected.iter().any(|e| e == "end of line") {
        syntax_error = syntax_error
            .with_label("unexpected here")
            .with_help("put each field on its own line, or separate fields with `,`");
    }
    syntax_error
}

fn describe_expected(positives: &[Rule]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut operators = false;
    for rule in positives {
        let text = match rule {
            Rule::colon => "`:`",
            Rule::block => "`{`",
            Rule::block_close => "`}`",
            Rule::expr
            | Rule::with_block
            | Rule::application
            | Rule::string
            | Rule::raw_string
            | Rule::number
            | Rule::number_text
            | Rule::boolean
            | Rule::list
            | Rule::paren
            | Rule::call
            | Rule::path => "a value",
            Rule::key | Rule::ident => "a name",
            Rule::rel_path | Rule::module_path => "a module path such as `std.tiers` or `./common`",
            Rule::import_set => "`{`",
            Rule::decl_kw | Rule::kw_import | Rule::decl => "a declaration",
            Rule::EOI => "end of line",
            rule if OPERATORS.contains(rule) => {
                operators = true;
                continue;
            }
            _ => continue,
        };
        if !out.iter().any(|existing| existing == text) {
            out.push(text.to_string());
        }
    }
    if out.is_empty() && operators {
        out.push("an operator".to_string());
    }
    // A value can start with a name, so "a name" only adds noise next to "a value".
    if out.iter().any(|e| e == "a value") {
        out.retain(|e| e != "a name");
    }
    out.sort_by_key(|e| {
        EXPECTED_ORDER
            .iter()
            .position(|o| o == e)
            .unwrap_or(usize::MAX)
    });
    out
}

/// The order in which alternatives are listed in messages.
const EXPECTED_ORDER: [&str; 6] = ["`:`", "a value", "a name", "`{`", "`}`", "end of line"];

/// `[1, 2` or `f(x` with no closing bracket on the line.
fn unclosed_bracket(snippet: &str, offset: usize) -> Option<SyntaxError> {
    let mut open: Vec<(usize, u8)> = Vec::new();
    for region in crate::lexical::regions(snippet) {
        if region.kind != crate::lexical::RegionKind::Code {
            continue;
        }
        for i in region.range {
            match snippet.as_bytes()[i] {
                c @ (b'[' | b'(' | b'{') => open.push((i, c)),
                b']' | b')' | b'}' => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    let (at, bracket) = *open.first()?;
    let close = match bracket {
        b'[' => ']',
        b'(' => ')',
        _ => '}',
    };
    let bracket = bracket as char;
    Some(
        SyntaxError::new(
            format!("this `{bracket}` is never closed"),
            Span::new(offset + at, offset + at + 1),
        )
        .with_label(format!("unclosed `{bracket}`"))
        .with_help(format!(
            "add `{close}`; a list may span lines, but must be closed"
        )),
    )
}

/// `port: http 8080 replicas: 2`: a second `name:` after the value on the same line.
fn second_field_on_line(snippet: &str, offset: usize) -> Option<SyntaxError> {
    let first_colon = snippet.find(':')?;
    for region in crate::lexical::regions(snippet) {
        if region.kind != crate::lexical::RegionKind::Code || region.range.end <= first_colon + 1 {
            continue;
        }
        let start = region.range.start.max(first_colon + 1);
        let code = &snippet[start..region.range.end];
        let mut search = 0;
        while let Some(colon) = code[search..].find(':').map(|p| p + search) {
            let before = code[..colon].trim_end();
            let word_start = before
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || *c == '.'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let word = &before[word_start..];
            let preceded_by_space = before[..word_start].ends_with([' ', '\t']);
            if !word.is_empty() && preceded_by_space && leading_word(word) == word {
                let at = offset + start + word_start;
                return Some(
                    SyntaxError::new(
                        format!("expected end of line, found another field `{word}`"),
                        Span::new(at, at + word.len()),
                    )
                    .with_label("a second field on the same line")
                    .with_help("put each field on its own line, or separate fields with `,`"),
                );
            }
            search = colon + 1;
        }
    }
    None
}

fn join_alternatives(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Describes the text at the point of failure and returns how many bytes to underline.
fn describe_found(rest: &str) -> (String, usize) {
    let rest_line = rest.split('\n').next().unwrap_or("");
    let trimmed = rest_line.trim_end();
    if trimmed.is_empty() {
        return ("end of line".to_string(), 0);
    }
    let word = leading_word(trimmed);
    if !word.is_empty() {
        return (format!("`{word}`"), word.len());
    }
    if let Some(after_quote) = trimmed.strip_prefix('"') {
        let end = after_quote.find('"').map_or(trimmed.len(), |p| p + 2);
        return ("a string".to_string(), end);
    }
    if let Some(first) = trimmed.chars().next() {
        if first.is_ascii_digit() {
            let len = trimmed
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '.')
                .unwrap_or(trimmed.len());
            return (format!("`{}`", &trimmed[..len]), len);
        }
        return (format!("`{first}`"), first.len_utf8());
    }
    ("end of line".to_string(), 0)
}

/// An identifier-like word at the start of `text`.
fn leading_word(text: &str) -> &str {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return "",
    }
    let end = chars
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// A `"` on this line that is never closed.
fn unterminated_string(text: &str, snippet: &str, offset: usize) -> Option<SyntaxError> {
    let regions = crate::lexical::regions(snippet);
    let region = regions.iter().find(|r| {
        r.kind == crate::lexical::RegionKind::Str && {
            let s = &snippet[r.range.clone()];
            let closed = if s.starts_with("\"\"\"") {
                s.len() >= 6 && s.ends_with("\"\"\"")
            } else {
                s.len() >= 2 && s.ends_with('"') && !s.ends_with("\\\"")
            };
            !closed
        }
    })?;
    let start = offset + region.range.start;
    let line_end = text[start..].find('\n').map_or(text.len(), |p| start + p);
    Some(
        SyntaxError::new("unterminated string", Span::new(start, line_end))
            .with_label("this string has no closing `\"`")
            .with_help("close it with `\"`; for text over several lines use `\"\"\"…\"\"\"`"),
    )
}

fn unterminated_comment(snippet: &str, offset: usize) -> Option<SyntaxError> {
    let regions = crate::lexical::regions(snippet);
    let region = regions.iter().find(|r| {
        r.kind == crate::lexical::RegionKind::Comment && {
            let s = &snippet[r.range.clone()];
            s.starts_with("/*") && !(s.len() >= 4 && s.ends_with("*/"))
        }
    })?;
    let start = offset + region.range.start;
    Some(
        SyntaxError::new("unterminated block comment", Span::new(start, start + 2))
            .with_label("this `/*` is never closed")
            .with_help("close it with `*/`"),
    )
}

/// The candidate closest to `word` by edit distance, if it is plausibly a typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
