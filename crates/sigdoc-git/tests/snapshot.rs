//! Snapshots from commits and from the working tree, and revision resolution.

mod common;

use common::{DAY, EPOCH, FILE, Fixture, LINK, documents, with};
use sigdoc_git::{GitError, Repo};
use sigdoc_model::layout::MAX_TOTAL_SIZE;
use sigdoc_model::{MAX_FILE_SIZE, Source};

/// A repository with two commits of the documents, checked out at the second.
fn two_commits() -> (Fixture, git2::Oid, git2::Oid) {
    let mut fx = Fixture::new();
    let first = fx.commit("main", &[], &documents("one"), "First");
    let second = fx.commit("main", &[first], &documents("two"), "Second");
    fx.checkout();
    (fx, first, second)
}

#[test]
fn snapshot_at_reads_committed_content_not_edits() {
    let (fx, first, second) = two_commits();
    fx.write("documents/process.md", b"edited on disk\n");
    fx.write("documents/threats/new.yaml", b"id: new\n");
    let repo = Repo::open(fx.path()).unwrap();

    let at_head = repo.snapshot_at("HEAD", "documents").unwrap();
    assert_eq!(at_head.get("process.md").unwrap(), b"---\ntitle: Process\n---\nprocess two\n");
    assert!(at_head.get("threats/new.yaml").is_none());
    assert!(at_head.get("src/main.rs").is_none(), "only the documents folder");
    assert_eq!(
        at_head.files.keys().collect::<Vec<_>>(),
        ["analysis.md", "process.md", "sig.yaml", "template.yaml", "threats/a.yaml"]
    );
    assert_eq!(
        at_head.source,
        Source::Commit { rev: "HEAD".into(), commit: second.to_string(), time: EPOCH + DAY, tag: None }
    );
    assert!(at_head.problems.is_empty());

    let at_first = repo.snapshot_at(&first.to_string()[..8], "documents/").unwrap();
    assert_eq!(at_first.get("process.md").unwrap(), b"---\ntitle: Process\n---\nprocess one\n");
    assert_eq!(at_first.root, "documents");
    assert_eq!(repo.snapshot_at("HEAD~1", "documents").unwrap().files, at_first.files);

    let worktree = repo.snapshot_worktree("documents").unwrap();
    assert_eq!(worktree.get("process.md").unwrap(), b"edited on disk\n");
    assert_eq!(worktree.get("threats/new.yaml").unwrap(), b"id: new\n");
    assert_eq!(
        worktree.source,
        Source::WorkingTree { head: Some(second.to_string()), head_time: Some(EPOCH + DAY), dirty: true }
    );
}

#[test]
fn clean_working_tree_is_not_dirty_and_each_change_makes_it_dirty() {
    let (fx, _, _) = two_commits();
    let repo = Repo::open(fx.path()).unwrap();
    let dirty = |repo: &Repo| match repo.snapshot_worktree("documents").unwrap().source {
        Source::WorkingTree { dirty, .. } => dirty,
        Source::Commit { .. } => unreachable!(),
    };
    assert!(!dirty(&repo));
    assert_eq!(
        repo.snapshot_worktree("documents").unwrap().files,
        repo.snapshot_at("HEAD", "documents").unwrap().files
    );

    // A change outside the documents folder does not count.
    fx.write("src/main.rs", b"fn main() { changed() }\n");
    assert!(!dirty(&repo));

    // An untracked file counts...
    fx.write("documents/threats/b.yaml", b"id: b\n");
    assert!(dirty(&repo));
    std::fs::remove_file(fx.path().join("documents/threats/b.yaml")).unwrap();
    assert!(!dirty(&repo));

    // ...unless git ignores it.
    fx.write(".gitignore", b"*.swp\ndocuments/out/\n");
    fx.write("documents/threats/.a.yaml.swp", b"swap");
    fx.write("documents/out/process.pdf", b"%PDF");
    assert!(!dirty(&repo));
    let snapshot = repo.snapshot_worktree("documents").unwrap();
    assert!(snapshot.get("threats/.a.yaml.swp").is_none());
    assert!(snapshot.get("out/process.pdf").is_none());

    // A removed file counts.
    std::fs::remove_file(fx.path().join("documents/analysis.md")).unwrap();
    assert!(dirty(&repo));
}

