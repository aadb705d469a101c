//! When each file of a documents folder last changed: the newest commit that gave it the
//! content it has, found in one walk of the history for a whole folder of threats.

use std::collections::{BTreeMap, HashMap};

use git2::{Oid, Sort, Tree};

use crate::error::git;
use crate::{GitError, Repo};

/// The newest commit that changed a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastChange {
    /// Full id of the commit.
    pub commit: String,
    /// Its committer time, seconds since the Unix epoch.
    pub time: i64,
}

impl Repo {
    /// For each file `names` lists in `folder` (relative to the repository, `/`-separated)
    /// at revision `rev`, the newest commit reachable from it that changed the file: that
    /// added it or changed its content, compared with every parent (a merge that takes
    /// the file from one side did not change it, as `git log` sees it). A file no commit
    /// in reach gave its content (a shallow clone's cut) is missing from the answer.
    pub fn last_changes(
        &self,
        rev: &str,
        folder: &str,
        names: &[String],
    ) -> Result<BTreeMap<String, LastChange>, GitError> {
        let (start, _) = self.resolve_commit(rev)?;
        let mut wanted: HashMap<&str, ()> = names.iter().map(|n| (n.as_str(), ())).collect();
        let mut found = BTreeMap::new();
        let mut walk = self.repo.revwalk().map_err(git("cannot walk the history"))?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME).map_err(git("cannot walk the history"))?;
        walk.push(start.id()).map_err(git("cannot walk the history"))?;
        // Blob ids of the folder's files by tree, so that each tree is read once.
        let mut blobs: HashMap<Oid, HashMap<String, Oid>> = HashMap::new();
        for oid in walk {
            if wanted.is_empty() {
                break;
            }
            let oid = oid.map_err(git("cannot walk the history"))?;
            let commit = self.repo.find_commit(oid).map_err(git("cannot read a commit"))?;
            let here = self.folder_blobs(&commit.tree().map_err(git("cannot read a tree"))?, folder, &mut blobs)?;
            // A parent missing from a shallow clone is no parent to compare with.
            let parents: Vec<HashMap<String, Oid>> = commit
                .parents()
                .filter_map(|p| p.tree().ok())
                .map(|tree| self.folder_blobs(&tree, folder, &mut blobs))
                .collect::<Result<_, _>>()?;
            let changed: Vec<&str> = wanted
                .keys()
                .copied()
                .filter(|name| here.get(*name).is_some_and(|blob| parents.iter().all(|p| p.get(*name) != Some(blob))))
                .collect();
            for name in changed {
                wanted.remove(name);
                found.insert(
                    name.to_owned(),
                    LastChange { commit: oid.to_string(), time: sigdoc_model::clamp_time(commit.time().seconds()) },
                );
            }
        }
        Ok(found)
    }

    /// Whether `commit` is `ancestor` or one of its descendants' ancestors: whether the
    /// history of `commit` includes `ancestor`.
    pub fn contains(&self, commit: &str, ancestor: &str) -> Result<bool, GitError> {
        let (Ok(commit), Ok(ancestor)) = (Oid::from_str(commit), Oid::from_str(ancestor)) else {
            return Ok(false);
        };
        if commit == ancestor {
            return Ok(true);
        }
        self.repo.graph_descendant_of(commit, ancestor).map_err(git("cannot compare commits"))
    }

    /// The files directly in `folder` of a tree, with their blob ids; empty if the
    /// folder is absent or no folder.
    fn folder_blobs(
        &self,
        tree: &Tree<'_>,
        folder: &str,
        cache: &mut HashMap<Oid, HashMap<String, Oid>>,
    ) -> Result<HashMap<String, Oid>, GitError> {
        if let Some(blobs) = cache.get(&tree.id()) {
            return Ok(blobs.clone());
        }
        let mut blobs = HashMap::new();
        if let Ok(entry) = tree.get_path(std::path::Path::new(folder))
            && let Ok(sub) = entry.to_object(&self.repo).and_then(|o| o.peel_to_tree())
        {
            for e in sub.iter() {
                if let (Ok(name), Some(git2::ObjectType::Blob)) = (e.name(), e.kind()) {
                    blobs.insert(name.to_owned(), e.id());
                }
            }
        }
        cache.insert(tree.id(), blobs.clone());
        Ok(blobs)
    }
}
