//! Helpers: fixture repositories built in code, running sigdoc in-process, reading PDFs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{IndexAddOption, Oid, Repository, Signature, Time};
use sigdoc_model::{Deliverables, Loaded, Snapshot};
use tempfile::TempDir;

/// 2025-01-01T00:00:00Z: the committer time of a fixture's first commit; each later
/// commit is one day later.
pub const EPOCH: i64 = 1_735_689_600;

/// The project's own documents folder (files only, not its git history).
pub fn project_documents() -> PathBuf {
    manifest_dir().join("../documents")
}

/// Loads a documents folder on disk with sigdoc's own model, as the expected values.
pub fn load_documents(folder: &Path) -> Loaded {
    let mut files = Vec::new();
    collect_files(folder, folder, &mut files);
    let snapshot = Snapshot::from_files("documents", files);
    Deliverables::load(&snapshot)
}

fn collect_files(base: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("read documents folder") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect_files(base, &path, files);
        } else {
            let rel = path.strip_prefix(base).expect("inside the folder").to_string_lossy().replace('\\', "/");
            files.push((rel, std::fs::read(&path).expect("read document file")));
        }
    }
}

fn copy_dir(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let path = entry.expect("directory entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_dir(&path, &target, keep);
        } else if keep(&path) {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

/// A git repository in a temporary folder, with commits made under pinned names and dates.
pub struct Fixture {
    dir: TempDir,
    repo: Repository,
    commits: i64,
}

impl Fixture {
    /// An empty repository (no commit yet).
    pub fn empty() -> Fixture {
        let dir = tempfile::Builder::new().prefix("sigdoc-e2e-").tempdir().expect("create temp dir");
        let repo = Repository::init(dir.path()).expect("git init");
        {
            // The repository's own settings win over whatever the machine's user set.
            let mut config = repo.config().expect("repository config");
            config.set_bool("core.autocrlf", false).expect("set core.autocrlf");
            config.set_str("user.name", "Ada Lovelace").expect("set user.name");
            config.set_str("user.email", "ada@example.org").expect("set user.email");
        }
        Fixture { dir, repo, commits: 0 }
    }

    /// A repository whose working tree holds a copy of the project's `documents/` (not committed).
    pub fn with_project_documents() -> Fixture {
        let fixture = Fixture::empty();
        copy_dir(&project_documents(), &fixture.path().join("documents"), &|_| true);
        fixture
    }

    /// A repository with the project's documents but only the listed threats (not committed):
    /// small enough to build in a fraction of a second.
    pub fn with_threats(ids: &[&str]) -> Fixture {
        let fixture = Fixture::empty();
        let threats = project_documents().join("threats");
        copy_dir(&project_documents(), &fixture.path().join("documents"), &|path| {
            path.parent() != Some(threats.as_path())
                || path.file_stem().is_some_and(|stem| ids.iter().any(|id| stem == *id))
        });
        for id in ids {
            assert!(fixture.path().join(format!("documents/threats/{id}.yaml")).is_file(), "no project threat {id}");
        }
        fixture
    }

    /// The working tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file of the working tree, creating folders as needed.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent folder")).expect("create folders");
        std::fs::write(path, contents).expect("write file");
    }

    /// Reads a file of the working tree as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Replaces the single occurrence of `from` in a working-tree file.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(text.matches(from).count(), 1, "{rel} should contain {from:?} exactly once");
        self.write(rel, text.replacen(from, to, 1));
    }

    /// Stages every change of the working tree (additions, edits, deletions) and commits it
    /// as Ada Lovelace, dated one day after the previous commit; returns the full id.
    pub fn commit(&mut self, message: &str) -> String {
        let tree = self.staged_tree();
        let time = EPOCH + self.commits * 86_400;
        self.commit_tree(message, tree, time)
    }

    /// Commits like [`commit`](Self::commit), dated `time` (seconds since the epoch),
    /// written byte for byte: libgit2 will not write a date past the year 9999.
    pub fn commit_at(&mut self, message: &str, time: i64) -> String {
        let tree = self.staged_tree();
        let mut raw = format!("tree {tree}\n");
        if let Some(parent) = self.repo.head().ok().and_then(|h| h.target()) {
            raw.push_str(&format!("parent {parent}\n"));
        }
        let who = "Ada Lovelace <ada@example.org>";
        raw.push_str(&format!("author {who} {time} +0000\ncommitter {who} {time} +0000\n\n{message}\n"));
        let oid =
            self.repo.odb().expect("object database").write(git2::ObjectType::Commit, raw.as_bytes()).expect("commit");
        let head = self.repo.find_reference("HEAD").expect("HEAD");
        let branch = head.symbolic_target().ok().flatten().expect("HEAD names a branch").to_owned();
        self.repo.reference(&branch, oid, true, "commit").expect("move the branch");
        self.commits += 1;
        oid.to_string()
    }

    /// Commits the working tree plus entries that git itself would never write: each is
    /// `(folder, mode, name, content)`, the folder a path in the tree (`documents/threats`).
    pub fn commit_with_raw_entries(&mut self, message: &str, entries: &[(&str, &str, &[u8], &[u8])]) -> String {
        let mut tree = self.staged_tree();
        for (folder, mode, name, content) in entries {
            let blob = self.repo.blob(content).expect("write blob");
            let parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
            tree = insert_raw(&self.repo, tree, &parts, (mode, name, blob));
        }
        let time = EPOCH + self.commits * 86_400;
        self.commit_tree(message, tree, time)
    }

    /// Sets a setting of the repository's own configuration.
    pub fn config(&self, key: &str, value: &str) {
        self.repo.config().expect("repository config").set_str(key, value).expect("set config");
    }

    /// Writes HEAD's files into the working tree again, as a fresh checkout would.
    pub fn checkout_again(&self) {
        let mut options = git2::build::CheckoutBuilder::new();
        options.force();
        self.repo.checkout_head(Some(&mut options)).expect("checkout");
    }

    fn staged_tree(&mut self) -> Oid {
        let mut index = self.repo.index().expect("open index");
        index.add_all(["*"], IndexAddOption::DEFAULT, None).expect("git add");
        index.update_all(["*"], None).expect("git add -u");
        index.write().expect("write index");
        index.write_tree().expect("write tree")
    }

    fn commit_tree(&mut self, message: &str, tree: Oid, time: i64) -> String {
        let tree = self.repo.find_tree(tree).expect("find tree");
        let signature = Signature::new("Ada Lovelace", "ada@example.org", &Time::new(time, 0)).expect("signature");
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let oid = self.repo.commit(Some("HEAD"), &signature, &signature, message, &tree, &parents).expect("commit");
        self.commits += 1;
        oid.to_string()
    }

    /// Tags a commit with a lightweight tag.
    pub fn tag(&self, name: &str, commit: &str) {
        let object = self.repo.find_object(Oid::from_str(commit).expect("commit id"), None).expect("find commit");
        self.repo.tag_lightweight(name, &object, false).expect("create tag");
    }

    /// Every ref (HEAD included) and what it points at.
    pub fn refs(&self) -> BTreeMap<String, String> {
        let mut refs = BTreeMap::new();
        for reference in self.repo.references().expect("list refs") {
            let reference = reference.expect("read ref");
            let name = String::from_utf8_lossy(reference.name_bytes()).into_owned();
            let target = reference
                .target()
                .map(|o| o.to_string())
                .or_else(|| reference.symbolic_target_bytes().map(|t| String::from_utf8_lossy(t).into_owned()))
                .unwrap_or_default();
            refs.insert(name, target);
        }
        let head = self.repo.find_reference("HEAD").expect("HEAD");
        let head_target = head
            .symbolic_target_bytes()
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .or_else(|| head.target().map(|o| o.to_string()));
        refs.insert("HEAD".to_owned(), head_target.unwrap_or_default());
        refs
    }

    /// Every file under `.git` with its bytes: any write to the repository changes this.
    pub fn git_dir_files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let git_dir = self.path().join(".git");
        let mut stack = vec![git_dir.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read .git") {
                let path = entry.expect("directory entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(&git_dir).expect("inside .git").to_owned();
                    files.insert(rel, std::fs::read(&path).expect("read .git file"));
                }
            }
        }
        files
    }

    /// Every file of the working tree outside `.git`, with its bytes.
    pub fn tree_files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut stack = vec![self.path().to_owned()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read folder") {
                let entry = entry.expect("directory entry");
                let path = entry.path();
                let kind = entry.file_type().expect("file type");
                if path == self.path().join(".git") {
                    continue;
                }
                if kind.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(self.path()).expect("inside the fixture").to_owned();
                    let bytes = if kind.is_symlink() {
                        std::fs::read_link(&path).expect("read link").into_os_string().into_encoded_bytes()
                    } else {
                        std::fs::read(&path).unwrap_or_default()
                    };
                    files.insert(rel, bytes);
                }
            }
        }
        files
    }

    /// Runs sigdoc on this repository, from its working tree, and checks what every run
    /// must leave alone: `.git` stays byte for byte as it was, and no file outside the
    /// command's output (`-o`, `--emit-typst`, the documents for `init` and `new`) appears,
    /// changes or goes.
    pub fn sigdoc(&self, args: &[&str]) -> (u8, String, String) {
        let (git_before, tree_before) = (self.git_dir_files(), self.tree_files());
        let result = sigdoc(args, self.path());
        assert!(self.git_dir_files() == git_before, "sigdoc {args:?} changed .git");
        let allowed = outputs_of(args);
        let tree_after = self.tree_files();
        let changed = tree_before
            .keys()
            .chain(tree_after.keys())
            .filter(|path| tree_before.get(*path) != tree_after.get(*path))
            .filter(|path| !allowed.iter().any(|out| path.starts_with(out)));
        let changed: Vec<&PathBuf> = changed.collect();
        assert!(changed.is_empty(), "sigdoc {args:?} touched files outside its output: {changed:?}");
        result
    }
}

