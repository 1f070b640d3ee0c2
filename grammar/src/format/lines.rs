//! The printer's output: lines with an indentation depth, their code, and two aligned columns —
//! the messages of `require` rules and trailing comments — laid out when the file is complete.

/// One level of indentation.
pub(super) const INDENT: &str = "  ";

/// One output line.
#[derive(Debug, Default)]
struct Line {
    depth: usize,
    code: String,
    message: Option<String>,
    comment: Option<String>,
    blank_before: bool,
}

impl Line {
    fn is_empty(&self) -> bool {
        self.code.is_empty() && self.message.is_none() && self.comment.is_none()
    }

    /// The column after the code: the width of its last physical line (a multi-line raw string or
    /// block comment continues verbatim, without indentation).
    fn code_width(&self) -> usize {
        let code = self.code.trim_end();
        match code.rfind('\n') {
            Some(nl) => width(&code[nl + 1..]),
            None => self.depth * INDENT.len() + width(code),
        }
    }
}

/// The width of one line of text, in characters.
pub(super) fn width(text: &str) -> usize {
    text.chars().count()
}

/// Lines under construction.
#[derive(Debug, Default)]
pub(super) struct Lines {
    done: Vec<Line>,
    current: Line,
    depth: usize,
    pending_blank: bool,
}

impl Lines {
    /// Lines that follow are one level deeper.
    pub fn indent(&mut self) {
        self.depth += 1;
    }

