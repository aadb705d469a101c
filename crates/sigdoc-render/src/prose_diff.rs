//! Word diffs of Markdown prose as the documents show it: styled words, not syntax.
//!
//! A word diff of the Markdown source shows `*Revision 1 of this.*` with its asterisks.
//! The report instead reads both sides as Markdown, turns each into the words a reader
//! sees (with their emphasis, strong, code and link styles and the paragraph breaks) and
//! compares those, so that a change of wording shows in the document's own typography
//! and a change of style alone (a word made bold) shows as that word replaced.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::{Value, json};
use sigdoc_diff::Op;
use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Above this many words on both sides together, the report falls back to the source
/// diff, which compares long texts line by line first (Myers is O((N+M)·D)).
const WORD_LIMIT: usize = 20_000;

/// How a word is set. Struck-through prose is shown plain: in a report whose
/// strike means deletion, it would read as deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Style {
    emph: bool,
    strong: bool,
    code: bool,
    link: bool,
}

impl Style {
    fn names(self) -> Vec<&'static str> {
        let flags = [(self.emph, "emph"), (self.strong, "strong"), (self.code, "code"), (self.link, "link")];
        flags.into_iter().filter_map(|(on, name)| on.then_some(name)).collect()
    }
}

/// A word as a reader sees it, or the end of a block.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Token {
    Word { text: String, style: Style },
    Break,
}

/// A token and whether a space precedes it (not part of what is compared: re-spacing
/// is no change).
struct Spaced {
    token: Token,
    space_before: bool,
}

/// The words and block ends of a Markdown text, in reading order.
fn tokens(markdown: &str) -> Vec<Spaced> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut reader = Reader::default();
    for event in Parser::new_ext(markdown, options) {
        reader.event(event);
    }
    while matches!(reader.out.last(), Some(Spaced { token: Token::Break, .. })) {
        reader.out.pop();
    }
    reader.out
}

/// Turns Markdown events into tokens, tracking styles and spacing.
#[derive(Default)]
struct Reader {
    out: Vec<Spaced>,
    /// Open emphasis, strong and link spans (they nest).
    emph: u32,
    strong: u32,
    link: u32,
    /// Whitespace seen since the last word.
    pending_space: bool,
    /// The next number of each open list (`None`: bulleted).
    lists: Vec<Option<u64>>,
    /// An item's marker was just written: its first paragraph goes on the same line.
    after_marker: bool,
}

