//! Markdown prose as sigdoc reads it: the dialect, and the checks that keep every text
//! `check` accepts buildable (live links only, bounded nesting, bounded headings).
//!
//! The renderer parses prose with the same [`options`] and counts nesting with the same
//! [`nests`], so what passes here is exactly what it renders without flattening.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

use crate::cites::{Cite, Piece, find_cites, find_cites_in_plain, split};
use crate::links::{check_link, shorten};
use crate::mentions::find_mentions;
use crate::reader::suggest;
use crate::references::References;
use crate::text::escape_controls;
use crate::{Diagnostic, Severity};

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

/// What an open container is, so that its end can undo what its start did.
enum Open {
    Nesting,
    Code,
    Definition(String),
    Other,
}

/// The nesting of the text being read: the body, or one footnote definition.
#[derive(Default)]
struct Level {
    depth: usize,
    deepest: usize,
}

/// Reads a text once: links that would not be live, nesting past [`MAX_NESTING`], unknown
/// mentions (warnings), cites of unknown ids (errors), and where its headings are.
pub fn examine(text: &str, references: &References) -> Findings {
    let events: Vec<_> = Parser::new_ext(text, options()).into_offset_iter().collect();
    let cites = find_cites(text, &events);
    let mut reading = Reading {
        references,
        found: Findings::default(),
        open: Vec::new(),
        levels: vec![Level::default()],
        in_code: 0,
        definitions: HashMap::new(),
        first_references: Vec::new(),
        referenced: HashSet::new(),
        block_footnotes: 0,
    };
    for (event, range) in events {
        match event {
            Event::Start(tag) => reading.start(tag, range.start),
            Event::End(_) => reading.end(),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) if reading.in_code == 0 => {
                // Where the event's text is the source's, a mention's place is exact; an
                // entity or escape shifts it, and then the event's start stands for it.
                let exact = text.get(range.clone()) == Some(&*t);
                for piece in split(&t, range.clone(), &cites) {
                    match piece {
                        Piece::Text(run, at) => reading.mentions(run, at, exact),
                        Piece::Cite(cite) => reading.cite(cite),
                    }
                }
            }
            // A reference inside a footnote's text is shown as written, not as a footnote.
            Event::FootnoteReference(name) if reading.levels.len() == 1 => reading.reference(&name, range.start),
            _ => {}
        }
    }
    reading.finish()
}

/// The mentions in a run of text: a known one makes a footnote, an unknown one is a
/// warning. `exact` says whether the run stands in the source as it is (else its start
/// stands for every mention in it).
pub fn mentions_in(text: &str, offset: usize, exact: bool, references: &References, found: &mut Findings) {
    for mention in find_mentions(text) {
        let at = if exact { offset + mention.range.start } else { offset };
        if references.contains_key(&mention.id) {
            found.footnotes.push(at);
            found.used.push(mention.id);
        } else {
            found.problems.push(Finding {
                offset: at,
                severity: Severity::Warning,
                message: format!("{} is mentioned but not in references.yaml, so it gets no footnote", mention.id),
            });
        }
    }
}

/// A cite makes one footnote for all its ids; an id the bibliography lacks is an error
/// at the id, and the footnote is left out with it.
fn cite_in(cite: &Cite, references: &References, found: &mut Findings) -> Option<usize> {
    let mut known = true;
    for cited in &cite.ids {
        if references.contains_key(&cited.id) {
            found.used.push(cited.id.clone());
            continue;
        }
        known = false;
        let hint = suggest(&cited.id, references.keys().map(String::as_str))
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_default();
        let id = escape_controls(&shorten(&cited.id)).into_owned();
        found.problems.push(Finding {
            offset: cited.offset,
            severity: Severity::Error,
            message: format!("[@{id}] cites a reference that is not in references.yaml{hint}"),
        });
    }
    known.then_some(cite.range.start)
}

/// The mentions and cites of one line of text that is not Markdown.
pub fn plain_text_in(text: &str, references: &References, found: &mut Findings) {
    let cites = find_cites_in_plain(text);
    for piece in split(text, 0..text.len(), &cites) {
        match piece {
            Piece::Text(run, at) => mentions_in(run, at, true, references, found),
            Piece::Cite(cite) => {
                if let Some(at) = cite_in(cite, references, found) {
                    found.footnotes.push(at);
                }
            }
        }
    }
}

