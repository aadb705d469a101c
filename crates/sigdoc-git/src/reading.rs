//! Reading a documents folder the same way from git objects and from the disk: only the
//! files the format names, every name checked, links followed inside the folder only, and
//! every byte counted against a budget.

use std::collections::{BTreeMap, HashMap};

use sigdoc_model::layout::{
    DocFile, MAX_FILE_SIZE, MAX_FOLDER_ENTRIES, MAX_TOTAL_SIZE, THREATS_FOLDER, is_quiet_extra, is_threat_file,
};
use sigdoc_model::{Diagnostic, Snapshot};

use crate::GitError;
use crate::paths::{LinkProblem, Node, follow_link, join};
use sigdoc_model::names::{check_name, shown};

/// What an entry of a folder is, without following a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A regular file.
    File,
    /// A symbolic link.
    Link,
    /// A folder.
    Folder,
    /// Anything else: a submodule, a socket, a pipe, a device.
    Other,
}

/// One entry of a folder listing, as its reader found it.
pub(crate) struct Entry<Id> {
    /// The name's bytes, unchecked.
    pub name: Vec<u8>,
    /// What it is.
    pub kind: Kind,
    /// How the reader finds it again (an object id, a path on disk).
    pub id: Id,
}

/// A documents folder that can be listed and read: a tree of a commit, or the disk.
pub(crate) trait Folder {
    /// How the reader names an entry.
    type Id: Clone;

    /// The entries of a folder inside the documents folder, at most `limit` of them:
    /// `folder` is its path and `id` how its parent's listing found it (`""` and `None`:
    /// the documents folder itself). Entries the reader never serves (git's own folder,
    /// files git ignores) are left out.
    fn list(&self, folder: &str, id: Option<&Self::Id>, limit: usize) -> Result<Vec<Entry<Self::Id>>, GitError>;

    /// A file's size in bytes, found without reading it.
    fn size(&self, id: &Self::Id) -> Result<u64, GitError>;

    /// A file's content, or `None` if it turns out larger than [`MAX_FILE_SIZE`].
    fn read(&self, id: &Self::Id) -> Result<Option<Vec<u8>>, GitError>;

    /// A link's target, `None` when it is not UTF-8.
    fn target(&self, id: &Self::Id) -> Result<Option<String>, GitError>;

    /// What a path inside the documents folder is, without following a final link.
    fn node(&self, path: &str) -> Node;

    /// The regular file a link resolved to, or why it may not be served after all (on
    /// disk, a folder on the way may itself lead elsewhere).
    fn resolved(&self, path: &str) -> Result<Self::Id, LinkProblem>;
}

/// Bytes still allowed to be read.
struct Budget {
    left: u64,
    exhausted: bool,
}

/// Reads the files of the documents folder that the format names into `snapshot`, and
/// reports refused entries in its `problems`.
pub(crate) fn read_documents<F: Folder>(folder: &F, snapshot: &mut Snapshot) -> Result<(), GitError> {
    let mut reader = Reader { folder, snapshot, budget: Budget { left: MAX_TOTAL_SIZE, exhausted: false } };
    let top = reader.list("", None)?;
    for name in DocFile::TOP.map(DocFile::path) {
        if let Some(entry) = top.get(name) {
            reader.read_entry(name, entry)?;
        }
    }
    let Some(threats) = top.get(THREATS_FOLDER) else { return Ok(()) };
    match threats.kind {
        Kind::Folder => {}
        // A link to a folder is never followed; say why the threats are missing.
        Kind::Link => {
            reader.follow(THREATS_FOLDER, threats)?;
            return Ok(());
        }
        Kind::File | Kind::Other => return Ok(()),
    }
    for (name, entry) in &reader.list(THREATS_FOLDER, Some(&threats.id))? {
        let path = join(THREATS_FOLDER, name);
        match entry.kind {
            Kind::File | Kind::Link if is_threat_file(name) => reader.read_entry(&path, entry)?,
            Kind::Folder => reader.warn(&path, "folders inside threats/ are not read (a threat is threats/<id>.yaml)"),
            Kind::File | Kind::Link if !is_quiet_extra(name) => {
                reader.warn(&path, "not a threat file (threats/<id>.yaml); ignored");
            }
            _ => {}
        }
    }
    Ok(())
}

