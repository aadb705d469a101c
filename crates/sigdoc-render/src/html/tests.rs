//! The pages of the example documents, and of hostile ones.

use std::collections::BTreeMap;

use sigdoc_model::{DocKind, History, Review};

use super::*;
use crate::view::Revision;
use crate::view::example::example_with;

const HOSTILE: &str = "id: hostile\nname: \"<script>alert(1)</script> name\"\nlikelihood: low\ndamage: high\n\
abstract: \"<img src=x onerror=alert(2)> abstract\"\n\
definition: |\n  Click ![here](x.png) now; <b onclick=\"x\">bold</b>[^n].\n\n  [^n]: A note with <script>alert(5)</script>.\n\
attack_tree: {goal: \"<svg onload=alert(6)>\", cost: 2}\nexisting_approaches: []\ngap: \"G & <i>\"\npotential_approaches: []\nrecommended: R.\n";

const PROPOSED: &str = "id: later\nname: Later one\nstatus: proposed\nabstract: Not yet.\n";

fn pages(threats: &[(&str, &str)], draft: bool) -> Vec<String> {
    let d = example_with(threats);
    let reviews = BTreeMap::from([("hostile".to_owned(), Review { version: "0.2".into(), date: "2025-03-01".into() })]);
    DocKind::ALL
        .iter()
        .map(|doc| {
            let mut history = History::new(*doc, Vec::new(), false);
            history.reviews = reviews.clone();
            let mut revision = Revision::from_history(&history, "2025-01-02");
            revision.draft = draft;
            let view = PageView::new(*doc, &d, &history, &revision, None, &[]);
            page(&view, &SiteLinks { pdfs: true })
        })
        .collect()
}

#[test]
fn hostile_prose_stays_text() {
    let pages = pages(&[("threats/hostile.yaml", HOSTILE)], false);
    let analysis = &pages[2];
    for live in ["<script", "<img", "href=\"javascript", "<b ", "<svg onload", "<i>"] {
        assert!(!analysis.contains(live), "{live} is live in the page");
    }
    for shown in [
        "&lt;script&gt;alert(1)&lt;/script&gt; name",
        "&lt;img src=x onerror=alert(2)&gt; abstract",
        "&lt;script&gt;alert(5)&lt;/script&gt;",
        "&lt;svg onload=alert(6)&gt;",
        "G &amp; &lt;i&gt;",
    ] {
        assert!(analysis.contains(shown), "{shown} is not shown as text");
    }
    // An image shows its words (`javascript:` links are errors that stop a build; the
    // prose tests show them inert all the same).
    assert!(analysis.contains("Click <span>here</span>"), "{analysis}");
}

#[test]
fn every_threat_has_its_anchor_tree_and_number() {
    let pages = pages(&[("threats/hostile.yaml", HOSTILE), ("threats/later.yaml", PROPOSED)], true);
    let analysis = &pages[2];
    for id in ["starttls-stripping", "hostile", "later"] {
        assert_eq!(analysis.matches(&format!(" id=\"{id}\"")).count(), 1, "{id}");
        assert!(analysis.contains(&format!("href=\"#{id}\"")), "{id} is linked");
    }
    // Sections numbered as in the PDF: the introduction's sections, the summary, the
    // matrix, the threats with their fields, then the proposed threats.
    let intro = analysis.split("<h2 id=\"sec.").skip(1).filter(|s| s.starts_with(|c: char| c.is_ascii_digit())).count();
    assert!(intro > 0, "the example's introduction has sections");
    for (id, number) in [
        ("sec.summary", intro + 1),
        ("sec.risk-matrix", intro + 2),
        ("sec.threats", intro + 3),
        ("sec.proposed", intro + 4),
    ] {
        assert!(
            analysis.contains(&format!(
                "<h2 id=\"{id}\"><a class=\"number\" href=\"#{id}\" title=\"Link to this section\">{number}</a>"
            )),
            "{id} {number}"
        );
    }
    let threats = intro + 3;
    assert!(analysis.contains(&format!("<h3 id=\"starttls-stripping\"><a class=\"number\" href=\"#starttls-stripping\" title=\"Link to this section\">{threats}.1</a> STARTTLS stripping</h3>")), "{analysis}");
    assert!(analysis.contains(&format!("<h4 id=\"starttls-stripping.abstract\"><a class=\"number\" href=\"#starttls-stripping.abstract\" title=\"Link to this section\">{threats}.1.1</a> Abstract</h4>")));
    // Proposed threats stand apart, out of the summary and the matrix.
    let summary =
        &analysis[analysis.find("id=\"sec.summary").unwrap_or(0)..analysis.find("id=\"sec.risk-matrix").unwrap_or(0)];
    assert!(!summary.contains("#later") && summary.contains("#hostile"));
    assert!(analysis.contains("One threat is proposed and not yet analysed"));
    assert_eq!(analysis.matches("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tree\"").count(), 2);
    assert_eq!(analysis.matches("class=\"matrix\" role=\"img\"").count(), 1);
    assert!(analysis.contains("Last reviewed: 0.2, 2025-03-01"));
    // The DRAFT marking and the appendices.
    assert!(analysis.contains("<body class=\"draft\">") && analysis.contains("<p class=\"draft-mark\">DRAFT</p>"));
    assert!(analysis.contains("Appendix A:</a> Document Information"));
    assert!(analysis.contains("Appendix E:</a> Revision History"));
    assert!(analysis.contains("<a class=\"pdf\" href=\"../analysis.pdf\">PDF</a>"));
}

