//! Where sigdoc writes: an output folder checked once (never inside the git directory or
//! the documents folder, never through a link inside the working tree), written only
//! through names that cannot leave it, a batch at a time: every file staged first, then
//! all renamed into place, under a lock that keeps a second sigdoc out.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use sigdoc_git::Repo;
use sigdoc_model::names::{check_name, shown};

use crate::error::Error;

/// The prefix of sigdoc's temporary files: a later run removes what an interrupted one left.
const TEMPORARY_PREFIX: &str = ".sigdoc-tmp-";

/// Temporary files that exist right now, for the signal handler to remove.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes every temporary file sigdoc has staged and not yet renamed, then ends the
/// process with `status`: what an interrupt or termination signal does. The list stays
/// locked until the end, so that no other thread creates a file after the removal.
pub fn remove_temporaries_and_exit(status: i32) -> ! {
    let temporaries = temporaries();
    for path in temporaries.iter() {
        let _ = fs::remove_file(path);
    }
    std::process::exit(status)
}

/// Creates a temporary file and lists it, in one step under the list's lock: a signal
/// handler that removes the listed files can never miss one being created.
fn create_temporary(path: &Path) -> io::Result<File> {
    let mut temporaries = temporaries();
    // `create_new` with the default mode: the user's umask decides (0644 under 022).
    let file = OpenOptions::new().write(true).create_new(true).open(path)?;
    temporaries.push(path.to_owned());
    Ok(file)
}

fn unlist(path: &Path) {
    temporaries().retain(|p| p != path);
}

/// The places sigdoc never writes into, resolved once.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// Real paths and what they are: the git directory, the documents folder.
    forbidden: Vec<(PathBuf, &'static str)>,
    /// The working tree's real path, inside which no link is followed on the way out.
    workdir: Option<PathBuf>,
}

impl Places {
    /// The git directories of `repo` and its documents folder `root`.
    pub fn of(repo: &Repo, root: &str) -> Places {
        let mut forbidden: Vec<(PathBuf, &'static str)> = repo
            .git_dirs()
            .into_iter()
            .filter_map(|dir| fs::canonicalize(dir).ok())
            .map(|dir| (dir, "the repository's git directory"))
            .collect();
        let workdir = repo.workdir().and_then(|w| fs::canonicalize(w).ok());
        if let Some(documents) = repo.workdir().and_then(|w| fs::canonicalize(w.join(root)).ok()) {
            forbidden.push((documents, DOCUMENTS));
        }
        Places { forbidden, workdir }
    }

    /// The same places but the documents folder: for `sigdoc init`, which creates it.
    pub fn without_documents(mut self) -> Places {
        self.forbidden.retain(|(_, what)| *what != DOCUMENTS);
        self
    }
}

/// How the documents folder is named among the forbidden places.
const DOCUMENTS: &str = "the documents folder";

/// A checked output folder.
#[derive(Debug, Clone)]
pub struct OutputDir {
    /// The folder's real path (links resolved, `..` applied).
    path: PathBuf,
    /// The folder as the user gave it, for messages.
    shown: PathBuf,
}

impl OutputDir {
    /// Checks an output folder given on the command line (relative to `cwd`) before
    /// anything is built.
    pub fn new(given: &Path, cwd: &Path, places: &Places) -> Result<OutputDir, Error> {
        let refuse = |why: String| Error::Usage(format!("refusing to write into {}: {why}", given.display()));
        let absolute = cwd.join(given);
        if let Some(workdir) = &places.workdir
            && let Some(link) = link_inside(&absolute, workdir)
        {
            return Err(refuse(format!(
                "{} is a symbolic link inside the repository (pass a real folder with -o)",
                link.display()
            )));
        }
        let path = resolve(&absolute)
            .map_err(|source| Error::Io { what: format!("cannot resolve {}", given.display()), source })?;
        for (place, what) in &places.forbidden {
            if path.starts_with(place) {
                return Err(refuse(format!(
                    "it lies inside {what} ({}); pass another folder with -o",
                    place.display()
                )));
            }
        }
        Ok(OutputDir { path, shown: given.to_owned() })
    }

    /// The folder as the user gave it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// The folder's real path.
    pub fn real_path(&self) -> &Path {
        &self.path
    }

    /// Says why a folder `relative` inside this one (a release's tag) may not be written,
    /// if it lies in one of the `places` sigdoc never writes into.
    pub fn check_inside(&self, relative: &str, places: &Places) -> Result<(), String> {
        let path = resolve(&self.path.join(relative)).map_err(|e| format!("cannot resolve it: {e}"))?;
        match places.forbidden.iter().find(|(place, _)| path.starts_with(place)) {
            Some((place, what)) => Err(format!("it would lie inside {what} ({})", place.display())),
            None => Ok(()),
        }
    }

