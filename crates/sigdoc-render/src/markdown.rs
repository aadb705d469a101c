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

use pulldown_cmark::{Alignment, Event, HeadingLevel, Parser, Tag};
use serde_json::Value;
use sigdoc_model::links::{is_live, reference_link};
use sigdoc_model::prose::{MAX_NESTING, link_url, nests, options};
use sigdoc_model::{References, find_mentions};

pub use crate::view::prose::{Align, Citation, Element, Node, Prose};

/// Converts Markdown into block nodes; known XEP/RFC mentions become [`Element::Cite`]s.
///
/// Footnotes: the first reference to a footnote becomes an [`Element::Note`] carrying its
/// text and an `id` local to this text (1, 2, ...); later references to it become
/// [`Element::NoteRef`]s with the same `id`, shown with the same number. [`label_notes`]
/// turns the ids of a whole document into labels.
pub fn to_nodes(markdown: &str, references: &References) -> Prose {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    let definitions = footnote_definitions(&events);
    let mut builder = Builder::new(references, Some(&definitions), 0);
    builder.run(&events);
    builder.finish()
}

/// Converts a one-line text into inline nodes (with citations).
pub fn inline_text(text: &str, references: &References) -> Prose {
    let mut out = Vec::new();
    push_text(&mut out, text, references);
    out
}

/// The events of each footnote definition by name; the last definition of a name wins.
fn footnote_definitions<'e, 'a>(events: &'e [Event<'a>]) -> HashMap<String, &'e [Event<'a>]> {
    let mut definitions = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(name)) = &events[i] {
            let end = definition_end(events, i);
            definitions.insert(name.to_string(), &events[i + 1..end]);
            i = end;
        }
        i += 1;
    }
    definitions
}

