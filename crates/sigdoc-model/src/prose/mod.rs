//! Markdown prose as sigdoc reads it: the dialect, and the checks that keep every text
//! `check` accepts buildable (live links only, bounded nesting, bounded headings).
//!
//! The renderer parses prose with the same [`options`] and counts nesting with the same
//! [`nests`], so what passes here is exactly what it renders without flattening.

mod locator;
mod reading;

use std::borrow::Cow;

use pulldown_cmark::{LinkType, Options, Tag};

use crate::Severity;

pub(crate) use locator::{Locator, SourceFile, Start, locate};
pub use reading::{examine, mentions_in, plain_text_in};

/// How deep prose may nest block quotes, lists, emphasis, strong text, strikethrough,
/// links, images and footnotes inside one another. Typst refuses content nested past its
/// call, layout and show-rule depths (80, 72 and 64, shared with the house templates). In
/// the deepest places the templates put prose (an approach's implementation issues, a
/// revision's remarks, a table cell of the process), 14 block quotes build, 13 with a
/// table, heading or code block innermost, and 27 or more of any other kind or mixed; 10
/// leaves real prose room and a margin of three quotes.
pub const MAX_NESTING: usize = 10;

/// The most footnotes the prose of one document may make: Typst lays out each one (a
/// thousand-threat analysis makes about 9,000; 110,000 took a minute and 6 GB).
pub const MAX_FOOTNOTES: usize = 10_000;

/// The most footnotes one paragraph may make (a sentence rarely makes three): Typst lays
/// out a paragraph again for each of its footnotes, so 5,000 in one took half a minute.
pub const MAX_FOOTNOTES_PER_BLOCK: usize = 100;

/// How many Markdown headings the prose of one document may hold: Typst numbers, outlines,
/// bookmarks and lays out every heading, at about 0.8 ms and 150 KB each; 2000 build in
/// under two seconds and a third of a gigabyte, 20,000 took 23 seconds and 2.8 GB.
pub const MAX_HEADINGS: usize = 2000;

/// The Markdown dialect of sigdoc's prose: CommonMark with tables, footnotes and
/// strikethrough.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Whether a container counts towards [`MAX_NESTING`]: those that can hold themselves.
/// A footnote's text counts too, from the reference that shows it.
pub fn nests(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// The address a Markdown link points to: e-mail autolinks (`<a@example.org>`) carry no
/// scheme in Markdown, and mean `mailto:`.
pub fn link_url<'a>(link_type: LinkType, dest: &'a str) -> Cow<'a, str> {
    match link_type {
        LinkType::Email => Cow::Owned(format!("mailto:{dest}")),
        _ => Cow::Borrowed(dest),
    }
}

/// A problem in a text, at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset in the text, on a character boundary.
    pub offset: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
}

/// What [`examine`] finds in a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// Problems, by offset.
    pub problems: Vec<Finding>,
    /// The offset of every heading, in order: the limit is per document, so the caller counts.
    pub headings: Vec<usize>,
    /// The offset of every footnote the text makes (a mention of a known reference, the
    /// first reference to a footnote), in order; counted per document like headings.
    pub footnotes: Vec<usize>,
    /// How deep the text nests as the renderer shows it: its body, and each footnote's text
    /// from its first reference. Within [`MAX_NESTING`], the renderer's tree is this deep.
    pub depth: usize,
    /// The id of every known reference the text mentions or cites, in order.
    pub used: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_autolinks_mean_mailto() {
        assert_eq!(link_url(LinkType::Email, "a@b"), "mailto:a@b");
        assert_eq!(link_url(LinkType::Autolink, "https://x"), "https://x");
    }
}