#[test]
fn reading_never_changes_the_repository() {
    let (mut fx, _, second) = two_commits();
    fx.tag_annotated("v0.1", second, "First release");
    fx.write("documents/process.md", b"edited\n");
    fx.write("documents/threats/new.yaml", b"id: new\n");
    let before = fx.state();

    let repo = Repo::discover(&fx.path().join("documents/threats")).unwrap();
    repo.snapshot_at("v0.1", "documents").unwrap();
    repo.snapshot_at("HEAD~1", "documents").unwrap();
    repo.snapshot_worktree("documents").unwrap();
    for doc in sigdoc_model::DocKind::ALL {
        let options = sigdoc_git::HistoryOptions::default();
        repo.history(doc, sigdoc_git::HistoryAt::WorkingTree, "documents", &options).unwrap();
        repo.history(doc, sigdoc_git::HistoryAt::Rev("v0.1"), "documents", &options).unwrap();
    }
    repo.release_tags("v*").unwrap();
    drop(repo);

    assert_eq!(fx.state(), before, "the git directory changed");
}

#[test]
fn oversized_files_are_refused_not_read() {
    let mut fx = Fixture::new();
    let big = "x".repeat(MAX_FILE_SIZE as usize + 1);
    let limit = "y".repeat(MAX_FILE_SIZE as usize);
    let tree = with(
        &documents("one"),
        &[("documents/threats/big.yaml", Some(&big)), ("documents/threats/limit.yaml", Some(&limit))],
    );
    fx.commit("main", &[], &tree, "Big");
    fx.checkout();
    let repo = Repo::open(fx.path()).unwrap();

    for snapshot in [repo.snapshot_at("HEAD", "documents").unwrap(), repo.snapshot_worktree("documents").unwrap()] {
        assert!(snapshot.get("threats/big.yaml").is_none());
        assert_eq!(snapshot.get("threats/limit.yaml").map(<[u8]>::len), Some(MAX_FILE_SIZE as usize));
        assert_eq!(snapshot.problems.len(), 1, "{:?}", snapshot.problems);
        let problem = &snapshot.problems[0];
        assert!(problem.is_error());
        assert_eq!(problem.to_string(), "documents/threats/big.yaml:0:0: error: file is larger than 1 MiB");
    }
}

#[test]
fn only_the_files_the_format_names_are_read() {
    let mut fx = Fixture::new();
    let tree = with(
        &documents("one"),
        &[
            ("documents/README.md", Some("notes")),
            ("documents/images/big.png", Some(&"x".repeat(MAX_FILE_SIZE as usize + 1))),
            ("documents/threats/notes.md", Some("notes")),
            ("documents/threats/notes.txt", Some("notes")),
            ("documents/threats/.gitkeep", Some("")),
            ("documents/threats/old/b.yaml", Some("id: b\n")),
        ],
    );
    fx.commit("main", &[], &tree, "Extras");
    fx.checkout();
    let repo = Repo::open(fx.path()).unwrap();
    for snapshot in [repo.snapshot_at("HEAD", "documents").unwrap(), repo.snapshot_worktree("documents").unwrap()] {
        assert_eq!(
            snapshot.files.keys().collect::<Vec<_>>(),
            ["analysis.md", "process.md", "sig.yaml", "template.yaml", "threats/a.yaml"]
        );
        let problems: Vec<String> = snapshot.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "documents/threats/notes.txt:0:0: warning: not a threat file (threats/<id>.yaml); ignored",
                "documents/threats/old:0:0: warning: folders inside threats/ are not read (a threat is threats/<id>.yaml)",
            ]
        );
    }
}

