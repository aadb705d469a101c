//! Building documents: the histories, typesetting in parallel, and writing every PDF
//! and web page (and, if asked, the Typst input) all or nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sigdoc_model::{DocKind, History};
use sigdoc_render::{Passes, PdfStandard, RenderOptions, Rendered, render};

use crate::error::Error;
use crate::output::OutputDir;
use crate::site::{self, Formats};
use crate::workspace::Workspace;

/// What to build: which documents, into which folder, and where the Typst input goes.
pub struct BuildPlan<'a> {
    /// The documents, in build order.
    pub docs: &'a [DocKind],
    /// The folder the PDFs go into.
    pub output: &'a OutputDir,
    /// A folder for the exact Typst input compiled, if asked for.
    pub emit_typst: Option<&'a OutputDir>,
    /// The PDF standards the files must conform to (`--pdf-standard`); none for an
    /// ordinary build.
    pub standards: &'a [PdfStandard],
    /// The PDFs, the web pages (`html/`), or both.
    pub formats: Formats,
}

/// What a build wrote.
#[derive(Debug, Default)]
pub struct BuildOutput {
    /// The PDFs.
    pub pdfs: Vec<Built>,
    /// The site's pages, `index.html` first, as the user named the folder.
    pub pages: Vec<PathBuf>,
}

/// One document built and written.
#[derive(Debug)]
pub struct Built {
    /// The document.
    pub doc: DocKind,
    /// The PDF's path as the user named the folder.
    pub path: PathBuf,
    /// Its typeset form: bytes, page count and Typst's warnings.
    pub rendered: Rendered,
}

/// The file name of a document's PDF in a build.
pub fn pdf_name(doc: DocKind) -> String {
    format!("{}.pdf", doc.name())
}

/// Checks, typesets and writes the documents of a plan; refuses documents with errors
/// (which the caller has reported) before anything is typeset.
pub fn build(ws: &Workspace, plan: &BuildPlan<'_>, on_wait: &mut dyn FnMut(&Path)) -> Result<BuildOutput, Error> {
    if ws.loaded().has_errors() {
        return Err(Error::InvalidDocuments);
    }
    let histories = ws.histories(plan.docs)?;
    let options =
        RenderOptions { timestamp: ws.timestamp(), standards: plan.standards.to_vec(), ..RenderOptions::default() };
    if let Some(emit) = plan.emit_typst {
        emit_typst(emit, ws, plan.docs, &histories, &options, on_wait)?;
    }
    // Documents compile in parallel and share fonts, library and Typst's caches.
    let (deliverables, snapshot) = (ws.deliverables(), &ws.snapshot);
    let pdf_docs = if plan.formats.pdf { plan.docs } else { &[] };
    let rendered: Vec<Result<Rendered, _>> = pdf_docs
        .par_iter()
        .zip(histories.par_iter())
        .map(|(doc, history)| render(*doc, deliverables, history, Some(snapshot), &options, Passes::EvictUnused))
        .collect();
    let mut built = Vec::new();
    for (doc, result) in pdf_docs.iter().zip(rendered) {
        built.push(Built { doc: *doc, path: plan.output.shown().join(pdf_name(*doc)), rendered: result? });
    }
    let site_files = if plan.formats.html {
        let pages = site::pages(deliverables, plan.docs, &histories, &options, None, plan.formats.pdf);
        site::files(&pages, plan.formats.pdf)
    } else {
        Vec::new()
    };
    // All or nothing: every PDF and page is written before any replaces its predecessor.
    let mut batch = plan.output.batch(on_wait)?;
    for b in &built {
        batch.add(&pdf_name(b.doc), &b.rendered.pdf)?;
    }
    for (path, bytes) in &site_files {
        batch.add(path, bytes)?;
    }
    batch.commit()?;
    let mut pages: Vec<PathBuf> = Vec::new();
    if plan.formats.html {
        pages.push(plan.output.shown().join(site::SITE_FOLDER).join("index.html"));
        pages.extend(plan.docs.iter().map(|doc| plan.output.shown().join(site::page_path(*doc))));
    }
    Ok(BuildOutput { pdfs: built, pages })
}

/// Writes the Typst input of each document (main files, templates, data, documents) so
/// that the stock `typst` CLI can compile exactly what sigdoc compiles.
fn emit_typst(
    dir: &OutputDir,
    ws: &Workspace,
    docs: &[DocKind],
    histories: &[History],
    options: &RenderOptions,
    on_wait: &mut dyn FnMut(&Path),
) -> Result<(), Error> {
    let mut batch = dir.batch(on_wait)?;
    let mut written = BTreeSet::new();
    for (doc, history) in docs.iter().zip(histories) {
        let data = sigdoc_render::render_data(*doc, ws.deliverables(), history, options, None);
        let files = sigdoc_render::world_files(*doc, &data, Some(&ws.snapshot));
        for (path, bytes) in files.sorted() {
            // Templates and documents are the same in every world: written once.
            if written.insert(path.to_owned()) {
                batch.add(path.trim_start_matches('/'), bytes.as_slice())?;
            }
        }
    }
    batch.commit()
}
