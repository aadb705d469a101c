//! Starting points: the example documents folder of `init`, and a new threat file with
//! every template field and its guidance as comments.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use sigdoc_git::Repo;
use sigdoc_model::{ApproachPart, Deliverables, Field, FieldKind, STATUS_KEY, ThreatStatus};

use crate::error::Error;
use crate::output::{OutputDir, Places};
use crate::workspace::Workspace;

/// The example, relative to the documents folder; compiled in so that the binary alone
/// can start a project.
pub const EXAMPLE: &[(&str, &str)] = &[
    ("sig.yaml", include_str!("../example/sig.yaml")),
    ("references.yaml", include_str!("../example/references.yaml")),
    ("process.md", include_str!("../example/process.md")),
    ("template.yaml", include_str!("../example/template.yaml")),
    ("analysis.md", include_str!("../example/analysis.md")),
    ("threats/starttls-stripping.yaml", include_str!("../example/threats/starttls-stripping.yaml")),
];

/// Writes the example into `<project>/<root>` (relative to `cwd`), refusing a documents
/// folder that has files; returns the folder as shown to the user.
pub fn write_example(project: &Path, root: &str, cwd: &Path, on_wait: &mut dyn FnMut(&Path)) -> Result<PathBuf, Error> {
    let shown = project.join(root);
    let folder = cwd.join(&shown);
    if Path::new(root).is_absolute() || root.split(['/', '\\']).any(|part| part == "..") {
        return Err(Error::Usage(format!("--root {root} must be a folder inside the project")));
    }
    // Inside a repository, never into its git directory nor through one of its links.
    let places = first_existing(&folder)
        .and_then(|dir| Repo::discover(dir).ok())
        .map_or_else(Places::default, |repo| Places::of(&repo, root).without_documents());
    let out = OutputDir::new(&shown, cwd, &places)?;
    if let Ok(mut entries) = std::fs::read_dir(out.real_path())
        && entries.next().is_some()
    {
        return Err(Error::Io {
            what: format!("cannot create the example in {}", shown.display()),
            source: std::io::Error::new(ErrorKind::AlreadyExists, "the folder exists and is not empty"),
        });
    }
    let mut batch = out.batch(on_wait)?;
    for (rel, text) in EXAMPLE {
        batch.add(rel, text.as_bytes())?;
    }
    batch.commit()?;
    Ok(shown)
}

/// The nearest folder of `path` (itself or a parent) that exists.
fn first_existing(path: &Path) -> Option<&Path> {
    path.ancestors().find(|p| p.is_dir())
}

/// Writes a new threat file into the working tree's documents folder, never over an
/// existing file nor through a link; returns its path as shown to the user. A `proposed`
/// threat's file says so in its status.
pub fn write_threat(ws: &Workspace, id: &str, proposed: bool) -> Result<String, Error> {
    let rel = format!("threats/{id}.yaml");
    let shown = ws.snapshot.display_path(&rel);
    let exists = |what: String| Error::Io {
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
        return Err(Error::Io {
            what: format!("cannot create {shown}"),
            source: std::io::Error::other("the repository is bare: it has no working tree to write to"),
        });
    };
    let path = workdir.join(&ws.root).join(&rel);
    let io = |source| Error::Io { what: format!("cannot create {shown}"), source };
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
    file.write_all(threat_skeleton(id, ws.deliverables(), proposed).as_bytes()).map_err(io)?;
    Ok(shown)
}

/// The text of a new threat file: `id`, then every field with its label, kind, whether it
/// is required, and its guidance as comments, and an empty value that `check` flags: as
/// an error, or for a `proposed` threat (status `proposed`) as a warning, except its name
/// and abstract.
pub fn threat_skeleton(id: &str, d: &Deliverables, proposed: bool) -> String {
    let status = if proposed { ThreatStatus::Proposed } else { ThreatStatus::Open };
    let todo = if proposed {
        "# A proposed threat needs only its name and abstract now; `sigdoc check` warns about\n\
         # the other fields until they are written.\n"
    } else {
        "# The comments are the template's guidance; `sigdoc check` lists what is still missing.\n"
    };
    let mut out = format!(
        "# A threat of the {}'s {}: one value per field of {}.\n{todo}id: {id}\n",
        d.sig.name, d.analysis.meta.title, d.template.meta.title
    );
    if d.template.field(STATUS_KEY).is_none() {
        out.push_str(&format!("{STATUS_KEY}: {status}  # one of: {}\n", ThreatStatus::names()));
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
        // The template's own status field holds the status a proposed threat must state.
        if proposed && field.kind == FieldKind::Status {
            out.push_str(&format!("{}: {status}\n", field.key));
        } else {
            out.push_str(&format!("{}:\n", field.key));
        }
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