    /// Lines that follow are one level shallower.
    pub fn dedent(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Appends code to the current line.
    pub fn text(&mut self, text: &str) {
        if self.current.comment.is_some() || self.current.message.is_some() {
            // Nothing may follow a trailing comment or a message on its line.
            self.newline();
        }
        if self.current.code.is_empty() {
            self.current.depth = self.depth;
        }
        self.current.code.push_str(text);
    }

    /// A space, unless the line is empty or already ends with one.
    pub fn space(&mut self) {
        if !self.current.code.is_empty() && !self.current.code.ends_with(' ') {
            self.current.code.push(' ');
        }
    }

    /// Sets the message of a `require` rule, aligned with the messages of the rules around it.
    pub fn message(&mut self, message: &str) {
        if self.current.code.is_empty() {
            self.text(message);
        } else {
            self.current.message = Some(message.to_string());
        }
    }

    /// Adds a comment at the end of the current line.
    pub fn trailing(&mut self, comment: &str) {
        if self.current.is_empty() {
            self.text(comment);
            return;
        }
        match &mut self.current.comment {
            Some(existing) => {
                existing.push(' ');
                existing.push_str(comment);
            }
            None => self.current.comment = Some(comment.to_string()),
        }
    }

    /// Ends the current line, if it has anything on it.
    pub fn newline(&mut self) {
        if self.current.is_empty() {
            return;
        }
        let mut line = std::mem::take(&mut self.current);
        line.blank_before = std::mem::take(&mut self.pending_blank) && !self.done.is_empty();
        self.done.push(line);
    }

    /// Asks for one blank line before the next line (never at the start of the output).
    pub fn blank(&mut self) {
        self.pending_blank = true;
    }

    /// The column at which text appended now would start.
    pub fn column(&self) -> usize {
        if self.current.code.is_empty() {
            self.depth * INDENT.len()
        } else {
            self.current.code_width()
        }
    }

    /// The code of the current line, for a printer that only ever writes one line.
    pub fn into_code(self) -> String {
        self.current.code
    }

    /// Lays the lines out: aligns messages and trailing comments, indents, ends every line with
    /// `\n`. Empty output stays empty.
    pub fn finish(mut self) -> String {
        self.newline();
        let lines = self.done;
        let mut ends: Vec<usize> = lines.iter().map(Line::code_width).collect();
        let message_columns = align(&lines, |l| l.message.is_some(), &ends, GAP);
        for (i, line) in lines.iter().enumerate() {
            if let (Some(message), Some(column)) = (&line.message, message_columns[i]) {
                ends[i] = column + width(message.lines().last().unwrap_or(""));
            }
        }
        let comment_columns = align(&lines, |l| l.comment.is_some(), &ends, GAP);
        let mut out = String::new();
        for (i, line) in lines.iter().enumerate() {
            if line.blank_before {
                out.push('\n');
            }
            let code = line.code.trim_end();
            if !code.is_empty() {
                out.push_str(&INDENT.repeat(line.depth));
            }
            out.push_str(code);
            let mut end = line.code_width();
            if let (Some(message), Some(column)) = (&line.message, message_columns[i]) {
                pad(&mut out, end, column);
                out.push_str(message);
                end = ends[i];
            }
            if let (Some(comment), Some(column)) = (&line.comment, comment_columns[i]) {
                pad(&mut out, end, column);
                out.push_str(comment);
            }
            out.push('\n');
        }
        out
    }
}

/// Spaces between the longest code of an aligned group and its messages or comments.
const GAP: usize = 2;

/// How far apart the code ends of lines may be for their comments (or messages) to be aligned:
/// a line sticking out further starts a new group, so one long line does not push the comments of
/// its neighbours far to the right.
pub(super) const MAX_ALIGN_SPREAD: usize = 40;

/// For every line with the column (`has`), the column it starts at: runs of consecutive lines
/// that have it, at the same depth, without a blank line between and with `ends` at most
/// [`MAX_ALIGN_SPREAD`] apart, share one column `gap` spaces after the longest of their `ends`.
fn align(
    lines: &[Line],
    has: impl Fn(&Line) -> bool,
    ends: &[usize],
    gap: usize,
) -> Vec<Option<usize>> {
    let mut columns = vec![None; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if !has(&lines[i]) {
            i += 1;
            continue;
        }
        let (mut low, mut high) = (ends[i], ends[i]);
        let mut j = i + 1;
        while j < lines.len()
            && has(&lines[j])
            && lines[j].depth == lines[i].depth
            && !lines[j].blank_before
            && high.max(ends[j]) - low.min(ends[j]) <= MAX_ALIGN_SPREAD
        {
            low = low.min(ends[j]);
            high = high.max(ends[j]);
            j += 1;
        }
        for slot in &mut columns[i..j] {
            *slot = Some(high + gap);
        }
        i = j;
    }
    columns
}

fn pad(out: &mut String, from: usize, to: usize) {
    out.push_str(&" ".repeat(to.saturating_sub(from).max(1)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_comments_of_consecutive_lines_are_aligned() {
        let mut lines = Lines::default();
        lines.text("a: 1");
        lines.trailing("// one");
        lines.newline();
        lines.text("long_name: 2");
        lines.trailing("// two");
        lines.newline();
        lines.blank();
        lines.text("b: 3");
        lines.trailing("// three");
        assert_eq!(
            lines.finish(),
            "a: 1          // one\nlong_name: 2  // two\n\nb: 3  // three\n"
        );
    }

    #[test]
    fn messages_align_then_comments() {
        let mut lines = Lines::default();
        lines.indent();
        lines.text("x >= 2");
        lines.message("\"m\"");
        lines.trailing("// c");
        lines.newline();
        lines.text("ready");
        lines.message("\"longer\"");
        assert_eq!(
            lines.finish(),
            "  x >= 2  \"m\"  // c\n  ready   \"longer\"\n"
        );
    }

    #[test]
    fn a_line_sticking_out_starts_a_new_group() {
        let mut lines = Lines::default();
        lines.text("a: 1");
        lines.trailing("// one");
        lines.newline();
        lines.text("b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]");
        lines.trailing("// two");
        lines.newline();
        lines.text("c: 3");
        lines.trailing("// three");
        assert_eq!(
            lines.finish(),
            "a: 1  // one\nb: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]  // two\nc: 3  // three\n"
        );
    }

    #[test]
    fn no_blank_line_at_the_start() {
        let mut lines = Lines::default();
        lines.blank();
        lines.text("a");
        assert_eq!(lines.finish(), "a\n");
        assert_eq!(Lines::default().finish(), "");
    }
}
