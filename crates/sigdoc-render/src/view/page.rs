//! Everything one document's template reads: the shared header and the document's content.

use serde::Serialize;
use sigdoc_model::{Deliverables, DocKind, History};

use super::analysis::AnalysisView;
use super::attachment::AttachmentView;
use super::document::{DocumentView, Revision};
use super::process::ProcessView;
use super::template::TemplateView;
use crate::threat_cache::ThreatCache;

/// What a document's template reads as `/data/<doc>.json`: the header's keys, the
/// content's keys and the release's attachments, side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageView {
    /// The header every document shares.
    #[serde(flatten)]
    pub document: DocumentView,
    /// The document's own content.
    #[serde(flatten)]
    pub content: ContentView,
    /// Files of the documents folder the PDF attaches (release builds carry their sources).
    pub attachments: Vec<AttachmentView>,
    /// Whether the PDF is to be accessible (PDF/UA-1): the templates then give drawings
    /// their alternative text and tables their header rows. Off, the layout and bytes
    /// are those of a build that asks for no standard.
    pub accessible: bool,
}

/// The content of one of the three documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ContentView {
    /// `process.pdf`.
    Process(ProcessView),
    /// `template.pdf`.
    Template(TemplateView),
    /// `analysis.pdf`.
    Analysis(AnalysisView),
}

impl PageView {
    /// The view of document `doc` at `revision` of its `history`; with a `cache`, the
    /// analysis takes unchanged threats' views from it.
    pub fn new(
        doc: DocKind,
        d: &Deliverables,
        history: &History,
        revision: &Revision,
        cache: Option<&ThreatCache>,
        attachments: &[String],
    ) -> PageView {
        let (meta, content) = match doc {
            DocKind::Process => (&d.process.doc.meta, ContentView::Process(ProcessView::new(d))),
            DocKind::Template => (&d.template.meta, ContentView::Template(TemplateView::new(d))),
            DocKind::Analysis => {
                (&d.analysis.meta, ContentView::Analysis(AnalysisView::new(d, &history.reviews, cache)))
            }
        };
        PageView {
            document: DocumentView::new(doc, d, meta, history, revision),
            content,
            attachments: attachments.iter().map(|path| AttachmentView::new(path)).collect(),
            accessible: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::example::example;

    #[test]
    fn header_and_content_keys_side_by_side() {
        let d = example();
        let history = History::new(DocKind::Analysis, Vec::new(), false);
        let revision = Revision::from_history(&history, "2025-01-02");
        for doc in DocKind::ALL {
            let view = PageView::new(doc, &d, &history, &revision, None, &["sig.yaml".to_owned()]);
            let data = serde_json::to_value(&view).unwrap_or_default();
            assert_eq!(data["doc"], doc.name());
            assert_eq!(data["date"], "2025-01-02");
            assert_eq!(data["version"], "0.0");
            assert_eq!(data["draft"], true);
            assert_eq!(
                data["attachments"],
                serde_json::json!([{"path": "sig.yaml", "media_type": "application/yaml"}])
            );
            assert!(data["body"].is_array(), "{doc:?}");
            assert!(data["rating"]["matrix"].is_object(), "{doc:?}");
            // Each document's own content, and none of the others'.
            let own = match doc {
                DocKind::Process => None,
                DocKind::Template => Some("fields"),
                DocKind::Analysis => Some("threats"),
            };
            for key in ["fields", "threats"] {
                assert_eq!(data.get(key).is_some(), own == Some(key), "{doc:?}: {key}");
            }
            assert_eq!(
                view.document.title,
                match doc {
                    DocKind::Process => "Threat Analysis Process",
                    DocKind::Template => "Threat Template",
                    DocKind::Analysis => "Threat Analysis",
                }
            );
        }
    }
}
