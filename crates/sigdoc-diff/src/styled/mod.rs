//! Word diffs of prose as the documents show it: styled words, not Markdown syntax.
//!
//! A word diff of the Markdown source shows `*Revision 1 of this.*` with its asterisks.
//! A report instead reads both sides as Markdown, turns each into the words a reader sees
//! (with their emphasis, strong, code and link styles and the block ends) and compares
//! those, so that a change of wording shows in the document's own typography and a
//! change of style alone (a word made bold) shows as that word replaced. Plain text (a
//! name, a title) is read as words and blank lines.

mod join;
mod tokens;

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use crate::engine;
use crate::words::Op;
use join::Runs;
use tokens::{markdown_tokens, plain_tokens};

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

#[cfg(test)]
mod tests;
