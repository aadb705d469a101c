//! Per-document revision histories: the commits `git log -- <files>` lists, grouped by
//! release tag.
//!
//! The walk reproduces git's default history simplification: a commit is listed when
//! the document's paths differ from every parent (for a root commit: when any of them
//! exists); a merge whose paths equal those of one parent follows only that parent
//! (the first such), so side branches that changed nothing are not walked. Paths are
//! compared by their tree entry ids, looked up once per commit and once per distinct
//! documents folder tree, never by diffing trees.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::path::Path;
use std::rc::Rc;

use git2::{Commit, ErrorCode, ObjectType, Oid, Repository};
use rustc_hash::FxHasher;
use sigdoc_model::{DocFile, DocKind, History, HistoryEntry, Snapshot, author_initials, initials_of};

use crate::error::git;
use crate::paths::normalize_root;
use crate::tags::ReleaseTag;
use crate::text::{decode, format_date, paragraphs};
use crate::{GitError, Repo};

/// The revision a history is read at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryAt<'a> {
    /// A revision (commit id, branch, tag, `HEAD~1`): git objects only.
    Rev(&'a str),
    /// HEAD, plus an entry for uncommitted changes to the document's files, if any.
    ///
    /// That entry has version `<V>+dirty`, where `<V>` is the version of the entry for
    /// unreleased commits if there is one (`0.2+1+dirty`), else the newest release
    /// reachable from HEAD (`0.2+dirty`), else `0.0` (`0.0+dirty`). It has no tag, no
    /// commit and no commits; its date is [`HistoryOptions::source_date_epoch`] if set,
    /// else HEAD's commit date (never the clock); its remark is `Uncommitted changes`.
    WorkingTree,
}

/// A person from `sig.yaml`, to name commit authors consistently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownAuthor {
    /// The name shown in histories.
    pub name: String,
    /// Matched case-insensitively against commit authors' e-mail addresses.
    pub email: Option<String>,
    /// Shown instead of initials derived from the name.
    pub initials: Option<String>,
}

/// How histories are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryOptions {
    /// Glob of release tags (`sig.yaml` `tags`), default `v*`.
    pub tag_pattern: String,
    /// Known people: a commit author matching one by e-mail (or else by name) is shown
    /// with that person's name and initials.
    pub authors: Vec<KnownAuthor>,
    /// Date (seconds since the epoch) of the uncommitted-changes entry, as the caller
    /// read it from `SOURCE_DATE_EPOCH`; without it, HEAD's date.
    pub source_date_epoch: Option<i64>,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        Self { tag_pattern: "v*".to_owned(), authors: Vec::new(), source_date_epoch: None }
    }
}

impl Repo {
    /// The revision history of one document, newest entry first.
    ///
    /// The union of the entries' `commits` is exactly what
    /// `git log --format=%H REV -- <the document's files>` lists. Entries: the commits
    /// after the newest release reachable from REV (version `<newest release>+<N>`, or
    /// `0.0+<N>` before any), then one per release tag reachable from REV whose range
    /// (commits reachable from it and from no earlier release in version order) touched
    /// the document. See [`HistoryAt::WorkingTree`] for uncommitted changes.
    ///
    /// A release entry's date is the tagger's for an annotated tag, else the commit's;
    /// its remarks are the annotated tag's message paragraphs (unless the message only
    /// repeats the tag name), else the subjects of the commits it covers. In a shallow
    /// clone the history stops at the boundary and is marked `truncated`.
    pub fn history(
        &self,
        doc: DocKind,
        at: HistoryAt<'_>,
        root: &str,
        options: &HistoryOptions,
    ) -> Result<History, GitError> {
        let mut all = self.histories(&[doc], at, root, options)?;
        Ok(all.remove(0))
    }

