//! `sigdoc diff --format markdown`: the report as GitHub-flavoured Markdown for a
//! pull-request comment, in the order the terminal and the PDF report use.
//!
//! Prose is shown as a reader of the documents sees it (sigdoc-diff's styled runs), never
//! as its Markdown source: deleted runs `~~struck~~`, inserted runs `**bold**`, every word
//! escaped. Bold text that is kept is therefore shown plain, so that bold means inserted.

use std::fmt::Write as _;

use serde_json::Value;
use sigdoc::diff::{
    Cheapest, Detail, FieldDiff, ItemPart, NodeInfo, Op, Prose, RecordChange, Report, Run, Style, TreeDiff,
    format_cost, outline,
};

use super::md_text::{code, fenced, html, line_start, text};
use super::{describe, flat, plural, priority_line, value_line};

/// A change whose Markdown is longer than this many bytes is folded into `<details>`,
/// so that the comment's overview stays short.
const LONG: usize = 600;

/// How one change reads: a line that fits in a list item, or blocks of its own.
enum Body {
    Line(String),
    Blocks {
        /// Markdown blocks, each standing alone (paragraphs, a list, a fenced block).
        blocks: Vec<String>,
        /// What the change amounts to, for the `<summary>` of a folded part.
        summary: String,
    },
}

/// The whole report as Markdown.
pub(crate) fn markdown(report: &Report) -> String {
    let d = &report.diff;
    let (from, to) = (text(&describe(&report.from)), text(&describe(&report.to)));
    if d.is_empty() {
        return format!("No changes from {from} to {to}.\n");
    }
    let mut out = format!("### Changes from {from} to {to}\n\n");
    let _ = writeln!(
        out,
        "{} added, {} removed, {} changed; {}.\n",
        plural(d.threats.added.len(), "threat", "threats"),
        d.threats.removed.len(),
        d.threats.changed.len(),
        plural(d.summary.priority_moves.len(), "priority moved", "priorities moved"),
    );
    table(report, &mut out);
    for t in &d.threats.changed {
        let renamed = t.old_name.as_ref().map(|o| format!(" (was: {})", text(o))).unwrap_or_default();
        let _ = writeln!(out, "#### {}: {}{renamed}\n", code(&t.id, false), text(&t.name));
        let parts: Vec<(String, Body)> = t.fields.iter().map(|f| (f.label.clone(), field_body(f))).collect();
        labelled(&parts, &mut out);
    }
    let docs = &d.documents;
    records("Process", &docs.process, &mut out);
    let tpl = &docs.template;
    if !tpl.is_empty() {
        let mut parts = Vec::new();
        for f in &tpl.added {
            let required = if f.required { ", required" } else { "" };
            parts.push((format!("field {}", f.key), Body::Line(format!("**added** ({}{required})", f.kind.name()))));
        }
        for f in &tpl.removed {
            parts.push((format!("field {}", f.key), Body::Line(format!("~~removed~~ ({})", f.kind.name()))));
        }
        parts.extend(tpl.changed.iter().chain(&tpl.document).map(record));
        out.push_str("#### Template\n\n");
        labelled(&parts, &mut out);
    }
    if !d.invalidated.is_empty() {
        out.push_str("#### Threats the new template or scales leave invalid\n\n");
        for i in &d.invalidated {
            for r in &i.reasons {
                let _ = writeln!(out, "- {}: {}", code(&i.id, false), text(r));
            }
        }
        out.push('\n');
    }
    records("Analysis", &docs.analysis, &mut out);
    records("References", &docs.references, &mut out);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// A priority for the table: `—` when there is none.
fn priority(p: Option<u32>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| p.to_string())
}

/// The overview: every threat added, removed or changed, with its old and new priority
/// (a moved priority struck and bold, as changed words are).
fn table(report: &Report, out: &mut String) {
    let d = &report.diff;
    out.push_str("| Threat | Name | Change | Old priority | New priority |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    let mut row = |id: &str, name: &str, change: &str, old: String, new: String| {
        let _ = writeln!(out, "| {} | {} | {change} | {old} | {new} |", code(id, true), text(name));
    };
    for t in &d.summary.added {
        row(&t.id, &t.name, "added", priority(None), format!("**{}**", priority(t.priority)));
    }
    for t in &d.summary.removed {
        row(&t.id, &t.name, "removed", format!("~~{}~~", priority(t.priority)), priority(None));
    }
    for t in &d.threats.changed {
        match d.summary.priority_moves.iter().find(|m| m.id == t.id) {
            Some(m) => {
                row(&t.id, &t.name, "changed", format!("~~{}~~", priority(m.old)), format!("**{}**", priority(m.new)))
            }
            None => row(&t.id, &t.name, "changed", priority(t.priority), priority(t.priority)),
        }
    }
    out.push('\n');
}

