//! References of any kind: a CVE mention and `[@id]` cites become footnotes worded by
//! kind in analysis.pdf, an unknown cite fails `check` at its place.

use crate::support::{Fixture, contains, contains_ignoring_spaces, excerpt, normalise, pdf_text};

const ANALYSIS: &str = "documents/analysis.md";
const REFERENCES: &str = "documents/references.yaml";

/// A CVE, a web page with a publisher and a post by its authors.
const SOURCES: &str = r#"
CVE-2099-12345:
  title: "Multiple XMPP Clients User Impersonation Vulnerability"
  url: https://rt-solutions.de/en/cve-2017-5589_xmpp_carbons/
  date: 2099-02-09
xsf-notice-2099:
  kind: web
  title: "Uncontrolled Resource Consumption with Highly Compressed XMPP Stanzas"
  url: https://xmpp.org/community/security-notices/uncontrolled-resource-consumption-with-highly-compressed-xmpp-stanzas/
  date: 2014-04-04
  publisher: "XMPP Standards Foundation"
mitm-report-2099:
  kind: post
  title: "Encrypted traffic interception on Hetzner and Linode"
  url: https://notes.valdikss.org.ru/jabber.ru-mitm/
  date: 2023-10-20
  authors: [ValdikSS, Ada Lovelace]
"#;

/// One threat, the sources above in references.yaml, and `body` appended to analysis.md.
fn fixture_citing(body: &str) -> Fixture {
    let fixture = Fixture::with_threats(&["c2s-starttls-stripping"]);
    let references = fixture.read(REFERENCES);
    fixture.write(REFERENCES, format!("{references}{SOURCES}"));
    let analysis = fixture.read(ANALYSIS);
    fixture.write(ANALYSIS, format!("{analysis}\n{body}\n"));
    fixture
}

const CITING: &str = "Carbons were forged (CVE-2099-12345), the XSF warned of compressed \
stanzas [@xsf-notice-2099], and an interception was reported [@mitm-report-2099; @CVE-2099-12345]. \
Code keeps `[@xsf-notice-2099]` as written.";

#[test]
fn cves_and_cites_are_footnotes_worded_by_kind() {
    let fixture = fixture_citing(CITING);
    let (code, _stdout, stderr) = fixture.sigdoc(&["check"]);
    assert_eq!(code, 0, "{stderr}");
    for id in ["CVE-2099-12345", "xsf-notice-2099", "mitm-report-2099"] {
        assert!(!stderr.contains(&format!("\"{id}\" is never cited")), "{id} is cited: {stderr}");
    }

    let (code, _stdout, stderr) = fixture.sigdoc(&["build", "-o", "out", "--only", "analysis"]);
    assert_eq!(code, 0, "{stderr}");
    let text = normalise(&pdf_text(&fixture.path().join("out/analysis.pdf")));
    let footnotes = [
        "CVE-2099-12345: Multiple XMPP Clients User Impersonation Vulnerability <https://rt-solutions.de/en/cve-2017-5589_xmpp_carbons/>.",
        "Uncontrolled Resource Consumption with Highly Compressed XMPP Stanzas, XMPP Standards Foundation, 2014-04-04 <https://xmpp.org/community/security-notices/uncontrolled-resource-consumption-with-highly-compressed-xmpp-stanzas/>.",
        // Two ids in one cite make one footnote, its parts joined by a semicolon.
        "Encrypted traffic interception on Hetzner and Linode, ValdikSS and Ada Lovelace, 2023-10-20 <https://notes.valdikss.org.ru/jabber.ru-mitm/>; CVE-2099-12345: Multiple XMPP",
    ];
    for footnote in footnotes {
        let words = footnote.split(" <").next().unwrap_or_default();
        assert!(contains(&text, words), "no footnote {words:?} in:\n{}", excerpt(&text, "Carbons were forged"));
        assert!(contains_ignoring_spaces(&text, footnote), "no footnote {footnote:?}");
    }
    // The cites show only their footnote marks (numbers, which the text extraction spaces
    // and places apart); the one in code is code.
    let letters = |s: &str| s.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_digit()).collect::<String>();
    let sentence = "the XSF warned of compressed stanzas, and an interception was reported. Code keeps";
    assert!(letters(&text).contains(&letters(sentence)), "{}", excerpt(&text, "the XSF warned"));
    assert_eq!(text.matches("[@").count(), 1, "{}", excerpt(&text, "[@"));
    assert!(contains(&text, "Code keeps [@xsf-notice-2099] as written."));
    // The slugs never show.
    assert!(!text.contains("mitm-report-2099") && !text.contains("xsf-notice-2099,"), "{text}");
}

#[test]
fn an_unknown_cite_fails_check_at_its_place_and_an_unused_source_is_a_warning() {
    let fixture = fixture_citing("See [@xsf-notice-2099] and [@mitm-report-2909].");
    let analysis = fixture.read(ANALYSIS);
    let line = analysis.lines().count();
    let column = analysis.lines().last().and_then(|l| l.find("mitm-report-2909")).unwrap_or_default() + 1;
    let (code, _stdout, stderr) = fixture.sigdoc(&["check"]);
    assert_eq!(code, 1, "{stderr}");
    let place = format!("{ANALYSIS}:{line}:{column}: error: [@mitm-report-2909] cites a reference");
    assert!(stderr.contains(&place), "no {place:?} in:\n{stderr}");
    assert!(stderr.contains("did you mean \"mitm-report-2099\"?"), "{stderr}");
    // The CVE and the post are cited nowhere: warnings at their keys (human output folds
    // many warnings of a kind, so they are read from the JSON).
    let (_code, stdout, _stderr) = fixture.sigdoc(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
    let warnings: Vec<String> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "warning")
        .map(|d| {
            format!(
                "{}:{}:{}: {}",
                d["file"].as_str().unwrap_or_default(),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let references = fixture.read(REFERENCES);
    for id in ["CVE-2099-12345", "mitm-report-2099"] {
        let key_line = references.lines().position(|l| l.starts_with(&format!("{id}:"))).unwrap_or_default() + 1;
        let warning = format!("{REFERENCES}:{key_line}:1: reference \"{id}\" is never cited");
        assert!(warnings.iter().any(|w| w.starts_with(&warning)), "no {warning:?} in:\n{warnings:#?}");
    }
    assert!(!warnings.iter().any(|w| w.contains("\"xsf-notice-2099\" is never cited")), "{warnings:#?}");
    // Nothing is written when check fails.
    let (code, _stdout, _stderr) = fixture.sigdoc(&["build", "-o", "out"]);
    assert_eq!(code, 1);
    assert!(!fixture.path().join("out").exists());
}

#[test]
fn a_kind_that_contradicts_its_id_is_an_error_at_the_kind() {
    let fixture = fixture_citing("[@CVE-2099-12345; @xsf-notice-2099; @mitm-report-2099]");
    fixture.replace(REFERENCES, "  date: 2099-02-09\n", "  date: 2017-02-09\n  kind: rfc\n");
    let references = fixture.read(REFERENCES);
    let line = references.lines().position(|l| l == "  kind: rfc").unwrap_or_default() + 1;
    let (code, _stdout, stderr) = fixture.sigdoc(&["check"]);
    assert_eq!(code, 1, "{stderr}");
    let place = format!("{REFERENCES}:{line}:9: error: reference \"CVE-2099-12345\" cannot be of kind rfc");
    assert!(stderr.contains(&place), "no {place:?} in:\n{stderr}");
}
