//! Prose to HTML elements: the Markdown tree of the views, never raw HTML.
//!
//! Raw HTML in a repository's Markdown already arrives here as text (the tree has no
//! element for it), links only with addresses sigdoc makes live, and every piece of
//! text goes through the escaping writer: nothing a repository writes becomes markup.

use std::collections::HashMap;

use super::out::Out;
use crate::view::prose::{Align, Citation, Element, Node};

/// Writes one text's nodes; its footnotes become the page's next notes.
pub(super) fn prose(out: &mut Out, nodes: &[Node]) {
    let mut text = Text { out, local: HashMap::new() };
    text.nodes(nodes);
}

/// Writes one text's nodes without the paragraph around a lone paragraph, for a text
/// that continues a line (a note, a table cell of one line).
pub(super) fn prose_inline(out: &mut Out, nodes: &[Node]) {
    match nodes {
        [Node::Element(Element::Par { children })] => prose(out, children),
        _ => prose(out, nodes),
    }
}

/// The text of nodes without their markup or notes, for a title in the contents.
pub(super) fn plain(nodes: &[Node]) -> String {
    let mut s = String::new();
    let mut pending: Vec<&Node> = nodes.iter().rev().collect();
    while let Some(node) = pending.pop() {
        match node {
            Node::Text(t) => s.push_str(t),
            Node::Element(Element::Code { text }) => s.push_str(text),
            Node::Element(Element::Cite(c)) => s.push_str(&c.text),
            Node::Element(Element::Note { .. } | Element::NoteRef { .. }) => {}
            Node::Element(e) => pending.extend(e.children().into_iter().rev()),
        }
    }
    s
}

/// What a footnote says of one reference, as the PDF's `ref-body` words it: the lead
/// sigdoc computed (`RFC 6120: Title`, `Title, Publisher, 2023-10-21`) and the address;
/// the id alone for an id the bibliography lacks.
pub(super) fn reference_body(out: &mut Out, id: &str, lead: Option<&str>, url: Option<&str>, href: Option<&str>) {
    let Some(lead) = lead else { return out.text(id) };
    out.text(lead);
    if let Some(url) = url {
        out.text(" <");
        link_or_text(out, href, url, Some("url"));
        out.text(">");
    }
}

/// `text` linked to `href` where sigdoc made that a live link, else as text.
pub(super) fn link_or_text(out: &mut Out, href: Option<&str>, text: &str, class: Option<&str>) {
    match href {
        Some(href) if out.in_link == 0 => {
            out.raw("<a");
            out.attr("href", href);
            if let Some(class) = class {
                out.attr("class", class);
            }
            out.raw(">");
            out.text(text);
            out.raw("</a>");
        }
        _ => out.element("span", class, text),
    }
}

/// One text being written: its footnotes' local ids map to the page's note numbers.
struct Text<'o> {
    out: &'o mut Out,
    local: HashMap<u64, usize>,
}

