//! Prose as the templates read it: a tree of text and tagged Markdown elements.

use serde::Serialize;

pub use super::reference::ReferenceNote;

/// Prose: the nodes of one text, blocks and inlines in reading order.
pub type Prose = Vec<Node>;

/// One node of prose: text shown exactly as written, or an element.
///
/// Text is a plain JSON string, so that Typst shows it as text whatever characters it
/// holds; it is never markup.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// Text shown as it is.
    Text(String),
    /// A Markdown element, tagged by `t`.
    Element(Element),
}

/// A Markdown element. Blocks and inlines share one type because Markdown mixes them: a
/// footnote's text holds paragraphs inside a sentence, a tight list item holds text, and
/// containers nested past the limit are flattened into whatever holds them.
///
/// Children are under `c`; a table's cells and a list's items are arrays of nodes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Element {
    /// A paragraph, or a block of raw HTML shown as text.
    Par {
        /// The paragraph's content.
        #[serde(rename = "c")]
        children: Prose,
    },
    /// A heading, level 1 to 6.
    Heading {
        /// 1 for `#`, up to 6.
        level: u8,
        /// The heading's text.
        #[serde(rename = "c")]
        children: Prose,
    },
    /// A block quote.
    Quote {
        /// The quoted blocks.
        #[serde(rename = "c")]
        children: Prose,
    },
    /// A code block, shown verbatim: a mention in it is code, not a citation.
    #[serde(rename = "codeblock")]
    CodeBlock {
        /// The code, lines joined by newlines.
        #[serde(rename = "v")]
        text: String,
    },
    /// A bulleted list, or a numbered one when it has a start.
    List {
        /// The first number of a numbered list.
        start: Option<u64>,
        /// Each item's content.
        items: Vec<Prose>,
    },
    /// Emphasis.
    Em {
        /// The emphasised content.
        #[serde(rename = "c")]
        children: Prose,
    },
    /// Strong emphasis.
    Strong {
        /// The content.
        #[serde(rename = "c")]
        children: Prose,
    },
    /// Struck-through text.
    Strike {
        /// The content.
        #[serde(rename = "c")]
        children: Prose,
    },
    /// A live link: its address is one sigdoc makes live.
    Link {
        /// The address.
        url: String,
        /// The link's text.
        #[serde(rename = "c")]
        children: Prose,
    },
    /// Content shown plainly: a link sigdoc does not make live, an image's text.
    Span {
        /// The content.
        #[serde(rename = "c")]
        children: Prose,
    },
    /// A table; its first row is its head.
    Table {
        /// Each column's alignment.
        align: Vec<Align>,
        /// The head's cells.
        head: Vec<Prose>,
        /// The other rows' cells.
        rows: Vec<Vec<Prose>>,
    },
    /// Inline code (or math, shown as code).
    Code {
        /// The code.
        #[serde(rename = "v")]
        text: String,
    },
    /// A hard line break.
    Br,
    /// A horizontal rule.
    Rule,
    /// A mention of a known reference, which carries its footnote's words.
    Cite(Citation),
    /// The first reference to a footnote, carrying the footnote's text.
    Note {
        /// The footnote's number within its text, from 1 in order of first reference.
        id: u64,
        /// The footnote's text.
        #[serde(rename = "c")]
        children: Prose,
    },
    /// A later reference to a footnote already shown, by its number within the text.
    #[serde(rename = "noteref")]
    NoteRef {
        /// The footnote's number within its text.
        id: u64,
    },
}

/// A mention of a known reference (`RFC 6120`) or a cite (`[@jabber-ru-mitm-2023]`), with
/// the words of its footnote, so that a template needs no bibliography lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The mention as written; empty for a cite, which shows only its footnote's mark.
    #[serde(rename = "v")]
    pub text: String,
    /// The references its one footnote names, in order: one for a mention, one or more
    /// for a cite (`[@a; @b]`).
    pub refs: Vec<ReferenceNote>,
}

/// How a table column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Left, also for columns that do not say.
    Left,
    /// Centred.
    Center,
    /// Right.
    Right,
}

impl Element {
    /// Whether the element counts towards the nesting limit: the containers that can
    /// hold themselves, as the model counts them, and a footnote's text.
    pub fn nests(&self) -> bool {
        matches!(
            self,
            Element::Quote { .. }
                | Element::List { .. }
                | Element::Em { .. }
                | Element::Strong { .. }
                | Element::Strike { .. }
                | Element::Link { .. }
                | Element::Span { .. }
                | Element::Note { .. }
        )
    }

    /// The nodes directly inside the element, in reading order.
    pub fn children(&self) -> Vec<&Node> {
        match self {
            Element::Par { children }
            | Element::Heading { children, .. }
            | Element::Quote { children }
            | Element::Em { children }
            | Element::Strong { children }
            | Element::Strike { children }
            | Element::Link { children, .. }
            | Element::Span { children }
            | Element::Note { children, .. } => children.iter().collect(),
            Element::List { items, .. } => items.iter().flatten().collect(),
            Element::Table { head, rows, .. } => head.iter().chain(rows.iter().flatten()).flatten().collect(),
            Element::CodeBlock { .. }
            | Element::Code { .. }
            | Element::Br
            | Element::Rule
            | Element::Cite(_)
            | Element::NoteRef { .. } => Vec::new(),
        }
    }
}

impl From<&str> for Node {
    fn from(text: &str) -> Node {
        Node::Text(text.to_owned())
    }
}

