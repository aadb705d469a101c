//! Command-line arguments, as clap parses them.

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use sigdoc::PdfStandard;
use sigdoc::model::DocKind;
use sigdoc::release::Shard;

/// Keep a security working group's deliverables in git and publish them as XEP-style PDFs.
#[derive(Debug, Parser)]
#[command(name = "sigdoc", version = version(), about, propagate_version = true)]
pub struct Cli {
    /// The git repository (default: the one containing the current directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// The documents folder inside the repository.
    #[arg(long, global = true, value_name = "DIR", default_value = "documents")]
    pub root: String,
    /// When to colour output; NO_COLOR is honoured.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more: timings, Typst warnings.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// When to use colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// sigdoc's version and the Typst version it embeds: `0.1.0 (typst 0.15.1)`.
fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| format!("{} (typst {})", env!("CARGO_PKG_VERSION"), sigdoc::typst_version()))
}

/// A document named on the command line: one of [`DocKind::ALL`], by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocArg(pub DocKind);

/// Every document as a command-line value, in build order.
const DOC_ARGS: [DocArg; DocKind::ALL.len()] = {
    let all = DocKind::ALL;
    let mut out = [DocArg(all[0]); DocKind::ALL.len()];
    let mut i = 0;
    while i < all.len() {
        out[i] = DocArg(all[i]);
        i += 1;
    }
    out
};

impl ValueEnum for DocArg {
    fn value_variants<'a>() -> &'a [Self] {
        &DOC_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()))
    }
}

/// The documents asked for, each once in build order; all three when none is named.
pub fn documents(asked: &[DocArg]) -> Vec<DocKind> {
    if asked.is_empty() {
        return DocKind::ALL.to_vec();
    }
    let mut docs: Vec<DocKind> = asked.iter().map(|d| d.0).collect();
    docs.sort();
    docs.dedup();
    docs
}

/// A PDF standard named on the command line (`a-3b`, `ua-1`), by its Typst name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfStandardArg(pub PdfStandard);

/// Every standard as a command-line value.
const PDF_STANDARD_ARGS: [PdfStandardArg; PdfStandard::ALL.len()] =
    [PdfStandardArg(PdfStandard::ALL[0]), PdfStandardArg(PdfStandard::ALL[1])];

impl ValueEnum for PdfStandardArg {
    fn value_variants<'a>() -> &'a [Self] {
        &PDF_STANDARD_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self.0 {
            PdfStandard::A3b => "PDF/A-3b: archival",
            PdfStandard::Ua1 => "PDF/UA-1: accessible",
        };
        Some(PossibleValue::new(self.0.name()).help(help))
    }
}

/// The standards asked for, each once.
pub fn standards(asked: &[PdfStandardArg]) -> Vec<PdfStandard> {
    let mut standards: Vec<PdfStandard> = asked.iter().map(|s| s.0).collect();
    standards.sort();
    standards.dedup();
    standards
}

/// Output formats of the reporting commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Human,
    /// For programs.
    Json,
}

/// Output formats of `sigdoc check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// For people.
    Human,
    /// For programs.
    Json,
    /// SARIF 2.1.0, for code-scanning views.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the files.
    Github,
}

/// What `sigdoc build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BuildFormat {
    /// process.pdf, template.pdf and analysis.pdf.
    Pdf,
    /// The same documents as web pages in DIR/html/.
    Html,
}

