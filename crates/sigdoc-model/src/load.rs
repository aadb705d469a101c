//! Loading every deliverable from a snapshot and checking them against each other.

use std::collections::HashSet;

use serde::Serialize;

use crate::doc_kind::DocKind;
use crate::front::{META_KEYS, MarkdownDoc, Prose, read_meta};
use crate::layout::{DocFile, THREATS_FOLDER};
use crate::process::{PROCESS_KEYS, Process, read_rating, read_review};
use crate::prose::{
    Finding, Locator, MAX_FOOTNOTES, MAX_FOOTNOTES_PER_BLOCK, MAX_HEADINGS, SourceFile, Start, examine, locate,
    plain_text_in,
};
use crate::reader::Reader;
use crate::references::{Bibliography, References, read_references};
use crate::sig::{Sig, read_sig};
use crate::template::{FieldKind, Template, read_template};
use crate::text::{decode, split_front_matter};
use crate::threat::Threat;
use crate::threat_files::{LoadCache, load_threats};
use crate::value::{ApproachPart, FieldValue};
use crate::yaml::{Seg, YamlDoc};
use crate::{Diagnostic, Snapshot};

/// Everything the three documents are made of, loaded and typed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Deliverables {
    /// The group.
    pub sig: Sig,
    /// The bibliography.
    pub references: References,
    /// Deliverable 1.
    pub process: Process,
    /// Deliverable 2.
    pub template: Template,
    /// Deliverable 3's introduction.
    pub analysis: MarkdownDoc,
    /// Deliverable 3's threats, sorted by id.
    pub threats: Vec<Threat>,
}

/// The result of loading: the deliverables as far as they could be read, and every problem.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// What could be read; parts that failed to load are left at their defaults.
    pub deliverables: Deliverables,
    /// Every problem, sorted by file and place.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads a file of the snapshot as text; a missing or broken file is a diagnostic.
