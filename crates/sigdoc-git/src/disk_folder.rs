//! The documents folder as it is on disk, uncommitted edits included.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sigdoc_model::MAX_FILE_SIZE;

use crate::error::{git, io as io_err};
use crate::paths::{LinkProblem, Node, join};
use crate::reading::{Entry, Folder, Kind};
use crate::tree_folder::MAX_LINK_TARGET;
use crate::{GitError, Repo};

/// A documents folder read from the working tree.
pub(crate) struct DiskFolder<'a> {
    pub repo: &'a Repo,
    /// The documents folder relative to the working tree.
    pub root: &'a str,
    /// The documents folder on disk.
    pub base: PathBuf,
    /// `base` with every link resolved, to check where a link really lands.
    pub canonical_base: PathBuf,
    /// Paths (relative to the repository) that git tracks, and their folders: an ignore
    /// rule never hides a tracked file.
    pub tracked: HashSet<String>,
}

impl DiskFolder<'_> {
    /// Whether git ignores an untracked path (relative to the documents folder).
    fn ignored(&self, path: &str) -> Result<bool, GitError> {
        let in_repo = join(self.root, path);
        if self.tracked.contains(&in_repo) {
            return Ok(false);
        }
        self.repo.repo.is_path_ignored(&in_repo).map_err(git("reading .gitignore rules"))
    }
}

impl Folder for DiskFolder<'_> {
    type Id = PathBuf;

    fn list(&self, folder: &str, _id: Option<&PathBuf>, limit: usize) -> Result<Vec<Entry<PathBuf>>, GitError> {
        let dir = self.base.join(folder);
        // Only folders the listing above found are listed: one gone since is an error.
        let listing = fs::read_dir(&dir).map_err(io_err(&dir))?;
        let mut entries = Vec::new();
        for entry in listing {
            if entries.len() == limit {
                break;
            }
            let entry = entry.map_err(io_err(&dir))?;
            let name = entry.file_name().as_encoded_bytes().to_vec();
            // A nested repository's git directory, or the repository's own when the
            // documents folder is the repository root.
            if name == b".git" {
                continue;
            }
            // A name that is not UTF-8 cannot be matched by ignore rules; it is reported.
            if let Ok(text) = std::str::from_utf8(&name)
                && self.ignored(&join(folder, text))?
            {
                continue;
            }
            let file_type = entry.file_type().map_err(io_err(entry.path()))?;
            let kind = if file_type.is_symlink() {
                Kind::Link
            } else if file_type.is_dir() {
                Kind::Folder
            } else if file_type.is_file() {
                Kind::File
            } else {
                // Sockets, pipes and devices are never documents (and reading a pipe blocks).
                Kind::Other
            };
            entries.push(Entry { name, kind, id: entry.path() });
        }
        Ok(entries)
    }

    fn size(&self, id: &PathBuf) -> Result<u64, GitError> {
        Ok(fs::metadata(id).map_err(io_err(id))?.len())
    }

    fn read(&self, id: &PathBuf) -> Result<Option<Vec<u8>>, GitError> {
        read_limited(id).map_err(io_err(id))
    }

    fn target(&self, id: &PathBuf) -> Result<Option<String>, GitError> {
        let target = fs::read_link(id).map_err(io_err(id))?;
        Ok(target.into_os_string().into_string().ok().filter(|t| t.len() as u64 <= MAX_LINK_TARGET))
    }

    fn node(&self, path: &str) -> Node {
        if path.is_empty() {
            return Node::Folder;
        }
        let full = self.base.join(path);
        match fs::symlink_metadata(&full) {
            Ok(meta) if meta.file_type().is_symlink() => {
                Node::Link(fs::read_link(&full).ok().and_then(|t| t.into_os_string().into_string().ok()))
            }
            Ok(meta) if meta.is_dir() => Node::Folder,
            Ok(meta) if meta.is_file() => Node::File,
            _ => Node::Missing,
        }
    }

    /// Lexically inside is not enough on disk: a folder on the way may itself be a link
    /// to elsewhere, so the real path must lie inside the real documents folder.
    fn resolved(&self, path: &str) -> Result<PathBuf, LinkProblem> {
        match fs::canonicalize(self.base.join(path)) {
            Ok(real) if real.starts_with(&self.canonical_base) && real.is_file() => Ok(real),
            Ok(_) => Err(LinkProblem::Outside(path.to_owned())),
            Err(_) => Err(LinkProblem::Dangling(path.to_owned())),
        }
    }
}

/// Reads a file unless it is over [`MAX_FILE_SIZE`] (`None`); never reads more than the
/// limit and a byte, whatever size the file claims or grows to meanwhile.
fn read_limited(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let mut content = Vec::new();
    fs::File::open(path)?.take(MAX_FILE_SIZE + 1).read_to_end(&mut content)?;
    Ok((content.len() as u64 <= MAX_FILE_SIZE).then_some(content))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound holds even where the size looked up before reading was wrong (a file
    /// that grew in between).
    #[test]
    fn reading_stops_a_byte_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let limit = usize::try_from(MAX_FILE_SIZE).unwrap();
        let exact = dir.path().join("exact");
        fs::write(&exact, vec![b'x'; limit]).unwrap();
        assert_eq!(read_limited(&exact).unwrap().map(|c| c.len()), Some(limit));
        let over = dir.path().join("over");
        fs::write(&over, vec![b'x'; limit + 1]).unwrap();
        assert_eq!(read_limited(&over).unwrap(), None);
    }
}