    /// The histories of several documents, sharing one walk of the commit graph.
    pub fn histories(
        &self,
        docs: &[DocKind],
        at: HistoryAt<'_>,
        root: &str,
        options: &HistoryOptions,
    ) -> Result<Vec<History>, GitError> {
        let root = normalize_root(root)?;
        let (start, worktree) = match at {
            HistoryAt::Rev(rev) => (Some(self.resolve_commit(rev)?.0), None),
            HistoryAt::WorkingTree => {
                let worktree = self.worktree_and_head(&root)?;
                (self.head_commit()?, Some(worktree))
            }
        };
        let tags = self.release_tags(&options.tag_pattern)?;

        let graph = match &start {
            Some(commit) => Graph::load(&self.repo, commit.id(), &self.shallow_commits())?,
            None => Graph::default(),
        };
        // Only releases in REV's history count; an unrelated branch's tags do not.
        let releases: Vec<(&ReleaseTag, Oid)> = tags
            .tags
            .iter()
            .filter_map(|t| Oid::from_str(&t.commit).ok().map(|oid| (t, oid)))
            .filter(|(_, oid)| graph.nodes.contains_key(oid))
            .collect();
        let release_of = graph.assign_releases(releases.iter().map(|(_, oid)| *oid));
        let newest_release = releases.last().map(|(t, _)| t.version.as_str());

        let mut files: Vec<DocFile> = Vec::new();
        for doc in docs {
            for file in doc.own_files() {
                if !files.contains(&file) {
                    files.push(file);
                }
            }
        }
        let mut keys = PathKeys::new(&self.repo, &root, &files, &graph);
        let mut info = CommitInfo::new(&self.repo, &graph, &options.authors);

        let mut out = Vec::with_capacity(docs.len());
        for &doc in docs {
            // Always found: `files` holds every file of every requested document.
            let indices: Vec<usize> =
                doc.own_files().map(|f| files.iter().position(|g| *g == f).unwrap_or_default()).collect();
            let commits = match &start {
                Some(commit) => simplified_log(&graph, commit.id(), &mut keys, &indices)?,
                None => Vec::new(),
            };

            let mut in_release: Vec<Vec<Oid>> = vec![Vec::new(); releases.len()];
            let mut unreleased = Vec::new();
            for oid in commits {
                match release_of.get(&oid) {
                    Some(&i) => in_release[i].push(oid),
                    None => unreleased.push(oid),
                }
            }

            let mut entries = Vec::new();
            if let (Some(commit), false) = (&start, unreleased.is_empty()) {
                let version = format!("{}+{}", newest_release.unwrap_or("0.0"), unreleased.len());
                entries.push(info.entry(version, None, commit.time().seconds(), commit.id(), &unreleased, None)?);
            }
            for (i, (tag, oid)) in releases.iter().enumerate().rev() {
                if !in_release[i].is_empty() {
                    let remarks = tag.message.as_deref().map(paragraphs).filter(|p| !repeats_name(p, tag));
                    let version = tag.version.clone();
                    entries.push(info.entry(
                        version,
                        Some(tag.name.clone()),
                        tag.time,
                        *oid,
                        &in_release[i],
                        remarks,
                    )?);
                }
            }

            if let Some((worktree, head)) = &worktree
                && differs(doc, worktree, head.as_ref())
            {
                let base = match entries.first() {
                    Some(e) if e.tag.is_none() => e.version.clone(),
                    _ => newest_release.unwrap_or("0.0").to_owned(),
                };
                let time = options.source_date_epoch.or(start.as_ref().map(|c| c.time().seconds())).unwrap_or(0);
                entries.insert(
                    0,
                    HistoryEntry {
                        version: format!("{base}+dirty"),
                        tag: None,
                        date: format_date(time),
                        commit: None,
                        commits: Vec::new(),
                        initials: Vec::new(),
                        authors: Vec::new(),
                        remarks: vec!["Uncommitted changes".to_owned()],
                    },
                );
            }
            out.push(History::new(doc, entries, graph.truncated));
        }
        Ok(out)
    }

