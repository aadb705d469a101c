//! Markdown to a tree of plain data that the house templates render.
//!
//! User prose never becomes Typst markup: every piece of text reaches Typst as a JSON
//! string, which Typst shows literally. This makes escaping unnecessary rather than
//! something to get right.
//!
//! The tree is never deeper than [`MAX_NESTING`] containers, whatever the input: `check`
//! refuses deeper prose, and should some reach the renderer anyway (a commit message in
//! the revision history, a build of unchecked data), the containers past the limit are
//! flattened into their parent, so that neither Rust nor Typst recurses without bound.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Alignment, Event, HeadingLevel, Parser, Tag};
use serde_json::Value;
use sigdoc_model::cites::{Cite, Piece, find_cites, find_cites_in_plain, split};
use sigdoc_model::links::is_live;
use sigdoc_model::prose::{MAX_NESTING, link_url, nests, options};
use sigdoc_model::{References, find_mentions};

pub use crate::view::prose::{Align, Citation, Element, Node, Prose};

/// Converts Markdown into block nodes; known XEP, RFC and CVE mentions and cites
/// (`[@id]`, `[@a; @b]`) become [`Element::Cite`]s.
///
/// Footnotes: the first reference to a footnote becomes an [`Element::Note`] carrying its
/// text and an `id` local to this text (1, 2, ...); later references to it become
/// [`Element::NoteRef`]s with the same `id`, shown with the same number. [`label_notes`]
/// turns the ids of a whole document into labels.
pub fn to_nodes(markdown: &str, references: &References) -> Prose {
    let events: Vec<Spanned<'_>> = Parser::new_ext(markdown, options()).into_offset_iter().collect();
    let cites = find_cites(markdown, &events);
    let definitions = footnote_definitions(&events);
    let mut builder = Builder::new(Sources { markdown, references, cites: &cites }, Some(&definitions), 0);
    builder.run(&events);
    builder.finish()
}

/// Converts a one-line text into inline nodes (with citations).
pub fn inline_text(text: &str, references: &References) -> Prose {
    let mut out = Vec::new();
    let cites = find_cites_in_plain(text);
    for piece in split(text, 0..text.len(), &cites) {
        match piece {
            Piece::Text(run, _) => push_text(&mut out, run, references),
            Piece::Cite(cite) => {
                push_cite(&mut out, cite, text.get(cite.range.clone()).unwrap_or_default(), references);
            }
        }
    }
    out
}

/// An event with its byte range in the text.
type Spanned<'a> = (Event<'a>, Range<usize>);

/// The events of each footnote definition by name; the last definition of a name wins.
fn footnote_definitions<'e, 'a>(events: &'e [Spanned<'a>]) -> HashMap<String, &'e [Spanned<'a>]> {
    let mut definitions = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let (Event::Start(Tag::FootnoteDefinition(name)), _) = &events[i] {
            let end = definition_end(events, i);
            definitions.insert(name.to_string(), &events[i + 1..end]);
            i = end;
        }
        i += 1;
    }
    definitions
}

