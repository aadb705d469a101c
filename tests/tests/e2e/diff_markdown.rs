//! `sigdoc diff --format markdown`: the pull-request comment, read back with a GFM parser.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;

use crate::diff::{CARBON, NEW_LEAF, diff_json, scenario};
use crate::support::Fixture;

/// A block of a Markdown document as a reader sees it: inline text flattened, struck
/// runs as `[-…-]`, strong runs as `{+…+}`, code spans as their content.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Heading(u8, String),
    Paragraph(String),
    Item(String),
    Table(Vec<Vec<String>>),
    Code { info: String, text: String },
    Html(String),
}

/// A parsed report: its blocks, and what must never be in one (inline HTML, links, images).
pub(crate) struct Parsed {
    pub(crate) blocks: Vec<Block>,
    pub(crate) inline_html: Vec<String>,
    pub(crate) links: usize,
}

impl Parsed {
    pub(crate) fn table(&self) -> &[Vec<String>] {
        self.blocks
            .iter()
            .find_map(|b| if let Block::Table(rows) = b { Some(rows.as_slice()) } else { None })
            .expect("a table")
    }

    /// The blocks after the first heading that contains `text`, up to the next heading.
    pub(crate) fn section(&self, text: &str) -> &[Block] {
        let start = self
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Heading(_, h) if h.contains(text)))
            .unwrap_or_else(|| panic!("no heading with {text:?} in {:#?}", self.blocks));
        let rest = &self.blocks[start + 1..];
        let end = rest.iter().position(|b| matches!(b, Block::Heading(..))).unwrap_or(rest.len());
        &rest[..end]
    }

    pub(crate) fn headings(&self) -> Vec<(u8, &str)> {
        self.blocks
            .iter()
            .filter_map(|b| if let Block::Heading(l, h) = b { Some((*l, h.as_str())) } else { None })
            .collect()
    }
}

/// Parses Markdown as GitHub does: tables and strikethrough on.
pub(crate) fn parse(markdown: &str) -> Parsed {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut parsed = Parsed { blocks: Vec::new(), inline_html: Vec::new(), links: 0 };
    let (mut buf, mut rows, mut row) = (String::new(), Vec::new(), Vec::new());
    let mut info = String::new();
    let mut items = 0usize;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Item) => {
                items += 1;
                buf.clear();
            }
            Event::End(TagEnd::Item) => {
                items -= 1;
                parsed.blocks.push(Block::Item(buf.trim().to_owned()));
                buf.clear();
            }
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell) if items == 0 => buf.clear(),
            Event::End(TagEnd::Paragraph) if items > 0 => buf.push(' '),
            Event::End(TagEnd::Paragraph) => parsed.blocks.push(Block::Paragraph(std::mem::take(&mut buf))),
            Event::End(TagEnd::Heading(level)) => {
                parsed.blocks.push(Block::Heading(level as u8, std::mem::take(&mut buf)))
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                info = match kind {
                    CodeBlockKind::Fenced(i) => i.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                buf.clear();
            }
            Event::End(TagEnd::CodeBlock) => {
                parsed.blocks.push(Block::Code { info: std::mem::take(&mut info), text: std::mem::take(&mut buf) })
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => row = Vec::new(),
            Event::End(TagEnd::TableCell) => row.push(std::mem::take(&mut buf)),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => rows.push(std::mem::take(&mut row)),
            Event::End(TagEnd::Table) => parsed.blocks.push(Block::Table(std::mem::take(&mut rows))),
            Event::Start(Tag::Strikethrough) => buf.push_str("[-"),
            Event::End(TagEnd::Strikethrough) => buf.push_str("-]"),
            Event::Start(Tag::Strong) => buf.push_str("{+"),
            Event::End(TagEnd::Strong) => buf.push_str("+}"),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => parsed.links += 1,
            Event::Text(t) | Event::Code(t) => buf.push_str(&t),
            Event::SoftBreak | Event::HardBreak => buf.push(' '),
            Event::Html(h) => match parsed.blocks.last_mut() {
                Some(Block::Html(previous)) => previous.push_str(&h),
                _ => parsed.blocks.push(Block::Html(h.to_string())),
            },
            Event::InlineHtml(h) => parsed.inline_html.push(h.to_string()),
            _ => {}
        }
    }
    parsed
}

fn markdown(fixture: &Fixture, args: &[&str]) -> String {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "markdown"]);
    let (code, stdout, stderr) = fixture.sigdoc(&all);
    assert_eq!(code, 0, "sigdoc {all:?} failed:\n{stderr}");
    stdout
}

fn items(blocks: &[Block]) -> Vec<&str> {
    blocks.iter().filter_map(|b| if let Block::Item(i) = b { Some(i.as_str()) } else { None }).collect()
}

