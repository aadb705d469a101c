//! The "Changes from FROM to TO" report: a diff presented as the typed view that
//! `templates/diff.typ` renders in the house style, and compiled to PDF.
//!
//! sigdoc-diff decides what changed, in what order, and how prose reads; this module only
//! words and lays it out, so that the report and the terminal say the same things.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use sigdoc_diff::{
    Cheapest, Detail, FieldDiff, ItemPart, NodeInfo, Op, Prose, RecordChange, Report, Run, Side, Style, TreeDiff,
    format_cost,
};
use sigdoc_model::{Deliverables, DocKind, FieldKind, FieldValue};

use crate::{Passes, RenderError, RenderOptions, Rendered, SigWorld, compile, datetime};

/// The report's template, beside the house templates it imports.
const DIFF_TEMPLATE: &str = include_str!("../templates/diff.typ");

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

/// A changed part of a document under its heading (`what`).
#[derive(Debug, Clone, Serialize)]
struct RecordView<'a> {
    what: String,
    items: Vec<ItemView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
struct InvalidView<'a> {
    id: &'a str,
    reasons: &'a [String],
}

/// One line of a change: a word diff, an old → new pair, or a whole added or removed
/// item (`depth`: how far below the first node of an added or removed subtree).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
enum ItemView<'a> {
    Words {
        label: Option<String>,
        segments: Vec<RunView<'a>>,
    },
    #[serde(rename = "oldnew")]
    OldNew {
        label: Option<String>,
        old: String,
        new: String,
    },
    Added {
        text: String,
        depth: usize,
    },
    Removed {
        text: String,
        depth: usize,
    },
}

/// A run of a word diff as the template sets it.
#[derive(Debug, Clone, Serialize)]
struct RunView<'a> {
    op: RunOp,
    text: &'a str,
    style: Style,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum RunOp {
    Equal,
    Delete,
    Insert,
    /// The end of a paragraph.
    Break,
}

/// Text with runs of whitespace made single spaces, as Typst would show it anyway.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a reader sees of a prose change, as the template's runs.
fn runs(prose: &Prose) -> Vec<RunView<'_>> {
    let plain = Style::default();
    let run = |op, text, style| RunView { op, text, style };
    prose
        .shown
        .iter()
        .map(|r| match r {
            Run::Words { op, style, text } => {
                let op = match op {
                    Op::Equal => RunOp::Equal,
                    Op::Delete => RunOp::Delete,
                    Op::Insert => RunOp::Insert,
                };
                run(op, text.as_str(), *style)
            }
            Run::Space => run(RunOp::Equal, " ", plain),
            Run::Break => run(RunOp::Break, "", plain),
        })
        .collect()
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => flat(s),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        // Costs are numbers that YAML may have written as 1 or 1.0: show them alike.
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |f| format_cost(Some(f))),
        other => other.to_string(),
    }
}

/// A prose change, as the documents show it.
fn words_item(label: Option<String>, prose: &Prose) -> ItemView<'_> {
    ItemView::Words { label, segments: runs(prose) }
}

fn old_new<'a>(label: Option<String>, old: String, new: String) -> ItemView<'a> {
    ItemView::OldNew { label, old, new }
}

/// Added or removed nodes as an outline: the first node of a new (or dropped) subtree
/// with its path from the root, the nodes below it indented under it by their goals
/// alone, so that a replaced branch does not repeat its path on every line.
fn node_lines<'a>(added: bool, nodes: &[NodeInfo], out: &mut Vec<ItemView<'a>>) {
    let mut subtree: Option<&[String]> = None;
    for n in nodes {
        let extra = if n.leaf { format!(" (cost {})", format_cost(n.cost)) } else { String::new() };
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
        let depth = depth.unwrap_or(0);
        out.push(if added { ItemView::Added { text, depth } } else { ItemView::Removed { text, depth } });
    }
}

fn tree_items(tree: &TreeDiff, out: &mut Vec<ItemView<'_>>) {
    node_lines(true, &tree.added, out);
    node_lines(false, &tree.removed, out);
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
        let show = |c: &Option<Cheapest>| match c {
            None => "no attack tree".to_owned(),
            Some(c) if !c.possible => "none feasible".to_owned(),
            Some(c) => format!("{} ({})", format_cost(c.cost), c.leaves.join(", ")),
        };
        out.push(old_new(Some("Cheapest attack".into()), show(&tree.cheapest.old), show(&tree.cheapest.new)));
    }
}

