//! Decoding files as UTF-8 text and splitting Markdown front matter, with located errors.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::Diagnostic;

/// Decodes a file as UTF-8 without forbidden characters, or names the line and column of
/// the first invalid byte or forbidden character (see [`check_characters`]).
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            check_characters(file, text, 0)?;
            Ok(text)
        }
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let (line, column) = place_of(valid, valid.len());
            Err(Diagnostic::error(file, line, column, "file is not valid UTF-8 text"))
        }
    }
}

/// Whether a character may not appear in a document: the control characters YAML
/// forbids (C0 but tab, line feed and carriage return; DEL; C1 but U+0085) and the
/// noncharacters U+FFFE and U+FFFF. libyaml refuses them with a byte position instead of
/// a line, and in Markdown prose they would reach terminals and PDFs.
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}')
        || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// Refuses a text containing a forbidden character (see [`is_forbidden`]), located at the
/// first one; `line_offset` is added to the line (for front matter).
pub fn check_characters(file: &str, text: &str, line_offset: usize) -> Result<(), Diagnostic> {
    let Some((at, c)) = text.char_indices().find(|&(_, c)| is_forbidden(c)) else { return Ok(()) };
    let (line, column) = place_of(text, at);
    let message = if c.is_control() {
        format!("control character U+{:04X} is not allowed (only tab, line feed and carriage return are)", u32::from(c))
    } else {
        format!("noncharacter U+{:04X} is not allowed", u32::from(c))
    };
    Err(Diagnostic::error(file, line + line_offset, column, message))
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
fn place_of(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// Text taken from a file, made safe to print in a one-line message: control characters
/// (line breaks and tabs included), noncharacters and the bidirectional formatting
/// characters that can reorder a terminal's line are written as `\u{1b}`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unprintable(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether a character must not reach a terminal or a one-line message as it is: control
/// characters, noncharacters, and the bidirectional controls that reorder what is shown.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || is_forbidden(c)
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A Markdown file split into its YAML front matter and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterSplit<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// 1-based line on which the YAML starts.
    pub yaml_line: usize,
    /// The Markdown after the closing line.
    pub body: &'a str,
    /// 1-based line on which the body starts.
    pub body_line: usize,
}

/// Splits `---` front matter from a Markdown body.
pub fn split_front_matter<'a>(file: &str, text: &'a str) -> Result<FrontMatterSplit<'a>, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(
            file,
            1,
            1,
            "missing front matter: the file must start with a line \"---\", the YAML metadata, and another \"---\"",
        ));
    }
    let start = first.len();
    let mut offset = start;
    for (n, line) in lines.enumerate() {
        if matches!(line.trim_end(), "---" | "...") {
            return Ok(FrontMatterSplit {
                yaml: &text[start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: n + 3,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(file, 1, 1, "unterminated front matter: no closing \"---\" line"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let s = split_front_matter("f", "---\ntitle: x\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unterminated_front_matter_is_an_error() {
        let err = split_front_matter("f", "---\ntitle: x\n").unwrap_err();
        assert!(err.message.contains("unterminated"));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode("f", b"ok\nab\xffc").unwrap_err();
        assert_eq!((err.line, err.column), (2, 3));
    }

    /// Issue 13: libyaml reported a NUL byte at 1:1 "at position 792".
    #[test]
    fn control_characters_are_located_and_named() {
        let err = decode("f.yaml", b"a: 1\nb: x\0y\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 5), "{err}");
        assert!(err.message.contains("U+0000"), "{err}");
        assert!(!err.message.contains('\0'), "{err}");
        // Columns count characters, not bytes; a byte-order mark is not counted.
        let err = decode("f.md", "\u{feff}---\ntitle: \u{e9}t\u{e9}\u{1b}[31m\n".as_bytes()).unwrap_err();
        assert_eq!((err.line, err.column), (2, 11), "{err}");
        assert!(err.message.contains("U+001B"), "{err}");
        // Markdown prose is checked too: decode sees the whole file.
        let err = decode("f.md", b"---\ntitle: x\n---\nSome \x7f prose\n").unwrap_err();
        assert_eq!((err.line, err.column), (4, 6), "{err}");
        assert!(err.message.contains("U+007F"), "{err}");
    }

    #[test]
    fn the_forbidden_set_is_yamls() {
        for c in ['\0', '\u{8}', '\u{b}', '\u{c}', '\u{e}', '\u{1f}', '\u{7f}', '\u{80}', '\u{84}', '\u{86}', '\u{9f}']
        {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', ' ', '~', '\u{85}', '\u{a0}', '\u{feff}', '\u{fffd}', '\u{10000}'] {
            assert!(!is_forbidden(c), "{c:?}");
        }
        assert!(is_forbidden('\u{fffe}') && is_forbidden('\u{ffff}'));
        assert_eq!(decode("f", "a\tb\r\nc\u{85}d".as_bytes()), Ok("a\tb\r\nc\u{85}d"));
        let err = decode("f", "ab\u{9b}".as_bytes()).unwrap_err();
        assert_eq!((err.line, err.column), (1, 3), "{err}");
        assert!(err.message.contains("U+009B") && err.message.starts_with("control character"), "{err}");
        let err = decode("f", "x\n\u{fffe}".as_bytes()).unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err}");
        assert!(err.message.contains("noncharacter U+FFFE"), "{err}");
    }

    #[test]
    fn front_matter_lines_are_shifted() {
        let err = check_characters("f.md", "a: b\n\u{1}", 1).unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
    }

    #[test]
    fn escaping_leaves_only_printable_text() {
        assert!(matches!(escape_controls("plain \u{e9}t\u{e9}"), Cow::Borrowed("plain \u{e9}t\u{e9}")));
        assert_eq!(escape_controls("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_controls("x\ny\tz\u{9b}\u{202e}"), "x\\u{a}y\\u{9}z\\u{9b}\\u{202e}");
    }
}
