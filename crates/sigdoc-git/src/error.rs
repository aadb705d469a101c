//! Why reading the repository failed, each with a one-line message and a hint.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Everything that can go wrong while reading a repository.
///
/// Every variant names the user's input (a path, a revision, a pattern) so that the
/// message alone tells what to fix; git2's own errors are wrapped with what sigdoc was
/// doing at the time.
#[derive(Debug)]
#[non_exhaustive]
pub enum GitError {
    /// No git repository at (or, for discovery, above) a path.
    NotARepository {
        /// The path that was searched from.
        path: PathBuf,
        /// libgit2's explanation.
        message: String,
    },
    /// The repository has no working tree, so there is nothing uncommitted to read.
    Bare {
        /// The repository's git directory.
        path: PathBuf,
    },
    /// The repository has no commit yet (HEAD is unborn).
    NoCommits {
        /// The repository's git directory.
        path: PathBuf,
    },
    /// A revision that names nothing in the repository, or is ambiguous.
    UnknownRevision {
        /// What the user asked for.
        rev: String,
        /// libgit2's explanation.
        message: String,
    },
    /// A revision that names an object other than a commit (a tree, a blob).
    NotACommit {
        /// What the user asked for.
        rev: String,
        /// The kind of object it names.
        kind: String,
    },
    /// The documents folder does not exist (or is not a folder) at a revision.
    NoDocuments {
        /// The documents folder relative to the repository root.
        root: String,
        /// The revision as the user gave it, `None` for the working tree.
        rev: Option<String>,
    },
    /// The documents folder is a symbolic link, which sigdoc never follows: it could lead
    /// anywhere on the machine.
    LinkedRoot {
        /// The documents folder relative to the repository root.
        root: String,
        /// The revision as the user gave it, `None` for the working tree.
        rev: Option<String>,
    },
    /// The documents folder is not a relative path inside the repository.
    InvalidRoot {
        /// The folder as given.
        root: String,
    },
    /// A release tag pattern that is not a valid glob.
    InvalidTagPattern {
        /// The pattern as given.
        pattern: String,
        /// Why it is invalid.
        message: String,
    },
    /// Reading a file of the working tree failed.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// libgit2 failed while reading the repository (a corrupt object, a missing pack).
    Git {
        /// What sigdoc was doing.
        context: &'static str,
        /// libgit2's explanation.
        message: String,
    },
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitError::NotARepository { path, message } => write!(
                f,
                "no git repository at {} ({message}); hint: run sigdoc inside a git repository or pass --repo PATH",
                path.display()
            ),
            GitError::Bare { path } => write!(
                f,
                "the repository {} is bare and has no working tree; hint: pass --rev REV to read a revision",
                path.display()
            ),
            GitError::NoCommits { path } => {
                write!(f, "the repository {} has no commits yet; hint: commit the documents first", path.display())
            }
            GitError::UnknownRevision { rev, message } => write!(
                f,
                "unknown revision `{rev}` ({message}); hint: use a commit id, a branch or a tag (`git tag --list`)"
            ),
            GitError::NotACommit { rev, kind } => {
                write!(f, "revision `{rev}` names a {kind}, not a commit; hint: use a commit id, a branch or a tag")
            }
            GitError::NoDocuments { root, rev } => {
                match rev {
                    Some(rev) => write!(f, "there is no folder `{root}` at revision `{rev}`")?,
                    None => write!(f, "there is no folder `{root}` in the working tree")?,
                }
                write!(f, "; hint: pass --root DIR if the documents live elsewhere")
            }
            GitError::LinkedRoot { root, rev } => {
                match rev {
                    Some(rev) => write!(f, "`{root}` is a symbolic link at revision `{rev}`")?,
                    None => write!(f, "`{root}` (or a folder above it) is a symbolic link in the working tree")?,
                }
                write!(f, "; sigdoc reads only a real folder of the repository; hint: commit the documents themselves")
            }
            GitError::InvalidRoot { root } => write!(
                f,
                "the documents folder `{root}` is not a relative path inside the repository; hint: pass --root with a path such as `documents`"
            ),
            GitError::InvalidTagPattern { pattern, message } => {
                write!(f, "invalid release tag pattern `{pattern}` ({message}); hint: use a glob such as `v*`")
            }
            GitError::Io { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            GitError::Git { context, message } => write!(f, "git error while {context}: {message}"),
        }
    }
}

impl std::error::Error for GitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GitError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Wraps a libgit2 error with what sigdoc was doing, for `map_err`.
pub(crate) fn git(context: &'static str) -> impl FnOnce(git2::Error) -> GitError {
    move |e| GitError::Git { context, message: e.message().to_owned() }
}

/// Wraps an I/O error with the path it concerns, for `map_err`.
pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> GitError {
    let path = path.into();
    move |source| GitError::Io { path, source }
}
