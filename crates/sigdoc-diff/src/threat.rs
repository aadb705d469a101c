//! One threat's changes, field by field, each compared by its template kind.

use serde::Serialize;
use serde_json::{Value, json};
use sigdoc_model::{Deliverables, Field, FieldKind, FieldValue, STATUS_KEY, Template, Threat};

use crate::items::{ItemChanges, RefChanges, diff_approaches, diff_list, diff_references};
use crate::styled::Markup;
use crate::tree::{TreeDiff, diff_trees};
use crate::words::Prose;

/// An added or removed threat, for overviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreatSummary {
    /// The id.
    pub id: String,
    /// The name (the template's first text field).
    pub name: String,
    /// The priority the documents show.
    pub priority: Option<u32>,
}

impl ThreatSummary {
    pub(crate) fn of(t: &Threat, d: &Deliverables) -> ThreatSummary {
        ThreatSummary { id: t.id.clone(), name: t.name().to_owned(), priority: t.priority(&d.process) }
    }
}

/// How a field changed in detail, by kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Detail {
    /// Text and Markdown: the prose compared (JSON: `words`, the source word runs).
    Words(Prose),
    /// Approaches and lists: items added, removed, reworded.
    Items {
        /// The item changes.
        items: ItemChanges,
    },
    /// References: cited, dropped, notes changed.
    References {
        /// The reference changes.
        references: RefChanges,
    },
    /// Attack trees: nodes and the cheapest attack.
    Tree {
        /// The tree changes.
        tree: TreeDiff,
    },
    /// The priority: how it came about on each side.
    Priority {
        /// Label of the old priority level.
        old_label: Option<String>,
        /// Label of the new priority level.
        new_label: Option<String>,
        /// The priority the threat states, if any, before and after.
        stated: [Option<u32>; 2],
        /// Likelihood before and after.
        likelihood: [Option<String>; 2],
        /// Damage before and after.
        damage: [Option<String>; 2],
    },
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDiff {
    /// The field's key.
    pub key: String,
    /// The field's kind (`text`, `level`, `priority`, ...), in the new template.
    pub kind: String,
    /// How documents title the field.
    pub label: String,
    /// The old value as data (`null`: absent); for the priority, the computed level.
    pub old: Value,
    /// The new value as data (`null`: absent); for the priority, the computed level.
    pub new: Value,
    /// Kind-specific detail.
    #[serde(flatten)]
    pub detail: Option<Detail>,
}

/// A threat present in both revisions whose fields differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreatDiff {
    /// The id.
    pub id: String,
    /// The name in the new revision.
    pub name: String,
    /// The name in the old revision, if it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_name: Option<String>,
    /// The priority the new revision's documents show (the old one is in the summary's
    /// priority moves when it differs), for overview tables.
    pub priority: Option<u32>,
    /// The fields that differ, in the new template's order (then fields the template dropped).
    pub fields: Vec<FieldDiff>,
}

fn data(v: Option<&FieldValue>) -> Value {
    v.and_then(|v| serde_json::to_value(v).ok()).unwrap_or(Value::Null)
}

/// The fields both templates know, the new template's first.
fn all_fields<'a>(old: &'a Template, new: &'a Template) -> Vec<(&'a Field, Option<&'a Field>)> {
    let mut fields: Vec<(&Field, Option<&Field>)> = new.fields.iter().map(|f| (f, old.field(&f.key))).collect();
    fields.extend(old.fields.iter().filter(|f| new.field(&f.key).is_none()).map(|f| (f, Some(f))));
    fields
}

fn priority_field(a: &Threat, old: &Deliverables, b: &Threat, new: &Deliverables, field: &Field) -> Option<FieldDiff> {
    let (pa, pb) = (a.priority(&old.process), b.priority(&new.process));
    let (sa, sb) = (a.stated_priority(), b.stated_priority());
    if pa == pb && sa == sb {
        return None;
    }
    let label = |p: Option<u32>, d: &Deliverables| p.and_then(|p| d.process.priority_level(p)).map(|l| l.label.clone());
    Some(FieldDiff {
        key: field.key.clone(),
        kind: field.kind.name().to_owned(),
        label: field.label.clone(),
        old: json!(pa),
        new: json!(pb),
        detail: Some(Detail::Priority {
            old_label: label(pa, old),
            new_label: label(pb, new),
            stated: [sa, sb],
            likelihood: [a.likelihood().map(str::to_owned), b.likelihood().map(str::to_owned)],
            damage: [a.damage().map(str::to_owned), b.damage().map(str::to_owned)],
        }),
    })
}

