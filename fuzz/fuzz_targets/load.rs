//! Fuzzes the loaders: arbitrary bytes replace one file of a valid documents folder, and
//! `Deliverables::load` must report problems as located diagnostics, never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sigdoc_model::{Deliverables, Snapshot};

/// A small valid documents folder: the example that `sigdoc init` writes.
const BASE: &[(&str, &str)] = &[
    ("sig.yaml", include_str!("../../crates/sigdoc/example/sig.yaml")),
    ("references.yaml", include_str!("../../crates/sigdoc/example/references.yaml")),
    ("process.md", include_str!("../../crates/sigdoc/example/process.md")),
    ("template.yaml", include_str!("../../crates/sigdoc/example/template.yaml")),
    ("analysis.md", include_str!("../../crates/sigdoc/example/analysis.md")),
    (
        "threats/starttls-stripping.yaml",
        include_str!("../../crates/sigdoc/example/threats/starttls-stripping.yaml"),
    ),
];

fuzz_target!(|data: &[u8]| {
    // The first byte picks the file to replace (or adds a second threat), the rest is its content.
    let Some((&pick, content)) = data.split_first() else { return };
    let mut files: Vec<(String, Vec<u8>)> =
        BASE.iter().map(|(path, text)| ((*path).to_owned(), text.as_bytes().to_vec())).collect();
    let target = usize::from(pick) % (BASE.len() + 1);
    if target == BASE.len() {
        files.push(("threats/fuzzed.yaml".to_owned(), content.to_vec()));
    } else {
        files[target].1 = content.to_vec();
    }
    let snapshot = Snapshot::from_files("documents", files);
    let loaded = Deliverables::load(&snapshot);
    for d in &loaded.diagnostics {
        // Every problem names a file of the folder and a place that exists in it.
        assert!(d.file.starts_with("documents/"), "{d}");
        let rel = &d.file["documents/".len()..];
        if let Some(text) = snapshot.get(rel).and_then(|b| std::str::from_utf8(b).ok()) {
            let lines = text.split('\n').count();
            assert!(d.line <= lines.max(1), "line {} of a {lines}-line file: {d}", d.line);
        }
        assert!(!d.message.is_empty());
    }
    // Evaluating what was loaded must not panic either (attack trees, priorities).
    let d = &loaded.deliverables;
    for threat in &d.threats {
        let _ = threat.priority(&d.template, &d.process);
        if let Some(tree) = threat.attack_tree() {
            let _ = tree.evaluate();
        }
    }
});
