//! `sigdoc history --format json`: the entries cover exactly the commits git lists for the document's files.

use std::collections::BTreeSet;
use std::process::Command;

use crate::support::Fixture;

/// A repository whose history touches the analysis twice, the code once, the process once,
/// with a release tag on the first commit.
struct Story {
    fixture: Fixture,
    added: String,
    threat_edit: String,
    code_only: String,
    process_edit: String,
}

fn story() -> Story {
    let mut fixture = Fixture::with_threats(&["carbon-forging", "dialback-spoofing"]);
    let added = fixture.commit("Add the deliverables");
    fixture.tag("v0.1", &added);
    fixture.replace("documents/threats/carbon-forging.yaml", "likelihood: low\n", "likelihood: medium\n");
    let threat_edit = fixture.commit("Raise the likelihood of forged carbons");
    fixture.write("src/main.rs", "fn main() {}\n");
    let code_only = fixture.commit("Add a tool that is not a document");
    fixture.replace("documents/process.md", "# Introduction\n", "# Introduction\n\nAn added sentence.\n");
    let process_edit = fixture.commit("Clarify the process");
    Story { fixture, added, threat_edit, code_only, process_edit }
}

fn history_json(fixture: &Fixture, doc: &str) -> serde_json::Value {
    let (code, stdout, stderr) = fixture.sigdoc(&["history", doc, "--format", "json"]);
    assert_eq!(code, 0, "history {doc} failed:\n{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("history --format json is not JSON ({e}):\n{stdout}"))
}

fn union_of_commits(history: &serde_json::Value) -> BTreeSet<String> {
    let entries = history["entries"].as_array().unwrap_or_else(|| panic!("no entries in {history}"));
    entries
        .iter()
        .flat_map(|e| e["commits"].as_array().unwrap_or_else(|| panic!("entry without commits: {e}")).clone())
        .map(|c| c.as_str().expect("commit ids are strings").to_owned())
        .collect()
}

/// `git log --format=%H -- paths`, or `None` where git is not installed.
fn git_log(fixture: &Fixture, paths: &[&str]) -> Option<BTreeSet<String>> {
    let output = Command::new("git")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .arg("-C")
        .arg(fixture.path())
        .args(["log", "--format=%H", "--"])
        .args(paths)
        .output()
        .ok()?;
    assert!(output.status.success(), "git log failed: {}", String::from_utf8_lossy(&output.stderr));
    Some(String::from_utf8(output.stdout).expect("UTF-8").lines().map(str::to_owned).collect())
}

#[test]
fn analysis_history_covers_exactly_the_commits_that_touched_it() {
    let s = story();
    let history = history_json(&s.fixture, "analysis");
    assert_eq!(history["document"], "analysis");
    let union = union_of_commits(&history);
    let expected: BTreeSet<String> = [s.added.clone(), s.threat_edit.clone()].into();
    assert_eq!(union, expected, "code-only {} and process-only {} must not count", s.code_only, s.process_edit);
    if let Some(git) = git_log(&s.fixture, &["documents/analysis.md", "documents/threats/"]) {
        assert_eq!(union, git, "history differs from git log");
    }

    let entries = history["entries"].as_array().expect("entries");
    // Newest first: the unreleased commit, then the release.
    let release = entries.iter().find(|e| e["tag"] == "v0.1").unwrap_or_else(|| panic!("no v0.1 entry: {history:#}"));
    assert_eq!(release["version"], "0.1", "{release}");
    assert_eq!(release["commit"], s.added.as_str(), "{release}");
    assert_eq!(release["date"], "2025-01-01", "{release}");
    let first = &entries[0];
    assert!(first["tag"].is_null(), "the newest entry should be unreleased: {history:#}");
    assert!(first["version"].as_str().is_some_and(|v| v.starts_with("0.1+")), "{first}");
    assert_eq!(first["commits"], serde_json::json!([s.threat_edit]), "{first}");
}

#[test]
fn process_history_covers_exactly_the_commits_that_touched_it() {
    let s = story();
    let union = union_of_commits(&history_json(&s.fixture, "process"));
    let expected: BTreeSet<String> = [s.added.clone(), s.process_edit.clone()].into();
    assert_eq!(union, expected);
    if let Some(git) = git_log(&s.fixture, &["documents/process.md"]) {
        assert_eq!(union, git, "history differs from git log");
    }
}
