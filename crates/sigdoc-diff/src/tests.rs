//! Diffs of whole deliverables: the project's process and template with threats made here.

use serde_json::json;
use sigdoc_model::{Deliverables, FieldValue, ScaleName, Snapshot};

use super::*;

fn project_file(name: &str) -> Vec<u8> {
    let path = manifest_dir().join("../../documents").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A threat file; `extra_leaf` adds a leaf to the attack tree, `extra_ref` a reference.
fn threat(id: &str, likelihood: &str, damage: &str, extra_leaf: bool, extra_ref: bool) -> String {
    let mut y = format!(
        "id: {id}\nname: Threat {id}\nabstract: The attacker does something bad.\n\
         definition: |\n  The attacker sends a forged stanza and the client believes it.\n\
         attack_tree:\n  goal: Win\n  gate: or\n  children:\n    - {{goal: Send a forged stanza, cost: 5}}\n"
    );
    if extra_leaf {
        y.push_str("    - {goal: Bribe an operator, cost: 2}\n");
    }
    y.push_str(&format!(
        "likelihood: {likelihood}\ndamage: {damage}\nexisting_approaches:\n  - ref: RFC 6120\n    note: Stamps the from address.\n"
    ));
    if extra_ref {
        y.push_str("  - ref: XEP-0280\n");
    }
    y.push_str(
        "gap: Clients forget the check.\npotential_approaches:\n  - approach: Check centrally.\n    \
         implementation_issues: Library changes.\nrecommended: Check the sender.\n",
    );
    y
}

fn load(threats: &[(&str, String)]) -> Deliverables {
    let mut files: Vec<(String, Vec<u8>)> =
        ["sig.yaml", "references.yaml", "process.md", "template.yaml", "analysis.md"]
            .iter()
            .map(|n| ((*n).to_owned(), project_file(n)))
            .collect();
    files.extend(threats.iter().map(|(id, y)| (format!("threats/{id}.yaml"), y.clone().into_bytes())));
    let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
    let errors: Vec<String> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "fixture has errors: {errors:#?}");
    loaded.deliverables
}

#[test]
fn the_acceptance_scenario_reports_exactly_its_changes() {
    let old = load(&[
        ("kept", threat("kept", "low", "high", false, false)),
        ("gone", threat("gone", "low", "low", false, false)),
        ("same", threat("same", "medium", "medium", false, false)),
    ]);
    let new = load(&[
        ("kept", threat("kept", "high", "high", true, true)),
        ("fresh", threat("fresh", "medium", "low", false, false)),
        ("same", threat("same", "medium", "medium", false, false)),
    ]);
    let d = diff(&old, &new);
    assert_eq!(d.threats.added, ["fresh"]);
    assert_eq!(d.threats.removed, ["gone"]);
    assert_eq!(d.threats.changed.len(), 1);
    let t = &d.threats.changed[0];
    assert_eq!(t.id, "kept");
    let keys: Vec<&str> = t.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["attack_tree", "likelihood", "priority", "existing_approaches"]);
    let field = |k: &str| t.fields.iter().find(|f| f.key == k).expect("field");
    assert_eq!((&field("likelihood").old, &field("likelihood").new), (&json!("low"), &json!("high")));
    assert_eq!(field("likelihood").kind, "level");
    // low × high = 2, high × high = 1 in the project's matrix.
    assert_eq!((&field("priority").old, &field("priority").new), (&json!(2), &json!(1)));
    let Some(Detail::Tree { tree }) = &field("attack_tree").detail else { panic!("no tree detail") };
    assert_eq!(tree.added.len(), 1);
    assert_eq!(tree.added[0].path, ["Win", "Bribe an operator"]);
    assert_eq!(tree.cheapest.old.as_ref().and_then(|c| c.cost), Some(5.0));
    assert_eq!(tree.cheapest.new.as_ref().and_then(|c| c.cost), Some(2.0));
    let Some(Detail::References { references }) = &field("existing_approaches").detail else { panic!("no refs") };
    assert_eq!(references.added.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["XEP-0280"]);
    assert_eq!(field("existing_approaches").new[1], json!({"ref": "XEP-0280", "note": null}));
    assert_eq!(d.summary.priority_moves.len(), 1);
    assert_eq!(d.summary.added[0].priority, Some(3));
    assert!(d.documents.is_empty(), "{:?}", d.documents);
    assert!(d.invalidated.is_empty());

    let json = serde_json::to_value(Report { diff: d, ..Report::default() }).expect("serialises");
    assert_eq!(json["threats"]["added"], json!(["fresh"]));
    assert_eq!(json["threats"]["changed"][0]["fields"][1], {
        json!({"key": "likelihood", "kind": "level", "label": "Likelihood", "old": "low", "new": "high"})
    });
    assert_eq!(
        json["from"],
        json!({"rev": null, "commit": null, "tag": null, "date": null, "worktree": false, "head": null, "dirty": false})
    );
}

