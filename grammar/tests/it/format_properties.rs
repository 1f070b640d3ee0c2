//! Properties of the formatter on generated programs: random declarations, fields, values,
//! expressions and comments, laid out with random indentation, spacing, blank lines and line
//! breaks. Formatting succeeds, is idempotent, keeps the tree and keeps every comment in order.
//! And on arbitrary text it never panics: it formats or it refuses.

use crate::support;

use k8sc_grammar::format::{format_range, format_source};
use k8sc_grammar::parse;
use proptest::prelude::*;

/// Where a group's entries go: all on one line, or one per line with comments and noise.
#[derive(Debug, Clone)]
struct Layout {
    one_line: bool,
    indent: String,
    blank_lines: Vec<usize>,
    comments: Vec<Option<String>>,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        prop::bool::weighted(0.4),
        prop::sample::select(vec!["", " ", "  ", "    ", "\t", " \t  "]),
        prop::collection::vec(prop::sample::select(vec![0usize, 0, 0, 1, 2]), 8),
        prop::collection::vec(prop::option::weighted(0.3, line_comment()), 8),
    )
        .prop_map(|(one_line, indent, blank_lines, comments)| Layout {
            one_line,
            indent: indent.to_string(),
            blank_lines,
            comments,
        })
}

fn line_comment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "// note",
        "// a \"quoted\" { brace",
        "/// doc-like",
        "//",
        "/* block */",
        "/* two\n   lines */",
        "/* nested /* inner */ outer */",
    ])
    .prop_map(String::from)
}

fn inline_comment() -> impl Strategy<Value = String> {
    prop::option::weighted(0.1, prop::sample::select(vec!["/* c */ ", "/* x\n y */ "]))
        .prop_map(|c| c.unwrap_or_default().to_string())
}

/// Joins entries in a group: `open` … `close`, laid out as `layout` says. `commas` separates
/// entries of a multi-line group with commas (sometimes) rather than only line breaks.
fn lay_out(open: &str, close: &str, entries: &[String], layout: &Layout, commas: bool) -> String {
    let quiet = entries.iter().all(|e| !e.contains("//"));
    if layout.one_line && quiet {
        return format!("{open} {} {close}", entries.join(", "));
    }
    let mut out = open.to_string();
    if let Some(Some(c)) = layout.comments.last() {
        out.push(' ');
        out.push_str(c);
    }
    out.push('\n');
    for (i, entry) in entries.iter().enumerate() {
        for _ in 0..layout.blank_lines[i % layout.blank_lines.len()] {
            out.push('\n');
        }
        out.push_str(&layout.indent);
        out.push_str(entry);
        if commas && (i % 2 == 0 || i + 1 < entries.len()) {
            out.push(',');
        }
        if let Some(c) = &layout.comments[i % layout.comments.len()] {
            out.push_str(if i % 3 == 0 { " " } else { "     " });
            out.push_str(c);
        }
        out.push('\n');
        if i % 4 == 3 {
            out.push_str(&layout.indent);
            out.push_str("// own line\n");
        }
    }
    out.push_str(close);
    out
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "web", "api", "db_1", "fast-ssd", "x", "replicas", "image", "port", "probes", "cpu",
        "labels",
    ])
    .prop_map(String::from)
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => name(),
        1 => (name(), name()).prop_map(|(a, b)| format!("{a}.{b}")),
        1 => Just("\"prometheus.io/scrape\"".to_string()),
    ]
}

fn leaf() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "\"plain\"",
        "\"esc \\\" \\n \\u{1F680} \\\\\"",
        "\"\"",
        "\"\"\"\n    server {\n      listen 8080;\n    }\n    \"\"\"",
        "\"\"\"one line\"\"\"",
        "8080",
        "-1",
        "1.5",
        "250m",
        "256Mi",
        "5%",
        "true",
        "false",
        "web",
        "payments.ledger",
        "secret db.url",
        "http 8080",
        "http \"/ready\"",
        "tcp",
        "exec [\"cat\", \"/tmp/x\"]",
        "2..10",
        "250m..1",
    ])
    .prop_map(String::from)
}

