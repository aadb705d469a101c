//! `sigdoc log ID`: every revision in which one threat changed, newest first, with its
//! field-level changes — a semantic `git log -p` for one threat.

use std::collections::HashMap;

use serde::Serialize;
use sigdoc::Settings;
use sigdoc_diff::FieldDiff;
use sigdoc_model::{Deliverables, DocKind, Source};

use crate::Cli;
use crate::CliError;
use crate::args::{Color, Format, LogArgs};
use crate::cmd::diff::{Revision, field_lines, flat, open};
use crate::console::Console;

/// One revision in which the threat changed.
#[derive(Debug, Serialize)]
struct Entry {
    /// The commit (`null`: uncommitted edits).
    commit: Option<String>,
    /// The commit's date (`YYYY-MM-DD`).
    date: Option<String>,
    /// The version of the history entry the commit belongs to (`0.2`, `0.2+1`).
    version: Option<String>,
    /// The release tag of that entry, if it is a release.
    tag: Option<String>,
    /// `added`, `removed` or `changed`.
    change: &'static str,
    /// The threat's name after the change (before it, when removed).
    name: String,
    /// The fields that changed (empty when added or removed).
    fields: Vec<FieldDiff>,
}

/// The output of `sigdoc log ID --format json`.
#[derive(Debug, Serialize)]
struct Log {
    threat: String,
    entries: Vec<Entry>,
}

/// A commit that touched the documents, with the history entry it belongs to.
struct Listed {
    time: i64,
    /// Its place in the histories, to order commits of the same second.
    order: usize,
    commit: String,
    version: String,
    tag: Option<String>,
}

/// The documents of each commit, loaded once.
struct Loader<'a> {
    settings: &'a Settings,
    cache: HashMap<String, Deliverables>,
}

impl Loader<'_> {
    fn load(&mut self, commit: &str) -> Result<&Deliverables, CliError> {
        if !self.cache.contains_key(commit) {
            let rev = open(self.settings, Some(commit))?;
            self.cache.insert(commit.to_owned(), rev.ws.into_loaded().deliverables);
        }
        Ok(&self.cache[commit])
    }
}

/// What happened to the threat between two loads, if anything.
fn change(id: &str, old: &Deliverables, new: &Deliverables) -> Option<(&'static str, String, Vec<FieldDiff>)> {
    let mut diff = sigdoc_diff::diff(old, new);
    diff.only_threat(id);
    if let Some(t) = diff.summary.added.pop() {
        return Some(("added", t.name, Vec::new()));
    }
    if let Some(t) = diff.summary.removed.pop() {
        return Some(("removed", t.name, Vec::new()));
    }
    diff.threats.changed.pop().map(|t| ("changed", t.name, t.fields))
}

/// Walks the documents' history and prints the threat's changes.
pub fn run(cli: &Cli, settings: &Settings, args: &LogArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let tip: Revision = open(settings, args.rev.as_deref())?;
    let repo = &tip.ws.repo;
    let histories = tip.ws.histories(&DocKind::ALL)?;
    // Every commit that touched any document (a matrix change moves priorities too),
    // with the history entry it belongs to; newest first by commit time.
    let mut commits: Vec<Listed> = Vec::new();
    for h in &histories {
        for e in &h.entries {
            for c in &e.commits {
                if commits.iter().any(|l| &l.commit == c) {
                    continue;
                }
                commits.push(Listed {
                    time: repo.resolve(c).map(|r| r.time).unwrap_or(0),
                    order: commits.len(),
                    commit: c.clone(),
                    version: e.version.clone(),
                    tag: e.tag.clone(),
                });
            }
        }
    }
    commits.sort_by(|a, b| b.time.cmp(&a.time).then(a.order.cmp(&b.order)));

    let mut loader = Loader { settings, cache: HashMap::new() };
    let empty = Deliverables::default();
    let mut entries = Vec::new();
    if let Source::WorkingTree { head, dirty: true, .. } = &tip.ws.snapshot.source {
        let base = match head {
            Some(h) => loader.load(h)?,
            None => &empty,
        };
        if let Some((change, name, fields)) = change(&args.id, base, tip.ws.deliverables()) {
            entries.push(Entry {
                commit: None,
                date: tip.side.date.clone(),
                version: None,
                tag: None,
                change,
                name,
                fields,
            });
        }
    }
    for Listed { time, commit, version, tag, .. } in &commits {
        let parent = repo.resolve(&format!("{commit}^")).ok().map(|r| r.commit);
        let new = loader.load(commit)?.clone();
        let old = match &parent {
            Some(p) => loader.load(p)?,
            None => &empty,
        };
        if let Some((change, name, fields)) = change(&args.id, old, &new) {
            entries.push(Entry {
                commit: Some(commit.clone()),
                date: Some(sigdoc_git::format_date(*time)),
                version: Some(version.clone()),
                tag: tag.clone(),
                change,
                name,
                fields,
            });
        }
    }
    if entries.is_empty() && tip.ws.deliverables().threat(&args.id).is_none() {
        return Err(CliError::Usage(format!("no threat \"{}\" in the history of {}", args.id, tip.side.label())));
    }
    match args.format {
        Format::Json => {
            let log = Log { threat: args.id.clone(), entries };
            console.out_line(serde_json::to_string_pretty(&log).unwrap_or_default());
        }
        Format::Human => {
            let color = match cli.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => console.color_out,
            };
            print_human(&args.id, &entries, color, console);
        }
    }
    Ok(())
}

fn print_human(id: &str, entries: &[Entry], color: bool, console: &mut Console<'_>) {
    let st = crate::cmd::diff::Style::new(color);
    if entries.is_empty() {
        console.out_line(format!("{}: no changes in the history", flat(id)));
    }
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            console.out_line("");
        }
        let at = match (&e.commit, &e.tag) {
            (None, _) => "uncommitted edits".to_owned(),
            (Some(c), Some(tag)) => format!("{} [{}]", &c[..c.len().min(7)], flat(tag)),
            (Some(c), None) => format!("{} ({})", &c[..c.len().min(7)], flat(e.version.as_deref().unwrap_or(""))),
        };
        let date = e.date.as_deref().unwrap_or("");
        console.out_line(st.heading(&format!("{at} {date} — {} {}: {}", e.change, flat(id), flat(&e.name))));
        for f in &e.fields {
            let lines = field_lines(f, &st);
            let label = flat(&f.label);
            if let [one] = lines.as_slice() {
                console.out_line(format!("    {label}: {one}"));
            } else {
                console.out_line(format!("    {label}:"));
                for l in lines {
                    console.out_line(format!("        {l}"));
                }
            }
        }
    }
}
