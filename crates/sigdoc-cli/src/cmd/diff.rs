//! `sigdoc diff FROM [TO]`: what changed between two revisions, threat by threat, field by
//! field, as coloured text, JSON, Markdown for a pull request or an XEP-style PDF report.

mod markdown;
mod md_text;

use std::path::Path;

use serde_json::Value;
use sigdoc::diff::{
    Detail, Diff, FieldDiff, ItemPart, Op, RecordChange, Report, Segment, Side, ThreatDiff, TreeDiff, format_cost,
};
use sigdoc::model::text::is_unprintable;

use crate::Cli;
use crate::CliError;
use crate::args::{Color, DiffArgs, DiffFormat};
use crate::console::Console;
use sigdoc::diff::Revision;
use sigdoc::output::{OutputDir, is_plain_name};
use sigdoc::workspace::{Settings, Workspace};

/// Says on standard error that a revision has errors, so that a threat that failed to load
/// is not silently taken for a removed one.
fn warn_errors(rev: &Revision, console: &mut Console<'_>) {
    let errors = rev.errors();
    if errors > 0 {
        console.info(format!(
            "warning: {} has {errors} error{} (see `{}`); parts that could not be read are compared as missing",
            flat(&rev.side.label()),
            if errors == 1 { "" } else { "s" },
            flat(&rev.check_command())
        ));
    }
}

/// Compares two revisions and prints or writes the result.
pub fn run(cli: &Cli, settings: &Settings, args: &DiffArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let (from, to) = sigdoc::diff::open_pair(settings, &args.from, args.to.as_deref())?;
    // Where the report goes is checked before it is made.
    let target = match &args.output {
        Some(path) => Some(output_file(path, &settings.cwd, &to.ws)?),
        None => None,
    };
    warn_errors(&from, console);
    warn_errors(&to, console);
    let report = sigdoc::diff::compare(&from, &to, args.threat.as_deref())?;
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        // Colour only what goes to a terminal: not a file, not a pipe.
        Color::Auto => console.color_out && args.output.is_none(),
    };
    let bytes = match args.format {
        DiffFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
            text.push('\n');
            text.into_bytes()
        }
        DiffFormat::Human => human(&report, color).into_bytes(),
        DiffFormat::Markdown => markdown::markdown(&report).into_bytes(),
        // clap requires `-o` with this format: PDF bytes are not for a terminal.
        DiffFormat::Pdf => sigdoc::diff::pdf(&report, &to)?,
    };
    match (&target, &args.output) {
        (Some((folder, name)), Some(path)) => {
            let mut batch = folder.batch(&mut console.waiting())?;
            batch.add(name, &bytes)?;
            batch.commit()?;
            console.out_line(path.display());
        }
        _ => {
            let _ = console.out.write_all(&bytes);
        }
    }
    Ok(())
}

/// The folder and file name of `-o FILE`, checked like every output folder.
fn output_file(path: &Path, cwd: &Path, ws: &Workspace) -> Result<(OutputDir, String), CliError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| is_plain_name(n))
        .ok_or_else(|| CliError::Usage(format!("-o {}: give a file name, such as changes.pdf", path.display())))?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok((OutputDir::new(folder, cwd, &ws.places())?, name.to_owned()))
}

/// ANSI styles, or nothing when colour is off.
pub(crate) struct Style {
    color: bool,
}

impl Style {
    /// Colours, or none.
    pub(crate) fn new(color: bool) -> Style {
        Style { color }
    }
    /// A heading line.
    pub(crate) fn heading(&self, text: &str) -> String {
        self.paint("1;36", text)
    }
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn added(&self, text: &str) -> String {
        self.paint("32", text)
    }
    fn removed(&self, text: &str) -> String {
        self.paint("31", text)
    }
    fn meta(&self, text: &str) -> String {
        self.paint("36", text)
    }
    /// A deletion: red, or `[-…-]` without colour, as `git diff --word-diff` does.
    fn del(&self, text: &str) -> String {
        if self.color { self.paint("31;9", text) } else { format!("[-{text}-]") }
    }
    /// An insertion: green, or `{+…+}` without colour.
    fn ins(&self, text: &str) -> String {
        if self.color { self.paint("32;4", text) } else { format!("{{+{text}+}}") }
    }
}

