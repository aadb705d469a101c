//! The bounding event pass: stops at a too deep nest, too many alias values or a second document; builds the index.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{ScanError, Scanner, Token, TokenType};

use super::index::{Builder, LocIndex};
use super::position::{Pos, byte_offset};
use super::{MAX_ALIAS_VALUES, MAX_NESTING};

/// What the event pass found.
pub(super) struct Pass {
    pub(super) index: LocIndex,
    /// The first key written twice in one mapping.
    pub(super) duplicate: Option<Pos>,
    /// Whether the text uses aliases.
    pub(super) aliases: bool,
    /// Whether the text defines anchors.
    pub(super) anchors: bool,
    pub(super) ending: Ending,
}

/// How the event pass ended.
pub(super) enum Ending {
    /// The stream ended after one document.
    End,
    /// A second document starts at `at`; the first ends at byte `cut`.
    SecondDocument { cut: usize, at: Pos },
    /// The collection at this place is nested more than [`MAX_NESTING`] deep.
    TooDeep(Pos),
    /// The alias at this place makes aliases add more than [`MAX_ALIAS_VALUES`] values.
    TooManyAliases(Pos),
    /// yaml-rust2 found a syntax error.
    Invalid(ScanError),
}

/// Reads the text event by event, so that it can stop at the first collection nested too
/// deep or at a second document, and builds the location index on the way.
pub(super) fn event_pass(text: &str) -> Pass {
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder::default();
    let mut growth = Growth::default();
    let mut documents = 0usize;
    let mut first_end = usize::MAX;
    let ending = loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(error) => break Ending::Invalid(error),
        };
        let at = Pos::of(&mark);
        match event {
            Event::StreamEnd => break Ending::End,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    let at = document_start(&mut parser, at);
                    break Ending::SecondDocument { cut: byte_offset(text, first_end), at };
                }
            }
            Event::DocumentEnd => first_end = first_end.min(mark.index()),
            _ => match growth.on_event(&event) {
                Ok(()) => builder.on_event(event, at),
                Err(Excess::Nesting) => break Ending::TooDeep(collection_start(&mut parser, &event, at)),
                Err(Excess::Aliases) => break Ending::TooManyAliases(at),
            },
        }
    };
    let anchors = !growth.anchored.is_empty();
    Pass { index: builder.index, duplicate: builder.duplicate, aliases: builder.aliases, anchors, ending }
}

/// What serde_yaml would build, counted as the events go: the nesting of collections, and
/// the values that aliases add (an alias adds its anchor's values, aliases inside included).
#[derive(Default)]
struct Growth {
    /// The open collections: their anchor (0 for none) and how many values they hold.
    open: Vec<(usize, u64)>,
    /// How many values each finished anchored node holds.
    anchored: HashMap<usize, u64>,
    /// How many values aliases added so far.
    added: u64,
}

/// A limit that an event crossed.
enum Excess {
    Nesting,
    Aliases,
}