/// Whether a tag begins a block whose text is laid out as one paragraph.
fn is_block(tag: &Tag<'_>) -> bool {
    matches!(tag, Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell | Tag::CodeBlock(_))
}

/// The state of [`examine`] between events.
struct Reading<'r> {
    references: &'r References,
    found: Findings,
    open: Vec<Open>,
    /// The body's level, then one per footnote definition being read.
    levels: Vec<Level>,
    in_code: usize,
    /// The deepest nesting of each definition's text; the last definition of a name wins,
    /// as in the renderer.
    definitions: HashMap<String, usize>,
    /// The first reference to each footnote: offset, depth and name.
    first_references: Vec<(usize, usize, String)>,
    referenced: HashSet<String>,
    /// Footnotes made since the last block began or ended: Typst lays out a paragraph
    /// again for each footnote that moves, so a paragraph bounds them.
    block_footnotes: usize,
}

impl Reading<'_> {
    /// The level being read; the body's is never popped.
    fn level(&mut self) -> &mut Level {
        if self.levels.is_empty() {
            self.levels.push(Level::default());
        }
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    fn error(&mut self, offset: usize, message: String) {
        self.found.problems.push(Finding { offset, severity: Severity::Error, message });
    }

    /// Counts a footnote made at `offset` against the block it stands in.
    fn footnote(&mut self, offset: usize) {
        self.found.footnotes.push(offset);
        self.block_footnotes += 1;
        if self.block_footnotes == MAX_FOOTNOTES_PER_BLOCK + 1 {
            self.error(offset, format!("more than {MAX_FOOTNOTES_PER_BLOCK} footnotes in one paragraph; split it"));
        }
    }

    fn start(&mut self, tag: Tag<'_>, offset: usize) {
        if is_block(&tag) {
            self.block_footnotes = 0;
        }
        if let Tag::Link { link_type, dest_url, .. } = &tag {
            let url = link_url(*link_type, dest_url);
            if let Err(problem) = check_link(&url) {
                let shown = escape_controls(&shorten(&url)).into_owned();
                self.error(offset, format!("link \"{shown}\" cannot be made live: {problem}"));
            }
        }
        let open = match tag {
            Tag::FootnoteDefinition(name) => {
                self.levels.push(Level::default());
                Open::Definition(name.into_string())
            }
            Tag::CodeBlock(_) => {
                self.in_code += 1;
                Open::Code
            }
            Tag::Heading { .. } => {
                self.found.headings.push(offset);
                Open::Other
            }
            tag if nests(&tag) => {
                let level = self.level();
                level.depth += 1;
                level.deepest = level.deepest.max(level.depth);
                // One error where the limit is crossed, not one per level past it.
                if level.depth == MAX_NESTING + 1 {
                    self.error(offset, too_deep());
                }
                Open::Nesting
            }
            _ => Open::Other,
        };
        self.open.push(open);
    }

    fn end(&mut self) {
        self.block_footnotes = 0;
        match self.open.pop() {
            Some(Open::Nesting) => self.level().depth -= 1,
            Some(Open::Code) => self.in_code -= 1,
            Some(Open::Definition(name)) if self.levels.len() > 1 => {
                let level = self.levels.pop().unwrap_or_default();
                // A definition inside another's text is never shown, as in the renderer.
                if self.levels.len() == 1 {
                    self.definitions.insert(name, level.deepest);
                }
            }
            _ => {}
        }
    }

    fn mentions(&mut self, text: &str, offset: usize, exact: bool) {
        let before = self.found.footnotes.len();
        mentions_in(text, offset, exact, self.references, &mut self.found);
        for at in self.found.footnotes.split_off(before) {
            self.footnote(at);
        }
    }

    fn cite(&mut self, cite: &Cite) {
        if let Some(at) = cite_in(cite, self.references, &mut self.found) {
            self.footnote(at);
        }
    }

    fn reference(&mut self, name: &str, offset: usize) {
        if self.referenced.insert(name.to_owned()) {
            // Later references show the first one's number: only this one lays out a note.
            self.footnote(offset);
            let depth = self.level().depth;
            self.first_references.push((offset, depth, name.to_owned()));
        }
    }

    /// The first reference to a footnote carries its text, one level deeper than itself.
    fn finish(mut self) -> Findings {
        self.found.depth = self.levels.first().map_or(0, |l| l.deepest);
        for (offset, depth, name) in std::mem::take(&mut self.first_references) {
            let Some(&deepest) = self.definitions.get(&name) else { continue };
            self.found.depth = self.found.depth.max(depth + 1 + deepest);
            if depth + 1 + deepest > MAX_NESTING {
                let name = escape_controls(&shorten(&name)).into_owned();
                self.error(
                    offset,
                    format!(
                        "footnote [^{name}] nests its text more than {MAX_NESTING} levels deep here (its own nesting counts from this reference)"
                    ),
                );
            }
        }
        self.found.problems.sort_by_key(|p| p.offset);
        self.found
    }
}