#[test]
fn symlinks_inside_are_served_and_outside_refused() {
    let mut fx = Fixture::new();
    let mut tree = documents("one");
    let link = |target: &str| (LINK, target.as_bytes().to_vec());
    tree.insert("documents/threats/b.yaml".into(), link("a.yaml"));
    tree.insert("documents/threats/c.yaml".into(), link("../threats/b.yaml"));
    tree.insert("documents/threats/passwd.yaml".into(), link("/etc/passwd"));
    tree.insert("documents/threats/up.yaml".into(), link("../../src/main.rs"));
    tree.insert("documents/threats/dangling.yaml".into(), link("nothing.yaml"));
    tree.insert("documents/references.yaml".into(), link("threats"));
    // Not a file the format names: never read, so never followed.
    tree.insert("documents/passwd.yaml".into(), link("/etc/passwd"));
    fx.commit("main", &[], &tree, "Links");
    fx.checkout();
    let repo = Repo::open(fx.path()).unwrap();
    assert!(std::fs::symlink_metadata(fx.path().join("documents/threats/passwd.yaml")).unwrap().is_symlink());

    for snapshot in [repo.snapshot_at("HEAD", "documents").unwrap(), repo.snapshot_worktree("documents").unwrap()] {
        let a = snapshot.get("threats/a.yaml").unwrap();
        assert_eq!(snapshot.get("threats/b.yaml"), Some(a));
        assert_eq!(snapshot.get("threats/c.yaml"), Some(a));
        for refused in
            ["threats/passwd.yaml", "threats/up.yaml", "threats/dangling.yaml", "references.yaml", "passwd.yaml"]
        {
            assert!(snapshot.get(refused).is_none(), "{refused} was served");
        }
        let problems: Vec<String> = snapshot.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "documents/references.yaml:0:0: warning: symbolic link to folder `threats` is not followed",
                "documents/threats/dangling.yaml:0:0: error: symbolic link to `nothing.yaml` points to nothing in the documents folder",
                "documents/threats/passwd.yaml:0:0: error: symbolic link to `/etc/passwd` points outside the documents folder; refused",
                "documents/threats/up.yaml:0:0: error: symbolic link to `../../src/main.rs` points outside the documents folder; refused",
            ]
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinks_on_disk_through_an_outside_folder_are_refused() {
    let (fx, _, _) = two_commits();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), b"secret").unwrap();
    // Lexically inside (`escape/secret.yaml`), but `escape` leads out of the folder.
    std::os::unix::fs::symlink(outside.path(), fx.path().join("documents/escape")).unwrap();
    std::os::unix::fs::symlink("../escape/secret.yaml", fx.path().join("documents/threats/sneaky.yaml")).unwrap();
    let fifo = fx.path().join("documents/threats/pipe.yaml");
    let made_fifo = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());

    let repo = Repo::open(fx.path()).unwrap();
    let snapshot = repo.snapshot_worktree("documents").unwrap();
    assert!(snapshot.files.values().all(|c| c != b"secret"));
    assert!(snapshot.get("threats/sneaky.yaml").is_none());
    let problems: Vec<String> = snapshot.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "documents/threats/sneaky.yaml:0:0: error: symbolic link to `../escape/secret.yaml` points outside the documents folder; refused"
        ]
    );
    if made_fifo {
        assert!(snapshot.get("threats/pipe.yaml").is_none());
    }
}

#[test]
fn submodules_are_skipped() {
    let fx = Fixture::new();
    let tree = documents("one");
    // A gitlink entry: a commit id in the tree, as `git submodule add` leaves it.
    let fake = git2::Oid::from_str("0123456789012345678901234567890123456789").unwrap();
    let tree_id = fx.tree(&tree);
    let root = fx.repo.find_tree(tree_id).unwrap();
    let docs = fx.repo.find_tree(root.get_name("documents").unwrap().id()).unwrap();
    let mut builder = fx.repo.treebuilder(Some(&docs)).unwrap();
    builder.insert("vendor", fake, 0o160000).unwrap();
    let docs = builder.write().unwrap();
    let mut builder = fx.repo.treebuilder(Some(&root)).unwrap();
    builder.insert("documents", docs, 0o040000).unwrap();
    let root = fx.repo.find_tree(builder.write().unwrap()).unwrap();
    let sig = fx.sig("A", "a@example.org");
    fx.repo.commit(Some("refs/heads/main"), &sig, &sig, "Submodule", &root, &[]).unwrap();

    let snapshot = Repo::open(fx.path()).unwrap().snapshot_at("main", "documents").unwrap();
    assert!(snapshot.get("vendor").is_none());
    assert!(snapshot.problems.is_empty());
    assert!(snapshot.get("process.md").is_some());
}

#[test]
fn revisions_resolve_to_commits() {
    let (mut fx, first, second) = two_commits();
    fx.tag_annotated("v0.1", first, "First");
    fx.tag_light("light", second);
    fx.commit("side", &[first], &documents("side"), "Side");
    let repo = Repo::open(fx.path()).unwrap();

    let tag = repo.resolve("v0.1").unwrap();
    assert_eq!(tag.commit, first.to_string());
    assert_eq!(tag.tag.as_deref(), Some("v0.1"));
    assert_eq!(tag.time, EPOCH);
    assert_eq!(repo.resolve("light").unwrap().tag.as_deref(), Some("light"));
    assert_eq!(repo.resolve("refs/tags/light").unwrap().commit, second.to_string());
    assert_eq!(repo.resolve("HEAD").unwrap().tag, None);
    assert_eq!(repo.resolve("HEAD~1").unwrap().commit, first.to_string());
    assert_eq!(repo.resolve("side~1").unwrap().commit, first.to_string());
    let short = repo.resolve(&second.to_string()[..7]).unwrap();
    assert_eq!(short.commit, second.to_string());
    assert_eq!(short.short(), &second.to_string()[..7]);
}

