//! Document metadata shared by the three deliverables, and the Markdown documents.

use serde::Serialize;
use serde_yaml::Mapping;

use crate::reader::{Reader, child};
use crate::sig::{Author, read_authors};
use crate::yaml::Seg;

/// The XEP statuses a document may have.
pub const STATUSES: &[&str] = &[
    "Experimental",
    "Proposed",
    "Draft",
    "Active",
    "Final",
    "Retracted",
    "Deferred",
    "Rejected",
    "Deprecated",
    "Obsolete",
];

/// Title, abstract, status, type and authors of one deliverable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DocMeta {
    /// The document's own title (without the group name).
    pub title: String,
    /// One paragraph (Markdown).
    #[serde(rename = "abstract")]
    pub abstract_: String,
    /// One of [`STATUSES`].
    pub status: String,
    /// E.g. "Informational".
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The document's authors (the group's by default).
    pub authors: Vec<Author>,
}

/// Keys every deliverable's metadata has.
pub(crate) const META_KEYS: &[&str] = &["title", "abstract", "status", "type", "authors"];

pub(crate) fn read_meta(r: &mut Reader<'_>, path: &[Seg], map: &Mapping, group_authors: &[Author]) -> DocMeta {
    let what = "the document metadata";
    let mut meta = DocMeta {
        title: r.string(path, map, "title", true, what).unwrap_or_default(),
        abstract_: r.string(path, map, "abstract", true, what).unwrap_or_default(),
        status: r.string(path, map, "status", true, what).unwrap_or_else(|| "Experimental".into()),
        doc_type: r.string(path, map, "type", true, what).unwrap_or_else(|| "Informational".into()),
        authors: group_authors.to_vec(),
    };
    if !STATUSES.contains(&meta.status.as_str()) {
        let hint = match crate::reader::suggest(&meta.status, STATUSES.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("expected one of: {}", STATUSES.join(", ")),
        };
        r.error(&child(path, "status"), format!("unknown status \"{}\" ({hint})", meta.status));
    }
    if let Some(value) = map.get("authors").filter(|v| !v.is_null()) {
        meta.authors = read_authors(r, &child(path, "authors"), value, group_authors);
    }
    meta
}

/// Markdown prose with the place it starts, so problems inside it can be located.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Prose {
    /// The Markdown text.
    pub text: String,
    /// The file it comes from, as shown to users.
    pub file: String,
    /// 1-based line on which the text starts.
    pub line: usize,
}

/// A Markdown deliverable: `analysis.md` (and the prose of `process.md`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MarkdownDoc {
    /// Front matter metadata.
    pub meta: DocMeta,
    /// The body.
    pub body: Prose,
}