    /// The commits at the boundary of a shallow clone (`.git/shallow`), whose parents
    /// are missing.
    fn shallow_commits(&self) -> OidSet {
        if !self.repo.is_shallow() {
            return OidSet::default();
        }
        std::fs::read_to_string(self.repo.path().join("shallow"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| Oid::from_str(line.trim()).ok())
            .collect()
    }
}

/// Whether a tag's message says nothing beyond the tag's name (`git tag -a v0.2 -m v0.2`).
fn repeats_name(paragraphs: &[String], tag: &ReleaseTag) -> bool {
    match paragraphs {
        [] => true,
        [only] => {
            let only = only.trim();
            only == tag.name || only == tag.version || only.eq_ignore_ascii_case(&format!("version {}", tag.version))
        }
        _ => false,
    }
}

/// Whether the working tree's files of a document differ from HEAD's.
fn differs(doc: DocKind, worktree: &Snapshot, head: Option<&Snapshot>) -> bool {
    /// The document's files and the problems reported for them.
    type View<'s> = (Vec<(&'s String, &'s Vec<u8>)>, Vec<(&'s String, &'s String)>);
    fn view(doc: DocKind, s: &Snapshot) -> View<'_> {
        let files: Vec<(&String, &Vec<u8>)> = s.files.iter().filter(|(p, _)| doc.owns(p)).collect();
        let prefix = s.display_path("");
        let problems: Vec<_> = s
            .problems
            .iter()
            .filter(|d| d.file.strip_prefix(&prefix).is_some_and(|p| doc.owns(p)))
            .map(|d| (&d.file, &d.message))
            .collect();
        (files, problems)
    }
    let (files, problems) = view(doc, worktree);
    match head {
        Some(head) => (files, problems) != view(doc, head),
        None => !files.is_empty() || !problems.is_empty(),
    }
}

/// Maps keyed by object ids, which are hashes already: a fast hasher is enough, where
/// std's SipHash took 2 % of a history walk.
type OidMap<V> = HashMap<Oid, V, BuildHasherDefault<FxHasher>>;
type OidSet = HashSet<Oid, BuildHasherDefault<FxHasher>>;

/// A commit as the walk needs it.
struct Node<'r> {
    /// The parsed commit, kept for the authors and subjects of the commits listed: with
    /// libgit2's object cache off, reading them again would inflate them again.
    commit: Commit<'r>,
    /// Parents present in the repository (a shallow clone lacks some).
    parents: Vec<Oid>,
    /// Committer time, which orders the walk.
    time: i64,
    /// The commit's root tree.
    tree: Oid,
}

/// Every commit reachable from a starting commit.
#[derive(Default)]
struct Graph<'r> {
    nodes: OidMap<Node<'r>>,
    /// Whether some commit's parents are missing (shallow clone, grafts).
    truncated: bool,
}

impl<'r> Graph<'r> {
    fn load(repo: &'r Repository, start: Oid, shallow: &OidSet) -> Result<Graph<'r>, GitError> {
        let mut graph = Graph::default();
        let mut missing = OidSet::default();
        let mut stack = vec![start];
        while let Some(oid) = stack.pop() {
            if graph.nodes.contains_key(&oid) || missing.contains(&oid) {
                continue;
            }
            let commit = match repo.find_commit(oid) {
                Ok(commit) => commit,
                Err(e) if oid == start => return Err(git("reading a commit")(e)),
                // A parent beyond a shallow boundary: history stops here, as in git.
                Err(_) => {
                    missing.insert(oid);
                    graph.truncated = true;
                    continue;
                }
            };
            if shallow.contains(&oid) {
                graph.truncated = true;
            }
            let parents: Vec<Oid> = commit.parent_ids().collect();
            stack.extend(parents.iter().filter(|p| !graph.nodes.contains_key(p)));
            let (time, tree) = (commit.time().seconds(), commit.tree_id());
            graph.nodes.insert(oid, Node { commit, parents, time, tree });
        }
        if !missing.is_empty() {
            for node in graph.nodes.values_mut() {
                node.parents.retain(|p| !missing.contains(p));
            }
        }
        Ok(graph)
    }

    /// Maps each commit to the first release (in the given order) whose tag reaches it.
    ///
    /// Each release's walk stops at commits an earlier release already claimed: their
    /// ancestors are claimed too, so the whole graph is walked once for all releases.
    fn assign_releases(&self, releases: impl Iterator<Item = Oid>) -> OidMap<usize> {
        let mut release_of = OidMap::default();
        for (i, tip) in releases.enumerate() {
            let mut stack = vec![tip];
            while let Some(oid) = stack.pop() {
                if let (Entry::Vacant(slot), Some(node)) = (release_of.entry(oid), self.nodes.get(&oid)) {
                    slot.insert(i);
                    stack.extend(node.parents.iter().copied());
                }
            }
        }
        release_of
    }
}

/// The tree entry (id and mode) of each path of interest, `None` where it is absent.
type Key = Rc<Vec<Option<(Oid, i32)>>>;

/// Looks up the files of interest in commits, caching by commit and by documents tree.
struct PathKeys<'a> {
    repo: &'a Repository,
    root: &'a str,
    files: &'a [DocFile],
    graph: &'a Graph<'a>,
    by_commit: OidMap<Key>,
    /// Most commits change code, not documents: their documents trees repeat.
    by_documents_tree: OidMap<Key>,
    absent: Key,
}

