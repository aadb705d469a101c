//! Changes to the process, the template, the analysis introduction and the bibliography,
//! and the threats that a template or scale change leaves invalid.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Value, json};
use sigdoc_model::{Deliverables, DocMeta, Field, FieldKind, FieldValue, Process, References, Template};

use crate::styled::Markup;
use crate::words::Prose;

/// One item of a document that differs: a metadata key, a scale level, a matrix cell, a
/// reference, a field attribute or the prose.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordChange {
    /// What it is, for people: `title`, `prose`, `likelihood level high`, `matrix high × low`.
    pub what: String,
    /// The old value as data (`null`: absent).
    pub old: Value,
    /// The new value as data (`null`: absent).
    pub new: Value,
    /// For prose, the texts compared (JSON: `words`, the source word runs).
    #[serde(flatten)]
    pub prose: Option<Prose>,
}

/// What changed in the template.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TemplateChanges {
    /// Fields only in the new template.
    pub added: Vec<Field>,
    /// Fields only in the old template.
    pub removed: Vec<Field>,
    /// Attributes of fields in both (`name: kind`, `name: required`, ...).
    pub changed: Vec<RecordChange>,
    /// The template document's metadata and introduction.
    pub document: Vec<RecordChange>,
}

impl TemplateChanges {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty() && self.document.is_empty()
    }
}

/// What changed outside the threats.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocChanges {
    /// The process: metadata, prose, scales, priority levels, matrix.
    pub process: Vec<RecordChange>,
    /// The template.
    pub template: TemplateChanges,
    /// The analysis's metadata and introduction.
    pub analysis: Vec<RecordChange>,
    /// The bibliography.
    pub references: Vec<RecordChange>,
}

impl DocChanges {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.process.is_empty() && self.template.is_empty() && self.analysis.is_empty() && self.references.is_empty()
    }
}

/// A threat that the new template or scales leave invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invalidated {
    /// The threat.
    pub id: String,
    /// Why, one sentence each.
    pub reasons: Vec<String>,
}

fn record(out: &mut Vec<RecordChange>, what: impl Into<String>, old: Value, new: Value) {
    if old != new {
        out.push(RecordChange { what: what.into(), old, new, prose: None });
    }
}

fn prose(out: &mut Vec<RecordChange>, what: impl Into<String>, old: &str, new: &str, markup: Markup) {
    if old != new {
        out.push(RecordChange {
            what: what.into(),
            old: json!(old),
            new: json!(new),
            prose: Some(Prose::compare(old, new, markup)),
        });
    }
}

fn meta(out: &mut Vec<RecordChange>, old: &DocMeta, new: &DocMeta) {
    prose(out, "title", &old.title, &new.title, Markup::Plain);
    prose(out, "abstract", &old.abstract_, &new.abstract_, Markup::Markdown);
    record(out, "status", json!(old.status), json!(new.status));
    record(out, "type", json!(old.doc_type), json!(new.doc_type));
    let names = |m: &DocMeta| m.authors.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
    record(out, "authors", json!(names(old)), json!(names(new)));
}

fn process(old: &Process, new: &Process) -> Vec<RecordChange> {
    let mut out = Vec::new();
    meta(&mut out, &old.doc.meta, &new.doc.meta);
    prose(&mut out, "prose", &old.doc.body.text, &new.doc.body.text, Markup::Markdown);
    let scales: BTreeSet<&String> = old.scales.keys().chain(new.scales.keys()).collect();
    for scale in scales {
        let (a, b) = (old.scales.get(scale), new.scales.get(scale));
        let levels: Vec<&str> = {
            let mut seen = Vec::new();
            for l in b.into_iter().flatten().chain(a.into_iter().flatten()) {
                if !seen.contains(&l.level.as_str()) {
                    seen.push(l.level.as_str());
                }
            }
            seen
        };
        for level in levels {
            let find = |s: Option<&Vec<sigdoc_model::ScaleLevel>>| {
                s.and_then(|s| s.iter().find(|l| l.level == level)).map_or(Value::Null, |l| json!(l))
            };
            record(&mut out, format!("{scale} level {level}"), find(a), find(b));
        }
        let order = |s: Option<&Vec<sigdoc_model::ScaleLevel>>| {
            s.map(|s| s.iter().map(|l| l.level.clone()).collect::<Vec<_>>()).unwrap_or_default()
        };
        let (oa, ob) = (order(a), order(b));
        if oa != ob && oa.len() == ob.len() && oa.iter().all(|l| ob.contains(l)) {
            record(&mut out, format!("{scale} order"), json!(oa), json!(ob));
        }
    }
    let levels: BTreeSet<u32> = old.priorities.iter().chain(&new.priorities).map(|p| p.level).collect();
    for level in levels {
        let find = |p: &Process| p.priority_level(level).map_or(Value::Null, |l| json!(l));
        record(&mut out, format!("priority level {level}"), find(old), find(new));
    }
    let rows: BTreeSet<&String> = old.matrix.keys().chain(new.matrix.keys()).collect();
    for l in rows {
        let cols: BTreeSet<&String> =
            old.matrix.get(l).into_iter().chain(new.matrix.get(l)).flat_map(|r| r.keys()).collect();
        for d in cols {
            record(&mut out, format!("matrix {l} × {d}"), json!(old.priority(l, d)), json!(new.priority(l, d)));
        }
    }
    out
}

