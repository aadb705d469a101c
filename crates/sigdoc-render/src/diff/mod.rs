//! The "Changes from FROM to TO" report: a diff presented as the typed view that
//! `templates/diff.typ` renders in the house style, and compiled to PDF.
//!
//! sigdoc-diff decides what changed, in what order, and how prose reads; this module only
//! words and lays it out, so that the report and the terminal say the same things.

mod items;
mod view;

use sigdoc_diff::Report;
use sigdoc_model::{Deliverables, DocKind};

pub use view::{DiffView, diff_view};

use crate::{Passes, RenderError, RenderOptions, Rendered, SigWorld, compile, datetime};

/// The report's template, beside the house templates it imports.
const DIFF_TEMPLATE: &str = include_str!("../../templates/diff.typ");

/// Renders the report of a diff as an XEP-style PDF.
///
/// `to` is the new revision's deliverables (group, authors, titles of references); the
/// PDF is dated `options.timestamp`. A failure is a template bug, reported as one in the
/// analysis (the document the report is about).
pub fn render_diff(report: &Report, to: &Deliverables, options: &RenderOptions) -> Result<Rendered, RenderError> {
    let date = crate::date_string(options.timestamp);
    let view = diff_view(report, to, &date);
    let mut files = crate::template_files();
    files.insert("/diff.typ", DIFF_TEMPLATE.as_bytes().to_vec());
    files.insert("/data/diff.json", serde_json::to_vec(&view).unwrap_or_default());
    let world = SigWorld::new(files, "/diff.typ", datetime(options.timestamp));
    compile(DocKind::Analysis, &world, &format!("{}-changes", to.sig.shortname), options, Passes::EvictUnused)
}
