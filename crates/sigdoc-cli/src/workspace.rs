//! Resolving the command line once into what every command reads: the repository, a
//! snapshot of the documents at one revision, the loaded deliverables, their histories.

use std::borrow::Cow;
use std::path::Path;
use std::sync::OnceLock;

use sigdoc_git::{HistoryAt, HistoryOptions, KnownAuthor, Repo};
use sigdoc_model::{Deliverables, DocKind, History, Loaded, Sig, Snapshot};

use crate::error::CliError;
use crate::output::Places;

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
    /// The deliverables and every problem found in them, loaded when first asked for:
    /// a history needs only `sig.yaml`.
    loaded: OnceLock<Loaded>,
}

impl Workspace {
    /// Opens the repository (given or discovered from `cwd`) and reads the documents' files.
    pub fn open(repo: Option<&Path>, cwd: &Path, root: &str, rev: Option<&str>) -> Result<Workspace, CliError> {
        Workspace::read(open_repo(repo, cwd)?, root, rev)
    }

    /// The working tree, or HEAD in a bare repository: the current settings (`sig.yaml`'s
    /// release tag pattern) wherever there are any.
    pub fn open_current(repo: Option<&Path>, cwd: &Path, root: &str) -> Result<Workspace, CliError> {
        let repo = open_repo(repo, cwd)?;
        let rev = if repo.workdir().is_none() { Some("HEAD") } else { None };
        Workspace::read(repo, root, rev)
    }

    fn read(repo: Repo, root: &str, rev: Option<&str>) -> Result<Workspace, CliError> {
        let snapshot = match rev {
            Some(rev) => repo.snapshot_at(rev, root)?,
            None => repo.snapshot_worktree(root)?,
        };
        Ok(Workspace { repo, root: root.to_owned(), rev: rev.map(str::to_owned), snapshot, loaded: OnceLock::new() })
    }

    /// The deliverables, loaded and checked, with every problem found in them.
    pub fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(|| load(&self.snapshot))
    }

    /// The loaded deliverables, for keeping after the workspace is gone.
    pub fn into_loaded(self) -> Loaded {
        let snapshot = &self.snapshot;
        self.loaded.into_inner().unwrap_or_else(|| load(snapshot))
    }

    /// The places no output may go: the git directory, the documents folder.
    pub fn places(&self) -> Places {
        Places::of(&self.repo, &self.root)
    }

    /// The loaded deliverables.
    pub fn deliverables(&self) -> &Deliverables {
        &self.loaded().deliverables
    }

    /// The group's settings: from the loaded deliverables if they were loaded, else
    /// read from `sig.yaml` alone.
    fn sig(&self) -> Cow<'_, Sig> {
        match self.loaded.get() {
            Some(loaded) => Cow::Borrowed(&loaded.deliverables.sig),
            None => Cow::Owned(Deliverables::load_sig(&self.snapshot)),
        }
    }

    /// The histories of some documents at this revision.
    pub fn histories(&self, docs: &[DocKind]) -> Result<Vec<History>, CliError> {
        let sig = self.sig();
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
        let time = match (&self.rev, epoch) {
            (None, Some(epoch)) => epoch,
            _ => self.snapshot.time().or(epoch).unwrap_or(0),
        };
        sigdoc_model::clamp_time(time)
    }
}

/// The repository at `repo` (relative to `cwd`), or the one containing `cwd`.
fn open_repo(repo: Option<&Path>, cwd: &Path) -> Result<Repo, CliError> {
    Ok(match repo {
        Some(path) => Repo::open(&cwd.join(path))?,
        None => Repo::discover(cwd)?,
    })
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

/// Loads and checks the documents, adding the characters the house fonts cannot print.
fn load(snapshot: &Snapshot) -> Loaded {
    let mut loaded = Deliverables::load(snapshot);
    // The model knows no fonts; which characters print is the renderer's to say.
    let fonts = sigdoc_render::shared_fonts();
    loaded.diagnostics.extend(crate::cmd::check::font_coverage(snapshot, |c| sigdoc_render::font_covers(fonts, c)));
    sigdoc_model::sort_diagnostics(&mut loaded.diagnostics);
    loaded
}
