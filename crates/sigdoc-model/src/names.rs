//! Which file names sigdoc accepts from a repository or writes, by the rules `git fsck`
//! applies to tree entries, so that no name can lead a reader or a writer out of its folder.

use std::fmt;

use crate::text::{escape_controls, is_unprintable};

/// Why a name from a tree or a folder listing is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadName {
    /// The empty name.
    Empty,
    /// `.` or `..`.
    Dots,
    /// A `/` or `\`: a path, not a name.
    Separator,
    /// A NUL, another control character, or a character that reorders text on screen.
    Control(char),
    /// `.git` in any disguise: any case, trailing dots or spaces, an NTFS stream or short
    /// name, characters that HFS+ ignores.
    GitDir,
    /// Bytes that are not UTF-8.
    NotUtf8,
}

impl fmt::Display for BadName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadName::Empty => write!(f, "an empty file name"),
            BadName::Dots => write!(f, "a file name of dots that names a folder"),
            BadName::Separator => write!(f, "a file name with a path separator"),
            BadName::Control(c) => write!(f, "a file name with the character U+{:04X}", u32::from(*c)),
            BadName::GitDir => write!(f, "a file name that a file system takes for `.git`"),
            BadName::NotUtf8 => write!(f, "a file name that is not valid UTF-8"),
        }
    }
}

/// Characters that HFS+ ignores when it compares names, so that `.g\u{200c}it` is `.git`
/// there (git's `is_hfs_dotgit`).
fn hfs_ignorable(c: char) -> bool {
    matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}')
}

/// Whether a name is `.git` on some file system: HFS+ ignores some characters and case,
/// NTFS ignores case, trailing dots and spaces, reads `.git:stream` as `.git` and may
/// know the folder by its short name `GIT~1` (git's `is_ntfs_dotgit`).
fn is_dot_git(name: &str) -> bool {
    let folded: String = name.chars().filter(|c| !hfs_ignorable(*c)).collect::<String>().to_lowercase();
    let trimmed = folded.trim_end_matches([' ', '.']);
    match trimmed.strip_prefix(".git") {
        Some(rest) => rest.is_empty() || rest.starts_with(':'),
        None => trimmed == "git~1",
    }
}

/// The name as text, or why it is refused.
pub fn check_name(bytes: &[u8]) -> Result<&str, BadName> {
    let name = std::str::from_utf8(bytes).map_err(|_| BadName::NotUtf8)?;
    match name {
        "" => return Err(BadName::Empty),
        "." | ".." => return Err(BadName::Dots),
        _ => {}
    }
    if let Some(c) = name.chars().find(|c| is_unprintable(*c)) {
        return Err(BadName::Control(c));
    }
    if name.contains(['/', '\\']) {
        return Err(BadName::Separator);
    }
    if is_dot_git(name) {
        return Err(BadName::GitDir);
    }
    Ok(name)
}

/// A name as it may be shown in a message: invalid UTF-8 replaced, unprintable characters
/// written as escapes.
pub fn shown(bytes: &[u8]) -> String {
    escape_controls(&String::from_utf8_lossy(bytes)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_pass() {
        for name in ["sig.yaml", "threats", "a-b.yml", ".gitignore", ".gitattributes", "git", "café.md", "a b", "x:y"]
        {
            assert_eq!(check_name(name.as_bytes()), Ok(name), "{name}");
        }
    }

    #[test]
    fn names_that_leave_a_folder_are_refused() {
        assert_eq!(check_name(b""), Err(BadName::Empty));
        assert_eq!(check_name(b"."), Err(BadName::Dots));
        assert_eq!(check_name(b".."), Err(BadName::Dots));
        assert_eq!(check_name(b"../../.git/config"), Err(BadName::Separator));
        assert_eq!(check_name(b"/etc/passwd"), Err(BadName::Separator));
        assert_eq!(check_name(b"..\\x"), Err(BadName::Separator));
        assert_eq!(check_name(b"a\0b"), Err(BadName::Control('\0')));
        assert_eq!(check_name(b"a\x1b[31mb"), Err(BadName::Control('\x1b')));
        assert_eq!(check_name("a\u{202e}b".as_bytes()), Err(BadName::Control('\u{202e}')));
        assert_eq!(check_name(b"caf\xe9"), Err(BadName::NotUtf8));
    }

    #[test]
    fn every_disguise_of_dot_git_is_refused() {
        for name in [".git", ".GIT", ".Git", ".git.", ".git ", ".git . .", ".git::$INDEX_ALLOCATION", "git~1", "GIT~1"]
        {
            assert_eq!(check_name(name.as_bytes()), Err(BadName::GitDir), "{name:?}");
        }
        // HFS+ ignores zero-width joiners and the byte order mark.
        for name in [".g\u{200c}it", "\u{feff}.git", ".gi\u{206a}t"] {
            assert_eq!(check_name(name.as_bytes()), Err(BadName::GitDir), "{name:?}");
        }
        for name in [".gitx", "x.git", ".git-old", "git~2", "git"] {
            assert!(check_name(name.as_bytes()).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn shown_names_carry_no_control_characters() {
        assert_eq!(shown(b"a\x1b]0;x\x07b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(shown(b"caf\xe9"), "caf\u{fffd}");
        assert_eq!(shown("r\u{202e}l".as_bytes()), "r\\u{202e}l");
    }
}