impl Reader {
    fn style(&self, code: bool) -> Style {
        Style { emph: self.emph > 0, strong: self.strong > 0, code, link: self.link > 0 }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Text(text) => self.words(&text, false),
            Event::Code(text) | Event::InlineHtml(text) | Event::Html(text) => self.words(&text, true),
            Event::SoftBreak | Event::HardBreak => self.pending_space = true,
            Event::FootnoteReference(name) => self.word(format!("[{name}]"), Style::default()),
            Event::TaskListMarker(done) => self.word(if done { "[x]" } else { "[ ]" }.to_owned(), Style::default()),
            Event::Rule => self.block_end(),
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::InlineMath(text) | Event::DisplayMath(text) => self.words(&text, true),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Emphasis => self.emph += 1,
            // Headings are set bold, as strong words are.
            Tag::Strong => self.strong += 1,
            Tag::Heading { .. } => {
                self.block_end();
                self.strong += 1;
            }
            Tag::Link { .. } => self.link += 1,
            Tag::List(first) => self.lists.push(first),
            Tag::Item => {
                self.block_end();
                let marker = match self.lists.last_mut() {
                    Some(Some(next)) => {
                        let number = *next;
                        *next += 1;
                        format!("{number}.")
                    }
                    _ => "•".to_owned(),
                };
                self.word(marker, Style::default());
                self.pending_space = true;
                self.after_marker = true;
            }
            Tag::FootnoteDefinition(name) => {
                self.block_end();
                self.word(format!("[{name}]:"), Style::default());
                self.pending_space = true;
            }
            Tag::Paragraph | Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::Table(_) => {
                self.block_end();
            }
            Tag::TableCell => self.pending_space = true,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Emphasis => self.emph = self.emph.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Heading(_) => {
                self.strong = self.strong.saturating_sub(1);
                self.block_end();
            }
            TagEnd::Link => self.link = self.link.saturating_sub(1),
            TagEnd::List(_) => {
                self.lists.pop();
                self.block_end();
            }
            TagEnd::Paragraph
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::Item
            | TagEnd::FootnoteDefinition => self.block_end(),
            TagEnd::TableCell => self.pending_space = true,
            _ => {}
        }
    }

    /// The words of a run of text; whitespace inside and at its edges becomes spacing.
    /// The parser splits text at characters that might have opened a style (`a*b`
    /// arrives as three runs): a run that follows without a space continues the word.
    fn words(&mut self, text: &str, code: bool) {
        let style = self.style(code);
        if text.starts_with(char::is_whitespace) {
            self.pending_space = true;
        }
        let mut words = text.split_whitespace().peekable();
        if !self.pending_space
            && let Some(Spaced { token: Token::Word { text: last, style: last_style }, .. }) = self.out.last_mut()
            && *last_style == style
            && let Some(first) = words.next()
        {
            last.push_str(first);
            self.pending_space = true;
        }
        for word in words {
            self.word(word.to_owned(), style);
            self.pending_space = true;
        }
        self.pending_space = text.ends_with(char::is_whitespace) || (self.pending_space && text.trim().is_empty());
    }

    fn word(&mut self, text: String, style: Style) {
        let at_start = matches!(self.out.last(), None | Some(Spaced { token: Token::Break, .. }));
        self.out.push(Spaced { token: Token::Word { text, style }, space_before: self.pending_space && !at_start });
        self.pending_space = false;
        self.after_marker = false;
    }

    /// Ends a block: one break between blocks, none before the first, none between an
    /// item's marker and its first paragraph.
    fn block_end(&mut self) {
        if self.after_marker {
            return;
        }
        if !matches!(self.out.last(), None | Some(Spaced { token: Token::Break, .. })) {
            self.out.push(Spaced { token: Token::Break, space_before: false });
        }
        self.pending_space = false;
    }
}

/// The report's runs for a diff of two Markdown texts, compared as styled words; `None`
/// when they are too long to compare word by word (the caller shows the source diff).
///
/// Each run is `{op, text, style}` (`style`: names among emph, strong, code, link) or
/// `{op: "break"}`; a deleted block end is a struck pilcrow.
pub(crate) fn styled_segments(old: &str, new: &str) -> Option<Value> {
    let (old, new) = (tokens(old), tokens(new));
    if old.len() + new.len() > WORD_LIMIT {
        return None;
    }
    let keys = |t: &[Spaced]| t.iter().map(|s| s.token.clone()).collect::<Vec<_>>();
    let mut runs = Runs::default();
    for op in capture_diff_slices(Algorithm::Myers, &keys(&old), &keys(&new)) {
        match op {
            DiffOp::Equal { new_index, len, .. } => runs.extend(Op::Equal, &new[new_index..new_index + len]),
            DiffOp::Delete { old_index, old_len, .. } => runs.extend(Op::Delete, &old[old_index..old_index + old_len]),
            DiffOp::Insert { new_index, new_len, .. } => runs.extend(Op::Insert, &new[new_index..new_index + new_len]),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                runs.extend(Op::Delete, &old[old_index..old_index + old_len]);
                runs.extend(Op::Insert, &new[new_index..new_index + new_len]);
            }
        }
    }
    Some(Value::Array(runs.out))
}

/// Builds runs, joining neighbouring words of the same change and style.
#[derive(Default)]
struct Runs {
    out: Vec<Value>,
    /// The change and style of the last run, while more words may join it.
    open: Option<(Op, Style)>,
}

