//! The web twin: the three documents as static HTML pages from the same typed views
//! as the PDFs, with their stylesheet and fonts, needing nothing outside their folder.
//!
//! Typst's own HTML export was measured against this writer (BENCHMARKS.md, notes): it
//! drops the attack trees and writes invalid markup from the PDF templates, while the
//! views already hold every presentation fact. Numbering and notes are worked out here
//! in document order as the PDF's Typst does, the look is `sigdoc.css`.

mod analysis;
mod documents;
mod fragments;
mod frame;
mod out;
mod prose;
mod svg;

pub use fragments::PageCache;
use out::Out;

use crate::view::{ContentView, PageView};

/// The stylesheet's file name in the site folder.
pub const STYLESHEET: &str = "sigdoc.css";

/// What a page may link to besides the other pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct SiteLinks {
    /// The PDFs of the same build lie beside the site folder (`../<doc>.pdf`).
    pub pdfs: bool,
}

/// One document's page.
pub fn page(view: &PageView, links: &SiteLinks) -> String {
    page_cached(view, links, None)
}

/// One document's page, reusing from `cache` the parts of its last write that show
/// the same as before at the same place (a threat's section, the summary, the matrix,
/// the contents). One cache serves the successive versions of one page.
pub fn page_cached(view: &PageView, links: &SiteLinks, cache: Option<&PageCache>) -> String {
    if let Some(cache) = cache {
        cache.begin();
    }
    let mut out = Out::default();
    frame::assemble(&mut out, &view.document, links, cache, |out| match &view.content {
        ContentView::Process(p) => documents::process(out, p),
        ContentView::Template(t) => documents::template(out, t),
        ContentView::Analysis(a) => analysis::analysis(out, a, cache),
    })
}

/// The site's front page: the group, its three documents with their versions and
/// dates, and the PDFs of the same build where there are some.
pub fn index(views: &[&PageView], links: &SiteLinks) -> String {
    let mut out = Out::default();
    let group = views.first().map_or("", |v| v.document.group.as_str());
    out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    out.text(group);
    out.raw("</title>\n<meta name=\"generator\" content=\"sigdoc\">\n<link rel=\"stylesheet\"");
    out.attr("href", STYLESHEET);
    out.raw(">\n</head>\n<body>\n");
    frame::nav(&mut out, group, None, links);
    out.raw("<main>\n<header class=\"title\">");
    out.element("h1", None, group);
    out.raw("</header>\n<ul class=\"documents\">");
    for v in views {
        let d = &v.document;
        out.raw("<li><h2><a");
        out.attr("href", &format!("{}.html", d.doc));
        out.raw(">");
        out.text(&d.title);
        out.raw("</a></h2><p class=\"version\">Version ");
        out.text(&d.version);
        out.raw(" · ");
        out.text(&d.date);
        if d.draft {
            out.raw(" · <span class=\"draft-mark\">DRAFT</span>");
        }
        if links.pdfs {
            out.raw(" · <a");
            out.attr("href", &format!("../{}.pdf", d.doc));
            out.raw(">PDF</a>");
        }
        out.raw("</p><p>");
        out.text(&d.abstract_text);
        out.raw("</p></li>");
    }
    out.raw("</ul>\n</main>\n</body>\n</html>\n");
    out.take()
}

macro_rules! font_file {
    ($name:literal) => {
        ($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fonts/", $name)).as_slice())
    };
}

/// The files every site holds besides its pages: the stylesheet and the fonts it
/// names (shipped, so that no page asks anything of the network), with their licences.
pub fn assets() -> Vec<(String, &'static [u8])> {
    let fonts: [(&str, &[u8]); 7] = [
        font_file!("GentiumPlus-Regular.ttf"),
        font_file!("GentiumPlus-Bold.ttf"),
        font_file!("GentiumPlus-Italic.ttf"),
        font_file!("GentiumPlus-BoldItalic.ttf"),
        font_file!("Inconsolata.otf"),
        font_file!("LICENSE-GentiumPlus.txt"),
        font_file!("LICENSE-Inconsolata.txt"),
    ];
    let mut files = vec![(STYLESHEET.to_owned(), include_str!("sigdoc.css").as_bytes())];
    files.extend(fonts.into_iter().map(|(name, bytes)| (format!("fonts/{name}"), bytes)));
    files
}

#[cfg(test)]
mod tests;