/// How a revision is introduced: `v0.2 (40872e9, 2025-01-02)`, `the working tree (HEAD
/// 40872e9 + edits, 2025-01-02)`, or `(clean at HEAD 40872e9, …)` without uncommitted edits.
pub(crate) fn describe(side: &Side) -> String {
    let mut parts = Vec::new();
    if let Some(c) = side.commit.as_ref().or(side.head.as_ref()) {
        let short = c.get(..7).unwrap_or(c);
        parts.push(match (side.worktree, side.dirty) {
            (true, true) => format!("HEAD {short} + edits"),
            (true, false) => format!("clean at HEAD {short}"),
            (false, _) => short.to_owned(),
        });
    }
    parts.extend(side.date.clone());
    let label = flat(&side.label());
    if parts.is_empty() { label } else { format!("{label} ({})", parts.join(", ")) }
}

/// Whitespace collapsed (a space kept at either end), so that prose reads on one line,
/// and control characters escaped.
pub(crate) fn flat(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
            }
            space = false;
            // Repository text: a terminal must show an escape sequence, not obey it.
            if is_unprintable(c) {
                out.extend(c.escape_unicode());
            } else {
                out.push(c);
            }
        }
    }
    if space && !out.is_empty() {
        out.push(' ');
    }
    out
}

/// Kept words shown around a change; longer stretches are elided.
const CONTEXT_WORDS: usize = 8;

/// A word diff on one line, with long unchanged stretches cut to their ends.
pub(crate) fn words_line(segments: &[Segment], st: &Style) -> String {
    let mut out = String::new();
    for (i, s) in segments.iter().enumerate() {
        let text = flat(&s.text);
        match s.op {
            Op::Delete => out.push_str(&st.del(text.trim_end())),
            Op::Insert => out.push_str(&st.ins(text.trim_end())),
            Op::Equal => {
                let words: Vec<&str> = text.split(' ').collect();
                let (first, last) = (i == 0, i + 1 == segments.len());
                let keep_head = if first { 0 } else { CONTEXT_WORDS };
                let keep_tail = if last { 0 } else { CONTEXT_WORDS };
                if words.len() > keep_head + keep_tail + 2 {
                    let head = words[..keep_head].join(" ");
                    let tail = words[words.len() - keep_tail..].join(" ");
                    out.push_str(&head);
                    out.push_str(if keep_head > 0 { " … " } else { "… " });
                    out.push_str(&tail);
                } else {
                    out.push_str(&text);
                }
            }
        }
        // Trimmed changed runs lose their trailing space; restore one before kept text.
        if s.op != Op::Equal
            && s.text.ends_with(char::is_whitespace)
            && segments.get(i + 1).is_some_and(|n| n.op == Op::Equal && !n.text.starts_with(char::is_whitespace))
        {
            out.push(' ');
        }
    }
    out
}

/// A value as one line: strings as they are, `(none)` for absent values.
pub(crate) fn value_line(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => flat(s.trim()),
        // Costs are numbers that YAML may have written as 1 or 1.0: show them alike.
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |f| format_cost(Some(f))),
        other => other.to_string(),
    }
}

pub(crate) fn priority_line(v: &Value, label: Option<&String>) -> String {
    match label {
        Some(l) => format!("{} ({l})", value_line(v)),
        None => value_line(v),
    }
}

fn tree_lines(tree: &TreeDiff, st: &Style, out: &mut Vec<String>) {
    for n in &tree.added {
        let extra = if n.leaf { format!(" (cost {})", format_cost(n.cost)) } else { String::new() };
        out.push(st.added(&format!("+ {}{extra}", flat(&n.path.join(" › ")))));
    }
    for n in &tree.removed {
        out.push(st.removed(&format!("- {}", flat(&n.path.join(" › ")))));
    }
    for c in &tree.changed {
        let what: Vec<String> =
            c.changes.iter().map(|a| format!("{} {} → {}", a.attr, value_line(&a.old), value_line(&a.new))).collect();
        out.push(format!("~ {}: {}", flat(&c.path.join(" › ")), what.join("; ")));
    }
    if tree.cheapest.changed {
        let show = |c: &Option<sigdoc::diff::Cheapest>| match c {
            None => "(no tree)".to_owned(),
            Some(c) if !c.possible => "none feasible".to_owned(),
            Some(c) => format!("{} ({})", format_cost(c.cost), flat(&c.leaves.join(", "))),
        };
        out.push(format!("cheapest attack: {} → {}", show(&tree.cheapest.old), show(&tree.cheapest.new)));
    }
}

