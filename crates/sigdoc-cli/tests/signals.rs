//! The `sigdoc` binary interrupted while it writes: no temporary file stays behind and
//! every PDF in the output folder is whole (issue 13).

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

const SIGDOC: &str = env!("CARGO_BIN_EXE_sigdoc");

/// What the output folder holds besides the three whole PDFs of a build.
fn leftovers(out: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(out) else { return Vec::new() };
    let mut bad = Vec::new();
    for entry in entries {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        let whole_pdf = bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF");
        let expected = ["process.pdf", "template.pdf", "analysis.pdf"].contains(&name.as_str());
        if !expected || !whole_pdf {
            bad.push(name);
        }
    }
    bad
}

/// Whether the folder holds a file being written (any name that is not a finished PDF).
fn writing(out: &Path) -> bool {
    std::fs::read_dir(out)
        .is_ok_and(|entries| entries.filter_map(Result::ok).any(|e| !e.file_name().to_string_lossy().ends_with(".pdf")))
}

/// Builds, and the moment a file is being written, freezes sigdoc, sends it `signal` and
/// lets it go on; returns whether the signal came while it was writing.
fn interrupt_while_writing(dir: &Path, signal: Signal) -> bool {
    let out = dir.join("out");
    let mut child = Command::new(SIGDOC)
        .args(["build", "-q", "-o", "out"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sigdoc");
    let pid = Pid::from_raw(i32::try_from(child.id()).expect("pid")).expect("pid");
    let started = Instant::now();
    let mut caught = false;
    while started.elapsed() < Duration::from_secs(60) {
        if writing(&out) {
            // Frozen mid-write, so that the signal surely lands there.
            let _ = kill_process(pid, Signal::STOP);
            caught = writing(&out);
            let _ = kill_process(pid, signal);
            let _ = kill_process(pid, Signal::CONT);
            break;
        }
        if child.try_wait().expect("poll sigdoc").is_some() {
            break;
        }
    }
    let status = child.wait().expect("wait for sigdoc");
    // Finished, stopped by the handler (130), killed before it was installed, or a write
    // that failed because the handler had just removed its file (1).
    assert!(matches!(status.code(), Some(0 | 1 | 130) | None), "exit {status:?} after {signal:?}");
    assert_eq!(leftovers(&out), Vec::<String>::new(), "{signal:?} left these behind");
    caught
}

#[test]
fn an_interrupted_build_leaves_whole_pdfs_and_no_temporary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    git2::Repository::init(dir.path()).expect("git init");
    let init = Command::new(SIGDOC).args(["init", "."]).current_dir(dir.path()).output().expect("sigdoc init");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let mut caught = 0;
    for attempt in 0..40 {
        let signal = if attempt % 2 == 0 { Signal::INT } else { Signal::TERM };
        // Each build replaces the last one's PDFs, so every attempt writes again.
        if interrupt_while_writing(dir.path(), signal) {
            caught += 1;
        }
        if caught >= 4 {
            break;
        }
    }
    assert!(caught > 0, "no attempt interrupted a write; the test proves nothing");
}
