//! Per-document histories against `git log`, versions from tags, odd histories.

mod common;

use std::collections::BTreeSet;

use common::{DAY, EPOCH, Files, Fixture, documents, git, git_log, pathspecs, with};
use git2::Oid;
use sigdoc_git::{HistoryAt, HistoryOptions, KnownAuthor, Repo, format_date};
use sigdoc_model::{DocKind, History};

fn options() -> HistoryOptions {
    HistoryOptions { source_date_epoch: None, ..HistoryOptions::default() }
}

fn history(repo: &Repo, doc: DocKind, rev: &str) -> History {
    repo.history(doc, HistoryAt::Rev(rev), "documents", &options()).unwrap()
}

fn versions(history: &History) -> Vec<&str> {
    history.entries.iter().map(|e| e.version.as_str()).collect()
}

fn ids(oids: &[Oid]) -> Vec<String> {
    oids.iter().map(Oid::to_string).collect()
}

/// Every commit of every entry, in entry order.
fn union(history: &History) -> Vec<String> {
    history.entries.iter().flat_map(|e| e.commits.iter().cloned()).collect()
}

/// Asserts that the history's commits are exactly `git log`'s (if git is installed).
fn assert_matches_git_log(dir: &std::path::Path, repo: &Repo, rev: &str) {
    for doc in DocKind::ALL {
        let history = history(repo, doc, rev);
        let Some(expected) = git_log(dir, rev, &pathspecs(doc)) else {
            return;
        };
        let got: BTreeSet<String> = union(&history).into_iter().collect();
        assert_eq!(got.len(), union(&history).len(), "{doc:?} at {rev}: a commit in two entries");
        let expected: BTreeSet<String> = expected.into_iter().collect();
        assert_eq!(got, expected, "{doc:?} at {rev}");
    }
}

/// The issue's acceptance repository: a --no-ff merge, code-only commits, two release
/// tags (annotated v0.1, lightweight v0.2), a tag not matching the pattern, and one
/// commit after the newest release.
struct Acceptance {
    fx: Fixture,
    c: Vec<Oid>,
}

fn acceptance() -> Acceptance {
    let mut fx = Fixture::new();
    let d0 = documents("one");
    let c0 = fx.commit("main", &[], &d0, "Add the documents");
    let d1 = with(&d0, &[("src/main.rs", Some("fn main() { ci() }\n"))]);
    let c1 = fx.commit("main", &[c0], &d1, "Build: add CI");
    let d2 = with(&d1, &[("documents/process.md", Some("---\ntitle: Process\n---\nclearer\n"))]);
    let c2 = fx.commit("main", &[c1], &d2, "Process: clarify scales");
    fx.tag_annotated("v0.1", c2, "First release\n\nProcess, template\nand analysis.\n");
    let d3 = with(&d2, &[("documents/threats/b.yaml", Some("id: b\n"))]);
    let c3 = fx.commit("side", &[c2], &d3, "Add threat b");
    let d4 = with(&d2, &[("documents/template.yaml", Some("title: Template\nfields: []\n"))]);
    let c4 = fx.commit("main", &[c2], &d4, "Template: add guidance");
    let d5 = with(&d4, &[("src/lib.rs", Some("// lib\n"))]);
    let c5 = fx.commit("main", &[c4], &d5, "Code only");
    let d6 = with(&d5, &[("documents/threats/b.yaml", Some("id: b\n"))]);
    let m6 = fx.commit("main", &[c5, c3], &d6, "Merge branch 'side'");
    let d7 = with(&d6, &[("src/lib.rs", Some("// refactored\n"))]);
    let c7 = fx.commit("main", &[m6], &d7, "Code: refactor");
    fx.tag_light("v0.2", c7);
    fx.tag_light("nightly-1", c7);
    let d8 = with(&d7, &[("documents/analysis.md", Some("---\ntitle: Analysis\n---\nnew intro\n"))]);
    let c8 = fx.commit("main", &[c7], &d8, "Analysis: new introduction");
    fx.checkout();
    Acceptance { fx, c: vec![c0, c1, c2, c3, c4, c5, m6, c7, c8] }
}

