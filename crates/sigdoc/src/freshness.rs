//! Review freshness: when each threat was last revisited (the newest commit that changed
//! its file), and which threats no commit touched in the process's last N releases.

use std::collections::BTreeMap;

use sigdoc_git::{LastChange, Repo};
use sigdoc_model::layout::{THREATS_FOLDER, threat_id};
use sigdoc_model::{Deliverables, Diagnostic, History, Review, Snapshot, Source};

use crate::error::Error;

/// The newest change of each threat's file at the snapshot's revision, by threat id;
/// `None` for a file with uncommitted edits, which count as a review being made now.
pub fn last_changes(repo: &Repo, snapshot: &Snapshot) -> Result<BTreeMap<String, Option<LastChange>>, Error> {
    let (rev, edited) = match &snapshot.source {
        Source::Commit { commit, .. } => (Some(commit.clone()), Vec::new()),
        Source::WorkingTree { head, .. } => {
            let head_files = match head {
                Some(head) => Some(repo.snapshot_at(head, &snapshot.root)?),
                None => None,
            };
            let edited = snapshot
                .files
                .iter()
                .filter(|(path, bytes)| head_files.as_ref().and_then(|h| h.get(path)) != Some(bytes.as_slice()))
                .map(|(path, _)| path.clone())
                .collect();
            (head.clone(), edited)
        }
    };
    let files: Vec<(String, String)> = snapshot
        .files
        .keys()
        .filter_map(|path| {
            let name = path.strip_prefix(THREATS_FOLDER)?.strip_prefix('/')?;
            Some((threat_id(name)?.to_owned(), name.to_owned()))
        })
        .collect();
    let names: Vec<String> = files.iter().map(|(_, name)| name.clone()).collect();
    let folder = format!("{}/{THREATS_FOLDER}", snapshot.root.trim_end_matches('/'));
    let committed = match &rev {
        Some(rev) => repo.last_changes(rev, folder.trim_start_matches("./"), &names)?,
        None => BTreeMap::new(),
    };
    let mut out = BTreeMap::new();
    for (id, name) in files {
        let path = format!("{THREATS_FOLDER}/{name}");
        if edited.contains(&path) {
            out.insert(id, None);
        } else if let Some(change) = committed.get(&name) {
            out.insert(id, Some(change.clone()));
        }
    }
    Ok(out)
}

/// When each threat was last reviewed, for the analysis's `history`: its file's newest
/// change, under the version of the history entry that covers that commit and dated by
/// the commit. A file with uncommitted edits is under review now: the working tree's
/// entry names it. A change the history does not cover (beyond a shallow clone's cut)
/// leaves the threat out rather than guess.
///
/// `changes` are the snapshot's [`last_changes`].
pub fn reviews(changes: &BTreeMap<String, Option<LastChange>>, history: &History) -> BTreeMap<String, Review> {
    let mut out = BTreeMap::new();
    for (id, change) in changes {
        let review = match change {
            None => history
                .entries
                .first()
                .filter(|e| e.commit.is_none())
                .map(|e| Review { version: e.version.clone(), date: e.date.clone() }),
            Some(change) => history
                .entries
                .iter()
                .find(|e| e.commits.contains(&change.commit))
                .map(|e| Review { version: e.version.clone(), date: sigdoc_git::format_date(change.time) }),
        };
        if let Some(review) = review {
            out.insert(id.clone(), review);
        }
    }
    out
}

/// Warnings, at each threat's file, for the threats no commit changed in the last
/// `max_releases` releases reachable from the snapshot's revision: a file last changed
/// at or before the release before them. Nothing is stale until there are more releases
/// than that. `changes` are the snapshot's [`last_changes`].
pub fn stale_threats(
    repo: &Repo,
    snapshot: &Snapshot,
    d: &Deliverables,
    changes: &BTreeMap<String, Option<LastChange>>,
) -> Result<Vec<Diagnostic>, Error> {
    let Some(max) = d.process.review_max_releases else { return Ok(Vec::new()) };
    let start = match &snapshot.source {
        Source::Commit { commit, .. } => commit.clone(),
        Source::WorkingTree { head: Some(head), .. } => head.clone(),
        Source::WorkingTree { head: None, .. } => return Ok(Vec::new()),
    };
    let releases = repo.release_tags(&d.sig.tags)?;
    let mut reachable = Vec::new();
    for tag in &releases.tags {
        if repo.contains(&start, &tag.commit)? {
            reachable.push(tag);
        }
    }
    // Newest last, as release tags are listed.
    let Some(cut) = reachable.len().checked_sub(max as usize + 1).map(|i| reachable[i]) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (id, change) in changes {
        let Some(change) = change else { continue };
        if !repo.contains(&cut.commit, &change.commit)? {
            continue;
        }
        let Some(threat) = d.threat(id) else { continue };
        let since = reachable[reachable.len() - max as usize..].iter().map(|t| t.name.as_str()).collect::<Vec<_>>();
        out.push(Diagnostic::warning(
            &threat.file,
            1,
            1,
            format!(
                "threat \"{id}\" was not reviewed in the last {max} release{} ({}): its file last changed in commit {} ({}), before them; revisit it, if only to confirm it",
                if max == 1 { "" } else { "s" },
                since.join(", "),
                &change.commit[..change.commit.len().min(12)],
                sigdoc_git::format_date(change.time),
            ),
        ));
    }
    Ok(out)
}