/// `tree` with `entry` added in the folder at `path`, written byte for byte so that its
/// name may be anything; entries are kept in git's order.
fn insert_raw(repo: &Repository, tree: Oid, path: &[&str], entry: (&str, &[u8], Oid)) -> Oid {
    let tree = repo.find_tree(tree).expect("find tree");
    let mut entries: Vec<(String, Vec<u8>, Oid)> =
        tree.iter().map(|e| (format!("{:o}", e.filemode()), e.name_bytes().to_vec(), e.id())).collect();
    match path.split_first() {
        None => entries.push((entry.0.to_owned(), entry.1.to_vec(), entry.2)),
        Some((first, rest)) => {
            let slot = entries.iter().position(|e| e.1 == first.as_bytes());
            let inner = match slot {
                Some(i) => entries.remove(i).2,
                None => repo.treebuilder(None).expect("tree builder").write().expect("empty tree"),
            };
            let inner = insert_raw(repo, inner, rest, entry);
            entries.push(("40000".to_owned(), first.as_bytes().to_vec(), inner));
        }
    }
    let key = |(mode, name, _): &(String, Vec<u8>, Oid)| {
        let mut k = name.clone();
        if mode == "40000" {
            k.push(b'/');
        }
        k
    };
    entries.sort_by_key(key);
    let mut raw = Vec::new();
    for (mode, name, oid) in &entries {
        raw.extend_from_slice(mode.as_bytes());
        raw.push(b' ');
        raw.extend_from_slice(name);
        raw.push(0);
        raw.extend_from_slice(oid.as_bytes());
    }
    repo.odb().expect("object database").write(git2::ObjectType::Tree, &raw).expect("write tree")
}

