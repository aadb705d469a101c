//! Markdown to a tree of plain data that the house templates render.
//!
//! User prose never becomes Typst markup: every piece of text reaches Typst as a JSON
//! string, which Typst shows literally. This makes escaping unnecessary rather than
//! something to get right.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::{Value, json};
use sigdoc_model::{References, find_mentions};

/// Converts Markdown into block nodes; known XEP/RFC mentions become `cite` nodes.
pub fn to_nodes(markdown: &str, references: &References) -> Value {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    let mut builder = Builder { references, footnotes: Default::default(), stack: vec![Frame::root()] };
    builder.collect_footnotes(&events);
    for event in events {
        builder.event(event);
    }
    let root = builder.stack.pop().map(|f| f.children).unwrap_or_default();
    Value::Array(root)
}

/// Converts a one-line text into inline nodes (with citations).
pub fn inline_text(text: &str, references: &References) -> Value {
    let mut out = Vec::new();
    push_text(&mut out, text, references);
    Value::Array(out)
}

struct Frame {
    node: Value,
    /// Child nodes; a table's rows, a row's cells and a list's items are arrays.
    children: Vec<Value>,
}

impl Frame {
    fn root() -> Self {
        Self { node: Value::Null, children: Vec::new() }
    }
}

struct Builder<'r> {
    references: &'r References,
    footnotes: std::collections::HashMap<String, Vec<Value>>,
    stack: Vec<Frame>,
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
            "title": reference.title, "url": reference.url,
        }));
        last = mention.range.end;
    }
    if last < text.len() {
        append_str(out, &text[last..]);
    }
}

/// Appends text, merging with a preceding string so the tree stays small.
fn append_str(out: &mut Vec<Value>, text: &str) {
    if let Some(Value::String(prev)) = out.last_mut() {
        prev.push_str(text);
    } else {
        out.push(Value::String(text.to_owned()));
    }
}

impl Builder<'_> {
    /// Footnote definitions may come after their references: convert them first.
    fn collect_footnotes(&mut self, events: &[Event<'_>]) {
        let mut i = 0;
        while i < events.len() {
            if let Event::Start(Tag::FootnoteDefinition(name)) = &events[i] {
                let name = name.to_string();
                let mut depth = 0;
                let mut j = i + 1;
                let mut inner =
                    Builder { references: self.references, footnotes: Default::default(), stack: vec![Frame::root()] };
                while j < events.len() {
                    match &events[j] {
                        Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                        Event::End(TagEnd::FootnoteDefinition) if depth == 0 => break,
                        Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                        _ => {}
                    }
                    inner.event(events[j].clone());
                    j += 1;
                }
                let blocks = inner.stack.pop().map(|f| f.children).unwrap_or_default();
                self.footnotes.insert(name, blocks);
                i = j;
            }
            i += 1;
        }
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

    fn open(&mut self, node: Value) {
        self.stack.push(Frame { node, children: Vec::new() });
    }

    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else { return };
        let mut node = frame.node;
        if node.is_null() {
            // A skipped container (footnote definition): drop it.
            return;
        }
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

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(TagEnd::FootnoteDefinition) => {
                self.stack.pop();
            }
            Event::End(_) => self.close(),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.push(json!({"t": "code", "v": code.as_ref()})),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.push(json!({"t": "code", "v": m.as_ref()})),
            // Raw HTML is shown as written: sigdoc interprets no markup language but Markdown.
            Event::Html(html) | Event::InlineHtml(html) => self.text(&html),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.push(json!({"t": "br"})),
            Event::Rule => self.push(json!({"t": "rule"})),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => {
                let body =
                    self.footnotes.get(name.as_ref()).cloned().unwrap_or_else(|| vec![json!(format!("[^{name}]"))]);
                self.push(json!({"t": "note", "c": body}));
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let node = match tag {
            Tag::Paragraph => json!({"t": "par"}),
            Tag::Heading { level, .. } => json!({"t": "heading", "level": heading_level(level)}),
            Tag::BlockQuote(_) => json!({"t": "quote"}),
            Tag::CodeBlock(_) => json!({"t": "codeblock"}),
            Tag::List(start) => json!({"t": "list", "start": start}),
            Tag::Item => json!({"t": "item"}),
            Tag::Emphasis => json!({"t": "em"}),
            Tag::Strong => json!({"t": "strong"}),
            Tag::Strikethrough => json!({"t": "strike"}),
            Tag::Link { dest_url, .. } => json!({"t": "link", "url": dest_url.as_ref()}),
            // Images would have to be read from the documents folder; show their text.
            Tag::Image { .. } => json!({"t": "span"}),
            Tag::Table(aligns) => {
                json!({"t": "table", "align": aligns.iter().map(alignment).collect::<Vec<_>>()})
            }
            // GFM tables always have a header row: the table's first row is its head.
            Tag::TableHead | Tag::TableRow => json!({"t": "row"}),
            Tag::TableCell => json!({"t": "cell"}),
            Tag::FootnoteDefinition(_) => {
                // Already converted up front; swallow its events here.
                self.stack.push(Frame::root());
                return;
            }
            _ => json!({"t": "span"}),
        };
        self.open(node);
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
                {"t": "cite", "id": "RFC 6120", "v": "RFC 6120", "title": "Core", "url": "https://x"},
                " and RFC 9999.",
            ]}])
        );
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
        assert_eq!(v[2]["c"][1], json!({"t": "note", "c": [{"t": "par", "c": ["The note."]}]}));
        assert_eq!(v.as_array().unwrap().len(), 3, "the definition is not rendered in place: {v}");
    }
}
