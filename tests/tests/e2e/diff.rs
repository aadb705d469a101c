//! `sigdoc diff` and `sigdoc log`: two tagged revisions compared threat by threat, field by field.

use serde_json::{Value, json};

use crate::support::{Fixture, contains, contains_ignoring_spaces, normalise, pdf_pages, pdf_text};

pub(crate) const CARBON: &str = "documents/threats/carbon-forging.yaml";
const JID: &str = "documents/threats/jid-confusables.yaml";
pub(crate) const NEW_LEAF: &str = "Buy a confusable address from a reseller";

/// v0.1 holds three threats; v0.2 removes dialback-spoofing, adds forged-receipts, raises
/// carbon-forging's likelihood from low to high (its computed priority moves from 2 to 1),
/// and gives jid-confusables a new attack-tree leaf and a new reference.
pub(crate) struct Scenario {
    pub(crate) fixture: Fixture,
    pub(crate) v1: String,
    pub(crate) v2: String,
}

pub(crate) fn scenario() -> Scenario {
    let mut fixture = Fixture::with_threats(&["carbon-forging", "dialback-spoofing", "jid-confusables"]);
    let v1 = fixture.commit("Three threats");
    fixture.tag("v0.1", &v1);
    std::fs::remove_file(fixture.path().join("documents/threats/dialback-spoofing.yaml")).expect("remove threat");
    let receipts = fixture
        .read(CARBON)
        .replace("id: carbon-forging", "id: forged-receipts")
        .replace("name: Forged message carbons", "name: Forged delivery receipts");
    fixture.write("documents/threats/forged-receipts.yaml", receipts);
    fixture.replace(CARBON, "\nlikelihood: low\n", "\nlikelihood: high\n");
    fixture.replace(
        JID,
        "        - {goal: Register a look-alike domain and run a server, cost: 3}\n",
        &format!(
            "        - {{goal: Register a look-alike domain and run a server, cost: 3}}\n        - {{goal: {NEW_LEAF}, cost: 0.5}}\n"
        ),
    );
    fixture.replace(JID, "\ngap: |\n", "\n  - ref: RFC 7590\n    note: TLS as XMPP uses it.\ngap: |\n");
    let v2 = fixture.commit("Revise the analysis");
    fixture.tag("v0.2", &v2);
    Scenario { fixture, v1, v2 }
}

pub(crate) fn diff_json(fixture: &Fixture, args: &[&str]) -> Value {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, stdout, stderr) = fixture.sigdoc(&all);
    assert_eq!(code, 0, "sigdoc {all:?} failed:\n{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("sigdoc {all:?} printed no JSON ({e}):\n{stdout}"))
}

fn keys(fields: &Value) -> Vec<&str> {
    fields.as_array().expect("fields").iter().map(|f| f["key"].as_str().expect("key")).collect()
}

