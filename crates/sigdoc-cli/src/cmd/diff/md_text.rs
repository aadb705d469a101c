//! Repository text made inert in GitHub-flavoured Markdown: shown exactly as written,
//! never read as markup, HTML, a table cell's end, or a mention that notifies someone.

use super::flat;

/// Characters that mean something anywhere in a line of GFM: escapes, code, emphasis,
/// strikethrough, links and images, HTML and entities, table cells, headings.
const ALWAYS: &[char] = &['\\', '`', '*', '_', '~', '[', ']', '<', '>', '&', '|', '!', '#'];

/// The word joiner: invisible, but it keeps `@name` from becoming a mention that would
/// notify whoever `name` is when the report is posted.
const WORD_JOINER: char = '\u{2060}';

/// Text from the repository as inline Markdown, on one line (whitespace collapsed,
/// control characters escaped as the terminal shows them). Safe in a table cell too.
pub(crate) fn text(raw: &str) -> String {
    let flat = flat(raw);
    let mut out = String::with_capacity(flat.len() + 8);
    let mut previous: Option<char> = None;
    let mut chars = flat.chars().peekable();
    while let Some(c) = chars.next() {
        if ALWAYS.contains(&c) {
            out.push('\\');
        }
        out.push(c);
        let after_word = previous.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '.');
        if c == '@' && !after_word && chars.peek().is_some_and(|n| n.is_alphanumeric()) {
            out.push(WORD_JOINER);
        }
        previous = Some(c);
    }
    out
}

/// Inline Markdown that begins a line: `text` with what only the start of a line gives
/// meaning to escaped as well (a list marker, a setext underline, an ordered item's `1.`).
pub(crate) fn line_start(inline: &str) -> String {
    if inline.starts_with(['-', '+', '=']) {
        return format!("\\{inline}");
    }
    let digits = inline.len() - inline.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && inline[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &inline[..digits], &inline[digits..]);
    }
    inline.to_owned()
}

/// The longest run of backticks in a text.
fn longest_backticks(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Text as a code span: delimited by more backticks than it holds, padded when it begins
/// or ends with one. In a table, pipes are escaped too: GFM splits cells before it reads
/// code spans.
pub(crate) fn code(raw: &str, in_table: bool) -> String {
    let mut body = flat(raw.trim());
    if in_table {
        body = body.replace('|', "\\|");
    }
    if body.is_empty() {
        return String::new();
    }
    let ticks = "`".repeat(longest_backticks(&body) + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{body}{pad}{ticks}")
}

/// A fenced code block of `info` (`diff`) holding `lines` as they are: the fence is longer
/// than any run of backticks inside, so no line can close it.
pub(crate) fn fenced(info: &str, lines: &[String]) -> String {
    let longest = lines.iter().map(|l| longest_backticks(l)).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{info}\n{}\n{fence}", lines.join("\n"))
}

/// Text for inside an HTML element (`<summary>`), where Markdown is not read: entities.
pub(crate) fn html(raw: &str) -> String {
    let mut out = String::new();
    for c in flat(raw).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Entities are decoded before mentions are found: break them as in `text`.
            '@' => out.extend(['@', WORD_JOINER]),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_mentions_are_broken() {
        assert_eq!(text("<img src=x onerror=alert(1)>"), "\\<img src=x onerror=alert(1)\\>");
        assert_eq!(text("| ** ~~"), "\\| \\*\\* \\~\\~");
        assert_eq!(text("ping @council"), "ping @\u{2060}council");
        assert_eq!(text("ada@example.org"), "ada@example.org");
        assert_eq!(text("a\x1b[31mb"), "a\\\\u{1b}\\[31mb");
    }

    #[test]
    fn line_starts_lose_their_block_meaning() {
        assert_eq!(line_start("- item"), "\\- item");
        assert_eq!(line_start("2025. A year"), "2025\\. A year");
        assert_eq!(line_start("12) b"), "12\\) b");
        assert_eq!(line_start("plain"), "plain");
    }

    #[test]
    fn code_spans_outlast_the_backticks_inside() {
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`x`", false), "`` `x` ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(fenced("diff", &["+ ````".to_owned()]), "`````diff\n+ ````\n`````");
    }

    #[test]
    fn html_text_is_entities() {
        assert_eq!(html("<b>\"x\" & 'y' @z"), "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39; @\u{2060}z");
    }
}
