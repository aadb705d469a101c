//! `sigdoc check`: every problem of the documents, located.

use crate::CliError;
use crate::args::{CheckArgs, CheckFormat};
use crate::console::Console;
use crate::report;
use sigdoc::workspace::Workspace;

/// Runs the check and reports; exit 1 when there is an error.
pub fn run(ws: &Workspace, args: &CheckArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let diagnostics = &ws.loaded().diagnostics;
    match args.format {
        CheckFormat::Json => report::print_json(console, diagnostics),
        CheckFormat::Sarif => console.out_line(report::sarif(diagnostics)),
        CheckFormat::Github => {
            let _ = console.out.write_all(report::github(diagnostics).as_bytes());
        }
        CheckFormat::Human => {
            report::print_human(console, &ws.snapshot, diagnostics);
            if diagnostics.is_empty() {
                let n = ws.deliverables().threats.len();
                console.info(format!(
                    "{}: no problems ({n} threat{})",
                    ws.snapshot.root,
                    if n == 1 { "" } else { "s" }
                ));
            }
        }
    }
    if ws.loaded().has_errors() { Err(CliError::InvalidDocuments) } else { Ok(()) }
}
