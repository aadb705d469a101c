//! Comparing two revisions of the deliverables threat by threat, field by field: pure data.
//!
//! Threats are matched by id (a renamed file with the same id is the same threat); each
//! field is compared by its template kind: prose word by word, levels and the computed
//! priority as old and new values, references, approaches and lists item by item, attack
//! trees node by node (matched by their path of goals) with the cheapest attack. The
//! process, the template, the analysis introduction and the bibliography are compared
//! too, and threats that a template change leaves invalid are named.

mod documents;
mod engine;
mod items;
mod styled;
mod threat;
mod tree;
mod words;

use serde::Serialize;
use sigdoc_model::Deliverables;

pub use documents::{DocChanges, Invalidated, RecordChange, TemplateChanges};
pub use items::{Item, ItemChange, ItemChanges, ItemPart, NoteChange, RefChanges};
pub use styled::{Markup, Run, Style};
pub use threat::{Detail, FieldDiff, ThreatDiff, ThreatSummary};
pub use tree::{
    AttrChange, Cheapest, CheapestChange, NodeChange, NodeInfo, OutlineLine, TreeDiff, format_cost, outline,
};
pub use words::{Op, Prose, Segment, diff_words, has_changes, side};

/// One of the two revisions compared, as the command line resolved it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Side {
    /// What the user asked for (`v0.2`); `None` for the working tree.
    pub rev: Option<String>,
    /// The commit's full id; `None` for the working tree.
    pub commit: Option<String>,
    /// The tag's name when the revision is a tag.
    pub tag: Option<String>,
    /// The commit's date (`YYYY-MM-DD`); for the working tree, HEAD's.
    pub date: Option<String>,
    /// Whether this is the working tree (uncommitted edits included).
    pub worktree: bool,
    /// For the working tree, the commit HEAD points at.
    pub head: Option<String>,
    /// For the working tree, whether a file of the documents differs from HEAD: without
    /// uncommitted edits it holds exactly HEAD's documents, and reports say so.
    pub dirty: bool,
}

impl Side {
    /// How the revision is named to people: `v0.2`, `HEAD~1`, `the working tree`.
    pub fn label(&self) -> String {
        self.rev.clone().unwrap_or_else(|| "the working tree".to_owned())
    }
}

/// The threats added, removed and changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ThreatChanges {
    /// Ids of threats only in the new revision.
    pub added: Vec<String>,
    /// Ids of threats only in the old revision.
    pub removed: Vec<String>,
    /// Threats in both whose fields (or computed priority) differ, by id.
    pub changed: Vec<ThreatDiff>,
}

/// An overview for tables: names and priorities of added and removed threats, and every
/// threat whose priority moved.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Added threats.
    pub added: Vec<ThreatSummary>,
    /// Removed threats.
    pub removed: Vec<ThreatSummary>,
    /// Threats in both whose priority differs, with old and new.
    pub priority_moves: Vec<PriorityMove>,
}

/// A threat whose priority moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriorityMove {
    /// The threat.
    pub id: String,
    /// Its name in the new revision.
    pub name: String,
    /// The old priority.
    pub old: Option<u32>,
    /// The new priority.
    pub new: Option<u32>,
}

/// Everything that differs between two revisions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// Threat by threat.
    pub threats: ThreatChanges,
    /// Names and priorities for overviews.
    pub summary: Summary,
    /// The process, template, analysis introduction and bibliography.
    pub documents: DocChanges,
    /// Threats that a change of the template or scales leaves invalid in the new revision.
    /// Reports show them right after the template's changes, which cause them.
    pub invalidated: Vec<Invalidated>,
}

impl Diff {
    /// Whether the two revisions are the same as far as the deliverables go.
    pub fn is_empty(&self) -> bool {
        self.threats.added.is_empty()
            && self.threats.removed.is_empty()
            && self.threats.changed.is_empty()
            && self.documents.is_empty()
            && self.invalidated.is_empty()
    }

    /// Keeps only one threat's changes (and drops the documents'), for `--threat ID`.
    pub fn only_threat(&mut self, id: &str) {
        self.threats.added.retain(|t| t == id);
        self.threats.removed.retain(|t| t == id);
        self.threats.changed.retain(|t| t.id == id);
        self.summary.added.retain(|t| t.id == id);
        self.summary.removed.retain(|t| t.id == id);
        self.summary.priority_moves.retain(|t| t.id == id);
        self.invalidated.retain(|t| t.id == id);
        self.documents = DocChanges::default();
    }
}

/// A diff with the two revisions it compares: what `sigdoc diff --format json` prints.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// The old revision.
    pub from: Side,
    /// The new revision.
    pub to: Side,
    /// What differs.
    #[serde(flatten)]
    pub diff: Diff,
}

/// Compares two revisions of the deliverables.
pub fn diff(old: &Deliverables, new: &Deliverables) -> Diff {
    let mut out = Diff::default();
    // Threats are sorted by id in both (the model loads them so), but do not rely on it.
    let mut old_threats: Vec<_> = old.threats.iter().collect();
    let mut new_threats: Vec<_> = new.threats.iter().collect();
    old_threats.sort_by(|a, b| a.id.cmp(&b.id));
    new_threats.sort_by(|a, b| a.id.cmp(&b.id));
    let (mut i, mut j) = (0, 0);
    while i < old_threats.len() || j < new_threats.len() {
        let order = match (old_threats.get(i), new_threats.get(j)) {
            (Some(a), Some(b)) => a.id.cmp(&b.id),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                out.threats.removed.push(old_threats[i].id.clone());
                out.summary.removed.push(ThreatSummary::of(old_threats[i], old));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.threats.added.push(new_threats[j].id.clone());
                out.summary.added.push(ThreatSummary::of(new_threats[j], new));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (a, b) = (old_threats[i], new_threats[j]);
                let (pa, pb) = (a.priority(&old.process), b.priority(&new.process));
                if pa != pb {
                    out.summary.priority_moves.push(PriorityMove {
                        id: b.id.clone(),
                        name: b.name().to_owned(),
                        old: pa,
                        new: pb,
                    });
                }
                if let Some(d) = threat::diff_threat(a, old, b, new) {
                    out.threats.changed.push(d);
                }
                i += 1;
                j += 1;
            }
        }
    }
    out.documents = documents::diff_documents(old, new);
    out.invalidated = documents::invalidated(old, new);
    out
}

#[cfg(test)]
mod tests;
