//! The layout of a documents folder: the files sigdoc reads, and the bounds on reading them.
//!
//! Readers of repositories (git objects, the working tree) open these files and nothing
//! else, so that a folder full of other things (a tree bomb of a million entries, a
//! gigabyte of images) costs nothing to read.

/// The files at the top of the documents folder, each read when present.
pub const DOCUMENT_FILES: [&str; 5] = ["sig.yaml", "references.yaml", "process.md", "template.yaml", "analysis.md"];

/// The folder of threat files, directly inside the documents folder.
pub const THREATS_FOLDER: &str = "threats";

/// Files larger than this are refused: nothing in a documents folder needs more.
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// The most bytes read from one revision of the documents folder, all files together:
/// a thousand-threat analysis is a few megabytes, while a small repository can name the
/// same one-megabyte blob thousands of times.
pub const MAX_TOTAL_SIZE: u64 = 32 * 1024 * 1024;

/// The most entries a folder the readers list (the documents folder, `threats/`) may
/// have, and so the most threat files.
pub const MAX_FOLDER_ENTRIES: usize = 10_000;

/// Whether a name inside `threats/` is a threat file, `<id>.yaml` (or `.yml`).
pub fn is_threat_file(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Whether a file inside `threats/` that is not a threat file deserves no warning: notes
/// kept beside the threats (`*.md`) and hidden files (an editor's, `.gitkeep`).
pub fn is_quiet_extra(name: &str) -> bool {
    name.ends_with(".md") || name.starts_with('.')
}

/// Whether `path` (relative to the documents folder, `/`-separated) is a file sigdoc reads.
pub fn is_read(path: &str) -> bool {
    DOCUMENT_FILES.contains(&path)
        || path
            .strip_prefix(THREATS_FOLDER)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|name| !name.contains('/') && is_threat_file(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_named_files_are_read() {
        for path in ["sig.yaml", "analysis.md", "threats/a.yaml", "threats/b.yml"] {
            assert!(is_read(path), "{path}");
        }
        for path in ["README.md", "threats/a.md", "threats/sub/a.yaml", "threats", "threatsx/a.yaml", "junk/sig.yaml"] {
            assert!(!is_read(path), "{path}");
        }
    }
}
