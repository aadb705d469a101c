//! Diffs of whole deliverables: the project's process and template with threats made here.

use serde_json::json;
use sigdoc_model::{Approach, Deliverables, FieldKind, FieldValue, ScaleName, Snapshot, ThreatStatus};

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

/// One threat, "kept", in the project's process and template.
fn base() -> Deliverables {
    load(&[("kept", threat("kept", "low", "high", false, false))])
}

/// The diff from the base to the base with `edit` applied.
fn after(edit: impl FnOnce(&mut Deliverables)) -> Diff {
    let old = base();
    let mut new = old.clone();
    edit(&mut new);
    diff(&old, &new)
}

fn kept(d: &mut Deliverables) -> &mut sigdoc_model::Threat {
    d.threats.iter_mut().find(|t| t.id == "kept").expect("the kept threat")
}

#[test]
fn threats_are_matched_to_the_end_of_both_lists() {
    // The last old threat is removed after every new one has been matched.
    let old = load(&[("a", threat("a", "low", "low", false, false)), ("z", threat("z", "low", "low", false, false))]);
    let new = load(&[("a", threat("a", "low", "low", false, false))]);
    let d = diff(&old, &new);
    assert_eq!((d.threats.removed.as_slice(), d.threats.added.len()), (&["z".to_owned()][..], 0));
    assert!(!d.is_empty());
    let d = diff(&new, &old);
    assert_eq!(d.threats.added, ["z"]);
    assert!(!d.is_empty());
}

#[test]
fn only_the_moved_threat_is_a_priority_move_and_an_unrenamed_threat_has_no_old_name() {
    let old = load(&[
        ("kept", threat("kept", "low", "high", false, false)),
        ("same", threat("same", "low", "low", false, false)),
    ]);
    let new = load(&[
        ("kept", threat("kept", "high", "high", false, false)),
        ("same", threat("same", "low", "low", false, false)),
    ]);
    let d = diff(&old, &new);
    let moves: Vec<(&str, Option<u32>, Option<u32>)> =
        d.summary.priority_moves.iter().map(|m| (m.id.as_str(), m.old, m.new)).collect();
    assert_eq!(moves, [("kept", Some(2), Some(1))]);
    assert_eq!(d.threats.changed[0].old_name, None);
    // Overview tables read the new priority from the changed threat itself.
    assert_eq!(d.threats.changed[0].priority, Some(1));
    let d = after(|d| {
        kept(d).values.insert("name".into(), FieldValue::Text("Renamed".into()));
    });
    assert_eq!(
        (d.threats.changed[0].name.as_str(), d.threats.changed[0].old_name.as_deref()),
        ("Renamed", Some("Threat kept"))
    );
}

#[test]
fn only_threat_keeps_that_threat_in_every_list() {
    let old = load(&[
        ("gone", threat("gone", "low", "low", false, false)),
        ("kept", threat("kept", "low", "high", false, false)),
    ]);
    let mut new = load(&[
        ("kept", threat("kept", "high", "high", false, false)),
        ("new", threat("new", "low", "low", false, false)),
    ]);
    let mut field = new.template.field("gap").expect("gap").clone();
    field.key = "owner".into();
    new.template.fields.push(field);
    let full = diff(&old, &new);
    let mut d = full.clone();
    d.only_threat("kept");
    assert_eq!((d.threats.changed.len(), d.summary.priority_moves.len(), d.invalidated.len()), (1, 1, 1));
    assert!(d.threats.added.is_empty() && d.threats.removed.is_empty() && d.documents.is_empty());
    let mut d = full.clone();
    d.only_threat("gone");
    assert_eq!((d.threats.removed.as_slice(), d.summary.removed.len()), (&["gone".to_owned()][..], 1));
    assert!(d.threats.changed.is_empty() && d.summary.priority_moves.is_empty() && d.invalidated.is_empty());
    let mut d = full;
    d.only_threat("new");
    assert_eq!((d.threats.added.as_slice(), d.summary.added.len()), (&["new".to_owned()][..], 1));
}

#[test]
fn markdown_fields_are_shown_styled_and_text_fields_as_written() {
    let d = after(|d| {
        let t = kept(d);
        t.values.insert("name".into(), FieldValue::Text("Threat *kept*".into()));
        t.values.insert("gap".into(), FieldValue::Markdown("Clients *forget* the check.".into()));
    });
    let shown = |key: &str| {
        let field = d.threats.changed[0].fields.iter().find(|f| f.key == key).expect("field");
        let Some(Detail::Words(prose)) = &field.detail else { panic!("{key}: no words") };
        prose.shown.clone()
    };
    let plain = Style::default();
    let emph = Style { emph: true, ..Style::default() };
    assert!(shown("name").contains(&Run::Words { op: Op::Insert, style: plain, text: "*kept*".into() }));
    assert!(shown("gap").contains(&Run::Words { op: Op::Insert, style: emph, text: "forget".into() }));
}