impl<'a> PathKeys<'a> {
    fn new(repo: &'a Repository, root: &'a str, files: &'a [DocFile], graph: &'a Graph<'a>) -> Self {
        let absent = Rc::new(vec![None; files.len()]);
        Self { repo, root, files, graph, by_commit: OidMap::default(), by_documents_tree: OidMap::default(), absent }
    }

    fn get(&mut self, commit: Oid) -> Result<Key, GitError> {
        if let Some(key) = self.by_commit.get(&commit) {
            return Ok(Rc::clone(key));
        }
        let Some(node) = self.graph.nodes.get(&commit) else {
            return Ok(Rc::clone(&self.absent));
        };
        let key = match self.documents_tree(node.tree)? {
            None => Rc::clone(&self.absent),
            Some(tree) => match self.by_documents_tree.get(&tree) {
                Some(key) => Rc::clone(key),
                None => {
                    let key = self.lookup(tree)?;
                    self.by_documents_tree.insert(tree, Rc::clone(&key));
                    key
                }
            },
        };
        self.by_commit.insert(commit, Rc::clone(&key));
        Ok(key)
    }

    /// The id of the documents folder's tree inside a root tree.
    fn documents_tree(&self, root_tree: Oid) -> Result<Option<Oid>, GitError> {
        if self.root.is_empty() {
            return Ok(Some(root_tree));
        }
        let tree = self.repo.find_tree(root_tree).map_err(git("reading a commit's tree"))?;
        match tree.get_path(Path::new(self.root)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => Ok(Some(entry.id())),
            Ok(_) => Ok(None),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(git("looking up the documents folder")(e)),
        }
    }

    fn lookup(&self, documents_tree: Oid) -> Result<Key, GitError> {
        let tree = self.repo.find_tree(documents_tree).map_err(git("reading the documents folder"))?;
        let mut key = Vec::with_capacity(self.files.len());
        for file in self.files {
            let entry = match tree.get_path(Path::new(file.path())) {
                Ok(entry) if file.is_folder() && entry.kind() != Some(ObjectType::Tree) => None,
                Ok(entry) => Some((entry.id(), entry.filemode())),
                Err(e) if e.code() == ErrorCode::NotFound => None,
                Err(e) => return Err(git("looking up a document's files")(e)),
            };
            key.push(entry);
        }
        Ok(Rc::new(key))
    }
}

/// The commits `git log START -- <paths>` lists, in its order (newest commit date first).
///
/// `indices` select the document's paths from the keys.
fn simplified_log(
    graph: &Graph<'_>,
    start: Oid,
    keys: &mut PathKeys<'_>,
    indices: &[usize],
) -> Result<Vec<Oid>, GitError> {
    let same = |a: &Key, b: &Key| indices.iter().all(|&i| a[i] == b[i]);
    let mut listed = Vec::new();
    let mut seen = OidSet::from_iter([start]);
    // Newest commit date first; equal dates in the order they were queued, as git does.
    let mut queue = BinaryHeap::new();
    let mut order = 0u64;
    let time = |oid: &Oid| graph.nodes.get(oid).map_or(i64::MIN, |n| n.time);
    queue.push((time(&start), Reverse(order), start));

    while let Some((_, _, oid)) = queue.pop() {
        let Some(node) = graph.nodes.get(&oid) else {
            continue;
        };
        let key = keys.get(oid)?;
        let mut follow: &[Oid] = &node.parents;
        let show = if node.parents.is_empty() {
            indices.iter().any(|&i| key[i].is_some())
        } else {
            let mut treesame = None;
            for parent in &node.parents {
                if same(&key, &keys.get(*parent)?) {
                    treesame = Some(parent);
                    break;
                }
            }
            match treesame {
                // The paths came unchanged from this parent: only its history matters.
                Some(parent) => {
                    follow = std::slice::from_ref(parent);
                    false
                }
                None => true,
            }
        };
        if show {
            listed.push(oid);
        }
        for parent in follow {
            if seen.insert(*parent) {
                order += 1;
                queue.push((time(parent), Reverse(order), *parent));
            }
        }
    }
    Ok(listed)
}

