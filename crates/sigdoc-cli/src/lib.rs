//! The `sigdoc` command line: parsing, running a subcommand, reporting, exit status.

mod args;
mod cmd;
mod console;
mod report;
pub mod terminal;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;
pub use cmd::watch;
pub use console::Console;
/// Why a command failed: the driver's reasons, each with its exit status.
pub use sigdoc::Error as CliError;

use args::{Color, Command};
use sigdoc::{Environment, Settings, Workspace};

/// What the process's surroundings say, read once in [`main`] and passed down: the
/// environment's say in the output, and which streams are terminals that take colour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Host {
    /// `SOURCE_DATE_EPOCH` and the like.
    pub env: Environment,
    /// Whether `--color auto` colours standard error (a terminal, and no `NO_COLOR`).
    pub color_err: bool,
    /// Whether `--color auto` colours standard output.
    pub color_out: bool,
}

impl Host {
    /// Reads the process's environment and streams: the one place sigdoc does.
    pub fn of_process() -> Host {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
        Host {
            env: Environment::new(epoch.as_deref()),
            color_err: !no_color && std::io::stderr().is_terminal(),
            color_out: !no_color && std::io::stdout().is_terminal(),
        }
    }
}

/// Runs sigdoc with real standard streams and the current directory.
pub fn main() -> ExitCode {
    // An interrupted build leaves no temporary file behind (a killed one leaves them for
    // the next run into the same folder to remove).
    let _ = ctrlc::set_handler(|| sigdoc::output::remove_temporaries_and_exit(130));
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let host = Host::of_process();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = run(std::env::args_os(), &cwd, &mut stdout.lock(), &mut stderr.lock(), &host);
    ExitCode::from(code)
}

/// Runs sigdoc with the given arguments and streams; returns the exit status.
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    cwd: &Path,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
    host: &Host,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = if host.color_err { e.render().ansi().to_string() } else { e.render().to_string() };
            let is_error = e.use_stderr();
            let _ = if is_error { write!(err, "{text}") } else { write!(out, "{text}") };
            return if is_error { 2 } else { 0 };
        }
    };
    let (color, color_out) = match cli.color {
        Color::Always => (true, true),
        Color::Never => (false, false),
        Color::Auto => (host.color_err, host.color_out),
    };
    let mut console = Console { out, err, color, color_out, quiet: cli.quiet, verbose: cli.verbose };
    let settings = Settings { repo: cli.repo.clone(), root: cli.root.clone(), cwd: cwd.to_owned(), env: host.env };
    match dispatch(&cli, &settings, &mut console) {
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

fn dispatch(cli: &Cli, settings: &Settings, console: &mut Console<'_>) -> Result<(), CliError> {
    let open = |rev: Option<&str>| Workspace::open(settings, rev);
    match &cli.command {
        Command::Build(args) => cmd::build::run(&open(args.rev.rev.as_deref())?, settings, args, console),
        Command::Check(args) => cmd::check::run(&open(args.rev.rev.as_deref())?, args, console),
        Command::History(args) => cmd::history::run(&open(args.rev.rev.as_deref())?, args, console),
        Command::Release(args) => cmd::release::run(&Workspace::open_current(settings)?, settings, args, console),
        Command::Schema(args) => cmd::schema::run(&open(args.rev.rev.as_deref())?, args, console),
        Command::New(args) => cmd::new::run(&open(None)?, args, console),
        Command::Init(args) => cmd::init::run(args, &settings.root, &settings.cwd, console),
        Command::Diff(args) => cmd::diff::run(cli, settings, args, console),
        Command::Log(args) => cmd::log::run(cli, settings, args, console),
        Command::Completions(args) => cmd::completions::completions(args, console),
        Command::Manpage => cmd::completions::manpage(console),
        Command::Watch(args) => watch::run_args(args, settings, console),
    }
}
