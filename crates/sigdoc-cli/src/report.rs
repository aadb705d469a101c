//! Printing diagnostics: `file:line:col: error: message`, then the source line and a caret.
//!
//! Repository text reaches the terminal escaped; long lines are cut to a window around the
//! place; repeats of one kind of problem in a file are counted after a few examples, and
//! the whole report is capped: the JSON format lists every problem.

use std::collections::HashMap;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config, termcolor::Ansi};
use sigdoc::model::text::is_unprintable;
use sigdoc::model::{Diagnostic, Severity, Snapshot};

use crate::console::Console;
use crate::terminal::terminal_safe;

mod github;
mod sarif;

pub use github::github;
pub use sarif::sarif;

/// Problems of one kind in one file shown in full before the rest are counted.
const SHOWN_PER_KIND: usize = 3;

/// Problems shown in full in one report; the JSON format lists every one.
const SHOWN_IN_ALL: usize = 200;

/// Characters of a source line shown around the place of a problem.
const WINDOW: usize = 100;

/// Prints every diagnostic in human form, with source excerpts from the snapshot.
pub fn print_human(console: &mut Console<'_>, snapshot: &Snapshot, diagnostics: &[Diagnostic]) {
    let shown: Vec<&Diagnostic> =
        diagnostics.iter().filter(|d| !(console.quiet && d.severity == Severity::Warning)).collect();
    let mut totals: HashMap<(&str, String), usize> = HashMap::new();
    for d in &shown {
        *totals.entry((d.file.as_str(), kind_of(&d.message))).or_default() += 1;
    }
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    let mut lines = LineIndexes::default();
    let mut printed = 0;
    let mut hidden = 0;
    for d in &shown {
        let key = (d.file.as_str(), kind_of(&d.message));
        let n = seen.entry(key.clone()).or_default();
        *n += 1;
        if *n > SHOWN_PER_KIND || printed == SHOWN_IN_ALL {
            hidden += 1;
            continue;
        }
        printed += 1;
        let _ = writeln!(console.err, "{}", terminal_safe(&d.to_string()));
        print_excerpt(console, snapshot, d, &mut lines);
        let total = totals[&key];
        if *n == SHOWN_PER_KIND && total > SHOWN_PER_KIND {
            let more = total - SHOWN_PER_KIND;
            let _ = writeln!(console.err, "  … and {more} more of this kind in {}", terminal_safe(&d.file));
        }
    }
    if hidden > 0 && printed == SHOWN_IN_ALL {
        let _ = writeln!(
            console.err,
            "… {SHOWN_IN_ALL} problems shown; `sigdoc check --format json` lists every one of them"
        );
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors + warnings > 0 && !(console.quiet && errors == 0) {
        let _ = writeln!(console.err, "{errors} error{}, {warnings} warning{}", plural(errors), plural(warnings));
    }
}

/// What a message says with its particulars (quoted text, numbers) taken out: problems
/// of one kind share it.
pub(crate) fn kind_of(message: &str) -> String {
    let mut kind = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '`' => {
                quote = Some(c);
                kind.push('…');
            }
            None if c.is_ascii_digit() => {
                if !kind.ends_with('#') {
                    kind.push('#');
                }
            }
            None => kind.push(c),
        }
    }
    kind
}

/// Where each line of a file starts, computed once per file.
#[derive(Default)]
struct LineIndexes {
    by_file: HashMap<String, Vec<usize>>,
}

impl LineIndexes {
    /// The text of line `line` (1-based) of `text`, without its line break.
    fn line<'t>(&mut self, file: &str, text: &'t str, line: usize) -> Option<&'t str> {
        let starts = self
            .by_file
            .entry(file.to_owned())
            .or_insert_with(|| std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect());
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(text.len(), |next| next - 1);
        Some(text[start..end].trim_end_matches('\r'))
    }
}

