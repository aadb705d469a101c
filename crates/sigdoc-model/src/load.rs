//! Loading every deliverable from a snapshot and checking them against each other.

use serde::Serialize;

use crate::front::{META_KEYS, MarkdownDoc, Prose, read_meta};
use crate::mentions::find_mentions;
use crate::process::{PROCESS_KEYS, Process, read_rating};
use crate::reader::Reader;
use crate::references::{References, read_references};
use crate::sig::{Sig, read_sig};
use crate::template::{FieldKind, Template, read_template};
use crate::text::{decode, split_front_matter};
use crate::threat::{FieldValue, Threat, read_threat};
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

fn yaml_of(snapshot: &Snapshot, path: &str, diags: &mut Vec<Diagnostic>) -> Option<YamlDoc> {
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
        yaml_of(snapshot, "sig.yaml", &mut ignored)
            .map_or_else(Sig::default, |doc| read_sig(&mut Reader::new(&doc, &mut ignored)))
    }

    /// Loads and checks everything in a snapshot, collecting every problem.
    pub fn load(snapshot: &Snapshot) -> Loaded {
        let mut diags = snapshot.problems.clone();
        let mut d = Deliverables::default();

        if let Some(doc) = yaml_of(snapshot, "sig.yaml", &mut diags) {
            d.sig = read_sig(&mut Reader::new(&doc, &mut diags));
        }
        if let Some(doc) = yaml_of(snapshot, "references.yaml", &mut diags) {
            d.references = read_references(&mut Reader::new(&doc, &mut diags));
        }
        if let Some((yaml, body)) = markdown_of(snapshot, "process.md", &mut diags) {
            let mut r = Reader::new(&yaml, &mut diags);
            let value = yaml.value.clone();
            if let Some(map) = r.mapping(&[], &value, "the front matter") {
                r.unknown_keys(&[], map, PROCESS_KEYS, "process.md front matter");
                d.process.doc = MarkdownDoc { meta: read_meta(&mut r, &[], map, &d.sig.authors), body };
                read_rating(&mut r, map, &mut d.process);
            }
        }
        if let Some(doc) = yaml_of(snapshot, "template.yaml", &mut diags) {
            let scales: Vec<String> = d.process.scales.keys().cloned().collect();
            d.template = read_template(&mut Reader::new(&doc, &mut diags), &d.sig.authors, &scales);
        }
        if let Some((yaml, body)) = markdown_of(snapshot, "analysis.md", &mut diags) {
            let mut r = Reader::new(&yaml, &mut diags);
            let value = yaml.value.clone();
            if let Some(map) = r.mapping(&[], &value, "the front matter") {
                r.unknown_keys(&[], map, META_KEYS, "analysis.md front matter");
                d.analysis = MarkdownDoc { meta: read_meta(&mut r, &[], map, &d.sig.authors), body };
            }
        }
        d.threats = load_threats(snapshot, &d, &mut diags);
        check_cross_references(&d, &mut diags);
        crate::sort_diagnostics(&mut diags);
        diags.dedup();
        Loaded { deliverables: d, diagnostics: diags }
    }

    /// The threat with an id.
    pub fn threat(&self, id: &str) -> Option<&Threat> {
        self.threats.iter().find(|t| t.id == id)
    }
}

fn load_threats(snapshot: &Snapshot, d: &Deliverables, diags: &mut Vec<Diagnostic>) -> Vec<Threat> {
    let mut threats = Vec::new();
    for path in snapshot.files.keys() {
        let Some(name) = path.strip_prefix("threats/") else { continue };
        let file = snapshot.display_path(path);
        let stem = match name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")) {
            Some(stem) if !stem.contains('/') => stem,
            _ => {
                if !name.ends_with(".md") && !name.starts_with('.') && !name.contains("/.") {
                    diags.push(Diagnostic::warning(&file, 0, 0, "not a threat file (threats/<id>.yaml); ignored"));
                }
                continue;
            }
        };
        let Some(doc) = yaml_of(snapshot, path, diags) else { continue };
        if let Some(threat) = read_threat(&mut Reader::new(&doc, diags), stem, &d.template, &d.process) {
            if let Some(first) = threats.iter().find(|t: &&Threat| t.id == threat.id) {
                let loc = doc.key_loc(&[Seg::Key("id".into())]);
                diags.push(Diagnostic::error(
                    &file,
                    loc.line,
                    loc.column,
                    format!("duplicate threat id \"{}\" (also {}): keep one file per threat", threat.id, first.file),
                ));
                continue;
            }
            threats.push(threat);
        }
    }
    threats
}

/// Checks across files: references exist, priorities follow the matrix, mentions are known.
fn check_cross_references(d: &Deliverables, diags: &mut Vec<Diagnostic>) {
    let mention = |prose: &str, file: &str, line: usize, diags: &mut Vec<Diagnostic>| {
        for m in find_mentions(prose) {
            if !d.references.contains_key(&m.id) {
                let before = &prose[..m.range.start];
                let l = line + before.matches('\n').count();
                let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
                diags.push(Diagnostic::warning(
                    file,
                    l,
                    col,
                    format!("{} is mentioned but not in references.yaml, so it gets no footnote", m.id),
                ));
            }
        }
    };
    for doc in [&d.process.doc, &d.analysis] {
        mention(&doc.body.text, &doc.body.file, doc.body.line, diags);
    }
    mention(&d.template.intro.text, &d.template.intro.file, d.template.intro.line, diags);
    for threat in &d.threats {
        for prose in &threat.prose {
            mention(&prose.text, &prose.file, prose.line, diags);
        }
        for field in &d.template.fields {
            let (line, column) = threat.lines.get(&field.key).copied().unwrap_or((1, 1));
            match (&field.kind, threat.values.get(&field.key)) {
                (FieldKind::References, Some(FieldValue::References(refs))) => {
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
                (FieldKind::Priority, Some(FieldValue::Priority(stated))) => {
                    let computed = threat.computed_priority(&d.template, &d.process);
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
