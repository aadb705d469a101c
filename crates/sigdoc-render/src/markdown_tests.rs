//! Markdown to nodes: the shapes templates read, citations, footnotes and limits.

use serde_json::json;
use sigdoc_model::Reference;

use super::*;

/// The nodes of a text as the templates read them.
fn nodes(markdown: &str, references: &References) -> Value {
    serde_json::to_value(to_nodes(markdown, references)).unwrap_or_default()
}

fn refs() -> References {
    let mut r = References::new();
    r.insert("RFC 6120".into(), Reference::new("RFC 6120", "Core", "https://x"));
    r
}

#[test]
fn paragraphs_and_emphasis() {
    let v = nodes("Hello *world*.\n\nSecond", &refs());
    assert_eq!(
        v,
        json!([
            {"t": "par", "c": ["Hello ", {"t": "em", "c": ["world"]}, "."]},
            {"t": "par", "c": ["Second"]},
        ])
    );
}

#[test]
fn known_mentions_become_citations() {
    let v = nodes("See RFC 6120 and RFC 9999.", &refs());
    assert_eq!(
        v,
        json!([{"t": "par", "c": [
            "See ",
            {"t": "cite", "v": "RFC 6120", "refs": [{"id": "RFC 6120", "lead": "RFC 6120: Core", "url": "https://x", "href": "https://x"}]},
            " and RFC 9999.",
        ]}])
    );
}

#[test]
fn a_reference_address_that_is_not_live_is_not_linked() {
    let mut r = refs();
    r.insert("RFC 1".into(), Reference::new("RFC 1", "T", "javascript:x"));
    let v = nodes("RFC 1", &r);
    assert_eq!(v[0]["c"][0]["refs"][0]["url"], "javascript:x");
    assert_eq!(v[0]["c"][0]["refs"][0]["href"], Value::Null);
}

#[test]
fn typst_syntax_stays_text() {
    let input = r#"#read("/etc/passwd") $x^2$ @ref <label> \ ] // x"#;
    let v = nodes(input, &refs());
    let text = v[0]["c"].as_array().unwrap().iter().filter_map(Value::as_str).collect::<String>();
    assert!(text.contains("#read(\"/etc/passwd\")"), "{text}");
    assert!(text.contains("$x^2$ @ref <label>"), "{text}");
}

#[test]
fn code_blocks_are_verbatim() {
    let v = nodes("```\nsee RFC 6120\n```", &refs());
    assert_eq!(v, json!([{"t": "codeblock", "v": "see RFC 6120\n"}]));
    // An empty code block is empty code, not a missing one.
    assert_eq!(nodes("```\n```", &refs()), json!([{"t": "codeblock", "v": ""}]));
}

#[test]
fn tables_lists_and_footnotes() {
    let v = nodes("| a | b |\n|---|--:|\n| 1 | 2 |\n\n- x\n- y\n\nNote[^n].\n\n[^n]: The note.\n", &refs());
    assert_eq!(v[0]["t"], "table");
    assert_eq!(v[0]["head"], json!([["a"], ["b"]]));
    assert_eq!(v[0]["rows"], json!([[["1"], ["2"]]]));
    assert_eq!(v[0]["align"], json!(["left", "right"]));
    assert_eq!(v[1]["t"], "list");
    assert_eq!(v[1]["items"].as_array().unwrap().len(), 2);
    assert_eq!(v[2]["c"][1], json!({"t": "note", "id": 1, "c": [{"t": "par", "c": ["The note."]}]}));
    assert_eq!(v.as_array().unwrap().len(), 3, "the definition is not rendered in place: {v}");
}