/// The detail of a value change, by the (new) kind; `None` when the values are equal
/// as far as the kind goes (a reordering of references).
fn detail(kind: &FieldKind, a: Option<&FieldValue>, b: Option<&FieldValue>) -> Option<Option<Detail>> {
    use FieldValue as V;
    fn text(v: Option<&FieldValue>) -> Option<&str> {
        v?.text()
    }
    Some(match kind {
        FieldKind::Text | FieldKind::Markdown => {
            let markup = if *kind == FieldKind::Markdown { Markup::Markdown } else { Markup::Plain };
            let prose = Prose::compare(text(a).unwrap_or(""), text(b).unwrap_or(""), markup);
            // Both present and the same words: spacing alone is no change.
            if text(a).is_some() && text(b).is_some() && !prose.has_changes() {
                return None;
            }
            Some(Detail::Words(prose))
        }
        FieldKind::References => {
            let list = |v: Option<&FieldValue>| match v {
                Some(V::References(r)) => r.clone(),
                _ => Vec::new(),
            };
            let references = diff_references(&list(a), &list(b));
            if references.is_empty() {
                return None;
            }
            Some(Detail::References { references })
        }
        FieldKind::Approaches => {
            let list = |v: Option<&FieldValue>| match v {
                Some(V::Approaches(r)) => r.clone(),
                _ => Vec::new(),
            };
            Some(Detail::Items { items: diff_approaches(&list(a), &list(b)) })
        }
        FieldKind::List => {
            let list = |v: Option<&FieldValue>| match v {
                Some(V::List(r)) => r.clone(),
                _ => Vec::new(),
            };
            Some(Detail::Items { items: diff_list(&list(a), &list(b)) })
        }
        FieldKind::AttackTree => {
            let tree = |v: Option<&FieldValue>| match v {
                Some(V::AttackTree(t)) => Some(t.clone()),
                _ => None,
            };
            let (x, y) = (tree(a), tree(b));
            Some(Detail::Tree { tree: diff_trees(x.as_ref(), y.as_ref()) })
        }
        FieldKind::Level(_) | FieldKind::Status | FieldKind::Priority => None,
    })
}

/// Compares one threat in two revisions; `None` when nothing differs.
pub(crate) fn diff_threat(a: &Threat, old: &Deliverables, b: &Threat, new: &Deliverables) -> Option<ThreatDiff> {
    let mut fields = Vec::new();
    for (field, old_field) in all_fields(&old.template, &new.template) {
        if field.kind == FieldKind::Priority {
            fields.extend(priority_field(a, old, b, new, field));
            continue;
        }
        let key = field.key.as_str();
        let (va, vb) = (old_field.and_then(|_| a.value(key)), b.value(key));
        // A template may change a field's kind while the value stays as written.
        let same = match (va, vb) {
            (Some(x), Some(y)) => x.same_data(y),
            (x, y) => x == y,
        };
        if same {
            continue;
        }
        // A field whose kind changed is shown as old and new values only.
        let same_kind = old_field.is_some_and(|f| f.kind == field.kind);
        let detail = if same_kind || va.is_none() { detail(&field.kind, va, vb) } else { Some(None) };
        let Some(detail) = detail else { continue };
        fields.push(FieldDiff {
            key: field.key.clone(),
            kind: field.kind.name().to_owned(),
            label: field.label.clone(),
            old: data(va),
            new: data(vb),
            detail,
        });
    }
    let status_field = new.template.field_of_kind(&FieldKind::Status).is_some();
    if !status_field && a.status != b.status {
        fields.push(FieldDiff {
            key: STATUS_KEY.into(),
            kind: FieldKind::Status.name().into(),
            label: "Status".into(),
            old: json!(a.status),
            new: json!(b.status),
            detail: None,
        });
    }
    if a.priority_reason != b.priority_reason {
        let (x, y) = (a.priority_reason.as_deref().unwrap_or(""), b.priority_reason.as_deref().unwrap_or(""));
        fields.push(FieldDiff {
            key: "priority_reason".into(),
            kind: "markdown".into(),
            label: "Reason for the priority".into(),
            old: json!(a.priority_reason),
            new: json!(b.priority_reason),
            detail: Some(Detail::Words(Prose::compare(x, y, Markup::Markdown))),
        });
    }
    if fields.is_empty() {
        return None;
    }
    let name = b.name().to_owned();
    let old_name = Some(a.name().to_owned()).filter(|n| *n != name);
    Some(ThreatDiff { id: b.id.clone(), name, old_name, priority: b.priority(&new.process), fields })
}