    /// Creates the folder, takes its lock (waiting for another sigdoc writing into it),
    /// and removes temporary files an interrupted run left.
    pub fn batch(&self, on_wait: &mut dyn FnMut(&Path)) -> Result<Batch<'_>, Error> {
        let io = |what: &str| {
            let what = format!("{what} {}", self.shown.display());
            move |source| Error::Io { what, source }
        };
        fs::create_dir_all(&self.path).map_err(io("cannot create"))?;
        let lock = lock_folder(&self.path, on_wait).map_err(io("cannot lock"))?;
        for entry in fs::read_dir(&self.path).map_err(io("cannot read"))? {
            let entry = entry.map_err(io("cannot read"))?;
            if entry.file_name().to_string_lossy().starts_with(TEMPORARY_PREFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
        Ok(Batch { dir: self, _lock: lock, staged: Vec::new() })
    }
}

/// Files staged in an output folder, renamed into place together by [`Batch::commit`];
/// dropped uncommitted, it removes its temporaries and leaves the folder as it was.
pub struct Batch<'a> {
    dir: &'a OutputDir,
    _lock: File,
    staged: Vec<(PathBuf, Vec<String>)>,
}

impl Batch<'_> {
    /// Stages a file at `relative` (`/`-separated names inside the folder, each checked).
    pub fn add(&mut self, relative: &str, bytes: &[u8]) -> Result<(), Error> {
        let parts = parts_of(relative).ok_or_else(|| {
            Error::Usage(format!(
                "refusing to write `{}`: not a plain path inside the output folder",
                shown(relative.as_bytes())
            ))
        })?;
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self.dir.path.join(format!("{TEMPORARY_PREFIX}{}-{n}", std::process::id()));
        let io =
            |source| Error::Io { what: format!("cannot write {}", self.dir.shown.join(relative).display()), source };
        let mut file = create_temporary(&temp).map_err(io)?;
        // Staged before it is written: a failure leaves nothing once the batch drops.
        self.staged.push((temp.clone(), parts));
        file.write_all(bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(())
    }

    /// Creates the folders the files go into, then renames every staged file into place.
    /// What can be known to fail (a folder where a file goes) fails before any rename.
    pub fn commit(mut self) -> Result<(), Error> {
        for (_, parts) in &self.staged {
            self.make_folders(&parts[..parts.len() - 1])?;
            let target = parts.iter().fold(self.dir.path.clone(), |p, part| p.join(part));
            if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                return Err(Error::Io {
                    what: format!("cannot write {}", self.dir.shown.join(parts.join("/")).display()),
                    source: io::Error::new(io::ErrorKind::IsADirectory, "a folder stands in its place"),
                });
            }
        }
        for (temp, parts) in std::mem::take(&mut self.staged) {
            let target = parts.iter().fold(self.dir.path.clone(), |p, part| p.join(part));
            let result = fs::rename(&temp, &target);
            if result.is_err() {
                let _ = fs::remove_file(&temp);
            }
            unlist(&temp);
            result.map_err(|source| Error::Io {
                what: format!("cannot write {}", self.dir.shown.join(parts.join("/")).display()),
                source,
            })?;
        }
        Ok(())
    }

    /// Creates the folders of a path inside the output folder, refusing to go through
    /// a link or a file.
    fn make_folders(&self, folders: &[String]) -> Result<(), Error> {
        let mut path = self.dir.path.clone();
        for folder in folders {
            path.push(folder);
            let io = |source| Error::Io { what: format!("cannot create {}", path.display()), source };
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    return Err(io(io::Error::new(io::ErrorKind::AlreadyExists, "it exists and is not a folder")));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir(&path).map_err(io)?,
                Err(e) => return Err(io(e)),
            }
        }
        Ok(())
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        for (temp, _) in &self.staged {
            let _ = fs::remove_file(temp);
            unlist(temp);
        }
    }
}

/// Whether `name` is one plain file name that stays in its folder everywhere.
pub fn is_plain_name(name: &str) -> bool {
    parts_of(name).is_some_and(|parts| parts.len() == 1)
}

/// The names of a relative path, if each is a plain name that stays in its folder on
/// every system sigdoc runs on.
fn parts_of(relative: &str) -> Option<Vec<String>> {
    let parts: Vec<String> = relative.split('/').map(str::to_owned).collect();
    let plain = |part: &String| {
        check_name(part.as_bytes()).is_ok()
            && !part.starts_with(TEMPORARY_PREFIX)
            && matches!(Path::new(part).components().collect::<Vec<_>>().as_slice(), [Component::Normal(_)])
    };
    parts.iter().all(plain).then_some(parts)
}

