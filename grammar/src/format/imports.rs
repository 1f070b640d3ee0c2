//! Imports come first. An import written after a declaration is moved up, with the comment lines
//! directly above it and the comments on its line, to just after the file's leading imports (or
//! just before the first declaration and the comments attached to it). Imports keep their order.
//!
//! The move is made on the text, before printing, so the printer can still walk the file in order.

use super::chunks::chunks;
use super::comments::doc_chain_start;
use super::source::Source;
use crate::ast::{Item, SourceFile};

/// The text with late imports moved up, or `None` when every import already comes first.
pub(super) fn hoist(src: &Source<'_>, file: &SourceFile) -> Option<String> {
    let text = src.text;
    let first_decl = file
        .items
        .iter()
        .position(|item| matches!(item, Item::Decl(_)))?;
    let is_import = |i: usize| matches!(file.items.get(i), Some(Item::Import(_)));
    if !(first_decl..file.items.len()).any(is_import) {
        return None;
    }
    let all = chunks(src, file);
    let mut insert_at = match (0..first_decl).rev().find(|i| is_import(*i)) {
        Some(last) => all.get(last)?.line_end,
        None => all.get(first_decl)?.start,
    };
    // A `///` comment at the end of the last import's line documents the first declaration:
    // the moved imports go in front of it, so it stays directly above its declaration.
    if let Some(Item::Decl(decl)) = file.items.get(first_decl)
        && decl.doc.is_some()
        && let Some(first_doc) = doc_chain_start(text, src.comments, decl.span.start as usize)
        && let Some(doc) = src.comments.get(first_doc)
    {
        insert_at = insert_at.min(doc.span.start as usize);
    }
    let moved: Vec<(usize, usize)> = all
        .iter()
        .filter(|c| c.item > first_decl && is_import(c.item))
        .map(|c| (c.start, c.line_end))
        .collect();
    let mut out = String::with_capacity(text.len() + moved.len() + 1);
    out.push_str(text.get(..insert_at)?);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for (start, end) in &moved {
        let chunk = text.get(*start..*end)?;
        out.push_str(chunk);
        if !chunk.ends_with('\n') {
            out.push('\n');
        }
    }
    let mut at = insert_at;
    for (start, end) in &moved {
        out.push_str(text.get(at..*start)?);
        at = *end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::comments;
    use crate::parser::parse;

    fn hoisted(text: &str) -> Option<String> {
        let all = comments(text);
        let src = Source::new(text, &all);
        hoist(&src, &parse(text).file)
    }

    #[test]
    fn imports_in_front_stay() {
        assert_eq!(hoisted("import a\nservice b {}\n"), None);
    }

    #[test]
    fn a_late_import_moves_up_with_its_comments() {
        let text = "import a\n\n/// B.\nservice b {}\n\n// why c\nimport c // see\nservice d {}\n";
        assert_eq!(
            hoisted(text).as_deref(),
            Some("import a\n// why c\nimport c // see\n\n/// B.\nservice b {}\n\nservice d {}\n")
        );
    }

    #[test]
    fn a_doc_comment_on_the_last_import_line_stays_with_its_declaration() {
        let text = "import a /// B.\nservice b {}\nimport c\n";
        assert_eq!(
            hoisted(text).as_deref(),
            Some("import a \nimport c\n/// B.\nservice b {}\n")
        );
    }

    #[test]
    fn without_leading_imports_they_go_before_the_first_declaration() {
        let text = "// header\n\n/// B.\nservice b {}\nimport c";
        assert_eq!(
            hoisted(text).as_deref(),
            Some("// header\n\nimport c\n/// B.\nservice b {}\n")
        );
    }
}
