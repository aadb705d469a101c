//! `sigdoc release`: PDFs per tag with their sources attached, checksums, no DRAFT, all or nothing.

use std::process::Command;

use crate::support::{Fixture, pdf_text};

/// Two releases of the analysis, and an unreleased edit after them.
fn released() -> Fixture {
    let mut fixture = Fixture::with_threats(&["carbon-forging", "dialback-spoofing"]);
    let first = fixture.commit("Add the deliverables");
    fixture.tag("v0.1", &first);
    fixture.replace("documents/threats/carbon-forging.yaml", "likelihood: low\n", "likelihood: medium\n");
    let second = fixture.commit("Raise the likelihood of forged carbons");
    fixture.tag("v0.2", &second);
    fixture.replace("documents/threats/dialback-spoofing.yaml", "status: open\n", "status: mitigated\n");
    fixture.commit("Dialback spoofing is mitigated");
    fixture
}

#[test]
fn releases_carry_sources_checksums_and_no_draft_marking() {
    let fixture = released();
    let (code, out, err) = fixture.sigdoc(&["release", "v0.1", "v0.2", "-o", "rel"]);
    assert_eq!(code, 0, "{err}");
    // Every file written is named: three PDFs and the checksums of each release.
    assert_eq!(out.lines().count(), 8, "{out}");
    assert!(out.lines().any(|l| l == "rel/v0.2/SHA256SUMS"), "{out}");
    for (tag, version) in [("v0.1", "0.1"), ("v0.2", "0.2")] {
        let dir = fixture.path().join("rel").join(tag);
        for doc in ["process", "template", "analysis"] {
            let pdf = dir.join(format!("secsig-{doc}-{version}.pdf"));
            assert!(pdf.is_file(), "{}", pdf.display());
            let text = pdf_text(&pdf);
            assert!(!text.contains("DRAFT"), "{tag} {doc} is a release, not a draft");
            // A document carries the version of the newest release that changed it:
            // v0.2 changed only the analysis.
            let shown = if doc == "analysis" { version } else { "0.1" };
            assert!(text.contains(&format!("Version {shown}")), "{tag} {doc} says version {shown}");
        }
        let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).expect("SHA256SUMS");
        assert_eq!(sums.lines().count(), 3, "{sums}");
        if let Ok(check) = Command::new("sha256sum").arg("-c").arg("SHA256SUMS").current_dir(&dir).output() {
            assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
        }
    }
    let analysis = fixture.path().join("rel/v0.2/secsig-analysis-0.2.pdf");
    if let Ok(list) = Command::new("pdfdetach").arg("-list").arg(&analysis).output() {
        let list = String::from_utf8_lossy(&list.stdout);
        // Every input of the analysis, under its path in the documents folder.
        for name in ["threats/carbon-forging.yaml", "analysis.md", "process.md", "template.yaml", "sig.yaml"] {
            assert!(list.lines().any(|l| l.ends_with(&format!(": {name}"))), "{name}: {list}");
        }
        assert!(!list.contains("documents/"), "paths relative to the documents folder: {list}");
    }
}

#[test]
fn a_build_after_the_last_release_is_a_draft() {
    let fixture = released();
    let (code, _, err) = fixture.sigdoc(&["build", "-o", "out", "--only", "analysis"]);
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&fixture.path().join("out/analysis.pdf"));
    assert!(text.contains("DRAFT"));
    assert!(text.contains("0.2+1 ("), "the unreleased version is shown");
    let (code, _, err) = fixture.sigdoc(&["build", "--rev", "v0.2", "-o", "at-tag", "--only", "analysis"]);
    assert_eq!(code, 0, "{err}");
    assert!(!pdf_text(&fixture.path().join("at-tag/analysis.pdf")).contains("DRAFT"));
}

#[test]
fn an_unknown_tag_writes_nothing_and_lists_the_releases() {
    let fixture = released();
    let (code, out, err) = fixture.sigdoc(&["release", "v0.2", "v9.9", "-o", "rel"]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("v9.9") && err.contains("v0.1, v0.2"), "{err}");
    assert!(!fixture.path().join("rel").exists(), "no partial release directory");
}

#[test]
fn shards_of_a_release_matrix_build_every_tag_once_between_them() {
    let mut fixture = released();
    fixture.replace("documents/threats/carbon-forging.yaml", "likelihood: medium\n", "likelihood: high\n");
    let third = fixture.commit("Forged carbons are likely");
    fixture.tag("v1.0", &third);
    let folders = |dir: &str| {
        let mut names: Vec<String> = std::fs::read_dir(fixture.path().join(dir))
            .map(|entries| entries.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    };
    let mut union = Vec::new();
    for shard in ["1/2", "2/2"] {
        let dir = format!("shard-{}", &shard[..1]);
        let (code, _, err) = fixture.sigdoc(&["release", "--all", "--shard", shard, "-o", &dir]);
        assert_eq!(code, 0, "{err}");
        union.extend(folders(&dir));
    }
    union.sort();
    assert_eq!(union, ["v0.1", "v0.2", "v1.0"], "each tag in exactly one shard");
    // The slice is the name's alone (pinned in the driver's tests).
    assert_eq!(folders("shard-1"), ["v0.1", "v0.2"]);
    let (code, _, err) = fixture.sigdoc(&["release", "--all", "--shard", "3/2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("3/2"), "{err}");
}
