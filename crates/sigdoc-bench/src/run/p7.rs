//! P7: the web preview's latency after one threat edit of 200, beside `typst watch` of
//! the emitted sources and `sigdoc watch`'s PDF; and the cold HTML build against the PDFs.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use super::comparisons::{met, watch_edits};
use super::measure::{Sample, measure_alternating, ratio, secs};
use super::{Bench, generate};

/// The port the preview is served on during the benchmark.
const PORT: u16 = 8787;

/// An edit of threat `path` that shows in its section: a new first line of its definition.
fn edit(path: &Path, run: usize) -> io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    let marker = format!("Edited in preview run {run}.");
    std::fs::write(path, text.replacen("definition: |\n", &format!("definition: |\n  {marker}\n"), 1))?;
    Ok(marker)
}

fn threats(repo: &Path) -> io::Result<Vec<PathBuf>> {
    let mut threats: Vec<PathBuf> =
        std::fs::read_dir(repo.join("documents/threats"))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    threats.sort();
    Ok(threats)
}

fn get(path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", PORT)) else { return String::new() };
    let _ = write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text
}

/// The body of an HTTP answer.
fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

fn wait(what: &str, mut ready: impl FnMut() -> bool) -> io::Result<Instant> {
    let deadline = Instant::now() + Duration::from_secs(600);
    while !ready() {
        if Instant::now() > deadline {
            return Err(io::Error::other(format!("never saw {what}")));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(Instant::now())
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `sigdoc watch --serve --no-pdf`: save → the edit in the page the server sends.
fn preview_edits(sigdoc: &Path, repo: &Path, runs: usize) -> io::Result<Sample> {
    let port = PORT.to_string();
    let mut child = Command::new(sigdoc)
        .args(["watch", "-o", "pout", "--debounce", "20", "--serve", "--port", &port, "--no-pdf"])
        .current_dir(repo)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or_else(|| io::Error::other("no stderr"))?;
    let _child = Killed(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    wait("the first pages", || get("/analysis.html").contains("</html>"))?;
    let threats = threats(repo)?;
    let mut sample = Sample {
        label: "`sigdoc watch --serve --no-pdf`: save → edit in the served page".into(),
        ..Sample::default()
    };
    for i in 0..runs {
        let mut seen = body(&get("/.sigdoc/version")).to_owned();
        let saved = Instant::now();
        let marker = edit(&threats[(i * 37 + 11) % threats.len()], i)?;
        // As the open page does: wait to be told of a new version, then load the page.
        let at = wait("the edit in the page", || {
            seen = body(&get(&format!("/.sigdoc/version?since={seen}"))).to_owned();
            get("/analysis.html").contains(&marker)
        })?;
        sample.times.push(at - saved);
        eprintln!("  preview {i}: served after {}", secs(at - saved));
        std::thread::sleep(Duration::from_millis(300));
    }
    while rx.try_recv().is_ok() {}
    Ok(sample)
}

/// `typst watch` of the emitted analysis: save of the new data → new PDF on disk.
fn typst_edits(bench: &Bench, typst: &Path, repo: &Path, runs: usize) -> io::Result<Sample> {
    let emit = |dir: &str| bench.sig(&["build", "-q", "--only", "analysis", "-o", "tout", "--emit-typst", dir], repo);
    emit("typ").run()?;
    let fonts = bench.fonts.to_string_lossy().into_owned();
    let pdf = repo.join("typst-watch.pdf");
    let child = Command::new(typst)
        .args(["watch", "--root", "typ", "--font-path", &fonts, "--ignore-system-fonts", "typ/analysis.typ"])
        .arg(&pdf)
        .current_dir(repo)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let _child = Killed(child);
    let modified = || std::fs::metadata(&pdf).and_then(|m| m.modified()).ok();
    wait("typst's first PDF", || modified().is_some())?;
    std::thread::sleep(Duration::from_secs(2));
    let threats = threats(repo)?;
    let mut sample =
        Sample { label: "`typst watch` of the emitted sources: save → new PDF on disk".into(), ..Sample::default() };
    for i in 0..runs {
        edit(&threats[(i * 37 + 5) % threats.len()], 100 + i)?;
        emit("typ-next").run()?;
        let before: Option<SystemTime> = modified();
        let saved = Instant::now();
        std::fs::copy(repo.join("typ-next/data/analysis.json"), repo.join("typ/data/analysis.json"))?;
        let at = wait("typst's new PDF", || modified() != before)?;
        sample.times.push(at - saved);
        eprintln!("  typst watch {i}: PDF after {}", secs(at - saved));
        std::thread::sleep(Duration::from_secs(2));
    }
    Ok(sample)
}

impl Bench {
    /// P7: the preview, its peer and the PDF watch; the cold HTML build against the PDFs.
    pub(super) fn p7(&mut self) -> io::Result<()> {
        eprintln!("P7: web preview after one edit of 200 threats");
        let repo = generate(&self.work, "p7-200-threats", 200, 20, 2)?;
        let runs = self.runs;
        let preview = preview_edits(&self.sigdoc, &repo, runs)?;
        let (_, pdf) = watch_edits(&self.sigdoc, &repo, runs)?;
        let peer = match self.typst.clone() {
            Some(typst) => Some(typst_edits(self, &typst, &repo, runs)?),
            None => None,
        };
        let html_cmd = self.sig(&["build", "-q", "--format", "html", "-o", "hout"], &repo);
        let pdf_cmd = self.sig(&["build", "-q", "-o", "hout"], &repo);
        let [html, pdfs] = measure_alternating(
            [
                ("cold `sigdoc build --format html` (4 pages, 200 threats)", std::slice::from_ref(&html_cmd)),
                ("cold `sigdoc build` (3 PDFs, 200 threats)", std::slice::from_ref(&pdf_cmd)),
            ],
            runs,
        )?;
        let mut samples = vec![&preview, &pdf];
        let verdict = match &peer {
            Some(peer) => {
                samples.push(peer);
                let r = ratio(preview.median(), peer.median());
                format!(
                    "Ratio preview / `typst watch`: **{r:.3}×** (goal ≤ 0.1×: {}); against `sigdoc watch`'s PDF: \
                     {:.3}×.",
                    met(r <= 0.1),
                    ratio(preview.median(), pdf.median())
                )
            }
            None => format!(
                "**Skipped the peer**: the typst 0.15.1 CLI is not installed. Against `sigdoc watch`'s PDF: {:.3}×.",
                ratio(preview.median(), pdf.median())
            ),
        };
        samples.push(&html);
        samples.push(&pdfs);
        let verdict = format!(
            "{verdict} Cold builds: HTML / PDF **{:.3}×**. The preview's time runs from the save to the first \
             answer of the server holding the edit, fetched as the open page fetches it: once the server's \
             long poll (`/.sigdoc/version?since=V`) tells of a new version; the watch debounces saves by 20 ms.",
            ratio(html.median(), pdfs.median())
        );
        self.section("P7 — web preview after one threat edit of 200 vs `typst watch` and the PDF", &samples, &verdict);
        Ok(())
    }
}
