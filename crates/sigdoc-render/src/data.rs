//! The data each house template renders, built from the deliverables and their history.

use serde_json::{Value, json};
use sigdoc_model::{
    AttackNode, Author, Deliverables, DocKind, DocMeta, Field, FieldKind, FieldValue, History, Process, References,
    ScaleName, Threat,
};

use rayon::prelude::*;

use sigdoc_model::links::{email_link, jid_link, reference_link, uri_link};

use crate::markdown::{inline_text, label_notes, to_nodes};
use crate::threat_cache::ThreatCache;
use crate::tree_layout::{self, FontMeasure, PAGE_AREA, Style};

/// How the revision being built is described on every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// Version shown on the title page (`0.2`, `0.2+1 (40872e9)`).
    pub version: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Whether every page says DRAFT.
    pub draft: bool,
}

impl Revision {
    /// The revision that a history describes: its newest entry.
    pub fn from_history(history: &History, fallback_date: &str) -> Revision {
        match history.entries.first() {
            Some(entry) => Revision { version: entry.label(), date: entry.date.clone(), draft: entry.tag.is_none() },
            None => Revision { version: "0.0".into(), date: fallback_date.to_owned(), draft: true },
        }
    }
}

/// Prose as JSON. Nodes hold only strings, numbers and lists, which JSON always
/// represents, so the fallback is never taken.
fn md(text: &str, refs: &References) -> Value {
    serde_json::to_value(to_nodes(text, refs)).unwrap_or(Value::Null)
}

/// One line of text as JSON (see [`md`]).
fn inline(text: &str, refs: &References) -> Value {
    serde_json::to_value(inline_text(text, refs)).unwrap_or(Value::Null)
}

fn opt_md(text: Option<&String>, refs: &References) -> Value {
    text.map_or(Value::Null, |t| md(t, refs))
}

/// The authors with the links of their addresses: each is live only where sigdoc
/// makes such a link, and shown as text otherwise.
pub(crate) fn authors(list: &[Author]) -> Value {
    Value::Array(
        list.iter()
            .map(|a| {
                json!({
                    "name": a.name, "email": a.email, "jid": a.jid, "uri": a.uri, "initials": a.initials(),
                    "email_href": a.email.as_deref().and_then(email_link),
                    "jid_href": a.jid.as_deref().and_then(jid_link),
                    "uri_href": a.uri.as_deref().and_then(uri_link),
                })
            })
            .collect(),
    )
}

