//! Syntax and serde_yaml errors made into located messages, in serde_yaml's words where it has them.

use serde::de::IgnoredAny;
use yaml_rust2::scanner::ScanError;

use super::pass::{Ending, event_pass};
use super::position::{Pos, byte_offset};
use super::too_deep;

/// How much text past yaml-rust2's syntax error serde_yaml reads to word the error: libyaml
/// often notices a problem a line later, and the margin holds too few brackets to slow it.
const SERDE_MARGIN: usize = 4096;

/// yaml-rust2's scanner error when more than 255 flow collections are open.
const FLOW_OVERFLOW: &str = "recursion limit exceeded";

/// Words a syntax error that yaml-rust2 found at `error`.
///
/// serde_yaml's wording is kept (users and tests know it), but serde_yaml only reads the
/// text up to a little past yaml-rust2's error: everything before it is known to be
/// shallow enough for libyaml, what follows is not.
pub(super) fn syntax_error(text: &str, error: &ScanError, duplicate: Option<Pos>, aliases: bool) -> (Pos, String) {
    let at = Pos::of(error.marker());
    let stop = byte_offset(text, error.marker().index());
    if error.info() == FLOW_OVERFLOW {
        // The scanner reads a flow collection to its end before the parser emits its
        // start, so it met its 256th level before the parser reached the limit; the text
        // before that point holds the collection that crosses the limit.
        let deeper = match event_pass(&text[..stop]).ending {
            Ending::TooDeep(deeper) => deeper,
            _ => at,
        };
        return (deeper, too_deep());
    }
    let cut = serde_cut(text, stop);
    // serde_yaml deserializes the events it parsed before its syntax error, and only then
    // reports the error: building a `Value` would expand aliases that the event pass has
    // not counted (its parser lags behind its scanner). Ignoring them expands none.
    match serde_yaml::from_str::<IgnoredAny>(&text[..cut]) {
        Err(err) if err.location().is_some_and(|l| !is_past_cut(text, cut, l.line())) => {
            serde_error(&err, duplicate, aliases)
        }
        // serde_yaml accepts the text, or stumbles over the cut: yaml-rust2's words then.
        _ => (at, error.info().to_owned()),
    }
}

/// Where serde_yaml's text ends after yaml-rust2 stopped at byte `stop`: whole lines up
/// to [`SERDE_MARGIN`] bytes later, or exactly there when the error's line is longer.
fn serde_cut(text: &str, stop: usize) -> usize {
    let limit = text.floor_char_boundary(stop.saturating_add(SERDE_MARGIN));
    if limit >= text.len() {
        return text.len();
    }
    match text[stop..limit].find('\n') {
        Some(_) => text[..limit].rfind('\n').map_or(limit, |i| i + 1),
        None => limit,
    }
}

/// Whether an error on `line` may be an artifact of cutting the text at byte `cut`: it
/// lies on the last line kept, or past it.
fn is_past_cut(text: &str, cut: usize, line: usize) -> bool {
    // The byte before the cut may lie inside a character; the line breaks before it are
    // the same either way.
    cut < text.len() && line > text[..text.floor_char_boundary(cut.saturating_sub(1))].matches('\n').count()
}

/// The place and wording of a serde_yaml error.
pub(super) fn serde_error(err: &serde_yaml::Error, duplicate: Option<Pos>, aliases: bool) -> (Pos, String) {
    let message = clean_yaml_message(&err.to_string(), aliases);
    let at = err.location().map_or(Pos::START, |l| Pos::new(l.line(), l.column()));
    // serde_yaml does not say where a duplicate key is; the event pass does.
    match duplicate {
        Some(key) if message.contains("duplicate entry") => (key, message),
        _ => (at, message),
    }
}

/// serde_yaml appends " at line X column Y" to its messages; the location is printed
/// separately, so drop it. Its limits get a word on what they refuse.
fn clean_yaml_message(message: &str, aliases: bool) -> String {
    let text = strip_location(message);
    if text.contains("repetition limit exceeded") {
        format!("{text} (YAML aliases expanding too far are refused)")
    } else if text.contains("recursion limit exceeded") {
        let how = if aliases { " once its aliases are expanded" } else { "" };
        format!("{text} (the YAML is nested too deeply{how})")
    } else {
        text.to_owned()
    }
}

