//! The "Changes from FROM to TO" report: a diff turned into the data `templates/diff.typ`
//! renders in the house style, and compiled to PDF.

use serde_json::{Value, json};
use sigdoc_diff::{Detail, FieldDiff, ItemPart, NodeInfo, Prose, RecordChange, Report, Run, Side, TreeDiff};
use sigdoc_model::{Deliverables, DocKind, FieldKind, FieldValue};

use crate::{Passes, RenderError, RenderOptions, Rendered, SigWorld, compile, datetime};

/// The report's template, beside the house templates it imports.
const DIFF_TEMPLATE: &str = include_str!("../templates/diff.typ");

/// Text with runs of whitespace made single spaces, as Typst would show it anyway.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a reader sees of a prose change, as the template's runs: `{op, text, style}`
/// (`op` `break` for a block end).
fn segments(prose: &Prose) -> Value {
    let runs = prose.shown.iter().map(|r| match r {
        Run::Words { op, style, text } => json!({"op": op, "text": text, "style": style}),
        Run::Space => json!({"op": "equal", "text": " ", "style": []}),
        Run::Break => json!({"op": "break", "text": "", "style": []}),
    });
    Value::Array(runs.collect())
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => flat(s),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |f| cost(Some(f))),
        other => other.to_string(),
    }
}

fn cost(c: Option<f64>) -> String {
    match c {
        Some(c) if c.fract() == 0.0 && c.abs() < 1e15 => format!("{c:.0}"),
        Some(c) => c.to_string(),
        None => "unknown".into(),
    }
}

/// A prose change, as the documents show it.
fn words_item(label: Option<String>, prose: &Prose) -> Value {
    json!({"t": "words", "label": label, "segments": segments(prose)})
}

fn old_new(label: Option<String>, old: String, new: String) -> Value {
    json!({"t": "oldnew", "label": label, "old": old, "new": new})
}

fn line(t: &str, text: String) -> Value {
    json!({"t": t, "text": text})
}

/// Added or removed nodes as an outline: the first node of a new (or dropped) subtree
/// with its path from the root, the nodes below it indented under it by their goals
/// alone, so that a replaced branch does not repeat its path on every line.
fn node_lines(t: &str, nodes: &[NodeInfo], out: &mut Vec<Value>) {
    let mut subtree: Option<&[String]> = None;
    for n in nodes {
        let extra = if n.leaf { format!(" (cost {})", cost(n.cost)) } else { String::new() };
        let depth = subtree
            .filter(|root| n.path.len() > root.len() && n.path.starts_with(root))
            .map(|root| n.path.len() - root.len());
        let text = match depth {
            Some(_) => format!("{}{extra}", n.goal),
            None => {
                subtree = Some(&n.path);
                format!("{}{extra}", n.path.join(" › "))
            }
        };
        out.push(json!({"t": t, "text": text, "depth": depth.unwrap_or(0)}));
    }
}

fn tree_items(tree: &TreeDiff, out: &mut Vec<Value>) {
    node_lines("added", &tree.added, out);
    node_lines("removed", &tree.removed, out);
    for c in &tree.changed {
        for a in &c.changes {
            out.push(old_new(
                Some(format!("{} — {}", c.path.join(" › "), a.attr)),
                value_text(&a.old),
                value_text(&a.new),
            ));
        }
    }
    if tree.cheapest.changed {
        let show = |c: &Option<sigdoc_diff::Cheapest>| match c {
            None => "no attack tree".to_owned(),
            Some(c) if !c.possible => "none feasible".to_owned(),
            Some(c) => format!("{} ({})", cost(c.cost), c.leaves.join(", ")),
        };
        out.push(old_new(Some("Cheapest attack".into()), show(&tree.cheapest.old), show(&tree.cheapest.new)));
    }
}

