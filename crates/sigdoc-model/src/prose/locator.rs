//! Where a finding stands in its file: byte offsets of a text mapped to the lines and
//! columns of the Markdown or YAML file it was read from.

use super::Finding;
use crate::Diagnostic;

/// Where a text starts in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// Exactly at this 1-based line and column: a Markdown body.
    Text(usize, usize),
    /// A YAML value: at a block scalar's indicator, a quoted scalar's quote or a plain
    /// scalar's first character.
    YamlValue(usize, usize),
}

/// Maps byte offsets of a text, in increasing order, to lines and columns of the file it
/// comes from, in one pass over both.
///
/// YAML changes a text on its way out of the file (block indentation, folded lines, quotes),
/// so the text is walked beside the file: equal characters advance both, and a run of white
/// space in one matches the run in the other. Where they part (an escape in a quoted
/// string), later places stay there; without the file, places are counted in the text.
pub(crate) struct Locator<'a> {
    text: &'a str,
    /// The file, if the text was found in it.
    file: Option<&'a str>,
    /// Whether the text and the file parted.
    parted: bool,
    /// Position in the text, and the matching position in the file with its line and column.
    t: usize,
    f: usize,
    line: usize,
    column: usize,
    /// Line and column counted in the text alone, from the text's start.
    text_line: usize,
    text_column: usize,
    /// Where the text starts, for places counted in the text alone.
    start: (usize, usize),
}

impl<'a> Locator<'a> {
    /// A locator for `text`, which starts at `start` in `file` (the whole file's text, when
    /// available).
    pub(crate) fn new(text: &'a str, file: Option<&SourceFile<'a>>, start: Start) -> Self {
        let (Start::Text(line, column) | Start::YamlValue(line, column)) = start;
        let mut locator = Locator {
            text,
            file: None,
            parted: false,
            t: 0,
            f: 0,
            line,
            column,
            text_line: 0,
            text_column: 0,
            start: (line, column),
        };
        if let Some(file) = file
            && let Some((f, line, column)) = anchor(file, text, start)
        {
            (locator.file, locator.f, locator.line, locator.column) = (Some(file.text), f, line, column);
            locator.start = (line, column);
            locator.skip_leading_space(file.text);
        }
        locator
    }

    /// Both sides begin at their first non-blank character: a block scalar's text starts
    /// where its indentation ends.
    fn skip_leading_space(&mut self, file: &str) {
        while let Some(c) = self.text[self.t..].chars().next().filter(|c| c.is_whitespace()) {
            self.step_text(c);
        }
        while let Some(c) = file[self.f..].chars().next().filter(|c| c.is_whitespace()) {
            self.step_file(c);
        }
    }

    fn step_text(&mut self, c: char) {
        self.t += c.len_utf8();
        if c == '\n' {
            self.text_line += 1;
            self.text_column = 0;
        } else {
            self.text_column += 1;
        }
    }

    fn step_file(&mut self, c: char) {
        self.f += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
    }

    /// The 1-based line and column of byte `offset` of the text; offsets must not decrease.
    pub(crate) fn locate(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        while self.t < offset && !self.parted {
            let Some(c) = self.text[self.t..].chars().next() else { break };
            match self.file {
                Some(file) => self.parted = !self.step_both(file, c),
                None => self.step_text(c),
            }
        }
        if self.file.is_some() {
            // Where the text and the file parted, the place stays: it is in the file, at
            // or just before the escape that changed the text.
            (self.line, self.column)
        } else if self.text_line == 0 {
            (self.start.0, self.start.1 + self.text_column)
        } else {
            (self.start.0 + self.text_line, self.text_column + 1)
        }
    }

    /// Advances over one character of the text and what matches it in the file; false
    /// where the two part.
    fn step_both(&mut self, file: &str, c: char) -> bool {
        let Some(fc) = file[self.f..].chars().next() else { return false };
        if c.is_whitespace() {
            if !fc.is_whitespace() {
                return false;
            }
            self.step_text(c);
            // A run of white space matches a run: indentation, folded or joined lines.
            if !self.text[self.t..].starts_with(char::is_whitespace) {
                while let Some(fc) = file[self.f..].chars().next().filter(|c| c.is_whitespace()) {
                    self.step_file(fc);
                }
            }
            return true;
        }
        if fc != c {
            return false;
        }
        self.step_text(c);
        self.step_file(fc);
        // A single-quoted YAML string writes a quote twice.
        if c == '\'' && file[self.f..].starts_with('\'') && !self.text[self.t..].starts_with('\'') {
            self.step_file('\'');
        }
        true
    }
}

