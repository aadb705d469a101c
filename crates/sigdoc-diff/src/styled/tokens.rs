//! Reading a text into what a reader sees of it: styled words and block ends, each
//! with whether a space precedes it.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::Style;
use crate::engine;

/// A word as a reader sees it, or the end of a block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Seen {
    Word { text: String, style: Style },
    Break,
}

/// What a reader sees and whether a space precedes it. The space is not compared:
/// re-spacing is no change.
#[derive(Debug, Clone)]
pub(super) struct Spaced {
    pub(super) token: Seen,
    pub(super) space_before: bool,
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
pub(super) fn plain_tokens(text: &str) -> Vec<Spaced> {
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
pub(super) fn markdown_tokens(markdown: &str) -> Vec<Spaced> {
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
