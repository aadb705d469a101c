//! `sigdoc release`: reproducible release PDFs from tags, with their sources attached.

use indicatif::{ProgressBar, ProgressStyle};
use sigdoc::output::OutputDir;
use sigdoc::release::{self, Failure, SUMS};
use sigdoc::workspace::{Settings, Workspace};

use crate::CliError;
use crate::args::ReleaseArgs;
use crate::console::Console;
use crate::report;
use crate::terminal::terminal_safe;

/// Builds the requested release tags and writes them all into `DIR/TAG/` at once.
pub fn run(
    base: &Workspace,
    settings: &Settings,
    args: &ReleaseArgs,
    console: &mut Console<'_>,
) -> Result<(), CliError> {
    let (known, mut tags) = release::tags_to_release(base, args.all, &args.tags)?;
    for skipped in &known.skipped {
        console.info(format!("warning: {}", terminal_safe(&skipped.to_string())));
    }
    if tags.is_empty() {
        console.info(format!("no release tags match \"{}\"", terminal_safe(&base.deliverables().sig.tags)));
        return Ok(());
    }
    if let Some(shard) = args.shard {
        tags.retain(|tag| shard.holds(tag));
        if tags.is_empty() {
            console.info(format!("shard {}/{} holds none of the tags", shard.index, shard.count));
            return Ok(());
        }
    }
    // Every release's folder is checked before anything is built or written.
    let out = OutputDir::new(&args.output, &settings.cwd, &base.places())?;
    release::check_targets(&out, &tags, args.force, &base.places())?;
    // git2 repositories are not Sync: every job opens its own, the one found here.
    let repo_path = base.repo.workdir().unwrap_or_else(|| base.repo.git_dir());
    let settings = Settings { repo: Some(repo_path.to_owned()), ..settings.clone() };
    // A bar on a terminal; indicatif hides it elsewhere, and plain lines say what was done.
    let bar = ProgressBar::new(tags.len() as u64);
    if console.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} releasing [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let results = release::build_releases(&settings, &tags, args.jobs, &|tag| {
        bar.set_message(tag.to_owned());
        bar.inc(1);
    });
    let plain = bar.is_hidden();
    bar.finish_and_clear();
    let mut releases = Vec::new();
    for result in results {
        match result {
            Ok(release) => releases.push(release),
            Err(failure) => {
                let Failure { tag, error, workspace } = *failure;
                if let Some(ws) = workspace {
                    report::print_human(console, &ws.snapshot, &ws.loaded().diagnostics);
                }
                console.info(format!("sigdoc: release {} failed; nothing was written", terminal_safe(&tag)));
                return Err(error);
            }
        }
    }
    release::write_releases(&out, &releases, &mut console.waiting())?;
    for release in &releases {
        let shown = out.shown().join(&release.tag);
        if plain {
            console.info(format!("released {} into {}", release.tag, shown.display()));
        }
        for (name, _) in &release.files {
            console.out_line(shown.join(name).display());
        }
        console.out_line(shown.join(SUMS).display());
    }
    Ok(())
}
