//! Whatever prose `check` accepts, `build` builds (issue 13, classes 9, 13 and 16): prose
//! nested as deep as the model allows, of every kind and mixed, with footnotes, in every
//! field a template renders, typesets into all three PDFs; prose past the limit is refused
//! by `check`, and reaches a PDF flattened should it get past the check (a commit message).

use sigdoc_model::prose::MAX_NESTING;
use sigdoc_model::{Deliverables, DocKind, History, HistoryEntry, Snapshot};
use sigdoc_render::{Passes, RenderOptions, render};

/// Block quotes `n` deep, with `inner` innermost (a paragraph, heading, table, code block).
fn quotes(n: usize, inner: &str) -> String {
    inner.lines().map(|line| format!("{}{line}\n", "> ".repeat(n))).collect()
}

/// Lists `n` deep, one item each.
fn lists(n: usize) -> String {
    (0..n).map(|i| format!("{}- list level {}\n", "  ".repeat(i), i + 1)).collect()
}

/// Emphasis, strong text and strikethrough `n` deep, with a link innermost.
fn inlines(n: usize) -> String {
    let mut text = "[deepest link](https://example.org/deep)".to_owned();
    for i in 1..n {
        let mark = ["*", "**", "~~"][i % 3];
        text = format!("{mark}w{i} {text} w{i}{mark}");
    }
    text
}

/// Block quotes and lists alternating for `blocks` levels, then `inline` levels of inline
/// containers.
fn mixed(blocks: usize, inline: usize) -> String {
    let prefix: String = (0..blocks).map(|i| if i % 2 == 0 { "> " } else { "- " }).collect();
    format!("{prefix}{}\n", inlines(inline))
}

/// A footnote referenced `at` levels deep whose own text nests `inside` levels.
fn footnote(at: usize, inside: usize, name: &str) -> String {
    let reference = format!("{}Noted[^{name}] and again[^{name}].\n", "> ".repeat(at));
    format!("{reference}\n[^{name}]: {}", quotes(inside, "footnote text"))
}

/// Every kind of worst-case nesting the model accepts, in one text.
fn worst_case(depth: usize) -> String {
    [
        quotes(depth, "deepest quote"),
        quotes(depth, "# Deepest heading"),
        quotes(depth, "| a | b |\n|---|--:|\n| deepest | cell |"),
        quotes(depth, "```\ndeepest code\n```"),
        lists(depth),
        inlines(depth),
        mixed(depth / 2, depth - depth / 2),
        footnote(depth / 2, depth - depth / 2 - 1, "n"),
        "See RFC 6120, write to <security@example.org> or visit <https://example.org/a>.\n".to_owned(),
    ]
    .join("\n\n")
}

/// A YAML block scalar of `text`, indented by `indent` spaces.
fn block(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    format!(
        "|\n{}",
        text.lines().map(|l| if l.is_empty() { "\n".to_owned() } else { format!("{pad}{l}\n") }).collect::<String>()
    )
}

