//! `sigdoc init [DIR]`: a documents folder with a small working example that `check` and
//! `build` accept, to start from.

use std::path::Path;

use crate::CliError;
use crate::args::InitArgs;
use crate::console::Console;

/// Writes the example into `DIR/<root>`; refuses a documents folder that has files.
pub fn run(args: &InitArgs, root: &str, cwd: &Path, console: &mut Console<'_>) -> Result<(), CliError> {
    let project = args.dir.as_deref().unwrap_or(Path::new("."));
    let shown = sigdoc::skeleton::write_example(project, root, cwd, &mut console.waiting())?;
    for (rel, _) in sigdoc::skeleton::EXAMPLE {
        console.out_line(shown.join(rel).display());
    }
    let inside = if project == Path::new(".") { String::new() } else { format!("cd {} && ", project.display()) };
    console.info(format!(
        "created {}; next: {inside}git init (unless it is in a repository already), sigdoc check, sigdoc build",
        shown.display()
    ));
    Ok(())
}
