//! Resolving the command line once into what every command reads: the repository, a
//! snapshot of the documents at one revision, the loaded deliverables, their histories.

use std::path::Path;

use sigdoc_git::{HistoryAt, HistoryOptions, KnownAuthor, Repo};
use sigdoc_model::{Deliverables, DocKind, History, Loaded, Snapshot};

use crate::error::CliError;

/// The documents at one revision, loaded and checked.
pub struct Workspace {
    /// The repository read.
    pub repo: Repo,
    /// The documents folder inside it.
    pub root: String,
    /// `Some(rev)` for git objects, `None` for the working tree.
    pub rev: Option<String>,
    /// The files read.
    pub snapshot: Snapshot,
    /// The deliverables and every problem found in them.
    pub loaded: Loaded,
}

impl Workspace {
    /// Opens the repository (given or discovered from `cwd`) and reads the documents.
    pub fn open(repo: Option<&Path>, cwd: &Path, root: &str, rev: Option<&str>) -> Result<Workspace, CliError> {
        let repo = match repo {
            Some(path) => Repo::open(&cwd.join(path))?,
            None => Repo::discover(cwd)?,
        };
        let snapshot = match rev {
            Some(rev) => repo.snapshot_at(rev, root)?,
            None => repo.snapshot_worktree(root)?,
        };
        let mut loaded = Deliverables::load(&snapshot);
        // The model knows no fonts; which characters print is the renderer's to say.
        let fonts = sigdoc_render::shared_fonts();
        loaded
            .diagnostics
            .extend(crate::cmd::check::font_coverage(&snapshot, |c| sigdoc_render::font_covers(fonts, c)));
        sigdoc_model::sort_diagnostics(&mut loaded.diagnostics);
        Ok(Workspace { repo, root: root.to_owned(), rev: rev.map(str::to_owned), snapshot, loaded })
    }

    /// The loaded deliverables.
    pub fn deliverables(&self) -> &Deliverables {
        &self.loaded.deliverables
    }

    /// The histories of some documents at this revision.
    pub fn histories(&self, docs: &[DocKind]) -> Result<Vec<History>, CliError> {
        let sig = &self.deliverables().sig;
        let options = HistoryOptions {
            tag_pattern: sig.tags.clone(),
            authors: sig
                .authors
                .iter()
                .map(|a| KnownAuthor { name: a.name.clone(), email: a.email.clone(), initials: a.initials.clone() })
                .collect(),
            ..HistoryOptions::default()
        };
        let at = match &self.rev {
            Some(rev) => HistoryAt::Rev(rev),
            None => HistoryAt::WorkingTree,
        };
        Ok(self.repo.histories(docs, at, &self.root, &options)?)
    }

    /// The time the PDFs are dated: `SOURCE_DATE_EPOCH` for working-tree builds if set,
    /// else the revision's commit time, never the clock.
    pub fn timestamp(&self) -> i64 {
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.trim().parse::<i64>().ok());
        match (&self.rev, epoch) {
            (None, Some(epoch)) => epoch,
            _ => self.snapshot.time().or(epoch).unwrap_or(0),
        }
    }
}

/// Parses `--only` and `history DOC` names.
pub fn parse_docs(names: &[String]) -> Result<Vec<DocKind>, CliError> {
    if names.is_empty() {
        return Ok(DocKind::ALL.to_vec());
    }
    let mut docs = Vec::new();
    for name in names {
        let doc = DocKind::from_name(name.trim()).ok_or_else(|| {
            CliError::Usage(format!("unknown document \"{name}\" (expected one of: process, template, analysis)"))
        })?;
        if !docs.contains(&doc) {
            docs.push(doc);
        }
    }
    docs.sort();
    Ok(docs)
}