#[test]
fn acceptance_repository_versions_and_commits() {
    let Acceptance { fx, c } = acceptance();
    let repo = Repo::open(fx.path()).unwrap();

    let analysis = history(&repo, DocKind::Analysis, "HEAD");
    assert_eq!(versions(&analysis), ["0.2+1", "0.2", "0.1"]);
    assert_eq!(analysis.entries[0].commits, ids(&[c[8]]));
    assert_eq!(analysis.entries[0].commit, Some(c[8].to_string()));
    assert_eq!(analysis.entries[0].tag, None);
    assert_eq!(analysis.entries[0].date, format_date(EPOCH + 9 * DAY));
    assert_eq!(analysis.entries[0].remarks, ["Analysis: new introduction"]);
    assert_eq!(analysis.entries[1].commits, ids(&[c[3]]), "the side branch's commit, not the merge");
    assert_eq!(analysis.entries[1].tag.as_deref(), Some("v0.2"));
    assert_eq!(analysis.entries[1].commit, Some(c[7].to_string()));
    assert_eq!(analysis.entries[1].date, format_date(EPOCH + 8 * DAY), "a lightweight tag has the commit's date");
    assert_eq!(analysis.entries[1].remarks, ["Add threat b"]);
    assert_eq!(analysis.entries[2].commits, ids(&[c[0]]));
    assert!(!analysis.is_release());
    assert!(!analysis.truncated);

    let process = history(&repo, DocKind::Process, "HEAD");
    assert_eq!(versions(&process), ["0.1"]);
    let v01 = &process.entries[0];
    assert_eq!(v01.commits, ids(&[c[2], c[0]]));
    assert_eq!(v01.tag.as_deref(), Some("v0.1"));
    assert_eq!(v01.commit, Some(c[2].to_string()));
    assert_eq!(v01.date, format_date(EPOCH + 3 * DAY), "an annotated tag has the tagger's date");
    assert_eq!(v01.remarks, ["First release", "Process, template and analysis."]);
    assert_eq!(v01.authors, ["Alice Example"]);
    assert_eq!(v01.initials, ["AE"]);

    let template = history(&repo, DocKind::Template, "HEAD");
    assert_eq!(versions(&template), ["0.2", "0.1"]);
    assert_eq!(template.entries[0].commits, ids(&[c[4]]));
    assert_eq!(template.entries[0].remarks, ["Template: add guidance"]);

    // At a release tag the newest entry is that release.
    let at_tag = history(&repo, DocKind::Analysis, "v0.2");
    assert_eq!(versions(&at_tag), ["0.2", "0.1"]);
    assert!(at_tag.is_release());
    // On the side branch only v0.1 is in the history.
    assert_eq!(versions(&history(&repo, DocKind::Analysis, "side")), ["0.1+1", "0.1"]);
    assert_eq!(versions(&history(&repo, DocKind::Template, "v0.1")), ["0.1"]);

    for rev in ["HEAD", "v0.1", "v0.2", "side", "HEAD~1", "HEAD~2^2"] {
        assert_matches_git_log(fx.path(), &repo, rev);
    }
}

