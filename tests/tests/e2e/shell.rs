//! What a packaged CLI ships beside itself: the version with the Typst it embeds, shell
//! completions and a manual page, all generated from the parser's own definitions.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::sigdoc;

/// Every subcommand a user can type.
const SUBCOMMANDS: [&str; 12] =
    ["build", "check", "history", "release", "schema", "new", "init", "diff", "log", "watch", "completions", "manpage"];

/// Runs a program with `input` on its standard input; `None` when it is not installed.
fn pipe(program: &str, args: &[&str], input: &str) -> Option<String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(input.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    assert!(output.status.success(), "{program}: {}", String::from_utf8_lossy(&output.stderr));
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn the_version_names_the_typst_it_embeds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, out, _) = sigdoc(&["--version"], dir.path());
    assert_eq!(code, 0);
    assert_eq!(out.trim(), format!("sigdoc {} (typst {})", env!("CARGO_PKG_VERSION"), sigdoc::typst_version()));
    assert!(sigdoc::typst_version().starts_with("0."), "{}", sigdoc::typst_version());
}

#[test]
fn bash_completes_the_subcommands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, script, err) = sigdoc(&["completions", "bash"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(pipe("bash", &["-n"], &script), Some(String::new()), "the script is valid bash");
    // Complete `sigdoc re<TAB>` and `sigdoc build --o<TAB>` as bash would.
    let complete = |words: &str, cword: usize| {
        let probe = format!(
            "{script}\nCOMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE=\"{words}\"; COMP_POINT=${{#COMP_LINE}}\n_sigdoc sigdoc \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
        );
        pipe("bash", &[], &probe).expect("bash runs")
    };
    let mut offered: Vec<String> = complete("sigdoc re", 1).lines().map(str::to_owned).collect();
    offered.sort();
    assert_eq!(offered, ["release"]);
    assert!(complete("sigdoc build --o", 2).lines().any(|l| l == "--only"), "options of build");
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    let dir = tempfile::tempdir().expect("temp dir");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, err) = sigdoc(&["completions", shell], dir.path());
        assert_eq!(code, 0, "{shell}: {err}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} does not complete {sub}");
        }
    }
    let (code, _, err) = sigdoc(&["completions", "tcsh"], dir.path());
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_manual_page_has_a_section_for_every_subcommand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, roff, err) = sigdoc(&["manpage"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(roff.contains(".TH sigdoc 1"), "{roff}");
    for sub in SUBCOMMANDS {
        let heading = format!(".SH \"SIGDOC {}\"", sub.to_uppercase());
        assert!(roff.contains(&heading), "no {heading}");
    }
    // Rendered as `man -l -` would show it, where man is installed.
    if let Some(text) = pipe("man", &["-l", "-"], &roff) {
        for sub in SUBCOMMANDS {
            assert!(text.contains(&format!("SIGDOC {}", sub.to_uppercase())), "man shows no section for {sub}");
        }
        // man justifies lines, spreading spaces on alternate sides: compare words.
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("sigdoc release --all --shard 2/4"), "examples are in the page");
        assert!(words.contains("sigdoc build --pdf-standard a-3b,ua-1"), "examples are in the page");
    }
}
