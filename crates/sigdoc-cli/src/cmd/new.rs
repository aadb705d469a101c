//! `sigdoc new threat ID`: a threat file with every template field and its guidance as
//! comments, written into the working tree's documents folder, never over an existing file.

use std::io::{ErrorKind, Write};

use sigdoc_model::{ApproachPart, Deliverables, Field, FieldKind, STATUS_KEY, ThreatStatus, is_slug};

use crate::CliError;
use crate::args::{NewArgs, NewCommand};
use crate::console::Console;
use crate::report;
use sigdoc::workspace::Workspace;

/// Writes the new file, or says why not: an invalid id (exit 2), an existing threat or a
/// broken template (exit 1).
pub fn run(ws: &Workspace, args: &NewArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let NewCommand::Threat { id } = &args.what;
    if !is_slug(id) {
        return Err(CliError::Usage(format!(
            "\"{id}\" is not a valid threat id: use lower-case letters a-z, digits and '-', not at either end"
        )));
    }
    let errors = super::schema::template_errors(ws);
    if !errors.is_empty() {
        report::print_human(console, &ws.snapshot, &errors);
        console.info("the template cannot be read, so nothing was written");
        return Err(CliError::InvalidDocuments);
    }
    let rel = format!("threats/{id}.yaml");
    let shown = ws.snapshot.display_path(&rel);
    let exists = |what: String| CliError::Io {
        what: format!("cannot create {shown} (sigdoc new never overwrites)"),
        source: std::io::Error::new(ErrorKind::AlreadyExists, what),
    };
    if let Some(other) = ws.deliverables().threat(id) {
        return Err(exists(format!("{} holds threat \"{id}\"", other.file)));
    }
    // A file that failed to load still holds the threat.
    for ext in ["yaml", "yml"] {
        let other = format!("threats/{id}.{ext}");
        if ws.snapshot.get(&other).is_some() {
            return Err(exists(format!("{} exists already", ws.snapshot.display_path(&other))));
        }
    }
    let Some(workdir) = ws.repo.workdir() else {
        return Err(CliError::Io {
            what: format!("cannot create {shown}"),
            source: std::io::Error::other("the repository is bare: it has no working tree to write to"),
        });
    };
    let path = workdir.join(&ws.root).join(&rel);
    let io = |source| CliError::Io { what: format!("cannot create {shown}"), source };
    // The documents folder is real (the snapshot refuses a link); `threats` must be too.
    let threats = workdir.join(&ws.root).join("threats");
    if std::fs::symlink_metadata(&threats).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io(std::io::Error::other("threats/ is a symbolic link; sigdoc writes only into a real folder")));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    // create_new refuses an existing file atomically, even one created a moment ago.
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| {
        if e.kind() == ErrorKind::AlreadyExists { exists("the file exists already".into()) } else { io(e) }
    })?;
    file.write_all(threat_skeleton(id, ws.deliverables()).as_bytes()).map_err(io)?;
    console.out_line(&shown);
    console.info(format!("fill in every field, then run `sigdoc check`; {shown} is not committed yet"));
    Ok(())
}

/// The text of a new threat file: `id`, then every field with its label, kind, whether it
/// is required, and its guidance as comments, and an empty value that `check` flags.
pub fn threat_skeleton(id: &str, d: &Deliverables) -> String {
    let mut out = format!(
        "# A threat of the {}'s {}: one value per field of {}.\n\
         # The comments are the template's guidance; `sigdoc check` lists what is still missing.\n\
         id: {id}\n",
        d.sig.name, d.analysis.meta.title, d.template.meta.title
    );
    if d.template.field(STATUS_KEY).is_none() {
        out.push_str(&format!("{STATUS_KEY}: {}  # one of: {}\n", ThreatStatus::Open, ThreatStatus::names()));
    }
    for field in &d.template.fields {
        out.push('\n');
        let need = if field.required { "required" } else { "optional" };
        out.push_str(&format!("# {} ({need}): {}\n", field.label, kind_hint(field, d)));
        if !field.guidance.trim().is_empty() {
            out.push_str("#\n");
            for line in field.guidance.trim_end().lines() {
                out.push_str(format!("# {line}").trim_end());
                out.push('\n');
            }
        }
        out.push_str(&format!("{}:\n", field.key));
    }
    out
}

/// What a value of a field looks like, in one line.
fn kind_hint(field: &Field, d: &Deliverables) -> String {
    match &field.kind {
        FieldKind::Text => "one line of text".into(),
        FieldKind::Markdown => "Markdown; write it as a block after `|`".into(),
        FieldKind::Level(scale) => {
            let levels: Vec<&str> = d.process.scale(scale).into_iter().flatten().map(|l| l.level.as_str()).collect();
            format!("a level of the {scale} scale, one of: {}", levels.join(", "))
        }
        FieldKind::Priority => {
            "computed by the process's matrix; state a number only with `priority_reason: why`".into()
        }
        FieldKind::AttackTree => {
            "{goal, gate: or|and|sand, children: [...]}; a leaf is {goal, cost?, possible?, equipment?}".into()
        }
        FieldKind::References => "a list of {ref: <an id of references.yaml>, note: <Markdown>}".into(),
        FieldKind::Approaches => {
            let parts: Vec<String> = ApproachPart::ALL.iter().map(|p| format!("{}: <Markdown>", p.key())).collect();
            format!("a list of {{{}}}", parts.join(", "))
        }
        FieldKind::List => "a list of Markdown items".into(),
        FieldKind::Status => format!("one of: {}", ThreatStatus::names()),
    }
}
