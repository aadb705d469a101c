//! The example documents `sigdoc init` writes, loaded, for tests of the views.

use sigdoc_model::{Deliverables, Snapshot};

/// The example's files, by path in the documents folder.
const EXAMPLE: [(&str, &str); 6] = [
    ("sig.yaml", include_str!("../../../sigdoc/example/sig.yaml")),
    ("references.yaml", include_str!("../../../sigdoc/example/references.yaml")),
    ("process.md", include_str!("../../../sigdoc/example/process.md")),
    ("template.yaml", include_str!("../../../sigdoc/example/template.yaml")),
    ("analysis.md", include_str!("../../../sigdoc/example/analysis.md")),
    ("threats/starttls-stripping.yaml", include_str!("../../../sigdoc/example/threats/starttls-stripping.yaml")),
];

/// The example's deliverables, with `threats` added as further threat files.
pub(crate) fn example_with(threats: &[(&str, &str)]) -> Deliverables {
    let files = EXAMPLE.iter().chain(threats).map(|(path, text)| ((*path).to_owned(), text.as_bytes().to_vec()));
    let loaded = Deliverables::load(&Snapshot::from_files("documents", files.collect::<Vec<_>>()));
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    loaded.deliverables
}

/// The example's deliverables.
pub(crate) fn example() -> Deliverables {
    example_with(&[])
}