#[test]
fn release_tags_are_listed_in_version_order_with_warnings() {
    let Acceptance { mut fx, c } = acceptance();
    let tree = fx.repo.find_commit(c[0]).unwrap().tree_id();
    fx.tag_light("v9-tree", tree);
    fx.tag_annotated("v0.10", c[8], "v0.10");
    fx.tag_light("v0.9", c[8]);
    let repo = Repo::open(fx.path()).unwrap();

    let tags = repo.release_tags("v*").unwrap();
    let names: Vec<&str> = tags.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["v0.1", "v0.2", "v0.9", "v0.10"]);
    assert_eq!(tags.get("v0.10").unwrap().version, "0.10");
    assert!(tags.get("v0.10").unwrap().annotated);
    assert!(!tags.get("v0.2").unwrap().annotated);
    assert_eq!(tags.skipped.len(), 1);
    assert_eq!(tags.skipped[0].to_string(), "tag `v9-tree` points at a tree, not a commit: skipped as a release");
    assert_eq!(repo.release_tags("nightly-*").unwrap().tags.len(), 1);
    assert!(repo.release_tags("v[").is_err());

    // The analysis commit after v0.2 belongs to v0.9, the lower version on that commit;
    // v0.10 then covers nothing and has no entry.
    let analysis = history(&repo, DocKind::Analysis, "HEAD");
    assert_eq!(versions(&analysis), ["0.9", "0.2", "0.1"]);
    assert_eq!(analysis.entries[0].remarks, ["Analysis: new introduction"]);
    assert_matches_git_log(fx.path(), &repo, "HEAD");
}

#[test]
fn tags_outside_the_history_or_on_code_commits() {
    let Acceptance { mut fx, c } = acceptance();
    // A release on an unrelated branch is not part of HEAD's history.
    let orphan = fx.commit("orphan", &[], &documents("orphan"), "Unrelated root");
    fx.tag_light("v5.0", orphan);
    // A release on a code-only commit changes no document but moves the base version.
    let d9 = with(&tree_files(&fx, c[8]), &[("src/main.rs", Some("fn main() { v3() }\n"))]);
    let c9 = fx.commit("main", &[c[8]], &d9, "Code for 0.3");
    fx.tag_annotated("v0.3", c9, "Third release");
    let d10 = with(&d9, &[("documents/threats/a.yaml", Some("id: a\nname: A\n"))]);
    fx.commit("main", &[c9], &d10, "Name threat a");
    let repo = Repo::open(fx.path()).unwrap();

    let analysis = history(&repo, DocKind::Analysis, "HEAD");
    assert_eq!(versions(&analysis), ["0.3+1", "0.3", "0.2", "0.1"]);
    assert_eq!(analysis.entries[1].remarks, ["Third release"]);
    assert_eq!(analysis.entries[1].commits, ids(&[c[8]]));
    assert_eq!(versions(&history(&repo, DocKind::Process, "HEAD")), ["0.1"]);
    assert_eq!(versions(&history(&repo, DocKind::Template, "HEAD")), ["0.2", "0.1"]);
    assert_eq!(versions(&history(&repo, DocKind::Process, "orphan")), ["5.0"]);
    assert_matches_git_log(fx.path(), &repo, "HEAD");
    assert_matches_git_log(fx.path(), &repo, "orphan");
}

/// The files of a commit's tree, to build on in a test.
fn tree_files(fx: &Fixture, commit: Oid) -> Files {
    let tree = fx.repo.find_commit(commit).unwrap().tree().unwrap();
    let mut out = Files::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            let blob = fx.repo.find_blob(entry.id()).unwrap();
            out.insert(format!("{dir}{}", entry.name().unwrap()), (entry.filemode(), blob.content().to_vec()));
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
    out
}

#[test]
fn no_release_yet_counts_from_zero() {
    let mut fx = Fixture::new();
    let d0 = documents("one");
    let c0 = fx.commit("main", &[], &d0, "Start");
    let d1 = with(&d0, &[("documents/threats/b.yaml", Some("id: b\n"))]);
    let c1 = fx.commit("main", &[c0], &d1, "More");
    let repo = Repo::open(fx.path()).unwrap();
    let analysis = history(&repo, DocKind::Analysis, "HEAD");
    assert_eq!(versions(&analysis), ["0.0+2"]);
    assert_eq!(analysis.entries[0].commits, ids(&[c1, c0]));
    assert_eq!(analysis.entries[0].remarks, ["More", "Start"]);
    assert_eq!(versions(&history(&repo, DocKind::Process, "HEAD")), ["0.0+1"]);
}

