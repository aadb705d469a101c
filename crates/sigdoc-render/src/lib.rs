//! Typesetting the deliverables with the embedded Typst compiler into XEP-style PDFs.

mod data;
mod diff;
mod fonts;
pub mod html;
pub mod markdown;
mod passes;
mod standard;
mod threat_cache;
pub mod tree_layout;
pub mod view;
mod world;

use serde_json::Value;
use sigdoc_model::{Deliverables, DocKind, History, Snapshot};
use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst_pdf::{PdfOptions, Timestamp};

pub use diff::{DiffView, diff_view, render_diff};
pub use fonts::covers as font_covers;
pub use passes::{Passes, Settled};
pub use standard::PdfStandard;
pub use threat_cache::ThreatCache;
pub use view::{Revision, cheapest_attack_line};
pub use world::{MemoryFiles, SigWorld, shared_fonts};

/// The house templates, embedded so that a build needs nothing from disk.
const TEMPLATES: &[(&str, &str)] = &[
    ("/xep.typ", include_str!("../templates/xep.typ")),
    ("/process.typ", include_str!("../templates/process.typ")),
    ("/template.typ", include_str!("../templates/template.typ")),
    ("/analysis.typ", include_str!("../templates/analysis.typ")),
    ("/tree.typ", include_str!("../templates/tree.typ")),
];

/// What to render besides the deliverables themselves.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The revision's time in seconds since the Unix epoch: the PDF's creation date
    /// and Typst's `today`. Never the clock, so that builds are reproducible.
    pub timestamp: i64,
    /// Files of the snapshot to attach to the PDF (release builds carry their
    /// sources), by path relative to the documents folder.
    pub attachments: Vec<String>,
    /// The standards the PDF must conform to; none for an ordinary build, whose bytes
    /// stay as they were before sigdoc knew of standards.
    pub standards: Vec<PdfStandard>,
}

/// A problem Typst reported, located in the Typst source it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypstProblem {
    /// Error or warning.
    pub is_error: bool,
    /// The Typst file (`/xep.typ`), if the problem has a place.
    pub file: Option<String>,
    /// 1-based line and column.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The message with its hints.
    pub message: String,
}

impl TypstProblem {
    /// An error without a place in the Typst sources.
    fn general(message: String) -> TypstProblem {
        TypstProblem { is_error: true, file: None, line: 0, column: 0, message }
    }
}

impl std::fmt::Display for TypstProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.is_error { "error" } else { "warning" };
        match &self.file {
            Some(file) => write!(f, "{file}:{}:{}: {kind}: {}", self.line, self.column, self.message),
            None => write!(f, "{kind}: {}", self.message),
        }
    }
}

/// Typesetting failed; this means a bug in a house template, never bad user input.
#[derive(Debug, Clone)]
pub struct RenderError {
    /// Which document.
    pub document: DocKind,
    /// Every problem Typst reported.
    pub problems: Vec<TypstProblem>,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "typesetting {}.pdf failed", self.document.name())?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RenderError {}

/// A rendered PDF.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Typst's warnings (a house-template matter, shown with `-v`).
    pub warnings: Vec<TypstProblem>,
}

/// The files of a document's Typst world: the templates, its data and the snapshot.
///
/// `sigdoc build --emit-typst` writes exactly these, so that the stock `typst` CLI
/// compiles the same input.
pub fn world_files(doc: DocKind, data: &Value, snapshot: Option<&Snapshot>) -> MemoryFiles {
    let mut files = template_files();
    let json = serde_json::to_vec(data).unwrap_or_default();
    files.insert(format!("/data/{}.json", doc.name()), json);
    if let Some(snapshot) = snapshot {
        for (path, bytes) in &snapshot.files {
            files.insert(format!("/documents/{path}"), bytes.clone());
        }
    }
    files
}

/// The embedded house templates, the files every world starts from.
fn template_files() -> MemoryFiles {
    let mut files = MemoryFiles::default();
    for (path, text) in TEMPLATES {
        files.insert(*path, text.as_bytes().to_vec());
    }
    files
}

/// The date of a timestamp, as Typst sees it.
fn datetime(timestamp: i64) -> Option<Datetime> {
    let t = time::OffsetDateTime::from_unix_timestamp(sigdoc_model::clamp_time(timestamp)).ok()?;
    Datetime::from_ymd_hms(t.year(), t.month().into(), t.day(), t.hour(), t.minute(), t.second())
}

/// `YYYY-MM-DD` of a timestamp (UTC).
pub fn date_string(timestamp: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(sigdoc_model::clamp_time(timestamp)) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        Err(_) => "1970-01-01".into(),
    }
}

