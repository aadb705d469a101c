//! `sigdoc history`: the revision history that the PDFs carry.

use sigdoc::model::History;

use crate::CliError;
use crate::args::{Format, HistoryArgs};
use crate::console::Console;
use crate::terminal::{terminal_safe, terminal_safe_lines};
use sigdoc::workspace::Workspace;

/// Prints the history of one document, or of all three.
pub fn run(ws: &Workspace, args: &HistoryArgs, console: &mut Console<'_>) -> Result<(), CliError> {
    let docs = crate::args::documents(args.document.as_slice());
    let histories = ws.histories(&docs)?;
    match args.format {
        Format::Json => {
            let json = if args.document.is_some() {
                serde_json::to_value(&histories[0])
            } else {
                serde_json::to_value(&histories)
            };
            console.out_line(serde_json::to_string_pretty(&json.unwrap_or_default()).unwrap_or_default());
        }
        Format::Human => {
            for (i, h) in histories.iter().enumerate() {
                if i > 0 {
                    console.out_line("");
                }
                print_human(h, console);
            }
        }
    }
    Ok(())
}

fn print_human(history: &History, console: &mut Console<'_>) {
    // Tags, names and subjects come from the repository: printed escaped.
    let safe = |text: &str| terminal_safe(text).into_owned();
    console.out_line(format!("# {}", history.document.name()));
    if history.entries.is_empty() {
        console.out_line("  (no commits touch this document yet)");
    }
    for e in &history.entries {
        let at = match (&e.tag, &e.commit) {
            (Some(tag), _) => format!(" [{}]", safe(tag)),
            (None, Some(c)) => format!(" ({})", &c[..c.len().min(7)]),
            (None, None) => " (uncommitted)".into(),
        };
        let who = if e.initials.is_empty() { String::new() } else { format!(" — {}", safe(&e.initials.join(", "))) };
        console.out_line(format!("\n## {}{at} — {}{who}", safe(&e.version), e.date));
        for remark in &e.remarks {
            console.out_line(format!("  - {}", terminal_safe_lines(remark).replace('\n', "\n    ")));
        }
    }
    if history.truncated {
        console.out_line("\n(earlier history is not available: the repository is a shallow clone)");
    }
}