/// Label and body of each change, as list items while they fit on a line, as blocks of
/// their own (folded when long) otherwise.
fn labelled(parts: &[(String, Body)], out: &mut String) {
    let mut in_list = false;
    for (label, body) in parts {
        let (blocks, summary) = match body {
            Body::Line(line) if line.len() <= LONG => {
                let _ = writeln!(out, "- *{}:* {line}", text(label));
                in_list = true;
                continue;
            }
            Body::Line(line) => (vec![line_start(line)], "a long change".to_owned()),
            Body::Blocks { blocks, summary } => (blocks.clone(), summary.clone()),
        };
        if std::mem::take(&mut in_list) {
            out.push('\n');
        }
        let joined = blocks.join("\n\n");
        if joined.len() > LONG {
            let _ = write!(
                out,
                "<details><summary>{}: {}</summary>\n\n{joined}\n\n</details>\n\n",
                html(label),
                html(&summary)
            );
        } else {
            let _ = write!(out, "*{}:*\n\n{joined}\n\n", text(label));
        }
    }
    if in_list {
        out.push('\n');
    }
}

/// A section of document changes, if there are any.
fn records(title: &str, list: &[RecordChange], out: &mut String) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "#### {title}\n");
    let parts: Vec<(String, Body)> = list.iter().map(record).collect();
    labelled(&parts, out);
}

fn record(r: &RecordChange) -> (String, Body) {
    let body = match &r.prose {
        Some(prose) => prose_body(prose),
        None => Body::Line(old_new(&r.old, &r.new, value_line(&r.old), value_line(&r.new))),
    };
    (r.what.clone(), body)
}

/// `~~old~~ → **new**`; an absent side is `(none)`, neither struck nor bold.
fn old_new(old: &Value, new: &Value, old_text: String, new_text: String) -> String {
    let old = if old.is_null() { text(&old_text) } else { format!("~~{}~~", text(&old_text)) };
    let new = if new.is_null() { text(&new_text) } else { format!("**{}**", text(&new_text)) };
    format!("{old} → {new}")
}

fn field_body(f: &FieldDiff) -> Body {
    match &f.detail {
        Some(Detail::Words(prose)) => prose_body(prose),
        Some(Detail::Priority { old_label, new_label, .. }) => Body::Line(old_new(
            &f.old,
            &f.new,
            priority_line(&f.old, old_label.as_ref()),
            priority_line(&f.new, new_label.as_ref()),
        )),
        Some(Detail::Tree { tree }) => tree_body(tree),
        Some(Detail::References { references }) => {
            let mut items = Vec::new();
            items.extend(references.added.iter().map(|r| format!("**{}** (cited)", text(&r.id))));
            items.extend(references.removed.iter().map(|r| format!("~~{}~~ (no longer cited)", text(&r.id))));
            items.extend(references.notes_changed.iter().map(|n| format!("{} note: {}", text(&n.id), line(&n.prose))));
            list_body(items, "references changed")
        }
        Some(Detail::Items { items }) => {
            let parts = |p: &[(ItemPart, String)]| {
                p.iter().map(|(part, t)| text(&labelled_part(*part, t))).collect::<Vec<_>>().join(" — ")
            };
            let mut lines = Vec::new();
            lines.extend(items.added.iter().map(|i| format!("#{} added: **{}**", i.index + 1, parts(&i.parts))));
            lines.extend(items.removed.iter().map(|i| format!("#{} removed: ~~{}~~", i.index + 1, parts(&i.parts))));
            for c in &items.changed {
                let words: Vec<String> = c
                    .parts
                    .iter()
                    .filter(|(_, prose)| prose.has_changes())
                    .map(|(part, prose)| match part.label() {
                        Some(label) => format!("*{}:* {}", text(label), line(prose)),
                        None => line(prose),
                    })
                    .collect();
                lines.push(format!("#{}: {}", c.new_index + 1, words.join("; ")));
            }
            list_body(lines, "items changed")
        }
        None => Body::Line(old_new(&f.old, &f.new, value_line(&f.old), value_line(&f.new))),
    }
}

fn labelled_part(part: ItemPart, text: &str) -> String {
    match part.label() {
        Some(label) => format!("{label}: {}", text.trim()),
        None => text.trim().to_owned(),
    }
}

/// One entry on a line; several as a list.
fn list_body(mut items: Vec<String>, what: &str) -> Body {
    if items.len() == 1 {
        return Body::Line(items.remove(0));
    }
    let summary = format!("{} {what}", items.len());
    let list = items.iter().map(|i| format!("- {i}")).collect::<Vec<_>>().join("\n");
    Body::Blocks { blocks: vec![list], summary }
}

