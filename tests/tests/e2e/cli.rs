//! Command-line failures: the exit status and message of an unknown revision, command or document.

use crate::support::{Fixture, sigdoc};

fn committed() -> Fixture {
    let mut fixture = Fixture::with_threats(&["carbon-forging"]);
    fixture.commit("One threat");
    fixture
}

#[test]
fn an_unknown_revision_exits_1_naming_it_and_writes_nothing() {
    let fixture = committed();
    let (code, stdout, stderr) = fixture.sigdoc(&["build", "--rev", "no-such-revision", "-o", "out"]);
    assert_eq!(code, 1, "stderr:\n{stderr}");
    assert!(stderr.contains("no-such-revision"), "the message does not name the revision:\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(!fixture.path().join("out").exists(), "out/ was created");
    for command in ["check", "history"] {
        let (code, _, stderr) = fixture.sigdoc(&[command, "--rev", "no-such-revision"]);
        assert_eq!(code, 1, "{command}: {stderr}");
        assert!(stderr.contains("no-such-revision"), "{command}: {stderr}");
    }
}

#[test]
fn an_unknown_subcommand_is_a_usage_error() {
    let fixture = committed();
    let (code, stdout, stderr) = fixture.sigdoc(&["frobnicate"]);
    assert_eq!(code, 2, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("frobnicate"), "{stderr}");
}

#[test]
fn an_unknown_document_is_a_usage_error() {
    let fixture = committed();
    let (code, _, stderr) = fixture.sigdoc(&["build", "--only", "analysys", "-o", "out"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("analysys"), "{stderr}");
    assert!(!fixture.path().join("out").exists(), "out/ was created");
}

#[test]
fn a_folder_that_is_not_a_repository_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, _, stderr) = sigdoc(&["check"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("sigdoc: "), "{stderr}");
}
