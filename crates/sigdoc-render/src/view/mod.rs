//! Typed views: the only data a house template reads, each presentation fact computed once.

// The PDF's Typst templates read a `PageView` serialized as JSON (`/data/<doc>.json`), and
// the HTML twin is to read the same views: whatever a reader shows as text (initials,
// dates, version labels, priority labels, attack-tree costs) is worked out here, so that
// neither a template nor a second piece of Rust works it out again.

mod alt;
mod analysis;
mod approach;
mod attachment;
mod author;
mod document;
mod field;
mod page;
mod process;
pub mod prose;
mod rating;
mod reference;
mod template;
mod threat;
mod tree;

pub use alt::{attack_tree_alt, risk_matrix_alt};
pub use analysis::AnalysisView;
pub use approach::{ApproachPartView, ApproachView};
pub use attachment::AttachmentView;
pub use author::AuthorView;
pub use document::{DocumentView, HistoryEntryView, LegalView, Revision};
pub use field::{FieldValueView, FieldView, PriorityView};
pub use page::{ContentView, PageView};
pub use process::ProcessView;
pub use rating::{LevelView, PriorityLevelView, RatingView, ScaleLevelView};
pub use reference::ReferenceView;
pub use template::{TemplateFieldView, TemplateView};
pub use threat::ThreatView;
pub use tree::{AttackTreeView, cheapest_attack_line, cost_column, format_cost};

#[cfg(test)]
pub(crate) mod example;
