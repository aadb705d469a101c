//! Word diffs of prose as the documents show it: styled words, not Markdown syntax.
//!
//! A word diff of the Markdown source shows `*Revision 1 of this.*` with its asterisks.
//! A report instead reads both sides as Markdown, turns each into the words a reader sees
//! (with their emphasis, strong, code and link styles and the block ends) and compares
//! those, so that a change of wording shows in the document's own typography and a
//! change of style alone (a word made bold) shows as that word replaced. Plain text (a
//! name, a title) is read as words and blank lines.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use crate::engine;
use crate::words::Op;

/// How a text is written, and so how a reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Shown as it is: titles, labels, names.
    Plain,
    /// Markdown, shown typeset: prose, abstracts, guidance, approaches.
    Markdown,
}

/// How a word is set. Struck-through prose is shown plain: in a report whose strike
/// means deletion, it would read as deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Style {
    /// Emphasised.
    pub emph: bool,
    /// Strong, or in a heading (headings are set bold, as strong words are).
    pub strong: bool,
    /// Code, or raw HTML and math, shown as written.
    pub code: bool,
    /// Inside a link.
    pub link: bool,
}

impl Style {
    /// The names of the styles that are on, among `emph`, `strong`, `code` and `link`.
    pub fn names(self) -> Vec<&'static str> {
        let flags = [(self.emph, "emph"), (self.strong, "strong"), (self.code, "code"), (self.link, "link")];
        flags.into_iter().filter_map(|(on, name)| on.then_some(name)).collect()
    }
}

/// A style serializes as the list of its names: `["emph", "link"]`.
impl Serialize for Style {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let names = self.names();
        let mut seq = serializer.serialize_seq(Some(names.len()))?;
        for name in names {
            seq.serialize_element(name)?;
        }
        seq.end()
    }
}

/// A run of what a reader sees, with what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// Words in one style, single spaces between them.
    Words {
        /// Kept, deleted or inserted.
        op: Op,
        /// How the words are set.
        style: Style,
        /// The words.
        text: String,
    },
    /// The space between two runs. It is never marked, so that no underline or strike
    /// runs into the gap; a deleted and an inserted run side by side have one to read.
    Space,
    /// The end of a paragraph, an item or another block. A deleted block end (a
    /// paragraph joined to the next) is instead a struck pilcrow `¶` between spaces.
    Break,
}

/// The runs of a diff of two texts as a reader sees them.
pub(crate) fn runs(old: &str, new: &str, markup: Markup) -> Vec<Run> {
    let read = |text: &str| match markup {
        Markup::Plain => plain_tokens(text),
        Markup::Markdown => markdown_tokens(text),
    };
    let (old, new) = (read(old), read(new));
    let mut runs = Runs::default();
    for s in engine::compare_by_chunks(&old, &new) {
        if s.kept {
            runs.extend(Op::Equal, &new[s.new]);
        } else {
            runs.extend(Op::Delete, &old[s.old]);
            runs.extend(Op::Insert, &new[s.new]);
        }
    }
    runs.out
}

/// A word as a reader sees it, or the end of a block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seen {
    Word { text: String, style: Style },
    Break,
}

/// What a reader sees and whether a space precedes it. The space is not compared:
/// re-spacing is no change.
#[derive(Debug, Clone)]
struct Spaced {
    token: Seen,
    space_before: bool,
}

impl PartialEq for Spaced {
    fn eq(&self, other: &Self) -> bool {
        self.token == other.token
    }
}

impl Eq for Spaced {}

impl std::hash::Hash for Spaced {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.token.hash(state);
    }
}

impl engine::Token for Spaced {
    /// Long texts are compared block by block first.
    fn ends_chunk(&self) -> bool {
        self.token == Seen::Break
    }
}

/// The words and blank lines of plain text.
fn plain_tokens(text: &str) -> Vec<Spaced> {
    let mut out = Vec::new();
    let (mut word, mut space) = (String::new(), String::new());
    for c in text.chars() {
        if c.is_whitespace() {
            plain_word(&mut out, &mut word, &mut space);
            space.push(c);
        } else {
            word.push(c);
        }
    }
    plain_word(&mut out, &mut word, &mut space);
    out
}

/// Ends a word of plain text, after a break when the whitespace before it holds a blank line.
fn plain_word(out: &mut Vec<Spaced>, word: &mut String, space: &mut String) {
    if word.is_empty() {
        return;
    }
    if space.matches('\n').count() >= 2 && !out.is_empty() {
        out.push(Spaced { token: Seen::Break, space_before: false });
    }
    let at_start = matches!(out.last(), None | Some(Spaced { token: Seen::Break, .. }));
    let text = std::mem::take(word);
    out.push(Spaced {
        token: Seen::Word { text, style: Style::default() },
        space_before: !at_start && !space.is_empty(),
    });
    space.clear();
}

