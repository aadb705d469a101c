//! Comparing two revisions: each opened as one side of a report, compared by sigdoc-diff.

use sigdoc_model::{Severity, Source};

// The change data a comparison produces, for front ends to present without depending on
// sigdoc-diff themselves.
pub use sigdoc_diff::*;

use crate::error::Error;
use crate::workspace::{Settings, Workspace};

/// One revision as the request named it, with its documents loaded.
pub struct Revision {
    /// How reports describe it.
    pub side: Side,
    /// Its documents.
    pub ws: Workspace,
}

impl Revision {
    /// Opens a revision (`None`: the working tree) and loads its documents.
    pub fn open(settings: &Settings, rev: Option<&str>) -> Result<Revision, Error> {
        let ws = Workspace::open(settings, rev)?;
        // Load here, not when first asked: `open_pair` opens both revisions side by side,
        // and loading is most of the work.
        ws.loaded();
        let side = side_of(&ws.snapshot.source);
        Ok(Revision { side, ws })
    }

    /// How many errors the documents have: parts that could not be read are compared as
    /// missing, which a front end should say, so that a threat that failed to load is
    /// not silently taken for a removed one.
    pub fn errors(&self) -> usize {
        self.ws.loaded().diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// The command that shows those errors: `sigdoc check --rev v0.2`.
    pub fn check_command(&self) -> String {
        match &self.side.rev {
            Some(r) => format!("sigdoc check --rev {r}"),
            None => "sigdoc check".to_owned(),
        }
    }
}

/// How a snapshot's source is described in a report.
fn side_of(source: &Source) -> Side {
    match source {
        Source::Commit { rev, commit, time, tag } => Side {
            rev: Some(rev.clone()),
            commit: Some(commit.clone()),
            tag: tag.clone(),
            date: Some(sigdoc_git::format_date(*time)),
            worktree: false,
            head: None,
            dirty: false,
        },
        Source::WorkingTree { head, head_time, dirty } => Side {
            rev: None,
            commit: None,
            tag: None,
            date: head_time.map(sigdoc_git::format_date),
            worktree: true,
            head: head.clone(),
            dirty: *dirty,
        },
    }
}

/// Opens the old revision and the new one (`None`: the working tree) in parallel: reading
/// and checking a thousand threats is most of a diff's time.
pub fn open_pair(settings: &Settings, from: &str, to: Option<&str>) -> Result<(Revision, Revision), Error> {
    let (from, to) = std::thread::scope(|scope| {
        let from = scope.spawn(|| Revision::open(settings, Some(from)));
        let to = Revision::open(settings, to);
        (from.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), to)
    });
    Ok((from?, to?))
}

/// Compares two revisions, keeping only one threat's changes when `threat` names one.
/// A threat in neither revision is a usage error.
pub fn compare(from: &Revision, to: &Revision, threat: Option<&str>) -> Result<Report, Error> {
    let (old, new) = (from.ws.deliverables(), to.ws.deliverables());
    let mut changes = diff(old, new);
    if let Some(id) = threat {
        if old.threat(id).is_none() && new.threat(id).is_none() {
            return Err(Error::Usage(format!("no threat \"{id}\" in {} or {}", from.side.label(), to.side.label())));
        }
        changes.only_threat(id);
    }
    Ok(Report { from: from.side.clone(), to: to.side.clone(), diff: changes })
}

/// The report as an XEP-style PDF, dated and titled after the new revision.
pub fn pdf(report: &Report, to: &Revision) -> Result<Vec<u8>, Error> {
    let options = sigdoc_render::RenderOptions { timestamp: to.ws.timestamp(), ..Default::default() };
    Ok(sigdoc_render::render_diff(report, to.ws.deliverables(), &options)?.pdf)
}
