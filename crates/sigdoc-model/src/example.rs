//! The example documents `sigdoc init` writes, for tests of loading and of what loads.

use crate::{Deliverables, Snapshot};

/// The example's files, by path in the documents folder.
pub(crate) const EXAMPLE: [(&str, &str); 6] = [
    ("sig.yaml", include_str!("../../sigdoc/example/sig.yaml")),
    ("references.yaml", include_str!("../../sigdoc/example/references.yaml")),
    ("process.md", include_str!("../../sigdoc/example/process.md")),
    ("template.yaml", include_str!("../../sigdoc/example/template.yaml")),
    ("analysis.md", include_str!("../../sigdoc/example/analysis.md")),
    ("threats/starttls-stripping.yaml", include_str!("../../sigdoc/example/threats/starttls-stripping.yaml")),
];

/// The example's deliverables with `edit` applied to each file, and whether any problem
/// is an error.
pub(crate) fn load_example(edit: impl Fn(&str, &str) -> String) -> (Deliverables, bool) {
    let files = EXAMPLE.map(|(path, text)| (path, edit(path, text)));
    let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
    let errors = loaded.has_errors();
    (loaded.deliverables, errors)
}
