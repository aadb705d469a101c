//! Where output goes, and whether it is coloured.

use std::io::Write;

/// The output streams of one run; tests pass buffers.
pub struct Console<'a> {
    /// Results (paths written, JSON, histories).
    pub out: &'a mut dyn Write,
    /// Diagnostics and progress.
    pub err: &'a mut dyn Write,
    /// Whether to colour the error stream.
    pub color: bool,
    /// Print only errors.
    pub quiet: bool,
    /// Print timings and Typst warnings.
    pub verbose: bool,
}

impl Console<'_> {
    /// Prints a line of results; a closed pipe is not an error worth reporting.
    pub fn out_line(&mut self, line: impl std::fmt::Display) {
        let _ = writeln!(self.out, "{line}");
    }

    /// Prints a line of information unless quiet.
    pub fn info(&mut self, line: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(self.err, "{line}");
        }
    }
}