/// A documents folder whose every prose field holds `prose`.
fn documents(prose: &str) -> Snapshot {
    let b2 = block(prose, 2);
    let b4 = block(prose, 4);
    let b6 = block(prose, 6);
    let legal: String = ["copyright", "permissions", "warranty", "liability", "conformance"]
        .iter()
        .map(|k| format!("  {k}: {b4}"))
        .collect();
    let sig = format!(
        "name: Worst Case Group\nshortname: worst\nauthors:\n  - name: Alice Example\n    email: alice@example.org\n    jid: alice@example.org\n    uri: https://example.org/alice\nvenue: {b2}legal:\n{legal}"
    );
    let references = "RFC 6120:\n  title: Core\n  url: https://www.rfc-editor.org/rfc/rfc6120\n";
    let level = |level: &str| {
        format!("      - level: {level}\n        label: {level}\n        meaning: {b10}", b10 = block(prose, 10))
    };
    let scale = format!("{}{}{}", level("low"), level("medium"), level("high"));
    let priorities: String =
        (1..=3).map(|n| format!("    - level: {n}\n      label: P{n}\n      meaning: {}", block(prose, 8))).collect();
    let process = format!(
        "---\ntitle: Process\nabstract: {b2}status: Experimental\ntype: Informational\nscales:\n  likelihood:\n{scale}  damage:\n{scale}priority:\n  levels:\n{priorities}  matrix:\n    high: {{high: 1, medium: 1, low: 2}}\n    medium: {{high: 1, medium: 2, low: 3}}\n    low: {{high: 2, medium: 3, low: 3}}\n---\n{prose}"
    );
    let field = |key: &str, kind: &str| {
        let scale = match key {
            "likelihood" | "damage" => format!("    scale: {key}\n"),
            _ => String::new(),
        };
        format!("  - key: {key}\n    label: {key}\n    kind: {kind}\n{scale}    guidance: {b6}", b6 = block(prose, 6))
    };
    let fields: String = [
        ("name", "text"),
        ("abstract", "markdown"),
        ("attack_tree", "attack-tree"),
        ("likelihood", "level"),
        ("damage", "level"),
        ("priority", "priority"),
        ("existing_approaches", "references"),
        ("potential_approaches", "approaches"),
        ("notes", "list"),
    ]
    .iter()
    .map(|(k, kind)| field(k, kind))
    .collect();
    let template = format!(
        "title: Template\nabstract: {b2}status: Experimental\ntype: Informational\nintro: {b2}fields:\n{fields}"
    );
    let analysis =
        format!("---\ntitle: Analysis\nabstract: {b2}status: Experimental\ntype: Informational\n---\n{prose}");
    let threat = format!(
        "id: deep\nname: Deep prose\nabstract: {b2}attack_tree:\n  goal: Nest\n  gate: or\n  children:\n    - {{goal: Quote, cost: 1}}\n    - {{goal: List, cost: 2}}\nlikelihood: high\ndamage: high\npriority: 2\npriority_reason: {b2}existing_approaches:\n  - ref: RFC 6120\n    note: {b6}  - ref: RFC 6120\n    note: {b6}potential_approaches:\n  - approach: {b6}    implementation_issues: {b6}notes:\n  - {b4}  - {b4}"
    );
    Snapshot::from_files(
        "documents",
        [
            ("sig.yaml", sig),
            ("references.yaml", references.to_owned()),
            ("process.md", process),
            ("template.yaml", template),
            ("analysis.md", analysis),
            ("threats/deep.yaml", threat.clone()),
            // The same prose twice: footnote labels must still be unique in the document.
            ("threats/twin.yaml", threat.replace("id: deep", "id: twin")),
        ],
    )
}

fn history(remarks: Vec<String>) -> History {
    let entry = HistoryEntry {
        version: "0.1".into(),
        tag: Some("v0.1".into()),
        date: "2025-01-01".into(),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        commits: vec!["0123456789abcdef0123456789abcdef01234567".into()],
        initials: vec!["AE".into()],
        authors: vec!["Alice Example".into()],
        remarks,
    };
    History::new(DocKind::Analysis, vec![entry], false)
}

/// The text of a PDF without white space and hyphens, which line breaking adds.
fn pdf_letters(pdf: &[u8], name: &str) -> String {
    let path = std::env::temp_dir().join(format!("sigdoc-worst-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write PDF");
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output();
    let _ = std::fs::remove_file(&path);
    squeeze(&String::from_utf8_lossy(&out.expect("pdftotext (poppler-utils)").stdout))
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}')).collect()
}

/// Makes prose nested as deep as asked.
type Generator = fn(usize) -> String;

#[test]
fn the_generators_nest_exactly_as_deep_as_asked() {
    // Each generator at the limit passes the model's check and one level more does not, so
    // the documents below are the deepest the check accepts.
    let references = sigdoc_model::References::new();
    let cases: [(&str, Generator); 7] = [
        ("quotes", |n| quotes(n, "x")),
        ("quoted table", |n| quotes(n, "| a | b |\n|---|---|\n| 1 | 2 |")),
        ("lists", lists),
        ("inlines", inlines),
        ("mixed", |n| mixed(n / 2, n - n / 2)),
        ("footnote", |n| footnote(n / 2, n - n / 2 - 1, "f")),
        ("everything", worst_case),
    ];
    for (name, make) in cases {
        let at = sigdoc_model::prose::examine(&make(MAX_NESTING), &references);
        assert!(at.problems.iter().all(|p| p.severity != sigdoc_model::Severity::Error), "{name}: {:?}", at.problems);
        let past = sigdoc_model::prose::examine(&make(MAX_NESTING + 1), &references);
        assert!(
            past.problems.iter().any(|p| p.message.contains("levels deep")),
            "{name} is not refused past the limit"
        );
    }
}

