//! A source file a release PDF carries, named and typed as PDF/A-3 asks.

use serde::Serialize;
use sigdoc_model::DocFile;

/// One attached file of the documents folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentView {
    /// The path relative to the documents folder (`threats/a.yaml`): the name the file is
    /// attached under, so that detaching every file restores the folder.
    pub path: String,
    /// Its media type, which PDF/A-3 requires of every attached file.
    pub media_type: &'static str,
}

impl AttachmentView {
    /// The attachment of a file of the documents folder.
    pub fn new(path: &str) -> AttachmentView {
        AttachmentView { path: path.to_owned(), media_type: media_type(path) }
    }
}

/// The media type of a file sigdoc reads: Markdown with front matter, or YAML (RFC 9512).
fn media_type(path: &str) -> &'static str {
    match DocFile::of(path) {
        Some(DocFile::Process | DocFile::Analysis) => "text/markdown",
        Some(DocFile::Sig | DocFile::References | DocFile::Template | DocFile::Threats) => "application/yaml",
        // Only the files sigdoc reads are attached; anything else is plain bytes.
        None => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_sigdoc_reads_has_its_media_type() {
        let types: Vec<&str> =
            ["sig.yaml", "references.yaml", "process.md", "template.yaml", "analysis.md", "threats/a.yml"]
                .into_iter()
                .map(|p| AttachmentView::new(p).media_type)
                .collect();
        assert_eq!(
            types,
            [
                "application/yaml",
                "application/yaml",
                "text/markdown",
                "application/yaml",
                "text/markdown",
                "application/yaml"
            ]
        );
        assert_eq!(AttachmentView::new("notes.txt").media_type, "application/octet-stream");
        assert_eq!(AttachmentView::new("threats/a.yaml").path, "threats/a.yaml");
    }
}
