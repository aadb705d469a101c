//! The layout of a documents folder: the files sigdoc reads, and the bounds on reading them.
//!
//! Readers of repositories (git objects, the working tree) open these files and nothing
//! else, so that a folder full of other things (a tree bomb of a million entries, a
//! gigabyte of images) costs nothing to read.

use crate::doc_kind::DocKind;

/// A file of the documents folder that sigdoc reads, or for threats, every threat file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocFile {
    /// `sig.yaml`: the group, its authors, legal notices and release tag pattern.
    Sig,
    /// `references.yaml`: the bibliography.
    References,
    /// `process.md`: deliverable 1, with the scales and the matrix.
    Process,
    /// `template.yaml`: deliverable 2, the fields of every threat.
    Template,
    /// `analysis.md`: deliverable 3's introduction.
    Analysis,
    /// `threats/<id>.yaml`: deliverable 3's threats, one per file.
    Threats,
}

impl DocFile {
    /// Every file, in the order they are loaded (each builds on those before it).
    pub const ALL: [DocFile; 6] =
        [DocFile::Sig, DocFile::References, DocFile::Process, DocFile::Template, DocFile::Analysis, DocFile::Threats];

    /// The files at the top of the documents folder, each read when present.
    pub const TOP: [DocFile; 5] =
        [DocFile::Sig, DocFile::References, DocFile::Process, DocFile::Template, DocFile::Analysis];

    /// The path relative to the documents folder; for threats, their folder.
    pub fn path(self) -> &'static str {
        match self {
            DocFile::Sig => "sig.yaml",
            DocFile::References => "references.yaml",
            DocFile::Process => "process.md",
            DocFile::Template => "template.yaml",
            DocFile::Analysis => "analysis.md",
            DocFile::Threats => THREATS_FOLDER,
        }
    }

    /// The file a path (relative to the documents folder, `/`-separated) is, if sigdoc
    /// reads it.
    pub fn of(path: &str) -> Option<DocFile> {
        match threat_file_name(path) {
            Some(name) => is_threat_file(name).then_some(DocFile::Threats),
            None => Self::TOP.into_iter().find(|f| f.path() == path),
        }
    }

    /// The document the file is part of; `None` for the group's files, which every
    /// document shows.
    pub fn document(self) -> Option<DocKind> {
        match self {
            DocFile::Sig | DocFile::References => None,
            DocFile::Process => Some(DocKind::Process),
            DocFile::Template => Some(DocKind::Template),
            DocFile::Analysis | DocFile::Threats => Some(DocKind::Analysis),
        }
    }

    /// Whether [`path`](Self::path) is a folder of files rather than one file.
    pub fn is_folder(self) -> bool {
        match self {
            DocFile::Threats => true,
            DocFile::Sig | DocFile::References | DocFile::Process | DocFile::Template | DocFile::Analysis => false,
        }
    }

    /// The file as a git pathspec: a folder ends in `/`.
    pub fn pathspec(self) -> String {
        if self.is_folder() { format!("{}/", self.path()) } else { self.path().to_owned() }
    }

    /// Whether a change to a path (relative to the documents folder) is a change to this
    /// file as git's pathspec sees it: for a folder, anything in it, read or not.
    pub fn covers(self, path: &str) -> bool {
        if self.is_folder() {
            path.strip_prefix(self.path()).is_some_and(|rest| rest.starts_with('/'))
        } else {
            path == self.path()
        }
    }

    /// Whether the file shapes what a threat file holds: the template's fields, the
    /// process's scales and priorities, and the group they belong to. A schema of threat
    /// files, or a new threat, is derived from these alone.
    pub fn shapes_threats(self) -> bool {
        match self {
            DocFile::Sig | DocFile::Process | DocFile::Template => true,
            DocFile::References | DocFile::Analysis | DocFile::Threats => false,
        }
    }
}

/// The folder of threat files, directly inside the documents folder.
pub const THREATS_FOLDER: &str = "threats";

/// The name of a file inside [`THREATS_FOLDER`], from a path relative to the documents
/// folder: `threats/a.yaml` -> `a.yaml`; `None` for paths outside it.
pub fn threat_file_name(path: &str) -> Option<&str> {
    path.strip_prefix(THREATS_FOLDER)?.strip_prefix('/')
}

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
    threat_id(name).is_some()
}

/// The threat id a threat file's name gives: `a.yaml` -> `a`; `None` for other names.
pub fn threat_id(name: &str) -> Option<&str> {
    name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")).filter(|stem| !stem.contains('/'))
}

/// Whether a file inside `threats/` that is not a threat file deserves no warning: notes
/// kept beside the threats (`*.md`) and hidden files (an editor's, `.gitkeep`).
pub fn is_quiet_extra(name: &str) -> bool {
    name.ends_with(".md") || name.starts_with('.')
}

/// Whether `path` (relative to the documents folder, `/`-separated) is a file sigdoc reads.
pub fn is_read(path: &str) -> bool {
    DocFile::of(path).is_some()
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

    #[test]
    fn files_are_named_once() {
        for file in DocFile::TOP {
            assert_eq!(DocFile::of(file.path()), Some(file));
        }
        assert_eq!(
            DocFile::TOP.map(DocFile::path),
            ["sig.yaml", "references.yaml", "process.md", "template.yaml", "analysis.md"]
        );
        assert_eq!(DocFile::ALL[..5], DocFile::TOP);
        assert_eq!(DocFile::of("threats/a.yml"), Some(DocFile::Threats));
        assert_eq!(DocFile::of("threats"), None);
        assert_eq!(DocFile::of("threats/"), None);
        assert_eq!(DocFile::of("threats/.yaml"), Some(DocFile::Threats));
        assert_eq!(threat_file_name("threats/a/b.yaml"), Some("a/b.yaml"));
        assert_eq!(threat_file_name("threatsa.yaml"), None);
        assert_eq!(threat_id("a.yaml"), Some("a"));
        assert_eq!(threat_id("a.yml"), Some("a"));
        assert_eq!(threat_id("a.md"), None);
        assert_eq!(threat_id("a/b.yaml"), None);
    }

    #[test]
    fn threats_are_shaped_by_the_group_the_process_and_the_template() {
        let shaping: Vec<DocFile> = DocFile::ALL.into_iter().filter(|f| f.shapes_threats()).collect();
        assert_eq!(shaping, [DocFile::Sig, DocFile::Process, DocFile::Template]);
    }
}
