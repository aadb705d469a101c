//! The files of the documents folder at one revision, as plain bytes.

use std::collections::BTreeMap;

use crate::Diagnostic;

/// Where a snapshot was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Git objects of one commit, never the working tree.
    Commit {
        /// What the user asked for (`v0.2`, `HEAD~1`, a commit id).
        rev: String,
        /// Full id of the commit it resolved to.
        commit: String,
        /// Committer time of that commit, seconds since the Unix epoch (UTC).
        time: i64,
        /// The tag's short name when `rev` named a tag (`v0.2`), else `None`.
        tag: Option<String>,
    },
    /// The working tree, uncommitted edits included.
    WorkingTree {
        /// Full id of HEAD, if the repository has a commit yet.
        head: Option<String>,
        /// Committer time of HEAD, seconds since the Unix epoch (UTC).
        head_time: Option<i64>,
        /// Whether any file of the documents folder differs from HEAD.
        dirty: bool,
    },
}

/// The files of the documents folder at one revision.
///
/// Paths are relative to the documents folder and use `/`. Reading is done up front so
/// that everything downstream (model, Typst world) is free of git and thread-safe.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The documents folder relative to the repository root (`documents`), used to name
    /// files in diagnostics.
    pub root: String,
    /// Where the files came from.
    pub source: Source,
    /// File contents by path relative to `root`.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Entries that were refused while reading (a symlink leaving the folder, a file
    /// over the size limit), reported with the documents' own problems.
    pub problems: Vec<Diagnostic>,
}

impl Snapshot {
    /// A snapshot of in-memory files, for tests and for the embedded example.
    pub fn from_files<P: Into<String>, C: Into<Vec<u8>>>(
        root: impl Into<String>,
        files: impl IntoIterator<Item = (P, C)>,
    ) -> Self {
        Self {
            root: root.into(),
            source: Source::WorkingTree { head: None, head_time: None, dirty: true },
            files: files.into_iter().map(|(p, c)| (p.into(), c.into())).collect(),
            problems: Vec::new(),
        }
    }

    /// The contents of a file, by path relative to the documents folder.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// The path of a file as shown to users: `documents/threats/x.yaml`.
    pub fn display_path(&self, path: &str) -> String {
        if self.root.is_empty() || self.root == "." {
            path.to_owned()
        } else {
            format!("{}/{path}", self.root.trim_end_matches('/'))
        }
    }

    /// The revision's date in seconds since the epoch: the commit's, else HEAD's.
    pub fn time(&self) -> Option<i64> {
        match &self.source {
            Source::Commit { time, .. } => Some(*time),
            Source::WorkingTree { head_time, .. } => *head_time,
        }
    }
}
