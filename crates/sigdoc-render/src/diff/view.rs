//! The report's view: the house layout's keys, the compared revisions, the summary table
//! and every change, as `diff.typ` reads them.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use sigdoc_diff::{Report, Side};
use sigdoc_model::{Deliverables, FieldKind, FieldValue};

use super::items::{ItemView, RecordView, field_items, flat, records};

/// Everything `diff.typ` reads: the keys of the house layout (`xep.typ`) and the changes.
#[derive(Debug, Clone, Serialize)]
pub struct DiffView<'a> {
    doc: &'static str,
    group: &'a str,
    shortname: String,
    title: String,
    full_title: String,
    #[serde(rename = "abstract")]
    abstract_: String,
    abstract_text: String,
    status: &'a str,
    #[serde(rename = "type")]
    doc_type: &'a str,
    /// The analysis's authors, as the house layout lists them.
    authors: Value,
    approver: Option<&'a str>,
    venue: Option<&'a str>,
    legal: Legal,
    /// The report cites nothing.
    references: BTreeMap<String, Value>,
    version: String,
    date: &'a str,
    year: &'a str,
    draft: bool,
    /// The two revisions, newest first, as the Revision History lists versions.
    history: [HistoryEntry; 2],
    history_truncated: bool,
    attachments: Vec<String>,
    from: SideView<'a>,
    to: SideView<'a>,
    counts: Counts,
    summary: Vec<SummaryRow<'a>>,
    added: Vec<AddedThreat<'a>>,
    removed: Vec<RemovedThreat<'a>>,
    changed: Vec<ChangedThreat<'a>>,
    process: Vec<RecordView<'a>>,
    template: Vec<RecordView<'a>>,
    analysis: Vec<RecordView<'a>>,
    bibliography: Vec<RecordView<'a>>,
    invalidated: Vec<InvalidView<'a>>,
    empty: bool,
}

/// The legal texts: none of the group's own, so the house layout's defaults.
#[derive(Debug, Clone, Default, Serialize)]
struct Legal {
    copyright: Option<String>,
    permissions: Option<String>,
    warranty: Option<String>,
    liability: Option<String>,
    conformance: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct HistoryEntry {
    version: String,
    date: String,
    initials: &'static str,
    remarks: [String; 1],
}

/// One revision in the Compared Revisions table.
#[derive(Debug, Clone, Serialize)]
struct SideView<'a> {
    label: String,
    rev: Option<&'a str>,
    tag: Option<&'a str>,
    commit: Option<String>,
    date: Option<&'a str>,
    worktree: bool,
}

#[derive(Debug, Clone, Serialize)]
struct Counts {
    added: usize,
    removed: usize,
    changed: usize,
    moved: usize,
}

/// What happened to a threat, in the summary table.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
enum ThreatChange {
    Added,
    Removed,
    Changed,
}

/// A row of the summary table; `old` and `new` are priorities with their labels.
#[derive(Debug, Clone, Serialize)]
struct SummaryRow<'a> {
    id: &'a str,
    name: &'a str,
    change: ThreatChange,
    old: Option<String>,
    new: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct AddedThreat<'a> {
    id: &'a str,
    name: &'a str,
    priority: Option<String>,
    /// The threat's first Markdown field (its abstract), on one line.
    #[serde(rename = "abstract")]
    abstract_: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct RemovedThreat<'a> {
    id: &'a str,
    name: &'a str,
    priority: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct ChangedThreat<'a> {
    id: &'a str,
    name: &'a str,
    old_name: Option<&'a str>,
    fields: Vec<FieldView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
struct FieldView<'a> {
    label: &'a str,
    key: &'a str,
    items: Vec<ItemView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
struct InvalidView<'a> {
    id: &'a str,
    reasons: &'a [String],
}

/// The Commit cell: a working tree without uncommitted edits holds exactly HEAD's
/// documents, so it is that commit.
fn side(s: &Side) -> SideView<'_> {
    let head = |h: &String| if s.dirty { format!("{h} + uncommitted edits") } else { h.clone() };
    SideView {
        label: s.label(),
        rev: s.rev.as_deref(),
        tag: s.tag.as_deref(),
        commit: s.commit.clone().or_else(|| s.head.as_ref().map(head)),
        date: s.date.as_deref(),
        worktree: s.worktree,
    }
}

