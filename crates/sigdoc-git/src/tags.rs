//! Release tags: which tags are releases, their versions and their order.

use std::cmp::Ordering;
use std::fmt;

use git2::{ObjectType, Oid};
use glob::{MatchOptions, Pattern};

use crate::error::git;
use crate::text::decode;
use crate::{GitError, Repo};

/// A tag matching the release pattern that points (after peeling) at a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseTag {
    /// The tag's short name (`v0.2`).
    pub name: String,
    /// The name without a leading `v` before a digit (`0.2`).
    pub version: String,
    /// Full id of the commit the tag points at.
    pub commit: String,
    /// Committer time of that commit, seconds since the Unix epoch.
    pub commit_time: i64,
    /// The release's time: the tagger's for an annotated tag, else the commit's.
    pub time: i64,
    /// Whether this is an annotated tag (a tag object), not a lightweight one.
    pub annotated: bool,
    /// An annotated tag's message, as written (signature included, if any).
    pub message: Option<String>,
}

/// A tag matching the release pattern that was skipped because it names no commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedTag {
    /// The tag's short name.
    pub name: String,
    /// What it points at instead: `tree`, `blob`, `missing object`.
    pub kind: String,
}

impl fmt::Display for SkippedTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tag `{}` points at a {}, not a commit: skipped as a release", self.name, self.kind)
    }
}

/// The release tags of a repository, oldest version first, and the tags skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseTags {
    /// Releases sorted by [`compare_versions`], then commit time, then name.
    pub tags: Vec<ReleaseTag>,
    /// Matching tags that do not point at a commit, for a warning each.
    pub skipped: Vec<SkippedTag>,
}

impl ReleaseTags {
    /// The release tag with this name, if any.
    pub fn get(&self, name: &str) -> Option<&ReleaseTag> {
        self.tags.iter().find(|t| t.name == name)
    }
}

impl Repo {
    /// The tags whose names match the glob `pattern` (`v*`), as releases.
    ///
    /// Lightweight and annotated tags both count; a tag of a tag is followed to its
    /// target. A matching tag that points at anything but a commit is listed in
    /// `skipped` so that the caller can warn about it.
    pub fn release_tags(&self, pattern: &str) -> Result<ReleaseTags, GitError> {
        let glob = Pattern::new(pattern)
            .map_err(|e| GitError::InvalidTagPattern { pattern: pattern.to_owned(), message: e.msg.to_owned() })?;
        // Like `git tag --list`, `*` also matches `/`.
        let options =
            MatchOptions { case_sensitive: true, require_literal_separator: false, require_literal_leading_dot: false };

        let mut refs: Vec<(String, Oid)> = Vec::new();
        self.repo
            .tag_foreach(|oid, name| {
                let name = String::from_utf8_lossy(name);
                let short = name.strip_prefix("refs/tags/").unwrap_or(&name);
                if glob.matches_with(short, options) {
                    refs.push((short.to_owned(), oid));
                }
                true
            })
            .map_err(git("listing tags"))?;

        let mut out = ReleaseTags::default();
        for (name, oid) in refs {
            let Ok(object) = self.repo.find_object(oid, None) else {
                out.skipped.push(SkippedTag { name, kind: "missing object".to_owned() });
                continue;
            };
            let tag = object.as_tag();
            let message = tag.and_then(|t| t.message_bytes()).map(|m| decode(m, None));
            let tagger_time = tag.and_then(|t| t.tagger()).map(|s| s.when().seconds());
            let annotated = tag.is_some();
            let target = match peel_tags(object.clone()) {
                Ok(target) => target,
                Err(problem) => {
                    out.skipped.push(SkippedTag { name, kind: problem.to_string() });
                    continue;
                }
            };
            let Some(commit) = target.as_commit() else {
                let kind = match target.kind() {
                    Some(ObjectType::Tree) => "tree",
                    Some(ObjectType::Blob) => "blob",
                    _ => "non-commit object",
                };
                out.skipped.push(SkippedTag { name, kind: kind.to_owned() });
                continue;
            };
            let commit_time = commit.time().seconds();
            out.tags.push(ReleaseTag {
                version: version_of(&name),
                commit: commit.id().to_string(),
                commit_time,
                time: tagger_time.unwrap_or(commit_time),
                annotated,
                message,
                name,
            });
        }
        out.tags.sort_by(|a, b| {
            compare_versions(&a.version, &b.version)
                .then(a.commit_time.cmp(&b.commit_time))
                .then_with(|| a.name.cmp(&b.name))
        });
        out.skipped.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}

/// The most tags a chain of tags may hold: git itself peels a few at most.
const MAX_TAG_CHAIN: usize = 32;

/// Why a chain of tags leads to no object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PeelProblem {
    /// A tag points at an object the repository does not have.
    Missing,
    /// More than [`MAX_TAG_CHAIN`] tags in a row: a crafted repository.
    TooLong,
}

