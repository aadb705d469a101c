//! What every page shares, as the PDF has it: the title block, the legal notices, the
//! contents, the appendices (document and author information, revision history) and
//! the notes, around the document's own content.

use super::fragments::{PageCache, fingerprint};
use super::out::{Heading, Out};
use super::prose::{link_or_text, prose};
use super::{STYLESHEET, SiteLinks};
use crate::view::{AuthorView, DocumentView};

/// The parts of a page in reading order, once the content has been written.
pub(super) fn assemble(
    out: &mut Out,
    doc: &DocumentView,
    links: &SiteLinks,
    cache: Option<&PageCache>,
    write_content: impl FnOnce(&mut Out),
) -> String {
    let top = out.aside(|out| title_block(out, doc, links));
    let legal = out.aside(|out| legal(out, doc));
    let body = out.aside(|out| {
        write_content(out);
        appendices(out, doc);
    });
    // The contents change only with a heading: a cache computes their fingerprint.
    let key = cache.map_or(0, |_| fingerprint("contents", &out.headings));
    let contents = out.aside(|out| out.fragment(cache, key, contents));
    let notes = out.aside(notes);
    let mut page = String::with_capacity(top.len() + legal.len() + body.len() + contents.len() + notes.len() + 2048);
    page.push_str(&out.aside(|out| head(out, doc, links)));
    for part in [top, legal, contents, body, notes] {
        page.push_str(&part);
    }
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

fn head(out: &mut Out, doc: &DocumentView, links: &SiteLinks) {
    out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    out.text(&doc.full_title);
    if doc.draft {
        out.raw(" (draft)");
    }
    out.raw("</title>\n<meta name=\"generator\" content=\"sigdoc\">\n<meta name=\"description\"");
    out.attr("content", &doc.abstract_text);
    out.raw(">\n<link rel=\"stylesheet\"");
    out.attr("href", STYLESHEET);
    out.raw(">\n</head>\n<body");
    if doc.draft {
        out.raw(" class=\"draft\"");
    }
    out.raw(">\n");
    nav(out, &doc.group, Some(doc.doc), links);
    out.raw("<main>\n");
}

/// The bar atop every page: the group, the three documents and this one's PDF.
pub(super) fn nav(out: &mut Out, group: &str, current: Option<&str>, links: &SiteLinks) {
    out.raw("<nav class=\"site\"><a class=\"group\" href=\"index.html\">");
    out.text(group);
    out.raw("</a><ul>");
    for (name, title) in [("process", "Process"), ("template", "Template"), ("analysis", "Analysis")] {
        out.raw("<li><a href=\"");
        out.raw(name);
        out.raw(".html\"");
        if current == Some(name) {
            out.raw(" aria-current=\"page\"");
        }
        out.raw(">");
        out.raw(title);
        out.raw("</a></li>");
    }
    if let (Some(name), true) = (current, links.pdfs) {
        out.raw("<li><a class=\"pdf\" href=\"../");
        out.raw(name);
        out.raw(".pdf\">PDF</a></li>");
    }
    out.raw("</ul></nav>\n");
}

fn title_block(out: &mut Out, doc: &DocumentView, _links: &SiteLinks) {
    out.raw("<header class=\"title\">");
    if doc.draft {
        out.raw("<p class=\"draft-mark\">DRAFT</p>");
    }
    out.element("h1", None, &doc.full_title);
    out.raw("<div class=\"abstract\"><p class=\"label\">Abstract</p>");
    prose(out, &doc.abstract_);
    out.raw("</div>\n<table class=\"info\"><tbody>");
    let row = |out: &mut Out, label: &str, value: &str| {
        out.raw("<tr><th scope=\"row\">");
        out.raw(label);
        out.raw("</th><td>");
        out.text(value);
        out.raw("</td></tr>");
    };
    row(out, "Authors", &doc.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "));
    row(out, "Version", &doc.version);
    row(out, "Last Updated", &doc.date);
    row(out, "Status", &doc.status);
    row(out, "Type", &doc.doc_type);
    row(out, "Short Name", &doc.shortname);
    out.raw("</tbody></table>\n</header>\n");
}

/// The house wording of each notice the group does not state, as in the PDF.
fn default_legal(key: &str, doc: &DocumentView) -> String {
    let group = &doc.group;
    match key {
        "copyright" => format!("This document is copyright © {} by the {group}. All rights not granted below are reserved.", doc.year),
        "permissions" => "Permission is hereby granted, free of charge, to any person obtaining a copy of this document to use, copy, modify, merge, publish and distribute it, subject to the condition that the above copyright notice and this permission notice are included in all copies or substantial portions of the document.".into(),
        "warranty" => "NOTE WELL: This document is provided on an \"AS IS\" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, express or implied, including, without limitation, any warranties or conditions of TITLE, NON-INFRINGEMENT, MERCHANTABILITY, or FITNESS FOR A PARTICULAR PURPOSE.".into(),
        "liability" => format!("In no event and under no legal theory shall the {group} or any author of this document be liable for damages, including any direct, indirect, special, incidental, or consequential damages of any character arising from, out of, or in connection with this document or its use."),
        _ => format!("This document has been contributed in full conformance with the policies of the {group} and of its parent organisation."),
    }
}

fn legal(out: &mut Out, doc: &DocumentView) {
    out.raw("<section class=\"legal\" aria-labelledby=\"legal\"><h2 id=\"legal\">Legal</h2>");
    let l = &doc.legal;
    for (key, title, given) in [
        ("copyright", "Copyright", &l.copyright),
        ("permissions", "Permissions", &l.permissions),
        ("warranty", "Disclaimer of Warranty", &l.warranty),
        ("liability", "Limitation of Liability", &l.liability),
        ("conformance", "Conformance", &l.conformance),
    ] {
        out.raw("<h3>");
        out.raw(title);
        out.raw("</h3>");
        match given {
            Some(given) => prose(out, given),
            None => out.element("p", None, &default_legal(key, doc)),
        }
    }
    out.raw("</section>\n");
}

fn contents(out: &mut Out) {
    let headings = std::mem::take(&mut out.headings);
    out.raw("<nav class=\"contents\" aria-labelledby=\"contents\"><h2 id=\"contents\">Contents</h2><ol>");
    let mut rest = headings.as_slice();
    while let Some((first, after)) = rest.split_first() {
        out.raw("<li>");
        contents_link(out, first);
        // The subsections of a section; a subsection before any section stands alone.
        let subsections = after.iter().take_while(|h| h.level > 1).count();
        if first.level == 1 && subsections > 0 {
            out.raw("<ol>");
            for h in &after[..subsections] {
                out.raw("<li>");
                contents_link(out, h);
                out.raw("</li>");
            }
            out.raw("</ol>");
            rest = &after[subsections..];
        } else {
            rest = after;
        }
        out.raw("</li>");
    }
    out.raw("</ol></nav>\n");
    out.headings = headings;
}

fn contents_link(out: &mut Out, h: &Heading) {
    out.raw("<a");
    out.attr("href", &format!("#{}", h.id));
    out.raw("><span class=\"number\">");
    out.text(&h.number);
    out.raw("</span> ");
    out.text(&h.title);
    out.raw("</a>");
}

fn appendices(out: &mut Out, doc: &DocumentView) {
    out.start_appendices();
    out.raw("<section class=\"appendix\">");
    out.heading(1, "appendix.info", "Document Information", true);
    out.raw("<table class=\"info\"><tbody>");
    let rows = [
        ("Series", Some(&doc.group)),
        ("Document", Some(&doc.title)),
        ("Publisher", Some(&doc.group)),
        ("Status", Some(&doc.status)),
        ("Type", Some(&doc.doc_type)),
        ("Version", Some(&doc.version)),
        ("Last Updated", Some(&doc.date)),
        ("Approving Body", doc.approver.as_ref()),
        ("Short Name", Some(&doc.shortname)),
    ];
    for (label, value) in rows {
        let Some(value) = value else { continue };
        out.raw("<tr><th scope=\"row\">");
        out.raw(label);
        out.raw(":</th><td>");
        out.text(value);
        out.raw("</td></tr>");
    }
    out.raw("</tbody></table>");
    out.heading(1, "appendix.authors", "Author Information", true);
    for a in &doc.authors {
        author(out, a);
    }
    out.heading(1, "appendix.legal", "Legal Notices", true);
    out.raw("<p>All legal notices are provided in the <a href=\"#legal\">Legal</a> section at the beginning of this document.</p>");
    out.heading(1, "appendix.venue", "Discussion Venue", true);
    match &doc.venue {
        Some(venue) => prose(out, venue),
        None => {
            out.raw("<p>Comments on this document are welcome on the discussion venues of the ");
            out.text(&doc.group);
            out.raw(".</p>");
        }
    }
    out.heading(1, "appendix.history", "Revision History", true);
    out.raw("<p>Note: Older versions of this document are available in the group's repository, and as release PDFs built from its tags.</p>");
    for e in &doc.history {
        out.raw("<div class=\"revision\"><p class=\"version\"><strong>Version ");
        out.text(&e.version);
        out.raw(" (");
        out.text(&e.date);
        out.raw(")</strong></p><div class=\"remarks\">");
        for remark in &e.remarks {
            prose(out, remark);
        }
        if !e.initials.is_empty() {
            out.raw("<p>(");
            out.text(&e.initials);
            out.raw(")</p>");
        }
        out.raw("</div></div>");
    }
    if doc.history_truncated {
        out.raw("<p><em>Earlier history is not available: the repository is a shallow clone.</em></p>");
    }
    out.raw("</section>\n");
}

fn author(out: &mut Out, a: &AuthorView) {
    out.raw("<div class=\"author\"><p><strong>");
    out.text(&a.name);
    out.raw("</strong></p><table class=\"info\"><tbody>");
    for (label, value, href) in
        [("Email", &a.email, &a.email_href), ("JabberID", &a.jid, &a.jid_href), ("URI", &a.uri, &a.uri_href)]
    {
        let Some(value) = value else { continue };
        out.raw("<tr><th scope=\"row\">");
        out.raw(label);
        out.raw(":</th><td>");
        link_or_text(out, href.as_deref(), value, Some("url"));
        out.raw("</td></tr>");
    }
    out.raw("</tbody></table></div>");
}

fn notes(out: &mut Out) {
    let notes = std::mem::take(&mut out.notes);
    if notes.is_empty() {
        return;
    }
    out.raw("<section class=\"notes\" aria-labelledby=\"notes\"><h2 id=\"notes\">Notes</h2><ol>");
    for (i, body) in notes.iter().enumerate() {
        let n = i + 1;
        out.raw("<li id=\"note.");
        out.number(n);
        out.raw("\">");
        out.raw(body);
        out.raw(" <a class=\"back\" href=\"#note-ref.");
        out.number(n);
        out.raw("\" aria-label=\"Back to the text\">↩</a></li>");
    }
    out.raw("</ol></section>\n");
    out.notes = notes;
}