fn history_entry(s: &Side) -> HistoryEntry {
    let what = match (&s.commit, &s.head) {
        (Some(c), _) => format!("Commit {c}."),
        (None, Some(h)) if s.dirty => format!("The working tree: commit {h} with uncommitted edits."),
        (None, Some(h)) => format!("The working tree, clean at commit {h}."),
        (None, None) => "The working tree.".to_owned(),
    };
    HistoryEntry { version: s.label(), date: s.date.clone().unwrap_or_default(), initials: "", remarks: [what] }
}

/// The view `diff.typ` renders, for the report of `report` about `to`, dated `date`.
pub fn diff_view<'a>(report: &'a Report, to: &'a Deliverables, date: &'a str) -> DiffView<'a> {
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
    let priority_label = |p: Option<u32>| {
        p.map(|p| to.process.priority_level(p).map_or_else(|| p.to_string(), |l| format!("{p} ({})", l.label)))
    };
    let abstract_of = |id: &str| {
        let t = to.threat(id)?;
        let field = to.template.field_of_kind(&FieldKind::Markdown)?;
        match t.value(&field.key) {
            Some(FieldValue::Markdown(text)) => Some(flat(text)),
            _ => None,
        }
    };
    let row = |id: &'a str, name: &'a str, change, old, new| SummaryRow { id, name, change, old, new };
    let mut summary = Vec::new();
    summary.extend(
        d.summary.added.iter().map(|t| row(&t.id, &t.name, ThreatChange::Added, None, priority_label(t.priority))),
    );
    summary.extend(
        d.summary.removed.iter().map(|t| row(&t.id, &t.name, ThreatChange::Removed, priority_label(t.priority), None)),
    );
    for t in &d.threats.changed {
        let moved = d.summary.priority_moves.iter().find(|m| m.id == t.id);
        let (old, new) = moved.map_or((None, None), |m| (priority_label(m.old), priority_label(m.new)));
        summary.push(row(&t.id, &t.name, ThreatChange::Changed, old, new));
    }
    let changed = d
        .threats
        .changed
        .iter()
        .map(|t| ChangedThreat {
            id: &t.id,
            name: &t.name,
            old_name: t.old_name.as_deref(),
            fields: t
                .fields
                .iter()
                .map(|f| FieldView { label: &f.label, key: &f.key, items: field_items(f, to) })
                .collect(),
        })
        .collect();
    let tpl = &d.documents.template;
    let mut template = Vec::new();
    template.extend(tpl.added.iter().map(|f| {
        let required = if f.required { ", required" } else { "" };
        let text = format!("{} ({}{required})", f.label, f.kind.name());
        RecordView { what: format!("field {}", f.key), items: vec![ItemView::Added { text, depth: 0 }] }
    }));
    template.extend(tpl.removed.iter().map(|f| RecordView {
        what: format!("field {}", f.key),
        items: vec![ItemView::Removed { text: f.label.clone(), depth: 0 }],
    }));
    template.extend(records(&tpl.changed));
    template.extend(records(&tpl.document));
    DiffView {
        doc: "diff",
        group: &to.sig.name,
        shortname: format!("{}-changes", to.sig.shortname),
        full_title: format!("{}: {title}", to.sig.name),
        title,
        abstract_text: abstract_.clone(),
        abstract_,
        status: &meta.status,
        doc_type: &meta.doc_type,
        authors: crate::data::authors(&meta.authors),
        approver: to.sig.approver.as_deref(),
        venue: None,
        legal: Legal::default(),
        references: BTreeMap::new(),
        version: format!("{from_label} → {to_label}"),
        date,
        year: date.get(..4).unwrap_or(""),
        draft: report.to.tag.is_none(),
        history: [history_entry(&report.to), history_entry(&report.from)],
        history_truncated: false,
        attachments: Vec::new(),
        from: side(&report.from),
        to: side(&report.to),
        counts: Counts {
            added: d.threats.added.len(),
            removed: d.threats.removed.len(),
            changed: d.threats.changed.len(),
            moved: d.summary.priority_moves.len(),
        },
        summary,
        added: d
            .summary
            .added
            .iter()
            .map(|t| AddedThreat {
                id: &t.id,
                name: &t.name,
                priority: priority_label(t.priority),
                abstract_: abstract_of(&t.id),
            })
            .collect(),
        removed: d
            .summary
            .removed
            .iter()
            .map(|t| RemovedThreat { id: &t.id, name: &t.name, priority: priority_label(t.priority) })
            .collect(),
        changed,
        process: records(&d.documents.process).collect(),
        template,
        analysis: records(&d.documents.analysis).collect(),
        bibliography: records(&d.documents.references).collect(),
        invalidated: d.invalidated.iter().map(|i| InvalidView { id: &i.id, reasons: &i.reasons }).collect(),
        empty: d.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use sigdoc_diff::{Detail, FieldDiff, Prose};

    use super::*;
    use crate::diff::items::tests::field;

    fn report_with(fields: Vec<FieldDiff>) -> Report {
        let mut report = Report::default();
        let threat =
            sigdoc_diff::ThreatDiff { id: "t".into(), name: "T".into(), old_name: None, priority: None, fields };
        report.diff.threats.changed.push(threat);
        report
    }

    #[test]
    fn prose_reaches_the_template_as_styled_runs_spaces_and_breaks() {
        let prose = Prose::compare("One *old* word.\n\nTwo.", "One *new* word. Two.", sigdoc_diff::Markup::Markdown);
        let report = report_with(vec![field("definition", Detail::Words(prose))]);
        let view = serde_json::to_value(diff_view(&report, &Deliverables::default(), "2025-01-02")).expect("view");
        let item = &view["changed"][0]["fields"][0]["items"][0];
        assert_eq!(item["t"], "words");
        let runs: Vec<String> = item["segments"]
            .as_array()
            .expect("runs")
            .iter()
            .map(|r| {
                format!("{}:{}:{}", r["op"].as_str().unwrap_or("?"), r["text"].as_str().unwrap_or("?"), r["style"])
            })
            .collect();
        assert_eq!(
            runs,
            [
                "equal:One:[]",
                "equal: :[]",
                "delete:old:[\"emph\"]",
                "equal: :[]",
                "insert:new:[\"emph\"]",
                "equal: :[]",
                "equal:word.:[]",
                "equal: :[]",
                "delete:¶:[]",
                "equal: :[]",
                "equal:Two.:[]",
            ]
        );
        let breaks = Prose::compare("a\n\nb", "a\n\nc", sigdoc_diff::Markup::Plain);
        let report = report_with(vec![field("name", Detail::Words(breaks))]);
        let view = serde_json::to_value(diff_view(&report, &Deliverables::default(), "2025-01-02")).expect("view");
        assert_eq!(
            view["changed"][0]["fields"][0]["items"][0]["segments"][1],
            serde_json::json!({"op": "break", "text": "", "style": []})
        );
    }

    #[test]
    fn the_view_carries_the_house_layout_s_keys_and_the_counts() {
        let mut report = report_with(Vec::new());
        report.from.rev = Some("v0.1".into());
        report.to.tag = Some("v0.2".into());
        report.to.rev = Some("v0.2".into());
        report.to.commit = Some("abc".into());
        let view = serde_json::to_value(diff_view(&report, &Deliverables::default(), "2025-01-02")).expect("view");
        assert_eq!(view["title"], "Changes from v0.1 to v0.2");
        assert_eq!(view["version"], "v0.1 → v0.2");
        assert_eq!((&view["year"], &view["draft"], &view["empty"]), (&"2025".into(), &false.into(), &false.into()));
        assert_eq!(view["counts"], serde_json::json!({"added": 0, "removed": 0, "changed": 1, "moved": 0}));
        assert_eq!(view["summary"][0]["change"], "changed");
        assert_eq!(view["to"]["commit"], "abc");
        assert_eq!(view["history"][0]["remarks"], serde_json::json!(["Commit abc."]));
        for key in ["legal", "references", "attachments", "authors", "venue", "approver", "status", "type", "abstract"]
        {
            assert!(view.get(key).is_some(), "{key} missing");
        }
    }

    #[test]
    fn a_working_tree_is_said_to_have_edits_only_when_it_has_them() {
        let tree = |dirty| Side { worktree: true, head: Some("abc".into()), dirty, ..Side::default() };
        assert_eq!(side(&tree(true)).commit.as_deref(), Some("abc + uncommitted edits"));
        assert_eq!(side(&tree(false)).commit.as_deref(), Some("abc"));
        assert_eq!(history_entry(&tree(true)).remarks, ["The working tree: commit abc with uncommitted edits."]);
        assert_eq!(history_entry(&tree(false)).remarks, ["The working tree, clean at commit abc."]);
        let unborn = Side { worktree: true, dirty: true, ..Side::default() };
        assert_eq!((side(&unborn).commit, history_entry(&unborn).remarks), (None, ["The working tree.".to_owned()]));
        let commit = Side { rev: Some("v1".into()), commit: Some("def".into()), ..Side::default() };
        assert_eq!((side(&commit).commit.as_deref(), side(&commit).label), (Some("def"), "v1".to_owned()));
    }
}
