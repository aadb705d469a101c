//! The comparisons P1–P6, each measured on its own generated repository and written as
//! one section of the report.

use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::measure::{Cmd, Sample, measure, measure_alternating, ratio, secs};
use super::{Bench, capture, generate};

impl Bench {
    /// P1: cold build of three PDFs vs the typst CLI on the emitted sources.
    pub(super) fn p1(&mut self) -> io::Result<()> {
        eprintln!("P1: cold build vs typst compile");
        let repo = generate(&self.work, "p1-20-threats", 20, 200, 3)?;
        let build = self.sig(&["build", "-q", "-o", "out"], &repo);
        let ours_label = format!("{} (3 PDFs, one process)", build.shown());
        let title = "P1 — cold `sigdoc build` of 3 PDFs (20 threats) vs `typst compile` of the emitted sources";
        let Some(typst) = self.typst.clone() else {
            let ours = measure(&ours_label, &[build], self.runs, &|| Ok(()))?;
            self.section(title, &[&ours], "**Skipped the peer**: the typst 0.15.1 CLI is not installed.");
            return Ok(());
        };
        self.sig(&["build", "-q", "-o", "out", "--emit-typst", "typ"], &repo).run()?;
        let fonts = self.fonts.to_string_lossy().into_owned();
        let cmds: Vec<Cmd> = ["process", "template", "analysis"]
            .iter()
            .map(|d| {
                let (main, out) = (format!("typ/{d}.typ"), format!("typst-{d}.pdf"));
                Cmd::new(
                    &typst,
                    &["compile", "--root", "typ", "--font-path", &fonts, "--ignore-system-fonts", &main, &out],
                    &repo,
                )
            })
            .collect();
        let label = format!(
            "{} (three processes, one after the other)",
            cmds[2].shown().replace("analysis", "{process,template,analysis}")
        );
        let [ours, theirs] = measure_alternating([(&ours_label, &[build]), (&label, &cmds)], self.runs)?;
        let same = ["process", "template", "analysis"].iter().all(|d| {
            let text = |p: &Path| capture("pdftotext", &[&p.to_string_lossy(), "-"]);
            let ours = text(&repo.join(format!("out/{d}.pdf")));
            !ours.is_empty() && ours == text(&repo.join(format!("typst-{d}.pdf")))
        });
        let r = ratio(ours.median(), theirs.median());
        let verdict = format!(
            "Ratio sigdoc / typst: **{r:.2}×** (goal ≤ 1.0×: {}; stretch 0.6×: {}). The two sides' PDFs have {} \
             text (pdftotext). sigdoc checks, reads the history and builds the data in the same time; it loads the \
             fonts and the standard library once and compiles the three documents in parallel.",
            met(r <= 1.0),
            met(r <= 0.6),
            if same { "the same" } else { "**different** (or pdftotext is missing)" }
        );
        self.section(title, &[&ours, &theirs], &verdict);
        Ok(())
    }

    /// P2: a watch rebuild after one threat edit vs a cold build of that document.
    pub(super) fn p2(&mut self) -> io::Result<()> {
        eprintln!("P2: watch rebuild vs cold build");
        let repo = generate(&self.work, "p2-200-threats", 200, 400, 3)?;
        let cold_cmd = self.sig(&["build", "-q", "--only", "analysis", "-o", "out"], &repo);
        let cold = measure(&cold_cmd.shown(), &[cold_cmd], self.runs.min(3), &|| Ok(()))?;
        let (compile, latency) = watch_edits(&self.sigdoc, &repo, self.runs)?;
        let r = ratio(latency.median(), cold.median());
        let verdict = format!(
            "Ratio save → new PDF / cold build: **{r:.2}×** (goal ≤ 0.10: {}). The rebuild time is what \
             `sigdoc watch` prints (read the working tree, check, history, data, incremental compile, PDF export, \
             atomic write); save → new PDF, the ratio's side, adds the debounce (20 ms here) and the file-system \
             notification. Each run edits a different threat of the 200, two seconds after the previous PDF. HEAD \
             is a release tag, so the first edit also turns every page into a DRAFT page: a full relayout (the \
             maximum).",
            met(r <= 0.10)
        );
        self.section(
            "P2 — `sigdoc watch` rebuild after editing one threat of 200 vs a cold build of the analysis",
            &[&cold, &compile, &latency],
            &verdict,
        );
        Ok(())
    }

