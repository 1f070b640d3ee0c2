//! The `parse` fuzz target's body, shared with the regression tests that replay its corpus on
//! stable (`compiler/tests/it/fuzz_corpus.rs`): the parser never panics, is deterministic, and every
//! span it reports — of the tree, of its errors and of its comments — lies inside the text on
//! character boundaries; and parsing item by item (what an editor's database does) gives the same
//! result whenever no item has an error; and the hand-written parser, whenever it takes a text,
//! gives pest's tree exactly, for a text pest finds no error in.

use k8sc_grammar::parse;

/// Parses `data` (read as UTF-8, invalid bytes replaced) and checks the parser's invariants.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let first = parse(&text);
    let second = parse(&text);
    assert_eq!(
        format!("{:?}", first.file),
        format!("{:?}", second.file),
        "the parser is not deterministic"
    );
    assert_eq!(
        first.errors, second.errors,
        "the errors are not deterministic"
    );
    by_items_equals_whole(&text, &first);
    direct_equals_pest(&text);
    let dump = k8sc_grammar::tree_dump::dump(&first.file);
    let spans = first
        .errors
        .iter()
        .map(|e| (e.span.start as usize, e.span.end as usize))
        .chain(
            first
                .comments
                .iter()
                .map(|c| (c.span.start as usize, c.span.end as usize)),
        )
        .chain(tree_spans(&dump));
    for (start, end) in spans {
        assert!(
            start <= end && end <= text.len(),
            "span {start}..{end} outside a text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "span {start}..{end} not on character boundaries"
        );
    }
}

/// Splits `text` at its items, parses each on its own and joins them: unless an item has an
/// error (the editor then parses the whole file), that must be `whole`.
fn by_items_equals_whole(text: &str, whole: &k8sc_grammar::ParseResult) {
    let parts: Vec<(usize, k8sc_grammar::ParseResult)> = k8sc_grammar::chunks::item_texts(text)
        .into_iter()
        .map(|(at, item)| (at, parse(item)))
        .collect();
    if parts.iter().any(|(_, part)| !part.errors.is_empty()) {
        return;
    }
    let joined = k8sc_grammar::chunks::join_parts(parts.iter().map(|(at, part)| (*at, part)));
    assert_eq!(
        &joined, whole,
        "parsing item by item differs from the whole parse"
    );
}

/// The hand-written parser takes only error-free text, and builds pest's tree from it.
fn direct_equals_pest(text: &str) {
    if let Some(direct) = k8sc_grammar::parse_direct(text) {
        let pest = k8sc_grammar::parse_with_pest(text);
        assert!(
            pest.errors.is_empty(),
            "the direct parser took a text pest finds errors in: {:?}",
            pest.errors
        );
        assert_eq!(direct, pest, "the direct parser's tree differs from pest's");
    }
}

/// The spans of the tree, read back from its dump (`@start..end` after every node).
fn tree_spans(dump: &str) -> Vec<(usize, usize)> {
    dump.split('@')
        .skip(1)
        .filter_map(|rest| {
            let (start, rest) = rest.split_once("..")?;
            let end: String = rest.chars().take_while(char::is_ascii_digit).collect();
            Some((start.parse().ok()?, end.parse().ok()?))
        })
        .collect()
}
