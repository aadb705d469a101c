//! Releases: which tags, where each one's folder goes, their PDFs with sources attached
//! built in parallel, and every folder written all or nothing.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use sigdoc_git::ReleaseTags;
use sigdoc_model::DocKind;
use sigdoc_model::text::escape_controls;
use sigdoc_render::{Passes, PdfStandard, RenderOptions, render};

use crate::error::Error;
use crate::output::{Batch, OutputDir, Places, is_plain_name};
use crate::workspace::{Settings, Workspace};

/// The checksum file of every release folder.
pub const SUMS: &str = "SHA256SUMS";

/// One release's files, rendered in memory before anything is written.
#[derive(Debug)]
pub struct Release {
    /// The tag released.
    pub tag: String,
    /// The PDFs' names (`secsig-analysis-0.2.pdf`) and bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Why one tag could not be released, with the documents when they were at fault.
pub struct Failure {
    /// The tag.
    pub tag: String,
    /// What went wrong.
    pub error: Error,
    /// The documents at the tag, when their errors are why: for the caller to report.
    pub workspace: Option<Workspace>,
}

/// A release, or why it failed.
pub type ReleaseResult = Result<Release, Box<Failure>>;

/// The `index`-th of `count` disjoint slices of the release tags (`--shard I/N`, from 1),
/// so that a CI matrix of `count` machines builds every tag once between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, from 1.
    pub index: u64,
    /// How many slices.
    pub count: u64,
}