    /// P3: the history of the analysis vs `git log` of its files on 10,000 commits.
    pub(super) fn p3(&mut self) -> io::Result<()> {
        eprintln!("P3: history vs git log");
        let repo = generate(&self.work, "p3-10000-commits", 50, 10_000, 20)?;
        let ours_cmd = self.sig(&["history", "analysis", "--format", "json"], &repo);
        let git = Path::new("git");
        let log = ["log", "--format=%H", "HEAD", "--", "documents/analysis.md", "documents/threats/"];
        let theirs_cmd = Cmd::new(git, &log, &repo);
        // Writing into a pipe, git flushes after every commit (6,000 writes here); into
        // a file it does not. Its work alone is measured too, with the flushes off.
        let batched_cmd = Cmd::new(git, &log, &repo).with_env("GIT_FLUSH", "0");
        // A tenth of a second each: more runs steady a median that single milliseconds decide.
        let runs = self.runs.max(11);
        let [ours, theirs, batched] = measure_alternating(
            [
                (&ours_cmd.shown(), std::slice::from_ref(&ours_cmd)),
                (&theirs_cmd.shown(), std::slice::from_ref(&theirs_cmd)),
                (&batched_cmd.shown(), std::slice::from_ref(&batched_cmd)),
            ],
            runs,
        )?;
        let json = String::from_utf8_lossy(&ours_cmd.run()?.2).into_owned();
        let mut listed: Vec<String> = json
            .split("\"commits\":")
            .skip(1)
            .flat_map(|part| {
                let list = &part[..part.find(']').unwrap_or(0)];
                list.split('"').filter(|s| s.len() == 40).map(str::to_owned).collect::<Vec<_>>()
            })
            .collect();
        let mut logged: Vec<String> =
            String::from_utf8_lossy(&theirs_cmd.run()?.2).lines().map(str::to_owned).collect();
        listed.sort();
        logged.sort();
        let r = ratio(ours.median(), theirs.median());
        let r_work = ratio(ours.median(), batched.median());
        let verdict = format!(
            "Ratio sigdoc / git log: **{r:.2}×** (goal ≤ 1.0×: {}). Both list the same {} commits: {}. All three \
             write into a pipe the benchmark reads, as when a script reads their output; git then flushes its \
             output after every commit. Against git's work alone (`GIT_FLUSH=0`, as when git writes to a file): \
             **{r_work:.2}×**.",
            met(r <= 1.0),
            logged.len(),
            if listed == logged { "yes" } else { "**no**" }
        );
        self.section(
            "P3 — `sigdoc history` of the analysis on 10,000 commits vs `git log` of its files",
            &[&ours, &theirs, &batched],
            &verdict,
        );
        Ok(())
    }

    /// P4: one `release --all` of 20 tags vs 20 separate builds.
    pub(super) fn p4(&mut self) -> io::Result<()> {
        eprintln!("P4: release --all vs 20 builds");
        let repo = generate(&self.work, "p4-20-tags", 20, 200, 20)?;
        let release = self.sig(&["release", "--all", "-q", "-j", "2", "-o", "rel"], &repo);
        let builds: Vec<Cmd> = (1..=20)
            .map(|i| {
                let (rev, out) = (format!("v0.{i}"), format!("builds/v0.{i}"));
                self.sig(&["build", "-q", "--rev", &rev, "-o", &out], &repo)
            })
            .collect();
        let runs = self.runs.min(3);
        let label =
            format!("{} for each of the 20 tags, one after the other", builds[0].shown().replace("v0.1", "TAG"));
        let [ours, theirs] = measure_alternating([(&release.shown(), &[release]), (&label, &builds)], runs)?;
        let r = ratio(ours.median(), theirs.median());
        let verdict = format!(
            "Ratio release / builds: **{r:.2}×** (goal ≤ 0.6×: {}). The release also attaches each document's \
             sources and writes SHA256SUMS; it shares fonts, library and Typst's caches across tags in one process, \
             takes the tags in order on two workers and compiles each tag's documents on all cores.",
            met(r <= 0.6)
        );
        self.section(
            "P4 — `sigdoc release --all` (20 tags) vs 20 separate `sigdoc build --rev`",
            &[&ours, &theirs],
            &verdict,
        );
        Ok(())
    }

