//! The documents of a security working group as typed data: loading, checking, evaluating.

mod diagnostic;
mod history;
mod snapshot;

pub use diagnostic::{Diagnostic, Severity, sort as sort_diagnostics};
pub use history::{DocKind, History, HistoryEntry};
pub use snapshot::{MAX_FILE_SIZE, Snapshot, Source};
