//! Decoding files as UTF-8 text and splitting Markdown front matter, with located errors.

use crate::Diagnostic;

/// Decodes a file as UTF-8, or names the line and column of the first invalid byte.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(Diagnostic::error(file, line, column, "file is not valid UTF-8 text"))
        }
    }
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
}
