//! Fuzzes reading a documents folder from git objects: a commit whose `documents` tree
//! and `threats/` hold arbitrary entries (any name bytes, any mode, links, folders) is
//! read with `snapshot_at`. Never a panic; only files the format names, under plain names,
//! come out; every problem names a place in the documents folder, printably.

#![no_main]

use std::cell::RefCell;

use git2::{ObjectType, Oid, Repository, Signature, Time};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use sigdoc_model::layout::is_read;
use sigdoc_model::names::check_name;

/// One entry to put into a tree.
#[derive(Arbitrary, Debug)]
struct Entry {
    /// In `documents/` (false) or in `documents/threats/` (true).
    in_threats: bool,
    /// Picks a mode: a file, an executable, a link, a folder, a submodule, or any number.
    mode: u8,
    /// The name, byte for byte.
    name: Vec<u8>,
    /// A file's content or a link's target; a folder holds one file of it.
    content: Vec<u8>,
}

/// The repository the commits go into, made anew now and then so that loose objects
/// do not pile up.
struct Scratch {
    dir: tempfile::TempDir,
    repo: Repository,
    uses: usize,
}

thread_local! {
    static SCRATCH: RefCell<Option<Scratch>> = const { RefCell::new(None) };
}

fn mode_of(pick: u8) -> String {
    match pick % 8 {
        0 | 1 => "100644".into(),
        2 => "100755".into(),
        3 => "120000".into(),
        4 => "40000".into(),
        5 => "160000".into(),
        // Any octal number git would never write.
        _ => format!("{:o}", u32::from(pick) * 97),
    }
}

/// A tree object written byte for byte, so that names and modes may be anything.
fn raw_tree(repo: &Repository, entries: &[(String, Vec<u8>, Oid)]) -> Oid {
    let mut raw = Vec::new();
    for (mode, name, oid) in entries {
        raw.extend_from_slice(mode.as_bytes());
        raw.push(b' ');
        raw.extend_from_slice(name);
        raw.push(0);
        raw.extend_from_slice(oid.as_bytes());
    }
    repo.odb().unwrap().write(ObjectType::Tree, &raw).unwrap()
}

fn commit(repo: &Repository, entries: &[Entry]) -> Option<()> {
    let mut top = Vec::new();
    let mut threats = Vec::new();
    for entry in entries.iter().take(64) {
        // Libgit2 cannot parse a tree holding an empty name or a NUL inside one.
        if entry.name.is_empty() || entry.name.contains(&0) {
            continue;
        }
        let mode = mode_of(entry.mode);
        let blob = repo.blob(&entry.content).ok()?;
        let id = if mode == "40000" { raw_tree(repo, &[("100644".into(), b"inner.yaml".to_vec(), blob)]) } else { blob };
        let list = if entry.in_threats { &mut threats } else { &mut top };
        list.push((mode, entry.name.clone(), id));
    }
    let threats = raw_tree(repo, &threats);
    top.push(("40000".into(), b"threats".to_vec(), threats));
    let documents = raw_tree(repo, &top);
    let root = raw_tree(repo, &[("40000".into(), b"documents".to_vec(), documents)]);
    let root = repo.find_tree(root).ok()?;
    let sig = Signature::new("F", "f@example.org", &Time::new(1_735_689_600, 0)).ok()?;
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, "fuzz", &root, &parents).ok()?;
    Some(())
}

fuzz_target!(|entries: Vec<Entry>| {
    SCRATCH.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().is_none_or(|s| s.uses > 2_000) {
            let dir = tempfile::tempdir().unwrap();
            let repo = Repository::init(dir.path()).unwrap();
            *cell = Some(Scratch { dir, repo, uses: 0 });
        }
        let scratch = cell.as_mut().unwrap();
        scratch.uses += 1;
        if commit(&scratch.repo, &entries).is_none() {
            return;
        }
        let repo = sigdoc_git::Repo::open(scratch.dir.path()).unwrap();
        let Ok(snapshot) = repo.snapshot_at("HEAD", "documents") else { return };
        for path in snapshot.files.keys() {
            assert!(is_read(path), "read a file the format does not name: {path:?}");
            for part in path.split('/') {
                assert!(check_name(part.as_bytes()).is_ok(), "served a refused name: {path:?}");
            }
        }
        for problem in &snapshot.problems {
            assert!(problem.file.starts_with("documents"), "{problem}");
            assert!(!problem.to_string().chars().any(char::is_control), "unprintable: {problem:?}");
        }
    });
});