/// The report's table, headings and field changes, read back as GFM, and the JSON of the
/// same report for the values it must agree with.
#[test]
fn markdown_report_has_a_summary_a_priority_table_and_each_threat_s_field_changes() {
    let s = scenario();
    let json = diff_json(&s.fixture, &["v0.1", "v0.2"]);
    let text = markdown(&s.fixture, &["v0.1", "v0.2"]);
    let parsed = parse(&text);
    assert!(parsed.inline_html.is_empty() && parsed.links == 0, "{text}");
    let (v1, v2) = (&s.v1[..7], &s.v2[..7]);
    assert_eq!(
        parsed.headings(),
        [
            (3, format!("Changes from v0.1 ({v1}, 2025-01-01) to v0.2 ({v2}, 2025-01-02)").as_str()),
            (4, "carbon-forging: Forged message carbons"),
            (4, "jid-confusables: Visually confusable addresses and domain mimicking"),
        ]
    );
    assert_eq!(parsed.blocks[1], Block::Paragraph("1 threat added, 1 removed, 2 changed; 1 priority moved.".into()));

    let priority = |v: &Value| v.as_u64().map_or("—".to_owned(), |p| p.to_string());
    let (added, removed) = (&json["summary"]["added"][0], &json["summary"]["removed"][0]);
    let jid_priority = priority(&json["threats"]["changed"][1]["priority"]);
    assert_eq!(priority(&added["priority"]), "2", "forged-receipts is carbon-forging's copy before its raise");
    let row = |cells: [&str; 5]| cells.map(str::to_owned).to_vec();
    assert_eq!(
        parsed.table(),
        [
            row(["Threat", "Name", "Change", "Old priority", "New priority"]),
            row(["forged-receipts", "Forged delivery receipts", "added", "—", "{+2+}"]),
            row([
                "dialback-spoofing",
                removed["name"].as_str().expect("name"),
                "removed",
                &format!("[-{}-]", priority(&removed["priority"])),
                "—"
            ]),
            row(["carbon-forging", "Forged message carbons", "changed", "[-2-]", "{+1+}"]),
            row([
                "jid-confusables",
                "Visually confusable addresses and domain mimicking",
                "changed",
                &jid_priority,
                &jid_priority
            ]),
        ]
    );

    let carbon = items(parsed.section("carbon-forging"));
    assert_eq!(carbon.len(), 2, "{carbon:?}");
    assert_eq!(carbon[0], "Likelihood: [-low-] → {+high+}");
    assert!(carbon[1].starts_with("Priority: [-2 (") && carbon[1].contains("-] → {+1 ("), "{carbon:?}");

    let jid = parsed.section("jid-confusables");
    let code = jid.iter().find_map(|b| if let Block::Code { info, text } = b { Some((info, text)) } else { None });
    let leaf = format!(
        "+ Make a user trust a message from a look-alike address › Obtain a confusable address › {NEW_LEAF} (cost 0.5)\n"
    );
    assert_eq!(code, Some((&"diff".to_owned(), &leaf)), "{jid:#?}");
    assert_eq!(jid.first(), Some(&Block::Paragraph("Attack tree:".into())));
    let cheapest = jid.iter().find_map(|b| match b {
        Block::Paragraph(p) if p.starts_with("Cheapest attack:") => Some(p),
        _ => None,
    });
    let cheapest = cheapest.unwrap_or_else(|| panic!("no cheapest attack in {jid:#?}"));
    assert!(cheapest.starts_with("Cheapest attack: [-2 (") && cheapest.contains(&format!("-] → {{+1.5 ({NEW_LEAF}")));
    assert_eq!(items(jid), ["Existing approaches: {+RFC 7590+} (cited)"]);
}

#[test]
fn prose_changes_are_word_runs_and_unchanged_paragraphs_are_elided() {
    let s = scenario();
    s.fixture.replace(CARBON, "Any entity that can send a message", "Anyone who can *send* a message");
    let text = markdown(&s.fixture, &["v0.2"]);
    let parsed = parse(&text);
    let heading = format!(
        "Changes from v0.2 ({}, 2025-01-02) to the working tree (HEAD {} + edits, 2025-01-02)",
        &s.v2[..7],
        &s.v2[..7]
    );
    assert_eq!(parsed.headings()[0], (3, heading.as_str()));
    assert_eq!(
        parsed.section("carbon-forging"),
        [
            Block::Paragraph("Definition:".into()),
            Block::Paragraph(
                "Attacker. [-Any entity that-] {+Anyone who+} can [-send-] {+send+} a message to the victim: \
                 another user on any federated server."
                    .into()
            ),
            Block::Paragraph("…".into()),
        ]
    );
    // -o writes the same text to a file, and names it.
    let (code, stdout, stderr) = s.fixture.sigdoc(&["diff", "v0.2", "--format", "markdown", "-o", "changes.md"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), "changes.md");
    assert_eq!(s.fixture.read("changes.md"), text);
}