/// The index of the end of the footnote definition that starts at `start`.
fn definition_end(events: &[Event<'_>], start: usize) -> usize {
    let mut open = 0usize;
    for (i, event) in events.iter().enumerate().skip(start) {
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

struct Builder<'r, 'd, 'e> {
    references: &'r References,
    /// The footnote definitions of the text; `None` inside a footnote's own text, where a
    /// reference is shown as written.
    definitions: Option<&'d HashMap<String, &'e [Event<'e>]>>,
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
        out.push(Node::Element(Element::Cite(Citation {
            id: mention.id.clone(),
            text: text[mention.range.clone()].to_owned(),
            title: reference.title.clone(),
            url: reference.url.clone(),
            href: reference_link(&reference.url).map(str::to_owned),
        })));
        last = mention.range.end;
    }
    if last < text.len() {
        append_str(out, &text[last..]);
    }
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
    fn new(
        references: &'r References,
        definitions: Option<&'d HashMap<String, &'e [Event<'e>]>>,
        depth: usize,
    ) -> Self {
        Builder {
            references,
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
    fn run(&mut self, events: &[Event<'_>]) {
        let mut i = 0;
        while i < events.len() {
            if let Event::Start(Tag::FootnoteDefinition(_)) = &events[i] {
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
        let refs = self.references;
        // A code block is shown verbatim: a mention in it is code, not a citation.
        let verbatim = matches!(self.stack.last(), Some(Frame { open: Open::CodeBlock, .. }));
        let out = self.children();
        if verbatim { append_str(out, text) } else { push_text(out, text, refs) }
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

    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(_) => {
                if self.opened.pop() == Some(true) {
                    self.close();
                }
            }
            Event::Text(text) => self.text(text),
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
        let mut inner = Builder::new(self.references, None, self.depth + 1);
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
mod tests {
    use serde_json::json;
    use sigdoc_model::Reference;

    use super::*;

    /// The nodes of a text as the templates read them.
    fn nodes(markdown: &str, references: &References) -> Value {
        serde_json::to_value(to_nodes(markdown, references)).unwrap_or_default()
    }

    fn refs() -> References {
        let mut r = References::new();
        r.insert("RFC 6120".into(), Reference { id: "RFC 6120".into(), title: "Core".into(), url: "https://x".into() });
        r
    }

    #[test]
    fn paragraphs_and_emphasis() {
        let v = nodes("Hello *world*.\n\nSecond", &refs());
        assert_eq!(
            v,
            json!([
                {"t": "par", "c": ["Hello ", {"t": "em", "c": ["world"]}, "."]},
                {"t": "par", "c": ["Second"]},
            ])
        );
    }

    #[test]
    fn known_mentions_become_citations() {
        let v = nodes("See RFC 6120 and RFC 9999.", &refs());
        assert_eq!(
            v,
            json!([{"t": "par", "c": [
                "See ",
                {"t": "cite", "id": "RFC 6120", "v": "RFC 6120", "title": "Core", "url": "https://x", "href": "https://x"},
                " and RFC 9999.",
            ]}])
        );
    }

    #[test]
    fn a_reference_address_that_is_not_live_is_not_linked() {
        let mut r = refs();
        r.insert("RFC 1".into(), Reference { id: "RFC 1".into(), title: "T".into(), url: "javascript:x".into() });
        let v = nodes("RFC 1", &r);
        assert_eq!(v[0]["c"][0]["url"], "javascript:x");
        assert_eq!(v[0]["c"][0]["href"], Value::Null);
    }

    #[test]
    fn typst_syntax_stays_text() {
        let input = r#"#read("/etc/passwd") $x^2$ @ref <label> \ ] // x"#;
        let v = nodes(input, &refs());
        let text = v[0]["c"].as_array().unwrap().iter().filter_map(Value::as_str).collect::<String>();
        assert!(text.contains("#read(\"/etc/passwd\")"), "{text}");
        assert!(text.contains("$x^2$ @ref <label>"), "{text}");
    }

    #[test]
    fn code_blocks_are_verbatim() {
        let v = nodes("```\nsee RFC 6120\n```", &refs());
        assert_eq!(v, json!([{"t": "codeblock", "v": "see RFC 6120\n"}]));
        // An empty code block is empty code, not a missing one.
        assert_eq!(nodes("```\n```", &refs()), json!([{"t": "codeblock", "v": ""}]));
    }

    #[test]
    fn tables_lists_and_footnotes() {
        let v = nodes("| a | b |\n|---|--:|\n| 1 | 2 |\n\n- x\n- y\n\nNote[^n].\n\n[^n]: The note.\n", &refs());
        assert_eq!(v[0]["t"], "table");
        assert_eq!(v[0]["head"], json!([["a"], ["b"]]));
        assert_eq!(v[0]["rows"], json!([[["1"], ["2"]]]));
        assert_eq!(v[0]["align"], json!(["left", "right"]));
        assert_eq!(v[1]["t"], "list");
        assert_eq!(v[1]["items"].as_array().unwrap().len(), 2);
        assert_eq!(v[2]["c"][1], json!({"t": "note", "id": 1, "c": [{"t": "par", "c": ["The note."]}]}));
        assert_eq!(v.as_array().unwrap().len(), 3, "the definition is not rendered in place: {v}");
    }

    #[test]
    fn live_links_are_links_and_others_are_text() {
        let v = nodes("[a](https://x) [b](javascript:alert(1)) <security@example.org> [c](page.html)", &refs());
        let c = &v[0]["c"];
        assert_eq!(c[0], json!({"t": "link", "url": "https://x", "c": ["a"]}));
        assert_eq!(c[2], json!({"t": "span", "c": ["b"]}));
        assert_eq!(c[4], json!({"t": "link", "url": "mailto:security@example.org", "c": ["security@example.org"]}));
        assert_eq!(c[6], json!({"t": "span", "c": ["c"]}));
    }

    /// Issue 13, class 13: each reference used to carry a copy of the footnote's text.
    #[test]
    fn a_footnote_is_carried_once_and_referenced_after() {
        let text = "A[^big] B[^big] C[^other] D[^big] E[^missing]\n\n[^big]: Long text.\n\n[^other]: Other.\n";
        let v = nodes(text, &refs());
        let c = v[0]["c"].as_array().unwrap();
        let notes: Vec<&Value> = c.iter().filter(|n| n.is_object()).collect();
        assert_eq!(notes[0], &json!({"t": "note", "id": 1, "c": [{"t": "par", "c": ["Long text."]}]}));
        assert_eq!(notes[1], &json!({"t": "noteref", "id": 1}));
        assert_eq!(notes[2], &json!({"t": "note", "id": 2, "c": [{"t": "par", "c": ["Other."]}]}));
        assert_eq!(notes[3], &json!({"t": "noteref", "id": 1}));
        assert_eq!(notes.len(), 4);
        assert!(c.last().unwrap().as_str().unwrap().contains("[^missing]"), "{v}");
        // 10,000 references to one footnote hold its text once.
        let many = format!("{}\n\n[^a]: {}\n", "x[^a] ".repeat(10_000), "words ".repeat(1000));
        let size = serde_json::to_string(&nodes(&many, &refs())).unwrap().len();
        assert!(size < 400_000, "{size} bytes");
    }

    #[test]
    fn labels_are_unique_in_a_document_and_follow_its_order() {
        let text = "A[^x] B[^y] C[^x]\n\n[^x]: X.\n\n[^y]: Y.\n";
        // The same text twice, as hostile documents may have it, and a text without notes.
        let mut data = json!({"a": nodes(text, &refs()), "b": [nodes("plain", &refs()), nodes(text, &refs())]});
        label_notes(&mut data);
        let labels = |v: &Value| -> Vec<String> {
            v[0]["c"].as_array().unwrap().iter().filter_map(|n| n["label"].as_str().map(str::to_owned)).collect()
        };
        assert_eq!(labels(&data["a"]), ["sigdoc-note-1", "sigdoc-note-2", "sigdoc-note-1"]);
        assert_eq!(labels(&data["b"][1]), ["sigdoc-note-3", "sigdoc-note-4", "sigdoc-note-3"]);
    }

    fn quotes(n: usize) -> String {
        format!("{}deep\n", "> ".repeat(n))
    }

    #[test]
    fn nesting_up_to_the_limit_is_kept() {
        assert_eq!(nesting_depth(&to_nodes(&quotes(MAX_NESTING), &refs())), MAX_NESTING);
        let v = nodes(&quotes(MAX_NESTING), &refs());
        let mut node = &v[0];
        for _ in 1..MAX_NESTING {
            node = &node["c"][0];
        }
        assert_eq!(node["c"][0], json!({"t": "par", "c": ["deep"]}));
    }

    /// Issue 13, classes 9 and 16: 30,000 nested quotes overflowed the stack.
    #[test]
    fn deeper_nesting_is_flattened_into_the_parent() {
        for text in [
            quotes(30_000),
            (0..3_000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect(),
            format!("{}x{}", "*a _b ".repeat(5_000), " b_ a*".repeat(5_000)),
            format!("{}x{}", "[".repeat(5_000), "](https://x)".repeat(5_000)),
            format!("{}deep", "> - *".repeat(2_000)),
        ] {
            let v = to_nodes(&text, &refs());
            assert!(nesting_depth(&v) <= MAX_NESTING, "{}", &text[..40]);
            let shown = serde_json::to_string(&v).unwrap();
            assert!(shown.contains("deep") || shown.contains('x'), "the text survives");
        }
    }

    #[test]
    fn a_footnote_s_text_is_flattened_from_where_it_is_shown() {
        let text = format!("{}A[^n]\n\n[^n]: {}", "> ".repeat(MAX_NESTING - 2), quotes(MAX_NESTING));
        let v = to_nodes(&text, &refs());
        assert_eq!(nesting_depth(&v), MAX_NESTING);
        assert!(serde_json::to_string(&v).unwrap().contains("deep"));
        // At the limit, there is no room for the note: the reference is shown as written.
        let text = format!("{}A[^n]\n\n[^n]: x", "> ".repeat(MAX_NESTING));
        let v = to_nodes(&text, &refs());
        assert_eq!(nesting_depth(&v), MAX_NESTING);
        assert!(serde_json::to_string(&v).unwrap().contains("A[^n]"));
    }
}
