//! Repositories written to harm whoever builds them (issue 13): names that climb out of
//! the documents folder, links to elsewhere, outputs aimed at the git directory, escape
//! sequences for the terminal, releases that would delete work, all-or-nothing writes.
//!
//! Every run through `Fixture::sigdoc` also checks that `.git` stays byte for byte as it
//! was and that no file outside the command's output appears or changes.

use crate::support::{Fixture, pdf_info, pdf_text, sigdoc};

/// A small committed repository with a release tag.
fn released() -> Fixture {
    let mut fixture = Fixture::with_threats(&["carbon-forging"]);
    let first = fixture.commit("Add the deliverables");
    fixture.tag("v0.1", &first);
    fixture
}

#[test]
fn a_tree_entry_that_climbs_out_of_the_folder_is_refused_and_nothing_is_written() {
    let mut fixture = released();
    let planted = b"[core]\n\tfsmonitor = touch pwned\n";
    fixture.commit_with_raw_entries(
        "Hostile names",
        &[
            ("documents", "100644", b"../../../../.git/config", planted),
            ("documents/threats", "100644", b"../../../x.yaml", planted),
            ("documents", "100644", b".GIT", planted),
        ],
    );
    let (code, out, err) = fixture.sigdoc(&["build", "--rev", "HEAD", "--emit-typst", "typ", "-o", "out"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    for line in [
        "documents/../../../../.git/config:0:0: error: a file name with a path separator; refused",
        "documents/threats/../../../x.yaml:0:0: error: a file name with a path separator; refused",
        "documents/.GIT:0:0: error: a file name that a file system takes for `.git`; refused",
    ] {
        assert!(err.lines().any(|l| l == line), "missing {line:?} in:\n{err}");
    }
    assert!(!fixture.path().join("typ").exists() && !fixture.path().join("out").exists());
    assert!(!fixture.path().join("pwned").exists());
}

#[cfg(unix)]
#[test]
fn a_documents_folder_linked_elsewhere_is_not_read_from_the_working_tree() {
    let fixture = released();
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let moved = elsewhere.path().join("documents");
    std::fs::rename(fixture.path().join("documents"), &moved).expect("move documents away");
    std::os::unix::fs::symlink(&moved, fixture.path().join("documents")).expect("link");
    let (code, _, err) = fixture.sigdoc(&["build", "--emit-typst", "typ"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`documents` (or a folder above it) is a symbolic link in the working tree"), "{err}");
    assert!(!fixture.path().join("typ").exists(), "nothing read from elsewhere was copied out");
}

#[test]
fn no_output_goes_into_the_git_directory_or_the_documents_folder() {
    let fixture = released();
    for args in [
        &["build", "-o", ".git/out"][..],
        &["build", "-o", "missing/../.git/hooks"],
        &["build", "--emit-typst", ".git"],
        &["build", "-o", "documents/pdf"],
        &["release", "v0.1", "-o", ".git/rel"],
        &["diff", "v0.1", "--format", "pdf", "-o", ".git/changes.pdf"],
        &["diff", "v0.1", "--format", "json", "-o", ".git"],
    ] {
        let (code, _, err) = fixture.sigdoc(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("refusing to write") || err.contains("give a file name"), "{args:?}: {err}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(".git", fixture.path().join("looks-harmless")).expect("link");
        let (code, _, err) = fixture.sigdoc(&["build", "-o", "looks-harmless/x"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("is a symbolic link inside the repository"), "{err}");
    }
}

#[test]
fn a_bare_repository_builds_nothing_into_itself_and_releases_from_head() {
    let fixture = released();
    let bare_dir = tempfile::tempdir().expect("temp dir");
    let bare = bare_dir.path().join("bare.git");
    git2::build::RepoBuilder::new()
        .bare(true)
        .clone(fixture.path().to_str().expect("UTF-8 path"), &bare)
        .expect("bare clone");
    // Run from inside the bare repository: the default `out` would be in its git directory.
    let (code, _, err) = sigdoc(&["build", "--rev", "HEAD"], &bare);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("refusing to write into out"), "{err}");
    assert!(!bare.join("out").exists());
    // `release` reads the tag pattern from HEAD and never suggests --rev.
    let elsewhere = bare_dir.path().join("rel");
    let (code, out, err) = sigdoc(&["release", "v0.1", "-o", elsewhere.to_str().expect("UTF-8")], &bare);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("--rev"), "{err}");
    assert_eq!(out.lines().count(), 4, "{out}");
}

#[test]
fn repository_text_reaches_the_terminal_escaped() {
    let mut fixture = released();
    fixture.replace("documents/threats/carbon-forging.yaml", "name: ", "name: evil\u{202e}gpj.exe ");
    fixture.commit("Rename\u{1b}]0;pwned\u{7}\u{1b}[2J with a hidden \u{9b}31m surprise");
    fixture.write("documents/threats/new.yaml", "id: new\nbad\u{202e}key: 1\n");
    fixture.write("documents/threats/newer.yaml", "id: newer\nworse\u{1b}[31mkey: 2\n");
    let commands: [&[&str]; 6] = [
        &["check"],
        &["history"],
        &["diff", "v0.1"],
        &["diff", "v0.1", "HEAD"],
        &["log", "carbon-forging"],
        &["build", "-o", "out"],
    ];
    for args in commands {
        let (_, out, err) = fixture.sigdoc(args);
        for (stream, text) in [("stdout", &out), ("stderr", &err)] {
            let raw: Vec<char> = text
                .chars()
                .filter(|c| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c))
                .collect();
            assert!(raw.is_empty(), "{args:?} printed {raw:?} raw on {stream}:\n{text}");
        }
    }
    let (_, out, _) = fixture.sigdoc(&["history", "analysis"]);
    assert!(out.contains("Rename\\u{1b}]0;pwned\\u{7}"), "{out}");
    let (_, _, err) = fixture.sigdoc(&["check"]);
    assert!(err.contains("│ bad\\u{202e}key: 1"), "the excerpt shows the escape: {err}");
}

#[test]
fn a_release_never_deletes_what_sigdoc_did_not_write() {
    let fixture = released();
    fixture.write("rel/v0.1/notes.txt", "the user's own notes");
    let (code, _, err) = fixture.sigdoc(&["release", "v0.1", "-o", "rel"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rel/v0.1 exists and holds files; pass --force"), "{err}");
    assert!(!fixture.path().join("rel/v0.1/SHA256SUMS").exists());
    let (code, _, err) = fixture.sigdoc(&["release", "v0.1", "-o", "rel", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(fixture.read("rel/v0.1/notes.txt"), "the user's own notes");
    assert!(fixture.path().join("rel/v0.1/SHA256SUMS").is_file());
}

#[test]
fn a_release_folder_is_never_the_documents_folder() {
    let mut fixture = released();
    fixture.replace("documents/sig.yaml", "tags: \"v*\"", "tags: \"*\"");
    let commit = fixture.commit("Every tag is a release");
    fixture.tag("documents", &commit);
    let before = fixture.tree_files();
    let (code, _, err) = fixture.sigdoc(&["release", "--all", "-o", ".", "--force"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("release documents: it would lie inside the documents folder"), "{err}");
    assert_eq!(fixture.tree_files(), before, "nothing was written or deleted");
}

#[test]
fn a_tag_that_cannot_name_a_folder_stops_the_release_before_anything_is_written() {
    let mut fixture = released();
    fixture.replace("documents/threats/carbon-forging.yaml", "likelihood: low\n", "likelihood: medium\n");
    let second = fixture.commit("Raise the likelihood");
    fixture.tag("v0.2/rc1", &second);
    let (code, out, err) = fixture.sigdoc(&["release", "--all", "-o", "rel"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("tag `v0.2/rc1` cannot name a release folder"), "{err}");
    assert!(!fixture.path().join("rel").exists(), "not even v0.1 was written");
}

#[test]
fn writes_are_all_or_nothing_and_stale_temporaries_go() {
    let fixture = released();
    fixture.write("out/process.pdf", "the previous build");
    fixture.write("out/.sigdoc-tmp-4242-7", "left by a killed run");
    std::fs::create_dir_all(fixture.path().join("out/template.pdf")).expect("a folder in the way");
    let (code, _, err) = fixture.sigdoc(&["build", "-o", "out"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(fixture.read("out/process.pdf"), "the previous build", "no PDF replaced unless all are");
    let leftovers: Vec<String> = std::fs::read_dir(fixture.path().join("out"))
        .expect("read out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".sigdoc-tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::fs::remove_dir(fixture.path().join("out/template.pdf")).expect("clear the way");
    let (code, _, err) = fixture.sigdoc(&["build", "-o", "out"]);
    assert_eq!(code, 0, "{err}");
    assert!(pdf_text(&fixture.path().join("out/process.pdf")).contains("Process"));
}

#[cfg(unix)]
#[test]
fn a_second_writer_waits_for_the_first() {
    let fixture = released();
    let out = fixture.path().join("out");
    std::fs::create_dir(&out).expect("create out");
    let lock = std::fs::File::open(&out).expect("open out");
    lock.lock().expect("lock out");
    let repo = fixture.path().to_owned();
    let writer = std::thread::spawn(move || sigdoc(&["build", "-o", "out", "--only", "process"], &repo));
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(!out.join("process.pdf").exists(), "the second writer wrote while the first held the folder");
    lock.unlock().expect("unlock");
    let (code, _, err) = writer.join().expect("writer thread");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("waiting for another sigdoc writing into"), "{err}");
    assert!(out.join("process.pdf").is_file());
}

#[test]
fn dates_beyond_the_calendar_are_clamped_alike_everywhere() {
    let mut fixture = Fixture::with_threats(&["carbon-forging"]);
    // Year 10001: hand-made commits may claim any second.
    fixture.commit_at("From the far future", 253_433_923_200);
    let (code, out, err) = fixture.sigdoc(&["history", "process", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["entries"][0]["date"], "9999-12-31");
    let (code, _, err) = fixture.sigdoc(&["build", "--rev", "HEAD", "--only", "process"]);
    assert_eq!(code, 0, "{err}");
    let pdf = fixture.path().join("out/process.pdf");
    assert!(pdf_info(&pdf)["CreationDate"].starts_with("9999-12-31"), "{:?}", pdf_info(&pdf));
    assert!(pdf_text(&pdf).contains("9999-12-31"));
}

#[test]
fn a_clean_checkout_with_converted_line_endings_builds_as_clean() {
    let fixture = released();
    fixture.config("core.autocrlf", "true");
    std::fs::remove_dir_all(fixture.path().join("documents")).expect("remove documents");
    fixture.checkout_again();
    let analysis = fixture.read("documents/analysis.md");
    assert!(analysis.contains("\r\n"), "the checkout wrote CRLF line endings");
    let (code, _, err) = fixture.sigdoc(&["build", "-o", "worktree", "--only", "analysis"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = fixture.sigdoc(&["build", "--rev", "v0.1", "-o", "tag", "--only", "analysis"]);
    assert_eq!(code, 0, "{err}");
    let read = |dir: &str| std::fs::read(fixture.path().join(dir).join("analysis.pdf")).expect("PDF");
    assert!(read("worktree") == read("tag"), "a clean checkout builds the same bytes as its tag");
    assert!(!pdf_text(&fixture.path().join("worktree/analysis.pdf")).contains("DRAFT"));
}