fn too_deep() -> String {
    format!(
        "prose is nested more than {MAX_NESTING} levels deep here (block quotes, lists, emphasis, links and footnotes inside one another)"
    )
}

/// Where a text starts in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// Exactly at this 1-based line and column: a Markdown body.
    Text(usize, usize),
    /// A YAML value: at a block scalar's indicator, a quoted scalar's quote or a plain
    /// scalar's first character.
    YamlValue(usize, usize),
}

/// Maps byte offsets of a text, in increasing order, to lines and columns of the file it
/// comes from, in one pass over both.
///
/// YAML changes a text on its way out of the file (block indentation, folded lines, quotes),
/// so the text is walked beside the file: equal characters advance both, and a run of white
/// space in one matches the run in the other. Where they part (an escape in a quoted
/// string), later places stay there; without the file, places are counted in the text.
pub(crate) struct Locator<'a> {
    text: &'a str,
    /// The file, if the text was found in it.
    file: Option<&'a str>,
    /// Whether the text and the file parted.
    parted: bool,
    /// Position in the text, and the matching position in the file with its line and column.
    t: usize,
    f: usize,
    line: usize,
    column: usize,
    /// Line and column counted in the text alone, from the text's start.
    text_line: usize,
    text_column: usize,
    /// Where the text starts, for places counted in the text alone.
    start: (usize, usize),
}

impl<'a> Locator<'a> {
    /// A locator for `text`, which starts at `start` in `file` (the whole file's text, when
    /// available).
    pub(crate) fn new(text: &'a str, file: Option<&SourceFile<'a>>, start: Start) -> Self {
        let (Start::Text(line, column) | Start::YamlValue(line, column)) = start;
        let mut locator = Locator {
            text,
            file: None,
            parted: false,
            t: 0,
            f: 0,
            line,
            column,
            text_line: 0,
            text_column: 0,
            start: (line, column),
        };
        if let Some(file) = file
            && let Some((f, line, column)) = anchor(file, text, start)
        {
            (locator.file, locator.f, locator.line, locator.column) = (Some(file.text), f, line, column);
            locator.start = (line, column);
            locator.skip_leading_space(file.text);
        }
        locator
    }

    /// Both sides begin at their first non-blank character: a block scalar's text starts
    /// where its indentation ends.
    fn skip_leading_space(&mut self, file: &str) {
        while let Some(c) = self.text[self.t..].chars().next().filter(|c| c.is_whitespace()) {
            self.step_text(c);
        }
        while let Some(c) = file[self.f..].chars().next().filter(|c| c.is_whitespace()) {
            self.step_file(c);
        }
    }

    fn step_text(&mut self, c: char) {
        self.t += c.len_utf8();
        if c == '\n' {
            self.text_line += 1;
            self.text_column = 0;
        } else {
            self.text_column += 1;
        }
    }

    fn step_file(&mut self, c: char) {
        self.f += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
    }

    /// The 1-based line and column of byte `offset` of the text; offsets must not decrease.
    pub(crate) fn locate(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        while self.t < offset && !self.parted {
            let Some(c) = self.text[self.t..].chars().next() else { break };
            match self.file {
                Some(file) => self.parted = !self.step_both(file, c),
                None => self.step_text(c),
            }
        }
        if self.file.is_some() {
            // Where the text and the file parted, the place stays: it is in the file, at
            // or just before the escape that changed the text.
            (self.line, self.column)
        } else if self.text_line == 0 {
            (self.start.0, self.start.1 + self.text_column)
        } else {
            (self.start.0 + self.text_line, self.text_column + 1)
        }
    }

