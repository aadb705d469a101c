//! `sigdoc check`: every problem of the documents, located.

use crate::args::{CheckArgs, Format};
use crate::console::Console;
use crate::error::CliError;
use crate::report;
use crate::workspace::Workspace;

/// Runs the check and reports; exit 1 when there is an error.
pub fn run(ws: &Workspace, args: &CheckArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let diagnostics = &ws.loaded.diagnostics;
    match args.format {
        Format::Json => report::print_json(console, diagnostics),
        Format::Human => {
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
    if ws.loaded.has_errors() { Err(CliError::InvalidDocuments) } else { Ok(()) }
}