impl fmt::Display for PeelProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeelProblem::Missing => write!(f, "missing object"),
            PeelProblem::TooLong => write!(f, "chain of more than {MAX_TAG_CHAIN} tags"),
        }
    }
}

/// Follows tag objects (a tag of a tag, too) to the first object that is not a tag.
pub(crate) fn peel_tags(mut object: git2::Object<'_>) -> Result<git2::Object<'_>, PeelProblem> {
    for _ in 0..=MAX_TAG_CHAIN {
        match object.as_tag() {
            Some(tag) => object = tag.target().map_err(|_| PeelProblem::Missing)?,
            None => return Ok(object),
        }
    }
    Err(PeelProblem::TooLong)
}

/// The version a tag stands for: its name without a leading `v` before a digit.
fn version_of(name: &str) -> String {
    match name.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_owned(),
        _ => name.to_owned(),
    }
}

/// Orders versions like semantic versions, without requiring three parts.
///
/// Dot-separated parts compare numerically when both are numbers (`0.10` > `0.9`), a
/// number sorts before a word, missing parts count as `0` (`1.0` = `1.0.0`), a
/// pre-release (`1.0-rc1`) sorts before its release, and `+build` metadata is ignored.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let split = |v: &str| {
        let v = v.split_once('+').map_or(v, |(v, _)| v);
        match v.split_once('-') {
            Some((core, pre)) => (core.to_owned(), Some(pre.to_owned())),
            None => (v.to_owned(), None),
        }
    };
    let (core_a, pre_a) = split(a);
    let (core_b, pre_b) = split(b);
    compare_dotted(&core_a, &core_b, true).then_with(|| match (pre_a, pre_b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => compare_dotted(&a, &b, false),
    })
}

/// Compares dot-separated identifiers; with `pad`, missing parts count as `0`.
fn compare_dotted(a: &str, b: &str, pad: bool) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        let (x, y) = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (Some(x), Some(y)) => (x, y),
            (Some(x), None) if pad => (x, "0"),
            (None, Some(y)) if pad => ("0", y),
            (Some(_), None) => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Less,
        };
        let order = compare_part(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
}

fn compare_part(x: &str, y: &str) -> Ordering {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match (numeric(x), numeric(y)) {
        (true, true) => {
            // Compare as numbers of any length: fewer significant digits is smaller.
            let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => x.cmp(y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_drop_a_leading_v() {
        assert_eq!(version_of("v0.2"), "0.2");
        assert_eq!(version_of("V1"), "1");
        assert_eq!(version_of("0.3"), "0.3");
        assert_eq!(version_of("very-old"), "very-old");
    }

    #[test]
    fn versions_order_numerically() {
        use Ordering::*;
        assert_eq!(compare_versions("0.10", "0.9"), Greater);
        assert_eq!(compare_versions("1.0", "1.0.0"), Equal);
        assert_eq!(compare_versions("1.0-rc1", "1.0"), Less);
        assert_eq!(compare_versions("1.0-rc.2", "1.0-rc.10"), Less);
        assert_eq!(compare_versions("1.0+build5", "1.0"), Equal);
        assert_eq!(compare_versions("2", "10"), Less);
        assert_eq!(compare_versions("1.a", "1.1"), Greater);
        assert_eq!(compare_versions("00012345678901234567890", "12345678901234567891"), Less);
        let mut v = vec!["0.10", "0.2", "1.0-rc1", "0.2.1", "1.0", "0.9"];
        v.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(v, ["0.2", "0.2.1", "0.9", "0.10", "1.0-rc1", "1.0"]);
    }
}