impl Growth {
    fn on_event(&mut self, event: &Event) -> Result<(), Excess> {
        match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((*anchor, 1));
                if self.open.len() > MAX_NESTING {
                    return Err(Excess::Nesting);
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, values)) = self.open.pop() {
                    self.finish(anchor, values);
                }
            }
            Event::Scalar(_, _, anchor, _) => self.finish(*anchor, 1),
            Event::Alias(anchor) => {
                // An alias to a node still open (recursion) counts as one value here;
                // serde_yaml refuses it.
                let values = self.anchored.get(anchor).copied().unwrap_or(1);
                self.finish(0, values);
                self.added = self.added.saturating_add(values - 1);
                if self.added > MAX_ALIAS_VALUES {
                    return Err(Excess::Aliases);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Counts a finished node of `values` values in its parent, and under its anchor.
    fn finish(&mut self, anchor: usize, values: u64) {
        if anchor != 0 {
            self.anchored.insert(anchor, values);
        }
        if let Some((_, parent)) = self.open.last_mut() {
            *parent = parent.saturating_add(values);
        }
    }
}

/// The first anchor defined a second time, and where. YAML lets an alias name the latest
/// node of its anchor, but serde_yaml numbers anchors by how many names it has seen, so
/// after a redefinition an alias can expand to another, larger node than the event pass
/// counted (`&a 1`, `&b 2`, `&a 3`, `&c [...]`: `*a` is the list). The events do not name
/// anchors; the tokens do, so they are read again, when there are anchors at all.
pub(super) fn redefined_anchor(text: &str) -> Option<(Pos, String)> {
    let mut names = std::collections::HashSet::new();
    Scanner::new(text.chars()).find_map(|Token(mark, token)| match token {
        TokenType::Anchor(name) if !names.insert(name.clone()) => Some((Pos::of(&mark), name)),
        _ => None,
    })
}

/// Where a collection starts: the parser marks a block mapping after its first key, so
/// the key (the next event) is where it starts.
fn collection_start(parser: &mut Parser<std::str::Chars<'_>>, event: &Event, at: Pos) -> Pos {
    match (event, parser.next_token()) {
        (Event::MappingStart(..), Ok((_, next))) => at.min(Pos::of(&next)),
        _ => at,
    }
}

/// Where a second document starts: at its `---`, or, when it starts without one (after
/// a `...`), at its first node, which may lie before the marks of its first events.
fn document_start(parser: &mut Parser<std::str::Chars<'_>>, at: Pos) -> Pos {
    let mut start = at;
    for _ in 0..2 {
        match parser.next_token() {
            Ok((Event::DocumentEnd | Event::StreamEnd, _)) | Err(_) => break,
            Ok((_, mark)) => start = start.min(Pos::of(&mark)),
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use serde_yaml::Value;

    use crate::yaml::tests::{at, err};
    use crate::yaml::{MAX_NESTING, MORE_THAN_ONE_DOCUMENT, YamlDoc};

    /// Issue 13: 200,000 `[` took libyaml 49 s; the scanner of yaml-rust2 stops at 256
    /// flow levels, before the parser reaches ours.
    #[test]
    fn deep_flow_nesting_is_refused_at_the_collection_that_crosses_the_limit() {
        for text in ["[".repeat(200_000), format!("{}{}", "[".repeat(300), "]".repeat(300))] {
            let e = err(&text);
            assert_eq!(at(&e), (1, 101), "{e}");
            assert_eq!(e.message, "the YAML is nested more than 100 levels deep");
        }
        let e = err(&format!("a: {}", "{b: ".repeat(5000)));
        // The root mapping is the first level, so the 100th brace is the 101st.
        assert_eq!(at(&e), (1, 4 + 4 * 99), "{e}");
        assert!(e.message.contains("more than 100 levels"), "{e}");
        // Exactly the limit is fine.
        let text = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
        let text = format!("a: {}1{}", "[".repeat(MAX_NESTING - 1), "]".repeat(MAX_NESTING - 1));
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
    }

    #[test]
    fn deep_block_nesting_is_refused() {
        // Sequences: the 101st "- " starts at column 201.
        let e = err(&"- ".repeat(500_000));
        assert_eq!(at(&e), (1, 201), "{e}");
        // Mappings, one per line: the 101st starts at its first key, not after it.
        let text: String = (0..150).map(|i| format!("{}a:\n", "  ".repeat(i))).collect();
        let e = YamlDoc::parse("f.md", &text, 1).unwrap_err();
        assert_eq!(at(&e), (102, 201), "{e}");
        let text: String = (0..MAX_NESTING).map(|i| format!("{}a:\n", "  ".repeat(i))).collect();
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
    }

    /// Issue 13: a second document was reported at 1:1.
    #[test]
    fn a_second_document_is_located_at_its_start() {
        for (text, place) in [
            ("a: 1\n---\nb: 2\n", (2, 1)),
            ("---\na: 1\n---\n", (3, 1)),
            ("%YAML 1.2\n---\na: 1\n--- [x]\n", (4, 1)),
            ("a: 1\n...\n# c\n\n  b: 2\n", (5, 3)),
        ] {
            let e = err(text);
            assert_eq!(at(&e), place, "{text:?}: {e}");
            assert_eq!(e.message, MORE_THAN_ONE_DOCUMENT);
        }
        // The second document is never parsed by libyaml, however deep.
        let e = err(&format!("a: 1\n---\n{}", "[".repeat(200_000)));
        assert_eq!(at(&e), (2, 1), "{e}");
        // The first document's own problems come first, as before.
        let e = err("a: 1\na: 2\n---\nb: 2\n");
        assert_eq!((at(&e), e.message.as_str()), ((2, 1), "duplicate entry with key \"a\""));
        // A document end marker alone is not a second document.
        assert!(YamlDoc::parse("f.yaml", "a: 1\n...\n", 0).is_ok());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let start = std::time::Instant::now();
        let err = YamlDoc::parse("bomb.yaml", &text, 0).unwrap_err();
        assert!(start.elapsed().as_secs() < 5);
        // a4's eighth alias brings the values aliases add past 100,000 (100 + 1,100 +
        // 11,100 + 8 x 11,110), before serde_yaml builds any of it.
        assert_eq!(at(&err), (5, 45), "{err}");
        assert_eq!(
            err.message,
            "aliases add more than 100000 values to the document (YAML aliases expanding too far are refused)"
        );
    }

    /// serde_yaml numbers anchors by how many names it has seen: after a redefinition, an
    /// alias expanded to another node (here `*a` to the list), which the count of values
    /// aliases add could not foresee.
    #[test]
    fn a_redefined_anchor_is_refused() {
        let e = err("a: &a 1\nb: &b 2\nc: &a 3\nd: &c [x, x, x]\ne: *a\n");
        assert_eq!(
            (at(&e), e.message.as_str()),
            ((3, 4), "anchor \"a\" is defined twice: give each anchor its own name")
        );
        let doc = YamlDoc::parse("f.yaml", "a: &a 1\nb: &b [2]\nc: *a\nd: *b\n", 0).unwrap();
        assert_eq!(doc.value["c"], Value::from(1));
        // A second document is refused as one, whatever its anchors.
        let e = err("a: &a 1\n---\nb: &a 2\n");
        assert_eq!(e.message, MORE_THAN_ONE_DOCUMENT);
    }

    /// Issue 13: a megabyte of aliases to a ten-item list took serde_yaml a gigabyte.
    #[test]
    fn the_values_aliases_add_are_bounded() {
        let list = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [";
        // Each alias adds ten values: ten thousand of them are the limit.
        let text = format!("{list}{}*a]\n", "*a, ".repeat(9_999));
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
        let e = err(&format!("{list}{}*a]\n", "*a, ".repeat(250_000)));
        assert_eq!(at(&e), (2, 5 + 4 * 10_000), "{e}");
        // An alias of a scalar, or of an anchored collection inside a list, adds what its
        // anchor holds.
        let text = format!("s: &s x\nb: [{}*s]\n", "*s, ".repeat(200_000));
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
        let text = format!("a: [&a {{k: [1, 2, 3, 4]}}]\nb: [{}*a]\n", "*a, ".repeat(25_000));
        // {k: [1, 2, 3, 4]} is seven values, its key included: each alias adds six.
        assert_eq!(at(&err(&text)), (2, 5 + 4 * 16_666));
        // A key that is an alias counts too.
        let text = format!("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [{}{{*a : 1}}]\n", "*a, ".repeat(10_000));
        assert_eq!(at(&err(&text)), (2, 5 + 4 * 10_000 + 1));
    }
}
