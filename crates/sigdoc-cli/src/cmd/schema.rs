//! `sigdoc schema`: prints the JSON Schema of threat files, or why it cannot be derived.

use sigdoc::schema::{template_errors, threat_schema};
use sigdoc::workspace::Workspace;

use crate::CliError;
use crate::args::SchemaArgs;
use crate::console::Console;
use crate::report;

/// Prints the schema, or the template's errors (exit 1) when it cannot be derived.
pub fn run(ws: &Workspace, _args: &SchemaArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let errors = template_errors(ws);
    if !errors.is_empty() {
        report::print_human(console, &ws.snapshot, &errors);
        return Err(CliError::InvalidDocuments);
    }
    let schema = threat_schema(ws.deliverables());
    console.out_line(serde_json::to_string_pretty(&schema).unwrap_or_default());
    Ok(())
}
