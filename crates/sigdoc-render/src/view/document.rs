//! The header every document shares: group, authors, legal notices, version and history.

use serde::Serialize;
use sigdoc_model::{Deliverables, DocKind, DocMeta, History, HistoryEntry, Legal, References};

use super::author::AuthorView;
use super::prose::Prose;
use crate::markdown::to_nodes;

/// How the revision being built is described on every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// Version shown on the title page (`0.2`, `0.2+1 (40872e9)`).
    pub version: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Whether every page says DRAFT.
    pub draft: bool,
}

impl Revision {
    /// The revision that a history describes: its newest entry.
    pub fn from_history(history: &History, fallback_date: &str) -> Revision {
        match history.entries.first() {
            Some(entry) => Revision { version: entry.label(), date: entry.date.clone(), draft: entry.tag.is_none() },
            None => Revision { version: "0.0".into(), date: fallback_date.to_owned(), draft: true },
        }
    }
}

/// What every document shows of its group, itself and its history: the title page, the
/// legal page, the running header and the appendices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentView {
    /// The document's name (`process`).
    pub doc: &'static str,
    /// The group's name.
    pub group: String,
    /// `<group short name>-<document>`.
    pub shortname: String,
    /// The document's own title.
    pub title: String,
    /// `<group>: <title>`, the title page's line and the PDF's title.
    pub full_title: String,
    /// The abstract.
    #[serde(rename = "abstract")]
    pub abstract_: Prose,
    /// The abstract's Markdown, trimmed, for places that show plain text.
    pub abstract_text: String,
    /// A XEP status (`Experimental`).
    pub status: String,
    /// The document type (`Informational`).
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The document's authors.
    pub authors: Vec<AuthorView>,
    /// Who approves the documents.
    pub approver: Option<String>,
    /// Where discussion happens; `None` takes the house wording.
    pub venue: Option<Prose>,
    /// The legal notices the group states; the others take the house wording.
    pub legal: LegalView,
    /// The version of this build.
    pub version: String,
    /// The date of this build, `YYYY-MM-DD`.
    pub date: String,
    /// The year of that date, for the copyright notice.
    pub year: String,
    /// Whether every page says DRAFT.
    pub draft: bool,
    /// The revision history, newest first.
    pub history: Vec<HistoryEntryView>,
    /// Whether earlier history is missing (a shallow clone).
    pub history_truncated: bool,
}

impl DocumentView {
    /// The header of document `doc` with metadata `meta`, at `revision` of `history`.
    pub fn new(doc: DocKind, d: &Deliverables, meta: &DocMeta, history: &History, revision: &Revision) -> DocumentView {
        let refs = &d.references;
        DocumentView {
            doc: doc.name(),
            group: d.sig.name.clone(),
            shortname: format!("{}-{}", d.sig.shortname, doc.name()),
            title: meta.title.clone(),
            full_title: format!("{}: {}", d.sig.name, meta.title),
            abstract_: to_nodes(&meta.abstract_, refs),
            abstract_text: meta.abstract_.trim().to_owned(),
            status: meta.status.clone(),
            doc_type: meta.doc_type.clone(),
            authors: AuthorView::list(&meta.authors),
            approver: d.sig.approver.clone(),
            venue: prose(d.sig.venue.as_ref(), refs),
            legal: LegalView::new(&d.sig.legal, refs),
            version: revision.version.clone(),
            date: revision.date.clone(),
            year: revision.date.get(..4).unwrap_or_default().to_owned(),
            draft: revision.draft,
            history: history.entries.iter().map(|e| HistoryEntryView::new(e, refs)).collect(),
            history_truncated: history.truncated,
        }
    }
}

fn prose(text: Option<&String>, refs: &References) -> Option<Prose> {
    text.map(|t| to_nodes(t, refs))
}

/// The legal notices the group states in `sig.yaml`; `None` takes the house wording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegalView {
    /// Copyright notice.
    pub copyright: Option<Prose>,
    /// Permissions granted to readers.
    pub permissions: Option<Prose>,
    /// Disclaimer of warranty.
    pub warranty: Option<Prose>,
    /// Limitation of liability.
    pub liability: Option<Prose>,
    /// Conformance notice.
    pub conformance: Option<Prose>,
}

impl LegalView {
    /// The view of the group's notices.
    pub fn new(legal: &Legal, refs: &References) -> LegalView {
        LegalView {
            copyright: prose(legal.copyright.as_ref(), refs),
            permissions: prose(legal.permissions.as_ref(), refs),
            warranty: prose(legal.warranty.as_ref(), refs),
            liability: prose(legal.liability.as_ref(), refs),
            conformance: prose(legal.conformance.as_ref(), refs),
        }
    }
}

/// One entry of the Revision History appendix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntryView {
    /// The version as documents show it: `0.2`, `0.2+1 (40872e9)`.
    pub version: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The initials of the entry's authors, comma-separated; empty when none are known.
    pub initials: String,
    /// What changed, each remark as prose.
    pub remarks: Vec<Prose>,
}