/// The index of the end of the footnote definition that starts at `start`.
fn definition_end(events: &[Spanned<'_>], start: usize) -> usize {
    let mut open = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => open += 1,
            Event::End(_) => {
                open -= 1;
                if open == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len()
}

/// A container being built. A list gathers items, a table rows and a row cells: those
/// parts are not elements of their own, only arrays inside their container.
enum Open {
    Par,
    Heading(u8),
    Quote,
    CodeBlock,
    Em,
    Strong,
    Strike,
    Link(String),
    Span,
    List { start: Option<u64>, items: Vec<Prose> },
    Item,
    Table { align: Vec<Align>, rows: Vec<Vec<Prose>> },
    Row { cells: Vec<Prose> },
    Cell,
}

struct Frame {
    open: Open,
    children: Prose,
    /// Whether the container counts towards [`MAX_NESTING`].
    nests: bool,
}

/// What every part of a text is built from.
#[derive(Clone, Copy)]
struct Sources<'r> {
    /// The whole text.
    markdown: &'r str,
    references: &'r References,
    /// The cites of the whole text, footnote definitions included, in order.
    cites: &'r [Cite],
}

struct Builder<'r, 'd, 'e> {
    sources: Sources<'r>,
    /// The footnote definitions of the text; `None` inside a footnote's own text, where a
    /// reference is shown as written.
    definitions: Option<&'d HashMap<String, &'e [Spanned<'e>]>>,
    /// The local id of each footnote shown so far, by name.
    notes: HashMap<String, u64>,
    /// The text's top-level nodes.
    root: Prose,
    /// The containers open, innermost last.
    stack: Vec<Frame>,
    /// For each open Markdown container, whether it made a frame (false: flattened).
    opened: Vec<bool>,
    /// Counted containers open, including those of the text around a footnote's text.
    depth: usize,
}

fn push_text(out: &mut Prose, text: &str, references: &References) {
    let mut last = 0;
    for mention in find_mentions(text) {
        let Some(reference) = references.get(&mention.id) else { continue };
        if mention.range.start > last {
            append_str(out, &text[last..mention.range.start]);
        }
        // The node carries its footnote's words, so the template needs no bibliography lookup.
        out.push(Element::Cite(Citation::mention(&text[mention.range.clone()], reference)).into());
        last = mention.range.end;
    }
    if last < text.len() {
        append_str(out, &text[last..]);
    }
}

/// A cite's footnote mark, which sits against the word before it as pandoc sets it
/// (`report [@x].` reads `report¹.`). A cite of an unknown id, which `check` refuses, is
/// shown as `written`.
fn push_cite(out: &mut Prose, cite: &Cite, written: &str, references: &References) {
    let Some(citation) = Citation::cite(cite, references) else {
        append_str(out, written);
        return;
    };
    if let Some(Node::Text(before)) = out.last_mut() {
        before.truncate(before.trim_end().len());
        if before.is_empty() {
            out.pop();
        }
    }
    out.push(Element::Cite(citation).into());
}

/// The address of a live link to `url`: sigdoc links only what
/// [`sigdoc_model::links::check_link`] accepts, and shows anything else as text.
fn live(url: &str) -> Option<String> {
    is_live(url).then(|| url.to_owned())
}

/// Appends text, merging with a preceding string so the tree stays small.
fn append_str(out: &mut Prose, text: &str) {
    if let Some(Node::Text(prev)) = out.last_mut() {
        prev.push_str(text);
    } else {
        out.push(Node::Text(text.to_owned()));
    }
}

impl<'r, 'd, 'e> Builder<'r, 'd, 'e> {
    fn new(sources: Sources<'r>, definitions: Option<&'d HashMap<String, &'e [Spanned<'e>]>>, depth: usize) -> Self {
        Builder {
            sources,
            definitions,
            notes: HashMap::new(),
            root: Vec::new(),
            stack: Vec::new(),
            opened: Vec::new(),
            depth,
        }
    }

    /// Builds the events of a text, leaving out footnote definitions: their text is
    /// shown where they are referenced.
    fn run(&mut self, events: &[Spanned<'_>]) {
        let mut i = 0;
        while i < events.len() {
            if let (Event::Start(Tag::FootnoteDefinition(_)), _) = &events[i] {
                i = definition_end(events, i) + 1;
                continue;
            }
            self.event(&events[i]);
            i += 1;
        }
    }

    /// The top-level nodes; containers left open by a malformed stream are closed.
    fn finish(mut self) -> Prose {
        while !self.stack.is_empty() {
            self.close();
        }
        self.root
    }

    /// The nodes of the innermost open container.
    fn children(&mut self) -> &mut Prose {
        match self.stack.last_mut() {
            Some(frame) => &mut frame.children,
            None => &mut self.root,
        }
    }

    fn push(&mut self, node: Node) {
        self.children().push(node);
    }

    fn text(&mut self, text: &str) {
        let refs = self.sources.references;
        // A code block is shown verbatim: a mention in it is code, not a citation.
        let verbatim = matches!(self.stack.last(), Some(Frame { open: Open::CodeBlock, .. }));
        let out = self.children();
        if verbatim { append_str(out, text) } else { push_text(out, text, refs) }
    }

    /// A text event of the source: its cites become footnote marks, the rest text.
    fn prose_text(&mut self, text: &str, range: Range<usize>) {
        let sources = self.sources;
        for piece in split(text, range, sources.cites) {
            match piece {
                Piece::Text(run, _) => self.text(run),
                Piece::Cite(cite) => {
                    let written = sources.markdown.get(cite.range.clone()).unwrap_or_default();
                    push_cite(self.children(), cite, written, sources.references);
                }
            }
        }
    }

    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else { return };
        self.depth -= usize::from(frame.nests);
        let children = frame.children;
        let element = match frame.open {
            Open::Par => Element::Par { children },
            Open::Heading(level) => Element::Heading { level, children },
            Open::Quote => Element::Quote { children },
            Open::CodeBlock => {
                // Only text reaches a code block; anything else would follow it.
                let (text, rest): (Prose, Prose) = children.into_iter().partition(|n| matches!(n, Node::Text(_)));
                let text = text.into_iter().map(|n| if let Node::Text(t) = n { t } else { String::new() }).collect();
                self.push(Element::CodeBlock { text }.into());
                rest.into_iter().for_each(|n| self.push(n));
                return;
            }
            Open::Em => Element::Em { children },
            Open::Strong => Element::Strong { children },
            Open::Strike => Element::Strike { children },
            Open::Link(url) => Element::Link { url, children },
            Open::Span => Element::Span { children },
            Open::List { start, mut items } => {
                // Only items reach a list; anything else is kept as one more item.
                if !children.is_empty() {
                    items.push(children);
                }
                Element::List { start, items }
            }
            Open::Table { align, mut rows } => {
                if !children.is_empty() {
                    rows.push(vec![children]);
                }
                // GFM tables always have a header row: the table's first row is its head.
                let head = if rows.is_empty() { Vec::new() } else { rows.remove(0) };
                Element::Table { align, head, rows }
            }
            // Items, rows and cells are arrays inside their container, which `start` made
            // sure is their parent; were it not, their content joins the parent's.
            Open::Item | Open::Cell => {
                match self.stack.last_mut() {
                    Some(Frame { open: Open::List { items: parts, .. } | Open::Row { cells: parts }, .. }) => {
                        parts.push(children);
                    }
                    _ => self.children().extend(children),
                }
                return;
            }
            Open::Row { mut cells } => {
                if !children.is_empty() {
                    cells.push(children);
                }
                match self.stack.last_mut() {
                    Some(Frame { open: Open::Table { rows, .. }, .. }) => rows.push(cells),
                    _ => self.children().extend(cells.into_iter().flatten()),
                }
                return;
            }
        };
        self.push(element.into());
    }

    fn event(&mut self, (event, range): &Spanned<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(_) => {
                if self.opened.pop() == Some(true) {
                    self.close();
                }
            }
            Event::Text(text) => self.prose_text(text, range.clone()),
            Event::Code(code) => self.push(Element::Code { text: code.to_string() }.into()),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.push(Element::Code { text: m.to_string() }.into()),
            // Raw HTML is shown as written: sigdoc interprets no markup language but Markdown.
            Event::Html(html) | Event::InlineHtml(html) => self.text(html),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.push(Element::Br.into()),
            Event::Rule => self.push(Element::Rule.into()),
            Event::TaskListMarker(done) => self.text(if *done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => self.footnote(name),
        }
    }

    /// The first reference to a footnote carries its text, one level deeper than the
    /// reference; later ones only repeat its number.
    fn footnote(&mut self, name: &str) {
        if let Some(&id) = self.notes.get(name) {
            self.push(Element::NoteRef { id }.into());
            return;
        }
        let body = self.definitions.and_then(|defs| defs.get(name)).filter(|_| self.depth < MAX_NESTING);
        let Some(body) = body else {
            self.text(&format!("[^{name}]"));
            return;
        };
        let mut inner = Builder::new(self.sources, None, self.depth + 1);
        inner.run(body);
        let id = self.notes.len() as u64 + 1;
        self.notes.insert(name.to_owned(), id);
        self.push(Element::Note { id, children: inner.finish() }.into());
    }

    fn start(&mut self, tag: &Tag<'_>) {
        let counted = nests(tag);
        // Past the limit, and where a part's container was flattened, the content joins
        // the parent's.
        let parent = self.stack.last().map(|f| &f.open);
        let misplaced = match tag {
            Tag::Item => !matches!(parent, Some(Open::List { .. })),
            Tag::TableHead | Tag::TableRow => !matches!(parent, Some(Open::Table { .. })),
            Tag::TableCell => !matches!(parent, Some(Open::Row { .. })),
            _ => false,
        };
        if misplaced || (counted && self.depth >= MAX_NESTING) {
            self.opened.push(false);
            return;
        }
        let open = match tag {
            // Raw HTML is a block of text like a paragraph.
            Tag::Paragraph | Tag::HtmlBlock => Open::Par,
            Tag::Heading { level, .. } => Open::Heading(heading_level(*level)),
            Tag::BlockQuote(_) => Open::Quote,
            Tag::CodeBlock(_) => Open::CodeBlock,
            Tag::List(start) => Open::List { start: *start, items: Vec::new() },
            Tag::Item => Open::Item,
            Tag::Emphasis => Open::Em,
            Tag::Strong => Open::Strong,
            Tag::Strikethrough => Open::Strike,
            // A link sigdoc does not make live is shown as its text.
            Tag::Link { link_type, dest_url, .. } => match live(&link_url(*link_type, dest_url)) {
                Some(url) => Open::Link(url),
                None => Open::Span,
            },
            // Images would have to be read from the documents folder; show their text.
            Tag::Image { .. } => Open::Span,
            Tag::Table(aligns) => Open::Table { align: aligns.iter().map(alignment).collect(), rows: Vec::new() },
            Tag::TableHead | Tag::TableRow => Open::Row { cells: Vec::new() },
            Tag::TableCell => Open::Cell,
            _ => Open::Span,
        };
        self.opened.push(true);
        self.depth += usize::from(counted);
        self.stack.push(Frame { open, children: Vec::new(), nests: counted });
    }
}