fn strip_location(message: &str) -> &str {
    const AT: &str = " at line ";
    // A duplicate key is quoted before the location and may hold the words: there the
    // location ends the message. Other messages go on with ", while parsing ...".
    let at = if message.contains("duplicate entry") {
        message.rfind(AT).filter(|&i| is_line_and_column(&message[i + AT.len()..], true))
    } else {
        message.match_indices(AT).map(|(i, _)| i).find(|&i| is_line_and_column(&message[i + AT.len()..], false))
    };
    at.map_or(message, |i| &message[..i])
}

/// Whether `text` starts with "N column M", followed by nothing or (unless `ends`) a comma.
fn is_line_and_column(text: &str, ends: bool) -> bool {
    let number = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let line = number(text);
    let Some(rest) = text[line..].strip_prefix(" column ").filter(|_| line > 0) else { return false };
    let column = number(rest);
    column > 0 && (rest.len() == column || (!ends && rest[column..].starts_with(',')))
}

#[cfg(test)]
mod tests {
    /// A syntax error on a long line of non-ASCII text put the cut inside a character.
    #[test]
    fn a_cut_inside_a_character_is_no_panic() {
        let text = format!("a: b: {}\n", "\u{e9}".repeat(5000));
        let err = YamlDoc::parse("f.yaml", &text, 0).unwrap_err();
        assert_eq!(err.line, 1, "{err}");
        for width in 1..4 {
            let text = format!("a: b: {}{}\n", "x".repeat(width), "\u{20ac}".repeat(3000));
            assert!(YamlDoc::parse("f.yaml", &text, 0).is_err());
        }
    }

    use super::*;
    use crate::yaml::YamlDoc;
    use crate::yaml::tests::{at, err};

    #[test]
    fn syntax_errors_are_located() {
        let err = YamlDoc::parse("f.yaml", "a: 1\nb: [1, 2\n", 0).unwrap_err();
        assert_eq!(err.file, "f.yaml");
        assert!(err.line >= 2, "{err}");
        assert!(!err.message.contains(" at line "), "{err}");
    }

    /// The scanner may meet a syntax error far ahead of the parser's events: serde_yaml
    /// then reads only a little past it, never the deep nest that follows.
    #[test]
    fn a_syntax_error_before_a_deep_nest_keeps_serde_yamls_words() {
        let e = err(&format!("a: b: c\nd: {}", "[".repeat(200_000)));
        assert_eq!(at(&e), (1, 5), "{e}");
        assert_eq!(e.message, "mapping values are not allowed in this context");
        let e = err(&format!("a: [b, {}", "[".repeat(200_000)));
        assert_eq!(e.line, 1, "{e}");
        assert!(e.message.contains("nested more than 100"), "{e}");
    }

    /// libyaml often notices a problem a line after yaml-rust2 does: its line is kept.
    #[test]
    fn serde_yaml_sees_the_lines_after_the_error() {
        let tail = "z: 1\n".repeat(10_000);
        let e = err(&format!("a:\n  b: 1\n\tc: 2\n{tail}"));
        assert_eq!((at(&e), e.message.as_str()), ((3, 1), "found a tab character that violates indentation"));
        let e = err(&format!("name: x\ntags: [v*\nvenue: |\n  d\n{tail}"));
        assert_eq!((at(&e), e.message.as_str()), ((3, 6), "did not find expected ',' or ']'"));
        // An error line longer than the margin: serde_yaml reads it only in part, and its
        // complaint about the cut is not taken; yaml-rust2's words are.
        let e = err(&format!("a: b: {}\n", "c".repeat(10_000)));
        assert_eq!(at(&e), (1, 5), "{e}");
        assert_eq!(e.message, "mapping values are not allowed in this context");
    }

    /// libyaml tolerates some text yaml-rust2 refuses (a comment right after a quoted
    /// scalar): the document is refused in yaml-rust2's words, not in words serde_yaml
    /// finds for something else.
    #[test]
    fn what_only_yaml_rust2_refuses_is_refused_in_its_words() {
        for text in ["x: \"a\"#c\n", "x: \"a\"#c\n---\ny: 1\n"] {
            let e = err(text);
            assert_eq!(
                (at(&e), e.message.as_str()),
                ((1, 7), "comments must be separated from other tokens by whitespace")
            );
        }
    }

