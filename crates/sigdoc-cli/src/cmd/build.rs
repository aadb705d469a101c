//! `sigdoc build`: check, typeset, and write the PDFs atomically.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use sigdoc_model::DocKind;
use sigdoc_render::{Passes, RenderOptions, Rendered, render};

use crate::args::BuildArgs;
use crate::console::Console;
use crate::error::CliError;
use crate::report;
use crate::workspace::{Workspace, parse_docs};

/// Checks the documents, renders the requested ones and writes them to the output folder.
pub fn run(ws: &Workspace, args: &BuildArgs, cwd: &Path, console: &mut Console<'_>) -> Result<(), CliError> {
    let docs = parse_docs(&args.only)?;
    report::print_human(console, &ws.snapshot, &ws.loaded().diagnostics);
    if ws.loaded().has_errors() {
        console.info("nothing was written");
        return Err(CliError::InvalidDocuments);
    }
    let histories = ws.histories(&docs)?;
    let options = RenderOptions { timestamp: ws.timestamp(), attachments: Vec::new() };
    if let Some(dir) = &args.emit_typst {
        emit_typst(&cwd.join(dir), ws, &docs, &histories, &options)?;
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
                console.info(format!("{}.pdf: typst {w}", doc.name()));
            }
        }
        outputs.push((doc, pdf));
    }
    let out_dir = cwd.join(&args.output);
    std::fs::create_dir_all(&out_dir)
        .map_err(|source| CliError::Io { what: format!("cannot create {}", args.output.display()), source })?;
    for (doc, pdf) in &outputs {
        let path = out_dir.join(format!("{}.pdf", doc.name()));
        write_atomically(&path, &pdf.pdf)?;
        console.out_line(args.output.join(format!("{}.pdf", doc.name())).display());
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
    dir: &Path,
    ws: &Workspace,
    docs: &[DocKind],
    histories: &[sigdoc_model::History],
    options: &RenderOptions,
) -> Result<(), CliError> {
    for (doc, history) in docs.iter().zip(histories) {
        let data = sigdoc_render::render_data(*doc, ws.deliverables(), history, options, None);
        let files = sigdoc_render::world_files(*doc, &data, Some(&ws.snapshot));
        for (path, bytes) in files.sorted() {
            let target = dir.join(path.trim_start_matches('/'));
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|source| CliError::Io { what: format!("cannot create {}", parent.display()), source })?;
            }
            write_atomically(&target, bytes.as_slice())?;
        }
    }
    Ok(())
}

/// Writes a file through a temporary file in the same folder and a rename, so that a
/// failure leaves the previous file in place and never a partial one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let io = |source| CliError::Io { what: format!("cannot write {}", path.display()), source };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}
