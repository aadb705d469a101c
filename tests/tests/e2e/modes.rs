//! Files sigdoc writes get the mode any new file of the user gets (0644 under umask 022),
//! not the 0600 of a temporary file (issue 14).

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::Fixture;

/// The permission bits of a file.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[test]
fn written_files_have_the_users_usual_mode() {
    let mut fixture = Fixture::with_threats(&["carbon-forging"]);
    let first = fixture.commit("Add the deliverables");
    fixture.tag("v0.1", &first);
    // A file made the usual way under this process's umask: what every output must match.
    fixture.write("usual.txt", "x");
    let usual = mode(&fixture.path().join("usual.txt"));
    assert_ne!(usual & 0o044, 0, "the test's umask hides group and other bits; nothing to compare");

    for args in [
        &["build", "-o", "out", "--emit-typst", "typ"][..],
        &["release", "v0.1", "-o", "rel"],
        &["diff", "v0.1", "--format", "pdf", "-o", "changes.pdf"],
        &["new", "threat", "fresh-threat"],
    ] {
        let (code, _, err) = fixture.sigdoc(args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    let written = [
        "out/analysis.pdf",
        "out/process.pdf",
        "typ/analysis.typ",
        "typ/data/analysis.json",
        "typ/documents/threats/carbon-forging.yaml",
        "rel/v0.1/SHA256SUMS",
        "rel/v0.1/secsig-analysis-0.1.pdf",
        "changes.pdf",
        "documents/threats/fresh-threat.yaml",
    ];
    for file in written {
        assert_eq!(mode(&fixture.path().join(file)), usual, "{file}");
    }
}
