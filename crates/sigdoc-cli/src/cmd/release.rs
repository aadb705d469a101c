//! `sigdoc release`: reproducible release PDFs from tags, with their sources attached.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use sigdoc_model::DocKind;
use sigdoc_render::{Passes, RenderOptions, render};

use crate::args::ReleaseArgs;
use crate::console::Console;
use crate::error::CliError;
use crate::output::{Batch, OutputDir, Places, is_plain_name};
use crate::report;
use crate::terminal::terminal_safe;
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

/// Builds the requested release tags and writes them all into `DIR/TAG/` at once.
pub fn run(base: &Workspace, args: &ReleaseArgs, cwd: &Path, console: &mut Console<'_>) -> Result<(), CliError> {
    let pattern = base.deliverables().sig.tags.clone();
    let known = base.repo.release_tags(&pattern)?;
    for skipped in &known.skipped {
        console.info(format!("warning: {}", terminal_safe(&skipped.to_string())));
    }
    let tags: Vec<String> =
        if args.all { known.tags.iter().map(|t| t.name.clone()).collect() } else { args.tags.clone() };
    let unknown: Vec<String> = tags.iter().filter(|t| known.get(t).is_none()).cloned().collect();
    if !unknown.is_empty() {
        let known = known.tags.iter().map(|t| t.name.clone()).collect();
        return Err(CliError::UnknownReleases { asked: unknown, pattern, known });
    }
    if tags.is_empty() {
        console.info(format!("no release tags match \"{}\"", terminal_safe(&pattern)));
        return Ok(());
    }
    // Every release's folder is checked before anything is built or written.
    let out = OutputDir::new(&args.output, cwd, &base.places())?;
    check_targets(&out, &tags, args.force, &base.places())?;
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
                console.info(format!("sigdoc: release {} failed; nothing was written", terminal_safe(&tag)));
                return Err(error);
            }
        }
    }
    // All or nothing: every release's files are staged before any is renamed into place.
    let mut batch = out.batch(console)?;
    for release in &releases {
        stage_release(&mut batch, release)?;
    }
    batch.commit()?;
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

/// The checksum file of every release folder.
const SUMS: &str = "SHA256SUMS";

/// Refuses, before anything is built, a tag that cannot name a folder, two tags that one
/// file system takes for one folder, a release folder inside the documents or git folder,
/// and (unless `force`) one that already holds files.
fn check_targets(out: &OutputDir, tags: &[String], force: bool, places: &Places) -> Result<(), CliError> {
    let mut problems = Vec::new();
    let mut folded = std::collections::HashMap::new();
    for tag in tags {
        let shown = terminal_safe(tag);
        if !is_plain_name(tag) || tag.starts_with('.') {
            problems.push(format!(
                "tag `{shown}` cannot name a release folder (it holds a `/`, starts with `.` or names `.git`); narrow `tags` in sig.yaml or release other tags"
            ));
            continue;
        }
        if let Some(first) = folded.insert(tag.to_lowercase(), tag) {
            problems.push(format!(
                "tags `{}` and `{shown}` differ only in case: one folder on macOS and Windows",
                terminal_safe(first)
            ));
            continue;
        }
        if let Err(why) = out.check_inside(tag, places) {
            problems.push(format!("release {shown}: {why}"));
            continue;
        }
        let target = out.real_path().join(tag);
        let holds_files = std::fs::read_dir(&target).is_ok_and(|mut entries| entries.next().is_some());
        if holds_files && !force {
            problems.push(format!(
                "{} exists and holds files; pass --force to replace the files sigdoc writes there (others are kept)",
                out.shown().join(tag).display()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Usage(format!("nothing was built:\n  {}", problems.join("\n  "))))
    }
}

/// Stages a release's PDFs and its `SHA256SUMS` under `TAG/`.
fn stage_release(batch: &mut Batch<'_>, release: &Release) -> Result<(), CliError> {
    let mut sums = String::new();
    for (name, bytes) in &release.files {
        batch.add(&format!("{}/{name}", release.tag), bytes)?;
        let _ = writeln!(sums, "{:x}  {name}", Sha256::digest(bytes));
    }
    batch.add(&format!("{}/{SUMS}", release.tag), sums.as_bytes())
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
