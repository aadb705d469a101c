//! Fixture repositories built in code, with pinned names and dates.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use git2::{ObjectType, Oid, Repository, Signature, Time};
use tempfile::TempDir;

/// 2025-01-01T00:00:00Z.
pub const EPOCH: i64 = 1_735_689_600;
pub const DAY: i64 = 86_400;

pub const FILE: i32 = 0o100644;
pub const LINK: i32 = 0o120000;

/// A tree's files: path -> (mode, content).
pub type Files = BTreeMap<String, (i32, Vec<u8>)>;

/// Files from `(path, text)` pairs.
pub fn files(entries: &[(&str, &str)]) -> Files {
    entries.iter().map(|(p, c)| (p.to_string(), (FILE, c.as_bytes().to_vec()))).collect()
}

/// `base` with some files changed (text) or, for `None`, removed.
pub fn with(base: &Files, changes: &[(&str, Option<&str>)]) -> Files {
    let mut out = base.clone();
    for (path, content) in changes {
        match content {
            Some(c) => {
                out.insert(path.to_string(), (FILE, c.as_bytes().to_vec()));
            }
            None => {
                out.remove(*path);
            }
        }
    }
    out
}

/// The standard documents of a group, each with a marker text.
pub fn documents(marker: &str) -> Files {
    files(&[
        ("documents/sig.yaml", "name: Security SIG\nshortname: secsig\nauthors: []\n"),
        ("documents/process.md", &format!("---\ntitle: Process\n---\nprocess {marker}\n")),
        ("documents/template.yaml", &format!("title: Template # {marker}\n")),
        ("documents/analysis.md", &format!("---\ntitle: Analysis\n---\nanalysis {marker}\n")),
        ("documents/threats/a.yaml", &format!("id: a # {marker}\n")),
        ("src/main.rs", "fn main() {}\n"),
    ])
}

pub struct Fixture {
    pub dir: TempDir,
    pub repo: Repository,
    /// Days since [`EPOCH`] of the next commit or tag.
    pub clock: i64,
}

impl Fixture {
    /// An empty repository whose HEAD is the unborn branch `main`.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        repo.set_head("refs/heads/main").unwrap();
        Fixture { dir, repo, clock: 0 }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn sig(&self, name: &str, email: &str) -> Signature<'static> {
        Signature::new(name, email, &Time::new(EPOCH + self.clock * DAY, 0)).unwrap()
    }

    /// Writes the files as a tree and returns its id.
    pub fn tree(&self, files: &Files) -> Oid {
        write_tree(&self.repo, files, "")
    }

    /// Commits `files` with `parents` as Alice and points `refs/heads/<branch>` at it.
    pub fn commit(&mut self, branch: &str, parents: &[Oid], files: &Files, message: &str) -> Oid {
        self.commit_by(branch, parents, files, message, "Alice Example", "alice@example.org")
    }

    pub fn commit_by(
        &mut self,
        branch: &str,
        parents: &[Oid],
        files: &Files,
        message: &str,
        name: &str,
        email: &str,
    ) -> Oid {
        let tree = self.repo.find_tree(self.tree(files)).unwrap();
        let parents: Vec<_> = parents.iter().map(|p| self.repo.find_commit(*p).unwrap()).collect();
        let parents: Vec<_> = parents.iter().collect();
        let sig = self.sig(name, email);
        let oid = self.repo.commit(None, &sig, &sig, message, &tree, &parents).unwrap();
        self.repo.reference(&format!("refs/heads/{branch}"), oid, true, "fixture").unwrap();
        self.clock += 1;
        oid
    }

    /// Writes a commit object byte for byte (odd encodings, missing e-mail).
    pub fn raw_commit(&mut self, branch: &str, parents: &[Oid], files: &Files, header_and_message: &[u8]) -> Oid {
        let tree = self.tree(files);
        let mut raw = format!("tree {tree}\n").into_bytes();
        for p in parents {
            raw.extend(format!("parent {p}\n").bytes());
        }
        raw.extend_from_slice(header_and_message);
        let oid = self.repo.odb().unwrap().write(ObjectType::Commit, &raw).unwrap();
        self.repo.reference(&format!("refs/heads/{branch}"), oid, true, "fixture").unwrap();
        self.clock += 1;
        oid
    }

    pub fn tag_annotated(&mut self, name: &str, target: Oid, message: &str) -> Oid {
        let object = self.repo.find_object(target, None).unwrap();
        let sig = self.sig("Release Bot", "bot@example.org");
        let oid = self.repo.tag(name, &object, &sig, message, false).unwrap();
        self.clock += 1;
        oid
    }

    pub fn tag_light(&self, name: &str, target: Oid) {
        let object = self.repo.find_object(target, None).unwrap();
        self.repo.tag_lightweight(name, &object, false).unwrap();
    }

    /// Checks out HEAD into the working tree and index (the fixture's own set-up).
    pub fn checkout(&self) {
        self.repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force().remove_untracked(true))).unwrap();
    }

    pub fn write(&self, path: &str, content: &[u8]) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }

    /// Everything that must not change when sigdoc reads: refs, HEAD, index, objects.
    pub fn state(&self) -> Vec<(String, Vec<u8>)> {
        let git_dir = self.repo.path();
        let mut out = Vec::new();
        collect_files(git_dir, git_dir, &mut out);
        out
    }
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(base, &path, out);
        } else {
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::metadata(&path).unwrap();
            let mut content = std::fs::read(&path).unwrap();
            content.extend(format!("{:?}", meta.modified().ok()).bytes());
            out.push((rel, content));
        }
    }
}

fn write_tree(repo: &Repository, files: &Files, prefix: &str) -> Oid {
    let mut builder = repo.treebuilder(None).unwrap();
    let mut folders: BTreeMap<String, Files> = BTreeMap::new();
    for (path, (mode, content)) in files {
        match path.split_once('/') {
            Some((folder, rest)) => {
                folders.entry(folder.to_owned()).or_default().insert(rest.to_owned(), (*mode, content.clone()));
            }
            None => {
                let blob = repo.blob(content).unwrap();
                builder.insert(path, blob, *mode).unwrap();
            }
        }
    }
    for (folder, inner) in folders {
        let sub = write_tree(repo, &inner, &format!("{prefix}{folder}/"));
        builder.insert(&folder, sub, 0o040000).unwrap();
    }
    builder.write().unwrap()
}

/// Runs `git` hermetically; `None` when git is not installed.
pub fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output();
    match output {
        Ok(out) => {
            assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("cannot run git: {e}"),
    }
}

/// `git log --format=%H REV -- <paths>`, or `None` without git.
pub fn git_log(dir: &Path, rev: &str, paths: &[String]) -> Option<Vec<String>> {
    let mut args = vec!["log", "--format=%H", rev, "--"];
    args.extend(paths.iter().map(String::as_str));
    git(dir, &args).map(|out| out.lines().map(str::to_owned).collect())
}

/// A document's paths inside the `documents` folder, as git pathspecs.
pub fn pathspecs(doc: sigdoc_model::DocKind) -> Vec<String> {
    doc.paths().iter().map(|p| format!("documents/{p}")).collect()
}
