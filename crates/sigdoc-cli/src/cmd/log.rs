//! `sigdoc log ID`: every revision in which one threat changed, newest first, with its
//! field-level changes, printed as text or JSON.

use sigdoc::Settings;
use sigdoc::log::Entry;

use crate::Cli;
use crate::CliError;
use crate::args::{Color, Format, LogArgs};
use crate::cmd::diff::{Style, field_lines, flat};
use crate::console::Console;

/// Walks the documents' history and prints the threat's changes.
pub fn run(cli: &Cli, settings: &Settings, args: &LogArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let log = sigdoc::log::threat_log(settings, args.rev.as_deref(), &args.id)?;
    match args.format {
        Format::Json => console.out_line(serde_json::to_string_pretty(&log).unwrap_or_default()),
        Format::Human => {
            let color = match cli.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => console.color_out,
            };
            print_human(&args.id, &log.entries, color, console);
        }
    }
    Ok(())
}

fn print_human(id: &str, entries: &[Entry], color: bool, console: &mut Console<'_>) {
    let st = Style::new(color);
    if entries.is_empty() {
        console.out_line(format!("{}: no changes in the history", flat(id)));
    }
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            console.out_line("");
        }
        let short = |c: &str| c.get(..7).unwrap_or(c).to_owned();
        let at = match (&e.commit, &e.tag) {
            (None, _) => "uncommitted edits".to_owned(),
            (Some(c), Some(tag)) => format!("{} [{}]", short(c), flat(tag)),
            (Some(c), None) => format!("{} ({})", short(c), flat(e.version.as_deref().unwrap_or(""))),
        };
        let date = e.date.as_deref().unwrap_or("");
        let change = e.change.word();
        console.out_line(st.heading(&format!("{at} {date} — {change} {}: {}", flat(id), flat(&e.name))));
        for f in &e.fields {
            let lines = field_lines(f, &st);
            let label = flat(&f.label);
            if let [one] = lines.as_slice() {
                console.out_line(format!("    {label}: {one}"));
            } else {
                console.out_line(format!("    {label}:"));
                for l in lines {
                    console.out_line(format!("        {l}"));
                }
            }
        }
    }
}