fn field_items(f: &FieldDiff, d: &Deliverables) -> Vec<Value> {
    let mut out = Vec::new();
    let with_label = |v: &Value, label: &Option<String>| match label {
        Some(l) => format!("{} ({l})", value_text(v)),
        None => value_text(v),
    };
    match &f.detail {
        Some(Detail::Words(prose)) => out.push(words_item(None, prose)),
        Some(Detail::Priority { old_label, new_label, .. }) => {
            out.push(old_new(None, with_label(&f.old, old_label), with_label(&f.new, new_label)));
        }
        Some(Detail::Tree { tree }) => tree_items(tree, &mut out),
        Some(Detail::References { references }) => {
            let title = |id: &str| d.references.get(id).map_or(id.to_owned(), |r| format!("{id}: {}", r.title));
            out.extend(references.added.iter().map(|r| line("added", title(&r.id))));
            out.extend(references.removed.iter().map(|r| line("removed", title(&r.id))));
            out.extend(references.notes_changed.iter().map(|n| words_item(Some(n.id.clone()), &n.prose)));
        }
        Some(Detail::Items { items }) => {
            let parts = |p: &[(ItemPart, String)]| {
                p.iter()
                    .map(|(part, t)| match part.label() {
                        Some(label) => format!("{label}: {}", flat(t)),
                        None => flat(t),
                    })
                    .collect::<Vec<_>>()
                    .join(" — ")
            };
            out.extend(items.added.iter().map(|i| line("added", format!("#{} {}", i.index + 1, parts(&i.parts)))));
            out.extend(items.removed.iter().map(|i| line("removed", format!("#{} {}", i.index + 1, parts(&i.parts)))));
            for c in &items.changed {
                for (part, prose) in &c.parts {
                    let label = match part.label() {
                        Some(label) => format!("#{} {label}", c.new_index + 1),
                        None => format!("#{}", c.new_index + 1),
                    };
                    out.push(words_item(Some(label), prose));
                }
            }
        }
        None => out.push(old_new(None, value_text(&f.old), value_text(&f.new))),
    }
    out
}

fn records(list: &[RecordChange]) -> Value {
    list.iter()
        .map(|r| {
            let item = match &r.prose {
                Some(prose) => words_item(None, prose),
                None => old_new(None, value_text(&r.old), value_text(&r.new)),
            };
            json!({"what": r.what, "items": [item]})
        })
        .collect()
}

fn side(s: &Side) -> Value {
    json!({
        "label": s.label(),
        "rev": s.rev,
        "tag": s.tag,
        "commit": s.commit.clone().or_else(|| s.head.clone().map(|h| format!("{h} + uncommitted edits"))),
        "date": s.date,
        "worktree": s.worktree,
    })
}