struct Reader<'a, F: Folder> {
    folder: &'a F,
    snapshot: &'a mut Snapshot,
    budget: Budget,
}

impl<F: Folder> Reader<'_, F> {
    /// A path as diagnostics name it; `""` is the documents folder itself.
    fn file(&self, path: &str) -> String {
        match (path, self.snapshot.root.as_str()) {
            ("", "") => ".".to_owned(),
            ("", root) => root.to_owned(),
            (path, _) => self.snapshot.display_path(path),
        }
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        let file = self.file(path);
        self.snapshot.problems.push(Diagnostic::error(file, 0, 0, message));
    }

    fn warn(&mut self, path: &str, message: impl Into<String>) {
        let file = self.file(path);
        self.snapshot.problems.push(Diagnostic::warning(file, 0, 0, message));
    }

    /// A folder's entries by name, each name checked; refused names are reported. Two
    /// names that differ only in case cannot both exist on the file systems of macOS and
    /// Windows, so the second is refused too.
    fn list(&mut self, folder: &str, id: Option<&F::Id>) -> Result<BTreeMap<String, Entry<F::Id>>, GitError> {
        let entries = self.folder.list(folder, id, MAX_FOLDER_ENTRIES + 1)?;
        if entries.len() > MAX_FOLDER_ENTRIES {
            let shown_folder = if folder.is_empty() { "the documents folder" } else { folder };
            self.error(
                folder,
                format!(
                    "{shown_folder} holds more than {MAX_FOLDER_ENTRIES} entries; refused (nothing in it was read)"
                ),
            );
            return Ok(BTreeMap::new());
        }
        let mut by_name = BTreeMap::new();
        let mut folded: HashMap<String, String> = HashMap::new();
        for entry in entries {
            let name = match check_name(&entry.name) {
                Ok(name) => name.to_owned(),
                Err(bad) => {
                    self.error(&join(folder, &shown(&entry.name)), format!("{bad}; refused"));
                    continue;
                }
            };
            if by_name.contains_key(&name) {
                self.error(&join(folder, &name), "the name appears twice in its folder; refused");
                continue;
            }
            if let Some(first) = folded.insert(name.to_lowercase(), name.clone()) {
                self.error(&join(folder, &name), format!("the name differs only in case from `{first}`; refused"));
                continue;
            }
            by_name.insert(name, entry);
        }
        Ok(by_name)
    }

    /// Reads a file (following it if it is a link) into the snapshot.
    fn read_entry(&mut self, path: &str, entry: &Entry<F::Id>) -> Result<(), GitError> {
        let id = match entry.kind {
            Kind::File => entry.id.clone(),
            Kind::Link => match self.follow(path, entry)? {
                Some(id) => id,
                None => return Ok(()),
            },
            Kind::Folder | Kind::Other => return Ok(()),
        };
        let size = self.folder.size(&id)?;
        if size > MAX_FILE_SIZE {
            self.error(path, format!("file is larger than {} MiB", MAX_FILE_SIZE / (1024 * 1024)));
            return Ok(());
        }
        if !self.spend(size) {
            return Ok(());
        }
        match self.folder.read(&id)? {
            Some(content) => {
                self.snapshot.files.insert(path.to_owned(), content);
            }
            None => self.error(path, format!("file is larger than {} MiB", MAX_FILE_SIZE / (1024 * 1024))),
        }
        Ok(())
    }

    /// Takes `size` bytes from the budget; once it is spent, says so once and reads no more.
    fn spend(&mut self, size: u64) -> bool {
        if self.budget.exhausted {
            return false;
        }
        if size > self.budget.left {
            self.budget.exhausted = true;
            let mib = MAX_TOTAL_SIZE / (1024 * 1024);
            self.error(
                "",
                format!("the files sigdoc reads here add up to more than {mib} MiB; the rest were not read"),
            );
            return false;
        }
        self.budget.left -= size;
        true
    }

    /// The file a link leads to inside the documents folder, or `None` with a problem
    /// reported. Every name on the way is checked as a listed name would be.
    fn follow(&mut self, path: &str, entry: &Entry<F::Id>) -> Result<Option<F::Id>, GitError> {
        let target = self.folder.target(&entry.id)?;
        let folder = self.folder;
        let lookup = |p: &str| {
            if p.split('/').any(|part| !part.is_empty() && check_name(part.as_bytes()).is_err()) {
                Node::Refused
            } else {
                folder.node(p)
            }
        };
        let shown_target = target.clone().unwrap_or_default();
        let problem = match follow_link(path, target, lookup) {
            Ok(resolved) => match self.folder.resolved(&resolved) {
                Ok(id) => return Ok(Some(id)),
                // Name the link's own target, as for every other problem.
                Err(LinkProblem::Outside(_)) => LinkProblem::Outside(shown_target),
                Err(_) => LinkProblem::Dangling(shown_target),
            },
            Err(problem) => problem,
        };
        let message = problem.message();
        if problem.is_error() {
            self.error(path, message)
        } else {
            self.warn(path, message)
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A documents folder held in memory: paths to files, links and folders.
    #[derive(Default)]
    struct Memory {
        files: BTreeMap<String, Vec<u8>>,
        links: BTreeMap<String, String>,
        folders: Vec<String>,
        /// Extra listing entries, as `(folder, name, kind)`, whatever their names.
        raw: Vec<(String, Vec<u8>, Kind)>,
    }

    impl Memory {
        fn file(mut self, path: &str, size: usize) -> Self {
            self.files.insert(path.into(), vec![b'x'; size]);
            self
        }
        fn link(mut self, path: &str, target: &str) -> Self {
            self.links.insert(path.into(), target.into());
            self
        }
        fn folder(mut self, path: &str) -> Self {
            self.folders.push(path.into());
            self
        }
    }

    fn parent_and_name(path: &str) -> (&str, &str) {
        path.rsplit_once('/').unwrap_or(("", path))
    }

    impl Folder for Memory {
        type Id = String;

        fn list(&self, folder: &str, _id: Option<&String>, limit: usize) -> Result<Vec<Entry<String>>, GitError> {
            let all = self.files.keys().map(|p| (p, Kind::File));
            let all = all.chain(self.links.keys().map(|p| (p, Kind::Link)));
            let all = all.chain(self.folders.iter().map(|p| (p, Kind::Folder)));
            let mut entries: Vec<Entry<String>> = all
                .filter(|(p, _)| parent_and_name(p).0 == folder)
                .map(|(p, kind)| Entry { name: parent_and_name(p).1.as_bytes().to_vec(), kind, id: p.clone() })
                .collect();
            entries.extend(self.raw.iter().filter(|(f, _, _)| f == folder).map(|(_, name, kind)| Entry {
                name: name.clone(),
                kind: *kind,
                id: String::new(),
            }));
            entries.truncate(limit);
            Ok(entries)
        }

        fn size(&self, id: &String) -> Result<u64, GitError> {
            Ok(self.files[id].len() as u64)
        }

        fn read(&self, id: &String) -> Result<Option<Vec<u8>>, GitError> {
            Ok(Some(self.files[id].clone()))
        }

        fn target(&self, id: &String) -> Result<Option<String>, GitError> {
            Ok(self.links.get(id).cloned())
        }

        fn node(&self, path: &str) -> Node {
            if self.files.contains_key(path) {
                Node::File
            } else if let Some(target) = self.links.get(path) {
                Node::Link(Some(target.clone()))
            } else if path.is_empty() || self.folders.iter().any(|f| f == path) {
                Node::Folder
            } else {
                Node::Missing
            }
        }

        fn resolved(&self, path: &str) -> Result<String, LinkProblem> {
            Ok(path.to_owned())
        }
    }

    fn read(folder: &Memory) -> Snapshot {
        let mut snapshot = Snapshot::from_files("documents", Vec::<(String, Vec<u8>)>::new());
        read_documents(folder, &mut snapshot).unwrap();
        snapshot
    }

    fn problems(snapshot: &Snapshot) -> Vec<String> {
        snapshot.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_folder_may_hold_exactly_the_most_entries() {
        let mut full = Memory::default().folder("threats");
        for i in 0..MAX_FOLDER_ENTRIES {
            full.files.insert(format!("threats/t{i}.yaml"), b"id: x".to_vec());
        }
        let snapshot = read(&full);
        assert_eq!(snapshot.files.len(), MAX_FOLDER_ENTRIES);
        assert!(snapshot.problems.is_empty());
        full.files.insert("threats/one-more.yaml".into(), b"id: x".to_vec());
        let snapshot = read(&full);
        assert!(snapshot.files.is_empty());
        assert_eq!(
            problems(&snapshot),
            ["documents/threats:0:0: error: threats holds more than 10000 entries; refused (nothing in it was read)"]
        );
    }

    #[test]
    fn the_budget_is_spent_to_the_byte() {
        let whole = usize::try_from(MAX_FILE_SIZE).unwrap();
        let count = usize::try_from(MAX_TOTAL_SIZE / MAX_FILE_SIZE).unwrap();
        let mut folder = Memory::default().folder("threats");
        for i in 0..count {
            folder = folder.file(&format!("threats/t{i:02}.yaml"), whole);
        }
        let snapshot = read(&folder);
        assert_eq!(snapshot.files.len(), count, "exactly the budget is read");
        assert!(snapshot.problems.is_empty(), "{:?}", problems(&snapshot));
        let snapshot = read(&folder.file("sig.yaml", 1));
        assert_eq!(snapshot.files.len(), count, "a byte more is not");
        assert_eq!(
            problems(&snapshot),
            ["documents:0:0: error: the files sigdoc reads here add up to more than 32 MiB; the rest were not read"]
        );
    }

    #[test]
    fn links_never_pass_through_a_refused_name() {
        let mut folder =
            Memory::default().folder("threats").file(".GIT/x.yaml", 3).link("threats/a.yaml", "../.GIT/x.yaml");
        folder.raw.push((String::new(), b".GIT".to_vec(), Kind::Folder));
        let snapshot = read(&folder);
        assert!(snapshot.get("threats/a.yaml").is_none());
        assert!(
            problems(&snapshot).contains(
                &"documents/threats/a.yaml:0:0: error: symbolic link to `../.GIT/x.yaml` goes through a file name sigdoc refuses; refused"
                    .to_owned()
            ),
            "{:?}",
            problems(&snapshot)
        );
        let snapshot = read(&Memory::default().folder("threats").file("x.yaml", 3).link("threats/a.yaml", "../x.yaml"));
        assert_eq!(snapshot.get("threats/a.yaml").map(<[u8]>::len), Some(3));
    }

    #[test]
    fn only_named_files_are_read_and_extras_are_named() {
        let folder = Memory::default()
            .file("sig.yaml", 1)
            .file("notes.txt", 1)
            .folder("threats")
            .file("threats/a.yaml", 1)
            .file("threats/b.yml", 1)
            .file("threats/read-me.txt", 1)
            .file("threats/notes.md", 1)
            .folder("threats/old");
        let snapshot = read(&folder);
        assert_eq!(snapshot.files.keys().collect::<Vec<_>>(), ["sig.yaml", "threats/a.yaml", "threats/b.yml"]);
        assert_eq!(
            problems(&snapshot),
            [
                "documents/threats/old:0:0: warning: folders inside threats/ are not read (a threat is threats/<id>.yaml)",
                "documents/threats/read-me.txt:0:0: warning: not a threat file (threats/<id>.yaml); ignored",
            ]
        );
    }
}
