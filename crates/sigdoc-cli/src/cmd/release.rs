//! `sigdoc release`: reproducible release PDFs from tags, with their sources attached.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use sigdoc_model::DocKind;
use sigdoc_render::{Passes, RenderOptions, render};

use crate::args::ReleaseArgs;
use crate::cmd::build::write_atomically;
use crate::console::Console;
use crate::error::CliError;
use crate::report;
use crate::workspace::Workspace;

/// One release's files, rendered in memory before anything is written.
struct Release {
    tag: String,
    files: Vec<(String, Vec<u8>)>,
}

/// Why one tag could not be released, with the documents when they were at fault.
struct Failure {
    tag: String,
    error: CliError,
    workspace: Option<Workspace>,
}

type ReleaseResult = Result<Release, Box<Failure>>;

/// Builds the requested release tags and writes each into `DIR/TAG/` at once.
pub fn run(base: &Workspace, args: &ReleaseArgs, cwd: &Path, console: &mut Console<'_>) -> Result<(), CliError> {
    let pattern = base.deliverables().sig.tags.clone();
    let known = base.repo.release_tags(&pattern)?;
    for skipped in &known.skipped {
        console.info(format!("warning: {skipped}"));
    }
    let tags: Vec<String> =
        if args.all { known.tags.iter().map(|t| t.name.clone()).collect() } else { args.tags.clone() };
    let unknown: Vec<String> = tags.iter().filter(|t| known.get(t).is_none()).cloned().collect();
    if !unknown.is_empty() {
        let known = known.tags.iter().map(|t| t.name.clone()).collect();
        return Err(CliError::UnknownReleases { asked: unknown, pattern, known });
    }
    if tags.is_empty() {
        console.info(format!("no release tags match \"{pattern}\""));
        return Ok(());
    }
    let root = base.root.clone();
    let repo_path = base.repo.workdir().unwrap_or_else(|| base.repo.git_dir());
    // git2 repositories are not Sync: every job opens its own.
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
    // `jobs` workers take the tags in order, so that each tag mostly follows the one
    // before it and reuses Typst's work on what did not change; the documents of a tag
    // compile on rayon's pool, which every core serves.
    let next = AtomicUsize::new(0);
    let mut built: Vec<(usize, ReleaseResult)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..args.jobs.clamp(1, tags.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(tag) = tags.get(index) else { break done };
                        done.push((index, build_release(&repo_path, cwd, &root, tag)));
                        bar.set_message(tag.clone());
                        bar.inc(1);
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    built.sort_by_key(|(index, _)| *index);
    let results = built.into_iter().map(|(_, result)| result);
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
                console.info(format!("sigdoc: release {tag} failed; nothing was written"));
                return Err(error);
            }
        }
    }
    let out_dir = cwd.join(&args.output);
    for release in &releases {
        write_release(&out_dir, release)?;
        if plain {
            console.info(format!("released {} into {}", release.tag, args.output.join(&release.tag).display()));
        }
        let shown = args.output.join(&release.tag);
        for (name, _) in &release.files {
            console.out_line(shown.join(name).display());
        }
    }
    Ok(())
}

/// Renders one tag's three documents with their sources attached.
fn build_release(repo: &Path, cwd: &Path, root: &str, tag: &str) -> ReleaseResult {
    let fail = |error: CliError| Box::new(Failure { tag: tag.to_owned(), error, workspace: None });
    let ws = Workspace::open(Some(repo), cwd, root, Some(tag)).map_err(fail)?;
    if ws.loaded().has_errors() {
        return Err(Box::new(Failure { tag: tag.to_owned(), error: CliError::InvalidDocuments, workspace: Some(ws) }));
    }
    let histories = ws.histories(&DocKind::ALL).map_err(fail)?;
    let sig = &ws.deliverables().sig;
    // The three documents compile side by side, as in `build`: one tag at a time
    // (`-j 1`) still keeps every core busy.
    let (snapshot, deliverables, timestamp) = (&ws.snapshot, ws.deliverables(), ws.timestamp());
    let rendered: Vec<_> = DocKind::ALL
        .par_iter()
        .zip(histories.par_iter())
        .map(|(doc, history)| {
            let attachments: Vec<String> = snapshot.files.keys().filter(|path| doc.owns(path)).cloned().collect();
            let options = RenderOptions { timestamp, attachments };
            render(*doc, deliverables, history, Some(snapshot), &options, Passes::KeepCache).map(|pdf| (*doc, pdf))
        })
        .collect();
    let version = tag.strip_prefix('v').filter(|v| v.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(tag);
    let mut files = Vec::new();
    for result in rendered {
        let (doc, pdf) = result.map_err(|e| fail(CliError::Render(e)))?;
        let name = format!("{}-{}-{}.pdf", sig.shortname, doc.name(), version).to_lowercase();
        files.push((name, pdf.pdf));
    }
    Ok(Release { tag: tag.to_owned(), files })
}

/// Writes a release into a temporary folder beside its destination, then renames it,
/// so that a failure never leaves a partial release behind.
fn write_release(out_dir: &Path, release: &Release) -> Result<(), CliError> {
    let io = |what: String| move |source| CliError::Io { what, source };
    std::fs::create_dir_all(out_dir).map_err(io(format!("cannot create {}", out_dir.display())))?;
    let staging = tempfile::Builder::new()
        .prefix(".release-")
        .tempdir_in(out_dir)
        .map_err(io("cannot stage a release".into()))?;
    let mut sums = String::new();
    for (name, bytes) in &release.files {
        write_atomically(&staging.path().join(name), bytes)?;
        let _ = writeln!(sums, "{:x}  {name}", Sha256::digest(bytes));
    }
    write_atomically(&staging.path().join("SHA256SUMS"), sums.as_bytes())?;
    let target: PathBuf = out_dir.join(&release.tag);
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(io(format!("cannot replace {}", target.display())))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, &target).map_err(io(format!("cannot write {}", target.display())))?;
    Ok(())
}
