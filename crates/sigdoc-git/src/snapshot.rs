//! Snapshots of the documents folder: from a commit's tree, or from the working tree.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use git2::{ErrorCode, ObjectType, Odb, Oid, Tree};
use sigdoc_model::{Diagnostic, MAX_FILE_SIZE, Snapshot, Source, sort_diagnostics};

use crate::error::{git, io as io_err};
use crate::paths::{LinkProblem, Node, follow_link, join, normalize_root};
use crate::{GitError, Repo};

/// The message for a file over [`MAX_FILE_SIZE`].
const TOO_LARGE: &str = "file is larger than 1 MiB";

/// Git's file mode of a symbolic link.
const MODE_LINK: i32 = 0o120000;

/// What a tree entry inside the documents folder is.
enum Entry {
    File(Oid),
    Link(Oid),
    Folder,
}

impl Repo {
    /// The files of the documents folder `root` at a revision, from git objects only.
    ///
    /// The working tree and the index are never looked at, so uncommitted edits do not
    /// show. Files over [`MAX_FILE_SIZE`] and symbolic links leaving the folder are not
    /// read; they are reported in `problems`. Submodules are skipped.
    pub fn snapshot_at(&self, rev: &str, root: &str) -> Result<Snapshot, GitError> {
        let root = normalize_root(root)?;
        let (commit, _) = self.resolve_commit(rev)?;
        let source =
            Source::Commit { rev: rev.to_owned(), commit: commit.id().to_string(), time: commit.time().seconds() };
        let tree = self
            .documents_tree(&commit, &root)?
            .ok_or_else(|| GitError::NoDocuments { root: root.clone(), rev: Some(rev.to_owned()) })?;
        self.read_tree(&tree, root, source)
    }

