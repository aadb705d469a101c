//! `sigdoc init [DIR]`: a documents folder with a small working example that `check` and
//! `build` accept, to start from.

use std::io::{ErrorKind, Write};
use std::path::Path;

use crate::args::InitArgs;
use crate::console::Console;
use crate::error::CliError;

/// The example, relative to the documents folder; compiled in so that the binary alone
/// can start a project.
pub const EXAMPLE: &[(&str, &str)] = &[
    ("sig.yaml", include_str!("../../example/sig.yaml")),
    ("references.yaml", include_str!("../../example/references.yaml")),
    ("process.md", include_str!("../../example/process.md")),
    ("template.yaml", include_str!("../../example/template.yaml")),
    ("analysis.md", include_str!("../../example/analysis.md")),
    ("threats/starttls-stripping.yaml", include_str!("../../example/threats/starttls-stripping.yaml")),
];

/// Writes the example into `DIR/<root>`; refuses a documents folder that has files.
pub fn run(args: &InitArgs, root: &str, cwd: &Path, console: &mut Console<'_>) -> Result<(), CliError> {
    let project = args.dir.as_deref().unwrap_or(Path::new("."));
    let shown = project.join(root);
    let folder = cwd.join(&shown);
    if Path::new(root).is_absolute() || root.split(['/', '\\']).any(|part| part == "..") {
        return Err(CliError::Usage(format!("--root {root} must be a folder inside the project")));
    }
    let io = |what: String| move |source| CliError::Io { what, source };
    if let Ok(mut entries) = std::fs::read_dir(&folder)
        && entries.next().is_some()
    {
        return Err(CliError::Io {
            what: format!("cannot create the example in {}", shown.display()),
            source: std::io::Error::new(ErrorKind::AlreadyExists, "the folder exists and is not empty"),
        });
    }
    for (rel, text) in EXAMPLE {
        let path = folder.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(format!("cannot create {}", parent.display())))?;
        }
        let what = format!("cannot create {}", shown.join(rel).display());
        let mut file =
            std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(io(what.clone()))?;
        file.write_all(text.as_bytes()).map_err(io(what))?;
        console.out_line(shown.join(rel).display());
    }
    let inside = if project == Path::new(".") { String::new() } else { format!("cd {} && ", project.display()) };
    console.info(format!(
        "created {}; next: {inside}git init (unless it is in a repository already), sigdoc check, sigdoc build",
        shown.display()
    ));
    Ok(())
}