#[test]
fn identical_revisions_have_no_diff() {
    let a = load(&[("kept", threat("kept", "low", "high", true, true))]);
    let d = diff(&a, &a.clone());
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn a_matrix_change_moves_priorities_of_untouched_threats() {
    let old = load(&[("kept", threat("kept", "low", "low", false, false))]);
    let mut new = old.clone();
    new.process.matrix.get_mut("low").expect("row").insert("low".into(), 1);
    let d = diff(&old, &new);
    assert_eq!(d.documents.process.len(), 1);
    assert_eq!(d.documents.process[0].what, "matrix low × low");
    assert_eq!((&d.documents.process[0].old, &d.documents.process[0].new), (&json!(3), &json!(1)));
    let t = &d.threats.changed[0];
    assert_eq!(t.fields.len(), 1);
    assert_eq!((&t.fields[0].key[..], &t.fields[0].old, &t.fields[0].new), ("priority", &json!(3), &json!(1)));
}

#[test]
fn a_new_required_template_field_invalidates_threats_that_lack_it() {
    let old = load(&[("kept", threat("kept", "low", "low", false, false))]);
    let mut new = old.clone();
    let mut field = new.template.field("gap").expect("gap").clone();
    field.key = "owner".into();
    field.label = "Owner".into();
    new.template.fields.push(field);
    let d = diff(&old, &new);
    assert_eq!(d.documents.template.added.len(), 1);
    assert_eq!(d.invalidated.len(), 1);
    assert_eq!(d.invalidated[0].id, "kept");
    assert!(d.invalidated[0].reasons[0].contains("\"owner\""), "{:?}", d.invalidated);
}

#[test]
fn prose_is_diffed_word_by_word_and_only_threat_keeps_one() {
    let old = load(&[("a", threat("a", "low", "low", false, false)), ("b", threat("b", "low", "low", false, false))]);
    let new_a = threat("a", "low", "low", false, false).replace("forged stanza and", "forged stanza, and then");
    let new = load(&[("a", new_a), ("c", threat("c", "low", "low", false, false))]);
    let mut d = diff(&old, &new);
    let f = &d.threats.changed[0].fields[0];
    assert_eq!(f.key, "definition");
    let Some(Detail::Words(prose)) = &f.detail else { panic!("no words") };
    let changes: Vec<(Op, &str)> =
        prose.words.iter().filter(|s| s.op != Op::Equal).map(|s| (s.op, s.text.as_str())).collect();
    assert_eq!(changes, [(Op::Delete, "stanza"), (Op::Insert, "stanza,"), (Op::Insert, "then")]);
    d.only_threat("c");
    assert_eq!(d.threats.added, ["c"]);
    assert!(d.threats.removed.is_empty() && d.threats.changed.is_empty());
}

/// 1,000 threats on each side, a tenth of them edited: the diff must stay well under a
/// second (the budget), so a slow algorithm shows up here as a failure.
#[test]
fn a_thousand_threats_diff_quickly() {
    let base = load(&[("t", threat("t", "low", "high", false, false))]);
    let template = base.threats[0].clone();
    let mut old = base.clone();
    let mut new = base;
    old.threats.clear();
    new.threats.clear();
    for i in 0..1000 {
        let mut t = template.clone();
        t.id = format!("t{i:04}");
        old.threats.push(t.clone());
        if i % 10 == 0 {
            if let Some(FieldValue::Markdown(text)) = t.values.get_mut("definition") {
                text.push_str(" A further sentence was added in review.");
            }
            t.values
                .insert("likelihood".into(), FieldValue::Level { scale: ScaleName::Likelihood, level: "high".into() });
        }
        new.threats.push(t);
    }
    let started = std::time::Instant::now();
    let d = diff(&old, &new);
    let took = started.elapsed();
    assert_eq!(d.threats.changed.len(), 100);
    assert!(d.threats.changed.iter().all(|t| t.fields.len() == 3), "definition, likelihood, priority");
    // Generous against a loaded CI machine; measured at a few milliseconds.
    assert!(took.as_millis() < 1000, "1,000-threat diff took {took:?}");
}

/// This crate's folder in the checkout the tests run in: cargo sets it when running
/// tests, while the compile-time value names whichever checkout built the binary first
/// when checkouts share a target folder.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}