/// An item's parts on one line, each titled when it has a title, in the diff's order.
fn parts_line(parts: &[(ItemPart, String)]) -> String {
    let part = |(part, text): &(ItemPart, String)| match part.label() {
        Some(label) => format!("{label}: {}", flat(text)),
        None => flat(text),
    };
    parts.iter().map(part).collect::<Vec<_>>().join(" — ")
}

fn field_items<'a>(f: &'a FieldDiff, d: &Deliverables) -> Vec<ItemView<'a>> {
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
            out.extend(references.added.iter().map(|r| ItemView::Added { text: title(&r.id), depth: 0 }));
            out.extend(references.removed.iter().map(|r| ItemView::Removed { text: title(&r.id), depth: 0 }));
            out.extend(references.notes_changed.iter().map(|n| words_item(Some(n.id.clone()), &n.prose)));
        }
        Some(Detail::Items { items }) => {
            let line = |index: usize, parts: &[(ItemPart, String)]| format!("#{} {}", index + 1, parts_line(parts));
            out.extend(items.added.iter().map(|i| ItemView::Added { text: line(i.index, &i.parts), depth: 0 }));
            out.extend(items.removed.iter().map(|i| ItemView::Removed { text: line(i.index, &i.parts), depth: 0 }));
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

fn records(list: &[RecordChange]) -> impl Iterator<Item = RecordView<'_>> {
    list.iter().map(|r| {
        let item = match &r.prose {
            Some(prose) => words_item(None, prose),
            None => old_new(None, value_text(&r.old), value_text(&r.new)),
        };
        RecordView { what: r.what.clone(), items: vec![item] }
    })
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

/// Renders the report of a diff as an XEP-style PDF.
///
/// `to` is the new revision's deliverables (group, authors, titles of references); the
/// PDF is dated `options.timestamp`. A failure is a template bug, reported as one in the
/// analysis (the document the report is about).
pub fn render_diff(report: &Report, to: &Deliverables, options: &RenderOptions) -> Result<Rendered, RenderError> {
    let date = crate::date_string(options.timestamp);
    let view = diff_view(report, to, &date);
    let mut files = crate::template_files();
    files.insert("/diff.typ", DIFF_TEMPLATE.as_bytes().to_vec());
    files.insert("/data/diff.json", serde_json::to_vec(&view).unwrap_or_default());
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
        node_lines(true, &added, &mut out);
        let lines: Vec<(String, usize)> = out
            .iter()
            .map(|v| match v {
                ItemView::Added { text, depth } => (text.clone(), *depth),
                other => (format!("{other:?}"), 99),
            })
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

    fn report_with(fields: Vec<FieldDiff>) -> Report {
        let mut report = Report::default();
        let threat =
            sigdoc_diff::ThreatDiff { id: "t".into(), name: "T".into(), old_name: None, priority: None, fields };
        report.diff.threats.changed.push(threat);
        report
    }

    fn field(key: &str, detail: Detail) -> FieldDiff {
        FieldDiff {
            key: key.into(),
            kind: "markdown".into(),
            label: key.into(),
            old: Value::Null,
            new: Value::Null,
            detail: Some(detail),
        }
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
    fn approach_parts_come_in_the_diff_s_order_with_their_titles() {
        use sigdoc_model::{Approach, ApproachPart};
        let old = [Approach { approach: "Check.".into(), implementation_issues: "Cost.".into() }];
        let new = [
            Approach { approach: "Check.".into(), implementation_issues: "Low cost.".into() },
            Approach { approach: "Pin.".into(), implementation_issues: "Work.".into() },
        ];
        let items = sigdoc_diff::ItemChanges {
            added: vec![sigdoc_diff::Item {
                index: 1,
                parts: new[1].parts().iter().map(|(p, t)| (ItemPart::Approach(*p), (*t).to_owned())).collect(),
            }],
            removed: Vec::new(),
            changed: vec![sigdoc_diff::ItemChange {
                old_index: 0,
                new_index: 0,
                parts: ApproachPart::ALL
                    .iter()
                    .map(|p| {
                        let prose = Prose::compare(old[0].part(*p), new[0].part(*p), sigdoc_diff::Markup::Markdown);
                        (ItemPart::Approach(*p), prose)
                    })
                    .collect(),
            }],
        };
        let f = field("potential_approaches", Detail::Items { items });
        let lines: Vec<String> = field_items(&f, &Deliverables::default())
            .iter()
            .map(|i| match i {
                ItemView::Added { text, .. } => format!("+ {text}"),
                ItemView::Words { label, .. } => format!("~ {}", label.as_deref().unwrap_or("")),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            lines,
            ["+ #2 Approach: Pin. — Implementation issues: Work.", "~ #1 Approach", "~ #1 Implementation issues"]
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