/// The byte offset in `file`, line and column at which `text` starts.
fn anchor(file: &SourceFile<'_>, text: &str, start: Start) -> Option<(usize, usize, usize)> {
    let (Start::Text(line, column) | Start::YamlValue(line, column)) = start;
    let (line_start, line_text) = file.line(line)?;
    let mut offset = line_text.char_indices().nth(column.checked_sub(1)?).map(|(i, _)| i)?;
    if let Start::YamlValue(..) = start {
        // YAML places a block scalar at its indicator or at its text, and a text may itself
        // begin with `|`, `>` or a quote: the text's own first line tells them apart (a
        // folded text's first line holds several of the file's).
        let rest = &line_text[offset..];
        let first_line: String = text.trim_start().lines().next().unwrap_or_default().chars().take(16).collect();
        let next = line_start + line_text.len() + 1;
        if is_block_header(rest)
            && let Some((_, next_text)) = file.line(line + 1)
            && (next_text.trim_start().starts_with(&first_line) || first_line.starts_with(next_text.trim()))
        {
            return Some((next, line + 1, 1));
        }
        if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\''))
            && !text.starts_with(quote)
        {
            offset += 1;
        }
    }
    Some((line_start + offset, line, line_text[..offset].chars().count() + 1))
}

/// Whether the rest of a line is a block scalar's header: `|` or `>`, an optional chomping
/// and indentation indicator, and an optional comment.
fn is_block_header(rest: &str) -> bool {
    let mut chars = rest.trim_end().chars().peekable();
    if !matches!(chars.next(), Some('|' | '>')) {
        return false;
    }
    let indicators: String = std::iter::from_fn(|| chars.next_if(|c| matches!(c, '+' | '-' | '1'..='9'))).collect();
    let after: String = chars.collect();
    indicators.len() <= 2 && (after.is_empty() || after.trim_start().starts_with('#') && after.starts_with([' ', '\t']))
}

/// A file's text and where each of its lines starts, found once for all the texts it holds.
pub(crate) struct SourceFile<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SourceFile<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceFile { text, line_starts }
    }

    /// The byte offset at which 1-based `line` starts, and the line without its break.
    fn line(&self, line: usize) -> Option<(usize, &'a str)> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        Some((start, self.text[start..].split('\n').next().unwrap_or_default()))
    }
}

