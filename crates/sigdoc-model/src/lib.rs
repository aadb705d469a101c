//! The documents of a security working group as typed data: loading, checking, evaluating.

pub mod attack_tree;
pub mod cites;
mod diagnostic;
mod doc_kind;
#[cfg(test)]
mod example;
mod front;
mod history;
pub mod layout;
pub mod links;
mod load;
mod mentions;
pub mod names;
mod process;
pub mod prose;
mod reader;
mod references;
mod scale;
mod sig;
mod snapshot;
mod template;
pub mod text;
mod threat;
mod threat_files;
mod value;
pub mod yaml;

pub use attack_tree::{AttackNode, Evaluation, Gate, format_cost};
pub use diagnostic::{Diagnostic, Severity, sort as sort_diagnostics};
pub use doc_kind::DocKind;
pub use front::{DocMeta, MarkdownDoc, Prose, STATUSES};
pub use history::{EARLIEST_TIME, History, HistoryEntry, LATEST_TIME, Review, clamp_time};
pub use layout::{DocFile, MAX_FILE_SIZE};
pub use load::{Deliverables, Loaded};
pub use mentions::{Mention, find_mentions, normalise_id};
pub use process::{PriorityLevel, Process, Scale, ScaleLevel};
pub use references::{IdForm, Reference, ReferenceKind, References};
pub use scale::ScaleName;
pub use sig::{Author, Legal, Sig, author_initials, initials_of};
pub use snapshot::{Snapshot, Source};
pub use template::{Field, FieldKind, Template};
pub use threat::{BUILTIN_KEYS, STATUS_KEY, Threat, is_slug};
pub use threat_files::LoadCache;
pub use value::{Approach, ApproachPart, FieldValue, RefUse, ThreatStatus};
