//! The data each house template reads: a document's typed view as JSON, footnotes labelled.

use serde::Serialize;
use serde_json::Value;
use sigdoc_model::{Author, Deliverables, DocKind, History};

use crate::RenderOptions;
use crate::markdown::label_notes;
use crate::standard::accessible;
use crate::threat_cache::ThreatCache;
// The attack-tree layout words the costs in its boxes as the views do.
pub(crate) use crate::view::format_cost;
use crate::view::{AuthorView, PageView, Revision};

/// The data of document `doc` as its template reads it (`/data/<doc>.json`).
///
/// Footnote labels are given here, to the whole document at once, and not in the views:
/// threat sections are built in parallel and cached, while a label must be unique in
/// the document and follow its order (see [`label_notes`]).
pub(crate) fn document_data(
    doc: DocKind,
    d: &Deliverables,
    history: &History,
    revision: &Revision,
    cache: Option<&ThreatCache>,
    options: &RenderOptions,
) -> Value {
    let mut view = PageView::new(doc, d, history, revision, cache, &options.attachments);
    view.accessible = accessible(&options.standards);
    let mut data = to_data(&view);
    label_notes(&mut data);
    data
}

/// A view as JSON. Views hold strings, numbers, booleans, lists and maps keyed by
/// strings, which JSON always represents (a non-finite number becomes null), so the
/// fallback is never taken.
fn to_data(view: &impl Serialize) -> Value {
    serde_json::to_value(view).unwrap_or(Value::Null)
}

/// The authors with the links of their addresses, as every document's header lists them.
pub(crate) fn authors(list: &[Author]) -> Value {
    to_data(&AuthorView::list(list))
}