/// The subcommands, each with examples under its help.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the documents, then write process.pdf, template.pdf and analysis.pdf (or the web pages).
    #[command(
        after_help = "Examples:\n  sigdoc build                       the working tree into out/\n  sigdoc build --rev v0.2 -o rel     git objects only, never the working tree\n  sigdoc build --only analysis       one document\n  sigdoc build --emit-typst typ/     also the exact Typst input compiled\n  sigdoc build --pdf-standard a-3b,ua-1   as release PDFs are\n  sigdoc build --format pdf,html     also the web pages, into out/html/"
    )]
    Build(BuildArgs),
    /// Check the documents and print every problem.
    #[command(
        after_help = "Examples:\n  sigdoc check                       every problem, located; exit 1 on errors\n  sigdoc check --rev main            a revision, from git objects\n  sigdoc check --format sarif > sigdoc.sarif\n  sigdoc check --format github       annotations in a GitHub Actions log"
    )]
    Check(CheckArgs),
    /// Print the revision history that the PDFs carry.
    #[command(after_help = "Examples:\n  sigdoc history analysis\n  sigdoc history --rev v0.2 --format json")]
    History(HistoryArgs),
    /// Build release PDFs from tags into DIR/TAG/, with SHA256SUMS.
    #[command(
        after_help = "Examples:\n  sigdoc release v0.1 v0.2 -o rel\n  sigdoc release --all -j 4\n  sigdoc release --all --shard 2/4   the 2nd of 4 slices, for a CI matrix"
    )]
    Release(ReleaseArgs),
    /// Print a JSON Schema for threat files, derived from the template and the process.
    #[command(after_help = "Examples:\n  sigdoc schema > threat.schema.json")]
    Schema(SchemaArgs),
    /// Write a new file from the template: `sigdoc new threat ID`.
    #[command(
        after_help = "Examples:\n  sigdoc new threat omemo-key-theft\n  sigdoc new threat omemo-key-theft --proposed   name and abstract first, the rest later"
    )]
    New(NewArgs),
    /// Create a documents folder with a small working example in DIR (default: here).
    #[command(after_help = "Examples:\n  sigdoc init\n  sigdoc init my-group && cd my-group && git init")]
    Init(InitArgs),
    /// Compare two revisions threat by threat, field by field.
    #[command(
        after_help = "Examples:\n  sigdoc diff v0.1 v0.2\n  sigdoc diff v0.2                   against the working tree\n  sigdoc diff v0.1 v0.2 --format pdf -o changes.pdf\n  sigdoc diff origin/main --format markdown -o changes.md   for a pull-request comment\n  sigdoc diff v0.1 --threat carbon-forging --format json"
    )]
    Diff(DiffArgs),
    /// Every revision in which one threat changed, newest first, with its field changes.
    #[command(after_help = "Examples:\n  sigdoc log carbon-forging\n  sigdoc log carbon-forging --format json")]
    Log(LogArgs),
    /// Rebuild the PDFs of the working tree on every save, incrementally; --serve previews the web pages.
    #[command(
        after_help = "Examples:\n  sigdoc watch -o out\n  sigdoc watch --serve --port 8000   and preview the web pages at http://127.0.0.1:8000/"
    )]
    Watch(WatchArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  sigdoc completions bash > ~/.local/share/bash-completion/completions/sigdoc\n  sigdoc completions zsh > ~/.zfunc/_sigdoc\n  sigdoc completions fish > ~/.config/fish/completions/sigdoc.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    #[command(
        after_help = "Examples:\n  sigdoc manpage | man -l -\n  sigdoc manpage > ~/.local/share/man/man1/sigdoc.1"
    )]
    Manpage,
}

/// `sigdoc completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `sigdoc watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Where to write the PDFs.
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub output: PathBuf,
    /// Milliseconds of quiet after a save before rebuilding (one rebuild per burst).
    #[arg(long, value_name = "MS", default_value_t = 50)]
    pub debounce: u64,
    /// Also write the web pages (DIR/html/) and serve them on 127.0.0.1 with live reload.
    #[arg(long)]
    pub serve: bool,
    /// The port to serve on (0: any free port).
    #[arg(long, value_name = "PORT", default_value_t = 8000, requires = "serve")]
    pub port: u16,
    /// Write no PDFs, only the web pages (with --serve).
    #[arg(long, requires = "serve")]
    pub no_pdf: bool,
}

/// `sigdoc schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[command(flatten)]
    pub rev: RevArg,
}

/// `sigdoc new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create.
    #[command(subcommand)]
    pub what: NewCommand,
}

/// What `sigdoc new` creates.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Write threats/ID.yaml with every template field, its guidance as comments.
    Threat {
        /// The threat's id: a lower-case slug (a-z, 0-9, -), also the file name.
        id: String,
        /// Write a proposed threat: status `proposed`, only its name and abstract needed
        /// now; `sigdoc check` warns about the other fields until they are written.
        #[arg(long)]
        proposed: bool,
    },
}

/// `sigdoc init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project folder; the documents go into DIR/<root> (default: the current folder).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `sigdoc release`.
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// Release tags to build (matching `tags` in sig.yaml).
    #[arg(value_name = "TAG", required_unless_present = "all", conflicts_with = "all")]
    pub tags: Vec<String>,
    /// Build every release tag.
    #[arg(long)]
    pub all: bool,
    /// Build only the I-th of N disjoint slices of the tags (by tag name), for a CI
    /// matrix of N machines; the N slices together are every tag.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Where to write the releases.
    #[arg(short, long, value_name = "DIR", default_value = "release")]
    pub output: PathBuf,
    /// How many releases to build at once.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 2)]
    pub jobs: usize,
    /// Replace the files sigdoc writes in release folders that already hold files (other
    /// files there are kept).
    #[arg(long)]
    pub force: bool,
}