#[test]
fn live_links_are_links_and_others_are_text() {
    let v = nodes("[a](https://x) [b](javascript:alert(1)) <security@example.org> [c](page.html)", &refs());
    let c = &v[0]["c"];
    assert_eq!(c[0], json!({"t": "link", "url": "https://x", "c": ["a"]}));
    assert_eq!(c[2], json!({"t": "span", "c": ["b"]}));
    assert_eq!(c[4], json!({"t": "link", "url": "mailto:security@example.org", "c": ["security@example.org"]}));
    assert_eq!(c[6], json!({"t": "span", "c": ["c"]}));
}

/// Issue 13, class 13: each reference used to carry a copy of the footnote's text.
#[test]
fn a_footnote_is_carried_once_and_referenced_after() {
    let text = "A[^big] B[^big] C[^other] D[^big] E[^missing]\n\n[^big]: Long text.\n\n[^other]: Other.\n";
    let v = nodes(text, &refs());
    let c = v[0]["c"].as_array().unwrap();
    let notes: Vec<&Value> = c.iter().filter(|n| n.is_object()).collect();
    assert_eq!(notes[0], &json!({"t": "note", "id": 1, "c": [{"t": "par", "c": ["Long text."]}]}));
    assert_eq!(notes[1], &json!({"t": "noteref", "id": 1}));
    assert_eq!(notes[2], &json!({"t": "note", "id": 2, "c": [{"t": "par", "c": ["Other."]}]}));
    assert_eq!(notes[3], &json!({"t": "noteref", "id": 1}));
    assert_eq!(notes.len(), 4);
    assert!(c.last().unwrap().as_str().unwrap().contains("[^missing]"), "{v}");
    // 10,000 references to one footnote hold its text once.
    let many = format!("{}\n\n[^a]: {}\n", "x[^a] ".repeat(10_000), "words ".repeat(1000));
    let size = serde_json::to_string(&nodes(&many, &refs())).unwrap().len();
    assert!(size < 400_000, "{size} bytes");
}

#[test]
fn labels_are_unique_in_a_document_and_follow_its_order() {
    let text = "A[^x] B[^y] C[^x]\n\n[^x]: X.\n\n[^y]: Y.\n";
    // The same text twice, as hostile documents may have it, and a text without notes.
    let mut data = json!({"a": nodes(text, &refs()), "b": [nodes("plain", &refs()), nodes(text, &refs())]});
    label_notes(&mut data);
    let labels = |v: &Value| -> Vec<String> {
        v[0]["c"].as_array().unwrap().iter().filter_map(|n| n["label"].as_str().map(str::to_owned)).collect()
    };
    assert_eq!(labels(&data["a"]), ["sigdoc-note-1", "sigdoc-note-2", "sigdoc-note-1"]);
    assert_eq!(labels(&data["b"][1]), ["sigdoc-note-3", "sigdoc-note-4", "sigdoc-note-3"]);
}

fn quotes(n: usize) -> String {
    format!("{}deep\n", "> ".repeat(n))
}

#[test]
fn nesting_up_to_the_limit_is_kept() {
    assert_eq!(nesting_depth(&to_nodes(&quotes(MAX_NESTING), &refs())), MAX_NESTING);
    let v = nodes(&quotes(MAX_NESTING), &refs());
    let mut node = &v[0];
    for _ in 1..MAX_NESTING {
        node = &node["c"][0];
    }
    assert_eq!(node["c"][0], json!({"t": "par", "c": ["deep"]}));
}