#[test]
fn approaches_and_lists_are_compared_item_by_item() {
    let d = after(|d| {
        let approach =
            Approach { approach: "Check centrally.".into(), implementation_issues: "Library changes, many.".into() };
        kept(d).values.insert("potential_approaches".into(), FieldValue::Approaches(vec![approach]));
    });
    let f = &d.threats.changed[0].fields[0];
    let Some(Detail::Items { items }) = &f.detail else { panic!("no items: {f:?}") };
    assert_eq!((items.changed.len(), items.added.len(), items.removed.len()), (1, 0, 0));
    // A list field, which the project's template has not: added to both revisions.
    let mut old = base();
    let mut field = old.template.field("gap").expect("gap").clone();
    field.key = "notes".into();
    field.kind = FieldKind::List;
    field.required = false;
    old.template.fields.push(field);
    kept(&mut old).values.insert("notes".into(), FieldValue::List(vec!["One.".into()]));
    let mut new = old.clone();
    kept(&mut new).values.insert("notes".into(), FieldValue::List(vec!["One.".into(), "Two.".into()]));
    let d = diff(&old, &new);
    let f = &d.threats.changed[0].fields[0];
    let Some(Detail::Items { items }) = &f.detail else { panic!("no items: {f:?}") };
    assert_eq!(items.added.iter().map(|i| i.index).collect::<Vec<_>>(), [1]);
}

#[test]
fn a_status_change_is_reported_once_with_or_without_a_status_field() {
    let d = after(|d| {
        let t = kept(d);
        t.status = Some(ThreatStatus::Mitigated);
        t.values.insert("status".into(), FieldValue::Status(ThreatStatus::Mitigated));
    });
    let keys: Vec<&str> = d.threats.changed[0].fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["status"], "the template's status field");
    // Without a status field, the threat's own status.
    let mut old = base();
    old.template.fields.retain(|f| f.kind != FieldKind::Status);
    let mut new = old.clone();
    assert!(diff(&old, &new).is_empty(), "no change, no status line");
    kept(&mut new).status = Some(ThreatStatus::Accepted);
    let d = diff(&old, &new);
    let fields: Vec<(&str, &str, &serde_json::Value)> =
        d.threats.changed[0].fields.iter().map(|f| (f.key.as_str(), f.kind.as_str(), &f.new)).collect();
    assert_eq!(fields, [("status", "status", &json!("accepted"))]);
}

#[test]
fn documents_changes_are_named_each_alone_making_the_diff_non_empty() {
    let record_names = |list: &[RecordChange]| list.iter().map(|r| r.what.clone()).collect::<Vec<_>>();
    let d = after(|d| d.process.doc.meta.title = "Threat Analysis Method".into());
    assert_eq!(record_names(&d.documents.process), ["title"]);
    let prose = d.documents.process[0].prose.as_ref().expect("a title is prose");
    assert!(prose.shown.contains(&Run::Words { op: Op::Insert, style: Style::default(), text: "Method".into() }));
    assert!(!d.documents.is_empty() && !d.is_empty());

    let d = after(|d| d.analysis.body.text.push_str("\n\nA *new* paragraph."));
    assert_eq!(record_names(&d.documents.analysis), ["introduction"]);
    assert!(!d.documents.is_empty());

    let d = after(|d| {
        let first = d.references.keys().next().cloned().expect("a reference");
        d.references.remove(&first);
    });
    assert_eq!(d.documents.references.len(), 1);
    assert_eq!(d.documents.references[0].new, serde_json::Value::Null);
    assert!(!d.documents.is_empty());

    let d = after(|d| {
        let scale = d.process.scales.get_mut("likelihood").expect("likelihood");
        scale[0].label = "Rare".into();
    });
    assert_eq!(record_names(&d.documents.process), ["likelihood level low"]);
    assert_eq!(d.documents.process[0].new["label"], "Rare");
    let d = after(|d| d.process.scales.get_mut("damage").expect("damage").reverse());
    assert_eq!(record_names(&d.documents.process), ["damage order"]);
    let d = after(|d| {
        d.process.scales.get_mut("damage").expect("damage").pop();
    });
    let names = record_names(&d.documents.process);
    assert!(
        names.iter().any(|n| n.starts_with("damage level")) && !names.iter().any(|n| n == "damage order"),
        "{names:?}"
    );
    // A renamed level is a level removed and one added, not a new order.
    let d = after(|d| d.process.scales.get_mut("damage").expect("damage")[0].level = "minor".into());
    let names = record_names(&d.documents.process);
    assert!(
        names.contains(&"damage level minor".to_owned()) && !names.iter().any(|n| n == "damage order"),
        "{names:?}"
    );
}