/// Prints the source line of a diagnostic under it, with a caret at its place.
fn print_excerpt(console: &mut Console<'_>, snapshot: &Snapshot, d: &Diagnostic, lines: &mut LineIndexes) {
    if d.line == 0 {
        return;
    }
    let relative = d.file.strip_prefix(&format!("{}/", snapshot.root)).unwrap_or(&d.file);
    let Some(text) = snapshot.get(relative).and_then(|b| std::str::from_utf8(b).ok()) else { return };
    let Some(line) = lines.line(&d.file, text, d.line) else { return };
    let excerpt = Excerpt::new(terminal_safe(&d.file).into_owned(), d.line, d.column, line);
    let report = match d.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
    };
    let report = report.with_labels(vec![Label::primary((), excerpt.mark.clone())]);
    let config = Config::default();
    let mut out = Vec::new();
    let result = if console.color {
        term::emit_to_write_style(&mut Ansi::new(&mut out), &config, &excerpt, &report)
    } else {
        term::emit_to_io_write(&mut out, &config, &excerpt, &report)
    };
    if result.is_ok() {
        let text = String::from_utf8_lossy(&out);
        // Drop codespan's own (empty) headline; keep the excerpt.
        let body: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
        let _ = write!(console.err, "{body}");
    }
}

/// One source line, or a window of a long one, made printable, as codespan reads a file.
struct Excerpt {
    name: String,
    line: usize,
    column: usize,
    text: String,
    /// The bytes of `text` the caret marks.
    mark: Range<usize>,
}

impl Excerpt {
    fn new(name: String, line: usize, column: usize, source: &str) -> Excerpt {
        let at = column.max(1) - 1;
        let count = source.chars().count();
        let first = if count <= WINDOW { 0 } else { at.saturating_sub(WINDOW / 3).min(count - WINDOW) };
        let last = (first + WINDOW).min(count);
        let mut text = String::new();
        if first > 0 {
            text.push('…');
        }
        let mut mark = None;
        for (i, c) in source.chars().enumerate().skip(first).take(last - first) {
            if i == at {
                mark = Some(text.len());
            }
            if is_unprintable(c) {
                text.extend(c.escape_unicode());
            } else {
                text.push(c);
            }
        }
        if last < count {
            text.push('…');
        }
        // The caret spans the word at the place, as far as the window goes.
        let start = mark.unwrap_or(text.len());
        let end = text[start..].find(char::is_whitespace).map_or(text.len(), |n| start + n.max(1)).min(text.len());
        Excerpt { name, line, column, mark: start..end.max(start), text }
    }
}

impl<'a> Files<'a> for Excerpt {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), _byte_index: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    /// The line's real number in the file, not its place in the excerpt.
    fn line_number(&'a self, (): (), _line_index: usize) -> Result<usize, FilesError> {
        Ok(self.line)
    }

    /// The real column, whatever the window cut from the line.
    fn column_number(&'a self, (): (), _line_index: usize, _byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.column)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        match line_index {
            0 => Ok(0..self.text.len()),
            given => Err(FilesError::LineTooLarge { given, max: 0 }),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Prints `{"diagnostics": [...]}`.
pub fn print_json(console: &mut Console<'_>, diagnostics: &[Diagnostic]) {
    let json = serde_json::json!({ "diagnostics": diagnostics });
    console.out_line(serde_json::to_string_pretty(&json).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_ignore_particulars() {
        assert_eq!(kind_of(r#"unknown key "a1" in sig.yaml"#), kind_of(r#"unknown key "zz" in sig.yaml"#));
        assert_eq!(
            kind_of("XEP-0001 is mentioned but not in references.yaml"),
            kind_of("XEP-9999 is mentioned but not in references.yaml")
        );
        assert_ne!(kind_of(r#"unknown key "a""#), kind_of(r#"unknown status "a""#));
    }

    #[test]
    fn lines_are_found_once_per_file() {
        let mut index = LineIndexes::default();
        let text = "ab\r\ncdé\nf";
        assert_eq!(index.line("f", text, 1), Some("ab"));
        assert_eq!(index.line("f", text, 2), Some("cdé"));
        assert_eq!(index.line("f", text, 3), Some("f"));
        assert_eq!(index.line("f", text, 4), None);
        assert_eq!(index.line("f", text, 0), None);
    }

    #[test]
    fn excerpts_are_windows_of_printable_text() {
        let e = Excerpt::new("f".into(), 1, 3, "ab\u{1b}]0;x\u{7} rest");
        assert_eq!(e.text, "ab\\u{1b}]0;x\\u{7} rest");
        assert_eq!(&e.text[e.mark.clone()], "\\u{1b}]0;x\\u{7}");
        let long = format!("{}TARGET{}", "a ".repeat(5000), " b".repeat(5000));
        let e = Excerpt::new("f".into(), 1, 10_001, &long);
        assert!(e.text.chars().count() <= WINDOW + 2, "{}", e.text.len());
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert_eq!(&e.text[e.mark.clone()], "TARGET");
    }
}
