//! Why a request failed, and the exit status each reason maps to.

use sigdoc_git::GitError;
use sigdoc_render::RenderError;

/// A failed request.
#[derive(Debug)]
pub enum Error {
    /// The request was malformed: a usage error (exit 2).
    Usage(String),
    /// The documents have errors, already printed (exit 1).
    InvalidDocuments,
    /// Tags asked for are not release tags (exit 1).
    UnknownReleases {
        /// The tags asked for that are not releases.
        asked: Vec<String>,
        /// The glob of release tags.
        pattern: String,
        /// The release tags there are.
        known: Vec<String>,
    },
    /// The repository could not be read as asked (exit 1).
    Git(GitError),
    /// Writing output failed (exit 1).
    Io {
        /// What sigdoc was doing.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// Typesetting failed: a house-template bug (exit 255).
    Render(RenderError),
}

impl Error {
    /// The process exit status.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::InvalidDocuments | Error::UnknownReleases { .. } | Error::Git(_) | Error::Io { .. } => 1,
            Error::Render(_) => 255,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Usage(m) => write!(f, "{m}"),
            Error::InvalidDocuments => write!(f, "the documents have errors"),
            Error::UnknownReleases { asked, pattern, known } => {
                let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
                write!(f, "not a release tag matching \"{pattern}\": {}\nknown release tags: {known}", asked.join(", "))
            }
            Error::Git(e) => write!(f, "{e}"),
            Error::Io { what, source } => write!(f, "{what}: {source}"),
            Error::Render(e) => write!(f, "{e}\n(this is a bug in sigdoc's templates; please report it)"),
        }
    }
}

impl From<GitError> for Error {
    fn from(e: GitError) -> Self {
        Error::Git(e)
    }
}

impl From<RenderError> for Error {
    fn from(e: RenderError) -> Self {
        Error::Render(e)
    }
}
