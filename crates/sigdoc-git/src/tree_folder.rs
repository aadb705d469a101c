//! The documents folder as a commit's tree: git objects only, never the working tree.

use std::path::Path;

use git2::{ObjectType, Odb, Oid, Repository, Tree};
use sigdoc_model::MAX_FILE_SIZE;

use crate::GitError;
use crate::error::git;
use crate::paths::{LinkProblem, Node};
use crate::reading::{Entry, Folder, Kind};

/// The longest link target read: Linux's `PATH_MAX`.
pub(crate) const MAX_LINK_TARGET: u64 = 4096;

/// Git's file mode of a symbolic link.
const MODE_LINK: i32 = 0o120000;

/// A documents folder read from git objects.
pub(crate) struct TreeFolder<'r> {
    pub repo: &'r Repository,
    pub odb: Odb<'r>,
    /// The documents folder's tree.
    pub tree: Tree<'r>,
}

/// What a tree entry's mode and object type make it.
fn kind_of(kind: Option<ObjectType>, mode: i32) -> Kind {
    match kind {
        Some(ObjectType::Tree) => Kind::Folder,
        Some(ObjectType::Blob) if mode == MODE_LINK => Kind::Link,
        Some(ObjectType::Blob) => Kind::File,
        // Submodules (commits) are other repositories' business.
        _ => Kind::Other,
    }
}

impl TreeFolder<'_> {
    /// The entry at a path inside the documents folder, `None` when there is none (or
    /// the path leads through an object that cannot be read: nothing to serve either way).
    fn entry(&self, path: &str) -> Option<git2::TreeEntry<'static>> {
        self.tree.get_path(Path::new(path)).ok()
    }
}

impl Folder for TreeFolder<'_> {
    type Id = Oid;

    /// A folder is found by the id its parent listed, not by name: a crafted tree's
    /// entries may be out of order, where lookups by name miss.
    fn list(&self, _folder: &str, id: Option<&Oid>, limit: usize) -> Result<Vec<Entry<Oid>>, GitError> {
        let sub;
        let tree = match id {
            None => &self.tree,
            Some(id) => {
                sub = self.repo.find_tree(*id).map_err(git("reading a folder of the documents"))?;
                &sub
            }
        };
        Ok(tree
            .iter()
            .take(limit)
            .map(|e| Entry { name: e.name_bytes().to_vec(), kind: kind_of(e.kind(), e.filemode()), id: e.id() })
            .collect())
    }

    /// Read from the object's header, so that a huge blob is never inflated.
    fn size(&self, id: &Oid) -> Result<u64, GitError> {
        let (size, _) = self.odb.read_header(*id).map_err(git("reading a file of the documents"))?;
        Ok(size as u64)
    }

    fn read(&self, id: &Oid) -> Result<Option<Vec<u8>>, GitError> {
        if self.size(id)? > MAX_FILE_SIZE {
            return Ok(None);
        }
        let object = self.odb.read(*id).map_err(git("reading a file of the documents"))?;
        let data = object.data();
        Ok((data.len() as u64 <= MAX_FILE_SIZE).then(|| data.to_vec()))
    }

    fn target(&self, id: &Oid) -> Result<Option<String>, GitError> {
        // A link's blob is its target; one longer than any path names nothing.
        if self.size(id)? > MAX_LINK_TARGET {
            return Ok(None);
        }
        Ok(self.read(id)?.and_then(|t| String::from_utf8(t).ok()))
    }

    fn node(&self, path: &str) -> Node {
        if path.is_empty() {
            return Node::Folder;
        }
        match self.entry(path) {
            Some(entry) => match kind_of(entry.kind(), entry.filemode()) {
                Kind::File => Node::File,
                Kind::Folder => Node::Folder,
                Kind::Link => Node::Link(self.target(&entry.id()).ok().flatten()),
                Kind::Other => Node::Missing,
            },
            None => Node::Missing,
        }
    }

    /// Git objects cannot change under the reader: the file `node` found is the file.
    fn resolved(&self, path: &str) -> Result<Oid, LinkProblem> {
        self.entry(path).map(|entry| entry.id()).ok_or_else(|| LinkProblem::Dangling(path.to_owned()))
    }
}