    /// Advances over one character of the text and what matches it in the file; false
    /// where the two part.
    fn step_both(&mut self, file: &str, c: char) -> bool {
        let Some(fc) = file[self.f..].chars().next() else { return false };
        if c.is_whitespace() {
            if !fc.is_whitespace() {
                return false;
            }
            self.step_text(c);
            // A run of white space matches a run: indentation, folded or joined lines.
            if !self.text[self.t..].starts_with(char::is_whitespace) {
                while let Some(fc) = file[self.f..].chars().next().filter(|c| c.is_whitespace()) {
                    self.step_file(fc);
                }
            }
            return true;
        }
        if fc != c {
            return false;
        }
        self.step_text(c);
        self.step_file(fc);
        // A single-quoted YAML string writes a quote twice.
        if c == '\'' && file[self.f..].starts_with('\'') && !self.text[self.t..].starts_with('\'') {
            self.step_file('\'');
        }
        true
    }
}

/// The byte offset in `file`, line and column at which `text` starts.
fn anchor(file: &SourceFile<'_>, text: &str, start: Start) -> Option<(usize, usize, usize)> {
    let (Start::Text(line, column) | Start::YamlValue(line, column)) = start;
    let (line_start, line_text) = file.line(line)?;
    let mut offset = line_text.char_indices().nth(column.checked_sub(1)?).map(|(i, _)| i)?;
    if let Start::YamlValue(..) = start {
        // YAML places a block scalar at its indicator or at its text, and a text may itself
        // begin with `|`, `>` or a quote: the text's own first line tells them apart (a
        // folded text's first line holds several of the file's).
        let rest = &line_text[offset..];
        let first_line: String = text.trim_start().lines().next().unwrap_or_default().chars().take(16).collect();
        let next = line_start + line_text.len() + 1;
        if is_block_header(rest)
            && let Some((_, next_text)) = file.line(line + 1)
            && (next_text.trim_start().starts_with(&first_line) || first_line.starts_with(next_text.trim()))
        {
            return Some((next, line + 1, 1));
        }
        if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\''))
            && !text.starts_with(quote)
        {
            offset += 1;
        }
    }
    Some((line_start + offset, line, line_text[..offset].chars().count() + 1))
}

/// Whether the rest of a line is a block scalar's header: `|` or `>`, an optional chomping
/// and indentation indicator, and an optional comment.
fn is_block_header(rest: &str) -> bool {
    let mut chars = rest.trim_end().chars().peekable();
    if !matches!(chars.next(), Some('|' | '>')) {
        return false;
    }
    let indicators: String = std::iter::from_fn(|| chars.next_if(|c| matches!(c, '+' | '-' | '1'..='9'))).collect();
    let after: String = chars.collect();
    indicators.len() <= 2 && (after.is_empty() || after.trim_start().starts_with('#') && after.starts_with([' ', '\t']))
}

/// A file's text and where each of its lines starts, found once for all the texts it holds.
pub(crate) struct SourceFile<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SourceFile<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceFile { text, line_starts }
    }

    /// The byte offset at which 1-based `line` starts, and the line without its break.
    fn line(&self, line: usize) -> Option<(usize, &'a str)> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        Some((start, self.text[start..].split('\n').next().unwrap_or_default()))
    }
}