/// The words and block ends of a Markdown text, in reading order.
fn markdown_tokens(markdown: &str) -> Vec<Spaced> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut reader = Reader::default();
    for event in Parser::new_ext(markdown, options) {
        reader.event(event);
    }
    while matches!(reader.out.last(), Some(Spaced { token: Seen::Break, .. })) {
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
            Tag::Emphasis => self.emph = self.emph.saturating_add(1),
            // Headings are set bold, as strong words are.
            Tag::Strong => self.strong = self.strong.saturating_add(1),
            Tag::Heading { .. } => {
                self.block_end();
                self.strong = self.strong.saturating_add(1);
            }
            Tag::Link { .. } => self.link = self.link.saturating_add(1),
            Tag::List(first) => self.lists.push(first),
            Tag::Item => {
                self.block_end();
                let marker = match self.lists.last_mut() {
                    Some(Some(next)) => {
                        let number = *next;
                        *next = next.saturating_add(1);
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
                // The note's label goes beside its text, as an item's marker does.
                self.word(format!("[{name}]:"), Style::default());
                self.pending_space = true;
                self.after_marker = true;
            }
            Tag::Paragraph | Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::Table(_) => {
                self.block_end();
            }
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
            && let Some(Spaced { token: Seen::Word { text: last, style: last_style }, .. }) = self.out.last_mut()
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
        let at_start = matches!(self.out.last(), None | Some(Spaced { token: Seen::Break, .. }));
        self.out.push(Spaced { token: Seen::Word { text, style }, space_before: self.pending_space && !at_start });
        self.pending_space = false;
        self.after_marker = false;
    }

    /// Ends a block: one break between blocks, none before the first, none between an
    /// item's marker and its first paragraph.
    fn block_end(&mut self) {
        if self.after_marker {
            return;
        }
        if !matches!(self.out.last(), None | Some(Spaced { token: Seen::Break, .. })) {
            self.out.push(Spaced { token: Seen::Break, space_before: false });
        }
        self.pending_space = false;
    }
}

/// Builds runs, joining neighbouring words of the same change and style.
#[derive(Default)]
struct Runs {
    out: Vec<Run>,
    /// The change and style of the last run, while more words may join it.
    open: Option<(Op, Style)>,
}

impl Runs {
    fn extend(&mut self, op: Op, tokens: &[Spaced]) {
        for t in tokens {
            match &t.token {
                // A paragraph joined to the next: a struck pilcrow, apart from the words
                // around it.
                Seen::Break if op == Op::Delete => {
                    self.open = None;
                    self.word(op, Style::default(), "¶", true);
                    self.out.push(Run::Space);
                    self.open = None;
                }
                Seen::Break => {
                    self.out.push(Run::Break);
                    self.open = None;
                }
                Seen::Word { text, style } => self.word(op, *style, text, t.space_before),
            }
        }
    }

    fn word(&mut self, op: Op, style: Style, word: &str, space_before: bool) {
        if self.open == Some((op, style))
            && let Some(Run::Words { text, .. }) = self.out.last_mut()
        {
            if space_before {
                text.push(' ');
            }
            text.push_str(word);
            return;
        }
        // The space before a change stays outside it, so that no underline or strike
        // runs into the gap; struck and underlined words side by side need one to read.
        // One space is enough: a struck pilcrow already has its own after it.
        let after_deletion = matches!(self.open, Some((Op::Delete, _))) && op == Op::Insert;
        if (space_before || after_deletion) && !matches!(self.out.last(), Some(Run::Space)) {
            self.out.push(Run::Space);
        }
        self.out.push(Run::Words { op, style, text: word.to_owned() });
        self.open = Some((op, style));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs as `(op, text, styles)`; a space is `("equal", " ", [])`, a break `("break", "", [])`.
    fn runs_of(old: &str, new: &str) -> Vec<(String, String, Vec<String>)> {
        runs(old, new, Markup::Markdown).iter().map(flat_run).collect()
    }

    fn flat_run(r: &Run) -> (String, String, Vec<String>) {
        match r {
            Run::Words { op, style, text } => {
                let op = match op {
                    Op::Equal => "equal",
                    Op::Delete => "delete",
                    Op::Insert => "insert",
                };
                (op.to_owned(), text.clone(), style.names().into_iter().map(str::to_owned).collect())
            }
            Run::Space => ("equal".to_owned(), " ".to_owned(), Vec::new()),
            Run::Break => ("break".to_owned(), String::new(), Vec::new()),
        }
    }

    fn run(op: &str, text: &str, style: &[&str]) -> (String, String, Vec<String>) {
        (op.to_owned(), text.to_owned(), style.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn emphasis_is_shown_as_style_not_asterisks() {
        let got = runs_of("*Revision 1 of this threat.*", "*Revision 3 of this threat.*");
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
    }

    #[test]
    fn punctuation_after_a_styled_word_keeps_its_spacing() {
        let got = runs_of("See **RFC 6120**.", "See **RFC 6121**.");
        let text: String = got.iter().filter(|(op, ..)| op != "delete").map(|(_, t, _)| t.as_str()).collect();
        assert_eq!(text.split_whitespace().collect::<Vec<_>>().join(" "), "See RFC 6121.");
        assert!(got.contains(&run("insert", "6121", &["strong"])), "{got:?}");
        assert!(got.contains(&run("equal", ".", &[])), "{got:?}");
    }

    #[test]
    fn a_style_change_alone_replaces_the_word() {
        let got = runs_of("a plain word", "a **plain** word");
        assert!(got.contains(&run("delete", "plain", &[])), "{got:?}");
        assert!(got.contains(&run("insert", "plain", &["strong"])), "{got:?}");
    }

    #[test]
    fn every_style_is_read_and_named() {
        let got = runs_of("", "*e* **s** `c` [l](https://e.org) ***es***");
        let styles: Vec<Vec<String>> = got.iter().filter(|(op, ..)| op == "insert").map(|(.., s)| s.clone()).collect();
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            styles,
            [names(&["emph"]), names(&["strong"]), names(&["code"]), names(&["link"]), names(&["emph", "strong"])]
        );
        assert_eq!(Style::default().names(), Vec::<&str>::new());
        let all = Style { emph: true, strong: true, code: true, link: true };
        assert_eq!(serde_json::to_value(all).ok(), Some(serde_json::json!(["emph", "strong", "code", "link"])));
    }

    #[test]
    fn styles_close_where_their_spans_end() {
        let got = runs_of("", "*a* b **c** d [e](https://e.org) f\n\n# g\n\nh");
        let styled: Vec<(String, Vec<String>)> =
            got.into_iter().filter(|(op, ..)| op == "insert").map(|(_, t, s)| (t, s)).collect();
        let plain = |t: &str| (t.to_owned(), Vec::<String>::new());
        let with = |t: &str, s: &str| (t.to_owned(), vec![s.to_owned()]);
        assert_eq!(
            styled,
            [
                with("a", "emph"),
                plain("b"),
                with("c", "strong"),
                plain("d"),
                with("e", "link"),
                plain("f"),
                with("g", "strong"),
                plain("h")
            ]
        );
    }

    #[test]
    fn paragraphs_lists_and_code_keep_their_shape() {
        let got = runs_of("One.\n\n- first\n- `x < y`\n", "One.\n\n- first\n- `x < y`\n- third\n\nTwo.");
        let ops: Vec<&str> = got.iter().map(|(op, ..)| op.as_str()).collect();
        assert_eq!(ops.iter().filter(|op| **op == "break").count(), 4, "{got:?}");
        assert!(got.contains(&run("equal", "x < y", &["code"])), "{got:?}");
        assert!(got.contains(&run("insert", "• third", &[])), "{got:?}");
        assert!(got.contains(&run("insert", "Two.", &[])), "{got:?}");
    }

    #[test]
    fn numbered_items_footnotes_tasks_and_tables_read_as_a_reader_sees_them() {
        let got = runs_of("", "3. a\n4. b\n");
        assert_eq!(got[0], run("insert", "3. a", &[]));
        assert!(got.contains(&run("insert", "4. b", &[])), "{got:?}");
        let got = runs_of("", "See[^n].\n\n[^n]: The note.\n");
        let words: Vec<&str> = got.iter().filter(|(op, ..)| op == "insert").map(|(_, t, _)| t.as_str()).collect();
        assert_eq!(words, ["See[n].", "[n]: The note."]);
        let got = runs_of("", "- [x] done\n- [ ] open\n");
        assert!(got.contains(&run("insert", "• [x] done", &[])), "{got:?}");
        assert!(got.contains(&run("insert", "• [ ] open", &[])), "{got:?}");
        let got = runs_of("", "| a | b |\n|---|---|\n| c | d |\n\n---\n\nafter");
        let text: Vec<&str> = got.iter().map(|(_, t, _)| t.as_str()).collect();
        assert_eq!(text.concat(), "a bc dafter", "{got:?}");
        assert_eq!(got.iter().filter(|(op, ..)| op == "break").count(), 2, "after each row: {got:?}");
    }

    #[test]
    fn nested_lists_number_their_own_items_and_blocks_in_items_start_a_line() {
        let inserted = |new: &str| -> Vec<String> {
            runs_of("", new).into_iter().filter(|(op, ..)| op == "insert").map(|(_, text, _)| text).collect()
        };
        assert_eq!(inserted("1. a\n   - x\n2. b\n"), ["1. a", "• x", "2. b"]);
        assert_eq!(inserted("- a\n  1. x\n- b\n"), ["• a", "1. x", "• b"]);
        assert_eq!(inserted("- text\n  > quote\n"), ["• text", "quote"]);
        assert_eq!(inserted("- text\n\n      code\n"), ["• text", "code"]);
    }

    #[test]
    fn loose_items_keep_their_marker_beside_the_text_and_headings_are_bold() {
        let got = runs_of(
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
        let got = runs_of("First.\n\nSecond <b>bold</b>.", "First. Second <b>bold</b>.");
        assert_eq!(
            got[..5],
            [
                run("equal", "First.", &[]),
                run("equal", " ", &[]),
                run("delete", "¶", &[]),
                run("equal", " ", &[]),
                run("equal", "Second", &[])
            ],
            "one space after the pilcrow"
        );
        assert!(got.iter().any(|(_, text, style)| text.contains("<b>") && style == &["code"]), "{got:?}");
    }

    #[test]
    fn words_replaced_at_a_paragraph_start_stay_apart() {
        let got = runs_of("An attacker can.", "A local application can.");
        assert_eq!(
            got[..3],
            [run("delete", "An attacker", &[]), run("equal", " ", &[]), run("insert", "A local application", &[])]
        );
    }

    #[test]
    fn plain_text_is_words_and_blank_lines_and_asterisks_stay() {
        let got: Vec<_> = runs("a *b*\nc\n\nd", "a *b* c\n\n\ne", Markup::Plain).iter().map(flat_run).collect();
        assert_eq!(
            got,
            [
                run("equal", "a *b* c", &[]),
                run("break", "", &[]),
                run("delete", "d", &[]),
                run("equal", " ", &[]),
                run("insert", "e", &[])
            ]
        );
        assert!(runs("", "", Markup::Plain).is_empty());
        let got: Vec<_> = runs("  lead", "lead  ", Markup::Plain).iter().map(flat_run).collect();
        assert_eq!(got, [run("equal", "lead", &[])]);
    }

    #[test]
    fn long_markdown_is_compared_block_by_block_then_word_by_word() {
        let paragraph = |i: usize| format!("Paragraph {i} has *several* words that stay the same.\n\n");
        let old: String = (0..2_500).map(paragraph).collect();
        // Changed near both ends and in the middle, so that what lies between the common
        // ends is above the limit.
        let new = old
            .replacen("Paragraph 0 has", "Paragraph 0 first has", 1)
            .replace("Paragraph 1200 has", "Paragraph 1200 now has")
            .replace("Paragraph 2499 has", "Paragraph 2499 last has");
        let got = runs(&old, &new, Markup::Markdown);
        let changes: Vec<&str> = got
            .iter()
            .filter_map(|r| match r {
                Run::Words { op: Op::Insert, text, .. } => Some(text.as_str()),
                Run::Words { op: Op::Delete, .. } => Some("deleted"),
                _ => None,
            })
            .collect();
        assert_eq!(changes, ["first", "now", "last"]);
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
    fn side_words(runs: &[Run], skip: Op) -> Vec<(String, Style)> {
        let kept = runs.iter().filter_map(|r| match r {
            Run::Words { op, style, text } if *op != skip && text != "¶" => Some((text, *style)),
            _ => None,
        });
        kept.flat_map(|(text, style)| text.split_whitespace().map(move |w| (w.to_owned(), style))).collect()
    }

    fn token_words(text: &str, markup: Markup) -> Vec<(String, Style)> {
        let tokens = match markup {
            Markup::Plain => plain_tokens(text),
            Markup::Markdown => markdown_tokens(text),
        };
        let words = tokens.into_iter().filter_map(|t| match t.token {
            Seen::Word { text, style } => Some((text, style)),
            Seen::Break => None,
        });
        words
            .flat_map(|(text, style)| text.split_whitespace().map(|w| (w.to_owned(), style)).collect::<Vec<_>>())
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn each_side_of_the_runs_is_that_side_s_words(old in markdown(), new in markdown()) {
            for markup in [Markup::Markdown, Markup::Plain] {
                let runs = runs(&old, &new, markup);
                proptest::prop_assert_eq!(side_words(&runs, Op::Insert), token_words(&old, markup));
                proptest::prop_assert_eq!(side_words(&runs, Op::Delete), token_words(&new, markup));
            }
        }
    }

    #[test]
    fn re_wrapping_is_no_change() {
        let got = runs_of("a b\nc", "a\nb c");
        assert!(got.iter().all(|(op, ..)| op == "equal"), "{got:?}");
    }
}
