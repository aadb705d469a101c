//! Path rules shared by the git and disk readers: the documents folder, symbolic links.

use crate::GitError;

/// Normalises the documents folder to `a/b` form (`""` for the repository root).
///
/// Absolute paths and `..` are refused: the folder must lie inside the repository.
pub(crate) fn normalize_root(root: &str) -> Result<String, GitError> {
    let invalid = || GitError::InvalidRoot { root: root.to_owned() };
    if root.starts_with('/') || root.starts_with('\\') || std::path::Path::new(root).is_absolute() {
        return Err(invalid());
    }
    let mut parts = Vec::new();
    for part in root.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return Err(invalid()),
            part => parts.push(part),
        }
    }
    Ok(parts.join("/"))
}

/// Joins the documents folder and a path inside it.
pub(crate) fn join(root: &str, path: &str) -> String {
    if root.is_empty() { path.to_owned() } else { format!("{root}/{path}") }
}

/// What a path inside the documents folder is, as far as link resolution cares.
pub(crate) enum Node {
    /// A regular file.
    File,
    /// A folder.
    Folder,
    /// A symbolic link and its target (`None` when the target is not UTF-8).
    Link(Option<String>),
    /// Nothing, or something that is neither (a submodule, a socket).
    Missing,
    /// A path through a name sigdoc refuses (see `names::check_name`).
    Refused,
}

/// Why a symbolic link is not served.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LinkProblem {
    /// The target is absolute, or `..` climbs out of the documents folder.
    Outside(String),
    /// The target does not exist inside the documents folder.
    Dangling(String),
    /// The target is a folder; only files are served.
    Folder(String),
    /// The target is not valid UTF-8, or longer than any path.
    NotUtf8,
    /// A chain of links longer than any sane folder needs, or a loop.
    TooDeep,
    /// The target goes through a name sigdoc refuses (`.git`, a control character).
    Refused(String),
}

impl LinkProblem {
    /// The message of the diagnostic reported for the link.
    pub(crate) fn message(&self) -> String {
        // Targets come from the repository: shown with control characters escaped.
        let esc = |t: &str| sigdoc_model::names::shown(t.as_bytes());
        match self {
            LinkProblem::Outside(t) => {
                format!("symbolic link to `{}` points outside the documents folder; refused", esc(t))
            }
            LinkProblem::Dangling(t) => {
                format!("symbolic link to `{}` points to nothing in the documents folder", esc(t))
            }
            LinkProblem::Folder(t) => format!("symbolic link to folder `{}` is not followed", esc(t)),
            LinkProblem::NotUtf8 => "symbolic link target is not a path (not UTF-8, or too long); refused".to_owned(),
            LinkProblem::TooDeep => "too many levels of symbolic links; refused".to_owned(),
            LinkProblem::Refused(t) => {
                format!("symbolic link to `{}` goes through a file name sigdoc refuses; refused", esc(t))
            }
        }
    }

    /// Whether the link stops a build (everything but a link to a folder, which is skipped).
    pub(crate) fn is_error(&self) -> bool {
        !matches!(self, LinkProblem::Folder(_))
    }
}

/// Most links a chain may have; Linux stops at 40, documents need one.
const MAX_LINK_HOPS: usize = 8;

/// Follows a symbolic link at `link` (relative to the documents folder) to a regular file.
///
/// Targets are resolved lexically, relative to the link's folder, the same way for git
/// objects and for the disk: an absolute target, or one whose `..` leaves the documents
/// folder at any point, is refused without looking at it.
pub(crate) fn follow_link(
    link: &str,
    target: Option<String>,
    mut lookup: impl FnMut(&str) -> Node,
) -> Result<String, LinkProblem> {
    let mut link = link.to_owned();
    let mut target = target;
    for _ in 0..MAX_LINK_HOPS {
        let t = target.ok_or(LinkProblem::NotUtf8)?;
        let resolved = resolve_target(&link, &t).ok_or_else(|| LinkProblem::Outside(t.clone()))?;
        match lookup(&resolved) {
            Node::File => return Ok(resolved),
            Node::Folder => return Err(LinkProblem::Folder(t)),
            Node::Missing => return Err(LinkProblem::Dangling(t)),
            Node::Refused => return Err(LinkProblem::Refused(t)),
            Node::Link(next) => {
                link = resolved;
                target = next;
            }
        }
    }
    Err(LinkProblem::TooDeep)
}

/// The path a link's target names, relative to the documents folder, or `None` if it
/// leaves the folder.
fn resolve_target(link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.starts_with('\\') || std::path::Path::new(target).is_absolute() {
        return None;
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        // The documents folder itself.
        return Some(String::new());
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_normalised() {
        assert_eq!(normalize_root("documents").unwrap(), "documents");
        assert_eq!(normalize_root("./documents/").unwrap(), "documents");
        assert_eq!(normalize_root("a//b").unwrap(), "a/b");
        assert_eq!(normalize_root(".").unwrap(), "");
        assert_eq!(normalize_root("").unwrap(), "");
        assert!(normalize_root("/etc").is_err());
        assert!(normalize_root("../x").is_err());
        assert!(normalize_root("a/../b").is_err());
    }

    #[test]
    fn targets_resolve_lexically_inside_the_folder() {
        assert_eq!(resolve_target("threats/a.yaml", "b.yaml").as_deref(), Some("threats/b.yaml"));
        assert_eq!(resolve_target("threats/a.yaml", "../process.md").as_deref(), Some("process.md"));
        assert_eq!(resolve_target("a.yaml", "./x/../b.yaml").as_deref(), Some("b.yaml"));
        assert_eq!(resolve_target("a.yaml", "../documents/b.yaml"), None);
        assert_eq!(resolve_target("threats/a.yaml", "../../etc/passwd"), None);
        assert_eq!(resolve_target("a.yaml", "/etc/passwd"), None);
    }

    #[test]
    fn links_are_followed_to_files_only() {
        let lookup = |p: &str| match p {
            "f" => Node::File,
            "dir" => Node::Folder,
            "l1" => Node::Link(Some("l2".into())),
            "l2" => Node::Link(Some("f".into())),
            "loop" => Node::Link(Some("loop".into())),
            "out" => Node::Link(Some("/etc/passwd".into())),
            _ => Node::Missing,
        };
        assert_eq!(follow_link("a", Some("l1".into()), lookup), Ok("f".into()));
        assert_eq!(follow_link("a", Some("dir".into()), lookup), Err(LinkProblem::Folder("dir".into())));
        assert_eq!(follow_link("a", Some("nope".into()), lookup), Err(LinkProblem::Dangling("nope".into())));
        assert_eq!(follow_link("a", Some("loop".into()), lookup), Err(LinkProblem::TooDeep));
        assert_eq!(follow_link("a", Some("out".into()), lookup), Err(LinkProblem::Outside("/etc/passwd".into())));
        assert_eq!(follow_link("a", None, lookup), Err(LinkProblem::NotUtf8));
    }
}