#[test]
fn template_changes_are_named_each_alone_making_the_diff_non_empty() {
    let d = after(|d| d.template.fields.swap(0, 1));
    assert_eq!(
        d.documents.template.changed.iter().map(|r| r.what.as_str()).collect::<Vec<_>>(),
        ["order of the fields"]
    );
    assert!(!d.documents.template.is_empty() && !d.documents.is_empty());
    let d = after(|d| {
        let gap = d.template.fields.iter_mut().find(|f| f.key == "gap").expect("gap");
        gap.label = "The gap".into();
        gap.required = false;
    });
    let names: Vec<&str> = d.documents.template.changed.iter().map(|r| r.what.as_str()).collect();
    assert_eq!(names, ["gap: label", "gap: required"]);
    let d = after(|d| d.template.meta.title = "Another template".into());
    assert_eq!(d.documents.template.document.len(), 1);
    assert!(!d.documents.template.is_empty());
    let d = after(|d| {
        d.template.fields.retain(|f| f.key != "recommended");
    });
    assert_eq!(d.documents.template.removed.len(), 1);
    assert!(d.documents.template.changed.is_empty(), "a removed field is no change of order");
    assert!(!d.documents.template.is_empty());
    let d = after(|d| {
        let mut field = d.template.field("gap").expect("gap").clone();
        field.key = "owner".into();
        field.required = false;
        d.template.fields.insert(0, field);
    });
    assert_eq!(d.documents.template.added.len(), 1);
    assert!(d.documents.template.changed.is_empty(), "an added field is no change of order");
    assert!(!d.documents.template.is_empty() && d.invalidated.is_empty());
}

#[test]
fn threats_are_invalid_for_a_level_off_the_scale_or_a_value_of_the_old_kind_only() {
    // The kept threat's likelihood is low; loading it against a scale without that level
    // leaves the value out, as here.
    let off_the_scale = |level: &'static str| {
        after(move |d| {
            d.process.scales.get_mut("likelihood").expect("likelihood").retain(|l| l.level != level);
            kept(d).values.remove("likelihood");
        })
    };
    let d = off_the_scale("low");
    assert_eq!(d.invalidated.len(), 1);
    assert!(d.invalidated[0].reasons[0].contains("level \"low\" is no longer on the scale"), "{:?}", d.invalidated);
    assert!(!d.is_empty());
    // Another level leaving the scale leaves the threat valid.
    let d = off_the_scale("high");
    assert!(d.invalidated.is_empty(), "{:?}", d.invalidated);
    // The gap became a list: the threat's text no longer reads as one, and is dropped.
    let d = after(|d| {
        d.template.fields.iter_mut().find(|f| f.key == "gap").expect("gap").kind = FieldKind::List;
        kept(d).values.remove("gap");
    });
    assert_eq!(d.invalidated.len(), 1);
    assert!(d.invalidated[0].reasons[0].contains("changed kind"), "{:?}", d.invalidated);
    // A field the threat fills that becomes required, or a required priority: still valid.
    let mut old = base();
    old.template.fields.iter_mut().find(|f| f.key == "gap").expect("gap").required = false;
    let mut new = old.clone();
    for f in new.template.fields.iter_mut().filter(|f| f.key == "gap" || f.kind == FieldKind::Priority) {
        f.required = true;
    }
    let d = diff(&old, &new);
    assert!(d.invalidated.is_empty(), "{:?}", d.invalidated);
}

#[test]
fn a_side_is_named_by_its_revision_or_as_the_working_tree() {
    let tag = Side { rev: Some("v0.2".into()), ..Side::default() };
    assert_eq!(tag.label(), "v0.2");
    assert_eq!(Side { worktree: true, ..Side::default() }.label(), "the working tree");
}

/// 1,000 threats on each side, a tenth of them edited: the diff must stay well under a
/// second (the issue's budget), so a slow algorithm shows up here as a failure.
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
