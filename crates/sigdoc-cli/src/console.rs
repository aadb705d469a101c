//! Where output goes, and whether it is coloured.

use std::io::Write;
use std::path::Path;

/// The output streams of one run; tests pass buffers.
pub struct Console<'a> {
    /// Results (paths written, JSON, histories).
    pub out: &'a mut dyn Write,
    /// Diagnostics and progress.
    pub err: &'a mut dyn Write,
    /// Whether to colour the error stream.
    pub color: bool,
    /// Whether to colour results on the standard output (`--color auto` colours only a
    /// terminal).
    pub color_out: bool,
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

    /// What to do while another sigdoc holds an output folder: say so.
    pub fn waiting(&mut self) -> impl FnMut(&Path) + '_ {
        |folder: &Path| self.info(format!("waiting for another sigdoc writing into {}", folder.display()))
    }
}