/// The lines under a changed field's heading.
pub(crate) fn field_lines(f: &FieldDiff, st: &Style) -> Vec<String> {
    let mut out = Vec::new();
    match &f.detail {
        Some(Detail::Words(prose)) => out.push(words_line(&prose.words, st)),
        Some(Detail::Priority { old_label, new_label, .. }) => out.push(format!(
            "{} → {}",
            st.removed(&priority_line(&f.old, old_label.as_ref())),
            st.added(&priority_line(&f.new, new_label.as_ref()))
        )),
        Some(Detail::Tree { tree }) => tree_lines(tree, st, &mut out),
        Some(Detail::References { references }) => {
            for r in &references.added {
                out.push(st.added(&format!("+ {}", flat(&r.id))));
            }
            for r in &references.removed {
                out.push(st.removed(&format!("- {}", flat(&r.id))));
            }
            for n in &references.notes_changed {
                out.push(format!("~ {}: {}", flat(&n.id), words_line(&n.prose.words, st)));
            }
        }
        Some(Detail::Items { items }) => {
            let parts = |p: &[(ItemPart, String)]| {
                p.iter().map(|(part, text)| labelled(*part, flat(text.trim()))).collect::<Vec<_>>().join("; ")
            };
            for i in &items.added {
                out.push(st.added(&format!("+ #{} {}", i.index + 1, parts(&i.parts))));
            }
            for i in &items.removed {
                out.push(st.removed(&format!("- #{} {}", i.index + 1, parts(&i.parts))));
            }
            for c in &items.changed {
                let words: Vec<String> = c
                    .parts
                    .iter()
                    .filter(|(_, prose)| prose.has_changes())
                    .map(|(part, prose)| labelled(*part, words_line(&prose.words, st)))
                    .collect();
                out.push(format!("~ #{}: {}", c.new_index + 1, words.join("; ")));
            }
        }
        None => out.push(format!("{} → {}", st.removed(&value_line(&f.old)), st.added(&value_line(&f.new)))),
    }
    out
}

/// A part of an item with its title, if it has one: `Approach: …`.
fn labelled(part: ItemPart, text: String) -> String {
    match part.label() {
        Some(label) => format!("{label}: {text}"),
        None => text,
    }
}

fn threat_block(t: &ThreatDiff, st: &Style, out: &mut String) {
    let renamed = t.old_name.as_ref().map(|o| format!(" (was: {})", flat(o))).unwrap_or_default();
    out.push_str(&format!("{} {}: {}{renamed}\n", st.meta("changed"), st.bold(&flat(&t.id)), flat(&t.name)));
    for f in &t.fields {
        let lines = field_lines(f, st);
        let label = flat(&f.label);
        if let [one] = lines.as_slice() {
            out.push_str(&format!("    {label}: {one}\n"));
        } else {
            out.push_str(&format!("    {label}:\n"));
            for l in lines {
                out.push_str(&format!("        {l}\n"));
            }
        }
    }
}

