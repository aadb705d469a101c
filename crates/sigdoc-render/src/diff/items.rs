//! One change as the lines the report shows: word diffs as styled runs, old → new pairs,
//! added and removed items, and attack-tree nodes as an outline.

use serde::Serialize;
use serde_json::Value;
use sigdoc_diff::{
    Cheapest, Detail, FieldDiff, ItemPart, NodeInfo, Op, Prose, RecordChange, Run, Style, TreeDiff, format_cost,
    outline,
};
use sigdoc_model::Deliverables;

/// A changed part of a document under its heading (`what`).
#[derive(Debug, Clone, Serialize)]
pub(super) struct RecordView<'a> {
    pub(super) what: String,
    pub(super) items: Vec<ItemView<'a>>,
}

/// One line of a change: a word diff, an old → new pair, or a whole added or removed
/// item (`depth`: how far below the first node of an added or removed subtree).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub(super) enum ItemView<'a> {
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
pub(super) struct RunView<'a> {
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
pub(super) fn flat(text: &str) -> String {
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

/// Added or removed nodes as the change data outlines them.
fn node_lines<'a>(added: bool, nodes: &[NodeInfo], out: &mut Vec<ItemView<'a>>) {
    for line in outline(nodes) {
        let (text, depth) = (format!("{}{}", line.label(), line.cost_suffix()), line.depth);
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

pub(super) fn field_items<'a>(f: &'a FieldDiff, d: &Deliverables) -> Vec<ItemView<'a>> {
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

pub(super) fn records(list: &[RecordChange]) -> impl Iterator<Item = RecordView<'_>> {
    list.iter().map(|r| {
        let item = match &r.prose {
            Some(prose) => words_item(None, prose),
            None => old_new(None, value_text(&r.old), value_text(&r.new)),
        };
        RecordView { what: r.what.clone(), items: vec![item] }
    })
}

#[cfg(test)]
pub(super) mod tests {
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

    pub(in crate::diff) fn field(key: &str, detail: Detail) -> FieldDiff {
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
}
