//! Repositories crafted to harm their reader: tree entry names that leave the folder,
//! tree bombs, links to elsewhere, chains of tags, line-ending filters (issue 13).

mod common;

use common::{Fixture, documents, with};
use git2::{ObjectType, Oid};
use sigdoc_git::{GitError, Repo};
use sigdoc_model::layout::{MAX_FILE_SIZE, MAX_FOLDER_ENTRIES, MAX_TOTAL_SIZE};
use sigdoc_model::{Snapshot, Source};

const TREE: &str = "40000";
const BLOB: &str = "100644";

/// Writes a tree object byte for byte, so that entries may carry any name and mode.
/// Entries are sorted as git sorts them (folders as if their name ended in `/`).
fn raw_tree(fx: &Fixture, entries: &[(&str, Vec<u8>, Oid)]) -> Oid {
    let mut entries = entries.to_vec();
    let key = |(mode, name, _): &(&str, Vec<u8>, Oid)| {
        let mut k = name.clone();
        if *mode == TREE {
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
    fx.repo.odb().unwrap().write(ObjectType::Tree, &raw).unwrap()
}

/// The entries of a tree as `(mode, name, id)`.
fn entries_of(fx: &Fixture, tree: Oid) -> Vec<(&'static str, Vec<u8>, Oid)> {
    let tree = fx.repo.find_tree(tree).unwrap();
    tree.iter()
        .map(|e| (if e.kind() == Some(ObjectType::Tree) { TREE } else { BLOB }, e.name_bytes().to_vec(), e.id()))
        .collect()
}

/// Commits the standard documents with extra raw entries in `documents/` and in
/// `documents/threats/`, and returns the commit.
fn commit_with(fx: &mut Fixture, top: &[(&str, Vec<u8>, Oid)], threats: &[(&str, Vec<u8>, Oid)]) -> Oid {
    let base = fx.tree(&documents("one"));
    let root_entries = entries_of(fx, base);
    let docs_id = root_entries.iter().find(|e| e.1 == b"documents").unwrap().2;
    let mut docs = entries_of(fx, docs_id);
    let threats_id = docs.iter().find(|e| e.1 == b"threats").unwrap().2;
    let mut threat_entries = entries_of(fx, threats_id);
    threat_entries.extend(threats.iter().cloned());
    let threats_tree = raw_tree(fx, &threat_entries);
    docs.retain(|e| e.1 != b"threats");
    docs.push((TREE, b"threats".to_vec(), threats_tree));
    docs.extend(top.iter().cloned());
    let docs_tree = raw_tree(fx, &docs);
    let mut root = root_entries;
    root.retain(|e| e.1 != b"documents");
    root.push((TREE, b"documents".to_vec(), docs_tree));
    let root = fx.repo.find_tree(raw_tree(fx, &root)).unwrap();
    let sig = fx.sig("Mallory", "mallory@example.org");
    let oid = fx.repo.commit(Some("refs/heads/main"), &sig, &sig, "Hostile", &root, &[]).unwrap();
    fx.clock += 1;
    oid
}

fn problems(snapshot: &Snapshot) -> Vec<String> {
    snapshot.problems.iter().map(ToString::to_string).collect()
}

#[test]
fn tree_entry_names_that_leave_the_folder_are_refused_and_located() {
    let mut fx = Fixture::new();
    let blob = fx.repo.blob(b"[core]\n\tfsmonitor = touch /tmp/pwned\n").unwrap();
    let folder = fx.tree(&common::files(&[("config", "x")]));
    let top = [
        (BLOB, b"../../../../.git/config".to_vec(), blob),
        (BLOB, b"/etc/passwd".to_vec(), blob),
        (BLOB, b"..".to_vec(), blob),
        (TREE, b".".to_vec(), folder),
        (TREE, b".git".to_vec(), folder),
        (TREE, b".GIT".to_vec(), folder),
        (TREE, b"git~1".to_vec(), folder),
        (TREE, ".g\u{200c}it".as_bytes().to_vec(), folder),
        (BLOB, b"a\\b.yaml".to_vec(), blob),
        (BLOB, b"x\x1b]0;pwned\x07.yaml".to_vec(), blob),
    ];
    let threats = [(BLOB, b"../../evil.yaml".to_vec(), blob), (BLOB, b".git ".to_vec(), blob)];
    commit_with(&mut fx, &top, &threats);
    let snapshot = Repo::open(fx.path()).unwrap().snapshot_at("main", "documents").unwrap();

    assert_eq!(
        snapshot.files.keys().collect::<Vec<_>>(),
        ["analysis.md", "process.md", "sig.yaml", "template.yaml", "threats/a.yaml"],
        "only the well-named files are read"
    );
    assert_eq!(
        problems(&snapshot),
        [
            "documents/.:0:0: error: a file name of dots that names a folder; refused",
            "documents/..:0:0: error: a file name of dots that names a folder; refused",
            "documents/../../../../.git/config:0:0: error: a file name with a path separator; refused",
            "documents/.GIT:0:0: error: a file name that a file system takes for `.git`; refused",
            "documents/.git:0:0: error: a file name that a file system takes for `.git`; refused",
            "documents/.g\u{200c}it:0:0: error: a file name that a file system takes for `.git`; refused",
            "documents//etc/passwd:0:0: error: a file name with a path separator; refused",
            "documents/a\\b.yaml:0:0: error: a file name with a path separator; refused",
            "documents/git~1:0:0: error: a file name that a file system takes for `.git`; refused",
            "documents/threats/../../evil.yaml:0:0: error: a file name with a path separator; refused",
            "documents/threats/.git :0:0: error: a file name that a file system takes for `.git`; refused",
            "documents/x\\u{1b}]0;pwned\\u{7}.yaml:0:0: error: a file name with the character U+001B; refused",
        ]
    );
    assert!(snapshot.problems.iter().all(|p| !p.file.contains('\x1b')), "no raw control character in a name");
}

#[test]
fn names_that_only_differ_in_case_or_repeat_are_refused() {
    let mut fx = Fixture::new();
    let blob = fx.repo.blob(b"id: x\n").unwrap();
    let threats = [(BLOB, b"A.yaml".to_vec(), blob), (BLOB, b"a.yaml".to_vec(), blob)];
    commit_with(&mut fx, &[(BLOB, b"sig.yaml".to_vec(), blob)], &threats);
    let snapshot = Repo::open(fx.path()).unwrap().snapshot_at("main", "documents").unwrap();
    let problems = problems(&snapshot);
    assert!(
        problems.contains(&"documents/sig.yaml:0:0: error: the name appears twice in its folder; refused".into()),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("documents/threats/a.yaml:0:0: error: the name differs only in case from `A.yaml`")),
        "{problems:?}"
    );
}

#[test]
fn a_tree_bomb_outside_the_named_files_costs_nothing() {
    let mut fx = Fixture::new();
    let big = fx.repo.blob(&vec![b'x'; MAX_FILE_SIZE as usize]).unwrap();
    // 20,000 names for one megabyte: twenty gigabytes to whoever reads them all.
    let junk: Vec<_> = (0..20_000).map(|i| (BLOB, format!("f{i}").into_bytes(), big)).collect();
    let junk = raw_tree(&fx, &junk);
    // And a folder that holds itself a thousand times over, ten levels deep.
    let mut nested = junk;
    for _ in 0..10 {
        let level: Vec<_> = (0..1000).map(|i| (TREE, format!("d{i}").into_bytes(), nested)).collect();
        nested = raw_tree(&fx, &level);
    }
    commit_with(&mut fx, &[(TREE, b"junk".to_vec(), nested)], &[]);
    let repo = Repo::open(fx.path()).unwrap();
    let snapshot = repo.snapshot_at("main", "documents").unwrap();
    assert!(snapshot.problems.is_empty(), "{:?}", problems(&snapshot));
    let read: usize = snapshot.files.values().map(Vec::len).sum();
    assert!(read < 1000, "read {read} bytes");
}

#[test]
fn what_is_read_is_bounded_in_bytes_and_entries() {
    let mut fx = Fixture::new();
    let big = fx.repo.blob(&vec![b'x'; MAX_FILE_SIZE as usize]).unwrap();
    let copies = (MAX_TOTAL_SIZE / MAX_FILE_SIZE) as usize + 8;
    let threats: Vec<_> = (0..copies).map(|i| (BLOB, format!("t{i:03}.yaml").into_bytes(), big)).collect();
    commit_with(&mut fx, &[], &threats);
    let snapshot = Repo::open(fx.path()).unwrap().snapshot_at("main", "documents").unwrap();
    let total: usize = snapshot.files.values().map(Vec::len).sum();
    assert!(total as u64 <= MAX_TOTAL_SIZE, "read {total} bytes");
    assert_eq!(
        problems(&snapshot),
        ["documents:0:0: error: the files sigdoc reads here add up to more than 32 MiB; the rest were not read"]
    );

    let mut fx = Fixture::new();
    let small = fx.repo.blob(b"id: x\n").unwrap();
    let threats: Vec<_> =
        (0..=MAX_FOLDER_ENTRIES).map(|i| (BLOB, format!("t{i:05}.yaml").into_bytes(), small)).collect();
    commit_with(&mut fx, &[], &threats);
    let snapshot = Repo::open(fx.path()).unwrap().snapshot_at("main", "documents").unwrap();
    assert!(snapshot.files.keys().all(|k| !k.starts_with("threats/")));
    assert_eq!(
        problems(&snapshot),
        ["documents/threats:0:0: error: threats holds more than 10000 entries; refused (nothing in it was read)"]
    );
}

#[cfg(unix)]
#[test]
fn a_documents_folder_that_is_a_link_is_refused_in_git_and_on_disk() {
    let mut fx = Fixture::new();
    let mut tree = documents("one");
    let real: Vec<(String, (i32, Vec<u8>))> = tree
        .iter()
        .filter(|(p, _)| p.starts_with("documents/"))
        .map(|(p, c)| (p.replacen("documents/", "real/", 1), c.clone()))
        .collect();
    tree.retain(|p, _| !p.starts_with("documents/"));
    tree.extend(real);
    tree.insert("documents".into(), (common::LINK, b"real".to_vec()));
    fx.commit("main", &[], &tree, "Linked documents");
    fx.checkout();
    let repo = Repo::open(fx.path()).unwrap();
    assert!(std::fs::symlink_metadata(fx.path().join("documents")).unwrap().file_type().is_symlink());

    let err = repo.snapshot_at("HEAD", "documents").unwrap_err();
    assert!(matches!(&err, GitError::LinkedRoot { rev: Some(_), .. }), "{err:?}");
    let err = repo.snapshot_worktree("documents").unwrap_err();
    assert!(matches!(&err, GitError::LinkedRoot { rev: None, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "`documents` (or a folder above it) is a symbolic link in the working tree; sigdoc reads only a real folder of the repository; hint: commit the documents themselves"
    );

    // A link to a folder outside the repository, on disk only.
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(outside.path().join("documents")).unwrap();
    std::os::unix::fs::symlink(outside.path(), fx.path().join("up")).unwrap();
    let err = repo.snapshot_worktree("up/documents").unwrap_err();
    assert!(matches!(&err, GitError::LinkedRoot { .. }), "{err:?}");
}

#[test]
fn tag_chains_are_peeled_alike_by_revisions_and_release_lists() {
    let mut fx = Fixture::new();
    let commit = fx.commit("main", &[], &documents("one"), "One");
    let mut target = commit;
    for i in 0..40 {
        target = fx.tag_annotated(&format!("chain{i}"), target, "chained");
        if i == 31 {
            fx.tag_light("v32", target);
        }
    }
    fx.tag_light("v40", target);
    let repo = Repo::open(fx.path()).unwrap();

    // Thirty-two tags deep: a release, and a revision.
    assert_eq!(repo.resolve("v32").unwrap().commit, commit.to_string());
    // Forty: neither, and both say why.
    let err = repo.resolve("v40").unwrap_err();
    assert_eq!(
        err.to_string(),
        "revision `v40` names a chain of more than 32 tags, not a commit; hint: use a commit id, a branch or a tag"
    );
    let tags = repo.release_tags("v*").unwrap();
    assert_eq!(tags.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["v32"]);
    assert_eq!(
        tags.skipped.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["tag `v40` points at a chain of more than 32 tags, not a commit: skipped as a release"]
    );
}

#[test]
fn a_clean_checkout_with_converted_line_endings_is_clean() {
    let mut fx = Fixture::new();
    let lf =
        with(&documents("one"), &[("documents/analysis.md", Some("---\ntitle: Analysis\n---\nline one\nline two\n"))]);
    fx.commit("main", &[], &lf, "LF");
    fx.repo.config().unwrap().set_bool("core.autocrlf", true).unwrap();
    fx.checkout();
    let on_disk = std::fs::read(fx.path().join("documents/analysis.md")).unwrap();
    assert!(on_disk.windows(2).any(|w| w == b"\r\n"), "the checkout converted line endings");

    // Stat information older than the file would make git compare contents.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fx.write("documents/process.md", &std::fs::read(fx.path().join("documents/process.md")).unwrap());
    let before = fx.state();
    let repo = Repo::open(fx.path()).unwrap();
    let worktree = repo.snapshot_worktree("documents").unwrap();
    assert!(matches!(worktree.source, Source::WorkingTree { dirty: false, .. }), "{:?}", worktree.source);
    assert_eq!(fx.state(), before, "comparing with the index wrote to the repository");
    assert_eq!(worktree.files, repo.snapshot_at("HEAD", "documents").unwrap().files);

    // A real edit is an edit, whatever its line endings.
    fx.write("documents/analysis.md", b"---\r\ntitle: Analysis\r\n---\r\nline one\r\nline 2\r\n");
    let worktree = repo.snapshot_worktree("documents").unwrap();
    assert!(matches!(worktree.source, Source::WorkingTree { dirty: true, .. }));
    assert_eq!(worktree.get("analysis.md").unwrap(), b"---\r\ntitle: Analysis\r\n---\r\nline one\r\nline 2\r\n");
}

#[test]
fn arbitrary_modes_never_panic() {
    let mut fx = Fixture::new();
    let blob = fx.repo.blob(b"id: m\n").unwrap();
    let folder = fx.tree(&common::files(&[("x", "x")]));
    let threats = [
        ("0", b"zero.yaml".to_vec(), blob),
        ("777", b"odd.yaml".to_vec(), blob),
        ("160000", b"gitlink.yaml".to_vec(), blob),
        ("120000", b"link.yaml".to_vec(), blob),
        ("40000", b"blob-as-folder.yaml".to_vec(), blob),
        ("100644", b"folder-as-blob.yaml".to_vec(), folder),
    ];
    commit_with(&mut fx, &[], &threats);
    let repo = Repo::open(fx.path()).unwrap();
    // Whatever it makes of them, reading ends in a snapshot or an error, never a panic.
    match repo.snapshot_at("main", "documents") {
        Ok(snapshot) => assert!(snapshot.get("threats/a.yaml").is_some()),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}
