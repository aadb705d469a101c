//! The newest commit that changed each threat file, against `git log -1 -- FILE`.

mod common;

use common::{Fixture, documents, git, with};
use sigdoc_git::Repo;

fn names() -> Vec<String> {
    ["a.yaml", "b.yaml", "c.yaml", "gone.yaml"].map(String::from).to_vec()
}

#[test]
fn each_file_is_dated_by_the_commit_that_last_changed_it() {
    let mut fx = Fixture::new();
    let base = with(&documents("1"), &[("documents/threats/b.yaml", Some("id: b\n"))]);
    let first = fx.commit("main", &[], &base, "Threats a and b");
    let second_files = with(&base, &[("documents/threats/a.yaml", Some("id: a # edited\n"))]);
    let second = fx.commit("main", &[first], &second_files, "Edit a");
    // A side branch adds c; main edits b; the merge takes c from the side branch.
    let side_files = with(&second_files, &[("documents/threats/c.yaml", Some("id: c\n"))]);
    let side = fx.commit("side", &[second], &side_files, "Add c");
    let main_files = with(&second_files, &[("documents/threats/b.yaml", Some("id: b # edited\n"))]);
    let on_main = fx.commit("main", &[second], &main_files, "Edit b");
    let merged_files = with(&main_files, &[("documents/threats/c.yaml", Some("id: c\n"))]);
    let merge = fx.commit("main", &[on_main, side], &merged_files, "Merge side");
    // A commit that touches other documents only changes no threat.
    let later = fx.commit("main", &[merge], &with(&merged_files, &[("documents/process.md", Some("x\n"))]), "Process");

    let repo = Repo::open(fx.path()).unwrap();
    let changes = repo.last_changes("HEAD", "documents/threats", &names()).unwrap();
    let commit_of = |name: &str| changes.get(name).map(|c| c.commit.clone());
    assert_eq!(commit_of("a.yaml"), Some(second.to_string()));
    assert_eq!(commit_of("b.yaml"), Some(on_main.to_string()));
    assert_eq!(commit_of("c.yaml"), Some(side.to_string()), "the merge took c as the side branch had it");
    assert_eq!(commit_of("gone.yaml"), None, "a file the revision does not hold has no change");
    assert!(changes.values().all(|c| c.commit != later.to_string()));
    // As git sees it, where git is installed.
    for name in ["a.yaml", "b.yaml", "c.yaml"] {
        if let Some(out) =
            git(fx.path(), &["log", "-1", "--format=%H", "HEAD", "--", &format!("documents/threats/{name}")])
        {
            assert_eq!(Some(out.trim().to_owned()), commit_of(name), "{name}");
        }
    }
    // At an earlier revision, the history stops there.
    let earlier = repo.last_changes(&first.to_string(), "documents/threats", &names()).unwrap();
    assert_eq!(earlier.get("a.yaml").map(|c| c.commit.clone()), Some(first.to_string()));
    assert_eq!(earlier.get("c.yaml"), None);
}

#[test]
fn containment_follows_the_graph() {
    let mut fx = Fixture::new();
    let first = fx.commit("main", &[], &documents("1"), "One");
    let second = fx.commit("main", &[first], &documents("2"), "Two");
    let side = fx.commit("side", &[first], &documents("3"), "Side");
    let repo = Repo::open(fx.path()).unwrap();
    let (first, second, side) = (first.to_string(), second.to_string(), side.to_string());
    assert!(repo.contains(&second, &first).unwrap());
    assert!(repo.contains(&first, &first).unwrap());
    assert!(!repo.contains(&first, &second).unwrap());
    assert!(!repo.contains(&second, &side).unwrap());
    assert!(!repo.contains("not an id", &first).unwrap());
}