fn template(old: &Template, new: &Template) -> TemplateChanges {
    let mut out = TemplateChanges::default();
    meta(&mut out.document, &old.meta, &new.meta);
    prose(&mut out.document, "introduction", &old.intro.text, &new.intro.text, Markup::Markdown);
    for f in &new.fields {
        let Some(o) = old.field(&f.key) else {
            out.added.push(f.clone());
            continue;
        };
        let c = &mut out.changed;
        let key = &f.key;
        prose(c, format!("{key}: label"), &o.label, &f.label, Markup::Plain);
        record(c, format!("{key}: kind"), json!(o.kind.describe()), json!(f.kind.describe()));
        record(c, format!("{key}: required"), json!(o.required), json!(f.required));
        prose(c, format!("{key}: guidance"), &o.guidance, &f.guidance, Markup::Markdown);
    }
    out.removed = old.fields.iter().filter(|f| new.field(&f.key).is_none()).cloned().collect();
    let order = |t: &Template| t.fields.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
    let (oa, ob) = (order(old), order(new));
    if out.added.is_empty() && out.removed.is_empty() && oa != ob {
        record(&mut out.changed, "order of the fields", json!(oa), json!(ob));
    }
    out
}

fn references(old: &References, new: &References) -> Vec<RecordChange> {
    let mut out = Vec::new();
    let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for id in ids {
        let get = |r: &References| r.get(id).map_or(Value::Null, |r| json!({"title": r.title, "url": r.url}));
        record(&mut out, id.clone(), get(old), get(new));
    }
    out
}

pub(crate) fn diff_documents(old: &Deliverables, new: &Deliverables) -> DocChanges {
    let mut analysis = Vec::new();
    meta(&mut analysis, &old.analysis.meta, &new.analysis.meta);
    prose(&mut analysis, "introduction", &old.analysis.body.text, &new.analysis.body.text, Markup::Markdown);
    DocChanges {
        process: process(&old.process, &new.process),
        template: template(&old.template, &new.template),
        analysis,
        references: references(&old.references, &new.references),
    }
}

/// Threats of the new revision that the new template or scales leave without a value the
/// template requires or that the old one accepted.
pub(crate) fn invalidated(old: &Deliverables, new: &Deliverables) -> Vec<Invalidated> {
    let mut out = Vec::new();
    for b in &new.threats {
        let a = old.threat(&b.id);
        let mut reasons = Vec::new();
        for f in &new.template.fields {
            if b.value(&f.key).is_some() || f.kind == FieldKind::Priority {
                continue;
            }
            let of = old.template.field(&f.key);
            let had = a.and_then(|a| a.value(&f.key));
            if f.required && !of.is_some_and(|o| o.required) {
                reasons.push(format!("the template now requires \"{}\" ({}), which it lacks", f.key, f.label));
            } else if let (Some(o), Some(_)) = (of, had)
                && o.kind != f.kind
            {
                reasons.push(format!(
                    "\"{}\" changed kind from {} to {}, and its value no longer reads as one",
                    f.key,
                    o.kind.describe(),
                    f.kind.describe()
                ));
            } else if let Some(FieldValue::Level { scale, level }) = had {
                let on = |p: &Process| p.scale(scale).is_some_and(|s| s.iter().any(|l| &l.level == level));
                if on(&old.process) && !on(&new.process) {
                    reasons.push(format!("its {scale} level \"{level}\" is no longer on the scale"));
                }
            }
        }
        if !reasons.is_empty() {
            out.push(Invalidated { id: b.id.clone(), reasons });
        }
    }
    out
}