/// The located diagnostics of a text's findings.
pub(crate) fn locate(findings: &[Finding], locator: &mut Locator<'_>, file: &str) -> Vec<Diagnostic> {
    findings
        .iter()
        .map(|finding| {
            let (line, column) = locator.locate(finding.offset);
            Diagnostic {
                severity: finding.severity,
                file: file.to_owned(),
                line,
                column,
                message: finding.message.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Reference;

    fn refs() -> References {
        let mut refs = References::new();
        for id in ["RFC 6120", "jabber-ru-mitm-2023", "CVE-2017-5589"] {
            refs.insert(id.into(), Reference::new(id, "Title", "https://x"));
        }
        refs
    }

    fn problems(text: &str) -> Vec<(usize, Severity, String)> {
        examine(text, &refs()).problems.into_iter().map(|p| (p.offset, p.severity, p.message)).collect()
    }

    fn offsets(text: &str) -> Vec<usize> {
        examine(text, &refs()).problems.into_iter().map(|p| p.offset).collect()
    }

    #[test]
    fn live_links_pass_and_others_are_errors_at_the_link() {
        let text = "[a](https://x) <mailto:a@b> <security@example.org> [b](javascript:alert(1)) <file:///etc/passwd>";
        let found = problems(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, text.find("[b]").unwrap());
        assert!(found[0].2.contains("\"javascript:alert(1)\"") && found[0].2.contains("not javascript"), "{found:?}");
        assert_eq!(found[1].0, text.find("<file").unwrap());
        assert!(found.iter().all(|p| p.1 == Severity::Error));
    }

    #[test]
    fn relative_empty_and_reference_style_links_are_errors() {
        assert_eq!(offsets("[a](page.html)"), [0]);
        assert_eq!(offsets("x [a](#top)"), [2]);
        assert_eq!(offsets("[a]()"), [0]);
        assert_eq!(offsets("see [a][r]\n\n[r]: data:text/html,x\n"), [4]);
        // Images are never links: their text is shown.
        assert_eq!(offsets("![a](javascript:x)"), Vec::<usize>::new());
    }

    #[test]
    fn email_autolinks_mean_mailto() {
        assert_eq!(link_url(LinkType::Email, "a@b"), "mailto:a@b");
        assert_eq!(link_url(LinkType::Autolink, "https://x"), "https://x");
    }

    #[test]
    fn nesting_up_to_the_limit_passes_and_past_it_is_one_error_at_the_crossing() {
        let quotes = |n: usize| format!("{}x\n", "> ".repeat(n));
        assert_eq!(offsets(&quotes(MAX_NESTING)), Vec::<usize>::new());
        assert_eq!(offsets(&quotes(MAX_NESTING + 1)), [2 * MAX_NESTING]);
        assert_eq!(offsets(&quotes(30_000)), [2 * MAX_NESTING], "one error however deep");

        let lists = |n: usize| (0..n).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>();
        assert_eq!(offsets(&lists(MAX_NESTING)), Vec::<usize>::new());
        let deep = lists(MAX_NESTING + 1);
        assert_eq!(offsets(&deep), [deep.rfind('-').unwrap()]);

        // Inline containers count with block ones.
        let mixed = |n: usize| format!("{}{}x{}", "> ".repeat(n), "*[**", "**](https://x)*");
        assert_eq!(offsets(&mixed(MAX_NESTING - 3)), Vec::<usize>::new());
        let text = mixed(MAX_NESTING - 2);
        assert_eq!(offsets(&text), [text.find("**").unwrap()]);
    }

    #[test]
    fn each_excursion_past_the_limit_is_reported_once() {
        let deep = format!("{}x", "> ".repeat(MAX_NESTING + 2));
        let text = format!("{deep}\n\nplain\n\n{deep}\n");
        assert_eq!(offsets(&text), [2 * MAX_NESTING, deep.len() + 9 + 2 * MAX_NESTING]);
    }

    #[test]
    fn a_footnote_nests_from_its_first_reference() {
        let body = format!("{}deep\n", "> ".repeat(MAX_NESTING - 1));
        // At the top level: the note is one level, its text nine more.
        let shallow = format!("A[^n] and again[^n].\n\n[^n]: {body}");
        assert_eq!(offsets(&shallow), Vec::<usize>::new());
        // Inside emphasis the first reference carries it one level deeper; later ones
        // only show its number.
        let deep = format!("*A[^n]* and again[^n].\n\n[^n]: {body}");
        let found = problems(&deep);
        assert_eq!(found.iter().map(|p| p.0).collect::<Vec<_>>(), [2]);
        assert!(found[0].2.contains("[^n]"), "{found:?}");
        // A definition's nesting counts from its own start, not from where it stands.
        let inside = format!("A[^n].\n\n> [^n]: {}x\n", "> ".repeat(MAX_NESTING - 2));
        assert_eq!(offsets(&inside), Vec::<usize>::new());
    }

    #[test]
    fn unknown_mentions_are_warnings_outside_code() {
        let text = "RFC 6120, RFC 9999 and `RFC 9998`\n\n```\nRFC 9997\n```\n\n&amp; XEP-0001\n";
        let found = problems(text);
        let places: Vec<_> =
            found.iter().map(|p| (p.0, p.1, p.2.split(' ').take(2).collect::<Vec<_>>().join(" "))).collect();
        assert_eq!(
            places,
            [
                (text.find("RFC 9999").unwrap(), Severity::Warning, "RFC 9999".to_owned()),
                // An entity is an event of its own: the text after it keeps its places.
                (text.find("XEP-0001").unwrap(), Severity::Warning, "XEP-0001 is".to_owned()),
            ]
        );
    }

    #[test]
    fn cites_make_one_footnote_each_and_unknown_ids_are_errors_at_the_id() {
        let text =
            "A [@jabber-ru-mitm-2023], [@RFC 6120; @CVE-2017-5589] and `[@nowhere]`.\n\n> [@jabber-ru-mitm-2024]\n";
        let found = examine(text, &refs());
        assert_eq!(found.footnotes, [2, 26]);
        assert_eq!(found.used, ["jabber-ru-mitm-2023", "RFC 6120", "CVE-2017-5589"]);
        let at = text.find("jabber-ru-mitm-2024").unwrap();
        assert_eq!(
            problems(text),
            [(
                at,
                Severity::Error,
                "[@jabber-ru-mitm-2024] cites a reference that is not in references.yaml (did you mean \"jabber-ru-mitm-2023\"?)"
                    .to_owned()
            )]
        );
        // A cite with one unknown id makes no footnote; the known id still counts as used.
        let found = examine("[@RFC 6120; @RFC 9999]", &refs());
        assert_eq!((found.footnotes.len(), found.used.as_slice()), (0, ["RFC 6120".to_owned()].as_slice()));
        assert_eq!(found.problems[0].offset, 13);
        // Mentions of known CVEs are footnotes like XEPs and RFCs; a mention inside a cite is the cite's.
        let found = examine("CVE-2017-5589 and CVE-2017-9999 [@CVE-2017-5589]", &refs());
        assert_eq!(found.footnotes, [0, 32]);
        assert_eq!(found.problems.len(), 1);
        assert_eq!(found.problems[0].severity, Severity::Warning);
    }

    #[test]
    fn plain_text_cites_count_as_in_prose() {
        let mut found = Findings::default();
        plain_text_in("Name [@jabber-ru-mitm-2023] RFC 6120 [@nope]", &refs(), &mut found);
        assert_eq!(found.footnotes, [5, 28]);
        assert_eq!(found.used, ["jabber-ru-mitm-2023", "RFC 6120"]);
        assert_eq!(found.problems.iter().map(|p| p.offset).collect::<Vec<_>>(), [39]);
    }

    #[test]
    fn the_depth_is_the_body_s_or_a_footnote_s_from_its_first_reference() {
        assert_eq!(examine("plain", &refs()).depth, 0);
        assert_eq!(examine("> *a*", &refs()).depth, 2);
        assert_eq!(examine("> A[^n]\n\n[^n]: > > x\n", &refs()).depth, 4);
        // Only the first reference carries the text; an unused definition is never shown.
        assert_eq!(examine("A[^n] > > B[^n]\n\n[^n]: > x\n\n[^u]: > > > > x\n", &refs()).depth, 2);
    }

    #[test]
    fn headings_are_counted_with_their_places() {
        assert_eq!(examine("# a\n\ntext\n\n## b\n", &refs()).headings, [0, 11]);
    }

    fn place(file: &str, text: &str, start: Start, offset: usize) -> (usize, usize) {
        Locator::new(text, Some(&SourceFile::new(file)), start).locate(offset)
    }

    #[test]
    fn a_markdown_body_is_located_as_it_stands() {
        let file = "---\ntitle: x\n---\n# Intro\n\nSee [a](b).\n";
        let body = &file[17..];
        assert_eq!(place(file, body, Start::Text(4, 1), body.find("[a]").unwrap()), (6, 5));
        // A body that starts with a block quote is not a YAML block scalar.
        let file = "---\ntitle: x\n---\n> [a](b)\n";
        assert_eq!(place(file, "> [a](b)\n", Start::Text(4, 1), 2), (4, 3));
    }

    #[test]
    fn yaml_block_scalars_count_their_indentation() {
        let file = "id: x\ndefinition: |\n  First line.\n\n    See [a](b).\n";
        let text = "First line.\n\n  See [a](b).\n";
        let at = text.find("[a]").unwrap();
        assert_eq!(place(file, text, Start::YamlValue(2, 13), at), (5, 9));
        // A block scalar placed at its text, and a text that begins with `|` or `>`.
        let file = "definition: |\n  | a | b |\n  |---|---|\n  | 1 | [a](b) |\n";
        let text = "| a | b |\n|---|---|\n| 1 | [a](b) |\n";
        let at = text.find("[a]").unwrap();
        assert_eq!(place(file, text, Start::YamlValue(2, 3), at), (4, 9));
        assert_eq!(place(file, text, Start::YamlValue(1, 13), at), (4, 9));
        let file = "note: >-\n  > quoted [a](b)\n";
        assert_eq!(place(file, "> quoted [a](b)", Start::YamlValue(1, 7), 9), (2, 12));
        assert_eq!(place(file, "> quoted [a](b)", Start::YamlValue(2, 3), 9), (2, 12));
        assert!(is_block_header("|") && is_block_header(">-") && is_block_header("|2+ # c"));
        assert!(!is_block_header("| a |") && !is_block_header(">x") && !is_block_header("|-#x"));
        // A block whose text looks like a key or a list item is still found.
        let file = "definition: |\n  - Note: see [a](b)\n";
        let text = "- Note: see [a](b)\n";
        assert_eq!(place(file, text, Start::YamlValue(1, 13), text.find("[a]").unwrap()), (2, 15));
    }

    #[test]
    fn folded_and_plain_scalars_are_walked_line_by_line() {
        let file = "abstract: >-\n  The group's\n  analysis, see [a](b).\n";
        let text = "The group's analysis, see [a](b).";
        assert_eq!(place(file, text, Start::YamlValue(1, 11), text.find("[a]").unwrap()), (3, 17));
        let file = "- note: Makes TLS [a](b)\n";
        let text = "Makes TLS [a](b)";
        assert_eq!(place(file, text, Start::YamlValue(1, 9), text.find("[a]").unwrap()), (1, 19));
        let file = "  - approach: 'it''s [a](b)'\n";
        let text = "it's [a](b)";
        assert_eq!(place(file, text, Start::YamlValue(1, 15), text.find("[a]").unwrap()), (1, 22));
    }

    #[test]
    fn where_an_escape_parts_text_and_file_the_place_stays_in_the_file() {
        let file = "note: \"\\u0041 [a](b)\\n[c](d)\"\n";
        let text = "A [a](b)\n[c](d)";
        let file = SourceFile::new(file);
        let mut locator = Locator::new(text, Some(&file), Start::YamlValue(1, 7));
        assert_eq!(locator.locate(2), (1, 8), "at the escape");
        assert_eq!(locator.locate(text.find("[c]").unwrap()), (1, 8));
        // Text after the escape is walked up to it, the rest stays there.
        let file = SourceFile::new("note: \"[a](b) \\u0041 [c](d)\"\n");
        let text = "[a](b) A [c](d)";
        let mut locator = Locator::new(text, Some(&file), Start::YamlValue(1, 7));
        assert_eq!(locator.locate(0), (1, 8));
        assert_eq!(locator.locate(text.find("[c]").unwrap()), (1, 15));
        // Without the file, places are counted in the text.
        let mut locator = Locator::new(text, None, Start::YamlValue(3, 7));
        assert_eq!(locator.locate(text.find("[c]").unwrap()), (3, 16));
    }

    #[test]
    fn thousands_of_places_on_one_long_line_are_found_in_one_pass() {
        // Issue 13: counting the lines before each place made this quadratic.
        let text = "RFC 9999 ".repeat(30_000);
        let file = format!("---\ntitle: x\n---\n{text}\n");
        let started = std::time::Instant::now();
        let found = examine(&text, &refs());
        let file = SourceFile::new(&file);
        let mut locator = Locator::new(&text, Some(&file), Start::Text(4, 1));
        let diags = locate(&found.problems, &mut locator, "f");
        assert_eq!(diags.len(), 30_000);
        assert_eq!((diags[29_999].line, diags[29_999].column), (4, 9 * 29_999 + 1));
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    }
}
