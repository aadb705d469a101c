//! Fuzzes prose: arbitrary text goes through the model's prose checks (as a Markdown body
//! and as a YAML block scalar) and the renderer's Markdown conversion. No panic; every
//! problem is located inside the text's file; no node tree nests past the model's limit,
//! and within it the tree is as deep as the model measures; no link is live unless the
//! model's predicate accepts its address.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use sigdoc_model::links::is_live;
use sigdoc_model::prose::{MAX_NESTING, examine};
use sigdoc_model::{Deliverables, Reference, References, Snapshot};
use sigdoc_render::markdown::{nesting_depth, to_nodes};

const SIG: &str = include_str!("../../crates/sigdoc/example/sig.yaml");
const REFERENCES: &str = include_str!("../../crates/sigdoc/example/references.yaml");
const PROCESS: &str = include_str!("../../crates/sigdoc/example/process.md");
const TEMPLATE: &str = include_str!("../../crates/sigdoc/example/template.yaml");
const THREAT: &str = include_str!("../../crates/sigdoc/example/threats/starttls-stripping.yaml");

fn references() -> References {
    let mut refs = References::new();
    for (id, url) in [("RFC 6120", "https://www.rfc-editor.org/rfc/rfc6120"), ("XEP-0001", "javascript:alert(1)")] {
        refs.insert(id.into(), Reference { id: id.into(), title: "T".into(), url: url.into() });
    }
    refs
}

/// The example documents folder with `text` as the analysis's body and as a threat's
/// definition (a YAML block scalar).
fn documents(text: &str) -> Snapshot {
    let analysis = format!("---\ntitle: A\nabstract: x\nstatus: Experimental\ntype: Informational\n---\n{text}");
    let indented: String = text.lines().map(|l| format!("  {l}\n")).collect();
    let threat = THREAT.replacen("definition: |\n", &format!("definition: |\n{indented}"), 1);
    Snapshot::from_files(
        "documents",
        [
            ("sig.yaml".to_owned(), SIG.to_owned()),
            ("references.yaml".to_owned(), REFERENCES.to_owned()),
            ("process.md".to_owned(), PROCESS.to_owned()),
            ("template.yaml".to_owned(), TEMPLATE.to_owned()),
            ("analysis.md".to_owned(), analysis),
            ("threats/starttls-stripping.yaml".to_owned(), threat),
        ],
    )
}

/// Every link node's address is live; every citation links only a live address.
fn check_links(value: &Value) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => {
                match map.get("t").and_then(Value::as_str) {
                    Some("link") => {
                        let url = map["url"].as_str().expect("a link has an address");
                        assert!(is_live(url), "a live link to {url:?}");
                    }
                    Some("cite") => {
                        if let Some(href) = map["href"].as_str() {
                            assert!(is_live(href), "a live citation to {href:?}");
                        }
                    }
                    _ => {}
                }
                pending.extend(map.values());
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let refs = references();

    let found = examine(text, &refs);
    for problem in &found.problems {
        assert!(text.is_char_boundary(problem.offset), "{problem:?} is not at a character of the text");
        assert!(!problem.message.is_empty());
    }
    assert!(found.headings.iter().all(|&h| h < text.len()));

    let snapshot = documents(text);
    let loaded = Deliverables::load(&snapshot);
    // The prose checks' own problems (YAML's are the `load` target's: YAML counts a lone
    // carriage return as a line break, sigdoc's places count line feeds).
    let prose_problem = |message: &str| {
        ["link \"", "prose is nested", "footnote [^", " is mentioned but", "headings"]
            .iter()
            .any(|m| message.contains(m))
    };
    for d in loaded.diagnostics.iter().filter(|d| prose_problem(&d.message)) {
        let rel = d.file.strip_prefix("documents/").expect("a file of the documents folder");
        let Some(file) = snapshot.get(rel).and_then(|b| std::str::from_utf8(b).ok()) else { continue };
        let lines: Vec<&str> = file.split('\n').collect();
        assert!(d.line <= lines.len(), "line {} of a {}-line file: {d}", d.line, lines.len());
        if d.line >= 1 {
            let width = lines[d.line - 1].chars().count();
            assert!(d.column <= width + 1, "column {} of a {width}-character line: {d}", d.column);
        }
    }

    let nodes = to_nodes(text, &refs);
    let depth = nesting_depth(&nodes);
    assert!(depth <= MAX_NESTING, "a tree {depth} deep");
    // What the check accepts, the renderer shows unflattened: as deep as the model measures.
    if found.depth <= MAX_NESTING {
        assert_eq!(depth, found.depth, "the renderer and the model disagree");
    } else {
        assert!(found.problems.iter().any(|p| p.message.contains("levels deep")), "deep prose accepted");
    }
    check_links(&nodes);
});
