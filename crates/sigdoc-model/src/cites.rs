//! Citations in pandoc's syntax, `[@jabber-ru-mitm-2023]` or `[@RFC 6120; @CVE-2017-5589]`,
//! found in parsed prose so that the checker and the renderer agree on every one.
//!
//! Markdown splits `[@x]` into several text events (a bracket may open a link), so a cite
//! is found on the source: a run of text events that stand in it as written, outside code
//! blocks, with an unescaped `[`. A cite inside a code span or block, a link, or a bracket
//! written `\[` is left alone.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Tag, TagEnd};
use regex::Regex;

/// `[@` up to the next `]` on the same line, holding no other bracket.
static CITE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[@[^\[\]\n]*\]").expect("valid regex"));

/// One citation: the references its footnote names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cite {
    /// Byte range of the whole `[@...]` in the source.
    pub range: Range<usize>,
    /// The ids it cites, in order, with where each stands.
    pub ids: Vec<CitedId>,
}

/// One id of a [`Cite`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedId {
    /// The id as written after `@`, without surrounding white space.
    pub id: String,
    /// Byte offset of the id in the source.
    pub offset: usize,
}

/// A part of a text event: text as it is, or a cite that starts in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'t, 'c> {
    /// Text, at a byte offset of the source (exact only where the event is).
    Text(&'t str, usize),
    /// A cite; the rest of its `[@...]` is left out of the events that follow.
    Cite(&'c Cite),
}

/// Every cite of a text, in order, from its events with their source ranges.
pub fn find_cites(source: &str, events: &[(Event<'_>, Range<usize>)]) -> Vec<Cite> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut in_code = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(text) if in_code == 0 && source.get(range.clone()) == Some(text.as_ref()) => {
                match runs.last_mut() {
                    Some(run) if run.end == range.start => run.end = range.end,
                    _ => runs.push(range.clone()),
                }
            }
            _ => {}
        }
    }
    runs.into_iter().flat_map(|run| cites_in_run(source, run)).collect()
}

/// The cites of one run of text that stands in the source as written.
fn cites_in_run(source: &str, run: Range<usize>) -> Vec<Cite> {
    let Some(text) = source.get(run.clone()) else { return Vec::new() };
    CITE.find_iter(text)
        .filter(|m| !escaped(source, run.start + m.start()))
        .filter_map(|m| parse(m.as_str(), run.start + m.start()))
        .collect()
}