impl Runs {
    fn extend(&mut self, op: Op, tokens: &[Spaced]) {
        for t in tokens {
            match &t.token {
                // A paragraph joined to the next: a struck pilcrow, apart from the words
                // around it.
                Token::Break if op == Op::Delete => {
                    self.open = None;
                    self.word(op, Style::default(), "¶", true);
                    self.out.push(json!({"op": "equal", "text": " "}));
                    self.open = None;
                }
                Token::Break => {
                    self.out.push(json!({"op": "break"}));
                    self.open = None;
                }
                Token::Word { text, style } => self.word(op, *style, text, t.space_before),
            }
        }
    }

    fn word(&mut self, op: Op, style: Style, text: &str, space_before: bool) {
        if self.open == Some((op, style))
            && let Some(last) = self.out.last_mut()
        {
            let joined =
                format!("{}{}{text}", last["text"].as_str().unwrap_or_default(), if space_before { " " } else { "" });
            last["text"] = json!(joined);
            return;
        }
        // The space before a change stays outside it, so that no underline or strike
        // runs into the gap; struck and underlined words side by side need one to read.
        let after_deletion = matches!(self.open, Some((Op::Delete, _))) && op == Op::Insert;
        if space_before || after_deletion {
            self.out.push(json!({"op": "equal", "text": " "}));
        }
        let op_name = match op {
            Op::Equal => "equal",
            Op::Delete => "delete",
            Op::Insert => "insert",
        };
        self.out.push(json!({"op": op_name, "text": text, "style": style.names()}));
        self.open = Some((op, style));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(old: &str, new: &str) -> Vec<(String, String, Vec<String>)> {
        let value = styled_segments(old, new).expect("small texts");
        value
            .as_array()
            .expect("runs")
            .iter()
            .map(|r| {
                let style = r["style"]
                    .as_array()
                    .map_or_else(Vec::new, |s| s.iter().map(|n| n.as_str().unwrap_or_default().to_owned()).collect());
                (
                    r["op"].as_str().unwrap_or_default().to_owned(),
                    r["text"].as_str().unwrap_or_default().to_owned(),
                    style,
                )
            })
            .collect()
    }

    fn run(op: &str, text: &str, style: &[&str]) -> (String, String, Vec<String>) {
        (op.to_owned(), text.to_owned(), style.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn emphasis_is_shown_as_style_not_asterisks() {
        let got = runs("*Revision 1 of this threat.*", "*Revision 3 of this threat.*");
        assert_eq!(
            got,
            vec![
                run("equal", "Revision", &["emph"]),
                run("equal", " ", &[]),
                run("delete", "1", &["emph"]),
                run("equal", " ", &[]),
                run("insert", "3", &["emph"]),
                run("equal", " ", &[]),
                run("equal", "of this threat.", &["emph"]),
            ]
        );
        assert!(got.iter().all(|(_, text, _)| !text.contains('*')), "{got:?}");
    }

    #[test]
    fn punctuation_after_a_styled_word_keeps_its_spacing() {
        let got = runs("See **RFC 6120**.", "See **RFC 6121**.");
        let text: String = got.iter().filter(|(op, ..)| op != "delete").map(|(_, t, _)| t.as_str()).collect();
        assert_eq!(text.split_whitespace().collect::<Vec<_>>().join(" "), "See RFC 6121.");
        assert!(got.contains(&run("insert", "6121", &["strong"])), "{got:?}");
        assert!(got.contains(&run("equal", ".", &[])), "{got:?}");
    }

    #[test]
    fn a_style_change_alone_replaces_the_word() {
        let got = runs("a plain word", "a **plain** word");
        assert!(got.contains(&run("delete", "plain", &[])), "{got:?}");
        assert!(got.contains(&run("insert", "plain", &["strong"])), "{got:?}");
    }

    #[test]
    fn paragraphs_lists_and_code_keep_their_shape() {
        let got = runs("One.\n\n- first\n- `x < y`\n", "One.\n\n- first\n- `x < y`\n- third\n\nTwo.");
        let ops: Vec<&str> = got.iter().map(|(op, ..)| op.as_str()).collect();
        assert_eq!(ops.iter().filter(|op| **op == "break").count(), 4, "{got:?}");
        assert!(got.contains(&run("equal", "x < y", &["code"])), "{got:?}");
        assert!(got.contains(&run("insert", "• third", &[])), "{got:?}");
        assert!(got.contains(&run("insert", "Two.", &[])), "{got:?}");
    }

    #[test]
    fn loose_items_keep_their_marker_beside_the_text_and_headings_are_bold() {
        let got = runs(
            "## Roles\n\n- **Author** writes.\n\n- Reviewer reads.\n",
            "## Roles\n\n- **Author** writes.\n\n- Reviewer checks.\n",
        );
        assert_eq!(got[0], run("equal", "Roles", &["strong"]));
        assert!(got.contains(&run("equal", "•", &[])), "{got:?}");
        let breaks = got.iter().filter(|(op, ..)| op == "break").count();
        assert_eq!(breaks, 2, "a break after the heading and between the items only: {got:?}");
        assert!(got.contains(&run("insert", "checks.", &[])), "{got:?}");
    }

    #[test]
    fn a_joined_paragraph_shows_a_struck_pilcrow_and_markup_stays_text() {
        let got = runs("First.\n\nSecond <b>bold</b>.", "First. Second <b>bold</b>.");
        assert!(got.contains(&run("delete", "¶", &[])), "{got:?}");
        assert!(got.iter().any(|(_, text, style)| text.contains("<b>") && style == &["code"]), "{got:?}");
    }

    #[test]
    fn words_replaced_at_a_paragraph_start_stay_apart() {
        let got = runs("An attacker can.", "A local application can.");
        assert_eq!(
            got[..3],
            [run("delete", "An attacker", &[]), run("equal", " ", &[]), run("insert", "A local application", &[])]
        );
    }

    /// Markdown made of pieces that open and close styles, blocks and lists.
    fn markdown() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            "[a-z]{1,6}",
            Just(" ".to_owned()),
            Just("\n".to_owned()),
            Just("\n\n".to_owned()),
            Just("*".to_owned()),
            Just("**".to_owned()),
            Just("`".to_owned()),
            Just("- ".to_owned()),
            Just("1. ".to_owned()),
            Just("# ".to_owned()),
            Just("<b>".to_owned()),
            Just("[x](https://e.org)".to_owned()),
            Just("| a | b |\n|---|---|\n".to_owned()),
            Just("[^n]".to_owned()),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
    }

    /// The words of the runs of one side, in order, with their styles.
    fn side_words(value: &Value, skip: &str) -> Vec<(String, Value)> {
        let runs = value.as_array().cloned().unwrap_or_default();
        let kept = runs.iter().filter(|r| r["op"] != skip && r["op"] != "break" && r["text"] != "¶");
        kept.flat_map(|r| {
            let words: Vec<String> =
                r["text"].as_str().unwrap_or_default().split_whitespace().map(str::to_owned).collect();
            words.into_iter().map(|w| (w, r["style"].clone())).collect::<Vec<_>>()
        })
        .collect()
    }

    fn token_words(markdown: &str) -> Vec<(String, Value)> {
        let words = tokens(markdown).into_iter().filter_map(|t| match t.token {
            Token::Word { text, style } => Some((text, json!(style.names()))),
            Token::Break => None,
        });
        words
            .flat_map(|(text, style)| {
                text.split_whitespace().map(|w| (w.to_owned(), style.clone())).collect::<Vec<_>>()
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn each_side_of_the_runs_is_that_side_s_words(old in markdown(), new in markdown()) {
            let value = styled_segments(&old, &new).expect("short texts");
            proptest::prop_assert_eq!(side_words(&value, "insert"), token_words(&old));
            proptest::prop_assert_eq!(side_words(&value, "delete"), token_words(&new));
        }
    }

    #[test]
    fn re_wrapping_is_no_change() {
        let got = runs("a b\nc", "a\nb c");
        assert!(got.iter().all(|(op, ..)| op == "equal"), "{got:?}");
    }
}
