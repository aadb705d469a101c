//! Characters no embedded font covers, found before Typst would print them as empty boxes.

use std::collections::{BTreeMap, HashMap};

use sigdoc_model::{Diagnostic, DocKind, Snapshot};

/// Characters that take no glyph of their own (format and control characters), which no
/// font needs to cover.
fn needs_no_glyph(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
            | '\u{fe00}'..='\u{fe0f}' | '\u{feff}')
}

/// Warnings for characters that no embedded font covers: Typst would show them as empty
/// boxes. One warning per character and file, at its first occurrence; YAML comments are
/// skipped, since they are never typeset.
pub fn font_coverage(snapshot: &Snapshot, covers: impl Fn(char) -> bool) -> Vec<Diagnostic> {
    let mut known: HashMap<char, bool> = HashMap::new();
    let mut out = Vec::new();
    for (path, bytes) in &snapshot.files {
        // Every font covers ASCII: most files need no look at their characters.
        if !DocKind::is_typeset(path) || bytes.is_ascii() {
            continue;
        }
        // A file that does not decode is reported as such; its characters are not.
        let Ok(text) = sigdoc_model::text::decode(path, bytes) else { continue };
        let markdown = path.ends_with(".md");
        // For Markdown, only the front matter is YAML, whose comments are skipped.
        let mut in_yaml = !markdown;
        // char -> (line, column, count)
        let mut found: BTreeMap<char, (usize, usize, usize)> = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            if markdown && line.trim_end() == "---" && (n == 0 || in_yaml) {
                in_yaml = n == 0;
                continue;
            }
            if in_yaml && line.trim_start().starts_with('#') {
                continue;
            }
            for (col, c) in line.chars().enumerate() {
                if c.is_ascii() || needs_no_glyph(c) || *known.entry(c).or_insert_with(|| covers(c)) {
                    continue;
                }
                found.entry(c).or_insert((n + 1, col + 1, 0)).2 += 1;
            }
        }
        let file = snapshot.display_path(path);
        for (c, (line, column, count)) in found {
            let times = if count > 1 {
                format!(" (and {} more time{})", count - 1, if count == 2 { "" } else { "s" })
            } else {
                String::new()
            };
            out.push(Diagnostic::warning(
                &file,
                line,
                column,
                format!(
                    "character \"{c}\" (U+{:04X}) is in no embedded font and would print as an empty box{times}",
                    c as u32
                ),
            ));
        }
    }
    sigdoc_model::sort_diagnostics(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncovered_characters_are_located_once_per_file() {
        let snapshot = Snapshot::from_files(
            "documents",
            [
                ("threats/a.yaml", "# ☃ in a comment\nname: snow ☃ and ☃\ngap: ☂\n".as_bytes()),
                ("analysis.md", "---\n# ☃\ntitle: x\n---\n# ☃ heading\n".as_bytes()),
                ("notes.txt", "☃".as_bytes()),
            ],
        );
        let found = font_coverage(&snapshot, |c| c != '☃' && c != '☂');
        let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "documents/analysis.md:5:3: warning: character \"☃\" (U+2603) is in no embedded font and would print as an empty box",
                "documents/threats/a.yaml:2:12: warning: character \"☃\" (U+2603) is in no embedded font and would print as an empty box (and 1 more time)",
                "documents/threats/a.yaml:3:6: warning: character \"☂\" (U+2602) is in no embedded font and would print as an empty box",
            ]
        );
    }
}
