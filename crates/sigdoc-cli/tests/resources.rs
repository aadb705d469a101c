//! Hostile inputs of up to a megabyte run by the `sigdoc` binary under a memory limit of
//! 1 GiB of address space and a CPU-time limit (issue 13, classes 9–15 and 12): each must
//! finish, or be refused with a located error, never crash or run away.
//!
//! Not a timed test: the limits are generous margins (`ulimit -v`, `ulimit -t`) that a
//! regression back to the quadratic or unbounded behaviour would blow through.

#![cfg(unix)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use git2::{ObjectType, Oid, Repository, Signature, Time};

const SIGDOC: &str = env!("CARGO_BIN_EXE_sigdoc");

/// Address space allowed to one run: 1 GiB.
const MEMORY_KIB: u64 = 1024 * 1024;
/// CPU seconds allowed to one run; each input here takes a few at most.
const CPU_SECONDS: u64 = 120;
/// Output allowed to one run: a report is for people, however many problems there are.
const MAX_OUTPUT: usize = 512 * 1024;

/// A repository holding the example that `sigdoc init` writes, committed.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    Repository::init(dir.path()).expect("git init");
    let init = Command::new(SIGDOC).args(["init", "."]).current_dir(dir.path()).output().expect("sigdoc init");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    dir
}