/// Gives every footnote of a document's data a label of its own, in one pass in document
/// order, so that a later reference can name it (`footnote(<label>)` in Typst).
///
/// Ids are local to one text, numbered from 1 in the order its footnotes are first
/// referenced; a text's nodes are visited together and in that order, so an `id` of 1
/// starts a new text. Labels then follow document order, whatever order the texts were
/// converted in (threat sections are built in parallel and cached).
pub fn label_notes(data: &mut Value) {
    let mut next = 1u64;
    let mut base = 1u64;
    let mut pending: Vec<&mut Value> = vec![data];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items.iter_mut().rev()),
            Value::Object(map) => {
                let kind = map.get("t").and_then(Value::as_str);
                let id = map.get("id").and_then(Value::as_u64).filter(|id| *id >= 1);
                if let (Some(kind @ ("note" | "noteref")), Some(id)) = (kind, id) {
                    if kind == "note" && id == 1 {
                        base = next;
                    }
                    let number = base + id - 1;
                    next = next.max(number + 1);
                    map.insert("label".into(), Value::from(format!("sigdoc-note-{number}")));
                }
                // Object keys in a fixed order: `c` before other keys, as the text was read.
                let mut children: Vec<&mut Value> = map.values_mut().collect();
                children.reverse();
                pending.extend(children);
            }
            _ => {}
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn alignment(a: &Alignment) -> Align {
    match a {
        Alignment::None | Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

/// How many counted containers deep a node tree goes, walked without recursion.
pub fn nesting_depth(nodes: &[Node]) -> usize {
    let mut deepest = 0;
    let mut pending: Vec<(&Node, usize)> = nodes.iter().map(|n| (n, 0)).collect();
    while let Some((node, depth)) = pending.pop() {
        if let Node::Element(element) = node {
            let depth = depth + usize::from(element.nests());
            deepest = deepest.max(depth);
            pending.extend(element.children().into_iter().map(|n| (n, depth)));
        }
    }
    deepest
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