/// What histories show of a commit.
struct Shown {
    name: String,
    initials: String,
    subject: String,
}

/// Reads and caches commit authors and subjects, naming known people consistently.
struct CommitInfo<'a> {
    repo: &'a Repository,
    graph: &'a Graph<'a>,
    authors: &'a [KnownAuthor],
    cache: OidMap<Rc<Shown>>,
}

impl<'a> CommitInfo<'a> {
    fn new(repo: &'a Repository, graph: &'a Graph<'a>, authors: &'a [KnownAuthor]) -> Self {
        Self { repo, graph, authors, cache: OidMap::default() }
    }

    fn get(&mut self, oid: Oid) -> Result<Rc<Shown>, GitError> {
        if let Some(shown) = self.cache.get(&oid) {
            return Ok(Rc::clone(shown));
        }
        let read;
        let commit = match self.graph.nodes.get(&oid) {
            Some(node) => &node.commit,
            None => {
                read = self.repo.find_commit(oid).map_err(git("reading a commit"))?;
                &read
            }
        };
        let encoding = commit.message_encoding().ok().flatten();
        let author = commit.author();
        let name = decode(author.name_bytes(), encoding).trim().to_owned();
        let email = decode(author.email_bytes(), encoding).trim().to_owned();
        let subject = commit.summary_bytes().map(|s| decode(s, encoding).trim().to_owned()).unwrap_or_default();

        let known = self
            .authors
            .iter()
            .find(|k| !email.is_empty() && k.email.as_deref().is_some_and(|e| e.trim().eq_ignore_ascii_case(&email)))
            .or_else(|| {
                let lower = name.to_lowercase();
                self.authors.iter().find(|k| !name.is_empty() && k.name.trim().to_lowercase() == lower)
            });
        let (name, initials) = match known {
            Some(k) => (k.name.clone(), author_initials(k.initials.as_deref(), &k.name)),
            None if !name.is_empty() => (name.clone(), initials_of(&name)),
            None if !email.is_empty() => (email.clone(), initials_of(email.split('@').next().unwrap_or_default())),
            None => ("Unknown".to_owned(), "?".to_owned()),
        };
        let shown = Rc::new(Shown { name, initials, subject });
        self.cache.insert(oid, Rc::clone(&shown));
        Ok(shown)
    }

    /// An entry covering `commits` (newest first), with remarks from the commits'
    /// subjects unless given.
    fn entry(
        &mut self,
        version: String,
        tag: Option<String>,
        time: i64,
        commit: Oid,
        commits: &[Oid],
        remarks: Option<Vec<String>>,
    ) -> Result<HistoryEntry, GitError> {
        let shown: Vec<Rc<Shown>> = commits.iter().map(|oid| self.get(*oid)).collect::<Result<_, _>>()?;
        let mut authors = Vec::new();
        let mut initials = Vec::new();
        let mut subjects = Vec::new();
        // A release can cover thousands of commits: remember what was seen in sets, not lists.
        let mut seen_authors = HashSet::new();
        let mut seen_subjects = HashSet::new();
        for shown in &shown {
            if seen_authors.insert(shown.name.as_str()) {
                authors.push(shown.name.clone());
                initials.push(shown.initials.clone());
            }
            if !shown.subject.is_empty() && seen_subjects.insert(shown.subject.as_str()) {
                subjects.push(shown.subject.clone());
            }
        }
        Ok(HistoryEntry {
            version,
            tag,
            date: format_date(time),
            commit: Some(commit.to_string()),
            commits: commits.iter().map(Oid::to_string).collect(),
            initials,
            authors,
            remarks: remarks.unwrap_or(subjects),
        })
    }
}