/// The folders (or file) a command line may write into, relative to the working tree.
fn outputs_of(args: &[&str]) -> Vec<PathBuf> {
    let value = |names: &[&str]| {
        args.iter().position(|a| names.contains(a)).and_then(|i| args.get(i + 1)).map(|v| PathBuf::from(*v))
    };
    let root = value(&["--root"]).unwrap_or_else(|| "documents".into());
    let command = args.iter().find(|a| ["build", "release", "diff", "init", "new"].contains(a));
    let mut outputs = Vec::new();
    match command.copied() {
        Some("build") => {
            outputs.push(value(&["-o", "--output"]).unwrap_or_else(|| "out".into()));
            outputs.extend(value(&["--emit-typst"]));
        }
        Some("release") => outputs.push(value(&["-o", "--output"]).unwrap_or_else(|| "release".into())),
        Some("diff") => outputs.extend(value(&["-o", "--output"])),
        Some("init") => {
            let dir = args.iter().skip_while(|a| **a != "init").nth(1).filter(|a| !a.starts_with('-'));
            outputs.push(dir.map_or_else(PathBuf::new, PathBuf::from).join(&root));
        }
        Some("new") => outputs.push(root),
        _ => {}
    }
    // `./x` and `x` name the same place.
    outputs.into_iter().map(|p| p.components().filter(|c| *c != std::path::Component::CurDir).collect()).collect()
}

/// Runs sigdoc in-process with `--repo <cwd> --color never` before `args`; returns the exit
/// status, standard output and standard error.
pub fn sigdoc(args: &[&str], cwd: &Path) -> (u8, String, String) {
    let mut argv: Vec<std::ffi::OsString> =
        vec!["sigdoc".into(), "--repo".into(), cwd.as_os_str().to_owned(), "--color".into(), "never".into()];
    argv.extend(args.iter().map(Into::into));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = sigdoc_cli::run(argv, cwd, &mut out, &mut err, &sigdoc_cli::Host::of_process());
    let (stdout, stderr) =
        (String::from_utf8(out).expect("UTF-8 stdout"), String::from_utf8(err).expect("UTF-8 stderr"));
    (code, stdout, stderr)
}