    /// The files of the documents folder `root` as they are on disk, uncommitted edits
    /// included.
    ///
    /// Files that git ignores and does not track are left out, as are files over
    /// [`MAX_FILE_SIZE`] and symbolic links that leave the folder (reported in
    /// `problems`). The source records HEAD and whether any file differs from HEAD's
    /// (added, removed or modified, untracked files included).
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
                };
                Some(match self.documents_tree(commit, &root)? {
                    Some(tree) => self.read_tree(&tree, root.clone(), source)?,
                    None => Snapshot { root: root.clone(), source, files: BTreeMap::new(), problems: Vec::new() },
                })
            }
            None => None,
        };

        let base = workdir.join(&root);
        match fs::metadata(&base) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(no_worktree_documents(&root)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(no_worktree_documents(&root));
            }
            Err(e) => {
                return Err(GitError::Io { path: base, source: e });
            }
        }
        let canonical_base = fs::canonicalize(&base).map_err(io_err(&base))?;
        let reader = DiskReader { repo: self, root: &root, base, canonical_base, tracked: self.tracked_paths(&root)? };
        let mut snapshot = Snapshot {
            root: root.clone(),
            source: Source::WorkingTree { head: None, head_time: None, dirty: false },
            files: BTreeMap::new(),
            problems: Vec::new(),
        };
        reader.walk("", &mut snapshot)?;
        sort_diagnostics(&mut snapshot.problems);

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

    /// The tree of the documents folder in a commit, or `None` if it has no such folder.
    pub(crate) fn documents_tree<'r>(
        &'r self,
        commit: &git2::Commit<'r>,
        root: &str,
    ) -> Result<Option<Tree<'r>>, GitError> {
        let tree = commit.tree().map_err(git("reading a commit's tree"))?;
        if root.is_empty() {
            return Ok(Some(tree));
        }
        match tree.get_path(Path::new(root)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => {
                self.repo.find_tree(entry.id()).map(Some).map_err(git("reading the documents folder"))
            }
            Ok(_) => Ok(None),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(git("looking up the documents folder")(e)),
        }
    }

    /// Reads every file of a documents tree into a snapshot.
    fn read_tree(&self, tree: &Tree<'_>, root: String, source: Source) -> Result<Snapshot, GitError> {
        let mut snapshot = Snapshot { root, source, files: BTreeMap::new(), problems: Vec::new() };
        let mut entries = BTreeMap::new();
        self.collect(tree, "", &mut entries, &mut snapshot)?;
        let odb = self.repo.odb().map_err(git("opening the object database"))?;

        for (path, entry) in &entries {
            let content = match entry {
                Entry::Folder => continue,
                Entry::File(oid) => read_blob(&odb, *oid)?,
                Entry::Link(oid) => {
                    let target = read_blob(&odb, *oid)?.and_then(|t| String::from_utf8(t).ok());
                    let lookup = |p: &str| match entries.get(p) {
                        _ if p.is_empty() => Node::Folder,
                        Some(Entry::File(_)) => Node::File,
                        Some(Entry::Folder) => Node::Folder,
                        Some(Entry::Link(oid)) => {
                            Node::Link(read_blob(&odb, *oid).ok().flatten().and_then(|t| String::from_utf8(t).ok()))
                        }
                        None => Node::Missing,
                    };
                    match follow_link(path, target, lookup) {
                        Ok(resolved) => match entries.get(&resolved) {
                            Some(Entry::File(oid)) => read_blob(&odb, *oid)?,
                            // `follow_link` only returns paths it looked up as files.
                            _ => {
                                push_link_problem(&mut snapshot, path, &LinkProblem::Dangling(resolved));
                                continue;
                            }
                        },
                        Err(problem) => {
                            push_link_problem(&mut snapshot, path, &problem);
                            continue;
                        }
                    }
                }
            };
            match content {
                Some(content) => {
                    snapshot.files.insert(path.clone(), content);
                }
                None => {
                    let file = snapshot.display_path(path);
                    snapshot.problems.push(Diagnostic::error(file, 0, 0, TOO_LARGE));
                }
            }
        }
        sort_diagnostics(&mut snapshot.problems);
        Ok(snapshot)
    }

    /// Lists a tree's entries recursively by path; submodules are skipped.
    fn collect(
        &self,
        tree: &Tree<'_>,
        prefix: &str,
        entries: &mut BTreeMap<String, Entry>,
        snapshot: &mut Snapshot,
    ) -> Result<(), GitError> {
        for entry in tree.iter() {
            let Ok(name) = std::str::from_utf8(entry.name_bytes()) else {
                let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
                let file = snapshot.display_path(&join(prefix, &name));
                snapshot.problems.push(Diagnostic::warning(file, 0, 0, "file name is not valid UTF-8; skipped"));
                continue;
            };
            let path = join(prefix, name);
            match entry.kind() {
                Some(ObjectType::Tree) => {
                    let subtree = self.repo.find_tree(entry.id()).map_err(git("reading a folder of the documents"))?;
                    entries.insert(path.clone(), Entry::Folder);
                    self.collect(&subtree, &path, entries, snapshot)?;
                }
                Some(ObjectType::Blob) if entry.filemode() == MODE_LINK => {
                    entries.insert(path, Entry::Link(entry.id()));
                }
                Some(ObjectType::Blob) => {
                    entries.insert(path, Entry::File(entry.id()));
                }
                // Submodules (commits) are other repositories' business.
                _ => {}
            }
        }
        Ok(())
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

/// Reads a blob unless it is over [`MAX_FILE_SIZE`] (`None`), looking at its header first
/// so that a huge blob is never inflated.
fn read_blob(odb: &Odb<'_>, oid: Oid) -> Result<Option<Vec<u8>>, GitError> {
    let (size, _) = odb.read_header(oid).map_err(git("reading a file of the documents"))?;
    if size as u64 > MAX_FILE_SIZE {
        return Ok(None);
    }
    let object = odb.read(oid).map_err(git("reading a file of the documents"))?;
    Ok(Some(object.data().to_vec()))
}

fn push_link_problem(snapshot: &mut Snapshot, path: &str, problem: &LinkProblem) {
    let file = snapshot.display_path(path);
    let diagnostic = if problem.is_error() {
        Diagnostic::error(file, 0, 0, problem.message())
    } else {
        Diagnostic::warning(file, 0, 0, problem.message())
    };
    snapshot.problems.push(diagnostic);
}

fn no_worktree_documents(root: &str) -> GitError {
    GitError::NoDocuments { root: if root.is_empty() { ".".to_owned() } else { root.to_owned() }, rev: None }
}

/// Reads the documents folder from disk.
struct DiskReader<'a> {
    repo: &'a Repo,
    /// The documents folder relative to the working tree.
    root: &'a str,
    /// The documents folder on disk.
    base: PathBuf,
    /// `base` with every link resolved, to check where a link really lands.
    canonical_base: PathBuf,
    /// Tracked paths (see [`Repo::tracked_paths`]).
    tracked: HashSet<String>,
}