fn text_of<'s>(snapshot: &'s Snapshot, path: &str, diags: &mut Vec<Diagnostic>) -> Option<&'s str> {
    let file = snapshot.display_path(path);
    let Some(bytes) = snapshot.get(path) else {
        diags.push(Diagnostic::error(
            &file,
            0,
            0,
            format!("required file {path} is missing from the documents folder"),
        ));
        return None;
    };
    match decode(&file, bytes) {
        Ok(text) if text.trim().is_empty() => {
            diags.push(Diagnostic::error(&file, 1, 1, "file is empty"));
            None
        }
        Ok(text) => Some(text),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

pub(crate) fn yaml_of(snapshot: &Snapshot, path: &str, diags: &mut Vec<Diagnostic>) -> Option<YamlDoc> {
    let text = text_of(snapshot, path, diags)?;
    YamlDoc::parse(&snapshot.display_path(path), text, 0).map_err(|d| diags.push(d)).ok()
}

/// A Markdown file's front matter (as YAML) and its body.
fn markdown_of(snapshot: &Snapshot, path: &str, diags: &mut Vec<Diagnostic>) -> Option<(YamlDoc, Prose)> {
    let file = snapshot.display_path(path);
    let text = text_of(snapshot, path, diags)?;
    let split = split_front_matter(&file, text).map_err(|d| diags.push(d)).ok()?;
    let yaml = YamlDoc::parse(&file, split.yaml, split.yaml_line - 1).map_err(|d| diags.push(d)).ok()?;
    Some((yaml, Prose { text: split.body.to_owned(), file, line: split.body_line }))
}

impl Deliverables {
    /// Only `sig.yaml`, unchecked: what a revision history needs (authors and the tag
    /// pattern) without reading every threat. Problems are left to a full [`load`].
    ///
    /// [`load`]: Deliverables::load
    pub fn load_sig(snapshot: &Snapshot) -> Sig {
        let mut ignored = Vec::new();
        yaml_of(snapshot, DocFile::Sig.path(), &mut ignored)
            .map_or_else(Sig::default, |doc| read_sig(&mut Reader::new(&doc, &mut ignored)))
    }

    /// Loads and checks everything in a snapshot, collecting every problem.
    pub fn load(snapshot: &Snapshot) -> Loaded {
        Deliverables::load_cached(snapshot, None)
    }

    /// [`Deliverables::load`], taking from `cache` the threat files read by its last
    /// load that are unchanged, with every other file (a watch's loads).
    pub fn load_cached(snapshot: &Snapshot, cache: Option<&LoadCache>) -> Loaded {
        let mut diags = snapshot.problems.clone();
        let mut d = Deliverables::default();
        // Every text the documents show, to check once the references are known.
        let mut texts = Texts::default();

        if let Some(doc) = yaml_of(snapshot, DocFile::Sig.path(), &mut diags) {
            d.sig = read_sig(&mut Reader::new(&doc, &mut diags));
            texts.yaml(&doc, &[Seg::Key("venue".into())], &DocKind::ALL);
            for key in crate::sig::LEGAL_KEYS {
                texts.yaml(&doc, &[Seg::Key("legal".into()), Seg::Key((*key).into())], &DocKind::ALL);
            }
        }
        let mut bibliography = Bibliography::default();
        if let Some(doc) = yaml_of(snapshot, DocFile::References.path(), &mut diags) {
            bibliography = read_references(&mut Reader::new(&doc, &mut diags));
            d.references = std::mem::take(&mut bibliography.references);
        }
        if let Some((yaml, body)) = markdown_of(snapshot, DocFile::Process.path(), &mut diags) {
            let mut r = Reader::new(&yaml, &mut diags);
            let value = yaml.value.clone();
            if let Some(map) = r.mapping(&[], &value, "the front matter") {
                r.unknown_keys(&[], map, PROCESS_KEYS, "process.md front matter");
                d.process.doc = MarkdownDoc { meta: read_meta(&mut r, &[], map, &d.sig.authors), body };
                read_rating(&mut r, map, &mut d.process);
                read_review(&mut r, map, &mut d.process);
            }
            let process = &[DocKind::Process];
            texts.yaml(&yaml, &[Seg::Key("abstract".into())], process);
            texts.body(&d.process.doc.body, process);
            for (name, _) in yaml.value.get("scales").and_then(|v| v.as_mapping()).into_iter().flatten() {
                let Some(name) = name.as_str() else { continue };
                texts.each(&yaml, &[Seg::Key("scales".into()), Seg::Key(name.into())], &["meaning"], process);
            }
            texts.each(&yaml, &[Seg::Key("priority".into()), Seg::Key("levels".into())], &["meaning"], process);
        }
        if let Some(doc) = yaml_of(snapshot, DocFile::Template.path(), &mut diags) {
            let scales: Vec<String> = d.process.scales.keys().cloned().collect();
            d.template = read_template(&mut Reader::new(&doc, &mut diags), &d.sig.authors, &scales);
            let template = &[DocKind::Template];
            texts.yaml(&doc, &[Seg::Key("abstract".into())], template);
            texts.yaml(&doc, &[Seg::Key("intro".into())], template);
            texts.each(&doc, &[Seg::Key("fields".into())], &["guidance"], template);
        }
        if let Some((yaml, body)) = markdown_of(snapshot, DocFile::Analysis.path(), &mut diags) {
            let mut r = Reader::new(&yaml, &mut diags);
            let value = yaml.value.clone();
            if let Some(map) = r.mapping(&[], &value, "the front matter") {
                r.unknown_keys(&[], map, META_KEYS, "analysis.md front matter");
                d.analysis = MarkdownDoc { meta: read_meta(&mut r, &[], map, &d.sig.authors), body };
            }
            texts.yaml(&yaml, &[Seg::Key("abstract".into())], &[DocKind::Analysis]);
            texts.body(&d.analysis.body, &[DocKind::Analysis]);
        }
        d.threats = load_threats(snapshot, &d, &mut texts, &mut diags, cache);
        check_cross_references(&d, &mut diags);
        let mut used = texts.check(snapshot, &d.references, &mut diags);
        used.extend(d.threats.iter().flat_map(|t| t.references().map(|r| r.id.as_str())));
        if citations_all_read(snapshot, &diags) {
            diags.extend(bibliography.unused(|id| used.contains(id)));
        }
        crate::sort_diagnostics(&mut diags);
        diags.dedup();
        Loaded { deliverables: d, diagnostics: diags }
    }

    /// The threat with an id.
    pub fn threat(&self, id: &str) -> Option<&Threat> {
        self.threats.iter().find(|t| t.id == id)
    }
}

/// Whether every threat's citations were read: a threat file or the template with
/// errors may hide `ref:`s, and a warning for every reference a broken file cites would
/// bury its one error. References that nothing cites are reported once they are read.
fn citations_all_read(snapshot: &Snapshot, diags: &[Diagnostic]) -> bool {
    let template = snapshot.display_path(DocFile::Template.path());
    let threats = snapshot.display_path(&format!("{THREATS_FOLDER}/"));
    !diags.iter().any(|d| d.is_error() && (d.file == template || d.file.starts_with(&threats)))
}

/// Checks across files: references exist and priorities follow the matrix.
fn check_cross_references(d: &Deliverables, diags: &mut Vec<Diagnostic>) {
    for threat in &d.threats {
        for field in &d.template.fields {
            let (line, column) = threat.lines.get(&field.key).copied().unwrap_or((1, 1));
            match threat.value(&field.key) {
                Some(FieldValue::References(refs)) => {
                    for r in refs.iter().filter(|r| !d.references.contains_key(&r.id)) {
                        let hint = crate::reader::suggest(&r.id, d.references.keys().map(String::as_str))
                            .map(|s| format!(" (did you mean \"{s}\"?)"))
                            .unwrap_or_default();
                        diags.push(Diagnostic::error(
                            &threat.file,
                            line,
                            column,
                            format!("reference \"{}\" is not in references.yaml{hint}", r.id),
                        ));
                    }
                }
                Some(FieldValue::Priority(stated)) => {
                    let computed = threat.computed_priority(&d.process);
                    if let Some(computed) = computed.filter(|c| c != stated)
                        && threat.priority_reason.is_none()
                    {
                        diags.push(Diagnostic::error(
                            &threat.file,
                            line,
                            column,
                            format!("stated priority {stated} differs from the matrix's {computed}; correct it or explain it in \"priority_reason\""),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}

/// Whether a text is read as Markdown or shown as one line of plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Markdown,
    Plain,
}

/// A text the documents show, where it starts, and which documents show it.
#[derive(Debug, Clone)]
struct Text {
    text: String,
    file: String,
    start: Start,
    reading: Reading,
    documents: &'static [DocKind],
}

/// Every text of the documents, gathered while loading and checked at the end, when the
/// references they mention are known.
#[derive(Debug, Default)]
pub(crate) struct Texts(Vec<Text>);

impl Texts {
    /// Adds the texts of another file, in order.
    pub(crate) fn extend(&mut self, other: &Texts) {
        self.0.extend(other.0.iter().cloned());
    }

    /// The Markdown string at `path` of a YAML file, if there is one.
    fn yaml(&mut self, doc: &YamlDoc, path: &[Seg], documents: &'static [DocKind]) {
        self.yaml_as(doc, path, Reading::Markdown, documents);
    }

    fn yaml_as(&mut self, doc: &YamlDoc, path: &[Seg], reading: Reading, documents: &'static [DocKind]) {
        let Some(text) = value_at(&doc.value, path).and_then(serde_yaml::Value::as_str) else { return };
        let loc = doc.value_loc(path);
        let start = Start::YamlValue(loc.line, loc.column);
        self.0.push(Text { text: text.to_owned(), file: doc.file.clone(), start, reading, documents });
    }

    /// The Markdown strings under `keys` of each item of the list at `path`; with no keys,
    /// the items themselves.
    fn each(&mut self, doc: &YamlDoc, path: &[Seg], keys: &[&str], documents: &'static [DocKind]) {
        let count = value_at(&doc.value, path).and_then(serde_yaml::Value::as_sequence).map_or(0, Vec::len);
        for i in 0..count {
            let mut item = path.to_vec();
            item.push(Seg::Index(i));
            if keys.is_empty() {
                self.yaml(doc, &item, documents);
            }
            for key in keys {
                let mut at = item.clone();
                at.push(Seg::Key((*key).into()));
                self.yaml(doc, &at, documents);
            }
        }
    }

    /// A Markdown document's body.
    fn body(&mut self, body: &Prose, documents: &'static [DocKind]) {
        let start = Start::Text(body.line, 1);
        let text =
            Text { text: body.text.clone(), file: body.file.clone(), start, reading: Reading::Markdown, documents };
        self.0.push(text);
    }

    /// The texts of a threat file, by the kinds of the template's fields: taken from the
    /// YAML itself, so that each is located even where loading its field failed.
    pub(crate) fn threat(&mut self, doc: &YamlDoc, template: &Template) {
        let analysis = &[DocKind::Analysis];
        for field in &template.fields {
            let path = [Seg::Key(field.key.clone())];
            match field.kind {
                FieldKind::Text => self.yaml_as(doc, &path, Reading::Plain, analysis),
                FieldKind::Markdown => self.yaml(doc, &path, analysis),
                FieldKind::References => self.each(doc, &path, &["note"], analysis),
                FieldKind::Approaches => self.each(doc, &path, &ApproachPart::ALL.map(ApproachPart::key), analysis),
                FieldKind::List => self.each(doc, &path, &[], analysis),
                FieldKind::Level(_) | FieldKind::Priority | FieldKind::AttackTree | FieldKind::Status => {}
            }
        }
        self.yaml(doc, &[Seg::Key("priority_reason".into())], analysis);
    }

    /// Checks every text in one pass each: links, nesting, mentions and cites, located in
    /// their files, and the headings of each document against [`MAX_HEADINGS`]. Returns the
    /// ids of the references the texts mention or cite.
    fn check<'r>(
        &self,
        snapshot: &Snapshot,
        references: &'r References,
        diags: &mut Vec<Diagnostic>,
    ) -> HashSet<&'r str> {
        let mut used = HashSet::new();
        // Only a file with a problem to locate is decoded again: most texts have none.
        let by_name: std::collections::HashMap<String, &[u8]> =
            snapshot.files.iter().map(|(path, bytes)| (snapshot.display_path(path), bytes.as_slice())).collect();
        let mut sources: std::collections::HashMap<&str, SourceFile<'_>> = std::collections::HashMap::new();
        let mut headings = [0usize; DocKind::ALL.len()];
        let mut footnotes = [0usize; DocKind::ALL.len()];
        for text in &self.0 {
            let mut found = match text.reading {
                Reading::Markdown => examine(&text.text, references),
                Reading::Plain => plain_findings(&text.text, references),
            };
            let (heading_offsets, footnote_offsets) =
                (std::mem::take(&mut found.headings), std::mem::take(&mut found.footnotes));
            used.extend(found.used.iter().filter_map(|id| references.get_key_value(id)).map(|(id, _)| id.as_str()));
            for doc in text.documents {
                let n = DocKind::ALL.iter().position(|d| d == doc).unwrap_or(0);
                let what = "headings; Typst numbers, lists and lays out each one";
                count_towards(&mut headings[n], MAX_HEADINGS, &heading_offsets, *doc, what, &mut found);
                let what = "footnotes (mentions of references and notes); Typst lays out each one";
                count_towards(&mut footnotes[n], MAX_FOOTNOTES, &footnote_offsets, *doc, what, &mut found);
            }
            if found.problems.is_empty() {
                continue;
            }
            found.problems.sort_by_key(|p| p.offset);
            let file = by_name.get(text.file.as_str()).and_then(|bytes| decode("", bytes).ok());
            let source = file.map(|file| &*sources.entry(file).or_insert_with(|| SourceFile::new(file)));
            let mut locator = Locator::new(&text.text, source, text.start);
            diags.extend(locate(&found.problems, &mut locator, &text.file));
        }
        used
    }
}

/// The mentions and cites in one line of plain text, which is not read as Markdown.
fn plain_findings(text: &str, references: &References) -> crate::prose::Findings {
    let mut found = crate::prose::Findings::default();
    plain_text_in(text, references, &mut found);
    if let Some(&at) = found.footnotes.get(MAX_FOOTNOTES_PER_BLOCK) {
        found.problems.push(Finding {
            offset: at,
            severity: crate::Severity::Error,
            message: format!("more than {MAX_FOOTNOTES_PER_BLOCK} footnotes in one paragraph; split it"),
        });
    }
    found
}

/// Adds a text's `offsets` (its headings, its footnotes) to a document's `count`, and
/// reports the one that takes the count past `limit`.
fn count_towards(
    count: &mut usize,
    limit: usize,
    offsets: &[usize],
    doc: DocKind,
    what: &str,
    found: &mut crate::prose::Findings,
) {
    let before = *count;
    *count += offsets.len();
    if before <= limit && *count > limit {
        found.problems.push(Finding {
            offset: offsets[limit - before],
            severity: crate::Severity::Error,
            message: format!("the {} document's prose has more than {limit} {what}", doc.name()),
        });
    }
}

/// The value at a path of a YAML value.
fn value_at<'v>(value: &'v serde_yaml::Value, path: &[Seg]) -> Option<&'v serde_yaml::Value> {
    path.iter().try_fold(value, |value, seg| match seg {
        Seg::Key(key) => value.get(key.as_str()),
        Seg::Index(i) => value.get(*i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::example::EXAMPLE;

    /// The example's diagnostics with `edit` applied to one of its files, as
    /// `file:line:column: message` lines.
    fn check_with(file: &str, edit: impl Fn(&str) -> String) -> Vec<String> {
        let files = EXAMPLE.map(|(path, text)| (path, if path == file { edit(text) } else { text.to_owned() }));
        let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
        loaded.diagnostics.iter().map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message)).collect()
    }

    #[test]
    fn the_example_is_clean() {
        assert_eq!(check_with("sig.yaml", str::to_owned), Vec::<String>::new());
    }

    #[test]
    fn a_reference_nothing_cites_is_a_warning_once_every_threat_is_read() {
        let extra = "\nunused-page: {title: T, url: 'https://example.org'}\n";
        let found = check_with("references.yaml", |text| format!("{text}{extra}"));
        let line = EXAMPLE.iter().find(|(p, _)| *p == "references.yaml").map_or(0, |(_, t)| t.lines().count()) + 2;
        assert_eq!(
            found,
            [format!(
                "documents/references.yaml:{line}:1: reference \"unused-page\" is never cited (no mention, [@unused-page] or ref: uses it); cite it or remove it"
            )]
        );
        // A cite in any prose uses it.
        let files = EXAMPLE.map(|(path, text)| match path {
            "references.yaml" => (path, format!("{text}{extra}")),
            "analysis.md" => (path, format!("{text}\nSee [@unused-page].\n")),
            _ => (path, text.to_owned()),
        });
        assert_eq!(Deliverables::load(&Snapshot::from_files("documents", files)).diagnostics, []);
        // A threat or template with errors may hide its citations: no warning then.
        for (file, from, to) in [
            ("threats/starttls-stripping.yaml", "likelihood: medium", "likelihood: hihg"),
            ("template.yaml", "fields:", "fields: 3\nothers:"),
        ] {
            let files = EXAMPLE.map(|(path, text)| match path {
                "references.yaml" => (path, format!("{text}{extra}")),
                p if p == file => (path, text.replacen(from, to, 1)),
                _ => (path, text.to_owned()),
            });
            let diags = Deliverables::load(&Snapshot::from_files("documents", files)).diagnostics;
            assert!(diags.iter().any(Diagnostic::is_error), "{file}: {diags:#?}");
            assert!(!diags.iter().any(|d| d.message.contains("never cited")), "{file}: {diags:#?}");
        }
    }

    #[test]
    fn every_prose_field_is_checked_where_it_stands() {
        let link = "[x](javascript:y)";
        let cases = [
            ("sig.yaml", "venue: |\n", format!("venue: |\n  {link}\n"), "documents/sig.yaml:12:3"),
            (
                "process.md",
                "meaning: Needs a capability few attackers have.",
                format!("meaning: \"{link} Needs a capability few attackers have.\""),
                "documents/process.md:9:42",
            ),
            (
                "process.md",
                "meaning: Work on the threat starts at once.",
                format!("meaning: '{link} Work on the threat starts at once.'"),
                "documents/process.md:18:48",
            ),
            (
                "template.yaml",
                "guidance: One paragraph",
                format!("guidance: See {link} One paragraph"),
                "documents/template.yaml:19:19",
            ),
            ("template.yaml", "intro: |\n", format!("intro: |\n  {link}\n"), "documents/template.yaml:7:3"),
            ("analysis.md", "abstract: >-\n", format!("abstract: >-\n  {link}\n"), "documents/analysis.md:4:3"),
            (
                "threats/starttls-stripping.yaml",
                "    note: Recommends",
                format!("    note: See {link} Recommends"),
                "documents/threats/starttls-stripping.yaml:30:15",
            ),
            (
                "threats/starttls-stripping.yaml",
                "recommended: |\n",
                format!("priority_reason: See {link}\nrecommended: |\n"),
                "documents/threats/starttls-stripping.yaml:36:22",
            ),
        ];
        for (file, from, to, place) in cases {
            let found = check_with(file, |text| text.replacen(from, &to, 1));
            assert!(
                found.iter().any(|d| d.starts_with(&format!("{place}: link \"javascript:y\""))),
                "{file} {from:?}: {found:#?}"
            );
        }
    }

    #[test]
    fn one_line_text_fields_are_not_markdown_but_their_mentions_count() {
        let found = check_with("threats/starttls-stripping.yaml", |text| {
            text.replacen("name: STARTTLS stripping", "name: STARTTLS [stripping](page.html) of RFC 9999", 1)
        });
        assert_eq!(
            found,
            [
                "documents/threats/starttls-stripping.yaml:2:42: RFC 9999 is mentioned but not in references.yaml, so it gets no footnote"
            ]
        );
    }

    #[test]
    fn the_heading_past_the_limit_is_located_across_the_document() {
        // The analysis's body and a threat share the document's limit.
        let body: String = (0..MAX_HEADINGS - 1).map(|i| format!("## H{i}\n")).collect();
        let files = EXAMPLE.map(|(path, text)| {
            let text = match path {
                "analysis.md" => format!("{text}{body}"),
                "threats/starttls-stripping.yaml" => text.replacen("gap: |\n", "gap: |\n  # One\n\n  # Two\n", 1),
                _ => text.to_owned(),
            };
            (path, text)
        });
        let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
        let errors: Vec<String> =
            loaded.diagnostics.iter().map(|d| format!("{}:{}:{}", d.file, d.line, d.column)).collect();
        // The example's body has one heading and 1999 more: the threat's first is one too many.
        assert_eq!(errors, ["documents/threats/starttls-stripping.yaml:32:3"], "{:#?}", loaded.diagnostics);
        assert!(loaded.diagnostics[0].message.contains("analysis document's prose has more than 2000 headings"));
    }

    #[test]
    fn the_footnote_past_the_limit_is_located_and_repeats_of_a_note_are_free() {
        let analysis_with = |body: String| {
            let files = EXAMPLE.map(|(path, text)| match path {
                "analysis.md" => (path, format!("{text}{body}\n\n[^a]: A note.\n")),
                _ => (path, text.to_owned()),
            });
            let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
            loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect::<Vec<_>>()
        };
        // A note referenced fifty thousand times lays out one footnote.
        assert_eq!(analysis_with("Again[^a].\n\n".repeat(50_000)), []);
        // The example's own prose makes a few dozen footnotes; these make nearly the rest.
        assert_eq!(analysis_with("RFC 6120.\n\n".repeat(MAX_FOOTNOTES - 100)), []);
        let errors = analysis_with("RFC 6120.\n\n".repeat(MAX_FOOTNOTES + 1));
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].file, "documents/analysis.md");
        assert!(errors[0].message.contains("more than 10000 footnotes"), "{}", errors[0]);
    }

    #[test]
    fn a_paragraph_makes_at_most_a_hundred_footnotes() {
        let with = |body: &str| {
            let files = EXAMPLE.map(|(path, text)| match path {
                "analysis.md" => (path, format!("{text}{body}\n")),
                _ => (path, text.to_owned()),
            });
            let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
            loaded.diagnostics.into_iter().filter(Diagnostic::is_error).map(|d| d.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(with(&"RFC 6120 ".repeat(MAX_FOOTNOTES_PER_BLOCK)), Vec::<String>::new());
        let errors = with(&"RFC 6120 ".repeat(MAX_FOOTNOTES_PER_BLOCK + 1));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].ends_with("error: more than 100 footnotes in one paragraph; split it"), "{errors:?}");
        // The 101st mention is the one located.
        assert!(errors[0].contains(&format!(":{}: error", 9 * MAX_FOOTNOTES_PER_BLOCK + 1)), "{errors:?}");
        // Paragraphs of their own are fine.
        assert_eq!(with(&"RFC 6120\n\n".repeat(MAX_FOOTNOTES_PER_BLOCK * 3)), Vec::<String>::new());
    }
}