/// Runs a poppler tool and returns its standard output.
fn poppler(tool: &str, args: &[&str], path: &Path, trailing: &[&str]) -> String {
    let output = Command::new(tool).args(args).arg(path).args(trailing).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}); install poppler-utils (`make deps` does)");
    });
    assert!(
        output.status.success(),
        "{tool} {} failed on {}: {}",
        args.join(" "),
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap_or_else(|e| panic!("{tool} printed non-UTF-8: {e}"))
}

/// The text of a PDF, as `pdftotext -layout` extracts it.
pub fn pdf_text(path: &Path) -> String {
    poppler("pdftotext", &["-layout", "-enc", "UTF-8"], path, &["-"])
}

/// The number of pages `pdfinfo` reads.
pub fn pdf_pages(path: &Path) -> usize {
    pdf_info(path)
        .get("Pages")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo shows no page count for {}", path.display()))
}

/// The fields `pdfinfo -isodates` prints (`Title`, `Pages`, `CreationDate`, ...).
pub fn pdf_info(path: &Path) -> BTreeMap<String, String> {
    poppler("pdfinfo", &["-isodates"], path, &[])
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// One row of `pdffonts`.
#[derive(Debug)]
pub struct Font {
    /// The font's name (with its subset prefix).
    pub name: String,
    /// The `emb` column: whether the font is embedded.
    pub embedded: bool,
}

/// The fonts of a PDF, as `pdffonts` lists them.
pub fn pdf_fonts(path: &Path) -> Vec<Font> {
    let listing = poppler("pdffonts", &[], path, &[]);
    let mut lines = listing.lines();
    let header = lines.next().expect("pdffonts header");
    let emb = header.find(" emb ").map(|i| i + 1).expect("pdffonts has an emb column");
    lines
        .skip(1) // the ---- rule
        .filter(|line| !line.trim().is_empty())
        .map(|line| Font {
            name: line.split_whitespace().next().unwrap_or_default().to_owned(),
            embedded: line.get(emb..emb + 3) == Some("yes"),
        })
        .collect()
}

/// Text as a searchable single line: drops lines that hold only the DRAFT watermark's
/// letters or only a number (footnote marks, page numbers), joins lines (words hyphenated
/// at a line end are joined back), removes soft hyphens and word joiners, makes quotes
/// straight and collapses whitespace. Apply it to both the text and what is searched for.
pub fn normalise(text: &str) -> String {
    let mut joined = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        let watermark = !trimmed.is_empty()
            && trimmed.split_whitespace().all(|w| w.len() == 1 && w.chars().all(|c| c.is_ascii_uppercase()));
        let number = !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit());
        if trimmed.is_empty() || watermark || number {
            continue;
        }
        if joined.ends_with('\u{ad}') {
            joined.pop();
        } else if !(joined.is_empty() || joined.ends_with('-')) {
            joined.push(' ');
        }
        joined.push_str(trimmed);
    }
    let cleaned: String = joined
        .replace(['\u{2060}', '\u{200b}', '\u{ad}'], "")
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace('\u{a0}', " ");
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `needle` occurs in normalised text, both normalised the same way.
pub fn contains(normalised: &str, needle: &str) -> bool {
    normalised.contains(&normalise(needle))
}

/// Whether `needle` occurs in normalised text when all whitespace is ignored: for URLs,
/// which break at any `/` or `.` at a line end.
pub fn contains_ignoring_spaces(normalised: &str, needle: &str) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    squeeze(normalised).contains(&squeeze(&normalise(needle)))
}

/// How many times `needle` occurs in normalised text.
pub fn count(normalised: &str, needle: &str) -> usize {
    normalised.matches(&normalise(needle)).count()
}

/// A short excerpt around the first occurrence of `near` (or the start), for failure messages.
pub fn excerpt(normalised: &str, near: &str) -> String {
    let at = normalised.find(near).unwrap_or(0);
    let start = normalised.floor_char_boundary(at.saturating_sub(300));
    let end = normalised.ceil_char_boundary((at + 300).min(normalised.len()));
    normalised[start..end].to_owned()
}

/// This crate's folder in the checkout the tests run in: cargo sets it when running
/// tests, while the compile-time value names whichever checkout built the binary first
/// when checkouts share a target folder.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}
