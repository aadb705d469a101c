//! `sigdoc completions SHELL` and `sigdoc manpage`: generated from the same clap
//! definitions that parse the command line, so they never fall behind it.

use clap::CommandFactory;

use crate::CliError;
use crate::args::{Cli, CompletionsArgs};
use crate::console::Console;

/// Prints the completion script of a shell.
pub fn completions(args: &CompletionsArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "sigdoc", &mut script);
    // A closed pipe (`| head`) is not an error worth reporting, as elsewhere.
    let _ = console.out.write_all(&script);
    Ok(())
}

/// Prints the manual page, with a section for every subcommand.
pub fn manpage(console: &mut Console<'_>) -> Result<(), CliError> {
    let command = Cli::command();
    let io = |source| CliError::Io { what: "cannot write the manual page".into(), source };
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page).map_err(io)?;
    // Each subcommand's synopsis, options and examples, as subsections of its own section.
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        let man = clap_mangen::Man::new(sub.clone().bin_name(format!("sigdoc {name}")));
        let mut parts = Vec::new();
        man.render_synopsis_section(&mut parts).map_err(io)?;
        man.render_options_section(&mut parts).map_err(io)?;
        if sub.get_after_help().is_some() {
            man.render_extra_section(&mut parts).map_err(io)?;
        }
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        let parts = String::from_utf8_lossy(&parts).replace(".SH EXTRA", ".SS EXAMPLES").replace(".SH ", ".SS ");
        let section = format!(".SH \"SIGDOC {}\"\n{}\n{parts}", name.to_uppercase(), roff_text(&about));
        page.extend_from_slice(section.as_bytes());
    }
    let _ = console.out.write_all(&page);
    Ok(())
}

/// Text as a roff line: a leading `.` or `'` would be read as a request, `\\` as an escape.
fn roff_text(text: &str) -> String {
    let text = text.replace('\\', "\\e");
    if text.starts_with(['.', '\'']) { format!("\\&{text}") } else { text }
}