#[test]
fn errors_name_the_problem() {
    let (fx, _, _) = two_commits();
    let repo = Repo::open(fx.path()).unwrap();

    let err = repo.snapshot_at("nope", "documents").unwrap_err();
    assert!(matches!(&err, GitError::UnknownRevision { rev, .. } if rev == "nope"), "{err:?}");
    assert!(err.to_string().starts_with("unknown revision `nope`"), "{err}");
    assert!(matches!(repo.resolve("HEAD~5"), Err(GitError::UnknownRevision { .. })));

    let err = repo.resolve("HEAD:documents").unwrap_err();
    assert!(matches!(&err, GitError::NotACommit { kind, .. } if kind == "tree"), "{err:?}");

    let err = repo.snapshot_at("HEAD", "docs").unwrap_err();
    assert!(matches!(&err, GitError::NoDocuments { root, .. } if root == "docs"), "{err:?}");
    assert_eq!(
        err.to_string(),
        "there is no folder `docs` at revision `HEAD`; hint: pass --root DIR if the documents live elsewhere"
    );
    assert!(matches!(repo.snapshot_at("HEAD", "documents/process.md"), Err(GitError::NoDocuments { .. })));
    assert!(matches!(repo.snapshot_worktree("docs"), Err(GitError::NoDocuments { .. })));
    assert!(matches!(repo.snapshot_at("HEAD", "../etc"), Err(GitError::InvalidRoot { .. })));
    assert!(matches!(repo.snapshot_at("HEAD", "/etc"), Err(GitError::InvalidRoot { .. })));

    let outside = tempfile::tempdir().unwrap();
    let err = Repo::open(outside.path()).unwrap_err();
    assert!(matches!(err, GitError::NotARepository { .. }));
    assert!(err.to_string().contains("hint: "), "{err}");
    // `open` does not search upwards, `discover` does.
    assert!(Repo::open(&fx.path().join("documents")).is_err());
    assert!(Repo::discover(&fx.path().join("documents")).is_ok());
}

#[test]
fn empty_and_bare_repositories() {
    let fx = Fixture::new();
    fx.write("documents/process.md", b"draft\n");
    let repo = Repo::open(fx.path()).unwrap();
    assert!(matches!(repo.resolve("HEAD"), Err(GitError::NoCommits { .. })));
    let snapshot = repo.snapshot_worktree("documents").unwrap();
    assert_eq!(snapshot.source, Source::WorkingTree { head: None, head_time: None, dirty: true });
    assert_eq!(snapshot.get("process.md").unwrap(), b"draft\n");

    let (fx, _, second) = two_commits();
    let bare_dir = tempfile::tempdir().unwrap();
    let bare = git2::Repository::init_bare(bare_dir.path()).unwrap();
    bare.remote_anonymous(fx.path().to_str().unwrap())
        .unwrap()
        .fetch(&["refs/heads/main:refs/heads/main"], None, None)
        .unwrap();
    let repo = Repo::open(bare_dir.path()).unwrap();
    assert_eq!(repo.workdir(), None);
    assert!(matches!(repo.snapshot_worktree("documents"), Err(GitError::Bare { .. })));
    let snapshot = repo.snapshot_at("main", "documents").unwrap();
    assert!(matches!(snapshot.source, Source::Commit { commit, .. } if commit == second.to_string()));
}

#[test]
fn non_utf8_names_are_refused() {
    let mut fx = Fixture::new();
    let tree = documents("one");
    let root = fx.repo.find_tree(fx.tree(&tree)).unwrap();
    let docs = fx.repo.find_tree(root.get_name("documents").unwrap().id()).unwrap();
    let mut builder = fx.repo.treebuilder(Some(&docs)).unwrap();
    let blob = fx.repo.blob(b"x").unwrap();
    builder.insert(&b"caf\xe9.yaml"[..], blob, FILE).unwrap();
    let docs = builder.write().unwrap();
    let mut builder = fx.repo.treebuilder(Some(&root)).unwrap();
    builder.insert("documents", docs, 0o040000).unwrap();
    let root = fx.repo.find_tree(builder.write().unwrap()).unwrap();
    let sig = fx.sig("A", "a@example.org");
    fx.repo.commit(Some("refs/heads/main"), &sig, &sig, "Latin-1 name", &root, &[]).unwrap();
    fx.clock += 1;

    let snapshot = Repo::open(fx.path()).unwrap().snapshot_at("HEAD", "documents").unwrap();
    assert_eq!(snapshot.files.len(), 5);
    let problems: Vec<String> = snapshot.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems, ["documents/caf\u{fffd}.yaml:0:0: error: a file name that is not valid UTF-8; refused"]);
}

