//! Reading a text once for what `check` reports: dead links, nesting past the limit,
//! unknown mentions and cites, footnotes and headings.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Parser, Tag};

use super::{Finding, Findings, MAX_FOOTNOTES_PER_BLOCK, MAX_NESTING, link_url, nests, options};
use crate::Severity;
use crate::cites::{Cite, Piece, find_cites, find_cites_in_plain, split};
use crate::links::{check_link, shorten};
use crate::mentions::find_mentions;
use crate::reader::suggest;
use crate::references::References;
use crate::text::escape_controls;

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
}
