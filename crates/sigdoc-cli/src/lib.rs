//! The `sigdoc` command line: parsing, running a subcommand, reporting, exit status.

mod args;
mod cmd;
mod console;
mod error;
pub mod output;
mod report;
pub mod terminal;
mod workspace;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;
pub use cmd::watch;
pub use console::Console;
pub use error::CliError;

use args::{Color, Command};
use workspace::Workspace;

/// Runs sigdoc with real standard streams and the current directory.
pub fn main() -> ExitCode {
    // An interrupted build leaves no temporary file behind (a killed one leaves them for
    // the next run into the same folder to remove).
    let _ = ctrlc::set_handler(|| output::remove_temporaries_and_exit(130));
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let color_default = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let code = run(std::env::args_os(), &cwd, &mut stdout.lock(), &mut stderr.lock(), color_default);
    ExitCode::from(code)
}

/// Runs sigdoc with the given arguments and streams; returns the exit status.
///
/// `color_auto` is what `--color auto` means here (a terminal without NO_COLOR).
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    cwd: &Path,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
    color_auto: bool,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = if color_auto { e.render().ansi().to_string() } else { e.render().to_string() };
            let is_error = e.use_stderr();
            let _ = if is_error { write!(err, "{text}") } else { write!(out, "{text}") };
            return if is_error { 2 } else { 0 };
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => color_auto,
    };
    let mut console = Console { out, err, color, quiet: cli.quiet, verbose: cli.verbose };
    match dispatch(&cli, cwd, &mut console) {
        Ok(()) => 0,
        Err(e) => {
            if !matches!(e, CliError::InvalidDocuments) || !console.quiet {
                // Messages quote revisions, tags and paths, some from the repository.
                let _ = writeln!(console.err, "sigdoc: {}", terminal::terminal_safe_lines(&e.to_string()));
            }
            e.exit_code()
        }
    }
}

fn dispatch(cli: &Cli, cwd: &Path, console: &mut Console<'_>) -> Result<(), CliError> {
    let open = |rev: Option<&str>| Workspace::open(cli.repo.as_deref(), cwd, &cli.root, rev);
    match &cli.command {
        Command::Build(args) => cmd::build::run(&open(args.rev.rev.as_deref())?, args, cwd, console),
        Command::Check(args) => cmd::check::run(&open(args.rev.rev.as_deref())?, args, console),
        Command::History(args) => cmd::history::run(&open(args.rev.rev.as_deref())?, args, console),
        Command::Release(args) => {
            cmd::release::run(&Workspace::open_current(cli.repo.as_deref(), cwd, &cli.root)?, args, cwd, console)
        }
        Command::Schema(args) => cmd::schema::run(&open(args.rev.rev.as_deref())?, args, console),
        Command::New(args) => cmd::new::run(&open(None)?, args, console),
        Command::Init(args) => cmd::init::run(args, &cli.root, cwd, console),
        Command::Diff(args) => cmd::diff::run(cli, args, cwd, console),
        Command::Log(args) => cmd::log::run(cli, args, cwd, console),
        Command::Watch(args) => {
            let options = watch::WatchOptions {
                repo: cli.repo.clone(),
                root: cli.root.clone(),
                output: args.output.clone(),
                debounce: std::time::Duration::from_millis(args.debounce),
            };
            watch::run(&options, cwd, console)
        }
    }
}
