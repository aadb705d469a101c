//! `--rev` reads git objects only, the default reads the working tree, neither writes to the repository.

use std::path::Path;

use crate::support::{Fixture, contains, count, normalise, pdf_text};

const THREAT: &str = "documents/threats/carbon-forging.yaml";
const COMMITTED_NAME: &str = "Forged message carbons";
const EDITED_NAME: &str = "Carbon copies injected by a stranger";
const UNTRACKED_NAME: &str = "Untracked threat that exists only on disk";

/// A repository with two committed threats, then an uncommitted edit of one threat's name
/// and a new, untracked threat.
fn edited_fixture() -> Fixture {
    let mut fixture = Fixture::with_threats(&["carbon-forging", "dialback-spoofing"]);
    fixture.commit("Add two threats");
    let committed = fixture.read(THREAT);
    fixture.replace(THREAT, &format!("name: {COMMITTED_NAME}\n"), &format!("name: {EDITED_NAME}\n"));
    let untracked = committed
        .replace("id: carbon-forging", "id: untracked-threat")
        .replace(&format!("name: {COMMITTED_NAME}\n"), &format!("name: {UNTRACKED_NAME}\n"));
    fixture.write("documents/threats/untracked-threat.yaml", untracked);
    fixture
}

fn build_analysis(fixture: &Fixture, extra: &[&str], out: &str) -> String {
    let mut args = vec!["build", "--only", "analysis", "-o", out];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = fixture.sigdoc(&args);
    assert_eq!(code, 0, "sigdoc {args:?} failed:\n{stderr}");
    let expected = Path::new(out).join("analysis.pdf").display().to_string();
    assert_eq!(stdout.lines().collect::<Vec<_>>(), [expected.as_str()], "sigdoc {args:?} printed:\n{stdout}");
    normalise(&pdf_text(&fixture.path().join(out).join("analysis.pdf")))
}

#[test]
fn rev_head_renders_the_commit_and_the_default_renders_the_working_tree() {
    let fixture = edited_fixture();
    let index = std::fs::read(fixture.path().join(".git/index")).expect("read .git/index");
    let refs = fixture.refs();
    let git_dir = fixture.git_dir_files();

    let committed = build_analysis(&fixture, &["--rev", "HEAD"], "a");
    let working = build_analysis(&fixture, &[], "b");

    assert!(count(&committed, COMMITTED_NAME) >= 2, "--rev HEAD does not render the committed name");
    assert!(!contains(&committed, EDITED_NAME), "--rev HEAD rendered the uncommitted name");
    assert!(!contains(&committed, UNTRACKED_NAME), "--rev HEAD rendered an untracked file");
    assert!(count(&working, EDITED_NAME) >= 2, "the working-tree build does not render the edited name");
    assert!(contains(&working, UNTRACKED_NAME), "the working-tree build does not render the untracked threat");
    assert!(!contains(&working, COMMITTED_NAME), "the working-tree build rendered the committed name");

    assert_eq!(std::fs::read(fixture.path().join(".git/index")).expect("read .git/index"), index, ".git/index changed");
    assert_eq!(fixture.refs(), refs, "refs changed");
    let after = fixture.git_dir_files();
    let changed: Vec<_> = after
        .keys()
        .chain(git_dir.keys())
        .filter(|p| after.get(*p) != git_dir.get(*p))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(changed.is_empty(), "sigdoc changed files under .git: {changed:?}");
    // The working tree is what the user left.
    assert!(fixture.read(THREAT).contains(EDITED_NAME));
}

#[test]
fn uncommitted_edits_get_their_own_history_entry() {
    let fixture = edited_fixture();
    let history = |extra: &[&str]| {
        let mut args = vec!["history", "analysis", "--format", "json"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = fixture.sigdoc(&args);
        assert_eq!(code, 0, "sigdoc {args:?} failed:\n{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("history prints JSON");
        json["entries"].as_array().expect("entries").clone()
    };
    let working = history(&[]);
    assert!(
        working.first().is_some_and(|e| e["commit"].is_null()),
        "the working tree's newest entry should be the uncommitted edits: {working:#?}"
    );
    let committed = history(&["--rev", "HEAD"]);
    assert!(committed.iter().all(|e| e["commit"].is_string()), "--rev HEAD lists uncommitted edits: {committed:#?}");
}

#[test]
fn the_same_revision_builds_byte_identical_pdfs_from_any_clone() {
    // Pinned names and dates make two fixtures' commits identical: two clones at different paths.
    let mut first = Fixture::with_threats(&["carbon-forging"]);
    let mut second = Fixture::with_threats(&["carbon-forging"]);
    assert_eq!(first.commit("One threat"), second.commit("One threat"), "fixture commits are not reproducible");
    build_analysis(&first, &["--rev", "HEAD"], "a");
    build_analysis(&first, &["--rev", "HEAD"], "again");
    build_analysis(&second, &["--rev", "HEAD"], "a");
    let read = |f: &Fixture, dir: &str| std::fs::read(f.path().join(dir).join("analysis.pdf")).expect("read PDF");
    let pdf = read(&first, "a");
    assert!(read(&first, "again") == pdf, "two builds of HEAD differ");
    assert!(read(&second, "a") == pdf, "builds of the same commit in two clones differ");
}

/// A shallow clone's history stops at its boundary; the PDF says so instead of failing.
#[test]
fn a_shallow_clone_says_its_earlier_history_is_missing() {
    let mut fixture = Fixture::with_threats(&["carbon-forging"]);
    fixture.commit("Add the deliverables");
    fixture.replace("documents/threats/carbon-forging.yaml", "likelihood: low\n", "likelihood: medium\n");
    fixture.commit("Raise the likelihood");
    fixture.replace("documents/threats/carbon-forging.yaml", "likelihood: medium\n", "likelihood: high\n");
    fixture.commit("Raise it again");
    let clone = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", fixture.path().display());
    let cloned = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(clone.path().join("shallow"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status();
    let Ok(status) = cloned else {
        eprintln!("git is not installed; skipping the shallow clone");
        return;
    };
    assert!(status.success(), "git clone --depth 1");
    let shallow = clone.path().join("shallow");
    let (code, out, err) =
        crate::support::sigdoc(&["build", "--rev", "HEAD", "-o", "out", "--only", "analysis"], &shallow);
    assert_eq!(code, 0, "{out}{err}");
    let text = normalise(&pdf_text(&shallow.join("out/analysis.pdf")));
    assert!(contains(&text, "Earlier history is not available"), "{}", &text[text.len().saturating_sub(600)..]);
    let (code, json, err) = crate::support::sigdoc(&["history", "analysis", "--format", "json"], &shallow);
    assert_eq!(code, 0, "{err}");
    assert!(json.contains("\"truncated\": true"), "{json}");
}
