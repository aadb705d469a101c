//! Loading the project's documents and variations of them with one defect each.

use sigdoc_model::{Deliverables, Diagnostic, Snapshot};

/// The project's documents folder as a snapshot (files on disk, not git history).
fn documents() -> Snapshot {
    let root = manifest_dir().join("../../documents");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("documents folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(&root).expect("inside").to_string_lossy().replace('\\', "/");
                files.push((rel, std::fs::read(&path).expect("readable")));
            }
        }
    }
    Snapshot::from_files("documents", files)
}

fn with_file(mut snapshot: Snapshot, path: &str, text: &str) -> Snapshot {
    snapshot.files.insert(path.to_owned(), text.as_bytes().to_vec());
    snapshot
}

fn errors(snapshot: &Snapshot) -> Vec<Diagnostic> {
    Deliverables::load(snapshot).diagnostics.into_iter().filter(Diagnostic::is_error).collect()
}

fn a_threat() -> (String, String) {
    let snapshot = documents();
    let (path, bytes) = snapshot.files.iter().find(|(p, _)| p.starts_with("threats/")).expect("a threat");
    (path.clone(), String::from_utf8(bytes.clone()).expect("utf-8"))
}

#[test]
fn the_project_documents_load_without_problems() {
    let loaded = Deliverables::load(&documents());
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let d = loaded.deliverables;
    assert!(d.threats.len() >= 25, "{} threats", d.threats.len());
    for t in &d.threats {
        assert!(t.attack_tree().is_some(), "{} has an attack tree", t.id);
        assert!(t.priority(&d.process).is_some(), "{} has a priority", t.id);
    }
}

#[test]
fn an_unknown_level_is_located_and_lists_the_allowed_ones() {
    let (path, text) = a_threat();
    let line = text.lines().position(|l| l.starts_with("likelihood:")).expect("likelihood line") + 1;
    let broken = text.replacen("likelihood: ", "likelihood: hihg #", 1);
    let errs = errors(&with_file(documents(), &path, &broken));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let e = &errs[0];
    assert_eq!(e.file, format!("documents/{path}"));
    assert_eq!((e.line, e.column), (line, 13));
    assert!(e.message.contains("\"hihg\"") && e.message.contains("low, medium, high"), "{}", e.message);
}

#[test]
fn every_problem_is_reported_at_once() {
    let (path, text) = a_threat();
    let broken = text.replacen("likelihood: ", "likelihood: hihg #", 1).replacen("damage: ", "damage: huge #", 1)
        + "\nsevrity: high\n";
    let errs = errors(&with_file(documents(), &path, &broken));
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(errs.iter().any(|e| e.message.contains("did you mean")), "{errs:#?}");
    let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "sorted by line");
}

#[test]
fn a_missing_required_field_and_a_wrong_id_are_errors() {
    let (path, text) = a_threat();
    let without_gap: String = {
        let mut out = String::new();
        let mut skipping = false;
        for line in text.lines() {
            if line.starts_with("gap:") {
                skipping = true;
                continue;
            }
            if skipping && (line.starts_with(' ') || line.is_empty()) {
                continue;
            }
            skipping = false;
            out.push_str(line);
            out.push('\n');
        }
        out
    };
    let errs = errors(&with_file(documents(), &path, &without_gap));
    assert!(errs.iter().any(|e| e.message.contains("missing required field \"gap\"")), "{errs:#?}");
    let renamed = with_file(documents(), "threats/other-name.yaml", &text);
    let errs = errors(&renamed);
    assert!(
        errs.iter().any(|e| e.file.ends_with("other-name.yaml") && e.message.contains("differs from the file name"))
    );
}

#[test]
fn malformed_files_never_panic_and_are_located() {
    let cases: &[(&str, &str)] = &[
        ("sig.yaml", ""),
        ("sig.yaml", "- a list\n- not a mapping\n"),
        ("sig.yaml", "name: [unclosed\n"),
        ("references.yaml", "RFC 6120: just a string\n"),
        ("process.md", "no front matter\n"),
        ("process.md", "---\ntitle: x\n"),
        ("template.yaml", "fields:\n  - {key: a, kind: nonsense}\n"),
        ("threats/x.yaml", "id: x\nattack_tree: {goal: g, gate: xor, children: []}\n"),
        ("threats/y.yaml", "id: y\nattack_tree: {goal: g, cost: -3}\n"),
    ];
    for (path, text) in cases {
        let errs = errors(&with_file(documents(), path, text));
        assert!(!errs.is_empty(), "{path}: {text:?} gives an error");
        assert!(errs.iter().any(|e| e.file == format!("documents/{path}")), "{path}: {errs:#?}");
    }
    let not_utf8 = {
        let mut s = documents();
        s.files.insert("sig.yaml".into(), b"name: \xff\xfe\n".to_vec());
        s
    };
    let errs = errors(&not_utf8);
    assert!(errs.iter().any(|e| e.message.contains("UTF-8") && e.line == 1), "{errs:#?}");
}

#[test]
fn a_stated_priority_must_follow_the_matrix_unless_explained() {
    let (path, text) = a_threat();
    let d = Deliverables::load(&documents()).deliverables;
    let id = path.trim_start_matches("threats/").trim_end_matches(".yaml");
    let computed = d.threat(id).and_then(|t| t.computed_priority(&d.process)).expect("computed");
    let other = if computed == 1 { 2 } else { 1 };
    let stated = format!("{text}\npriority: {other}\n");
    let errs = errors(&with_file(documents(), &path, &stated));
    assert!(errs.iter().any(|e| e.message.contains("differs from the matrix")), "{errs:#?}");
    let explained = format!("{stated}priority_reason: The group judges it differently.\n");
    assert!(errors(&with_file(documents(), &path, &explained)).is_empty());
}

/// This crate's folder in the checkout the tests run in: cargo sets it when running
/// tests, while the compile-time value names whichever checkout built the binary first
/// when checkouts share a target folder.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}
