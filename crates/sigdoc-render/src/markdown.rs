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
use serde_json::{Value, json};
use sigdoc_model::links::{is_live, reference_link};
use sigdoc_model::prose::{MAX_NESTING, link_url, nests, options};
use sigdoc_model::{References, find_mentions};

/// Converts Markdown into block nodes; known XEP/RFC mentions become `cite` nodes.
///
/// Footnotes: the first reference to a footnote becomes a `note` node carrying its text
/// and an `id` local to this text (1, 2, ...); later references to it become `noteref`
/// nodes with the same `id`, shown with the same number. [`label_notes`] turns the ids
/// of a whole document into labels.
pub fn to_nodes(markdown: &str, references: &References) -> Value {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    let definitions = footnote_definitions(&events);
    let mut builder = Builder::new(references, Some(&definitions), 0);
    builder.run(&events);
    Value::Array(builder.finish())
}

/// Converts a one-line text into inline nodes (with citations).
pub fn inline_text(text: &str, references: &References) -> Value {
    let mut out = Vec::new();
    push_text(&mut out, text, references);
    Value::Array(out)
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

struct Frame {
    node: Value,
    /// Child nodes; a table's rows, a row's cells and a list's items are arrays.
    children: Vec<Value>,
    /// Whether the node counts towards [`MAX_NESTING`].
    nests: bool,
}

struct Builder<'r, 'd, 'e> {
    references: &'r References,
    /// The footnote definitions of the text; `None` inside a footnote's own text, where a
    /// reference is shown as written.
    definitions: Option<&'d HashMap<String, &'e [Event<'e>]>>,
    /// The local id of each footnote shown so far, by name.
    notes: HashMap<String, u64>,
    stack: Vec<Frame>,
    /// For each open Markdown container, whether it made a frame (false: flattened).
    opened: Vec<bool>,
    /// Counted containers open, including those of the text around a footnote's text.
    depth: usize,
}

fn push_text(out: &mut Vec<Value>, text: &str, references: &References) {
    let mut last = 0;
    for mention in find_mentions(text) {
        let Some(reference) = references.get(&mention.id) else { continue };
        if mention.range.start > last {
            append_str(out, &text[last..mention.range.start]);
        }
        // The node carries its footnote's words, so the template needs no bibliography lookup.
        out.push(json!({
            "t": "cite", "id": mention.id, "v": &text[mention.range.clone()],
            "title": reference.title, "url": reference.url, "href": reference_link(&reference.url),
        }));
        last = mention.range.end;
    }
    if last < text.len() {
        append_str(out, &text[last..]);
    }
}

/// The address of a live link to `url`, or null: sigdoc links only what
/// [`sigdoc_model::links::check_link`] accepts, and shows anything else as text.
fn live(url: &str) -> Value {
    if is_live(url) { Value::from(url) } else { Value::Null }
}

/// Appends text, merging with a preceding string so the tree stays small.
fn append_str(out: &mut Vec<Value>, text: &str) {
    if let Some(Value::String(prev)) = out.last_mut() {
        prev.push_str(text);
    } else {
        out.push(Value::String(text.to_owned()));
    }
}

impl<'r, 'd, 'e> Builder<'r, 'd, 'e> {
    fn new(
        references: &'r References,
        definitions: Option<&'d HashMap<String, &'e [Event<'e>]>>,
        depth: usize,
    ) -> Self {
        let root = Frame { node: Value::Null, children: Vec::new(), nests: false };
        Builder { references, definitions, notes: HashMap::new(), stack: vec![root], opened: Vec::new(), depth }
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

    /// The root's children; containers left open by a malformed stream are closed.
    fn finish(mut self) -> Vec<Value> {
        while self.stack.len() > 1 {
            self.close();
        }
        self.stack.pop().map(|f| f.children).unwrap_or_default()
    }

    fn current(&self) -> &str {
        self.stack.last().and_then(|f| f.node["t"].as_str()).unwrap_or_default()
    }

    fn push(&mut self, node: Value) {
        if let Some(frame) = self.stack.last_mut() {
            frame.children.push(node);
        }
    }

    fn text(&mut self, text: &str) {
        let refs = self.references;
        if let Some(frame) = self.stack.last_mut() {
            // A code block is shown verbatim: a mention in it is code, not a citation.
            if frame.node["t"] == "codeblock" {
                append_str(&mut frame.children, text);
            } else {
                push_text(&mut frame.children, text, refs);
            }
        }
    }

    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else { return };
        self.depth -= usize::from(frame.nests);
        let mut node = frame.node;
        let kind = node["t"].as_str().unwrap_or_default().to_owned();
        match kind.as_str() {
            "table" => {
                let mut rows = frame.children;
                let head = if rows.is_empty() { json!([]) } else { rows.remove(0) };
                node["head"] = head;
                node["rows"] = Value::Array(rows);
            }
            // Rows, cells and list items are plain arrays inside their container.
            "row" | "cell" | "item" => {
                self.push(Value::Array(frame.children));
                return;
            }
            "list" => node["items"] = Value::Array(frame.children),
            _ => node["c"] = Value::Array(frame.children),
        }
        self.push(node);
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
            Event::Code(code) => self.push(json!({"t": "code", "v": code.as_ref()})),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.push(json!({"t": "code", "v": m.as_ref()})),
            // Raw HTML is shown as written: sigdoc interprets no markup language but Markdown.
            Event::Html(html) | Event::InlineHtml(html) => self.text(html),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.push(json!({"t": "br"})),
            Event::Rule => self.push(json!({"t": "rule"})),
            Event::TaskListMarker(done) => self.text(if *done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => self.footnote(name),
        }
    }

    /// The first reference to a footnote carries its text, one level deeper than the
    /// reference; later ones only repeat its number.
    fn footnote(&mut self, name: &str) {
        if let Some(&id) = self.notes.get(name) {
            self.push(json!({"t": "noteref", "id": id}));
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
        self.push(json!({"t": "note", "id": id, "c": inner.finish()}));
    }

    fn start(&mut self, tag: &Tag<'_>) {
        let counted = nests(tag);
        // Past the limit, and where a part's container was flattened, the content joins
        // the parent's.
        let parent = self.current();
        let flatten = (counted && self.depth >= MAX_NESTING)
            || (matches!(tag, Tag::Item) && parent != "list")
            || (matches!(tag, Tag::TableHead | Tag::TableRow) && parent != "table")
            || (matches!(tag, Tag::TableCell) && parent != "row");
        if flatten {
            self.opened.push(false);
            return;
        }
        let node = match tag {
            // Raw HTML is a block of text like a paragraph.
            Tag::Paragraph | Tag::HtmlBlock => json!({"t": "par"}),
            Tag::Heading { level, .. } => json!({"t": "heading", "level": heading_level(*level)}),
            Tag::BlockQuote(_) => json!({"t": "quote"}),
            Tag::CodeBlock(_) => json!({"t": "codeblock"}),
            Tag::List(start) => json!({"t": "list", "start": start}),
            Tag::Item => json!({"t": "item"}),
            Tag::Emphasis => json!({"t": "em"}),
            Tag::Strong => json!({"t": "strong"}),
            Tag::Strikethrough => json!({"t": "strike"}),
            // A link sigdoc does not make live is shown as its text.
            Tag::Link { link_type, dest_url, .. } => match live(&link_url(*link_type, dest_url)) {
                Value::Null => json!({"t": "span"}),
                url => json!({"t": "link", "url": url}),
            },
            // Images would have to be read from the documents folder; show their text.
            Tag::Image { .. } => json!({"t": "span"}),
            Tag::Table(aligns) => {
                json!({"t": "table", "align": aligns.iter().map(alignment).collect::<Vec<_>>()})
            }
            // GFM tables always have a header row: the table's first row is its head.
            Tag::TableHead | Tag::TableRow => json!({"t": "row"}),
            Tag::TableCell => json!({"t": "cell"}),
            _ => json!({"t": "span"}),
        };
        self.opened.push(true);
        self.depth += usize::from(counted);
        self.stack.push(Frame { node, children: Vec::new(), nests: counted });
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

fn alignment(a: &Alignment) -> &'static str {
    match a {
        Alignment::None | Alignment::Left => "left",
        Alignment::Center => "center",
        Alignment::Right => "right",
    }
}

/// How many counted containers deep a node tree goes, walked without recursion.
pub fn nesting_depth(nodes: &Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(nodes, 0usize)];
    while let Some((value, depth)) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items.iter().map(|v| (v, depth))),
            Value::Object(map) => {
                let counted = matches!(
                    map.get("t").and_then(Value::as_str),
                    Some("quote" | "list" | "em" | "strong" | "strike" | "link" | "span" | "note")
                );
                let depth = depth + usize::from(counted);
                deepest = deepest.max(depth);
                pending.extend(map.values().map(|v| (v, depth)));
            }
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigdoc_model::Reference;

    fn refs() -> References {
        let mut r = References::new();
        r.insert("RFC 6120".into(), Reference { id: "RFC 6120".into(), title: "Core".into(), url: "https://x".into() });
        r
    }

    #[test]
    fn paragraphs_and_emphasis() {
        let v = to_nodes("Hello *world*.\n\nSecond", &refs());
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
        let v = to_nodes("See RFC 6120 and RFC 9999.", &refs());
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
        let v = to_nodes("RFC 1", &r);
        assert_eq!(v[0]["c"][0]["url"], "javascript:x");
        assert_eq!(v[0]["c"][0]["href"], Value::Null);
    }

    #[test]
    fn typst_syntax_stays_text() {
        let input = r#"#read("/etc/passwd") $x^2$ @ref <label> \ ] // x"#;
        let v = to_nodes(input, &refs());
        let text = v[0]["c"].as_array().unwrap().iter().filter_map(Value::as_str).collect::<String>();
        assert!(text.contains("#read(\"/etc/passwd\")"), "{text}");
        assert!(text.contains("$x^2$ @ref <label>"), "{text}");
    }

    #[test]
    fn code_blocks_are_verbatim() {
        let v = to_nodes("```\nsee RFC 6120\n```", &refs());
        assert_eq!(v, json!([{"t": "codeblock", "c": ["see RFC 6120\n"]}]));
    }

    #[test]
    fn tables_lists_and_footnotes() {
        let v = to_nodes("| a | b |\n|---|--:|\n| 1 | 2 |\n\n- x\n- y\n\nNote[^n].\n\n[^n]: The note.\n", &refs());
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
        let v = to_nodes("[a](https://x) [b](javascript:alert(1)) <security@example.org> [c](page.html)", &refs());
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
        let v = to_nodes(text, &refs());
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
        let size = serde_json::to_string(&to_nodes(&many, &refs())).unwrap().len();
        assert!(size < 400_000, "{size} bytes");
    }

    #[test]
    fn labels_are_unique_in_a_document_and_follow_its_order() {
        let text = "A[^x] B[^y] C[^x]\n\n[^x]: X.\n\n[^y]: Y.\n";
        // The same text twice, as hostile documents may have it, and a text without notes.
        let mut data =
            json!({"a": to_nodes(text, &refs()), "b": [to_nodes("plain", &refs()), to_nodes(text, &refs())]});
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
        let v = to_nodes(&quotes(MAX_NESTING), &refs());
        assert_eq!(nesting_depth(&v), MAX_NESTING);
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