#[test]
fn merges_follow_git_simplification() {
    let mut fx = Fixture::new();
    let d0 = documents("one");
    let c0 = fx.commit("main", &[], &d0, "Start");
    // Three branches for an octopus merge, each changing another document.
    let a = fx.commit("a", &[c0], &with(&d0, &[("documents/process.md", Some("p-a\n"))]), "A");
    let b = fx.commit("b", &[c0], &with(&d0, &[("documents/template.yaml", Some("t-b\n"))]), "B");
    let c = fx.commit("c", &[c0], &with(&d0, &[("src/main.rs", Some("code\n"))]), "C");
    let octopus = with(
        &d0,
        &[
            ("documents/process.md", Some("p-a\n")),
            ("documents/template.yaml", Some("t-b\n")),
            ("src/main.rs", Some("code\n")),
        ],
    );
    let o = fx.commit("main", &[c0, a, b, c], &octopus, "Octopus");
    // A merge that resolves a conflict: the result differs from both parents.
    let s = fx.commit("side", &[o], &with(&octopus, &[("documents/analysis.md", Some("side\n"))]), "Side analysis");
    let m1 = fx.commit("main", &[o], &with(&octopus, &[("documents/analysis.md", Some("main\n"))]), "Main analysis");
    let evil = with(&octopus, &[("documents/analysis.md", Some("resolved\n"))]);
    let e = fx.commit("main", &[m1, s], &evil, "Merge side, resolving analysis");
    // A side branch that changed process and changed it back: its merge is the same
    // as both parents, so git follows the first parent only.
    let r1 = fx.commit("revert", &[e], &with(&evil, &[("documents/process.md", Some("tmp\n"))]), "Try");
    let r2 = fx.commit("revert", &[r1], &evil, "Undo");
    let code = with(&evil, &[("src/lib.rs", Some("lib\n"))]);
    let m2 = fx.commit("main", &[e], &code, "Code");
    let m3 = fx.commit("main", &[m2, r2], &code, "Merge revert");
    let repo = Repo::open(fx.path()).unwrap();

    let process = history(&repo, DocKind::Process, "main");
    assert_eq!(union(&process), ids(&[a, c0]), "the octopus took process unchanged from A");
    let analysis = history(&repo, DocKind::Analysis, "main");
    assert_eq!(union(&analysis), ids(&[e, m1, s, c0]), "a merge that differs from every parent is listed");
    let template = history(&repo, DocKind::Template, "main");
    assert_eq!(union(&template), ids(&[b, c0]));
    let process_revert = history(&repo, DocKind::Process, "revert");
    assert_eq!(union(&process_revert), ids(&[r2, r1, a, c0]));
    let _ = m3;
    for rev in ["main", "revert", "side", "main^", "main~2"] {
        assert_matches_git_log(fx.path(), &repo, rev);
    }
}