/// Runs sigdoc under the limits; returns its exit status (`None`: killed) and output.
fn run_limited(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let script = format!("ulimit -v {MEMORY_KIB}; ulimit -t {CPU_SECONDS}; exec \"$0\" \"$@\"");
    let output = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(SIGDOC)
        .args(["--color", "never"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run sigdoc");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.code(), text)
}

/// Asserts that a run finished: built (0) or refused with a located error (1).
fn assert_finishes(case: &str, dir: &Path, args: &[&str]) {
    let (code, output) = run_limited(dir, args);
    let shown: String = output.chars().take(2000).collect();
    assert!(matches!(code, Some(0 | 1)), "{case}: sigdoc {args:?} ended with {code:?}:\n{shown}");
    let json = args.contains(&"json");
    if code == Some(1) {
        let located = if json {
            output.contains("\"severity\": \"error\"") && output.contains("\"file\": \"documents")
        } else {
            output.lines().any(|l| l.starts_with("documents") && l.contains(": error: "))
        };
        assert!(located, "{case}: sigdoc {args:?} refused without a located error:\n{shown}");
    }
    // A report is for people, however many problems there are; JSON lists every one.
    let limit = if json { 64 * MAX_OUTPUT } else { MAX_OUTPUT };
    assert!(output.len() <= limit, "{case}: sigdoc {args:?} printed {} bytes", output.len());
}

/// Replaces a file of the example's documents folder.
fn write(dir: &Path, rel: &str, text: &str) {
    assert!(text.len() <= 1024 * 1024, "{rel}: a hostile input here is at most a megabyte");
    std::fs::write(dir.join("documents").join(rel), text).expect("write");
}

/// The example's analysis.md with `body` after its front matter.
fn analysis_with(dir: &Path, body: &str) -> String {
    let analysis = std::fs::read_to_string(dir.join("documents/analysis.md")).expect("analysis.md");
    let end = analysis[3..].find("\n---\n").expect("front matter") + 3 + 5;
    format!("{}{body}", &analysis[..end])
}

/// Checks and builds the example with one file replaced.
fn check_and_build(case: &str, rel: &str, text: impl Fn(&Path) -> String) {
    let dir = example();
    let text = text(dir.path());
    write(dir.path(), rel, &text);
    assert_finishes(case, dir.path(), &["check"]);
    assert_finishes(case, dir.path(), &["check", "--format", "json"]);
    assert_finishes(case, dir.path(), &["build", "-q", "-o", "out"]);
}

#[test]
fn deep_markdown_nesting() {
    check_and_build("30,000 nested blockquotes", "analysis.md", |d| {
        analysis_with(d, &format!("{}deep\n", "> ".repeat(30_000)))
    });
    check_and_build("30,000 nested lists", "analysis.md", |d| {
        analysis_with(d, &format!("{}deep\n", "- ".repeat(30_000)))
    });
    check_and_build("10,000 nested emphases", "analysis.md", |d| {
        analysis_with(d, &format!("{}x{}\n", "*_".repeat(10_000), "_*".repeat(10_000)))
    });
}

#[test]
fn footnote_references_by_the_thousand() {
    check_and_build("5,000 references to one footnote", "analysis.md", |d| {
        let body = format!("{}\n\n[^a]: {}\n", "word[^a] ".repeat(5_000), "A long note. ".repeat(150));
        analysis_with(d, &body)
    });
}

#[test]
fn mentions_of_references_by_the_hundred_thousand() {
    check_and_build("110,000 mentions on one line", "analysis.md", |d| analysis_with(d, &"RFC 6120 ".repeat(110_000)));
    check_and_build("9,900 mentions, 99 to a paragraph", "analysis.md", |d| {
        analysis_with(d, &format!("{}\n\n", "RFC 6120 ".repeat(99)).repeat(100))
    });
}

#[test]
fn headings_by_the_ten_thousand() {
    check_and_build("20,000 headings", "analysis.md", |d| {
        let mut body = String::new();
        for i in 0..20_000 {
            let _ = writeln!(body, "## Heading {i}\n");
        }
        analysis_with(d, &body)
    });
}

#[test]
fn hostile_yaml() {
    let threat = "threats/starttls-stripping.yaml";
    check_and_build("200,000 opening brackets", threat, |_| {
        format!("id: starttls-stripping\nx: {}\n", "[".repeat(200_000))
    });
    check_and_build("deep and wide mappings", threat, |_| {
        let mut text = String::from("id: starttls-stripping\nx: ");
        text.push_str(&"{a: ".repeat(60));
        for i in 0..80_000 {
            let _ = write!(text, "k{i}: 1, ");
        }
        text.push_str(&"}".repeat(61));
        text
    });
    check_and_build("1,300 levels of block mappings", threat, |_| {
        let mut text = String::from("id: starttls-stripping\n");
        for depth in 0..1_300 {
            let _ = writeln!(text, "{}k:", " ".repeat(depth));
        }
        text
    });
    check_and_build("20,000 unknown keys", threat, |d| {
        let mut text = std::fs::read_to_string(d.join("documents").join(threat)).expect("threat");
        for i in 0..20_000 {
            let _ = writeln!(text, "unknown{i}: 1");
        }
        text
    });
}

#[test]
fn thousands_of_problems_on_one_line() {
    check_and_build("3,000 unknown mentions on one line", "analysis.md", |d| {
        let line: String = (0..3_000).map(|i| format!("XEP-{:04} ", 1000 + i)).collect();
        analysis_with(d, &format!("{line}\n"))
    });
}

#[test]
fn a_megabyte_of_prose() {
    check_and_build("a paragraph of a megabyte", "analysis.md", |d| {
        let body = "Words and more words, ".repeat(45_000);
        analysis_with(d, &format!("{body}\n"))
    });
    check_and_build("a word of half a megabyte", "analysis.md", |d| {
        analysis_with(d, &format!("{}\n", "x".repeat(500_000)))
    });
}

/// Writes a tree object byte for byte.
fn raw_tree(repo: &Repository, entries: &[(&str, String, Oid)]) -> Oid {
    let mut raw = Vec::new();
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| a.1.cmp(&b.1));
    for (mode, name, oid) in &sorted {
        raw.extend_from_slice(format!("{mode} {name}\0").as_bytes());
        raw.extend_from_slice(oid.as_bytes());
    }
    repo.odb().expect("odb").write(ObjectType::Tree, &raw).expect("write tree")
}

#[test]
fn a_tree_bomb() {
    let dir = example();
    let repo = Repository::open(dir.path()).expect("open");
    let mut index = repo.index().expect("index");
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).expect("add");
    let base = repo.find_tree(index.write_tree().expect("tree")).expect("tree");
    let docs = repo.find_tree(base.get_name("documents").expect("documents").id()).expect("documents");
    // One megabyte, named 20,000 times in a folder nobody reads and 40 times as threats.
    let big = repo.blob(&vec![b'x'; 1024 * 1024]).expect("blob");
    let junk: Vec<_> = (0..20_000).map(|i| ("100644", format!("f{i:05}"), big)).collect();
    let junk = raw_tree(&repo, &junk);
    let mut threats: Vec<_> = (0..40).map(|i| ("100644", format!("t{i:02}.yaml"), big)).collect();
    threats.push((
        "100644",
        "starttls-stripping.yaml".into(),
        docs.get_path(Path::new("threats/starttls-stripping.yaml")).expect("threat").id(),
    ));
    let threats = raw_tree(&repo, &threats);
    let mut top: Vec<_> = docs
        .iter()
        .filter(|e| e.name().ok() != Some("threats"))
        .map(|e| {
            (
                if e.kind() == Some(ObjectType::Tree) { "40000" } else { "100644" },
                e.name().expect("name").to_owned(),
                e.id(),
            )
        })
        .collect();
    top.push(("40000", "threats".into(), threats));
    top.push(("40000", "junk".into(), junk));
    let docs = raw_tree(&repo, &top);
    let root = raw_tree(&repo, &[("40000", "documents".into(), docs)]);
    let sig = Signature::new("Mallory", "m@example.org", &Time::new(1_735_689_600, 0)).expect("signature");
    let root = repo.find_tree(root).expect("root");
    let first = repo.commit(Some("HEAD"), &sig, &sig, "Bomb", &root, &[]).expect("commit");
    let first = repo.find_commit(first).expect("commit");
    repo.commit(Some("HEAD"), &sig, &sig, "Again", &root, &[&first]).expect("commit");
    repo.tag_lightweight("v1", first.as_object(), false).expect("tag");
    for args in [
        &["check", "--rev", "HEAD"][..],
        &["history"],
        &["history", "--rev", "HEAD"],
        &["diff", "v1", "HEAD"],
        &["release", "--all", "-o", "rel"],
        &["build", "--rev", "HEAD", "-q", "-o", "out"],
    ] {
        assert_finishes("a tree bomb", dir.path(), args);
    }
}
