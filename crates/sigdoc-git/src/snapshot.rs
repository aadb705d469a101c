//! Snapshots of the documents folder: from a commit's tree, or from the working tree.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::path::Path;

use git2::{ErrorCode, ObjectType, Status, StatusOptions, Tree};
use sigdoc_model::{Snapshot, Source, sort_diagnostics};

use crate::disk_folder::DiskFolder;
use crate::error::{git, io as io_err};
use crate::paths::{join, normalize_root};
use crate::reading::read_documents;
use crate::tree_folder::TreeFolder;
use crate::{GitError, Repo};

/// Git's file mode of a symbolic link.
const MODE_LINK: i32 = 0o120000;

/// What the documents folder's path names in a commit.
pub(crate) enum DocumentsEntry<'r> {
    /// A folder.
    Folder(Tree<'r>),
    /// A symbolic link, never followed.
    Link,
    /// Nothing, or a file.
    Missing,
}

impl Repo {
    /// The files of the documents folder `root` at a revision, from git objects only.
    ///
    /// The working tree and the index are never looked at, so uncommitted edits do not
    /// show. Only the files the format names are read (see [`sigdoc_model::layout`]);
    /// refused names, files over [`sigdoc_model::MAX_FILE_SIZE`] and symbolic links
    /// leaving the folder are reported in `problems`. Submodules are skipped.
    pub fn snapshot_at(&self, rev: &str, root: &str) -> Result<Snapshot, GitError> {
        let root = normalize_root(root)?;
        let (commit, tag) = self.resolve_commit(rev)?;
        let source =
            Source::Commit { rev: rev.to_owned(), commit: commit.id().to_string(), time: commit.time().seconds(), tag };
        match self.documents_tree(&commit, &root)? {
            DocumentsEntry::Folder(tree) => self.read_tree(tree, root, source),
            DocumentsEntry::Link => Err(GitError::LinkedRoot { root, rev: Some(rev.to_owned()) }),
            DocumentsEntry::Missing => Err(GitError::NoDocuments { root, rev: Some(rev.to_owned()) }),
        }
    }

    /// The files of the documents folder `root` as they are on disk, uncommitted edits
    /// included, under the same rules as [`snapshot_at`](Self::snapshot_at).
    ///
    /// Files that git ignores and does not track are left out. A documents folder that is
    /// (or lies under) a symbolic link is refused. A file git sees as unchanged (its own
    /// comparison, with the checkout's filters such as `core.autocrlf`) is served as HEAD
    /// holds it, so that a clean checkout reads exactly like HEAD. The source records
    /// HEAD and whether any file differs from HEAD's.
    pub fn snapshot_worktree(&self, root: &str) -> Result<Snapshot, GitError> {
        self.worktree_and_head(root).map(|(worktree, _)| worktree)
    }

    /// The working tree's snapshot and HEAD's (empty if HEAD lacks the folder, `None`
    /// while HEAD is unborn), which history compares per document.
    pub(crate) fn worktree_and_head(&self, root: &str) -> Result<(Snapshot, Option<Snapshot>), GitError> {
        let root = normalize_root(root)?;
        let workdir = self.repo.workdir().ok_or_else(|| GitError::Bare { path: self.repo.path().to_owned() })?;
        let head = self.head_commit()?;
        let head_snapshot = match &head {
            Some(commit) => {
                let source = Source::Commit {
                    rev: "HEAD".to_owned(),
                    commit: commit.id().to_string(),
                    time: commit.time().seconds(),
                    tag: None,
                };
                Some(match self.documents_tree(commit, &root)? {
                    DocumentsEntry::Folder(tree) => self.read_tree(tree, root.clone(), source)?,
                    DocumentsEntry::Link | DocumentsEntry::Missing => {
                        Snapshot { root: root.clone(), source, files: BTreeMap::new(), problems: Vec::new() }
                    }
                })
            }
            None => None,
        };

        let base = real_folder(workdir, &root)?;
        let canonical_base = fs::canonicalize(&base).map_err(io_err(&base))?;
        let folder = DiskFolder { repo: self, root: &root, base, canonical_base, tracked: self.tracked_paths(&root)? };
        let mut snapshot = Snapshot {
            root: root.clone(),
            source: Source::WorkingTree { head: None, head_time: None, dirty: false },
            files: BTreeMap::new(),
            problems: Vec::new(),
        };
        read_documents(&folder, &mut snapshot)?;
        sort_diagnostics(&mut snapshot.problems);
        if let Some(head) = &head_snapshot {
            self.serve_unchanged_from_head(&folder.base, &mut snapshot, head)?;
        }

        let dirty = match &head_snapshot {
            Some(h) => h.files != snapshot.files || h.problems != snapshot.problems,
            None => !snapshot.files.is_empty() || !snapshot.problems.is_empty(),
        };
        snapshot.source = Source::WorkingTree {
            head: head.as_ref().map(|c| c.id().to_string()),
            head_time: head.as_ref().map(|c| c.time().seconds()),
            dirty,
        };
        Ok((snapshot, head_snapshot))
    }