#[test]
fn odd_commits_behave_sensibly() {
    let mut fx = Fixture::new();
    let d0 = documents("one");
    let t0 = EPOCH;
    let mut raw =
        format!("author Nobody <> {t0} +0000\ncommitter Nobody <> {t0} +0000\nencoding ISO-8859-1\n\n").into_bytes();
    raw.extend_from_slice(b"Caf\xe9 \xe9t\xe9\n");
    let c0 = fx.raw_commit("main", &[], &d0, &raw);
    let t1 = EPOCH + DAY;
    let d1 = with(&d0, &[("documents/process.md", Some("two\n"))]);
    let mut raw = format!("author  <> {t1} +0100\ncommitter  <> {t1} +0100\n\n").into_bytes();
    raw.extend_from_slice(b"Bad \xff\xfe bytes\n");
    let c1 = fx.raw_commit("main", &[c0], &d1, &raw);
    let d2 = with(&d1, &[("documents/process.md", Some("three\n"))]);
    let c2 = fx.commit_by("main", &[c1], &d2, "By Bob", "bob", "BOB@Example.ORG");
    let d3 = with(&d2, &[("documents/process.md", Some("four\n"))]);
    let c3 = fx.commit_by("main", &[c2], &d3, "By Carol", "carol daniels", "carol@elsewhere.org");
    let repo = Repo::open(fx.path()).unwrap();

    let options = HistoryOptions {
        authors: vec![
            KnownAuthor {
                name: "Robert Builder".into(),
                email: Some("bob@example.org".into()),
                initials: Some("RB".into()),
            },
            KnownAuthor { name: "Carol Daniels".into(), email: None, initials: None },
        ],
        ..options()
    };
    let process = repo.history(DocKind::Process, HistoryAt::Rev("HEAD"), "documents", &options).unwrap();
    assert_eq!(versions(&process), ["0.0+4"]);
    let entry = &process.entries[0];
    assert_eq!(entry.commits, ids(&[c3, c2, c1, c0]));
    assert_eq!(entry.authors, ["Carol Daniels", "Robert Builder", "Unknown", "Nobody"]);
    assert_eq!(entry.initials, ["CD", "RB", "?", "N"]);
    // The first message is Latin-1 as declared; the second is invalid UTF-8.
    assert_eq!(entry.remarks[2], "Bad \u{fffd}\u{fffd} bytes");
    assert_eq!(entry.remarks[3], "Café été");
    assert_matches_git_log(fx.path(), &repo, "HEAD");
}

/// Issue 14: the revision history derived "PS" for Peter Saint-Andre where the title
/// page showed "PSA"; both take the model's one rule now.
#[test]
fn regression_issue_14_initials_follow_the_title_page_rule() {
    let mut fx = Fixture::new();
    let d0 = documents("one");
    let c0 = fx.commit_by("main", &[], &d0, "By Peter", "Peter Saint-Andre", "stpeter@example.org");
    let d1 = with(&d0, &[("documents/process.md", Some("two\n"))]);
    let c1 = fx.commit_by("main", &[c0], &d1, "By Jean-Luc", "someone", "jean-luc@example.org");
    let d2 = with(&d1, &[("documents/process.md", Some("three\n"))]);
    let c2 = fx.commit_by("main", &[c1], &d2, "By a stranger", "Marie-Claire Dupont", "mc@example.org");
    let d3 = with(&d2, &[("documents/process.md", Some("four\n"))]);
    let t3 = EPOCH + 10 * DAY;
    let raw = format!(
        "author  <build-bot@example.org> {t3} +0000\ncommitter  <build-bot@example.org> {t3} +0000\n\nBy a bot\n"
    );
    let c3 = fx.raw_commit("main", &[c2], &d3, raw.as_bytes());
    let repo = Repo::open(fx.path()).unwrap();
    let options = HistoryOptions {
        authors: vec![
            KnownAuthor { name: "Peter Saint-Andre".into(), email: Some("stpeter@example.org".into()), initials: None },
            KnownAuthor {
                name: "Jean-Luc Picard".into(),
                email: Some("jean-luc@example.org".into()),
                initials: Some(" ".into()),
            },
        ],
        ..options()
    };
    let process = repo.history(DocKind::Process, HistoryAt::Rev("HEAD"), "documents", &options).unwrap();
    let entry = &process.entries[0];
    assert_eq!(entry.commits, ids(&[c3, c2, c1, c0]));
    assert_eq!(entry.authors, ["build-bot@example.org", "Marie-Claire Dupont", "Jean-Luc Picard", "Peter Saint-Andre"]);
    assert_eq!(entry.initials, ["BB", "MCD", "JLP", "PSA"]);
    let title_page = sigdoc_model::Author { name: "Peter Saint-Andre".into(), ..Default::default() };
    assert_eq!(entry.initials[3], title_page.initials());
}