fn problems(world: &SigWorld, diagnostics: &[SourceDiagnostic]) -> Vec<TypstProblem> {
    diagnostics
        .iter()
        .map(|d| {
            let mut message = d.message.to_string();
            for hint in &d.hints {
                message.push_str(&format!(" (hint: {})", hint.v));
            }
            let place = d.span.id().and_then(|id| {
                let source = typst::World::source(world, id).ok()?;
                let range = world.range(d.span)?;
                let (line, column) = source.lines().byte_to_line_column(range.start)?;
                Some((id.vpath().get_with_slash().to_owned(), line + 1, column + 1))
            });
            TypstProblem {
                is_error: d.severity == Severity::Error,
                file: place.as_ref().map(|p| p.0.clone()),
                line: place.as_ref().map_or(0, |p| p.1),
                column: place.as_ref().map_or(0, |p| p.2),
                message,
            }
        })
        .collect()
}

/// Compiles one document in a world and exports it as PDF; `passes` says whether the
/// cache must serve later compiles (a watch, the tags of a release) or only this one.
pub fn compile(
    doc: DocKind,
    world: &SigWorld,
    ident: &str,
    options: &RenderOptions,
    passes: Passes<'_>,
) -> Result<Rendered, RenderError> {
    let result = passes::compile_paged(world, passes);
    let warnings = problems(world, &result.warnings);
    let outcome = match result.output {
        Ok(document) => match standard::typst_standards(&options.standards) {
            Ok(standards) => {
                let pdf_options = PdfOptions {
                    ident: Smart::Custom(ident.to_owned()),
                    creator: Smart::Custom(Some("sigdoc".into())),
                    timestamp: datetime(options.timestamp).map(Timestamp::new_utc),
                    standards,
                    ..PdfOptions::default()
                };
                typst_pdf::pdf(&document, &pdf_options)
                    .map(|pdf| Rendered { pdf, pages: document.pages().len(), warnings: warnings.clone() })
                    .map_err(|errors| RenderError { document: doc, problems: problems(world, &errors) })
            }
            Err(message) => Err(RenderError { document: doc, problems: vec![TypstProblem::general(message)] }),
        },
        Err(errors) => Err(RenderError { document: doc, problems: problems(world, &errors) }),
    };
    // The cache is process-wide; keep it from growing across compiles, failed ones too.
    // A release keeps ten compiles' entries, as the next tag may lay out what this one
    // skipped; a watch evicts after writing its PDFs (see `evict_watch_cache`).
    match passes {
        Passes::Continue(_) => {}
        Passes::KeepCache | Passes::EvictUnused => comemo::evict(10),
    }
    outcome
}

/// Drops from Typst's cache what the last two watch compiles left untouched. Each watch
/// compile starts where the previous one settled, so it touches everything the next one
/// can reuse; older entries only hold old layouts. Evicting walks the whole cache (a
/// tenth to a third of a second at 600 pages), so a watch calls this after writing its
/// PDFs, not before.
pub fn evict_watch_cache() {
    comemo::evict(2);
}

/// The data a document's template renders in a build with these options: what
/// [`render`] compiles, for callers that keep their own world (`sigdoc watch`).
///
/// `cache` keeps threat sections between calls, so that rebuilds after a small edit are
/// cheap; a one-off build passes `None` and keeps nothing.
pub fn render_data(
    doc: DocKind,
    d: &Deliverables,
    history: &History,
    options: &RenderOptions,
    cache: Option<&ThreatCache>,
) -> Value {
    let revision = Revision::from_history(history, &date_string(options.timestamp));
    data::document_data(doc, d, history, &revision, cache, options)
}

/// The typed view of document `doc` in a build with these options: what its HTML page
/// shows ([`html::page`]), as its PDF shows [`render_data`].
pub fn page_view(
    doc: DocKind,
    d: &Deliverables,
    history: &History,
    options: &RenderOptions,
    cache: Option<&ThreatCache>,
) -> view::PageView {
    let revision = Revision::from_history(history, &date_string(options.timestamp));
    view::PageView::new(doc, d, history, &revision, cache, &options.attachments)
}

/// A world for one document dated `timestamp`, to keep alive across compiles: swap
/// its files with [`SigWorld::set_files`] and Typst re-parses only what changed.
pub fn document_world(doc: DocKind, files: MemoryFiles, timestamp: i64) -> SigWorld {
    SigWorld::new(files, &format!("/{}.typ", doc.name()), datetime(timestamp))
}

/// Renders one document: builds its data and world, compiles, exports.
pub fn render(
    doc: DocKind,
    d: &Deliverables,
    history: &History,
    snapshot: Option<&Snapshot>,
    options: &RenderOptions,
    passes: Passes<'_>,
) -> Result<Rendered, RenderError> {
    let data = render_data(doc, d, history, options, None);
    let files = world_files(doc, &data, snapshot);
    let world = SigWorld::new(files, &format!("/{}.typ", doc.name()), datetime(options.timestamp));
    compile(doc, &world, &format!("{}-{}", d.sig.shortname, doc.name()), options, passes)
}