    /// Replaces the disk's bytes of every file that git considers unchanged since HEAD
    /// by HEAD's: a checkout may have converted line endings (`core.autocrlf`, `eol`
    /// attributes), and git's own comparison, filters included, says whether that is
    /// all that differs. Files read through a link keep the disk's bytes: git compares
    /// the link, not what it points at.
    fn serve_unchanged_from_head(&self, base: &Path, snapshot: &mut Snapshot, head: &Snapshot) -> Result<(), GitError> {
        let regular: Vec<&String> = snapshot
            .files
            .keys()
            .filter(|path| head.files.contains_key(*path))
            .filter(|path| fs::symlink_metadata(base.join(path)).is_ok_and(|m| m.file_type().is_file()))
            .collect();
        if regular.is_empty() {
            return Ok(());
        }
        let mut options = StatusOptions::new();
        options
            .include_unmodified(true)
            .include_untracked(false)
            .include_ignored(false)
            .exclude_submodules(true)
            .disable_pathspec_match(true);
        for path in &regular {
            options.pathspec(join(&snapshot.root, path));
        }
        let statuses = self.repo.statuses(Some(&mut options)).map_err(git("comparing the working tree with HEAD"))?;
        let unchanged: HashSet<String> = statuses
            .iter()
            .filter(|entry| entry.status() == Status::CURRENT)
            .filter_map(|entry| entry.path().ok().map(str::to_owned))
            .collect();
        for (path, content) in &mut snapshot.files {
            if unchanged.contains(&join(&snapshot.root, path))
                && let Some(committed) = head.files.get(path)
            {
                content.clone_from(committed);
            }
        }
        Ok(())
    }

    /// What the documents folder's path is in a commit.
    pub(crate) fn documents_tree<'r>(
        &'r self,
        commit: &git2::Commit<'r>,
        root: &str,
    ) -> Result<DocumentsEntry<'r>, GitError> {
        let tree = commit.tree().map_err(git("reading a commit's tree"))?;
        if root.is_empty() {
            return Ok(DocumentsEntry::Folder(tree));
        }
        match tree.get_path(Path::new(root)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => {
                self.repo.find_tree(entry.id()).map(DocumentsEntry::Folder).map_err(git("reading the documents folder"))
            }
            Ok(entry) if entry.filemode() == MODE_LINK => Ok(DocumentsEntry::Link),
            Ok(_) => Ok(DocumentsEntry::Missing),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(DocumentsEntry::Missing),
            Err(e) => Err(git("looking up the documents folder")(e)),
        }
    }

    /// Reads the files of a documents tree into a snapshot.
    fn read_tree(&self, tree: Tree<'_>, root: String, source: Source) -> Result<Snapshot, GitError> {
        let odb = self.repo.odb().map_err(git("opening the object database"))?;
        let folder = TreeFolder { repo: &self.repo, odb, tree };
        let mut snapshot = Snapshot { root, source, files: BTreeMap::new(), problems: Vec::new() };
        read_documents(&folder, &mut snapshot)?;
        sort_diagnostics(&mut snapshot.problems);
        Ok(snapshot)
    }

    /// Paths (relative to the repository) in the index under the documents folder, and
    /// their folders: an ignore rule never hides a tracked file.
    fn tracked_paths(&self, root: &str) -> Result<HashSet<String>, GitError> {
        let index = self.repo.index().map_err(git("reading the index"))?;
        let mut tracked = HashSet::new();
        for entry in index.iter() {
            let path = String::from_utf8_lossy(&entry.path).into_owned();
            if !root.is_empty() && !path.starts_with(&format!("{root}/")) {
                continue;
            }
            let mut folder = path.as_str();
            while let Some((parent, _)) = folder.rsplit_once('/') {
                tracked.insert(parent.to_owned());
                folder = parent;
            }
            tracked.insert(path);
        }
        Ok(tracked)
    }
}

/// The documents folder on disk, refused when it or a folder between it and the working
/// tree is a symbolic link: that could lead anywhere on the machine, while git objects
/// can only ever hold the link itself.
fn real_folder(workdir: &Path, root: &str) -> Result<std::path::PathBuf, GitError> {
    let missing = || GitError::NoDocuments { root: if root.is_empty() { ".".into() } else { root.into() }, rev: None };
    let mut path = workdir.to_owned();
    for part in root.split('/').filter(|p| !p.is_empty()) {
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(GitError::LinkedRoot { root: root.to_owned(), rev: None });
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(missing()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(missing()),
            Err(e) => return Err(GitError::Io { path, source: e }),
        }
    }
    Ok(path)
}