/// The data `diff.typ` renders: the house layout's keys plus the changes.
pub fn diff_data(report: &Report, to: &Deliverables, date: &str) -> Value {
    let d = &report.diff;
    let (from_label, to_label) = (report.from.label(), report.to.label());
    let title = format!("Changes from {from_label} to {to_label}");
    let meta = &to.analysis.meta;
    let abstract_ = format!(
        "This report lists what changed in the {}'s deliverables between {from_label} and {to_label}: \
         threats added, removed and changed, field by field, and changes to the process, the template \
         and the bibliography. Insertions are underlined, deletions struck through, and a bar in the \
         margin marks every change.",
        to.sig.name
    );
    let priority_label = |p: Option<u32>| -> Value {
        p.map_or(Value::Null, |p| {
            json!(to.process.priority_level(p).map_or_else(|| p.to_string(), |l| format!("{p} ({})", l.label)))
        })
    };
    let abstract_of = |id: &str| -> Value {
        let Some(t) = to.threat(id) else { return Value::Null };
        let field = to.template.field_of_kind(&FieldKind::Markdown);
        match field.and_then(|f| t.value(&f.key)) {
            Some(FieldValue::Markdown(text)) => json!(flat(text)),
            _ => Value::Null,
        }
    };
    let mut summary = Vec::new();
    summary.extend(d.summary.added.iter().map(
        |t| json!({"id": t.id, "name": t.name, "change": "added", "old": null, "new": priority_label(t.priority)}),
    ));
    summary.extend(d.summary.removed.iter().map(
        |t| json!({"id": t.id, "name": t.name, "change": "removed", "old": priority_label(t.priority), "new": null}),
    ));
    for t in &d.threats.changed {
        let moved = d.summary.priority_moves.iter().find(|m| m.id == t.id);
        summary.push(json!({
            "id": t.id, "name": t.name, "change": "changed",
            "old": moved.map_or(Value::Null, |m| priority_label(m.old)),
            "new": moved.map_or(Value::Null, |m| priority_label(m.new)),
        }));
    }
    let changed: Vec<Value> = d
        .threats
        .changed
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "old_name": t.old_name,
                "fields": t.fields.iter().map(|f| json!({"label": f.label, "key": f.key, "items": field_items(f, to)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let tpl = &d.documents.template;
    let mut template_records = Vec::new();
    template_records.extend(tpl.added.iter().map(|f| {
        json!({"what": format!("field {}", f.key), "items": [line("added", format!("{} ({}{})", f.label, f.kind.name(), if f.required { ", required" } else { "" }))]})
    }));
    template_records.extend(
        tpl.removed
            .iter()
            .map(|f| json!({"what": format!("field {}", f.key), "items": [line("removed", f.label.clone())]})),
    );
    if let Value::Array(rest) = records(&tpl.changed) {
        template_records.extend(rest);
    }
    if let Value::Array(rest) = records(&tpl.document) {
        template_records.extend(rest);
    }
    let authors = crate::data::authors(&meta.authors);
    let history_entry = |s: &Side| {
        let what = match (&s.commit, &s.head) {
            (Some(c), _) => format!("Commit {c}."),
            (None, Some(h)) => format!("The working tree: commit {h} with uncommitted edits."),
            (None, None) => "The working tree.".to_owned(),
        };
        json!({"version": s.label(), "date": s.date.clone().unwrap_or_default(), "initials": "", "remarks": [what]})
    };
    json!({
        "doc": "diff",
        "group": to.sig.name,
        "shortname": format!("{}-changes", to.sig.shortname),
        "title": title,
        "full_title": format!("{}: {title}", to.sig.name),
        "abstract": abstract_,
        "abstract_text": abstract_,
        "status": meta.status,
        "type": meta.doc_type,
        "authors": authors,
        "approver": to.sig.approver,
        "venue": null,
        "legal": {"copyright": null, "permissions": null, "warranty": null, "liability": null, "conformance": null},
        "references": {},
        "version": format!("{from_label} → {to_label}"),
        "date": date,
        "year": date.get(..4).unwrap_or(""),
        "draft": report.to.tag.is_none(),
        "history": [history_entry(&report.to), history_entry(&report.from)],
        "history_truncated": false,
        "attachments": [],
        "from": side(&report.from),
        "to": side(&report.to),
        "counts": {
            "added": d.threats.added.len(),
            "removed": d.threats.removed.len(),
            "changed": d.threats.changed.len(),
            "moved": d.summary.priority_moves.len(),
        },
        "summary": summary,
        "added": d.summary.added.iter().map(|t| json!({"id": t.id, "name": t.name, "priority": priority_label(t.priority), "abstract": abstract_of(&t.id)})).collect::<Vec<_>>(),
        "removed": d.summary.removed.iter().map(|t| json!({"id": t.id, "name": t.name, "priority": priority_label(t.priority)})).collect::<Vec<_>>(),
        "changed": changed,
        "process": records(&d.documents.process),
        "template": template_records,
        "analysis": records(&d.documents.analysis),
        "bibliography": records(&d.documents.references),
        "invalidated": d.invalidated.iter().map(|i| json!({"id": i.id, "reasons": i.reasons})).collect::<Vec<_>>(),
        "empty": d.is_empty(),
    })
}

/// Renders the report of a diff as an XEP-style PDF.
///
/// `to` is the new revision's deliverables (group, authors, titles of references); the
/// PDF is dated `options.timestamp`. A failure is a template bug, reported as one in the
/// analysis (the document the report is about).
pub fn render_diff(report: &Report, to: &Deliverables, options: &RenderOptions) -> Result<Rendered, RenderError> {
    let data = diff_data(report, to, &crate::date_string(options.timestamp));
    let mut files = crate::template_files();
    files.insert("/diff.typ", DIFF_TEMPLATE.as_bytes().to_vec());
    files.insert("/data/diff.json", serde_json::to_vec(&data).unwrap_or_default());
    let world = SigWorld::new(files, "/diff.typ", datetime(options.timestamp));
    compile(DocKind::Analysis, &world, &format!("{}-changes", to.sig.shortname), options, Passes::EvictUnused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(path: &[&str], cost: Option<f64>) -> NodeInfo {
        NodeInfo {
            path: path.iter().map(|g| (*g).to_owned()).collect(),
            goal: (*path.last().expect("a goal")).to_owned(),
            gate: None,
            cost,
            possible: true,
            equipment: false,
            leaf: cost.is_some(),
        }
    }

    #[test]
    fn an_added_branch_is_an_outline_under_its_first_node() {
        let added = [
            node(&["Root", "New branch"], None),
            node(&["Root", "New branch", "Leaf a"], Some(2.0)),
            node(&["Root", "New branch", "Inner", "Leaf b"], Some(1.0)),
            node(&["Root", "Old branch", "Lone leaf"], Some(3.0)),
        ];
        let mut out = Vec::new();
        node_lines("added", &added, &mut out);
        let lines: Vec<(String, u64)> = out
            .iter()
            .map(|v| (v["text"].as_str().unwrap_or_default().to_owned(), v["depth"].as_u64().unwrap_or(99)))
            .collect();
        assert_eq!(
            lines,
            [
                ("Root › New branch".to_owned(), 0),
                ("Leaf a (cost 2)".to_owned(), 1),
                ("Leaf b (cost 1)".to_owned(), 2),
                ("Root › Old branch › Lone leaf (cost 3)".to_owned(), 0),
            ]
        );
    }
}