#[test]
fn a_long_change_is_folded_into_details() {
    let s = scenario();
    let long = "Another sentence that adds to the definition at length. ".repeat(14);
    s.fixture.replace(CARBON, "\ndefinition: |\n", &format!("\ndefinition: |\n  {long}\n\n"));
    let parsed = parse(&markdown(&s.fixture, &["v0.2"]));
    let section = parsed.section("carbon-forging");
    let words = long.split_whitespace().count();
    assert_eq!(
        section.first(),
        Some(&Block::Html(format!(
            "<details><summary>Definition: 0 words deleted, {words} words inserted</summary>\n"
        )))
    );
    assert_eq!(section.get(1), Some(&Block::Paragraph(format!("{{+{}+}}", long.trim()))));
    assert_eq!(section.get(2), Some(&Block::Paragraph("…".into())));
    assert_eq!(section.get(3), Some(&Block::Html("</details>\n".into())));
}

#[test]
fn an_empty_diff_is_one_line() {
    let s = scenario();
    let text = markdown(&s.fixture, &["v0.2", "v0.2"]);
    let short = &s.v2[..7];
    assert_eq!(text, format!("No changes from v0.2 ({short}, 2025-01-02) to v0.2 ({short}, 2025-01-02).\n"));
}

const HOSTILE: &str = "<img src=x onerror=alert(1)> | ** ~~ @council";

/// Names, prose and labels from the repository are text: no HTML, link, table cell or
/// mention comes out of them.
#[test]
fn hostile_names_and_prose_stay_text() {
    let mut fixture = Fixture::with_threats(&["carbon-forging"]);
    let v1 = fixture.commit("One threat");
    fixture.tag("v0.1", &v1);
    let name = format!("name: \"{HOSTILE}\"\n");
    let evil =
        fixture.read(CARBON).replace("id: carbon-forging", "id: evil").replace("name: Forged message carbons\n", &name);
    fixture.write("documents/threats/evil.yaml", evil);
    fixture.replace(CARBON, "name: Forged message carbons\n", &name);
    let prose =
        "Text <script>alert(1)</script> `` a`b `` [x](javascript:alert(1)) ![i](http://e.org/i.png) | cell | @team ";
    fixture.replace(CARBON, "\ndefinition: |\n", &format!("\ndefinition: |\n  {}\n\n", prose.repeat(12)));
    fixture.replace("documents/template.yaml", "label: Definition\n", "label: \"Definition <b>x</b> & @team\"\n");
    let text = markdown(&fixture, &["v0.1"]);
    let parsed = parse(&text);
    assert!(parsed.inline_html.is_empty(), "inline HTML {:?} in\n{text}", parsed.inline_html);
    assert_eq!(parsed.links, 0, "a link or image in\n{text}");
    for block in &parsed.blocks {
        if let Block::Html(html) = block {
            let rest = ["<details>", "<summary>", "</summary>", "</details>"]
                .iter()
                .fold(html.clone(), |h, t| h.replace(t, ""));
            assert!(!rest.contains('<'), "a tag from the repository: {html}");
        }
    }
    let shown = HOSTILE.replace('@', "@\u{2060}");
    let table = parsed.table();
    assert!(table.iter().all(|r| r.len() == 5), "{table:?}");
    assert_eq!(table[1], ["evil", &shown, "added", "—", "{+2+}"]);
    assert_eq!(table[2][..3], ["carbon-forging", &shown, "changed"]);
    let section = parsed.section("carbon-forging");
    assert_eq!(parsed.headings()[1].1, format!("carbon-forging: {shown} (was: Forged message carbons)"));
    assert_eq!(items(section)[0], format!("Name: [-Forged message carbons-] {{+{shown}+}}"));
    let folded = section.iter().find_map(|b| match b {
        Block::Html(h) if h.starts_with("<details>") => Some(h),
        _ => None,
    });
    assert!(folded.is_some_and(|h| h.contains("Definition &lt;b&gt;x&lt;/b&gt; &amp; @\u{2060}team")), "{section:#?}");
    let inserted = section.iter().find_map(|b| match b {
        Block::Paragraph(p) if p.starts_with("{+") => Some(p),
        _ => None,
    });
    // Inline HTML is shown as written, as a code span; a link as its text alone.
    let once = "Text <script>alert(1)</script> a`b x i | cell | @\u{2060}team";
    assert!(inserted.is_some_and(|p| p.contains(once)), "{section:#?}");
}
