//! `sigdoc build`: check, typeset, and write the PDFs atomically.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use sigdoc_model::DocKind;
use sigdoc_render::{Passes, RenderOptions, Rendered, render};

use crate::args::BuildArgs;
use crate::console::Console;
use crate::error::CliError;
use crate::output::OutputDir;
use crate::report;
use crate::terminal::terminal_safe;
use crate::workspace::{Workspace, parse_docs};

/// Checks the documents, renders the requested ones and writes them to the output folder.
pub fn run(ws: &Workspace, args: &BuildArgs, cwd: &Path, console: &mut Console<'_>) -> Result<(), CliError> {
    let docs = parse_docs(&args.only)?;
    // Where the files go is checked before anything is built.
    let places = ws.places();
    let out = OutputDir::new(&args.output, cwd, &places)?;
    let emit = args.emit_typst.as_deref().map(|dir| OutputDir::new(dir, cwd, &places)).transpose()?;
    report::print_human(console, &ws.snapshot, &ws.loaded().diagnostics);
    if ws.loaded().has_errors() {
        console.info("nothing was written");
        return Err(CliError::InvalidDocuments);
    }
    let histories = ws.histories(&docs)?;
    let options = RenderOptions { timestamp: ws.timestamp(), attachments: Vec::new() };
    if let Some(emit) = &emit {
        emit_typst(emit, ws, &docs, &histories, &options, console)?;
    }
    let started = Instant::now();
    // Documents compile in parallel and share fonts, library and Typst's caches.
    let (deliverables, snapshot) = (ws.deliverables(), &ws.snapshot);
    let rendered: Vec<(DocKind, Result<Rendered, _>)> = docs
        .par_iter()
        .zip(histories.par_iter())
        .map(|(doc, history)| {
            (*doc, render(*doc, deliverables, history, Some(snapshot), &options, Passes::EvictUnused))
        })
        .collect();
    let mut outputs = Vec::new();
    for (doc, result) in rendered {
        let pdf = result?;
        if console.verbose {
            for w in &pdf.warnings {
                console.info(format!("{}.pdf: typst {}", doc.name(), terminal_safe(&w.to_string())));
            }
        }
        outputs.push((doc, pdf));
    }
    // All or nothing: every PDF is written before any replaces its predecessor.
    let mut batch = out.batch(console)?;
    for (doc, pdf) in &outputs {
        batch.add(&format!("{}.pdf", doc.name()), &pdf.pdf)?;
    }
    batch.commit()?;
    for (doc, pdf) in &outputs {
        console.out_line(out.shown().join(format!("{}.pdf", doc.name())).display());
        if console.verbose {
            console.info(format!("  {} pages", pdf.pages));
        }
    }
    if console.verbose {
        console.info(format!("built in {:.2?}", started.elapsed()));
    }
    Ok(())
}

/// Writes the Typst input of each document (main files, templates, data, documents) so
/// that the stock `typst` CLI can compile exactly what sigdoc compiles.
fn emit_typst(
    dir: &OutputDir,
    ws: &Workspace,
    docs: &[DocKind],
    histories: &[sigdoc_model::History],
    options: &RenderOptions,
    console: &mut Console<'_>,
) -> Result<(), CliError> {
    let mut batch = dir.batch(console)?;
    let mut written = std::collections::BTreeSet::new();
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
