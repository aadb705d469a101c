//! One threat's log: every revision in which it changed, newest first, with its
//! field-level changes — a semantic `git log -p` for one threat.

use std::collections::HashMap;

use serde::Serialize;
use sigdoc_diff::FieldDiff;
use sigdoc_model::{Deliverables, DocKind, Source};

use crate::diff::Revision;
use crate::error::Error;
use crate::workspace::{Settings, Workspace};

/// What happened to the threat in one revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The threat appeared.
    Added,
    /// The threat disappeared.
    Removed,
    /// Some of its fields (or its computed priority) changed.
    Changed,
}

impl Change {
    /// The word for it: `added`, `removed`, `changed`.
    pub fn word(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One revision in which the threat changed.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The commit (`null`: uncommitted edits).
    pub commit: Option<String>,
    /// The commit's date (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// The version of the history entry the commit belongs to (`0.2`, `0.2+1`).
    pub version: Option<String>,
    /// The release tag of that entry, if it is a release.
    pub tag: Option<String>,
    /// What happened.
    pub change: Change,
    /// The threat's name after the change (before it, when removed).
    pub name: String,
    /// The fields that changed (empty when added or removed).
    pub fields: Vec<FieldDiff>,
}

/// A threat's log: what `sigdoc log ID --format json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Log {
    /// The threat's id.
    pub threat: String,
    /// Newest first.
    pub entries: Vec<Entry>,
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
    fn load(&mut self, commit: &str) -> Result<&Deliverables, Error> {
        if !self.cache.contains_key(commit) {
            let ws = Workspace::open(self.settings, Some(commit))?;
            self.cache.insert(commit.to_owned(), ws.into_loaded().deliverables);
        }
        Ok(&self.cache[commit])
    }
}

/// What happened to the threat between two loads, if anything.
fn change(id: &str, old: &Deliverables, new: &Deliverables) -> Option<(Change, String, Vec<FieldDiff>)> {
    let mut diff = sigdoc_diff::diff(old, new);
    diff.only_threat(id);
    if let Some(t) = diff.summary.added.pop() {
        return Some((Change::Added, t.name, Vec::new()));
    }
    if let Some(t) = diff.summary.removed.pop() {
        return Some((Change::Removed, t.name, Vec::new()));
    }
    diff.threats.changed.pop().map(|t| (Change::Changed, t.name, t.fields))
}

/// Every commit that touched any document of `tip` (a matrix change moves priorities
/// too), with the history entry it belongs to; newest first by commit time.
fn listed_commits(tip: &Workspace) -> Result<Vec<Listed>, Error> {
    let mut commits: Vec<Listed> = Vec::new();
    for h in &tip.histories(&DocKind::ALL)? {
        for e in &h.entries {
            for c in &e.commits {
                if commits.iter().any(|l| &l.commit == c) {
                    continue;
                }
                commits.push(Listed {
                    time: tip.repo.resolve(c).map(|r| r.time).unwrap_or(0),
                    order: commits.len(),
                    commit: c.clone(),
                    version: e.version.clone(),
                    tag: e.tag.clone(),
                });
            }
        }
    }
    commits.sort_by(|a, b| b.time.cmp(&a.time).then(a.order.cmp(&b.order)));
    Ok(commits)
}

/// The log of threat `id` in the history of `rev` (`None`: the working tree, whose
/// uncommitted edits come first). A threat that never existed there is a usage error.
pub fn threat_log(settings: &Settings, rev: Option<&str>, id: &str) -> Result<Log, Error> {
    let tip = Revision::open(settings, rev)?;
    let commits = listed_commits(&tip.ws)?;
    let mut loader = Loader { settings, cache: HashMap::new() };
    let empty = Deliverables::default();
    let mut entries = Vec::new();
    if let Source::WorkingTree { head, dirty: true, .. } = &tip.ws.snapshot.source {
        let base = match head {
            Some(h) => loader.load(h)?,
            None => &empty,
        };
        if let Some((change, name, fields)) = change(id, base, tip.ws.deliverables()) {
            let date = tip.side.date.clone();
            entries.push(Entry { commit: None, date, version: None, tag: None, change, name, fields });
        }
    }
    for Listed { time, commit, version, tag, .. } in &commits {
        let parent = tip.ws.repo.resolve(&format!("{commit}^")).ok().map(|r| r.commit);
        let new = loader.load(commit)?.clone();
        let old = match &parent {
            Some(p) => loader.load(p)?,
            None => &empty,
        };
        if let Some((change, name, fields)) = change(id, old, &new) {
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
    if entries.is_empty() && tip.ws.deliverables().threat(id).is_none() {
        return Err(Error::Usage(format!("no threat \"{id}\" in the history of {}", tip.side.label())));
    }
    Ok(Log { threat: id.to_owned(), entries })
}
