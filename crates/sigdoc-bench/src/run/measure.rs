//! Timing commands: a command line as the report shows it, run and timed with its peak
//! memory, and the samples of several runs with their medians.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One measured command: wall times of every run and the largest peak RSS.
#[derive(Debug, Clone, Default)]
pub(super) struct Sample {
    pub(super) label: String,
    pub(super) times: Vec<Duration>,
    pub(super) rss_kib: Option<u64>,
}

impl Sample {
    /// Runs `cmds` once, one after the other: their total time and the largest peak RSS.
    fn run(&mut self, cmds: &[Cmd]) -> io::Result<()> {
        let mut total = Duration::ZERO;
        for cmd in cmds {
            let (took, rss, _) = cmd.run()?;
            total += took;
            self.rss_kib = self.rss_kib.max(rss);
        }
        self.times.push(total);
        Ok(())
    }

    pub(super) fn median(&self) -> Duration {
        let mut t = self.times.clone();
        t.sort();
        t.get(t.len() / 2).copied().unwrap_or_default()
    }

    pub(super) fn row(&self) -> String {
        let min = self.times.iter().min().copied().unwrap_or_default();
        let max = self.times.iter().max().copied().unwrap_or_default();
        let rss = self.rss_kib.map_or("—".to_owned(), |k| format!("{:.0} MiB", k as f64 / 1024.0));
        format!(
            "| {} | {} | {} – {} | {} | {rss} |\n",
            self.label,
            secs(self.median()),
            secs(min),
            secs(max),
            self.times.len()
        )
    }
}

pub(super) fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

pub(super) fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

pub(super) const TABLE_HEAD: &str = "| command | median | min – max | runs | peak RSS |\n|---|---|---|---|---|\n";

/// A shell-like command line in `dir`, shown in the report as typed.
#[derive(Debug, Clone)]
pub(super) struct Cmd {
    program: PathBuf,
    args: Vec<String>,
    dir: PathBuf,
    /// Environment variables set for this command only.
    env: Vec<(String, String)>,
}

impl Cmd {
    pub(super) fn new(program: &Path, args: &[&str], dir: &Path) -> Cmd {
        Cmd {
            program: program.to_owned(),
            args: args.iter().map(|s| (*s).to_owned()).collect(),
            dir: dir.to_owned(),
            env: Vec::new(),
        }
    }

    pub(super) fn with_env(mut self, name: &str, value: &str) -> Cmd {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(super) fn shown(&self) -> String {
        let name =
            self.program.file_name().map_or_else(|| self.program.display().to_string(), |n| n.to_string_lossy().into());
        let env: String = self.env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
        format!("`{env}{name} {}`", self.args.join(" "))
    }

    /// Runs once; fails on a non-zero exit. Peak RSS comes from GNU time when present.
    pub(super) fn run(&self) -> io::Result<(Duration, Option<u64>, Vec<u8>)> {
        let gnu_time = Path::new("/usr/bin/time");
        let rss_file = std::env::temp_dir().join(format!("sigdoc-bench-rss-{}", std::process::id()));
        let mut command = if gnu_time.exists() {
            let mut c = Command::new(gnu_time);
            c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(&self.program);
            c
        } else {
            Command::new(&self.program)
        };
        command.args(&self.args).envs(self.env.iter().cloned()).current_dir(&self.dir);
        command.stdin(Stdio::null()).stderr(Stdio::piped());
        let started = Instant::now();
        let output = command.output()?;
        let took = started.elapsed();
        if !output.status.success() {
            return Err(io::Error::other(format!(
                "{} failed ({}): {}",
                self.shown(),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        let rss = std::fs::read_to_string(&rss_file).ok().and_then(|s| s.lines().last()?.trim().parse().ok());
        let _ = std::fs::remove_file(&rss_file);
        Ok((took, rss, output.stdout))
    }
}

/// Runs a sequence of commands `runs` times; each run's time is the sequence's total.
pub(super) fn measure(
    label: &str,
    cmds: &[Cmd],
    runs: usize,
    before: &dyn Fn() -> io::Result<()>,
) -> io::Result<Sample> {
    let mut sample = Sample { label: label.to_owned(), ..Sample::default() };
    for _ in 0..runs {
        before()?;
        sample.run(cmds)?;
    }
    eprintln!("  {label}: median {}", secs(sample.median()));
    Ok(sample)
}

/// Measurements taken in alternation (a, b, a, b, …), so that a drift in the machine's
/// speed during the runs touches every side alike.
pub(super) fn measure_alternating<const N: usize>(sides: [(&str, &[Cmd]); N], runs: usize) -> io::Result<[Sample; N]> {
    let mut samples = sides.map(|(label, _)| Sample { label: label.to_owned(), ..Sample::default() });
    for _ in 0..runs {
        for (sample, (_, cmds)) in samples.iter_mut().zip(sides) {
            sample.run(cmds)?;
        }
    }
    for sample in &samples {
        eprintln!("  {}: median {}", sample.label, secs(sample.median()));
    }
    Ok(samples)
}
