//! Proposed threats and review dates: a half-written entry is checked lightly, typeset in
//! a section of its own, and every threat's section says when it was last reviewed.

use crate::support::{Fixture, count, normalise, pdf_text};

const PROPOSED: &str = "documents/threats/tofu-reset-sample.yaml";

/// A repository with two analysed threats released as v0.1 on 2025-01-01, one of them
/// changed on 2025-01-02, and a proposed threat written by `sigdoc new` but not committed.
fn fixture_with_a_proposed_threat() -> Fixture {
    let mut fixture = Fixture::with_threats(&["c2s-starttls-stripping", "carbon-forging"]);
    let first = fixture.commit("Two threats");
    fixture.tag("v0.1", &first);
    fixture.replace("documents/threats/carbon-forging.yaml", "\nstatus: mitigated\n", "\nstatus: accepted\n");
    fixture.commit("Accept carbon forging");
    let (code, stdout, stderr) = fixture.sigdoc(&["new", "threat", "tofu-reset-sample", "--proposed"]);
    assert_eq!((code, stdout.trim()), (0, PROPOSED), "{stderr}");
    fixture.replace(PROPOSED, "\nname:\n", "\nname: Roster push spoofing\n");
    fixture.replace(PROPOSED, "\nabstract:\n", "\nabstract: A forged roster push changes a contact list.\n");
    fixture
}

#[test]
fn a_proposed_threat_passes_check_with_warnings_at_its_file() {
    let fixture = fixture_with_a_proposed_threat();
    assert!(fixture.read(PROPOSED).contains("\nstatus: proposed"), "{}", fixture.read(PROPOSED));
    let (code, stdout, stderr) = fixture.sigdoc(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let warnings: Vec<&serde_json::Value> =
        json["diagnostics"].as_array().expect("diagnostics").iter().filter(|d| d["file"] == PROPOSED).collect();
    assert!(!warnings.is_empty());
    for w in &warnings {
        assert_eq!(w["severity"], "warning", "{w}");
        assert!(w["message"].as_str().is_some_and(|m| m.starts_with("proposed threat: ")), "{w}");
    }
    let messages: Vec<&str> = warnings.iter().filter_map(|w| w["message"].as_str()).collect();
    assert!(messages.contains(&"proposed threat: definition not written yet"), "{messages:?}");

    // A value that is present is checked in full.
    fixture.replace(PROPOSED, "\nlikelihood:\n", "\nlikelihood: sometimes\n");
    let (code, stdout, stderr) = fixture.sigdoc(&["check"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains(&format!("{PROPOSED}:")) && stderr.contains("sometimes"), "{stderr}");
}

#[test]
fn the_analysis_lists_proposed_threats_apart_and_says_when_each_was_reviewed() {
    let fixture = fixture_with_a_proposed_threat();
    let (code, _, stderr) = fixture.sigdoc(&["build", "-o", "out"]);
    let out = fixture.path().join("out");
    assert_eq!(code, 0, "{stderr}");
    let text = normalise(&pdf_text(&out.join("analysis.pdf")));
    assert!(text.contains("One threat is proposed and not yet analysed"), "{text}");
    // The analysed threats' ids stand in the summary, the matrix and their sections;
    // the proposed one's only in its own section, after the analysed ones.
    assert!(count(&text, "carbon-forging") >= 3, "{text}");
    assert_eq!(count(&text, "tofu-reset-sample"), 1, "{text}");
    let section = text.rfind("Proposed Threats").expect("a Proposed Threats section");
    let analysed = text.rfind("Id carbon-forging").expect("the carbon forging section");
    let proposed = text.find("Id tofu-reset-sample").expect("the proposed threat's section");
    assert!(analysed < section && section < proposed, "{text}");
    assert!(text[proposed..].contains("A forged roster push changes a contact list."), "{text}");
    // Reviews: the version and date of the last change of each threat's file.
    assert!(text.contains("Id c2s-starttls-stripping · status open Last reviewed: 0.1, 2025-01-01"), "{text}");
    assert!(text.contains("Id carbon-forging · status accepted Last reviewed: 0.1+1, 2025-01-02"), "{text}");
    assert!(text[proposed..].contains("Last reviewed: 0.1+1+dirty, 2025-01-02"), "{text}");
    // Not rated: no priority and no "Not computed" in its section.
    assert!(!text[proposed..].contains("Not computed"), "{text}");
}
