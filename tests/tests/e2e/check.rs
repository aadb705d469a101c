//! Invalid input: every problem located as `file:line:col`, in human and JSON form; a failed build writes nothing.

use crate::support::Fixture;

const C2S: &str = "documents/threats/c2s-starttls-stripping.yaml";
const CARBON: &str = "documents/threats/carbon-forging.yaml";

/// Where a misspelt level sits in a file: its 1-based line and column.
struct Place {
    file: &'static str,
    line: usize,
    column: usize,
}

/// Replaces `key: <old>` by `key: <typo>` in a threat and returns where the typo is.
fn misspell(fixture: &Fixture, file: &'static str, key: &str, typo: &str) -> Place {
    let text = fixture.read(file);
    let (index, line) =
        text.lines().enumerate().find(|(_, l)| l.starts_with(&format!("{key}: "))).expect("the key is in the file");
    fixture.replace(file, &format!("\n{line}\n"), &format!("\n{key}: {typo}\n"));
    Place { file, line: index + 1, column: key.len() + 3 }
}

/// A committed, valid repository, then two misspelt levels in the working tree.
fn broken_fixture() -> (Fixture, Place, Place) {
    let mut fixture = Fixture::with_threats(&["c2s-starttls-stripping", "carbon-forging"]);
    fixture.commit("Two threats");
    let likelihood = misspell(&fixture, C2S, "likelihood", "hihg");
    let damage = misspell(&fixture, CARBON, "damage", "hgih");
    (fixture, likelihood, damage)
}

#[test]
fn check_reports_every_error_with_its_place() {
    let (fixture, likelihood, damage) = broken_fixture();
    let (code, _stdout, stderr) = fixture.sigdoc(&["check"]);
    assert_eq!(code, 1, "stderr:\n{stderr}");
    for (place, typo) in [(&likelihood, "hihg"), (&damage, "hgih")] {
        let location = format!("{}:{}:{}: error:", place.file, place.line, place.column);
        let line = stderr.lines().find(|l| l.starts_with(&location));
        assert!(line.is_some_and(|l| l.contains(typo)), "no line starting {location:?} naming {typo:?} in:\n{stderr}");
    }
    // The offending source line is shown.
    assert!(stderr.contains("likelihood: hihg"), "the source line is not shown:\n{stderr}");
    assert!(!stderr.contains('\u{1b}'), "--color never printed escape sequences");
}

#[test]
fn check_json_lists_every_diagnostic() {
    let (fixture, likelihood, damage) = broken_fixture();
    let (code, stdout, stderr) = fixture.sigdoc(&["check", "--format", "json"]);
    assert_eq!(code, 1, "stderr:\n{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("check --format json is not JSON ({e}):\n{stdout}"));
    let diagnostics = json["diagnostics"].as_array().unwrap_or_else(|| panic!("no diagnostics list in {json}"));
    let errors: Vec<&serde_json::Value> = diagnostics.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 2, "expected exactly the two errors: {json:#}");
    for (place, typo) in [(&likelihood, "hihg"), (&damage, "hgih")] {
        let found = errors
            .iter()
            .find(|d| d["file"] == place.file)
            .unwrap_or_else(|| panic!("no error in {}: {json:#}", place.file));
        assert_eq!(found["line"], place.line, "{found}");
        assert_eq!(found["column"], place.column, "{found}");
        assert!(found["message"].as_str().is_some_and(|m| m.contains(typo)), "{found}");
    }
}

#[test]
fn check_sarif_locates_every_error_for_code_scanning() {
    let (fixture, likelihood, damage) = broken_fixture();
    let (code, stdout, stderr) = fixture.sigdoc(&["check", "--format", "sarif"]);
    assert_eq!(code, 1, "errors still fail the check:\n{stderr}");
    let log: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("check --format sarif is not JSON ({e}):\n{stdout}"));
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "sigdoc");
    let results = run["results"].as_array().unwrap_or_else(|| panic!("no results in {log}"));
    let errors: Vec<&serde_json::Value> = results.iter().filter(|r| r["level"] == "error").collect();
    assert_eq!(errors.len(), 2, "{log:#}");
    for (place, typo) in [(&likelihood, "hihg"), (&damage, "hgih")] {
        let found = errors
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == place.file)
            .unwrap_or_else(|| panic!("no result in {}: {log:#}", place.file));
        let region = &found["locations"][0]["physicalLocation"]["region"];
        assert_eq!((&region["startLine"], &region["startColumn"]), (&place.line.into(), &place.column.into()));
        assert!(found["message"]["text"].as_str().is_some_and(|m| m.contains(typo)), "{found}");
    }
    assert!(!stderr.contains("hihg"), "diagnostics go to the log, not the terminal:\n{stderr}");
}