/// Issue 13, classes 9 and 16: 30,000 nested quotes overflowed the stack.
#[test]
fn deeper_nesting_is_flattened_into_the_parent() {
    for text in [
        quotes(30_000),
        (0..3_000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect(),
        format!("{}x{}", "*a _b ".repeat(5_000), " b_ a*".repeat(5_000)),
        format!("{}x{}", "[".repeat(5_000), "](https://x)".repeat(5_000)),
        format!("{}deep", "> - *".repeat(2_000)),
    ] {
        let v = to_nodes(&text, &refs());
        assert!(nesting_depth(&v) <= MAX_NESTING, "{}", &text[..40]);
        let shown = serde_json::to_string(&v).unwrap();
        assert!(shown.contains("deep") || shown.contains('x'), "the text survives");
    }
}

#[test]
fn a_footnote_s_text_is_flattened_from_where_it_is_shown() {
    let text = format!("{}A[^n]\n\n[^n]: {}", "> ".repeat(MAX_NESTING - 2), quotes(MAX_NESTING));
    let v = to_nodes(&text, &refs());
    assert_eq!(nesting_depth(&v), MAX_NESTING);
    assert!(serde_json::to_string(&v).unwrap().contains("deep"));
    // At the limit, there is no room for the note: the reference is shown as written.
    let text = format!("{}A[^n]\n\n[^n]: x", "> ".repeat(MAX_NESTING));
    let v = to_nodes(&text, &refs());
    assert_eq!(nesting_depth(&v), MAX_NESTING);
    assert!(serde_json::to_string(&v).unwrap().contains("A[^n]"));
}

fn with_sources() -> References {
    let mut r = refs();
    let report = Reference { publisher: Some("P".into()), ..Reference::new("a-report", "Report", "https://r") };
    r.insert(report.id.clone(), report);
    r.insert("CVE-2017-5589".into(), Reference::new("CVE-2017-5589", "Impersonation", "https://c"));
    r
}

#[test]
fn cites_become_footnote_marks_against_the_word_before() {
    let v = nodes("The report [@a-report; @RFC 6120] and CVE-2017-5589.", &with_sources());
    let c = &v[0]["c"];
    assert_eq!(c[0], "The report");
    assert_eq!(
        c[1],
        json!({"t": "cite", "v": "", "refs": [
            {"id": "a-report", "lead": "Report, P", "url": "https://r", "href": "https://r"},
            {"id": "RFC 6120", "lead": "RFC 6120: Core", "url": "https://x", "href": "https://x"},
        ]})
    );
    assert_eq!(c[2], " and ");
    assert_eq!(c[3]["v"], "CVE-2017-5589");
    assert_eq!(c[3]["refs"][0]["lead"], "CVE-2017-5589: Impersonation");
    assert_eq!(c[4], ".");
    // A cite alone keeps no empty text before it.
    assert_eq!(nodes("[@a-report]", &with_sources())[0]["c"].as_array().map(Vec::len), Some(1));
}

#[test]
fn cites_in_code_links_and_escapes_and_of_unknown_ids_stay_as_written() {
    let text = "`[@a-report]` [@a-report](https://l) \\[@a-report] [@nowhere ] x";
    let v = nodes(text, &with_sources());
    let c = &v[0]["c"];
    assert_eq!(c[0], json!({"t": "code", "v": "[@a-report]"}));
    assert_eq!(c[2], json!({"t": "link", "url": "https://l", "c": ["@a-report"]}));
    assert_eq!(c[3], " [@a-report] [@nowhere ] x");
    let v = nodes("```\n[@a-report]\n```\n", &with_sources());
    assert_eq!(v, json!([{"t": "codeblock", "v": "[@a-report]\n"}]));
}

#[test]
fn cites_in_footnotes_tables_and_one_line_text() {
    let v = nodes("A[^n]\n\n| h |\n|---|\n| x [@a-report] |\n\n[^n]: See [@a-report].\n", &with_sources());
    assert_eq!(v[0]["c"][1]["c"][0]["c"][1]["refs"][0]["id"], "a-report", "{v}");
    assert_eq!(v[1]["rows"][0][0][1]["t"], "cite", "{v}");
    let inline = serde_json::to_value(inline_text("Name [@a-report] \\[@x]", &with_sources())).unwrap_or_default();
    assert_eq!(
        inline,
        json!(["Name", {"t": "cite", "v": "", "refs": [{"id": "a-report", "lead": "Report, P", "url": "https://r", "href": "https://r"}]}, " \\[@x]"])
    );
}