impl From<Element> for Node {
    fn from(element: Element) -> Node {
        Node::Element(element)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn text(s: &str) -> Prose {
        vec![Node::from(s)]
    }

    #[test]
    fn nodes_serialize_as_the_templates_read_them() {
        let cases = [
            (Node::from("a # b"), json!("a # b")),
            (Element::Par { children: text("p") }.into(), json!({"t": "par", "c": ["p"]})),
            (
                Element::Heading { level: 2, children: text("h") }.into(),
                json!({"t": "heading", "level": 2, "c": ["h"]}),
            ),
            (Element::Quote { children: text("q") }.into(), json!({"t": "quote", "c": ["q"]})),
            (Element::CodeBlock { text: "x\n".into() }.into(), json!({"t": "codeblock", "v": "x\n"})),
            (
                Element::List { start: Some(3), items: vec![text("i")] }.into(),
                json!({"t": "list", "start": 3, "items": [["i"]]}),
            ),
            (Element::List { start: None, items: Vec::new() }.into(), json!({"t": "list", "start": null, "items": []})),
            (Element::Em { children: text("e") }.into(), json!({"t": "em", "c": ["e"]})),
            (Element::Strong { children: text("s") }.into(), json!({"t": "strong", "c": ["s"]})),
            (Element::Strike { children: text("x") }.into(), json!({"t": "strike", "c": ["x"]})),
            (
                Element::Link { url: "https://x".into(), children: text("l") }.into(),
                json!({"t": "link", "url": "https://x", "c": ["l"]}),
            ),
            (Element::Span { children: text("s") }.into(), json!({"t": "span", "c": ["s"]})),
            (
                Element::Table {
                    align: vec![Align::Left, Align::Center, Align::Right],
                    head: vec![text("h")],
                    rows: vec![vec![text("r")]],
                }
                .into(),
                json!({"t": "table", "align": ["left", "center", "right"], "head": [["h"]], "rows": [[["r"]]]}),
            ),
            (Element::Code { text: "c".into() }.into(), json!({"t": "code", "v": "c"})),
            (Element::Br.into(), json!({"t": "br"})),
            (Element::Rule.into(), json!({"t": "rule"})),
            (
                Element::Cite(Citation {
                    text: "RFC 1".into(),
                    refs: vec![ReferenceNote {
                        id: "RFC 1".into(),
                        lead: "RFC 1: T".into(),
                        url: "javascript:x".into(),
                        href: None,
                    }],
                })
                .into(),
                json!({"t": "cite", "v": "RFC 1", "refs": [{"id": "RFC 1", "lead": "RFC 1: T", "url": "javascript:x", "href": null}]}),
            ),
            (Element::Note { id: 1, children: text("n") }.into(), json!({"t": "note", "id": 1, "c": ["n"]})),
            (Element::NoteRef { id: 1 }.into(), json!({"t": "noteref", "id": 1})),
        ];
        for (node, expected) in cases {
            assert_eq!(serde_json::to_value(&node).ok(), Some(expected), "{node:?}");
        }
    }

    #[test]
    fn only_self_holding_containers_and_notes_nest() {
        let nesting = [
            Element::Quote { children: Vec::new() },
            Element::List { start: None, items: Vec::new() },
            Element::Em { children: Vec::new() },
            Element::Strong { children: Vec::new() },
            Element::Strike { children: Vec::new() },
            Element::Link { url: String::new(), children: Vec::new() },
            Element::Span { children: Vec::new() },
            Element::Note { id: 1, children: Vec::new() },
        ];
        assert!(nesting.iter().all(Element::nests));
        let flat = [
            Element::Par { children: Vec::new() },
            Element::Heading { level: 1, children: Vec::new() },
            Element::CodeBlock { text: String::new() },
            Element::Table { align: Vec::new(), head: Vec::new(), rows: Vec::new() },
            Element::Code { text: String::new() },
            Element::Br,
            Element::Rule,
            Element::NoteRef { id: 1 },
        ];
        assert!(!flat.iter().any(Element::nests));
    }

    #[test]
    fn children_are_every_node_inside_in_reading_order() {
        let table = Element::Table {
            align: Vec::new(),
            head: vec![text("h1"), text("h2")],
            rows: vec![vec![text("a"), text("b")], vec![text("c")]],
        };
        let texts = |e: &Element| -> Vec<String> {
            e.children().into_iter().map(|n| serde_json::to_string(n).unwrap_or_default()).collect()
        };
        assert_eq!(texts(&table), ["\"h1\"", "\"h2\"", "\"a\"", "\"b\"", "\"c\""]);
        let list = Element::List { start: None, items: vec![text("x"), vec![Node::from("y"), Element::Br.into()]] };
        assert_eq!(texts(&list), ["\"x\"", "\"y\"", "{\"t\":\"br\"}"]);
        for parent in [
            Element::Par { children: text("k") },
            Element::Heading { level: 1, children: text("k") },
            Element::Quote { children: text("k") },
            Element::Em { children: text("k") },
            Element::Strong { children: text("k") },
            Element::Strike { children: text("k") },
            Element::Link { url: String::new(), children: text("k") },
            Element::Span { children: text("k") },
            Element::Note { id: 1, children: text("k") },
        ] {
            assert_eq!(texts(&parent), ["\"k\""], "{parent:?}");
        }
        for leaf in
            [Element::CodeBlock { text: "k".into() }, Element::Code { text: "k".into() }, Element::NoteRef { id: 1 }]
        {
            assert!(leaf.children().is_empty(), "{leaf:?}");
        }
    }
}