/// An operand of an operator expression, sometimes in parentheses.
fn operand() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "image.tag",
            "\"latest\"",
            "2",
            "allowed",
            "replicas.min",
            "[\"a\", \"b\"]",
            "1..2",
            "labels.has_all(keys)",
            "(\n  image.tag // why\n)",
            "( /* c */ allowed)",
            "(\n\n  (replicas.max)\n  /* after */\n)",
        ]),
        0..3usize,
    )
        .prop_map(|(text, parens)| format!("{}{text}{}", "(".repeat(parens), ")".repeat(parens)))
}

/// A condition: operands joined by random operators, with random `not`s and parentheses.
fn expression() -> impl Strategy<Value = String> {
    let op = prop::sample::select(vec![
        "or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "not  in", "..",
    ]);
    (
        operand(),
        prop::collection::vec((op, any::<bool>(), operand(), inline_comment()), 0..4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(first, rest, not, wrap)| {
            let mut text = first;
            for (op, negate, operand, comment) in rest {
                let spaced = if op == ".." {
                    "..".to_string()
                } else {
                    format!(" {comment}{op} ")
                };
                let not = if negate { "not " } else { "" };
                text = format!("{text}{spaced}{not}{operand}");
            }
            if not {
                text = format!("not {text}");
            }
            if wrap {
                text = format!("({text})");
            }
            text
        })
}

fn value() -> BoxedStrategy<String> {
    leaf()
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                (prop::collection::vec(inner.clone(), 0..5), layout()).prop_map(
                    |(items, layout)| lay_out("[", "]", &items, &layout, true)
                        .replacen("[ ", "[", 1)
                        .replacen(" ]", "]", 1)
                ),
                block(inner.clone()),
                (
                    prop::sample::select(vec![
                        "route \"shop.example.com\" ",
                        "20Gi ",
                        "3 ",
                        "istio "
                    ]),
                    block(inner.clone())
                )
                    .prop_map(|(head, block)| format!("{head}{block}")),
                (prop::collection::vec(inner.clone(), 0..3), layout()).prop_map(
                    |(args, layout)| {
                        let args = lay_out("(", ")", &args, &layout, true);
                        format!(
                            "trusted_registries{}",
                            args.replacen("( ", "(", 1).replacen(" )", ")", 1)
                        )
                    }
                ),
                expression(),
            ]
        })
        .boxed()
}

fn block(value: impl Strategy<Value = String> + Clone + 'static) -> BoxedStrategy<String> {
    let field = (key(), inline_comment(), value.clone(), any::<bool>()).prop_map(
        |(key, comment, value, colon)| {
            if value.starts_with('{') && !colon {
                format!("{key} {value}")
            } else {
                format!("{key}: {comment}{value}")
            }
        },
    );
    let rule = (expression(), prop::option::of(Just("\"a message\"")))
        .prop_map(|(e, m)| m.map_or(e.clone(), |m| format!("{e} {m}")));
    let require = (prop::collection::vec(rule, 0..4), layout()).prop_map(|(rules, layout)| {
        format!("require {}", lay_out("{", "}", &rules, &layout, false))
    });
    let allow = prop::sample::select(vec![
        "allow pinned_images because \"vendor image\"",
        "allow production.probes_ready because \"batch-like\"",
    ])
    .prop_map(String::from);
    let item = prop_oneof![6 => field, 1 => require, 1 => allow];
    (prop::collection::vec(item, 0..6), layout())
        .prop_map(|(items, layout)| lay_out("{", "}", &items, &layout, false))
        .boxed()
}

fn decl() -> impl Strategy<Value = String> {
    let header = prop::sample::select(vec![
        "service web",
        "app shop",
        "worker w",
        "database   db",
        "tier production: foundation",
        "policy trusted_registries(allowed: [string])",
        "policy p(\n  a: [string], // first\n  b\n)",
        "env dev",
    ]);
    (
        prop::option::weighted(0.3, Just("/// Documented.\n/// Twice.\n")),
        inline_comment(),
        header,
        block(value()),
    )
        .prop_map(|(doc, comment, header, body)| {
            format!("{}{comment}{header} {body}", doc.unwrap_or(""))
        })
}

fn import() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "import std.tiers",
        "import std.policies.{pinned_images, trusted_registries}",
        "import std.policies.{\n  pinned_images, // the one\n  trusted_registries\n}",
        "import ./common",
        "import ../shared/platform.{base}",
        "import ./dir/file.one",
    ])
    .prop_map(String::from)
}