    /// A key written twice as text is no duplicate to serde_yaml when it resolves to two
    /// values (`1` and `"1"`): serde_yaml's other errors keep their own place.
    #[test]
    fn only_duplicate_errors_go_to_the_duplicate_key() {
        let anchored = format!("c: &a {}x{}\n", "[".repeat(90), "]".repeat(90));
        let text = format!("1: a\n\"1\": b\n{anchored}d: {}*a{}\n", "[".repeat(60), "]".repeat(60));
        let e = err(&text);
        assert!(e.message.starts_with("recursion limit exceeded"), "{e}");
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn cutting_keeps_whole_lines_within_the_margin() {
        let text = format!("{}\n{}\n", "a".repeat(10), "b".repeat(SERDE_MARGIN));
        assert_eq!(serde_cut(&text, 0), 11);
        assert_eq!(serde_cut(&text, 12), text.len());
        let long = "é".repeat(SERDE_MARGIN);
        let cut = serde_cut(&long, 2);
        assert!(long.is_char_boundary(cut) && cut <= 2 + SERDE_MARGIN && cut > SERDE_MARGIN, "{cut}");
        assert!(is_past_cut("a\nb\nc\n", 4, 2));
        assert!(!is_past_cut("a\nb\nc\n", 4, 1));
        assert!(!is_past_cut("a\nb\n", 4, 9), "nothing was cut");
    }

    #[test]
    fn recursion_is_blamed_on_nesting_and_repetition_on_aliases() {
        let anchored = format!("a: &a {}x{}\n", "[".repeat(90), "]".repeat(90));
        let e = err(&format!("{anchored}b: {}*a{}\n", "[".repeat(60), "]".repeat(60)));
        assert_eq!(e.message, "recursion limit exceeded (the YAML is nested too deeply once its aliases are expanded)");
        assert_eq!(
            clean_yaml_message("recursion limit exceeded at line 1 column 129", false),
            "recursion limit exceeded (the YAML is nested too deeply)"
        );
        assert_eq!(
            clean_yaml_message("repetition limit exceeded at line 1 column 1", true),
            "repetition limit exceeded (YAML aliases expanding too far are refused)"
        );
    }

    #[test]
    fn locations_are_cut_from_messages_but_not_from_quoted_keys() {
        let m = "did not find expected ',' or ']' at line 3 column 6, while parsing a flow sequence at line 2 column 7";
        assert_eq!(strip_location(m), "did not find expected ',' or ']'");
        let m = r#"b: duplicate entry with key "x at line 2 column 3, y" at line 4 column 1"#;
        assert_eq!(strip_location(m), r#"b: duplicate entry with key "x at line 2 column 3, y""#);
        assert_eq!(strip_location("no place at line end"), "no place at line end");
        assert_eq!(strip_location("x at line 1 column 2z"), "x at line 1 column 2z");
        assert_eq!(strip_location("x at line 1 column "), "x at line 1 column ");
        assert_eq!(strip_location("x at line column 2"), "x at line column 2");
        assert_eq!(strip_location("x at line  column 2"), "x at line  column 2");
        assert_eq!(
            strip_location("duplicate entry with key \"a\" at line 1 column 2, then"),
            "duplicate entry with key \"a\" at line 1 column 2, then"
        );
    }

    /// yaml-rust2's scanner reads a whole flow collection before its parser emits events:
    /// aliases before a syntax error there are never counted, so serde_yaml must not
    /// expand them either (it builds what it parsed before reporting the error).
    #[test]
    fn aliases_before_a_syntax_error_are_not_expanded() {
        let text = format!("[&a [x, x, x, x, x, x, x, x, x, x], {}%]\n", "*a, ".repeat(250_000));
        let start = std::time::Instant::now();
        let e = err(&text);
        assert_eq!(
            (at(&e), e.message.as_str()),
            ((1, 37 + 4 * 250_000), "found character that cannot start any token")
        );
        assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    }
}
