//! The three deliverables, and which files of the documents folder each is made of.

use serde::Serialize;

use crate::layout::DocFile;

/// The three deliverables, each built into one PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// Deliverable 1: `process.md`.
    Process,
    /// Deliverable 2: `template.yaml`.
    Template,
    /// Deliverable 3: `analysis.md` and `threats/`.
    Analysis,
}

impl DocKind {
    /// All documents, in build order.
    pub const ALL: [DocKind; 3] = [DocKind::Process, DocKind::Template, DocKind::Analysis];

    /// The lower-case name used on the command line and for file names.
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Process => "process",
            DocKind::Template => "template",
            DocKind::Analysis => "analysis",
        }
    }

    /// Parses a name given on the command line.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The documents whose data this one shows as well: the template shows the process's
    /// scales; the analysis rates its threats on them, by the template's fields.
    pub fn builds_on(self) -> &'static [DocKind] {
        match self {
            DocKind::Process => &[],
            DocKind::Template => &[DocKind::Process],
            DocKind::Analysis => &[DocKind::Process, DocKind::Template],
        }
    }

    /// The document's own files, whose commits make its revision history.
    pub fn own_files(self) -> impl Iterator<Item = DocFile> {
        DocFile::ALL.into_iter().filter(move |f| f.document() == Some(self))
    }

    /// Every file the document's PDF is built from: the group's files, its own, and
    /// those of the documents it builds on. A release PDF attaches exactly these.
    pub fn inputs(self) -> impl Iterator<Item = DocFile> {
        DocFile::ALL
            .into_iter()
            .filter(move |f| f.document().is_none_or(|d| d == self || self.builds_on().contains(&d)))
    }

    /// Whether a path of the documents folder is one of the document's [inputs](Self::inputs).
    pub fn is_input(self, path: &str) -> bool {
        DocFile::of(path).is_some_and(|file| self.inputs().any(|f| f == file))
    }

    /// Whether a path of the documents folder is typeset in some document.
    pub fn is_typeset(path: &str) -> bool {
        DocKind::ALL.iter().any(|d| d.is_input(path))
    }

    /// The paths, relative to the documents folder, whose changes change this document,
    /// as git pathspecs: a path ending in `/` stands for a whole folder.
    pub fn paths(self) -> Vec<String> {
        self.own_files().map(DocFile::pathspec).collect()
    }

    /// Whether a change to a path (relative to the documents folder) changes this
    /// document's own files, as [`paths`](Self::paths) select them.
    pub fn owns(self, path: &str) -> bool {
        self.own_files().any(|f| f.covers(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for doc in DocKind::ALL {
            assert_eq!(DocKind::from_name(doc.name()), Some(doc));
        }
        assert_eq!(DocKind::ALL.map(DocKind::name), ["process", "template", "analysis"]);
        assert_eq!(DocKind::from_name("Process"), None);
    }

    #[test]
    fn documents_own_their_paths() {
        assert!(DocKind::Process.owns("process.md"));
        assert!(!DocKind::Process.owns("process.md.bak"));
        assert!(DocKind::Analysis.owns("threats/a.yaml"));
        assert!(DocKind::Analysis.owns("analysis.md"));
        assert!(!DocKind::Analysis.owns("threats"));
        assert!(!DocKind::Analysis.owns("threatsx/a.yaml"));
        assert!(!DocKind::Template.owns("sig.yaml"));
        // History follows git: everything in the threats folder counts.
        assert!(DocKind::Analysis.owns("threats/notes.md"));
        assert!(DocKind::Analysis.owns("threats/sub/a.yaml"));
        assert!(!DocKind::Process.owns("threats/a.yaml"));
    }

    #[test]
    fn paths_are_pathspecs_of_the_own_files() {
        assert_eq!(DocKind::Process.paths(), ["process.md"]);
        assert_eq!(DocKind::Template.paths(), ["template.yaml"]);
        assert_eq!(DocKind::Analysis.paths(), ["analysis.md", "threats/"]);
        let owners: Vec<Vec<DocFile>> = DocKind::ALL.iter().map(|d| d.own_files().collect()).collect();
        assert_eq!(
            owners,
            [vec![DocFile::Process], vec![DocFile::Template], vec![DocFile::Analysis, DocFile::Threats]]
        );
    }

    #[test]
    fn each_document_depends_on_its_own_files() {
        assert!(DocKind::Process.is_input("references.yaml"));
        assert!(!DocKind::Process.is_input("threats/a.yaml"));
        assert!(!DocKind::Process.is_input("template.yaml"));
        assert!(DocKind::Template.is_input("process.md"));
        assert!(!DocKind::Template.is_input("analysis.md"));
        assert!(DocKind::Analysis.is_input("threats/a.yaml"));
        assert!(DocKind::Analysis.is_input("template.yaml"));
        let inputs = |doc: DocKind| doc.inputs().collect::<Vec<_>>();
        assert_eq!(inputs(DocKind::Process), [DocFile::Sig, DocFile::References, DocFile::Process]);
        assert_eq!(inputs(DocKind::Template), [DocFile::Sig, DocFile::References, DocFile::Process, DocFile::Template]);
        assert_eq!(inputs(DocKind::Analysis), DocFile::ALL);
        assert!(!DocKind::Analysis.is_input("threats/a.md"));
        assert!(!DocKind::Analysis.is_input("README.md"));
    }

    #[test]
    fn every_file_sigdoc_reads_is_typeset() {
        for path in ["sig.yaml", "references.yaml", "process.md", "template.yaml", "analysis.md", "threats/a.yml"] {
            assert!(DocKind::is_typeset(path), "{path}");
        }
        for path in ["notes.txt", "threats/a.md", "threats/sub/a.yaml", "threats"] {
            assert!(!DocKind::is_typeset(path), "{path}");
        }
    }
}