/// The located diagnostics of a text's findings.
pub(crate) fn locate(findings: &[Finding], locator: &mut Locator<'_>, file: &str) -> Vec<Diagnostic> {
    findings
        .iter()
        .map(|finding| {
            let (line, column) = locator.locate(finding.offset);
            Diagnostic {
                severity: finding.severity,
                file: file.to_owned(),
                line,
                column,
                message: finding.message.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prose::examine;
    use crate::references::References;

    fn place(file: &str, text: &str, start: Start, offset: usize) -> (usize, usize) {
        Locator::new(text, Some(&SourceFile::new(file)), start).locate(offset)
    }

    #[test]
    fn a_markdown_body_is_located_as_it_stands() {
        let file = "---\ntitle: x\n---\n# Intro\n\nSee [a](b).\n";
        let body = &file[17..];
        assert_eq!(place(file, body, Start::Text(4, 1), body.find("[a]").unwrap()), (6, 5));
        // A body that starts with a block quote is not a YAML block scalar.
        let file = "---\ntitle: x\n---\n> [a](b)\n";
        assert_eq!(place(file, "> [a](b)\n", Start::Text(4, 1), 2), (4, 3));
    }

    #[test]
    fn yaml_block_scalars_count_their_indentation() {
        let file = "id: x\ndefinition: |\n  First line.\n\n    See [a](b).\n";
        let text = "First line.\n\n  See [a](b).\n";
        let at = text.find("[a]").unwrap();
        assert_eq!(place(file, text, Start::YamlValue(2, 13), at), (5, 9));
        // A block scalar placed at its text, and a text that begins with `|` or `>`.
        let file = "definition: |\n  | a | b |\n  |---|---|\n  | 1 | [a](b) |\n";
        let text = "| a | b |\n|---|---|\n| 1 | [a](b) |\n";
        let at = text.find("[a]").unwrap();
        assert_eq!(place(file, text, Start::YamlValue(2, 3), at), (4, 9));
        assert_eq!(place(file, text, Start::YamlValue(1, 13), at), (4, 9));
        let file = "note: >-\n  > quoted [a](b)\n";
        assert_eq!(place(file, "> quoted [a](b)", Start::YamlValue(1, 7), 9), (2, 12));
        assert_eq!(place(file, "> quoted [a](b)", Start::YamlValue(2, 3), 9), (2, 12));
        assert!(is_block_header("|") && is_block_header(">-") && is_block_header("|2+ # c"));
        assert!(!is_block_header("| a |") && !is_block_header(">x") && !is_block_header("|-#x"));
        // A block whose text looks like a key or a list item is still found.
        let file = "definition: |\n  - Note: see [a](b)\n";
        let text = "- Note: see [a](b)\n";
        assert_eq!(place(file, text, Start::YamlValue(1, 13), text.find("[a]").unwrap()), (2, 15));
    }

    #[test]
    fn folded_and_plain_scalars_are_walked_line_by_line() {
        let file = "abstract: >-\n  The group's\n  analysis, see [a](b).\n";
        let text = "The group's analysis, see [a](b).";
        assert_eq!(place(file, text, Start::YamlValue(1, 11), text.find("[a]").unwrap()), (3, 17));
        let file = "- note: Makes TLS [a](b)\n";
        let text = "Makes TLS [a](b)";
        assert_eq!(place(file, text, Start::YamlValue(1, 9), text.find("[a]").unwrap()), (1, 19));
        let file = "  - approach: 'it''s [a](b)'\n";
        let text = "it's [a](b)";
        assert_eq!(place(file, text, Start::YamlValue(1, 15), text.find("[a]").unwrap()), (1, 22));
    }

    #[test]
    fn where_an_escape_parts_text_and_file_the_place_stays_in_the_file() {
        let file = "note: \"\\u0041 [a](b)\\n[c](d)\"\n";
        let text = "A [a](b)\n[c](d)";
        let file = SourceFile::new(file);
        let mut locator = Locator::new(text, Some(&file), Start::YamlValue(1, 7));
        assert_eq!(locator.locate(2), (1, 8), "at the escape");
        assert_eq!(locator.locate(text.find("[c]").unwrap()), (1, 8));
        // Text after the escape is walked up to it, the rest stays there.
        let file = SourceFile::new("note: \"[a](b) \\u0041 [c](d)\"\n");
        let text = "[a](b) A [c](d)";
        let mut locator = Locator::new(text, Some(&file), Start::YamlValue(1, 7));
        assert_eq!(locator.locate(0), (1, 8));
        assert_eq!(locator.locate(text.find("[c]").unwrap()), (1, 15));
        // Without the file, places are counted in the text.
        let mut locator = Locator::new(text, None, Start::YamlValue(3, 7));
        assert_eq!(locator.locate(text.find("[c]").unwrap()), (3, 16));
    }

    #[test]
    fn thousands_of_places_on_one_long_line_are_found_in_one_pass() {
        // Issue 13: counting the lines before each place made this quadratic.
        let text = "RFC 9999 ".repeat(30_000);
        let file = format!("---\ntitle: x\n---\n{text}\n");
        let started = std::time::Instant::now();
        // No reference is known, so every mention is a warning to place.
        let found = examine(&text, &References::new());
        let file = SourceFile::new(&file);
        let mut locator = Locator::new(&text, Some(&file), Start::Text(4, 1));
        let diags = locate(&found.problems, &mut locator, "f");
        assert_eq!(diags.len(), 30_000);
        assert_eq!((diags[29_999].line, diags[29_999].column), (4, 9 * 29_999 + 1));
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    }
}
