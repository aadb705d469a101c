//! `check --format github`: one GitHub Actions workflow command per diagnostic, so that
//! problems show as annotations on the pull request's files.
//!
//! The runner reads every line of a step's output as a possible command: a message must
//! never end its line early or start a command of its own, so line breaks and control
//! characters are escaped, and `,` and `:` in property values as the runner expects.

use sigdoc::model::text::escape_controls;
use sigdoc::model::{Diagnostic, Severity};

/// Escapes the data part of a command (after `::`).
fn escape_data(text: &str) -> String {
    escape_controls(&text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")).into_owned()
}

/// Escapes a property value (`file=…`), where `,` and `:` separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The command for one diagnostic: `::error file=F,line=L,col=C,title=T::message`.
fn command(d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = Vec::new();
    if !d.file.is_empty() {
        properties.push(format!("file={}", escape_property(&d.file)));
        if d.line > 0 {
            properties.push(format!("line={}", d.line));
            if d.column > 0 {
                properties.push(format!("col={}", d.column));
            }
        }
    }
    properties.push("title=sigdoc".to_owned());
    format!("::{severity} {}::{}", properties.join(","), escape_data(&d.message))
}

/// Every diagnostic as a workflow command, one per line.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| command(d) + "\n").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_name_the_place() {
        let out = github(&[
            Diagnostic::error("documents/threats/x.yaml", 12, 3, r#"unknown likelihood level "hihg""#),
            Diagnostic::warning("documents/process.md", 4, 0, "unused"),
            Diagnostic::error("documents/sig.yaml", 0, 0, "not UTF-8"),
            Diagnostic::error("", 0, 0, "no documents folder"),
        ]);
        assert_eq!(
            out,
            "::error file=documents/threats/x.yaml,line=12,col=3,title=sigdoc::unknown likelihood level \"hihg\"\n\
             ::warning file=documents/process.md,line=4,title=sigdoc::unused\n\
             ::error file=documents/sig.yaml,title=sigdoc::not UTF-8\n\
             ::error title=sigdoc::no documents folder\n"
        );
    }

    #[test]
    fn repository_text_cannot_start_a_command_of_its_own() {
        let hostile = "key \"a\n::stop-commands::x\r\n::error::pwned\" 100%\u{1b}[31m";
        let out = github(&[Diagnostic::error("documents/a,b:c.yaml", 1, 1, hostile)]);
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.starts_with("::error file=documents/a%2Cb%3Ac.yaml,line=1,col=1,title=sigdoc::"), "{out}");
        assert!(out.contains("%0A::stop-commands::x%0D%0A::error::pwned\" 100%25"), "{out}");
        assert!(!out.contains('\u{1b}'), "{out}");
    }
}