/// A word of prose as the documents set it: code as code, emphasis as emphasis. Strong
/// words are shown plain: bold marks insertions here.
fn styled(words: &str, style: Style) -> String {
    if style.code {
        return code(words, false);
    }
    let words = text(words);
    if style.emph { format!("*{words}*") } else { words }
}

/// The marker around deleted or inserted runs; kept runs have none.
fn marker(op: Op) -> &'static str {
    match op {
        Op::Equal => "",
        Op::Delete => "~~",
        Op::Insert => "**",
    }
}

/// The paragraphs of a prose change, each a line of marked runs, with whether any of
/// its words changed. Neighbouring runs of one change share one marker pair (runs of
/// different styles touch, and `****` would read as neither), and no marker has a space
/// inside it, where GFM would not take it for one.
fn paragraphs(prose: &Prose) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let (mut current, mut changed) = (String::new(), false);
    let (mut open, mut space) = (None::<Op>, false);
    for run in &prose.shown {
        match run {
            Run::Words { op, style, text } => {
                if open != Some(*op) {
                    current.push_str(open.map_or("", marker));
                    if space {
                        current.push(' ');
                    }
                    current.push_str(marker(*op));
                    open = Some(*op);
                } else if space {
                    current.push(' ');
                }
                space = false;
                changed |= *op != Op::Equal;
                current.push_str(&styled(text, *style));
            }
            Run::Space => space = true,
            Run::Break => {
                current.push_str(open.take().map_or("", marker));
                space = false;
                out.push((std::mem::take(&mut current), std::mem::take(&mut changed)));
            }
        }
    }
    current.push_str(open.map_or("", marker));
    out.push((current, changed));
    out.into_iter().filter(|(p, _)| !p.trim().is_empty()).map(|(p, changed)| (line_start(p.trim()), changed)).collect()
}

/// A prose change on one line, for list items.
fn line(prose: &Prose) -> String {
    paragraphs(prose).into_iter().map(|(p, _)| p).collect::<Vec<_>>().join(" ")
}

/// The changed paragraphs, each stretch of unchanged ones between them shown as `…`, as
/// a diff shows hunks: a reviewer looks for the change, not the text around it.
fn hunks(paragraphs: Vec<(String, bool)>) -> Vec<String> {
    if paragraphs.len() < 2 || !paragraphs.iter().any(|(_, changed)| *changed) {
        return paragraphs.into_iter().map(|(p, _)| p).collect();
    }
    let mut out = Vec::new();
    let mut elided = false;
    for (p, changed) in paragraphs {
        if changed {
            out.push(p);
        } else if !elided {
            out.push("…".to_owned());
        }
        elided = !changed;
    }
    out
}

/// A prose change: a line when it is one short paragraph, else its changed paragraphs.
fn prose_body(prose: &Prose) -> Body {
    let mut paragraphs = hunks(paragraphs(prose));
    if paragraphs.len() == 1 && paragraphs[0].len() <= LONG {
        return Body::Line(paragraphs.remove(0));
    }
    let count = |wanted: Op| -> usize {
        let words = |r: &Run| match r {
            Run::Words { op, text, .. } if *op == wanted => text.split_whitespace().count(),
            _ => 0,
        };
        prose.shown.iter().map(words).sum()
    };
    let summary = format!(
        "{} deleted, {} inserted",
        plural(count(Op::Delete), "word", "words"),
        plural(count(Op::Insert), "word", "words")
    );
    Body::Blocks { blocks: paragraphs, summary }
}

/// Added or removed nodes as the change data outlines them, indented by depth.
fn outline_lines(sign: char, nodes: &[NodeInfo], lines: &mut Vec<String>) {
    for line in outline(nodes) {
        lines.push(format!("{sign} {}{}{}", "  ".repeat(line.depth), flat(&line.label()), line.cost_suffix()));
    }
}