#[test]
fn ignore_rules_hide_untracked_threats_but_never_tracked_ones() {
    let (fx, _, _) = two_commits();
    fx.write(".gitignore", b"documents/threats/*.yaml\n");
    fx.write("documents/threats/draft.yaml", b"id: draft\n");
    let snapshot = Repo::open(fx.path()).unwrap().snapshot_worktree("documents").unwrap();
    assert!(snapshot.get("threats/draft.yaml").is_none(), "an ignored, untracked threat is left out");
    assert!(snapshot.get("threats/a.yaml").is_some(), "a tracked threat is read though a rule matches it");
}

#[test]
fn files_on_disk_are_read_whole_up_to_the_limit_and_not_beyond() {
    let (fx, _, _) = two_commits();
    let limit = MAX_FILE_SIZE as usize;
    fx.write("documents/threats/exact.yaml", &vec![b'x'; limit]);
    fx.write("documents/threats/over.yaml", &vec![b'x'; limit + 1]);
    let snapshot = Repo::open(fx.path()).unwrap().snapshot_worktree("documents").unwrap();
    assert_eq!(snapshot.get("threats/exact.yaml").map(<[u8]>::len), Some(limit));
    assert!(snapshot.get("threats/over.yaml").is_none());
    let problems: Vec<String> = snapshot.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems, ["documents/threats/over.yaml:0:0: error: file is larger than 1 MiB"]);
}

#[test]
fn what_is_read_from_disk_counts_against_the_budget() {
    let (fx, _, _) = two_commits();
    let whole = vec![b'x'; MAX_FILE_SIZE as usize];
    for i in 0..(MAX_TOTAL_SIZE / MAX_FILE_SIZE) {
        fx.write(&format!("documents/threats/t{i:02}.yaml"), &whole);
    }
    let snapshot = Repo::open(fx.path()).unwrap().snapshot_worktree("documents").unwrap();
    let total: usize = snapshot.files.values().map(Vec::len).sum();
    assert!(total as u64 <= MAX_TOTAL_SIZE, "read {total} bytes");
    let problems: Vec<String> = snapshot.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        ["documents:0:0: error: the files sigdoc reads here add up to more than 32 MiB; the rest were not read"]
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_a_pipe_is_not_followed() {
    let (fx, _, _) = two_commits();
    let fifo = fx.path().join("documents/pipe");
    if !std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        return;
    }
    std::os::unix::fs::symlink("../pipe", fx.path().join("documents/threats/piped.yaml")).unwrap();
    let snapshot = Repo::open(fx.path()).unwrap().snapshot_worktree("documents").unwrap();
    let problems: Vec<String> = snapshot.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "documents/threats/piped.yaml:0:0: error: symbolic link to `../pipe` points to nothing in the documents folder"
        ]
    );
}

#[test]
fn a_documents_path_that_is_a_file_is_no_documents_folder() {
    let (fx, _, _) = two_commits();
    let repo = Repo::open(fx.path()).unwrap();
    for snapshot in [repo.snapshot_worktree("documents/process.md"), repo.snapshot_at("HEAD", "documents/process.md")] {
        assert!(matches!(snapshot, Err(GitError::NoDocuments { .. })), "{snapshot:?}");
    }
}

#[test]
fn link_targets_longer_than_a_path_are_refused() {
    let mut fx = Fixture::new();
    let mut tree = documents("one");
    let long = |n: usize| (LINK, format!("{}a.yaml", "./".repeat((n - 6) / 2)).into_bytes());
    let at_limit = long(4096);
    assert_eq!(at_limit.1.len(), 4096);
    tree.insert("documents/threats/fits.yaml".into(), at_limit);
    tree.insert("documents/threats/long.yaml".into(), (LINK, [b"./".repeat(2046).as_slice(), b"xa.yaml"].concat()));
    fx.commit("main", &[], &tree, "Long links");
    let snapshot = Repo::open(fx.path()).unwrap().snapshot_at("main", "documents").unwrap();
    assert_eq!(snapshot.get("threats/fits.yaml"), snapshot.get("threats/a.yaml"));
    let problems: Vec<String> = snapshot.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "documents/threats/long.yaml:0:0: error: symbolic link target is not a path (not UTF-8, or too long); refused"
        ]
    );
}