/// Which revision to read.
#[derive(Debug, Args)]
pub struct RevArg {
    /// A commit, branch or tag; read from git objects only (default: the working tree).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

/// `sigdoc build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub rev: RevArg,
    /// Where to write the PDFs.
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub output: PathBuf,
    /// Build only these documents.
    #[arg(long, value_name = "DOC,...", value_delimiter = ',', value_enum)]
    pub only: Vec<DocArg>,
    /// Also write the exact Typst input compiled (main files, templates, data) here.
    #[arg(long, value_name = "DIR")]
    pub emit_typst: Option<PathBuf>,
    /// Make the PDFs conform to these standards, as release PDFs do (repeat the option
    /// or list them with commas).
    #[arg(long = "pdf-standard", value_name = "STANDARD,...", value_delimiter = ',', value_enum)]
    pub pdf_standards: Vec<PdfStandardArg>,
    /// What to write: the PDFs, the web pages (DIR/html/), or both (`pdf,html`).
    #[arg(long, value_name = "FORMAT,...", value_delimiter = ',', value_enum, default_value = "pdf")]
    pub format: Vec<BuildFormat>,
}

/// `sigdoc check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub rev: RevArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
}

/// `sigdoc history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The document; all three when omitted.
    #[arg(value_enum)]
    pub document: Option<DocArg>,
    #[command(flatten)]
    pub rev: RevArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output formats of `sigdoc diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Coloured text, like `git diff --word-diff`.
    Human,
    /// For programs.
    Json,
    /// An XEP-style "Changes from FROM to TO" report (needs `-o FILE`).
    Pdf,
    /// GitHub-flavoured Markdown for a pull-request comment.
    Markdown,
}

/// `sigdoc diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old revision (commit, branch or tag).
    #[arg(value_name = "FROM")]
    pub from: String,
    /// The new revision (default: the working tree, uncommitted edits included).
    #[arg(value_name = "TO")]
    pub to: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Write the output to FILE instead of standard output (required for pdf).
    #[arg(short, long, value_name = "FILE", required_if_eq("format", "pdf"))]
    pub output: Option<PathBuf>,
    /// Compare only this threat.
    #[arg(long, value_name = "ID")]
    pub threat: Option<String>,
}

/// `sigdoc log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// The threat's id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Read history up to this revision (default: HEAD, plus uncommitted edits).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[cfg(test)]
mod tests {
    use clap::error::ErrorKind;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("sigdoc").chain(args.iter().copied()))
    }

    #[test]
    fn documents_are_named_by_the_model_and_kept_in_build_order() {
        let Ok(Cli { command: Command::Build(build), .. }) = parse(&["build", "--only", "analysis,process,analysis"])
        else {
            panic!("build --only did not parse");
        };
        assert_eq!(documents(&build.only), [DocKind::Process, DocKind::Analysis]);
        assert_eq!(documents(&[]), DocKind::ALL);
        let names: Vec<String> = DocArg::value_variants()
            .iter()
            .filter_map(|d| d.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect();
        assert_eq!(names, DocKind::ALL.map(DocKind::name));
        let unknown = parse(&["build", "--only", "analysys"]).map(|_| ()).map_err(|e| e.kind());
        assert_eq!(unknown, Err(ErrorKind::InvalidValue));
        let Ok(Cli { command: Command::History(history), .. }) = parse(&["history", "template"]) else {
            panic!("history DOC did not parse");
        };
        assert_eq!(history.document, Some(DocArg(DocKind::Template)));
    }

    #[test]
    fn a_pdf_diff_needs_a_file() {
        let missing = parse(&["diff", "v0.1", "--format", "pdf"]).map(|_| ()).map_err(|e| e.kind());
        assert_eq!(missing, Err(ErrorKind::MissingRequiredArgument));
        assert!(parse(&["diff", "v0.1", "--format", "pdf", "-o", "c.pdf"]).is_ok());
        assert!(parse(&["diff", "v0.1", "--format", "json"]).is_ok());
    }
}