/// A tree change: nodes as `+`/`-` lines of a `diff` block, then the cheapest attack.
fn tree_body(tree: &TreeDiff) -> Body {
    let mut lines = Vec::new();
    outline_lines('+', &tree.added, &mut lines);
    outline_lines('-', &tree.removed, &mut lines);
    for c in &tree.changed {
        let path = flat(&c.path.join(" › "));
        for a in &c.changes {
            lines.push(format!("- {path}: {} {}", flat(&a.attr), value_line(&a.old)));
            lines.push(format!("+ {path}: {} {}", flat(&a.attr), value_line(&a.new)));
        }
    }
    let cheapest = tree.cheapest.changed.then(|| {
        let show = |c: &Option<Cheapest>| match c {
            None => "no attack tree".to_owned(),
            Some(c) if !c.possible => "none feasible".to_owned(),
            Some(c) => format!("{} ({})", format_cost(c.cost), c.leaves.join(", ")),
        };
        let (old, new) = (show(&tree.cheapest.old), show(&tree.cheapest.new));
        format!("Cheapest attack: ~~{}~~ → **{}**", text(&old), text(&new))
    });
    if lines.is_empty() {
        return Body::Line(cheapest.unwrap_or_default());
    }
    let summary = format!(
        "{} added, {} removed, {} changed",
        plural(tree.added.len(), "node", "nodes"),
        tree.removed.len(),
        tree.changed.len()
    );
    let mut blocks = vec![fenced("diff", &lines)];
    blocks.extend(cheapest);
    Body::Blocks { blocks, summary }
}

#[cfg(test)]
mod tests {
    use sigdoc::diff::{Invalidated, Item, ItemChange, ItemChanges, Markup};
    use sigdoc::model::ApproachPart;

    use super::*;

    fn field(label: &str, detail: Option<Detail>, old: Value, new: Value) -> FieldDiff {
        FieldDiff { key: label.to_lowercase(), kind: "markdown".into(), label: label.into(), old, new, detail }
    }

    #[test]
    fn documents_follow_threats_in_the_terminal_s_order() {
        let mut report = Report::default();
        let d = &mut report.diff;
        d.documents.process.push(RecordChange {
            what: "scales.likelihood".into(),
            old: "3 levels".into(),
            new: "4 levels".into(),
            prose: None,
        });
        d.documents.template.changed.push(RecordChange {
            what: "gap: required".into(),
            old: false.into(),
            new: true.into(),
            prose: None,
        });
        d.invalidated.push(Invalidated { id: "t|x".into(), reasons: vec!["it lacks a <gap>".into()] });
        d.documents.analysis.push(RecordChange {
            what: "title".into(),
            old: "A".into(),
            new: "B".into(),
            prose: Some(Prose::compare("Old title", "New title", Markup::Plain)),
        });
        let text = markdown(&report);
        let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("no {needle:?} in {text}"));
        assert!(at("#### Process") < at("#### Template"), "{text}");
        assert!(at("#### Template") < at("leave invalid") && at("leave invalid") < at("#### Analysis"), "{text}");
        assert!(text.contains("- *gap: required:* ~~false~~ → **true**\n"), "{text}");
        assert!(text.contains("- `t|x`: it lacks a \\<gap\\>\n"), "{text}");
        assert!(text.contains("- *title:* ~~Old~~ **New** title\n"), "{text}");
        assert!(text.ends_with("title\n"), "one newline at the end: {text:?}");
    }

    #[test]
    fn items_and_trees_read_as_lists_and_outlines() {
        let part = ItemPart::Approach;
        let items = ItemChanges {
            added: vec![Item { index: 1, parts: vec![(part(ApproachPart::Approach), "Pin *keys*.".into())] }],
            removed: Vec::new(),
            changed: vec![ItemChange {
                old_index: 0,
                new_index: 0,
                parts: vec![(
                    part(ApproachPart::ImplementationIssues),
                    Prose::compare("Cost.", "Low cost.", Markup::Markdown),
                )],
            }],
        };
        let body = field_body(&field("Potential approaches", Some(Detail::Items { items }), Value::Null, Value::Null));
        let Body::Blocks { blocks, summary } = body else { panic!("two items are a list") };
        assert_eq!(summary, "2 items changed");
        assert_eq!(
            blocks,
            ["- #2 added: **Approach: Pin \\*keys\\*.**\n- #1: *Implementation issues:* ~~Cost.~~ **Low cost.**"]
        );

        let node = |path: &[&str], leaf: bool| NodeInfo {
            path: path.iter().map(|s| s.to_string()).collect(),
            goal: path.last().map(|s| s.to_string()).unwrap_or_default(),
            gate: None,
            cost: leaf.then_some(2.0),
            possible: true,
            equipment: false,
            leaf,
        };
        let tree = TreeDiff {
            added: vec![node(&["Root", "New ```branch"], false), node(&["Root", "New ```branch", "Leaf"], true)],
            removed: vec![node(&["Root", "Old"], true)],
            changed: Vec::new(),
            cheapest: sigdoc::diff::CheapestChange { old: None, new: None, changed: false },
        };
        let Body::Blocks { blocks, summary } = tree_body(&tree) else { panic!("nodes are blocks") };
        assert_eq!(summary, "2 nodes added, 1 removed, 0 changed");
        assert_eq!(blocks, ["````diff\n+ Root › New ```branch\n+   Leaf (cost 2)\n- Root › Old (cost 2)\n````"]);
    }
}
