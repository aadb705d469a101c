//! `sigdoc watch`: prints what the driver's watch reports, until interrupted.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sigdoc::serve::Live;
use sigdoc::watch::Observer;
pub use sigdoc::watch::WatchOptions;
use sigdoc::{Error, Workspace};

use crate::CliError;
use crate::args::WatchArgs;
use crate::console::Console;
use crate::report;
use crate::terminal::terminal_safe_lines;

/// The watch's reports as lines on standard error.
struct Printer<'c, 'a> {
    console: &'c mut Console<'a>,
    /// What the watch writes, as its messages name it: `the PDFs`, `the web pages`.
    outputs: &'static str,
}

impl Observer for Printer<'_, '_> {
    fn started(&mut self, documents: &Path) {
        self.console.info(format!("watching {} (Ctrl-C to stop)", documents.display()));
    }

    fn problems(&mut self, ws: &Workspace) {
        report::print_human(self.console, &ws.snapshot, &ws.loaded().diagnostics);
    }

    fn failed(&mut self, error: &Error) {
        let message = match error {
            Error::InvalidDocuments => format!("the documents have errors; {} were left as they were", self.outputs),
            other => other.to_string(),
        };
        let _ = writeln!(self.console.err, "sigdoc: {}", terminal_safe_lines(&message));
    }

    fn recovered(&mut self) {
        self.console.info(format!("the documents are fine again; {} are up to date", self.outputs));
    }

    fn rebuilt(&mut self, path: &Path, elapsed: Duration, pages: usize) {
        self.console.info(format!("rebuilt {} in {} ms ({pages} pages)", path.display(), elapsed.as_millis()));
    }

    fn page_written(&mut self, path: &Path, elapsed: Duration) {
        self.console.info(format!("updated {} in {} ms", path.display(), elapsed.as_millis()));
    }

    fn rebuilt_all(&mut self, elapsed: Duration) {
        self.console.info(format!("rebuilt in {} ms", elapsed.as_millis()));
    }

    fn waiting(&mut self, folder: &Path) {
        self.console.waiting()(folder);
    }

    fn watcher_failed(&mut self, message: &str) {
        let _ = writeln!(self.console.err, "sigdoc: watching failed: {}", terminal_safe_lines(message));
    }
}

/// Builds once, then rebuilds after every burst of saves until `stop` returns true.
pub fn watch_until(options: &WatchOptions, console: &mut Console<'_>, stop: &dyn Fn() -> bool) -> Result<(), CliError> {
    let outputs = outputs_named(options.pdf, options.live.is_some());
    sigdoc::watch::watch_until(options, &mut Printer { console, outputs }, stop)
}

/// What a watch writing PDFs (`pdf`) and serving pages (`serve`) calls its outputs.
fn outputs_named(pdf: bool, serve: bool) -> &'static str {
    match (pdf, serve) {
        (true, true) => "the PDFs and web pages",
        (false, true) => "the web pages",
        _ => "the PDFs",
    }
}

/// `sigdoc watch` as the command line asks: with `--serve`, the web pages are written
/// too and served on 127.0.0.1 while the watch runs.
pub fn run_args(args: &WatchArgs, settings: &sigdoc::Settings, console: &mut Console<'_>) -> Result<(), CliError> {
    let live = args.serve.then(|| Arc::new(Live::default()));
    let options = WatchOptions {
        settings: settings.clone(),
        output: args.output.clone(),
        debounce: Duration::from_millis(args.debounce),
        pdf: !args.no_pdf,
        live: live.clone(),
    };
    if let Some(live) = live {
        let folder = settings.cwd.join(&args.output).join(sigdoc::site::SITE_FOLDER);
        let serving = sigdoc::serve::serve(folder, args.port, live)?;
        console.info(format!("serving the web pages at http://{}/analysis.html", serving.addr));
    }
    run(&options, console)
}

/// `sigdoc watch`: runs until interrupted. A PDF is only ever replaced by a rename, so
/// stopping at any moment leaves no partial PDF.
pub fn run(options: &WatchOptions, console: &mut Console<'_>) -> Result<(), CliError> {
    watch_until(options, console, &|| false)
}

#[cfg(test)]
mod tests {
    use super::outputs_named;

    #[test]
    fn messages_name_what_the_watch_writes() {
        assert_eq!(outputs_named(true, false), "the PDFs");
        assert_eq!(outputs_named(true, true), "the PDFs and web pages");
        assert_eq!(outputs_named(false, true), "the web pages");
    }
}
