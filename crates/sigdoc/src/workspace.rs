//! Resolving the command line once into what every command reads: the repository, a
//! snapshot of the documents at one revision, the loaded deliverables, their histories.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use sigdoc_git::{HistoryAt, HistoryOptions, KnownAuthor, LastChange, Repo};
use sigdoc_model::{Deliverables, DocKind, History, LoadCache, Loaded, Sig, Snapshot};

use crate::environment::Environment;
use crate::error::Error;
use crate::output::Places;

/// Where sigdoc reads, decided once from the request: the repository, the documents
/// folder inside it, the directory paths are relative to, and the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The repository as given (relative to `cwd`); `None` to find the one containing `cwd`.
    pub repo: Option<PathBuf>,
    /// The documents folder inside the repository.
    pub root: String,
    /// The directory relative paths start from.
    pub cwd: PathBuf,
    /// The environment read once by the front end.
    pub env: Environment,
}

/// The documents at one revision, loaded and checked.
pub struct Workspace {
    /// The repository read.
    pub repo: Repo,
    /// The documents folder inside it.
    pub root: String,
    /// The environment's say (the date of working-tree builds).
    pub env: Environment,
    /// `Some(rev)` for git objects, `None` for the working tree.
    pub rev: Option<String>,
    /// The files read.
    pub snapshot: Snapshot,
    /// The deliverables and every problem found in them, loaded when first asked for:
    /// a history needs only `sig.yaml`.
    loaded: OnceLock<Loaded>,
    /// The newest change of each threat's file, read once for freshness and reviews.
    changes: OnceLock<Changes>,
    /// Threat files read by an earlier load (a watch's), to take the unchanged ones from.
    load_cache: Option<Arc<LoadCache>>,
}

/// Each threat's newest change (see [`crate::freshness::last_changes`]).
type Changes = BTreeMap<String, Option<LastChange>>;

impl Workspace {
    /// Opens the repository (given or discovered) and reads the documents' files at `rev`,
    /// or in the working tree.
    pub fn open(settings: &Settings, rev: Option<&str>) -> Result<Workspace, Error> {
        Workspace::read(open_repo(settings)?, settings, rev)
    }

    /// The working tree, or HEAD in a bare repository: the current settings (`sig.yaml`'s
    /// release tag pattern) wherever there are any.
    pub fn open_current(settings: &Settings) -> Result<Workspace, Error> {
        let repo = open_repo(settings)?;
        let rev = if repo.workdir().is_none() { Some("HEAD") } else { None };
        Workspace::read(repo, settings, rev)
    }

    fn read(repo: Repo, settings: &Settings, rev: Option<&str>) -> Result<Workspace, Error> {
        let root = settings.root.as_str();
        let snapshot = match rev {
            Some(rev) => repo.snapshot_at(rev, root)?,
            None => repo.snapshot_worktree(root)?,
        };
        Ok(Workspace {
            repo,
            root: root.to_owned(),
            env: settings.env,
            rev: rev.map(str::to_owned),
            snapshot,
            loaded: OnceLock::new(),
            changes: OnceLock::new(),
            load_cache: None,
        })
    }

    /// This workspace, loading its threat files through `cache`: those unchanged since
    /// the cache's last load are not read again.
    pub fn with_load_cache(mut self, cache: Arc<LoadCache>) -> Workspace {
        self.load_cache = Some(cache);
        self
    }

    /// The deliverables, loaded and checked, with every problem found in them.
    pub fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(|| self.load())
    }

    /// Loads and checks the documents, then adds what only the repository knows: the
    /// threats no recent release revisited, when the process asks for freshness.
    fn load(&self) -> Loaded {
        let mut loaded = load(&self.snapshot, self.load_cache.as_deref());
        // Freshness is advice: a history that cannot be read leaves it out, and the
        // commands that read history say why.
        let stale = self.last_changes().and_then(|changes| {
            crate::freshness::stale_threats(&self.repo, &self.snapshot, &loaded.deliverables, changes)
        });
        if let Ok(stale) = stale {
            loaded.diagnostics.extend(stale);
        }
        sigdoc_model::sort_diagnostics(&mut loaded.diagnostics);
        loaded
    }

    /// The loaded deliverables, for keeping after the workspace is gone.
    pub fn into_loaded(self) -> Loaded {
        if self.loaded.get().is_none() {
            return self.load();
        }
        let snapshot = self.snapshot;
        self.loaded.into_inner().unwrap_or_else(|| load(&snapshot, None))
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
    pub fn histories(&self, docs: &[DocKind]) -> Result<Vec<History>, Error> {
        let sig = self.sig();
        let options = HistoryOptions {
            tag_pattern: sig.tags.clone(),
            authors: sig
                .authors
                .iter()
                .map(|a| KnownAuthor { name: a.name.clone(), email: a.email.clone(), initials: a.initials.clone() })
                .collect(),
            source_date_epoch: self.env.source_date_epoch,
        };
        let at = match &self.rev {
            Some(rev) => HistoryAt::Rev(rev),
            None => HistoryAt::WorkingTree,
        };
        let mut histories = self.repo.histories(docs, at, &self.root, &options)?;
        for history in histories.iter_mut().filter(|h| h.document == DocKind::Analysis) {
            history.reviews = crate::freshness::reviews(self.last_changes()?, history);
        }
        Ok(histories)
    }

    /// Each threat's newest change at this revision, read from the repository once.
    fn last_changes(&self) -> Result<&Changes, Error> {
        if let Some(changes) = self.changes.get() {
            return Ok(changes);
        }
        let changes = crate::freshness::last_changes(&self.repo, &self.snapshot)?;
        Ok(self.changes.get_or_init(|| changes))
    }

    /// The time the PDFs are dated: `SOURCE_DATE_EPOCH` for working-tree builds if set,
    /// else the revision's commit time, never the clock.
    pub fn timestamp(&self) -> i64 {
        let epoch = self.env.source_date_epoch;
        let time = match (&self.rev, epoch) {
            (None, Some(epoch)) => epoch,
            _ => self.snapshot.time().or(epoch).unwrap_or(0),
        };
        sigdoc_model::clamp_time(time)
    }
}

/// The repository given (relative to the settings' directory), or the one containing it.
pub fn open_repo(settings: &Settings) -> Result<Repo, Error> {
    Ok(match &settings.repo {
        Some(path) => Repo::open(&settings.cwd.join(path))?,
        None => Repo::discover(&settings.cwd)?,
    })
}

/// Loads and checks the documents, adding the characters the house fonts cannot print.
fn load(snapshot: &Snapshot, cache: Option<&LoadCache>) -> Loaded {
    let mut loaded = Deliverables::load_cached(snapshot, cache);
    // The model knows no fonts; which characters print is the renderer's to say.
    let fonts = sigdoc_render::shared_fonts();
    loaded.diagnostics.extend(crate::coverage::font_coverage(snapshot, |c| sigdoc_render::font_covers(fonts, c)));
    sigdoc_model::sort_diagnostics(&mut loaded.diagnostics);
    loaded
}
