//! `sigdoc build`: report the problems, then let the driver typeset and write the PDFs
//! and web pages.

use std::time::Instant;

use sigdoc::output::OutputDir;
use sigdoc::site::Formats;
use sigdoc::{BuildPlan, Settings, Workspace};

use crate::CliError;
use crate::args::{BuildArgs, BuildFormat};
use crate::console::Console;
use crate::report;
use crate::terminal::terminal_safe;

/// Checks the documents, renders the requested ones and writes them to the output folder.
pub fn run(ws: &Workspace, settings: &Settings, args: &BuildArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let docs = crate::args::documents(&args.only);
    // Where the files go is checked before anything is built.
    let places = ws.places();
    let output = OutputDir::new(&args.output, &settings.cwd, &places)?;
    let emit = args.emit_typst.as_deref().map(|dir| OutputDir::new(dir, &settings.cwd, &places)).transpose()?;
    report::print_human(console, &ws.snapshot, &ws.loaded().diagnostics);
    if ws.loaded().has_errors() {
        console.info("nothing was written");
        return Err(CliError::InvalidDocuments);
    }
    let started = Instant::now();
    let standards = crate::args::standards(&args.pdf_standards);
    let formats =
        Formats { pdf: args.format.contains(&BuildFormat::Pdf), html: args.format.contains(&BuildFormat::Html) };
    let plan = BuildPlan { docs: &docs, output: &output, emit_typst: emit.as_ref(), standards: &standards, formats };
    let written = sigdoc::build(ws, &plan, &mut console.waiting())?;
    let built = &written.pdfs;
    for b in built {
        if console.verbose {
            for w in &b.rendered.warnings {
                console.info(format!("{}.pdf: typst {}", b.doc.name(), terminal_safe(&w.to_string())));
            }
        }
    }
    for b in built {
        console.out_line(b.path.display());
        if console.verbose {
            console.info(format!("  {} pages", b.rendered.pages));
        }
    }
    for page in &written.pages {
        console.out_line(page.display());
    }
    if console.verbose {
        console.info(format!("built in {:.2?}", started.elapsed()));
    }
    Ok(())
}