fn program() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop::sample::select(vec![
            "// header\n\n",
            "\u{FEFF}",
            "/* a */\n",
        ])),
        prop::collection::vec(
            (import(), prop::option::weighted(0.3, line_comment())),
            0..3,
        ),
        prop::collection::vec(
            (
                decl(),
                prop::option::weighted(0.3, line_comment()),
                prop::sample::select(vec!["\n", "\n\n", "\n\n\n\n", "\n// between\n"]),
            ),
            1..4,
        ),
        prop::sample::select(vec!["", "\n", "\n\n", "\n// the end"]),
        prop::option::weighted(0.1, import()),
    )
        .prop_map(|(header, imports, decls, end, late_import)| {
            let mut text = header.unwrap_or("").to_string();
            for (import, comment) in imports {
                text.push_str(&import);
                if let Some(c) = comment {
                    text.push(' ');
                    text.push_str(&c);
                }
                text.push('\n');
            }
            for (decl, comment, gap) in decls {
                text.push_str(&decl);
                if let Some(c) = comment {
                    text.push_str("  ");
                    text.push_str(&c);
                }
                text.push_str(gap);
            }
            if let Some(import) = late_import {
                text.push_str("\n// late\n");
                text.push_str(&import);
                text.push('\n');
            }
            text.push_str(end);
            text
        })
}

/// The number of cases, unless `FMT_CASES` asks for more (for a longer search by hand).
fn cases(default: u32) -> u32 {
    std::env::var("FMT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Text built from the language's tokens, to reach the formatter with odd but valid files.
fn token_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "service a ",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ":",
        ",",
        "\n",
        " ",
        "x",
        "y: ",
        "\"s\"",
        "8080",
        "..",
        "not ",
        " or ",
        " in ",
        "//c\n",
        "/*c*/",
        "\t",
        "\r\n",
        "import std.x\n",
        "http ",
        "require ",
        "allow a because \"r\"",
    ]);
    prop::collection::vec(tokens, 0..60).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(600)))]

    #[test]
    fn generated_programs_format_idempotently_keeping_tree_and_comments(text in program()) {
        let errors = parse(&text).errors;
        prop_assert!(errors.is_empty(), "the generator made invalid text: {errors:#?}\n{text}");
        support::check_format(&text);
    }

    #[test]
    fn crlf_programs_format_like_lf_programs(text in program()) {
        // Only raw strings keep their CRs: they are written back byte for byte.
        let crlf = text.replace('\n', "\r\n");
        let formatted = support::check_format(&crlf);
        prop_assert_eq!(formatted.replace("\r\n", "\n"), support::check_format(&text));
    }

    #[test]
    fn range_formatting_agrees_with_whole_file_formatting(text in program(), at in any::<prop::sample::Index>()) {
        let at = at.index(text.len() + 1);
        prop_assume!(text.is_char_boundary(at));
        let mut edited = text.clone();
        if let Ok(Some(edit)) = format_range(&text, at..at) {
            edited.replace_range(edit.range, &edit.text);
        }
        prop_assert_eq!(format_source(&edited).ok(), format_source(&text).ok());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

    #[test]
    fn never_panics_on_any_string(text in any::<String>()) {
        if let Ok(formatted) = format_source(&text) {
            prop_assert_eq!(format_source(&formatted).ok(), Some(formatted));
        }
    }

    #[test]
    fn token_soup_formats_or_is_refused(text in token_soup()) {
        match format_source(&text) {
            Ok(_) => { support::check_format(&text); }
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
    }
}

#[test]
fn the_deepest_valid_inputs_format() {
    let depth = k8sc_grammar::MAX_NESTING - 2;
    let lists = format!(
        "service a {{\n  x: {}1{}\n}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    support::check_format(&lists);
    let blocks = format!(
        "service a {{ {}x: 1{} }}\n",
        "b { ".repeat(depth),
        " }".repeat(depth)
    );
    support::check_format(&blocks);
    let chain = format!("policy p {{\n  deny: a{}\n}}\n", " or (not a)".repeat(120));
    support::check_format(&chain);
}