#[test]
fn working_tree_adds_an_entry_for_uncommitted_changes() {
    let Acceptance { fx, c } = acceptance();
    let repo = Repo::open(fx.path()).unwrap();
    let at = |doc, options: &HistoryOptions| repo.history(doc, HistoryAt::WorkingTree, "documents", options).unwrap();

    // Clean: the same as HEAD.
    for doc in DocKind::ALL {
        assert_eq!(at(doc, &options()), history(&repo, doc, "HEAD"));
    }

    fx.write("documents/threats/c.yaml", b"id: c\n");
    fx.write("documents/sig.yaml", b"name: changed\n");
    let analysis = at(DocKind::Analysis, &options());
    assert_eq!(versions(&analysis), ["0.2+1+dirty", "0.2+1", "0.2", "0.1"]);
    let dirty = &analysis.entries[0];
    assert_eq!(dirty.tag, None);
    assert_eq!(dirty.commit, None);
    assert!(dirty.commits.is_empty());
    assert_eq!(dirty.remarks, ["Uncommitted changes"]);
    assert_eq!(dirty.date, format_date(repo.resolve("HEAD").unwrap().time), "HEAD's date, not the clock");
    let pinned = HistoryOptions { source_date_epoch: Some(EPOCH + 100 * DAY), ..options() };
    assert_eq!(at(DocKind::Analysis, &pinned).entries[0].date, "2025-04-11");
    // sig.yaml belongs to no document; process is untouched.
    assert_eq!(versions(&at(DocKind::Process, &options())), ["0.1"]);

    fx.write("documents/process.md", b"edited\n");
    assert_eq!(versions(&at(DocKind::Process, &options())), ["0.2+dirty", "0.1"]);

    let all = repo.histories(&DocKind::ALL, HistoryAt::WorkingTree, "documents", &options()).unwrap();
    assert_eq!(all.iter().map(|h| h.document).collect::<Vec<_>>(), DocKind::ALL);
    assert_eq!(versions(&all[2]), ["0.2+1+dirty", "0.2+1", "0.2", "0.1"]);
    let _ = c;
}

#[test]
fn shallow_clone_is_truncated_not_broken() {
    let Acceptance { fx, .. } = acceptance();
    let clone_dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", fx.path().display());
    let dest = clone_dir.path().join("clone");
    if git(clone_dir.path(), &["clone", "--quiet", "--depth", "2", &url, dest.to_str().unwrap()]).is_none() {
        return;
    }
    let repo = Repo::open(&dest).unwrap();
    assert!(repo.is_shallow());
    for doc in DocKind::ALL {
        let history = history(&repo, doc, "HEAD");
        assert!(history.truncated, "{doc:?}");
        let worktree = repo.history(doc, HistoryAt::WorkingTree, "documents", &options()).unwrap();
        assert_eq!(worktree, history);
    }
    // The boundary commit holds every file, so as in git it lists as if it added them.
    assert_eq!(versions(&history(&repo, DocKind::Analysis, "HEAD")), ["0.2+1", "0.2"]);
    assert_matches_git_log(&dest, &repo, "HEAD");
    assert!(repo.snapshot_at("HEAD~1", "documents").is_ok());
    assert!(repo.snapshot_at("HEAD~2", "documents").is_err());
}

#[test]
fn histories_without_the_documents_folder_are_empty() {
    let mut fx = Fixture::new();
    fx.commit("main", &[], &common::files(&[("README", "hi\n")]), "Start");
    let repo = Repo::open(fx.path()).unwrap();
    assert!(history(&repo, DocKind::Analysis, "HEAD").entries.is_empty());
    assert!(repo.history(DocKind::Analysis, HistoryAt::Rev("nope"), "documents", &options()).is_err());
}