    /// P5: growth from 100 to 1,000 threats; P6: diff of two 1,000-threat revisions.
    pub(super) fn p5_p6(&mut self) -> io::Result<()> {
        eprintln!("P5: 100 vs 1,000 threats");
        let small = generate(&self.work, "p5-100-threats", 100, 400, 4)?;
        let large = generate(&self.work, "p5-1000-threats", 1000, 2000, 4)?;
        let runs = self.runs.min(3);
        let cmd = |dir: &Path| self.sig(&["build", "-q", "-o", "out"], dir);
        let [s, l] = measure_alternating(
            [
                (&format!("{} — 100 threats", cmd(&small).shown()), &[cmd(&small)]),
                (&format!("{} — 1,000 threats", cmd(&large).shown()), &[cmd(&large)]),
            ],
            runs,
        )?;
        let pages = capture("pdfinfo", &[&large.join("out/analysis.pdf").to_string_lossy()])
            .lines()
            .find_map(|l| l.strip_prefix("Pages:").map(|p| p.trim().to_owned()))
            .unwrap_or_else(|| "?".into());
        let growth = ratio(l.median(), s.median());
        let rss_gib = l.rss_kib.map_or(f64::NAN, |k| k as f64 / 1024.0 / 1024.0);
        let verdict = format!(
            "Growth for 10× the threats: **{growth:.1}×** (goal ≤ 10×: {}); peak RSS at 1,000 threats: **{rss_gib:.2} \
             GiB** (goal < 1.5 GiB: {}). The 1,000-threat analysis has {pages} pages.",
            met(growth <= 10.0),
            met(rss_gib < 1.5)
        );
        self.section("P5 — `sigdoc build` of 100 vs 1,000 threats: time and peak memory", &[&s, &l], &verdict);

        eprintln!("P6: diff of two 1,000-threat revisions");
        let title = "P6 — `sigdoc diff` of two 1,000-threat revisions";
        let has_diff = Command::new(&self.sigdoc).args(["diff", "--help"]).output().is_ok_and(|o| o.status.success());
        if !has_diff {
            self.section(title, &[], "**Skipped**: this sigdoc has no `diff` command.");
            return Ok(());
        }
        let diff = self.sig(&["diff", "v0.3", "v0.4", "--format", "json"], &large);
        let ours = measure(&diff.shown(), std::slice::from_ref(&diff), self.runs, &|| Ok(()))?;
        let git = Cmd::new(Path::new("git"), &["diff", "--stat", "v0.3", "v0.4", "--", "documents"], &large);
        let theirs = measure(&format!("{} (for scale)", git.shown()), &[git], self.runs, &|| Ok(()))?;
        let json = String::from_utf8_lossy(&diff.run()?.2).into_owned();
        let changed = json.matches("\"fields\"").count();
        let verdict = format!(
            "Median **{}** (goal < 1 s: {}); {changed} threats differ between v0.3 and v0.4, both with 1,000 threats.",
            secs(ours.median()),
            met(ours.median() < Duration::from_secs(1))
        );
        self.section(title, &[&ours, &theirs], &verdict);
        Ok(())
    }
}

pub(super) fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "**not met**" }
}

/// Starts `sigdoc watch` on `repo`, edits a different threat `runs` times and returns
/// the rebuild times it printed and the save → new PDF latencies.
pub(super) fn watch_edits(sigdoc: &Path, repo: &Path, runs: usize) -> io::Result<(Sample, Sample)> {
    let mut child = Command::new(sigdoc)
        .args(["watch", "-o", "wout", "--debounce", "20"])
        .current_dir(repo)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or_else(|| io::Error::other("no stderr"))?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send((Instant::now(), line));
        }
    });
    let result = (|| {
        let wait = |what: &str, pred: &dyn Fn(&str) -> bool| -> io::Result<(Instant, String)> {
            loop {
                match rx.recv_timeout(Duration::from_secs(600)) {
                    Ok((at, line)) if pred(&line) => return Ok((at, line)),
                    Ok((_, line)) if line.starts_with("sigdoc:") => {
                        return Err(io::Error::other(format!("watch failed: {line}")));
                    }
                    Ok(_) => {}
                    Err(_) => return Err(io::Error::other(format!("watch never printed {what}"))),
                }
            }
        };
        wait("the first build", &|l| l.starts_with("rebuilt in"))?;
        let mut threats: Vec<PathBuf> =
            std::fs::read_dir(repo.join("documents/threats"))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        threats.sort();
        let mut compile =
            Sample { label: "`sigdoc watch`: rebuild after the edit, as printed".into(), ..Sample::default() };
        let mut latency = Sample { label: "`sigdoc watch`: save → new PDF on disk".into(), ..Sample::default() };
        for i in 0..runs {
            let path = &threats[(i * 37) % threats.len()];
            let text = std::fs::read_to_string(path)?;
            let edited =
                text.replacen("definition: |\n", &format!("definition: |\n  Edited in benchmark run {i}.\n"), 1);
            let saved = Instant::now();
            std::fs::write(path, edited)?;
            let (at, line) = wait("a rebuild", &|l| l.starts_with("rebuilt wout/analysis.pdf in "))?;
            let ms: u64 = line
                .trim_start_matches("rebuilt wout/analysis.pdf in ")
                .split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            compile.times.push(Duration::from_millis(ms));
            latency.times.push(at - saved);
            eprintln!("  edit {i}: rebuilt in {ms} ms, on disk after {}", secs(at - saved));
            // An author reads the page before the next save; the watch tidies its cache
            // after writing, and back-to-back saves would make the next edit wait for it.
            std::thread::sleep(Duration::from_secs(2));
        }
        Ok((compile, latency))
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}