#[test]
fn check_github_annotates_each_problem_once() {
    let (fixture, likelihood, damage) = broken_fixture();
    let (code, stdout, _) = fixture.sigdoc(&["check", "--format", "github"]);
    assert_eq!(code, 1);
    for (place, typo) in [(&likelihood, "hihg"), (&damage, "hgih")] {
        let start = format!("::error file={},line={},col={},title=sigdoc::", place.file, place.line, place.column);
        let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with(&start)).collect();
        assert_eq!(lines.len(), 1, "{start} in:\n{stdout}");
        assert!(lines[0].contains(typo), "{}", lines[0]);
    }
    assert!(stdout.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ")), "{stdout}");
}

#[test]
fn check_at_a_revision_ignores_the_broken_working_tree() {
    let (fixture, ..) = broken_fixture();
    let (code, stdout, stderr) = fixture.sigdoc(&["check", "--rev", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let errors =
        json["diagnostics"].as_array().expect("diagnostics").iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(errors, 0, "{json:#}");
}

#[test]
fn a_failed_build_writes_nothing_and_keeps_the_previous_pdf() {
    let mut fixture = Fixture::with_threats(&["c2s-starttls-stripping", "carbon-forging"]);
    fixture.commit("Two threats");
    let (code, _, stderr) = fixture.sigdoc(&["build", "--only", "analysis", "-o", "out"]);
    assert_eq!(code, 0, "the valid build failed:\n{stderr}");
    let previous = std::fs::read(fixture.path().join("out/analysis.pdf")).expect("read analysis.pdf");

    misspell(&fixture, C2S, "likelihood", "hihg");
    let (code, stdout, stderr) = fixture.sigdoc(&["build", "-o", "out"]);
    assert_eq!(code, 1, "stderr:\n{stderr}");
    assert!(stdout.is_empty(), "a failed build printed paths:\n{stdout}");
    assert!(stderr.contains("hihg"), "the build does not say why it failed:\n{stderr}");
    let mut left: Vec<String> = std::fs::read_dir(fixture.path().join("out"))
        .expect("read out/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["analysis.pdf"], "the failed build left files in out/");
    let now = std::fs::read(fixture.path().join("out/analysis.pdf")).expect("read analysis.pdf");
    assert!(now == previous, "the failed build changed out/analysis.pdf");
}

/// Warnings about stale threats in `check --format json` of `args`.
fn stale(fixture: &Fixture, args: &[&str]) -> Vec<String> {
    let mut argv = vec!["check", "--format", "json"];
    argv.extend_from_slice(args);
    let (code, stdout, stderr) = fixture.sigdoc(&argv);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["message"].as_str().is_some_and(|m| m.contains("not reviewed")))
        .map(|d| format!("{}:{}", d["file"].as_str().unwrap_or_default(), d["message"].as_str().unwrap_or_default()))
        .collect()
}

#[test]
fn threats_no_recent_release_revisited_are_warned_about_at_their_file() {
    let mut fixture = Fixture::with_threats(&["c2s-starttls-stripping", "carbon-forging"]);
    fixture.replace("documents/process.md", "\n  max_releases: 4\n", "\n  max_releases: 1\n");
    let first = fixture.commit("Two threats");
    fixture.tag("v0.1", &first);
    fixture.replace(C2S, "\nstatus: open\n", "\nstatus: mitigated\n");
    let second = fixture.commit("Revisit STARTTLS stripping");
    fixture.tag("v0.2", &second);
    // Carbon forging was last changed before v0.2, the last release.
    let warnings = stale(&fixture, &[]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with(&format!("{CARBON}:")), "{warnings:?}");
    assert!(warnings[0].contains("last 1 release (v0.2)") && warnings[0].contains(&first[..12]), "{warnings:?}");
    // At v0.1 there is no release before the last one: nothing is stale yet. The same
    // revision read from git objects or the working tree says the same.
    assert_eq!(stale(&fixture, &["--rev", "v0.1"]), Vec::<String>::new());
    assert_eq!(stale(&fixture, &["--rev", "HEAD"]), warnings);
    // An uncommitted edit is a review being made.
    fixture.replace(CARBON, "\nstatus: mitigated\n", "\nstatus: accepted\n");
    assert_eq!(stale(&fixture, &[]), Vec::<String>::new());
    // Two releases of freshness: both threats changed within them.
    fixture.replace(CARBON, "\nstatus: accepted\n", "\nstatus: mitigated\n");
    fixture.replace("documents/process.md", "max_releases: 1", "max_releases: 2");
    assert_eq!(stale(&fixture, &[]), Vec::<String>::new());
}