#[test]
fn notes_are_numbered_in_reading_order_and_link_both_ways() {
    let pages = pages(&[("threats/hostile.yaml", HOSTILE)], false);
    for page in &pages {
        let notes = page.matches("<li id=\"note.").count();
        for n in 1..=notes {
            assert!(page.contains(&format!("<a id=\"note-ref.{n}\" href=\"#note.{n}\">{n}</a>")), "note {n}");
            assert!(page.contains(&format!("<a class=\"back\" href=\"#note-ref.{n}\"")), "note {n}");
        }
        // Numbers follow the page: the first marker shown is note 1.
        if let Some(first) = page.find("<sup class=\"note-ref\">") {
            assert!(page[first..].starts_with("<sup class=\"note-ref\"><a id=\"note-ref.1\""));
        }
    }
    assert!(pages[2].contains("A note with &lt;script&gt;"));
}

#[test]
fn pages_are_reproducible_and_self_contained() {
    let a = pages(&[("threats/hostile.yaml", HOSTILE)], true);
    let b = pages(&[("threats/hostile.yaml", HOSTILE)], true);
    assert_eq!(a, b);
    for page in &a {
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(!page.contains("<script"), "no script is needed to read a page");
        // Links are the reader's to follow; nothing is loaded from elsewhere.
        for load in ["src=\"", "url(", "<link rel=\"stylesheet\" href=\"http", "<iframe", "<object"] {
            assert!(!page.contains(load), "{load}");
        }
        // Every id is unique.
        let mut ids: Vec<&str> = page.split(" id=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "duplicate ids");
    }
    let css = assets().into_iter().find(|(name, _)| name == STYLESHEET).map(|(_, bytes)| bytes).unwrap_or_default();
    let css = String::from_utf8_lossy(css);
    assert!(!css.contains("url(\"http") && !css.contains("@import"), "the stylesheet loads nothing remote");
    assert!(css.contains("@media print"));
}

#[test]
fn the_index_lists_the_three_documents() {
    let d = example_with(&[]);
    let history = History::new(DocKind::Process, Vec::new(), false);
    let revision = Revision::from_history(&history, "2025-01-02");
    let views: Vec<PageView> =
        DocKind::ALL.iter().map(|doc| PageView::new(*doc, &d, &history, &revision, None, &[])).collect();
    let refs: Vec<&PageView> = views.iter().collect();
    let index = index(&refs, &SiteLinks { pdfs: false });
    for doc in ["process", "template", "analysis"] {
        assert!(index.contains(&format!("<a href=\"{doc}.html\">")), "{doc}");
        assert!(!index.contains(&format!("../{doc}.pdf")), "no PDF was built");
    }
    assert!(index.contains("Version 0.0 · 2025-01-02"));
}