impl Text<'_> {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            match node {
                Node::Text(t) => self.out.text(t),
                Node::Element(e) => self.element(e),
            }
        }
    }

    fn wrapped(&mut self, tag: &str, class: Option<&str>, children: &[Node]) {
        self.out.open(tag, class);
        self.nodes(children);
        self.out.close(tag);
    }

    fn element(&mut self, element: &Element) {
        match element {
            Element::Par { children } => self.wrapped("p", None, children),
            Element::Heading { level, children } => self.heading(usize::from(*level), children),
            Element::Quote { children } => self.wrapped("blockquote", None, children),
            Element::CodeBlock { text } => {
                self.out.raw("<pre><code>");
                self.out.text(text);
                self.out.raw("</code></pre>");
            }
            Element::List { start, items } => self.list(*start, items),
            Element::Em { children } => self.wrapped("em", None, children),
            Element::Strong { children } => self.wrapped("strong", None, children),
            Element::Strike { children } => self.wrapped("s", None, children),
            Element::Link { url, children } if self.out.in_link == 0 => {
                self.out.raw("<a");
                self.out.attr("href", url);
                self.out.raw(">");
                self.out.in_link += 1;
                self.nodes(children);
                self.out.in_link -= 1;
                self.out.raw("</a>");
            }
            Element::Link { children, .. } | Element::Span { children } => self.wrapped("span", None, children),
            Element::Table { align, head, rows } => self.table(align, head, rows),
            Element::Code { text } => self.out.element("code", None, text),
            Element::Br => self.out.raw("<br>"),
            Element::Rule => self.out.raw("<hr>"),
            Element::Cite(citation) => self.cite(citation),
            Element::Note { id, children } => {
                let body = self.out.aside(|out| prose_inline(out, children));
                let n = self.out.note(body);
                self.local.insert(*id, n);
            }
            Element::NoteRef { id } => {
                if let Some(&n) = self.local.get(id) {
                    self.out.note_marker(n, false);
                }
            }
        }
    }

    /// A heading in prose: numbered in the document's sections, as in the PDF.
    fn heading(&mut self, level: usize, children: &[Node]) {
        let title = plain(children);
        self.out.open_heading(level, None, &title, true);
        self.nodes(children);
        self.out.close_heading(level);
    }

    fn list(&mut self, start: Option<u64>, items: &[Vec<Node>]) {
        let tag = match start {
            Some(1) => {
                self.out.raw("<ol>");
                "ol"
            }
            Some(n) => {
                self.out.raw("<ol");
                self.out.attr("start", &n.to_string());
                self.out.raw(">");
                "ol"
            }
            None => {
                self.out.raw("<ul>");
                "ul"
            }
        };
        for item in items {
            self.wrapped("li", None, item);
        }
        self.out.close(tag);
    }

    fn table(&mut self, align: &[Align], head: &[Vec<Node>], rows: &[Vec<Vec<Node>>]) {
        let class = |i: usize| match align.get(i) {
            Some(Align::Center) => Some("center"),
            Some(Align::Right) => Some("right"),
            _ => None,
        };
        self.out.raw("<table class=\"prose\"><thead><tr>");
        for (i, cell) in head.iter().enumerate() {
            self.wrapped("th", class(i), cell);
        }
        self.out.raw("</tr></thead><tbody>");
        for row in rows {
            self.out.raw("<tr>");
            for (i, cell) in row.iter().enumerate() {
                self.wrapped("td", class(i), cell);
            }
            self.out.raw("</tr>");
        }
        self.out.raw("</tbody></table>");
    }

    /// A mention of a known reference: its text, with its footnote.
    fn cite(&mut self, c: &Citation) {
        // A cite (`[@id]`) shows only its note's mark.
        if !c.text.is_empty() {
            self.out.element("span", Some("cite"), &c.text);
        }
        let body = self.out.aside(|out| {
            for (i, r) in c.refs.iter().enumerate() {
                if i > 0 {
                    out.text("; ");
                }
                reference_body(out, &r.id, Some(&r.lead), Some(&r.url), r.href.as_deref());
            }
            out.text(".");
        });
        self.out.note(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::to_nodes;
    use sigdoc_model::References;

    fn html(markdown: &str) -> (String, Vec<String>) {
        let mut out = Out::default();
        prose(&mut out, &to_nodes(markdown, &References::default()));
        (out.take(), out.notes)
    }

    #[test]
    fn raw_html_and_scripts_are_text() {
        let (page, _) = html("<script>alert(1)</script>\n\nA <img src=x onerror=alert(2)> b <b>c</b>");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
        assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"), "{page}");
        assert!(!page.contains("<script") && !page.contains("<img") && !page.contains("<b>"), "{page}");
    }

    #[test]
    fn script_links_are_never_live() {
        let (page, _) = html("[click](javascript:alert(1)) and <javascript:alert(3)> and [ok](https://xmpp.org/)");
        assert!(!page.contains("href=\"javascript"), "{page}");
        assert!(page.contains("<span>click</span>"), "{page}");
        assert!(page.contains("<a href=\"https://xmpp.org/\">ok</a>"), "{page}");
    }

    #[test]
    fn footnotes_become_linked_notes_in_order() {
        let (page, notes) = html("One[^a] two[^b] again[^a].\n\n[^a]: First *note*.\n[^b]: Second.");
        assert_eq!(notes, ["First <em>note</em>.", "Second."]);
        assert!(page.contains("<a id=\"note-ref.1\" href=\"#note.1\">1</a>"), "{page}");
        assert!(page.contains("again<sup class=\"note-ref\"><a href=\"#note.1\">1</a></sup>"), "{page}");
    }

    #[test]
    fn markdown_elements_become_their_html() {
        let (page, _) = html("# Top\n\n- a\n- `b<`\n\n3. c\n\n| x | y |\n|:-:|--:|\n| 1 | 2 |\n\n```\n<i>\n```");
        assert!(page.contains("<h2 id=\"sec.1\">"), "{page}");
        assert!(page.contains("<ul><li>a</li><li><code>b&lt;</code></li></ul>"), "{page}");
        assert!(page.contains("<ol start=\"3\"><li>c</li></ol>"), "{page}");
        assert!(page.contains("<th class=\"center\">x</th><th class=\"right\">y</th>"), "{page}");
        assert!(page.contains("<pre><code>&lt;i&gt;\n</code></pre>"), "{page}");
        assert_eq!(plain(&to_nodes("*a* `b` c", &References::default())), "a b c");
    }
}
