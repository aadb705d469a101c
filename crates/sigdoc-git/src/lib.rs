//! Reads the documents and their history from git: the only crate that names git2.
//!
//! Everything that leaves this crate is a plain owned struct ([`Snapshot`], [`History`],
//! [`ReleaseTag`], [`Resolved`]), so the model, the renderer and the command line are
//! testable without repositories. Nothing here writes to the repository: no index, ref
//! or object is ever changed.
//!
//! [`Snapshot`]: sigdoc_model::Snapshot
//! [`History`]: sigdoc_model::History

mod changes;
mod disk_folder;
mod error;
mod history;
mod paths;
mod reading;
mod snapshot;
mod tags;
mod text;
mod tree_folder;

use std::path::{Path, PathBuf};

use git2::{ErrorCode, ObjectType, Repository, RepositoryOpenFlags};

pub use changes::LastChange;
pub use error::GitError;
pub use history::{HistoryAt, HistoryOptions, KnownAuthor};
pub use tags::{ReleaseTag, ReleaseTags, SkippedTag, compare_versions};
pub use text::format_date;

use error::git;

/// An open git repository, read-only.
///
/// Wraps a `git2::Repository`; it is `Send` but not `Sync`, so share it between threads
/// through a `Mutex` or read what is needed up front.
pub struct Repo {
    repo: Repository,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("path", &self.repo.path()).finish()
    }
}

/// A revision resolved to a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// What the user asked for (`v0.2`, `HEAD~1`, `main`, a short id).
    pub rev: String,
    /// Full hexadecimal id of the commit.
    pub commit: String,
    /// Committer time of the commit, seconds since the Unix epoch (UTC).
    pub time: i64,
    /// The tag's short name when `rev` named a tag (`v0.2`), else `None`.
    pub tag: Option<String>,
}

impl Resolved {
    /// The abbreviated commit id shown to people (`40872e9`).
    pub fn short(&self) -> &str {
        &self.commit[..self.commit.len().min(7)]
    }
}

/// sigdoc only reads, as `git log` does, and like git it trusts the object store rather
/// than re-hashing every object it inflates: that check alone cost a fifth of a history
/// walk. Set before any repository is opened.
fn reading_settings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        git2::opts::enable_caching(false);
    });
}

impl Repo {
    /// Opens the repository that contains `start` (the folder itself or any parent).
    pub fn discover(start: &Path) -> Result<Repo, GitError> {
        reading_settings();
        Repository::discover(start)
            .map(|repo| Repo { repo })
            .map_err(|e| GitError::NotARepository { path: start.to_owned(), message: e.message().to_owned() })
    }

    /// Opens the repository at exactly `path` (its working tree or its git directory).
    pub fn open(path: &Path) -> Result<Repo, GitError> {
        reading_settings();
        Repository::open_ext(path, RepositoryOpenFlags::NO_SEARCH, std::iter::empty::<&std::ffi::OsStr>())
            .map(|repo| Repo { repo })
            .map_err(|e| GitError::NotARepository { path: path.to_owned(), message: e.message().to_owned() })
    }

    /// The working tree's folder, or `None` for a bare repository.
    pub fn workdir(&self) -> Option<PathBuf> {
        self.repo.workdir().map(Path::to_owned)
    }

    /// The git directory (`.git`).
    pub fn git_dir(&self) -> PathBuf {
        self.repo.path().to_owned()
    }

    /// The folders that hold the repository's own files: the git directory and, for a
    /// linked working tree, the common one it shares with the main working tree.
    pub fn git_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = vec![self.repo.path().to_owned()];
        if self.repo.commondir() != self.repo.path() {
            dirs.push(self.repo.commondir().to_owned());
        }
        dirs
    }

    /// Whether this is a shallow clone, whose earlier history is missing.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// Resolves a revision to a commit.
    ///
    /// Accepts everything `git rev-parse` does: full and short commit ids, branches,
    /// tags (annotated tags are peeled to their commit), `HEAD~1`, `main^2`.
    pub fn resolve(&self, rev: &str) -> Result<Resolved, GitError> {
        let (commit, tag) = self.resolve_commit(rev)?;
        Ok(Resolved { rev: rev.to_owned(), commit: commit.id().to_string(), time: commit.time().seconds(), tag })
    }

    /// The commit a revision names, and the tag's name if it named a tag.
    pub(crate) fn resolve_commit(&self, rev: &str) -> Result<(git2::Commit<'_>, Option<String>), GitError> {
        let (object, reference) = self.repo.revparse_ext(rev).map_err(|e| {
            if self.head_is_unborn() && (rev == "HEAD" || rev == "@") {
                GitError::NoCommits { path: self.repo.path().to_owned() }
            } else {
                GitError::UnknownRevision { rev: rev.to_owned(), message: e.message().to_owned() }
            }
        })?;
        let tag = reference.filter(git2::Reference::is_tag).and_then(|r| r.shorthand().ok().map(str::to_owned));
        // Peeled as release tags are, so that a revision and the tag list agree on
        // what a chain of tags leads to.
        let target = tags::peel_tags(object)
            .map_err(|problem| GitError::NotACommit { rev: rev.to_owned(), kind: problem.to_string() })?;
        match target.peel_to_commit() {
            Ok(commit) => Ok((commit, tag)),
            Err(_) => {
                let kind = match target.kind() {
                    Some(ObjectType::Tree) => "tree",
                    Some(ObjectType::Blob) => "file (blob)",
                    _ => "non-commit object",
                };
                Err(GitError::NotACommit { rev: rev.to_owned(), kind: kind.to_owned() })
            }
        }
    }

    /// HEAD's commit, or `None` while HEAD is unborn (no commit yet).
    pub(crate) fn head_commit(&self) -> Result<Option<git2::Commit<'_>>, GitError> {
        match self.repo.head() {
            Ok(head) => head.peel_to_commit().map(Some).map_err(git("reading HEAD")),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(git("reading HEAD")(e)),
        }
    }

    fn head_is_unborn(&self) -> bool {
        matches!(self.repo.head(), Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound))
    }
}