impl Shard {
    /// Whether a tag is in this slice. The slice a tag falls in depends on its name alone
    /// (the SHA-256 of it), never on the other tags: adding a release moves no other tag
    /// to another machine, and every machine agrees without talking to the others.
    pub fn holds(self, tag: &str) -> bool {
        let digest = Sha256::digest(tag.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % self.count == self.index - 1
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// Parses `I/N` with 1 ≤ I ≤ N.
    fn from_str(text: &str) -> Result<Shard, String> {
        let (index, count) = text.split_once('/').ok_or_else(|| format!("`{text}` is not I/N (say 2/4)"))?;
        let number = |n: &str| n.trim().parse::<u64>().map_err(|_| format!("`{n}` in `{text}` is not a whole number"));
        let (index, count) = (number(index)?, number(count)?);
        if count == 0 || index == 0 || index > count {
            return Err(format!("shard {index}/{count} does not exist: I/N needs 1 ≤ I ≤ N"));
        }
        Ok(Shard { index, count })
    }
}

/// The release tags of the repository and the tags to release: all of them, or those
/// asked for, each of which must be one.
pub fn tags_to_release(base: &Workspace, all: bool, asked: &[String]) -> Result<(ReleaseTags, Vec<String>), Error> {
    let pattern = base.deliverables().sig.tags.clone();
    let known = base.repo.release_tags(&pattern)?;
    let tags: Vec<String> = if all { known.tags.iter().map(|t| t.name.clone()).collect() } else { asked.to_vec() };
    let unknown: Vec<String> = tags.iter().filter(|t| known.get(t).is_none()).cloned().collect();
    if !unknown.is_empty() {
        let names = known.tags.iter().map(|t| t.name.clone()).collect();
        return Err(Error::UnknownReleases { asked: unknown, pattern, known: names });
    }
    Ok((known, tags))
}

/// Refuses, before anything is built, a tag that cannot name a folder, two tags that one
/// file system takes for one folder, a release folder inside the documents or git folder,
/// and (unless `force`) one that already holds files.
pub fn check_targets(out: &OutputDir, tags: &[String], force: bool, places: &Places) -> Result<(), Error> {
    let mut problems = Vec::new();
    let mut folded = HashMap::new();
    for tag in tags {
        let shown = escape_controls(tag);
        if !is_plain_name(tag) || tag.starts_with('.') {
            problems.push(format!(
                "tag `{shown}` cannot name a release folder (it holds a `/`, starts with `.` or names `.git`); narrow `tags` in sig.yaml or release other tags"
            ));
            continue;
        }
        if let Some(first) = folded.insert(tag.to_lowercase(), tag) {
            problems.push(format!(
                "tags `{}` and `{shown}` differ only in case: one folder on macOS and Windows",
                escape_controls(first)
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
        Err(Error::Usage(format!("nothing was built:\n  {}", problems.join("\n  "))))
    }
}

/// Builds every tag's release with `jobs` workers, calling `on_done` with each tag as it
/// finishes; the results come back in the order of `tags`.
pub fn build_releases(
    settings: &Settings,
    tags: &[String],
    jobs: usize,
    on_done: &(dyn Fn(&str) + Sync),
) -> Vec<ReleaseResult> {
    // `jobs` workers take the tags in order, so that each tag mostly follows the one
    // before it and reuses Typst's work on what did not change; the documents of a tag
    // compile on rayon's pool, which every core serves.
    let next = AtomicUsize::new(0);
    let mut built: Vec<(usize, ReleaseResult)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.clamp(1, tags.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(tag) = tags.get(index) else { break done };
                        done.push((index, build_release(settings, tag)));
                        on_done(tag);
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    built.sort_by_key(|(index, _)| *index);
    built.into_iter().map(|(_, result)| result).collect()
}

/// Writes every release into `TAG/` folders of `out`, all or nothing: every file is
/// staged before any is renamed into place.
pub fn write_releases(
    out: &OutputDir,
    releases: &[Release],
    on_wait: &mut dyn FnMut(&std::path::Path),
) -> Result<(), Error> {
    let mut batch = out.batch(on_wait)?;
    for release in releases {
        stage_release(&mut batch, release)?;
    }
    batch.commit()
}

/// Stages a release's PDFs and its `SHA256SUMS` under `TAG/`.
fn stage_release(batch: &mut Batch<'_>, release: &Release) -> Result<(), Error> {
    let mut sums = String::new();
    for (name, bytes) in &release.files {
        batch.add(&format!("{}/{name}", release.tag), bytes)?;
        let _ = writeln!(sums, "{:x}  {name}", Sha256::digest(bytes));
    }
    batch.add(&format!("{}/{SUMS}", release.tag), sums.as_bytes())
}

/// The version a tag names: without a leading `v` before a digit.
pub fn version_of(tag: &str) -> &str {
    tag.strip_prefix('v').filter(|v| v.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(tag)
}

/// Renders one tag's three documents as PDF/A-3b and PDF/UA-1, each with every file it is
/// built from attached.
fn build_release(settings: &Settings, tag: &str) -> ReleaseResult {
    let fail = |error: Error| Box::new(Failure { tag: tag.to_owned(), error, workspace: None });
    let ws = Workspace::open(settings, Some(tag)).map_err(fail)?;
    if ws.loaded().has_errors() {
        return Err(Box::new(Failure { tag: tag.to_owned(), error: Error::InvalidDocuments, workspace: Some(ws) }));
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
            // Every file the document is built from, so that the PDF alone rebuilds it.
            let attachments: Vec<String> = snapshot.files.keys().filter(|path| doc.is_input(path)).cloned().collect();
            let options = RenderOptions { timestamp, attachments, standards: PdfStandard::RELEASE.to_vec() };
            render(*doc, deliverables, history, Some(snapshot), &options, Passes::KeepCache).map(|pdf| (*doc, pdf))
        })
        .collect();
    let version = version_of(tag);
    let mut files = Vec::new();
    for result in rendered {
        let (doc, pdf) = result.map_err(|e| fail(Error::Render(e)))?;
        let name = format!("{}-{}-{}.pdf", sig.shortname, doc.name(), version).to_lowercase();
        files.push((name, pdf.pdf));
    }
    Ok(Release { tag: tag.to_owned(), files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_tags_disjointly_by_name() {
        let tags: Vec<String> = (0..200).map(|i| format!("v0.{i}")).collect();
        for count in 1..=7 {
            let mut seen = vec![0; tags.len()];
            for index in 1..=count {
                let shard = Shard { index, count };
                for (i, tag) in tags.iter().enumerate() {
                    seen[i] += usize::from(shard.holds(tag));
                }
            }
            assert!(seen.iter().all(|n| *n == 1), "{count} shards: every tag in exactly one");
        }
        // Spread evenly enough for a matrix: no shard of four holds under a tenth.
        for index in 1..=4 {
            let held = tags.iter().filter(|t| Shard { index, count: 4 }.holds(t)).count();
            assert!(held > 20, "shard {index}/4 holds {held} of 200");
        }
        // The slice of a tag is its name's alone: pinned, so that no release of sigdoc
        // moves tags between machines of a running matrix.
        let of = |tag: &str| (1..=3).find(|&index| Shard { index, count: 3 }.holds(tag));
        assert_eq!([of("v0.1"), of("v0.2"), of("v1.0")], [Some(1), Some(2), Some(2)]);
    }

    #[test]
    fn shards_are_written_i_of_n() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(" 1 / 1 ".parse::<Shard>(), Ok(Shard { index: 1, count: 1 }));
        for bad in ["0/4", "5/4", "1/0", "1", "a/b", "1/2/3", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn versions_drop_a_leading_v_before_a_digit() {
        assert_eq!(version_of("v0.2"), "0.2");
        assert_eq!(version_of("0.2"), "0.2");
        assert_eq!(version_of("vnext"), "vnext");
        assert_eq!(version_of("v"), "v");
    }

    #[test]
    fn targets_are_refused_before_anything_is_built() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = OutputDir::new(std::path::Path::new("rel"), dir.path(), &Places::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let tags = |names: &[&str]| names.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        assert!(check_targets(&out, &tags(&["v0.1", "v0.2"]), false, &Places::default()).is_ok());
        let refused = |names: &[&str]| match check_targets(&out, &tags(names), false, &Places::default()) {
            Err(Error::Usage(message)) => message,
            other => panic!("{names:?} accepted: {other:?}"),
        };
        assert!(refused(&["v0.2/rc1"]).contains("cannot name a release folder"));
        assert!(refused(&[".hidden"]).contains("cannot name a release folder"));
        assert!(refused(&["V1", "v1"]).contains("differ only in case"));
        let both = refused(&["a/b", "c\u{1b}d/e"]);
        assert_eq!(both.lines().count(), 3, "every problem at once: {both}");
        assert!(both.contains("c\\u{1b}d/e"), "{both}");
        std::fs::create_dir_all(dir.path().join("rel/v0.1")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("rel/v0.1/mine.txt"), "x").unwrap_or_else(|e| panic!("{e}"));
        assert!(refused(&["v0.1"]).contains("pass --force"));
        assert!(check_targets(&out, &tags(&["v0.1"]), true, &Places::default()).is_ok());
    }
}