/// A path with links resolved and `..` applied: the existing part as the system resolves
/// it, the rest as the folders sigdoc will create.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut real = PathBuf::new();
    // Components pushed past the last one that exists; `..` back to zero means the path
    // exists again and must be resolved again (it may go through a link).
    let mut missing = 0usize;
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => real.push(component),
            Component::CurDir => {}
            Component::ParentDir if missing == 0 => real = fs::canonicalize(real.join(".."))?,
            Component::ParentDir => {
                real.pop();
                missing -= 1;
            }
            Component::Normal(name) => {
                let next = real.join(name);
                if missing == 0 {
                    match fs::canonicalize(&next) {
                        Ok(resolved) => {
                            real = resolved;
                            continue;
                        }
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(e) => return Err(e),
                    }
                }
                missing += 1;
                real = next;
            }
        }
    }
    Ok(real)
}

/// The first symbolic link on the way to `path` that lies inside the working tree: a
/// repository may commit `out` as a link to anywhere on the machine.
fn link_inside(path: &Path, workdir: &Path) -> Option<PathBuf> {
    let mut prefix = PathBuf::new();
    for component in path.components() {
        prefix.push(component);
        let Ok(meta) = fs::symlink_metadata(&prefix) else { return None };
        if meta.file_type().is_symlink()
            && prefix.parent().and_then(|p| fs::canonicalize(p).ok()).is_some_and(|p| p.starts_with(workdir))
        {
            return Some(prefix);
        }
    }
    None
}

/// Locks a folder against other sigdoc processes, waiting (and calling `on_wait` first,
/// to say so) while one holds it.
fn lock_folder(path: &Path, on_wait: &mut dyn FnMut(&Path)) -> io::Result<File> {
    // A folder can be locked itself on Unix; elsewhere a lock file stands for it.
    let file = if cfg!(unix) {
        File::open(path)?
    } else {
        OpenOptions::new().create(true).truncate(false).write(true).open(path.join(".sigdoc.lock"))?
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            on_wait(path);
            file.lock()?;
        }
        Err(fs::TryLockError::Error(e)) => return Err(e),
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_names_are_written() {
        assert_eq!(parts_of("process.pdf"), Some(vec!["process.pdf".to_owned()]));
        assert_eq!(parts_of("documents/threats/a.yaml").map(|p| p.len()), Some(3));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            ".git/config",
            "a/.GIT/b",
            "x\\y",
            "a\u{1b}b",
            ".sigdoc-tmp-1-2",
        ] {
            assert_eq!(parts_of(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn staged_files_are_listed_until_renamed_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::new(Path::new("out"), dir.path(), &Places::default()).unwrap();
        let waited = std::cell::RefCell::new(Vec::new());
        let mut on_wait = |folder: &Path| waited.borrow_mut().push(folder.to_owned());
        let temporaries_in = |dir: &Path| {
            fs::read_dir(dir)
                .unwrap()
                .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(TEMPORARY_PREFIX))
                .count()
        };
        let mut batch = out.batch(&mut on_wait).unwrap();
        batch.add("a.pdf", b"a").unwrap();
        assert_eq!(temporaries_in(out.real_path()), 1);
        assert_eq!(temporaries().len(), 1, "listed for a signal handler");
        batch.add("b.pdf", b"b").unwrap();
        drop(batch);
        assert_eq!(temporaries_in(out.real_path()), 0);
        assert!(!out.real_path().join("b.pdf").exists());
        assert!(temporaries().is_empty(), "dropped, the files are no longer listed");
        let mut batch = out.batch(&mut on_wait).unwrap();
        batch.add("sub/c.pdf", b"c").unwrap();
        batch.commit().unwrap();
        assert_eq!(fs::read(out.real_path().join("sub/c.pdf")).unwrap(), b"c");
        assert_eq!(temporaries_in(out.real_path()), 0);
        assert!(waited.borrow().is_empty(), "nobody else held the folder");
    }

    #[test]
    fn paths_resolve_through_what_exists() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(real.join("a")).unwrap();
        assert_eq!(resolve(&real.join("a/../b/c/../d")).unwrap(), real.join("b/d"));
        assert_eq!(resolve(&real.join("new/../a/./x")).unwrap(), real.join("a/x"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(real.join("a"), real.join("link")).unwrap();
            assert_eq!(resolve(&real.join("link/out")).unwrap(), real.join("a/out"));
            assert_eq!(link_inside(&real.join("link/out"), &real), Some(real.join("link")));
            assert_eq!(link_inside(&real.join("a/out"), &real), None);
            // Back out of a folder that does not exist yet, then through a link.
            assert_eq!(resolve(&real.join("new/../link/x")).unwrap(), real.join("a/x"));
        }
    }
}
