//! Located problems found while loading or checking the documents.

use serde::Serialize;

/// How bad a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The documents cannot be built as they are.
    Error,
    /// Worth fixing, but the documents still build.
    Warning,
}

/// One problem, located in a file of the documents folder.
///
/// `file` is the path as the user sees it (`documents/threats/x.yaml`); `line` and
/// `column` are 1-based, and 0 when the problem concerns the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Path of the file, including the documents folder.
    pub file: String,
    /// 1-based line, 0 for the whole file.
    pub line: usize,
    /// 1-based column (in characters), 0 for the whole line or file.
    pub column: usize,
    /// What is wrong, in one sentence without a trailing period.
    pub message: String,
}

impl Diagnostic {
    /// An error at a place.
    pub fn error(file: impl Into<String>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, file: file.into(), line, column, message: message.into() }
    }

    /// A warning at a place.
    pub fn warning(file: impl Into<String>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, file: file.into(), line, column, message: message.into() }
    }

    /// Whether this problem stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {severity}: {}", self.file, self.line, self.column, self.message)
    }
}

/// Sorts diagnostics by file, line and column, as they are printed.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message).cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
}
