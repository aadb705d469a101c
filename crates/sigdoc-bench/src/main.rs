//! `sigdoc-bench`: synthetic repositories (`gen`) and the benchmarks that write
//! BENCHMARKS.md (`run`).

mod content;
mod rng;
mod run;
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Synthetic sigdoc repositories and the benchmarks behind BENCHMARKS.md.
#[derive(Debug, Parser)]
#[command(name = "sigdoc-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a deterministic repository of documents with a history of merges and tags.
    Gen {
        /// Threats at the tip of the history.
        #[arg(long, default_value_t = 20)]
        threats: usize,
        /// Commits in all, merges included.
        #[arg(long, default_value_t = 100)]
        commits: usize,
        /// Release tags (v0.1, v0.2, …) spread over the history.
        #[arg(long, default_value_t = 3)]
        tags: usize,
        /// Seed of the generator; the same arguments give the same commit ids.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to create the repository (absent or empty).
        dir: PathBuf,
    },
    /// Run the comparisons P1–P7 (or `--only` some) and write the report.
    Run(run::RunArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen { threats, commits, tags, seed, dir } => {
            let started = std::time::Instant::now();
            synth::generate(&dir, &synth::Options { threats, commits, tags, seed }).map(|s| {
                eprintln!(
                    "{}: {} commits ({} merges), {} tags, {} threats in {:.2?}",
                    dir.display(),
                    s.commits,
                    s.merges,
                    s.tags,
                    s.threats,
                    started.elapsed()
                );
            })
        }
        Command::Run(args) => run::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sigdoc-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
