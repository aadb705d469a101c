//! Printing diagnostics: `file:line:col: error: message`, then the source line and a caret.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor::Ansi};
use sigdoc_model::{Diagnostic, Severity, Snapshot};

use crate::console::Console;

/// The byte offset of a 1-based line and column in `text`.
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2)?.0 + 1 };
    let rest = &text[start..];
    let end_of_line = rest.find('\n').unwrap_or(rest.len());
    let within = rest[..end_of_line].char_indices().nth(column.saturating_sub(1)).map_or(end_of_line, |(i, _)| i);
    Some(start + within)
}

/// Prints every diagnostic in human form, with source excerpts from the snapshot.
pub fn print_human(console: &mut Console<'_>, snapshot: &Snapshot, diagnostics: &[Diagnostic]) {
    let mut files = SimpleFiles::new();
    let config = Config::default();
    for d in diagnostics {
        if console.quiet && d.severity == Severity::Warning {
            continue;
        }
        let _ = writeln!(console.err, "{d}");
        let relative = d.file.strip_prefix(&format!("{}/", snapshot.root)).unwrap_or(&d.file);
        let Some(text) = snapshot.get(relative).and_then(|b| std::str::from_utf8(b).ok()) else { continue };
        if d.line == 0 {
            continue;
        }
        let Some(at) = offset(text, d.line, d.column.max(1)) else { continue };
        let end = text[at..].find(|c: char| c.is_whitespace()).map_or(text.len(), |n| at + n.max(1)).min(text.len());
        let id = files.add(d.file.clone(), text.to_owned());
        let report = match d.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        };
        let report = report.with_labels(vec![Label::primary(id, at..end.max(at))]);
        // The first line above already says what is wrong; codespan adds the excerpt.
        let mut excerpt = Vec::new();
        let result = if console.color {
            term::emit_to_write_style(&mut Ansi::new(&mut excerpt), &config, &files, &report)
        } else {
            term::emit_to_io_write(&mut excerpt, &config, &files, &report)
        };
        if result.is_ok() {
            let text = String::from_utf8_lossy(&excerpt);
            // Drop codespan's own (empty) headline; keep the excerpt.
            let body: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
            let _ = write!(console.err, "{body}");
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors + warnings > 0 && !(console.quiet && errors == 0) {
        let _ = writeln!(console.err, "{errors} error{}, {warnings} warning{}", plural(errors), plural(warnings));
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
    fn offsets_of_lines_and_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(offset(text, 1, 1), Some(0));
        assert_eq!(offset(text, 2, 3), Some(5));
        assert_eq!(offset(text, 3, 1), Some(text.len() - 1));
        assert_eq!(offset(text, 9, 1), None);
    }
}
