//! `sigdoc watch`: a save rebuilds only the documents it affects, an invalid edit is
//! reported and leaves the PDFs alone, and the next valid save recovers.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sigdoc_cli::Console;
use sigdoc_cli::watch::{WatchOptions, watch_until};

use crate::support::{Fixture, contains, normalise, pdf_text};

/// Reading the repository at `path`, with the environment of the test process.
fn settings(path: &Path) -> sigdoc::Settings {
    sigdoc::Settings {
        repo: Some(path.to_owned()),
        root: "documents".into(),
        cwd: path.to_owned(),
        env: sigdoc_cli::Host::of_process().env,
    }
}

/// Standard error of the watch, shared with the test thread.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Shared {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Polls `ready` until it holds; panics with `what` and the watch's output after a
/// generous bound (a rebuild of this fixture takes well under a second).
fn wait_for(what: &str, log: &Shared, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}; watch printed:\n{}", log.text());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

/// The files of the output folder: three PDFs, never a temporary or partial one.
fn outputs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn watch_rebuilds_on_save_survives_an_invalid_edit_and_recovers() {
    let mut fx = Fixture::with_threats(&["dns-redirection", "jid-confusables"]);
    fx.commit("Two threats");
    let out: PathBuf = fx.path().join("out");
    let (analysis, process) = (out.join("analysis.pdf"), out.join("process.pdf"));
    let threat = "documents/threats/dns-redirection.yaml";

    let log = Shared::default();
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (mut err, stop) = (log.clone(), stop.clone());
        let options = WatchOptions {
            settings: settings(fx.path()),
            output: "out".into(),
            debounce: Duration::from_millis(30),
            pdf: true,
            live: None,
        };
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let mut console =
                Console { out: &mut out, err: &mut err, color: false, color_out: false, quiet: false, verbose: false };
            watch_until(&options, &mut console, &|| stop.load(Ordering::Relaxed))
        })
    };

    // The first build writes all three documents.
    wait_for("the first build", &log, || log.text().matches("rebuilt out/").count() == 3);
    assert_eq!(outputs(&out), ["analysis.pdf", "process.pdf", "template.pdf"]);
    let (analysis_0, process_0) = (read(&analysis), read(&process));

    // A save of a threat rebuilds the analysis, and only the analysis.
    fx.replace(threat, "through forged DNS records", "through forged records of the resolver");
    wait_for("the analysis to change", &log, || read(&analysis) != analysis_0);
    wait_for("the rebuild message", &log, || log.text().matches("rebuilt out/analysis.pdf").count() == 2);
    let text = normalise(&pdf_text(&analysis));
    assert!(contains(&text, "forged records of the resolver"), "the edit is not in the PDF");
    assert_eq!(read(&process), process_0, "process.pdf does not depend on threats");
    assert_eq!(log.text().matches("rebuilt out/process.pdf").count(), 1);
    let analysis_1 = read(&analysis);

    // The incremental rebuild gives exactly what a fresh build of the same files gives.
    let (code, _, err) = fx.sigdoc(&["build", "--only", "analysis", "-o", "fresh"]);
    assert_eq!(code, 0, "{err}");
    assert!(read(&fx.path().join("fresh/analysis.pdf")) == analysis_1, "watch and build differ");

    // An invalid edit is reported; the PDFs stay as they were, with no partial file.
    let before = log.text().len();
    fx.replace(threat, "likelihood: low", "likelihood: hihg");
    wait_for("the error", &log, || log.text()[before..].contains("PDFs were left as they were"));
    let reported = log.text()[before..].to_owned();
    assert!(reported.contains("dns-redirection.yaml") && reported.contains("hihg"), "{reported}");
    assert!(read(&analysis) == analysis_1, "an invalid edit must not touch the PDF");
    assert_eq!(outputs(&out), ["analysis.pdf", "process.pdf", "template.pdf"]);

    // Fixing it recovers: the next save rebuilds again.
    let before = log.text().len();
    fx.replace(threat, "likelihood: hihg", "likelihood: high");
    wait_for("the recovery", &log, || log.text()[before..].contains("rebuilt out/analysis.pdf"));
    assert!(read(&analysis) != analysis_1);
    assert_eq!(outputs(&out), ["analysis.pdf", "process.pdf", "template.pdf"]);

    stop.store(true, Ordering::Relaxed);
    let result = watcher.join().expect("the watch thread does not panic");
    assert!(result.is_ok(), "{:?}", result.err().map(|e| e.to_string()));
}

#[test]
fn watch_refuses_a_folder_that_is_no_repository() {
    let dir = tempfile::tempdir().unwrap();
    let options = WatchOptions {
        settings: settings(dir.path()),
        output: "out".into(),
        debounce: Duration::from_millis(30),
        pdf: true,
        live: None,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut console =
        Console { out: &mut out, err: &mut err, color: false, color_out: false, quiet: false, verbose: false };
    let result = watch_until(&options, &mut console, &|| true);
    assert_eq!(result.map_err(|e| e.exit_code()), Err(1));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn watch_in_a_bare_repository_is_the_repository_s_fault_not_a_usage_error() {
    let mut fx = Fixture::with_threats(&["c2s-starttls-stripping"]);
    fx.commit("One threat");
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("bare.git");
    git2::build::RepoBuilder::new().bare(true).clone(fx.path().to_str().unwrap(), &bare).unwrap();
    let options = WatchOptions {
        settings: sigdoc::Settings {
            repo: Some(bare.clone()),
            root: "documents".into(),
            cwd: dir.path().to_owned(),
            env: Default::default(),
        },
        output: "out".into(),
        debounce: Duration::from_millis(30),
        pdf: true,
        live: None,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut console =
        Console { out: &mut out, err: &mut err, color: false, color_out: false, quiet: false, verbose: false };
    let result = watch_until(&options, &mut console, &|| true);
    let error = result.expect_err("a bare repository has nothing to watch");
    assert_eq!(error.exit_code(), 1, "{error}");
    assert!(error.to_string().contains("bare"), "{error}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn watch_without_a_documents_folder_is_the_documents_fault_not_a_usage_error() {
    let mut fx = Fixture::with_threats(&["c2s-starttls-stripping"]);
    fx.commit("One threat");
    let mut settings = settings(fx.path());
    settings.root = "elsewhere".into();
    let options =
        WatchOptions { settings, output: "out".into(), debounce: Duration::from_millis(30), pdf: true, live: None };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut console =
        Console { out: &mut out, err: &mut err, color: false, color_out: false, quiet: false, verbose: false };
    let error = watch_until(&options, &mut console, &|| true).expect_err("there is nothing to watch");
    assert_eq!(error.exit_code(), 1, "{error}");
    assert!(error.to_string().contains("elsewhere"), "{error}");
    assert!(!fx.path().join("out").exists());
}