#[test]
fn json_reports_exactly_the_added_removed_and_changed_threats_with_old_and_new_values() {
    let s = scenario();
    let json = diff_json(&s.fixture, &["v0.1", "v0.2"]);
    assert_eq!(json["from"]["rev"], "v0.1");
    assert_eq!(json["from"]["commit"], s.v1.as_str());
    assert_eq!(json["to"]["rev"], "v0.2");
    assert_eq!(json["to"]["commit"], s.v2.as_str());
    let threats = &json["threats"];
    assert_eq!(threats["added"], json!(["forged-receipts"]));
    assert_eq!(threats["removed"], json!(["dialback-spoofing"]));
    let changed = threats["changed"].as_array().expect("changed");
    let ids: Vec<&str> = changed.iter().map(|t| t["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["carbon-forging", "jid-confusables"]);

    let carbon = &changed[0]["fields"];
    assert_eq!(keys(carbon), ["likelihood", "priority"]);
    assert_eq!(carbon[0]["kind"], "level");
    assert_eq!((&carbon[0]["old"], &carbon[0]["new"]), (&json!("low"), &json!("high")));
    assert_eq!(carbon[1]["kind"], "priority");
    assert_eq!((&carbon[1]["old"], &carbon[1]["new"]), (&json!(2), &json!(1)), "computed low×high=2, high×high=1");

    let jid = &changed[1]["fields"];
    assert_eq!(keys(jid), ["attack_tree", "existing_approaches"]);
    let tree = &jid[0];
    assert_eq!(tree["kind"], "attack-tree");
    assert_eq!(tree["old"]["children"][0]["children"].as_array().map(Vec::len), Some(2));
    assert_eq!(tree["new"]["children"][0]["children"][2]["goal"], NEW_LEAF);
    assert_eq!(tree["new"]["children"][0]["children"][2]["cost"], 0.5);
    let added: Vec<&Value> = tree["tree"]["added"].as_array().expect("added nodes").iter().collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(
        added[0]["path"],
        json!(["Make a user trust a message from a look-alike address", "Obtain a confusable address", NEW_LEAF])
    );
    assert_eq!(tree["tree"]["removed"], json!([]));
    assert_eq!(tree["tree"]["cheapest"]["old"]["cost"], 2.0);
    assert_eq!(tree["tree"]["cheapest"]["new"]["cost"], 1.5);
    let refs = &jid[1];
    assert_eq!(refs["kind"], "references");
    // One reference more than the threat of documents/ cites, at the end.
    let cited = refs["old"].as_array().map_or(0, Vec::len);
    assert!(cited > 0, "{refs}");
    assert_eq!(refs["new"].as_array().map(Vec::len), Some(cited + 1));
    assert_eq!(refs["new"][cited], json!({"ref": "RFC 7590", "note": "TLS as XMPP uses it."}));
    assert_eq!(refs["references"]["added"], json!([{"ref": "RFC 7590", "note": "TLS as XMPP uses it."}]));
    assert_eq!(refs["references"]["removed"], json!([]));

    // Nothing else moved: not the process, the template, the introduction or the bibliography.
    let documents = &json["documents"];
    for key in ["process", "analysis", "references"] {
        assert_eq!(documents[key], json!([]), "{key} reported as changed");
    }
    assert_eq!(documents["template"]["added"], json!([]));
    assert_eq!(documents["template"]["changed"], json!([]));
    assert_eq!(
        json["summary"]["priority_moves"],
        json!([{"id": "carbon-forging", "name": "Forged message carbons", "old": 2, "new": 1}])
    );
}

#[test]
fn pdf_report_holds_both_revisions_and_the_changed_threats() {
    let s = scenario();
    let (code, stdout, stderr) = s.fixture.sigdoc(&["diff", "v0.1", "v0.2", "--format", "pdf", "-o", "changes.pdf"]);
    assert_eq!(code, 0, "diff --format pdf failed:\n{stderr}");
    assert_eq!(stdout.trim(), "changes.pdf");
    let path = s.fixture.path().join("changes.pdf");
    let bytes = std::fs::read(&path).expect("changes.pdf written");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    assert!(pdf_pages(&path) >= 3);
    let text = normalise(&pdf_text(&path));
    let name_of = |id: &str| {
        let file = crate::support::project_documents().join(format!("threats/{id}.yaml"));
        let yaml = std::fs::read_to_string(file).expect("project threat");
        yaml.lines().find_map(|l| l.strip_prefix("name: ").map(str::to_owned)).expect("a name line")
    };
    let names = [name_of("carbon-forging"), name_of("jid-confusables"), name_of("dialback-spoofing")];
    let fixed = ["Changes from v0.1 to v0.2", "Forged delivery receipts", NEW_LEAF, "RFC 7590", "v0.1", "v0.2"];
    for needle in names.iter().map(String::as_str).chain(fixed) {
        assert!(contains(&text, needle), "the report lacks {needle:?}");
    }
    for commit in [&s.v1, &s.v2] {
        assert!(contains_ignoring_spaces(&text, commit), "the report lacks commit {commit}");
    }
}

#[test]
fn the_same_revision_twice_has_no_changes() {
    let s = scenario();
    let json = diff_json(&s.fixture, &["v0.2", "v0.2"]);
    assert_eq!(json["threats"], json!({"added": [], "removed": [], "changed": []}));
    assert_eq!(json["from"]["commit"], json["to"]["commit"]);
    let (code, stdout, stderr) = s.fixture.sigdoc(&["diff", "v0.2", "v0.2"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("No changes."), "{stdout}");
}

#[test]
fn to_defaults_to_the_working_tree_and_human_output_marks_words() {
    let s = scenario();
    s.fixture.replace(CARBON, "Any entity that can send a message", "Anyone who can send a message");
    let json = diff_json(&s.fixture, &["v0.2"]);
    assert_eq!(json["to"]["worktree"], true);
    assert_eq!(json["to"]["commit"], Value::Null);
    assert_eq!(json["to"]["head"], s.v2.as_str());
    assert_eq!(json["to"]["dirty"], true);
    let changed = json["threats"]["changed"].as_array().expect("changed");
    assert_eq!(changed.len(), 1);
    assert_eq!(keys(&changed[0]["fields"]), ["definition"]);
    let words = changed[0]["fields"][0]["words"].as_array().expect("word runs");
    let changes: Vec<(&str, &str)> = words
        .iter()
        .filter(|w| w["op"] != "equal")
        .map(|w| (w["op"].as_str().unwrap_or(""), w["text"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(changes, [("delete", "Any entity that"), ("insert", "Anyone who")]);

    let (code, plain, _) = s.fixture.sigdoc(&["diff", "v0.2"]);
    assert_eq!(code, 0);
    assert!(plain.contains("[-Any entity that-]{+Anyone who+} can send"), "{plain}");
    assert!(plain.contains(&format!("to the working tree (HEAD {} + edits, ", &s.v2[..7])), "{plain}");
    assert!(!plain.contains('\x1b'), "colour without a terminal");
    // The fixture's runner passes `--color never`; run sigdoc directly to ask for colour.
    let repo = s.fixture.path().as_os_str().to_owned();
    let argv: Vec<std::ffi::OsString> =
        vec!["sigdoc".into(), "--repo".into(), repo, "--color".into(), "always".into(), "diff".into(), "v0.2".into()];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = sigdoc_cli::run(argv, s.fixture.path(), &mut out, &mut err, &sigdoc_cli::Host::of_process());
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let coloured = String::from_utf8(out).expect("UTF-8");
    assert!(coloured.contains("\x1b[31;9mAny entity that\x1b[0m"), "{coloured:?}");
}

/// A working tree without uncommitted edits is HEAD's documents: no report says "edits".
#[test]
fn a_clean_working_tree_is_not_said_to_have_edits() {
    let s = scenario();
    let json = diff_json(&s.fixture, &["v0.1"]);
    assert_eq!((&json["to"]["worktree"], &json["to"]["dirty"]), (&json!(true), &json!(false)));
    assert_eq!((&json["to"]["commit"], &json["to"]["head"]), (&Value::Null, &json!(s.v2)));
    assert_eq!(json["from"]["dirty"], false);
    let (code, plain, stderr) = s.fixture.sigdoc(&["diff", "v0.1"]);
    assert_eq!(code, 0, "{stderr}");
    let first = plain.lines().next().unwrap_or_default();
    assert!(first.ends_with(&format!("to the working tree (clean at HEAD {}, 2025-01-02)", &s.v2[..7])), "{first}");
    assert!(!plain.contains("edits"), "{plain}");

    let (code, _, stderr) = s.fixture.sigdoc(&["diff", "v0.1", "--format", "pdf", "-o", "clean.pdf"]);
    assert_eq!(code, 0, "{stderr}");
    let text = normalise(&pdf_text(&s.fixture.path().join("clean.pdf")));
    assert!(!text.contains("uncommitted edits"), "{text}");
    assert!(contains(&text, "The working tree, clean at commit"), "{text}");
    assert!(contains_ignoring_spaces(&text, &s.v2), "the report lacks HEAD's commit");

    s.fixture.replace(CARBON, "\nlikelihood: high\n", "\nlikelihood: medium\n");
    let (code, _, stderr) = s.fixture.sigdoc(&["diff", "v0.1", "--format", "pdf", "-o", "dirty.pdf"]);
    assert_eq!(code, 0, "{stderr}");
    let text = normalise(&pdf_text(&s.fixture.path().join("dirty.pdf")));
    assert!(contains(&text, "uncommitted edits"), "{text}");
}

#[test]
fn pdf_report_shows_markdown_prose_as_the_documents_do() {
    let s = scenario();
    // The definition opens with `**Attacker.**`; the edit rewords it and emphasises a word.
    s.fixture.replace(CARBON, "Any entity that can send a message", "Anyone who can *send* a message");
    let (code, _, stderr) = s.fixture.sigdoc(&["diff", "v0.2", "--format", "pdf", "-o", "changes.pdf"]);
    assert_eq!(code, 0, "{stderr}");
    let text = normalise(&pdf_text(&s.fixture.path().join("changes.pdf")));
    for needle in ["Attacker.", "Any entity that", "Anyone who can send send a message"] {
        assert!(contains(&text, needle), "the report lacks {needle:?}:\n{text}");
    }
    assert!(!text.contains('*'), "Markdown syntax in the report:\n{text}");
}

#[test]
fn threat_filter_and_errors() {
    let s = scenario();
    let json = diff_json(&s.fixture, &["v0.1", "v0.2", "--threat", "carbon-forging"]);
    assert_eq!(json["threats"]["added"], json!([]));
    assert_eq!(json["threats"]["removed"], json!([]));
    assert_eq!(json["threats"]["changed"].as_array().map(Vec::len), Some(1));
    let (code, _, stderr) = s.fixture.sigdoc(&["diff", "v0.1", "v0.2", "--threat", "no-such-threat"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = s.fixture.sigdoc(&["diff", "v9.9", "v0.2"]);
    assert_eq!(code, 1, "an unknown revision: {stderr}");
    let (code, _, _) = s.fixture.sigdoc(&["diff", "v0.1", "--format", "pdf"]);
    assert_eq!(code, 2, "pdf without -o is a usage error");
    assert!(!s.fixture.path().join("changes.pdf").exists());
}

#[test]
fn log_lists_every_revision_that_changed_a_threat_newest_first() {
    let s = scenario();
    // high × low is priority 2: the uncommitted edit moves the priority back.
    s.fixture.replace(CARBON, "\ndamage: high\n", "\ndamage: low\n");
    let (code, stdout, stderr) = s.fixture.sigdoc(&["log", "carbon-forging", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).expect("log prints JSON");
    assert_eq!(json["threat"], "carbon-forging");
    let entries = json["entries"].as_array().expect("entries");
    let summary: Vec<(Value, &str)> =
        entries.iter().map(|e| (e["commit"].clone(), e["change"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        summary,
        [(Value::Null, "changed"), (json!(s.v2), "changed"), (json!(s.v1), "added")],
        "uncommitted edit, v0.2, v0.1"
    );
    assert_eq!(keys(&entries[0]["fields"]), ["damage", "priority"]);
    assert_eq!(keys(&entries[1]["fields"]), ["likelihood", "priority"]);
    assert_eq!(entries[1]["tag"], "v0.2");

    // A threat untouched since it was added has one entry; a removed one ends with its removal.
    let (code, stdout, _) = s.fixture.sigdoc(&["log", "dialback-spoofing", "--format", "json"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&stdout).expect("log prints JSON");
    let changes: Vec<&str> =
        json["entries"].as_array().expect("entries").iter().map(|e| e["change"].as_str().unwrap_or("")).collect();
    assert_eq!(changes, ["removed", "added"]);
    let (code, human, _) = s.fixture.sigdoc(&["log", "carbon-forging"]);
    assert_eq!(code, 0);
    assert!(human.contains("Likelihood: low → high"), "{human}");
    let (code, _, _) = s.fixture.sigdoc(&["log", "never-existed"]);
    assert_eq!(code, 2);
}
