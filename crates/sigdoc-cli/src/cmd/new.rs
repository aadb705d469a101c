//! `sigdoc new threat ID`: a threat file with every template field and its guidance as
//! comments, written into the working tree's documents folder, never over an existing file.

use sigdoc::model::is_slug;

use crate::CliError;
use crate::args::{NewArgs, NewCommand};
use crate::console::Console;
use crate::report;
use sigdoc::workspace::Workspace;

/// Writes the new file, or says why not: an invalid id (exit 2), an existing threat or a
/// broken template (exit 1).
pub fn run(ws: &Workspace, args: &NewArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let NewCommand::Threat { id, proposed } = &args.what;
    if !is_slug(id) {
        return Err(CliError::Usage(format!(
            "\"{id}\" is not a valid threat id: use lower-case letters a-z, digits and '-', not at either end"
        )));
    }
    let errors = sigdoc::schema::template_errors(ws);
    if !errors.is_empty() {
        report::print_human(console, &ws.snapshot, &errors);
        console.info("the template cannot be read, so nothing was written");
        return Err(CliError::InvalidDocuments);
    }
    let shown = sigdoc::skeleton::write_threat(ws, id, *proposed)?;
    console.out_line(&shown);
    let what = if *proposed { "fill in its name and abstract" } else { "fill in every field" };
    console.info(format!("{what}, then run `sigdoc check`; {shown} is not committed yet"));
    Ok(())
}