/// A deterministic pseudo-random generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Random histories of commits, branches, merges (octopus, evil, reverting) and extra
/// roots, compared with `git log` in order as well as in content.
#[test]
fn random_histories_match_git_log() {
    const PATHS: [&str; 8] = [
        "documents/process.md",
        "documents/template.yaml",
        "documents/analysis.md",
        "documents/threats/a.yaml",
        "documents/threats/b.yaml",
        "documents/sig.yaml",
        "src/main.rs",
        "documents/threats",
    ];
    for seed in 1..=6u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut fx = Fixture::new();
        let mut branches: Vec<(Oid, Files)> = Vec::new();
        let root = documents("root");
        branches.push((fx.commit("b0", &[], &root, "root"), root));
        let mut tagged = 0;
        for step in 0..70 {
            let i = rng.below(branches.len());
            match rng.below(20) {
                0..=10 => {
                    let mut files = branches[i].1.clone();
                    let path = PATHS[rng.below(PATHS.len())];
                    if rng.below(5) == 0 {
                        files.retain(|p, _| p != path && !p.starts_with(&format!("{path}/")));
                    } else if path == "documents/threats" {
                        files.insert(format!("{path}/t{}.yaml", rng.below(3)), (common::FILE, b"x".to_vec()));
                    } else {
                        // Few distinct contents, so that changes get undone and merges match parents.
                        files.insert(path.to_owned(), (common::FILE, format!("{}\n", rng.below(3)).into_bytes()));
                    }
                    let oid = fx.commit(&format!("b{i}"), &[branches[i].0], &files, &format!("step {step}"));
                    branches[i] = (oid, files);
                }
                11..=13 => {
                    let tip = branches[i].clone();
                    branches.push(tip);
                }
                14 => {
                    let files = documents(&format!("orphan {step}"));
                    let oid = fx.commit(&format!("b{}", branches.len()), &[], &files, "orphan");
                    branches.push((oid, files));
                }
                _ => {
                    let n = if rng.below(4) == 0 { 3 } else { 2 };
                    let mut parents = vec![i];
                    for _ in 0..n * 3 {
                        let j = rng.below(branches.len());
                        if parents.len() < n
                            && !parents.contains(&j)
                            && !parents.iter().any(|&p| branches[p].0 == branches[j].0)
                        {
                            parents.push(j);
                        }
                    }
                    if parents.len() < 2 {
                        continue;
                    }
                    // Each path from a random parent, sometimes something new (a resolution).
                    let mut files = Files::new();
                    let all: BTreeSet<String> = parents.iter().flat_map(|&p| branches[p].1.keys().cloned()).collect();
                    for path in all {
                        let from = &branches[parents[rng.below(parents.len())]].1;
                        if rng.below(8) == 0 {
                            files.insert(path, (common::FILE, b"resolved\n".to_vec()));
                        } else if let Some(entry) = from.get(&path) {
                            files.insert(path, entry.clone());
                        }
                    }
                    let oids: Vec<Oid> = parents.iter().map(|&p| branches[p].0).collect();
                    let oid = fx.commit(&format!("b{i}"), &oids, &files, &format!("merge {step}"));
                    branches[i] = (oid, files);
                }
            }
            if rng.below(12) == 0 {
                tagged += 1;
                fx.tag_light(&format!("v0.{tagged}"), branches[i].0);
            }
        }
        let repo = Repo::open(fx.path()).unwrap();
        for (b, _) in branches.iter().enumerate() {
            let rev = format!("b{b}");
            let Ok(tip) = fx.repo.revparse_single(&rev) else {
                continue;
            };
            assert_matches_git_log(fx.path(), &repo, &rev);
            // Without release tags the one entry lists the commits in git log's order.
            let untagged = HistoryOptions { tag_pattern: "none".into(), ..options() };
            for doc in DocKind::ALL {
                let h = repo.history(doc, HistoryAt::Rev(&rev), "documents", &untagged).unwrap();
                if let Some(expected) = git_log(fx.path(), &rev, &pathspecs(doc)) {
                    assert_eq!(union(&h), expected, "seed {seed}, {doc:?} at {rev} ({})", tip.id());
                }
            }
        }
    }
}