fn records(title: &str, list: &[RecordChange], st: &Style, out: &mut String) {
    if list.is_empty() {
        return;
    }
    out.push_str(&format!("\n{}\n", st.bold(title)));
    for r in list {
        let line = match &r.prose {
            Some(prose) => words_line(&prose.words, st),
            None => format!("{} → {}", st.removed(&value_line(&r.old)), st.added(&value_line(&r.new))),
        };
        out.push_str(&format!("    {}: {line}\n", flat(&r.what)));
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The whole report as text.
pub(crate) fn human(report: &Report, color: bool) -> String {
    let st = Style::new(color);
    let d: &Diff = &report.diff;
    let mut out =
        format!("{}\n", st.bold(&format!("Changes from {} to {}", describe(&report.from), describe(&report.to))));
    if d.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    out.push_str(&format!(
        "{} added, {} removed, {} changed; {}\n",
        plural(d.threats.added.len(), "threat", "threats"),
        d.threats.removed.len(),
        d.threats.changed.len(),
        plural(d.summary.priority_moves.len(), "priority moved", "priorities moved"),
    ));
    if !d.summary.added.is_empty() || !d.summary.removed.is_empty() || !d.threats.changed.is_empty() {
        out.push('\n');
    }
    let prio = |p: Option<u32>| p.map_or_else(|| "no priority".to_owned(), |p| format!("priority {p}"));
    for t in &d.summary.added {
        out.push_str(&st.added(&format!("added   {}: {} ({})", flat(&t.id), flat(&t.name), prio(t.priority))));
        out.push('\n');
    }
    for t in &d.summary.removed {
        out.push_str(&st.removed(&format!("removed {}: {} ({})", flat(&t.id), flat(&t.name), prio(t.priority))));
        out.push('\n');
    }
    for t in &d.threats.changed {
        threat_block(t, &st, &mut out);
    }
    let docs = &d.documents;
    records("Process", &docs.process, &st, &mut out);
    let tpl = &docs.template;
    if !tpl.is_empty() {
        out.push_str(&format!("\n{}\n", st.bold("Template")));
        for f in &tpl.added {
            let req = if f.required { ", required" } else { "" };
            out.push_str(&st.added(&format!("    + field {} ({}{req})", flat(&f.key), f.kind.name())));
            out.push('\n');
        }
        for f in &tpl.removed {
            out.push_str(&st.removed(&format!("    - field {} ({})", flat(&f.key), f.kind.name())));
            out.push('\n');
        }
        let mut rest = tpl.changed.clone();
        rest.extend(tpl.document.iter().cloned());
        for r in &rest {
            let line = match &r.prose {
                Some(prose) => words_line(&prose.words, &st),
                None => format!("{} → {}", st.removed(&value_line(&r.old)), st.added(&value_line(&r.new))),
            };
            out.push_str(&format!("    {}: {line}\n", flat(&r.what)));
        }
    }
    if !d.invalidated.is_empty() {
        out.push_str(&format!("\n{}\n", st.bold("Threats the new template or scales leave invalid")));
        for i in &d.invalidated {
            for r in &i.reasons {
                out.push_str(&format!("    {}: {}\n", flat(&i.id), flat(r)));
            }
        }
    }
    records("Analysis", &docs.analysis, &st, &mut out);
    records("References", &docs.references, &st, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use sigdoc::diff::{Invalidated, Item, ItemChange, ItemChanges, Markup, Prose};
    use sigdoc::model::ApproachPart;

    use super::*;

    #[test]
    fn a_working_tree_says_edits_only_when_it_has_them() {
        let tree = |dirty| Side {
            worktree: true,
            head: Some("0123456789abcdef".into()),
            date: Some("2025-01-02".into()),
            dirty,
            ..Side::default()
        };
        assert_eq!(describe(&tree(true)), "the working tree (HEAD 0123456 + edits, 2025-01-02)");
        assert_eq!(describe(&tree(false)), "the working tree (clean at HEAD 0123456, 2025-01-02)");
        let commit = Side { rev: Some("v0.2".into()), commit: Some("fedcba9876543210".into()), ..Side::default() };
        assert_eq!(describe(&commit), "v0.2 (fedcba9)");
        assert_eq!(describe(&Side { worktree: true, dirty: true, ..Side::default() }), "the working tree");
    }

    #[test]
    fn approach_parts_are_titled_in_the_diff_s_order() {
        let part = |p| ItemPart::Approach(p);
        let items = ItemChanges {
            added: vec![Item {
                index: 1,
                parts: vec![
                    (part(ApproachPart::Approach), "Pin keys.".into()),
                    (part(ApproachPart::ImplementationIssues), "Deployment.".into()),
                ],
            }],
            removed: Vec::new(),
            changed: vec![ItemChange {
                old_index: 0,
                new_index: 0,
                parts: vec![
                    (part(ApproachPart::Approach), Prose::compare("Check.", "Check.", Markup::Markdown)),
                    (part(ApproachPart::ImplementationIssues), Prose::compare("Cost.", "Low Cost.", Markup::Markdown)),
                ],
            }],
        };
        let f = FieldDiff {
            key: "potential_approaches".into(),
            kind: "approaches".into(),
            label: "Potential approaches".into(),
            old: Value::Null,
            new: Value::Null,
            detail: Some(Detail::Items { items }),
        };
        let lines = field_lines(&f, &Style::new(false));
        assert_eq!(
            lines,
            [
                "+ #2 Approach: Pin keys.; Implementation issues: Deployment.",
                "~ #1: Implementation issues: {+Low+} Cost."
            ]
        );
    }

    #[test]
    fn invalid_threats_follow_the_template_changes_that_cause_them() {
        let mut report = Report::default();
        report.diff.documents.template.changed.push(RecordChange {
            what: "gap: required".into(),
            old: false.into(),
            new: true.into(),
            prose: None,
        });
        report.diff.documents.analysis.push(RecordChange {
            what: "title".into(),
            old: "A".into(),
            new: "B".into(),
            prose: Some(Prose::compare("A", "B", Markup::Plain)),
        });
        report.diff.invalidated.push(Invalidated { id: "t".into(), reasons: vec!["it lacks a gap".into()] });
        let text = human(&report, false);
        let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("no {needle:?} in {text}"));
        assert!(at("Template") < at("leave invalid"), "{text}");
        assert!(at("    t: it lacks a gap") < at("Analysis"), "{text}");
        assert!(text.contains("    gap: required: false → true\n"), "{text}");
        assert!(text.contains("    title: [-A-]{+B+}\n"), "{text}");
    }
}
