//! The benchmarks P1–P6 of BENCHMARKS.md: each comparison runs its two sides in one
//! go on the same generated repository, several times, and reports medians and ratios.

mod comparisons;
mod measure;
mod p7;
mod partial;

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::Args;

use crate::synth::{self, Options};
use measure::{Cmd, Sample, TABLE_HEAD, secs};

/// `sigdoc-bench run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The sigdoc binary (default: the one beside this program).
    #[arg(long)]
    sigdoc: Option<PathBuf>,
    /// The typst 0.15.1 CLI (default: `typst` on PATH, else ~/.cargo/bin/typst).
    #[arg(long)]
    typst: Option<PathBuf>,
    /// The fonts folder handed to the typst CLI.
    #[arg(long, default_value = "fonts")]
    fonts: PathBuf,
    /// Runs per measurement (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Where the repositories are generated (emptied first).
    #[arg(long, default_value = "target/bench")]
    work: PathBuf,
    /// The report to write.
    #[arg(short, long, default_value = "BENCHMARKS.md")]
    output: PathBuf,
    /// Run only these comparisons (`p1`…`p7`; `p5` and `p6` run together) and put
    /// their sections in place of the same ones in the existing report, leaving the
    /// others' numbers as they were.
    #[arg(long, value_delimiter = ',', value_parser = ["p1", "p2", "p3", "p4", "p5", "p6", "p7"])]
    only: Vec<String>,
}

fn remove(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn capture(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown CPU", |l| l.trim_start_matches([' ', '\t', ':']));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    format!("{cpu}, {cores} cores, {:.1} GiB RAM, {}", mem_kib as f64 / 1024.0 / 1024.0, capture("uname", &["-sr"]))
}

fn find_typst(given: Option<&Path>) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match given {
        Some(p) => vec![p.to_owned()],
        None => {
            let mut c: Vec<PathBuf> = std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).map(|d| d.join("typst")).collect())
                .unwrap_or_default();
            if let Some(home) = std::env::var_os("HOME") {
                c.push(Path::new(&home).join(".cargo/bin/typst"));
            }
            c
        }
    };
    candidates.into_iter().find(|p| {
        Command::new(p).arg("--version").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("0.15.1"))
    })
}

fn generate(work: &Path, name: &str, threats: usize, commits: usize, tags: usize) -> io::Result<PathBuf> {
    let dir = work.join(name);
    remove(&dir)?;
    let started = Instant::now();
    let s = synth::generate(&dir, &Options { threats, commits, tags, seed: 1 })?;
    eprintln!(
        "generated {name}: {} commits ({} merges), {} tags, {} threats in {}",
        s.commits,
        s.merges,
        s.tags,
        s.threats,
        secs(started.elapsed())
    );
    Ok(dir)
}

/// The report under construction and what every section needs.
struct Bench {
    sigdoc: PathBuf,
    typst: Option<PathBuf>,
    fonts: PathBuf,
    runs: usize,
    work: PathBuf,
    report: String,
}

/// Runs every comparison and writes the report.
pub fn run(args: &RunArgs) -> io::Result<()> {
    let cwd = std::env::current_dir()?;
    let sigdoc = match &args.sigdoc {
        Some(p) => cwd.join(p),
        None => std::env::current_exe()?.with_file_name("sigdoc"),
    };
    if Command::new(&sigdoc).arg("--version").output().is_err() {
        return Err(io::Error::other(format!("no sigdoc binary at {}", sigdoc.display())));
    }
    let typst = find_typst(args.typst.as_deref());
    let work = cwd.join(&args.work);
    std::fs::create_dir_all(&work)?;
    let mut b =
        Bench { sigdoc, typst, fonts: cwd.join(&args.fonts), runs: args.runs.max(1), work, report: String::new() };
    let runs = |name: &str| args.only.is_empty() || args.only.iter().any(|o| o == name);
    b.header();
    if runs("p1") {
        b.p1()?;
    }
    if runs("p2") {
        b.p2()?;
    }
    if runs("p3") {
        b.p3()?;
    }
    if runs("p4") {
        b.p4()?;
    }
    if runs("p5") || runs("p6") {
        b.p5_p6()?;
    }
    if runs("p7") {
        b.p7()?;
    }
    // The interpretation is written by people and kept beside the script.
    let notes = std::fs::read_to_string(cwd.join("bench/NOTES.md")).unwrap_or_default();
    let report = if args.only.is_empty() {
        b.report.push_str(&notes);
        b.report
    } else {
        let previous = std::fs::read_to_string(cwd.join(&args.output)).unwrap_or_default();
        partial::merge(&previous, &b.report, &notes, &args.only)
    };
    std::fs::write(cwd.join(&args.output), report)?;
    eprintln!("wrote {}", args.output.display());
    Ok(())
}

impl Bench {
    fn header(&mut self) {
        let typst = match &self.typst {
            Some(p) => format!("`{}` ({})", p.display(), capture(&p.to_string_lossy(), &["--version"])),
            None => "not installed: the comparisons with it are skipped".to_owned(),
        };
        let _ = write!(
            self.report,
            "# Benchmarks\n\n\
             Written by `make bench` (`bench/run.sh`, which runs `sigdoc-bench run`); do not edit by hand.\n\n\
             - Machine: {}\n- Date: {} (UTC)\n- sigdoc: {}\n- git: {}\n- typst CLI: {typst}; obtained with \
             `cargo install typst-cli --version 0.15.1 --locked` (bench/run.sh installs it when missing and \
             cargo is available; set `SIGDOC_BENCH_NO_TYPST=1` to skip that)\n\
             - Every number is the median of the runs shown, wall-clock time of whole processes (start to exit), \
             with warm file caches; the two sides of a comparison run in alternation. Peak RSS is GNU time's \
             maximum resident set size of the largest process.\n\
             - Repositories are made by `sigdoc-bench gen` (seed 1): deterministic, pinned dates, threats of \
             typical length with attack trees of 5–30 nodes, merges of review branches, annotated tags.\n\n",
            machine(),
            capture("date", &["-u", "+%Y-%m-%d %H:%M"]),
            capture(&self.sigdoc.to_string_lossy(), &["--version"]),
            capture("git", &["--version"]),
        );
    }

    fn sig(&self, args: &[&str], dir: &Path) -> Cmd {
        Cmd::new(&self.sigdoc, args, dir)
    }

    fn section(&mut self, title: &str, samples: &[&Sample], verdict: &str) {
        let _ = write!(self.report, "## {title}\n\n{TABLE_HEAD}");
        for s in samples {
            self.report.push_str(&s.row());
        }
        let _ = write!(self.report, "\n{verdict}\n\n");
    }
}