#[test]
fn the_deepest_accepted_prose_in_every_field_builds() {
    let snapshot = documents(&worst_case(MAX_NESTING));
    let loaded = Deliverables::load(&snapshot);
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    // Commit messages are never checked: the same prose, and prose far past any limit.
    let hostile = [
        quotes(30_000, "hostile quote"),
        lists(3_000),
        format!("{}x{}", "*a _b ".repeat(5_000), " b_ a*".repeat(5_000)),
    ];
    let remarks = [vec![worst_case(MAX_NESTING)], hostile.to_vec()].concat();
    for doc in DocKind::ALL {
        let mut history = history(remarks.clone());
        history.document = doc;
        let rendered = render(
            doc,
            &loaded.deliverables,
            &history,
            Some(&snapshot),
            &RenderOptions::default(),
            Passes::EvictUnused,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", doc.name()));
        let text = pdf_letters(&rendered.pdf, doc.name());
        let deepest_list = format!("list level {MAX_NESTING}");
        for words in [
            "deepest quote",
            "Deepest heading",
            "deepest code",
            &deepest_list,
            "deepest link",
            "footnote text",
            "hostile quote",
        ] {
            assert!(text.contains(&squeeze(words)), "{}.pdf lacks {words:?}", doc.name());
        }
    }
}

#[test]
fn prose_past_the_limit_is_refused_in_every_field() {
    let snapshot = documents(&quotes(MAX_NESTING + 1, "too deep"));
    let loaded = Deliverables::load(&snapshot);
    let mut places: Vec<&str> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("levels deep"))
        .map(|d| d.file.rsplit('/').next().unwrap_or_default())
        .collect();
    places.dedup();
    assert_eq!(places, ["analysis.md", "process.md", "sig.yaml", "template.yaml", "deep.yaml", "twin.yaml"]);
    // One error per text: sig.yaml has the venue and five legal notices.
    let in_sig = loaded.diagnostics.iter().filter(|d| d.file.ends_with("sig.yaml")).count();
    assert_eq!(in_sig, 6, "{:#?}", loaded.diagnostics);
}

/// Every footnote label of a document's data, in document order.
fn note_labels(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Array(items) => items.iter().for_each(|v| note_labels(v, out)),
        serde_json::Value::Object(map) => {
            if map.get("t").and_then(|t| t.as_str()) == Some("note") {
                out.push(map["label"].as_str().expect("a labelled note").to_owned());
            }
            map.values().for_each(|v| note_labels(v, out));
        }
        _ => {}
    }
}

#[test]
fn footnote_labels_are_unique_and_do_not_depend_on_how_sections_were_built() {
    // Two threats with the same prose, built in parallel, then again from the cache.
    let snapshot = documents(&worst_case(3));
    let loaded = Deliverables::load(&snapshot);
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let history = history(vec![worst_case(3)]);
    let options = RenderOptions::default();
    let cache = sigdoc_render::ThreatCache::default();
    let fresh = sigdoc_render::render_data(DocKind::Analysis, &loaded.deliverables, &history, &options, None);
    let built = sigdoc_render::render_data(DocKind::Analysis, &loaded.deliverables, &history, &options, Some(&cache));
    let cached = sigdoc_render::render_data(DocKind::Analysis, &loaded.deliverables, &history, &options, Some(&cache));
    assert_eq!(fresh, built);
    assert_eq!(fresh, cached);
    let mut labels = Vec::new();
    note_labels(&fresh, &mut labels);
    let count = labels.len();
    labels.sort();
    labels.dedup();
    assert_eq!(labels.len(), count, "a label is used twice");
    // One footnote per text: 8 in each threat; the body, abstract, venue and five legal
    // notices; nine meanings of the rating (in the data, though the analysis shows none);
    // the history's remark.
    assert_eq!(count, 2 * 8 + 8 + 9 + 1);
}
