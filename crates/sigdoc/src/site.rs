//! The web twin's files: each document's page, the front page and the assets, as paths
//! inside the output folder (`html/...`) with their bytes, ready for a [`Batch`].
//!
//! [`Batch`]: crate::output::Batch

use rayon::prelude::*;
use sigdoc_model::{Deliverables, DocKind, History};
use sigdoc_render::html::{PageCache, SiteLinks, assets, index, page_cached};
use sigdoc_render::view::PageView;
use sigdoc_render::{RenderOptions, ThreatCache, page_view};

/// The folder of the site inside the output folder.
pub const SITE_FOLDER: &str = "html";

/// The formats a build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// The PDFs, `DIR/<doc>.pdf`.
    pub pdf: bool,
    /// The site, `DIR/html/`.
    pub html: bool,
}

impl Default for Formats {
    /// The PDFs only, as `sigdoc build` writes by default.
    fn default() -> Formats {
        Formats { pdf: true, html: false }
    }
}

/// The path of a document's page inside the output folder.
pub fn page_path(doc: DocKind) -> String {
    format!("{SITE_FOLDER}/{}.html", doc.name())
}

/// One document's page view and HTML.
pub struct SitePage {
    /// The document.
    pub doc: DocKind,
    /// What the page shows.
    pub view: PageView,
    /// The page.
    pub html: String,
}

/// What a watch keeps between writes of the site: each threat's view, and the written
/// parts of the analysis's page.
#[derive(Debug, Default)]
pub struct SiteCache {
    /// The threats' views, shared with the PDFs' data.
    pub threats: ThreatCache,
    /// The analysis page's threat sections, summary, matrix and contents.
    pub analysis: PageCache,
}

/// The pages of `docs` (with their `histories`), each written from its typed view;
/// `cache` keeps views and written parts between calls (a watch), `pdfs` says whether
/// the PDFs of the same build lie beside the site for the pages to link to.
pub fn pages(
    d: &Deliverables,
    docs: &[DocKind],
    histories: &[History],
    options: &RenderOptions,
    cache: Option<&SiteCache>,
    pdfs: bool,
) -> Vec<SitePage> {
    let links = SiteLinks { pdfs };
    docs.par_iter()
        .zip(histories.par_iter())
        .map(|(doc, history)| {
            let view = page_view(*doc, d, history, options, cache.map(|c| &c.threats));
            let parts = cache.filter(|_| *doc == DocKind::Analysis).map(|c| &c.analysis);
            let html = page_cached(&view, &links, parts);
            SitePage { doc: *doc, view, html }
        })
        .collect()
}

/// Every file of the site: the pages, the front page listing them, the assets.
pub fn files(pages: &[SitePage], pdfs: bool) -> Vec<(String, Vec<u8>)> {
    let views: Vec<&PageView> = pages.iter().map(|p| &p.view).collect();
    let mut files: Vec<(String, Vec<u8>)> =
        pages.iter().map(|p| (page_path(p.doc), p.html.as_bytes().to_vec())).collect();
    files.push((format!("{SITE_FOLDER}/index.html"), index(&views, &SiteLinks { pdfs }).into_bytes()));
    files.extend(assets().into_iter().map(|(name, bytes)| (format!("{SITE_FOLDER}/{name}"), bytes.to_vec())));
    files
}
