//! The revision history of one document, as the PDFs and `sigdoc history` show it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::doc_kind::DocKind;

/// The earliest time a revision is dated by: 0001-01-01T00:00:00Z.
pub const EARLIEST_TIME: i64 = -62_135_596_800;

/// The latest time a revision is dated by: 9999-12-31T23:59:59Z.
pub const LATEST_TIME: i64 = 253_402_300_799;

/// A commit's time brought into the years 1–9999, the dates that histories, title pages
/// and PDF metadata can all write: a hand-made commit may claim any second, and every
/// place that shows it must show the same date.
pub fn clamp_time(seconds: i64) -> i64 {
    seconds.clamp(EARLIEST_TIME, LATEST_TIME)
}

/// One entry of a revision history: a release, the unreleased commits after the newest
/// release, or the uncommitted edits of a working tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// `0.2`, `0.2+4`, `0.0+3`; for uncommitted edits the unreleased version and `+dirty`.
    pub version: String,
    /// The release tag, or `None` for unreleased work.
    pub tag: Option<String>,
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    /// The commit the entry stands at, `None` for uncommitted edits.
    pub commit: Option<String>,
    /// Every commit id the entry covers, newest first.
    pub commits: Vec<String>,
    /// Initials of the people who made the covered commits, in order of first appearance.
    pub initials: Vec<String>,
    /// Names of those people, in the same order.
    pub authors: Vec<String>,
    /// What changed: an annotated tag's message, else the commits' subjects.
    pub remarks: Vec<String>,
}

impl HistoryEntry {
    /// The version as documents show it: unreleased work names its commit,
    /// `0.2+1 (40872e9)`; releases and uncommitted edits show the version alone.
    pub fn label(&self) -> String {
        match (&self.tag, &self.commit) {
            (None, Some(commit)) => format!("{} ({})", self.version, &commit[..commit.len().min(7)]),
            _ => self.version.clone(),
        }
    }
}

/// A document's revision history, newest entry first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct History {
    /// Which document.
    pub document: DocKind,
    /// Newest first.
    pub entries: Vec<HistoryEntry>,
    /// True when the repository is shallow and earlier history is not available.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// For the analysis: when each threat, by id, was last reviewed. Not part of the
    /// history's JSON shape; the analysis shows it in each threat's section.
    #[serde(skip)]
    pub reviews: BTreeMap<String, Review>,
}

/// When a threat was last reviewed: the newest change of its file, named by the entry of
/// the analysis's history that covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// The version of that entry: `0.3`, `0.3+2`, or `0.3+dirty` for uncommitted edits.
    pub version: String,
    /// The date of the change, `YYYY-MM-DD` (UTC).
    pub date: String,
}

impl Review {
    /// As a threat's section words it: `0.3, 2025-03-01`.
    pub fn label(&self) -> String {
        format!("{}, {}", self.version, self.date)
    }
}

impl History {
    /// A history without reviews.
    pub fn new(document: DocKind, entries: Vec<HistoryEntry>, truncated: bool) -> History {
        History { document, entries, truncated, reviews: BTreeMap::new() }
    }

    /// Whether the newest entry is a release, i.e. the build is exactly at a release.
    pub fn is_release(&self) -> bool {
        self.entries.first().is_some_and(|e| e.tag.is_some())
    }
}