/// Data every document shares: group, metadata, legal notices, history.
fn common(doc: DocKind, d: &Deliverables, meta: &DocMeta, history: &History, revision: &Revision) -> Value {
    let refs = &d.references;
    let legal = &d.sig.legal;
    json!({
        "doc": doc.name(),
        "group": d.sig.name,
        "shortname": format!("{}-{}", d.sig.shortname, doc.name()),
        "title": meta.title,
        "full_title": format!("{}: {}", d.sig.name, meta.title),
        "abstract": md(&meta.abstract_, refs),
        "abstract_text": meta.abstract_.trim(),
        "status": meta.status,
        "type": meta.doc_type,
        "authors": authors(&meta.authors),
        "approver": d.sig.approver,
        "venue": opt_md(d.sig.venue.as_ref(), refs),
        "legal": {
            "copyright": opt_md(legal.copyright.as_ref(), refs),
            "permissions": opt_md(legal.permissions.as_ref(), refs),
            "warranty": opt_md(legal.warranty.as_ref(), refs),
            "liability": opt_md(legal.liability.as_ref(), refs),
            "conformance": opt_md(legal.conformance.as_ref(), refs),
        },
        "version": revision.version,
        "date": revision.date,
        "year": revision.date.get(..4).unwrap_or(""),
        "draft": revision.draft,
        "history": history.entries.iter().map(|e| json!({
            "version": e.label(),
            "date": e.date,
            "initials": e.initials.join(", "),
            "remarks": e.remarks.iter().map(|r| md(r, refs)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "history_truncated": history.truncated,
    })
}

fn scales(process: &Process, refs: &References) -> Value {
    let scale = |name: &ScaleName| -> Value {
        process
            .scale(name)
            .map(|s| {
                s.iter().map(|l| json!({"level": l.level, "label": l.label, "meaning": md(&l.meaning, refs)})).collect()
            })
            .unwrap_or_default()
    };
    let priorities: Vec<Value> = process
        .priorities
        .iter()
        .map(|p| json!({"level": p.level, "label": p.label, "meaning": md(&p.meaning, refs)}))
        .collect();
    let mut rating = json!({
        "priorities": priorities,
        "matrix": process.matrix,
    });
    // Each scale the matrix combines, under its own name.
    for name in ScaleName::MATRIX {
        rating[name.name()] = scale(&name);
    }
    rating
}

/// The data of `process.pdf`.
pub fn process_data(d: &Deliverables, history: &History, revision: &Revision) -> Value {
    let mut data = common(DocKind::Process, d, &d.process.doc.meta, history, revision);
    data["body"] = md(&d.process.doc.body.text, &d.references);
    data["rating"] = scales(&d.process, &d.references);
    label_notes(&mut data);
    data
}

/// The data of `template.pdf`.
pub fn template_data(d: &Deliverables, history: &History, revision: &Revision) -> Value {
    let refs = &d.references;
    let mut data = common(DocKind::Template, d, &d.template.meta, history, revision);
    data["body"] = md(&d.template.intro.text, refs);
    data["fields"] = d
        .template
        .fields
        .iter()
        .map(|f| {
            json!({"key": f.key, "label": f.label, "kind": f.kind.describe(), "required": f.required, "guidance": md(&f.guidance, refs)})
        })
        .collect();
    data["rating"] = scales(&d.process, refs);
    label_notes(&mut data);
    data
}

/// A cost as the documents write it: `5`, not `5.0`.
pub(crate) fn format_cost(cost: f64) -> String {
    if cost.fract() == 0.0 && cost.abs() < 1e15 { format!("{cost:.0}") } else { format!("{cost}") }
}

/// The `Cheapest attack:` line under a tree.
pub fn cheapest_attack_line(tree: &AttackNode) -> String {
    let eval = tree.evaluate();
    if !eval.possible {
        return "Cheapest attack: none feasible".into();
    }
    let leaves: Vec<&str> = eval.cheapest.iter().filter_map(|p| tree.at(p)).map(|n| n.goal.as_str()).collect();
    let cost = match eval.cost {
        Some(c) if eval.partial => format!("{} (some alternatives have no cost estimate)", format_cost(c)),
        Some(c) => format_cost(c),
        None => "unknown".into(),
    };
    format!("Cheapest attack: {cost} — {}", leaves.join(", "))
}

/// The drawing of a tree, laid out for the house style's page.
fn tree_diagram(tree: &AttackNode) -> Value {
    let font = FontMeasure::body();
    let diagram = tree_layout::layout(tree, PAGE_AREA, &Style::default(), &|text| font.width(text));
    serde_json::to_value(diagram).unwrap_or(Value::Null)
}

fn level_value(process: &Process, scale: &ScaleName, level: &str) -> Value {
    json!({"level": level, "label": process.level_label(scale, level)})
}

/// The value of a field as its section shows it; `None` when the threat leaves it empty.
fn field_value(t: &Threat, field: &Field, d: &Deliverables) -> Option<Value> {
    let refs = &d.references;
    if field.kind == FieldKind::Priority {
        // Computed from the matrix, so shown whether or not the threat states it.
        let priority = t.priority(&d.process);
        let stated = match t.value(&field.key) {
            Some(FieldValue::Priority(p)) => Some(*p),
            _ => None,
        };
        return Some(json!({
            "level": priority,
            "label": priority.and_then(|p| d.process.priority_level(p)).map(|p| p.label.clone()),
            "computed": t.computed_priority(&d.process),
            "stated": stated,
            "reason": opt_md(t.priority_reason.as_ref(), refs),
        }));
    }
    Some(match t.value(&field.key)? {
        FieldValue::Text(s) => inline(s, refs),
        FieldValue::Status(s) => inline(s.name(), refs),
        FieldValue::Markdown(s) => md(s, refs),
        FieldValue::Level { scale, level } => level_value(&d.process, scale, level),
        FieldValue::AttackTree(tree) => json!({"diagram": tree_diagram(tree), "summary": cheapest_attack_line(tree)}),
        FieldValue::References(list) => list
            .iter()
            .map(|r| {
                let known = refs.get(&r.id);
                json!({
                    "id": r.id, "title": known.map(|k| &k.title), "url": known.map(|k| &k.url),
                    "href": known.and_then(|k| reference_link(&k.url)), "note": opt_md(r.note.as_ref(), refs),
                })
            })
            .collect(),
        FieldValue::Approaches(list) => list
            .iter()
            .map(|a| json!({"approach": md(&a.approach, refs), "issues": md(&a.implementation_issues, refs)}))
            .collect(),
        FieldValue::List(items) => items.iter().map(|i| md(i, refs)).collect(),
        // Only a priority field holds a priority, and it is shown above.
        FieldValue::Priority(_) => return None,
    })
}

fn threat_data(t: &Threat, d: &Deliverables) -> Value {
    let priority = t.priority(&d.process);
    let tree_cost = t.attack_tree().map(|tree| {
        let e = tree.evaluate();
        if !e.possible { "none".to_owned() } else { e.cost.map_or_else(|| "unknown".into(), format_cost) }
    });
    let fields: Vec<Value> = d
        .template
        .fields
        .iter()
        .filter_map(|f| {
            let value = field_value(t, f, d)?;
            Some(json!({"key": f.key, "label": f.label, "kind": f.kind.name(), "value": value}))
        })
        .collect();
    let mut data = json!({
        "id": t.id,
        "name": t.name(),
        "status": t.status,
        "priority": priority,
        "priority_label": priority.and_then(|p| d.process.priority_level(p)).map(|p| p.label.clone()),
        "cost": tree_cost,
        "fields": fields,
    });
    // The threat's level on each scale the matrix combines, under the scale's name.
    for scale in ScaleName::MATRIX {
        data[scale.name()] = t.level(&scale).map(|l| level_value(&d.process, &scale, l)).into();
    }
    data
}

/// The data of `analysis.pdf`; with a `cache`, unchanged threats' sections come from it.
pub fn analysis_data(d: &Deliverables, history: &History, revision: &Revision, cache: Option<&ThreatCache>) -> Value {
    let mut data = common(DocKind::Analysis, d, &d.analysis.meta, history, revision);
    data["body"] = md(&d.analysis.body.text, &d.references);
    data["rating"] = scales(&d.process, &d.references);
    let mut threats: Vec<&Threat> = d.threats.iter().collect();
    // Most urgent first, then by name: the order of the summary table and the sections.
    threats.sort_by(|a, b| {
        let pa = a.priority(&d.process).unwrap_or(u32::MAX);
        let pb = b.priority(&d.process).unwrap_or(u32::MAX);
        (pa, a.name().to_lowercase(), &a.id).cmp(&(pb, b.name().to_lowercase(), &b.id))
    });
    data["threats"] = match cache {
        Some(cache) => cache.sections(d, &threats, |t| threat_data(t, d)),
        None => threats.par_iter().map(|t| threat_data(t, d)).collect(),
    }
    .into();
    // The name field titles each threat's section, so the section does not repeat it.
    data["name_key"] = d.template.name_field().map(|f| f.key.clone()).into();
    // After the sections are in place, wherever they were built: labels follow the document.
    label_notes(&mut data);
    data
}
