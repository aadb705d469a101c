//! Speed against `git log` on a 10,000-commit repository (`cargo test -- --ignored`).

mod common;

use std::time::Instant;

use common::{Fixture, documents, git_log, pathspecs, with};
use sigdoc_git::{HistoryAt, HistoryOptions, Repo};
use sigdoc_model::DocKind;

#[test]
#[ignore = "builds a 10,000-commit repository; run with --ignored to measure"]
fn history_is_not_slower_than_git_log() {
    let mut fx = Fixture::new();
    let mut files = documents("0");
    let mut tip = fx.commit("main", &[], &files, "start");
    let mut side = tip;
    for i in 1..10_000u32 {
        // Mostly code, now and then a document, every 50th commit a merge of a side branch.
        let path = match i % 10 {
            0 => "documents/process.md",
            3 => "documents/threats/a.yaml",
            7 if i % 20 == 7 => "documents/template.yaml",
            _ => "src/main.rs",
        };
        if i % 50 == 25 {
            let side_files = with(&files, &[("documents/threats/b.yaml", Some(&format!("{i}\n")))]);
            side = fx.commit("side", &[tip], &side_files, &format!("side {i}"));
            continue;
        }
        if i % 50 == 26 {
            files = with(&files, &[("documents/threats/b.yaml", Some(&format!("{}\n", i - 1)))]);
            tip = fx.commit("main", &[tip, side], &files, &format!("merge {i}"));
            continue;
        }
        files = with(&files, &[(path, Some(&format!("{i}\n")))]);
        tip = fx.commit("main", &[tip], &files, &format!("commit {i}"));
        if i % 1000 == 0 {
            fx.tag_light(&format!("v0.{}", i / 1000), tip);
        }
    }
    let repo = Repo::open(fx.path()).unwrap();
    let options = HistoryOptions::default();

    // Warm the object caches for both sides alike.
    repo.histories(&DocKind::ALL, HistoryAt::Rev("HEAD"), "documents", &options).unwrap();
    if git_log(fx.path(), "HEAD", &pathspecs(DocKind::Analysis)).is_none() {
        return;
    }

    let start = Instant::now();
    let all = repo.histories(&DocKind::ALL, HistoryAt::Rev("HEAD"), "documents", &options).unwrap();
    let ours_all = start.elapsed();
    let start = Instant::now();
    for doc in DocKind::ALL {
        repo.history(doc, HistoryAt::Rev("HEAD"), "documents", &options).unwrap();
    }
    let ours_each = start.elapsed();

    let start = Instant::now();
    let mut logs = Vec::new();
    for doc in DocKind::ALL {
        let Some(log) = git_log(fx.path(), "HEAD", &pathspecs(doc)) else {
            return;
        };
        logs.push(log);
    }
    let theirs = start.elapsed();
    for (history, log) in all.iter().zip(&logs) {
        let ours: Vec<String> = history.entries.iter().flat_map(|e| e.commits.iter().cloned()).collect();
        let (mut ours, mut log) = (ours, log.clone());
        ours.sort();
        log.sort();
        assert_eq!(ours, log);
    }
    eprintln!(
        "10,000 commits, three documents: histories() {ours_all:?}, history() x3 {ours_each:?}, git log x3 {theirs:?}"
    );
}
