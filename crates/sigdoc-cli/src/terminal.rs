//! Repository text made safe to print: a commit subject, a YAML key or a file name may hold
//! escape sequences that a terminal would obey (retitle the window, rewrite the screen,
//! hide a line), and bidirectional overrides that reorder what is shown.

use std::borrow::Cow;

use sigdoc::model::text::escape_controls;

/// `text` with every control character (line breaks included) and every bidirectional
/// control written as a visible escape such as `\u{1b}`.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    escape_controls(text)
}

/// Like [`terminal_safe`], but keeps line breaks: for text printed over several lines.
pub fn terminal_safe_lines(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return escape_controls(text);
    }
    Cow::Owned(text.split('\n').map(escape_controls).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(terminal_safe("plain text"), "plain text");
        assert!(matches!(terminal_safe("plain"), Cow::Borrowed(_)));
        assert_eq!(terminal_safe("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(terminal_safe("x\u{9b}31m"), "x\\u{9b}31m");
        assert_eq!(terminal_safe("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(terminal_safe("two\nlines\r"), "two\\u{a}lines\\u{d}");
        assert_eq!(terminal_safe_lines("two\nlines\r"), "two\nlines\\u{d}");
        assert_eq!(terminal_safe("tab\there"), "tab\\u{9}here");
    }
}