impl HistoryEntryView {
    /// The view of one entry.
    pub fn new(entry: &HistoryEntry, refs: &References) -> HistoryEntryView {
        HistoryEntryView {
            version: entry.label(),
            date: entry.date.clone(),
            initials: entry.initials.join(", "),
            remarks: entry.remarks.iter().map(|r| to_nodes(r, refs)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use sigdoc_model::Author;

    use super::*;
    use crate::view::example::example;

    fn entry(version: &str, tag: Option<&str>, commit: Option<&str>, initials: &[&str]) -> HistoryEntry {
        HistoryEntry {
            version: version.into(),
            tag: tag.map(str::to_owned),
            date: "2025-03-01".into(),
            commit: commit.map(str::to_owned),
            commits: Vec::new(),
            initials: initials.iter().map(|i| (*i).to_owned()).collect(),
            authors: Vec::new(),
            remarks: vec!["Rate RFC 6120 *again*.".into()],
        }
    }

    fn history(entries: Vec<HistoryEntry>) -> History {
        History::new(DocKind::Process, entries, false)
    }

    #[test]
    fn the_revision_is_the_newest_entry_and_a_draft_unless_released() {
        let released = history(vec![entry("0.2", Some("v0.2"), Some("abc"), &[])]);
        assert_eq!(
            Revision::from_history(&released, "2000-01-01"),
            Revision { version: "0.2".into(), date: "2025-03-01".into(), draft: false }
        );
        let unreleased = history(vec![entry("0.2+1", None, Some("40872e9aaaaaaaaa"), &[])]);
        assert_eq!(
            Revision::from_history(&unreleased, "2000-01-01"),
            Revision { version: "0.2+1 (40872e9)".into(), date: "2025-03-01".into(), draft: true }
        );
        assert_eq!(
            Revision::from_history(&history(Vec::new()), "2000-01-01"),
            Revision { version: "0.0".into(), date: "2000-01-01".into(), draft: true }
        );
    }

    #[test]
    fn history_entries_show_version_labels_initials_and_remarks() {
        let d = example();
        let entries = [
            entry("0.2+1", None, Some("40872e9aaaaaaaaa"), &["AE", "PSA"]),
            entry("0.2", Some("v0.2"), Some("bbbbbbbbbbbb"), &[]),
        ];
        let views: Vec<HistoryEntryView> = entries.iter().map(|e| HistoryEntryView::new(e, &d.references)).collect();
        assert_eq!(views[0].version, "0.2+1 (40872e9)");
        assert_eq!(views[0].initials, "AE, PSA");
        assert_eq!(views[1].version, "0.2");
        assert_eq!(views[1].initials, "");
        assert_eq!(views[1].date, "2025-03-01");
        let remark = serde_json::to_value(&views[0].remarks).unwrap_or_default();
        assert_eq!(remark[0][0]["c"][1]["t"], "cite", "a known mention in a remark is cited: {remark}");
        assert_eq!(remark[0][0]["c"][3], json!({"t": "em", "c": ["again"]}));
    }

    #[test]
    fn the_header_of_the_example_process() {
        let mut d = example();
        d.process.doc.meta.authors.push(Author { name: "Peter Saint-Andre".into(), ..Author::default() });
        let revision = Revision { version: "0.2+1 (40872e9)".into(), date: "2025-03-01".into(), draft: true };
        let hist = history(vec![entry("0.2+1", None, Some("40872e9aaaaaaaaa"), &["AE"])]);
        let view = DocumentView::new(DocKind::Process, &d, &d.process.doc.meta, &hist, &revision);
        assert_eq!(view.doc, "process");
        assert_eq!(view.group, "Example Security Group");
        assert_eq!(view.shortname, "example-sg-process");
        assert_eq!(view.title, "Threat Analysis Process");
        assert_eq!(view.full_title, "Example Security Group: Threat Analysis Process");
        assert_eq!(view.abstract_text, "How the group identifies, defines, rates and prioritises threats.");
        assert_eq!((view.status.as_str(), view.doc_type.as_str()), ("Experimental", "Informational"));
        assert_eq!(view.authors.iter().map(|a| a.initials.as_str()).collect::<Vec<_>>(), ["AE", "PSA"]);
        assert_eq!(view.approver.as_deref(), Some("The Example Council"));
        assert!(view.venue.is_some());
        assert_eq!(view.legal, LegalView::new(&Legal::default(), &d.references));
        assert_eq!(
            (view.version.as_str(), view.date.as_str(), view.year.as_str()),
            ("0.2+1 (40872e9)", "2025-03-01", "2025")
        );
        assert!(view.draft);
        assert_eq!(view.history.len(), 1);
        assert!(!view.history_truncated);
        let data = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(data["abstract"][0]["t"], "par");
        assert_eq!(data["type"], "Informational");
        assert_eq!(
            data["legal"],
            json!({"copyright": null, "permissions": null, "warranty": null, "liability": null, "conformance": null})
        );
    }

    #[test]
    fn a_date_too_short_for_a_year_leaves_the_year_empty() {
        let d = example();
        let revision = Revision { version: "0.1".into(), date: "99".into(), draft: false };
        let view = DocumentView::new(DocKind::Template, &d, &d.template.meta, &history(Vec::new()), &revision);
        assert_eq!(view.year, "");
        assert_eq!(view.shortname, "example-sg-template");
    }

    #[test]
    fn stated_legal_notices_are_prose() {
        let d = example();
        let legal = Legal { warranty: Some("None, *at all*.".into()), ..Legal::default() };
        let view = LegalView::new(&legal, &d.references);
        assert_eq!(
            serde_json::to_value(&view.warranty).ok(),
            Some(json!([{"t": "par", "c": ["None, ", {"t": "em", "c": ["at all"]}, "."]}]))
        );
        assert_eq!((view.copyright, view.permissions, view.liability, view.conformance), (None, None, None, None));
    }
}
