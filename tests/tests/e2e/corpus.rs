//! The malformed-input corpus (tests/corpus): one defect per case on top of the example
//! that `sigdoc init` writes, each checked against its expected diagnostics.
//!
//! `SIGDOC_BLESS=1 cargo test --release -p sigdoc-tests corpus` rewrites the expectations.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use crate::support::{Fixture, manifest_dir};

fn corpus() -> PathBuf {
    manifest_dir().join("corpus")
}

/// The cases of one folder of the corpus, sorted by name.
fn cases(kind: &str) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus().join(kind))
        .unwrap_or_else(|e| panic!("read tests/corpus/{kind}: {e}"))
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// Copies a case's files over the fixture's working tree.
fn overlay(from: &Path, rel: &Path, fixture: &Fixture) {
    for entry in std::fs::read_dir(from.join(rel)).expect("read case folder") {
        let entry = entry.expect("case entry");
        let rel = rel.join(entry.file_name());
        if entry.path().is_dir() {
            overlay(from, &rel, fixture);
        } else {
            fixture.write(&rel.to_string_lossy(), std::fs::read(entry.path()).expect("read case file"));
        }
    }
}

/// The repository of a case: the `init` example, the case's files over it, and the files
/// listed in its `remove` deleted.
fn case_fixture(case: &Path) -> Fixture {
    let fixture = Fixture::empty();
    let (code, _, stderr) = fixture.sigdoc(&["init", "."]);
    assert_eq!(code, 0, "sigdoc init failed:\n{stderr}");
    if case.join("documents").is_dir() {
        overlay(case, Path::new("documents"), &fixture);
    }
    if let Ok(list) = std::fs::read_to_string(case.join("remove")) {
        for rel in list.lines().filter(|l| !l.trim().is_empty()) {
            std::fs::remove_file(fixture.path().join(rel.trim())).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
        }
    }
    fixture
}

/// What a case produced: exit status, the JSON diagnostics as lines, the human output.
struct Outcome {
    code: u8,
    lines: Vec<String>,
    human: String,
    human_code: u8,
}

fn run_case(case: &Path) -> Outcome {
    let fixture = case_fixture(case);
    let (code, stdout, stderr) = fixture.sigdoc(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("check --format json is not JSON ({e}):\n{stdout}\n{stderr}"));
    let diagnostics = json["diagnostics"].as_array().unwrap_or_else(|| panic!("no diagnostics list: {json}"));
    let lines = diagnostics
        .iter()
        .map(|d| {
            let text = |k: &str| d[k].as_str().unwrap_or_else(|| panic!("{k} is not a string in {d}")).to_owned();
            let number = |k: &str| d[k].as_u64().unwrap_or_else(|| panic!("{k} is not a number in {d}"));
            format!(
                "{}:{}:{}: {}: {}",
                text("file"),
                number("line"),
                number("column"),
                text("severity"),
                text("message")
            )
        })
        .collect();
    let (human_code, _, human) = fixture.sigdoc(&["check"]);
    Outcome { code, lines, human, human_code }
}

/// Runs every case of a folder, collecting every failure rather than stopping at one.
fn check_corpus(kind: &str, expected_code: u8) {
    let bless = std::env::var_os("SIGDOC_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    let cases = cases(kind);
    for case in &cases {
        let name = case.file_name().expect("case name").to_string_lossy().into_owned();
        let outcome = match std::panic::catch_unwind(AssertUnwindSafe(|| run_case(case))) {
            Ok(outcome) => outcome,
            Err(panic) => {
                let why = panic.downcast_ref::<String>().cloned().unwrap_or_else(|| "a panic".into());
                failures.push(format!("{name}: panicked: {why}"));
                continue;
            }
        };
        let got = outcome.lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &got).expect("write expected.txt");
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!("{name}: diagnostics differ\n--- expected\n{expected}--- got\n{got}"));
        }
        if outcome.code != expected_code || outcome.human_code != expected_code {
            failures.push(format!(
                "{name}: exit {} (human {}), expected {expected_code}",
                outcome.code, outcome.human_code
            ));
        }
        let severity = if expected_code == 1 { "error" } else { "warning" };
        if !outcome.lines.iter().any(|l| l.contains(&format!(": {severity}: "))) {
            failures.push(format!("{name}: no {severity} reported"));
        }
        // The human form leads each problem with the same located line.
        for line in &outcome.lines {
            if !outcome.human.lines().any(|h| h == line) {
                failures.push(format!("{name}: human output lacks {line:?}:\n{}", outcome.human));
            }
        }
        if outcome.human.contains("panicked") {
            failures.push(format!("{name}: human output says panicked:\n{}", outcome.human));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

#[test]
fn the_example_that_cases_start_from_is_clean() {
    let fixture = Fixture::empty();
    assert_eq!(fixture.sigdoc(&["init", "."]).0, 0);
    let (code, stdout, stderr) = fixture.sigdoc(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["diagnostics"], serde_json::json!([]), "the example has problems");
}

#[test]
fn every_error_case_exits_1_with_its_located_diagnostics() {
    assert!(cases("errors").len() >= 40, "the corpus has fewer than 40 error cases");
    check_corpus("errors", 1);
}

#[test]
fn every_warning_case_exits_0_with_its_located_warnings() {
    check_corpus("warnings", 0);
}