/// Whether the character at `at` follows an odd number of backslashes.
fn escaped(source: &str, at: usize) -> bool {
    source[..at].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// A cite from `[@a; @b]` at `start`: every part between semicolons must be `@` and an id.
fn parse(cite: &str, start: usize) -> Option<Cite> {
    let inner = &cite[1..cite.len() - 1];
    let mut ids = Vec::new();
    let mut at = start + 1;
    for part in inner.split(';') {
        let trimmed = part.trim_start();
        let id = trimmed.strip_prefix('@')?.trim_end();
        if id.is_empty() || id.starts_with(char::is_whitespace) {
            return None;
        }
        ids.push(CitedId { id: id.to_owned(), offset: at + (part.len() - trimmed.len()) + 1 });
        at += part.len() + 1;
    }
    Some(Cite { range: start..start + cite.len(), ids })
}

/// Splits a text event at `range` of the source into text and the cites that start in
/// it; the parts of cites that started before are left out.
pub fn split<'t, 'c>(text: &'t str, range: Range<usize>, cites: &'c [Cite]) -> Vec<Piece<'t, 'c>> {
    let first = cites.partition_point(|c| c.range.end <= range.start);
    let overlapping = cites[first..].iter().take_while(|c| c.range.start < range.end);
    // Cites are found only in events that stand in the source as written.
    let exact = text.len() == range.len();
    let mut pieces = Vec::new();
    let mut last = range.start;
    for cite in overlapping.filter(|_| exact) {
        if cite.range.start > last {
            pieces.push(Piece::Text(&text[last - range.start..cite.range.start - range.start], last));
        }
        if cite.range.start >= range.start {
            pieces.push(Piece::Cite(cite));
        }
        last = cite.range.end.min(range.end);
    }
    if last < range.end {
        pieces.push(Piece::Text(&text[last - range.start..], last));
    }
    pieces
}

/// The cites of a text that is not Markdown (a one-line field), which stands as written.
pub fn find_cites_in_plain(text: &str) -> Vec<Cite> {
    cites_in_run(text, 0..text.len())
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::Parser;

    use super::*;
    use crate::prose::options;

    fn events(source: &str) -> Vec<(Event<'_>, Range<usize>)> {
        Parser::new_ext(source, options()).into_offset_iter().collect()
    }

    fn cited(source: &str) -> Vec<Vec<(String, usize)>> {
        find_cites(source, &events(source))
            .into_iter()
            .map(|c| {
                assert!(source[c.range.clone()].starts_with("[@") && source[c.range.clone()].ends_with(']'));
                c.ids.into_iter().map(|i| (i.id, i.offset)).collect()
            })
            .collect()
    }

    fn ids(source: &str) -> Vec<Vec<String>> {
        cited(source).into_iter().map(|c| c.into_iter().map(|(id, _)| id).collect()).collect()
    }

    #[test]
    fn cites_are_found_with_the_place_of_each_id() {
        let source = "See [@jabber-ru-mitm-2023] and [@RFC 6120;  @CVE-2017-5589 ].";
        assert_eq!(
            cited(source),
            [
                vec![("jabber-ru-mitm-2023".to_owned(), 6)],
                vec![("RFC 6120".to_owned(), 33), ("CVE-2017-5589".to_owned(), 45)]
            ]
        );
        assert_eq!(&source[45..58], "CVE-2017-5589");
        // In a list, a table, emphasis and a footnote's text.
        let source = "- *a [@x]*\n\n| h |\n|---|\n| [@y] |\n\nN[^n]\n\n[^n]: [@z]\n";
        assert_eq!(ids(source), [["x"], ["y"], ["z"]]);
    }

    #[test]
    fn code_links_escapes_and_other_brackets_are_left_alone() {
        for source in [
            "`[@x]`",
            "```\n[@x]\n```\n",
            "    [@x]\n",
            "[@x](https://example.org)",
            "\\[@x]",
            "[@x\\]",
            "[@]",
            "[@ x]",
            "[x @y]",
            "[@x; y]",
            "[@x;\n@y]",
            "[*@x*]",
            "[^x]\n\n[^x]: y\n",
        ] {
            assert_eq!(ids(source), Vec::<Vec<String>>::new(), "{source:?}");
        }
        // An escaped backslash does not escape the bracket.
        assert_eq!(ids("\\\\[@x]"), [["x"]]);
        // Cites after a code block count again.
        assert_eq!(ids("```\n[@x]\n```\n\nThen [@y]."), [["y"]]);
        // A link right after a cite is still a link.
        assert_eq!(ids("[@x] [a](https://example.org)"), [["x"]]);
    }

    #[test]
    fn a_text_event_is_split_around_the_cites_that_start_in_it() {
        let source = "a [@x] b [@y; @z]c";
        let cites = find_cites(source, &events(source));
        let split_all: Vec<String> = events(source)
            .into_iter()
            .filter_map(|(e, r)| match e {
                Event::Text(t) => Some(
                    split(&t, r, &cites)
                        .into_iter()
                        .map(|p| match p {
                            Piece::Text(t, at) => format!("{t}@{at}"),
                            Piece::Cite(c) => format!("<{}>", c.ids.len()),
                        })
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect();
        assert_eq!(split_all.concat(), "a @0<1> b @6<2>c@17");
    }

    #[test]
    fn plain_text_cites_are_found_as_written() {
        let cites = find_cites_in_plain("Name [@x] and \\[@y]");
        assert_eq!(cites.len(), 1);
        assert_eq!((cites[0].range.clone(), cites[0].ids[0].offset), (5..9, 7));
        let pieces = split("Name [@x] and", 0..13, &cites);
        assert_eq!(pieces, [Piece::Text("Name ", 0), Piece::Cite(&cites[0]), Piece::Text(" and", 9)]);
    }

    #[test]
    fn a_text_event_that_starts_inside_the_source_is_split_at_the_right_places() {
        let source = "Name [@x] and [@y] end";
        let cites = find_cites_in_plain(source);
        let pieces = split(&source[9..], 9..source.len(), &cites);
        assert_eq!(pieces, [Piece::Text(" and ", 9), Piece::Cite(&cites[1]), Piece::Text(" end", 18)]);
    }
}