impl DiskReader<'_> {
    fn walk(&self, folder: &str, snapshot: &mut Snapshot) -> Result<(), GitError> {
        let dir = self.base.join(folder);
        let entries = fs::read_dir(&dir).map_err(io_err(&dir))?;
        for entry in entries {
            let entry = entry.map_err(io_err(&dir))?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                let name = entry.file_name().to_string_lossy().into_owned();
                let file = snapshot.display_path(&join(folder, &name));
                snapshot.problems.push(Diagnostic::warning(file, 0, 0, "file name is not valid UTF-8; skipped"));
                continue;
            };
            // A nested repository's git directory, or the repository's own when the
            // documents folder is the repository root.
            if name == ".git" {
                continue;
            }
            let path = join(folder, &name);
            let file_type = entry.file_type().map_err(io_err(entry.path()))?;
            if self.ignored(&path)? {
                continue;
            }
            if file_type.is_dir() {
                self.walk(&path, snapshot)?;
            } else if file_type.is_file() {
                self.insert(snapshot, &path, &self.base.join(&path))?;
            } else if file_type.is_symlink() {
                let target = fs::read_link(entry.path()).map_err(io_err(entry.path()))?;
                match follow_link(&path, target.to_str().map(str::to_owned), |p| self.node(p)) {
                    Ok(resolved) => {
                        // Lexically inside is not enough on disk: a folder on the way may
                        // itself be a link to elsewhere.
                        let real = self.base.join(&resolved);
                        match fs::canonicalize(&real) {
                            Ok(real) if real.starts_with(&self.canonical_base) => {
                                self.insert(snapshot, &path, &real)?
                            }
                            Ok(_) => {
                                let problem = LinkProblem::Outside(target.to_string_lossy().into_owned());
                                push_link_problem(snapshot, &path, &problem);
                            }
                            Err(_) => {
                                let problem = LinkProblem::Dangling(target.to_string_lossy().into_owned());
                                push_link_problem(snapshot, &path, &problem);
                            }
                        }
                    }
                    Err(problem) => push_link_problem(snapshot, &path, &problem),
                }
            }
            // Sockets, pipes and devices are never documents (and reading a pipe blocks).
        }
        Ok(())
    }

    /// Reads a regular file into the snapshot under `path`, or reports it as too large.
    fn insert(&self, snapshot: &mut Snapshot, path: &str, real: &Path) -> Result<(), GitError> {
        match read_limited(real).map_err(io_err(real))? {
            Some(content) => {
                snapshot.files.insert(path.to_owned(), content);
            }
            None => {
                let file = snapshot.display_path(path);
                snapshot.problems.push(Diagnostic::error(file, 0, 0, TOO_LARGE));
            }
        }
        Ok(())
    }

    /// What a path inside the documents folder is on disk, without following a final link.
    fn node(&self, path: &str) -> Node {
        if path.is_empty() {
            return Node::Folder;
        }
        let full = self.base.join(path);
        match fs::symlink_metadata(&full) {
            Ok(meta) if meta.file_type().is_symlink() => {
                Node::Link(fs::read_link(&full).ok().and_then(|t| t.to_str().map(str::to_owned)))
            }
            Ok(meta) if meta.is_dir() => Node::Folder,
            Ok(meta) if meta.is_file() => Node::File,
            _ => Node::Missing,
        }
    }

    /// Whether git ignores an untracked path (relative to the documents folder).
    fn ignored(&self, path: &str) -> Result<bool, GitError> {
        let in_repo = join(self.root, path);
        if self.tracked.contains(&in_repo) {
            return Ok(false);
        }
        self.repo.repo.is_path_ignored(&in_repo).map_err(git("reading .gitignore rules"))
    }
}

/// Reads a file unless it is over [`MAX_FILE_SIZE`] (`None`); never reads more than the
/// limit, even if the file grows meanwhile.
fn read_limited(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let file = fs::File::open(path)?;
    if file.metadata()?.len() > MAX_FILE_SIZE {
        return Ok(None);
    }
    let mut content = Vec::new();
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut content)?;
    Ok((content.len() as u64 <= MAX_FILE_SIZE).then_some(content))
}
