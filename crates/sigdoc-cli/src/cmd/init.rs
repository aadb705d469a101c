//! `sigdoc init [DIR]`: a documents folder with a small working example that `check` and
//! `build` accept, to start from.

use std::io::ErrorKind;
use std::path::Path;

use sigdoc_git::Repo;

use crate::CliError;
use crate::args::InitArgs;
use crate::console::Console;
use sigdoc::output::{OutputDir, Places};

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
    // Inside a repository, never into its git directory nor through one of its links.
    let places = first_existing(&folder)
        .and_then(|dir| Repo::discover(dir).ok())
        .map_or_else(Places::default, |repo| Places::of(&repo, root).without_documents());
    let out = OutputDir::new(&shown, cwd, &places)?;
    if let Ok(mut entries) = std::fs::read_dir(out.real_path())
        && entries.next().is_some()
    {
        return Err(CliError::Io {
            what: format!("cannot create the example in {}", shown.display()),
            source: std::io::Error::new(ErrorKind::AlreadyExists, "the folder exists and is not empty"),
        });
    }
    let mut batch = out.batch(&mut console.waiting())?;
    for (rel, text) in EXAMPLE {
        batch.add(rel, text.as_bytes())?;
    }
    batch.commit()?;
    for (rel, _) in EXAMPLE {
        console.out_line(shown.join(rel).display());
    }
    let inside = if project == Path::new(".") { String::new() } else { format!("cd {} && ", project.display()) };
    console.info(format!(
        "created {}; next: {inside}git init (unless it is in a repository already), sigdoc check, sigdoc build",
        shown.display()
    ));
    Ok(())
}

/// The nearest folder of `path` (itself or a parent) that exists.
fn first_existing(path: &Path) -> Option<&Path> {
    path.ancestors().find(|p| p.is_dir())
}
