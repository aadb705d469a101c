//! Threat files: one value per template field, read and checked against the template.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_yaml::{Mapping, Value};

use crate::attack_tree::{AttackNode, read_tree};
use crate::process::Process;
use crate::reader::{Reader, child, describe, index, suggest};
use crate::template::{Field, FieldKind, THREAT_STATUSES, Template};
use crate::yaml::Seg;

/// Keys every threat may have besides the template's fields.
pub const BUILTIN_KEYS: &[&str] = &["id", "status", "priority_reason"];

/// A cited reference with an optional note on how it addresses the threat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefUse {
    /// The reference id (`RFC 6120`).
    #[serde(rename = "ref")]
    pub id: String,
    /// How it addresses the threat (Markdown).
    pub note: Option<String>,
}

/// A potential approach and what stands in the way of implementing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approach {
    /// The approach (Markdown).
    pub approach: String,
    /// Its implementation issues (Markdown).
    pub implementation_issues: String,
}

/// The value of one field, by the field's kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// `text`, `markdown`, `level` and `status` values.
    Text(String),
    /// A stated priority.
    Priority(u32),
    /// An attack tree.
    AttackTree(AttackNode),
    /// A list of references.
    References(Vec<RefUse>),
    /// A list of approaches.
    Approaches(Vec<Approach>),
    /// A list of Markdown items.
    List(Vec<String>),
}

/// One threat of the analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Threat {
    /// The file stem, a lower-case slug.
    pub id: String,
    /// The file, as shown to users.
    pub file: String,
    /// `open`, `mitigated` or `accepted`.
    pub status: Option<String>,
    /// Why a stated priority differs from the matrix.
    pub priority_reason: Option<String>,
    /// Values by field key.
    pub values: BTreeMap<String, FieldValue>,
    /// The line each field's value starts on, for locating later checks.
    #[serde(skip)]
    pub lines: BTreeMap<String, (usize, usize)>,
}

impl Threat {
    /// The text of a text-like field.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.values.get(key)? {
            FieldValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The threat's name: the first `text` field of the template, else its id.
    pub fn name<'a>(&'a self, template: &Template) -> &'a str {
        template.field_of_kind(&FieldKind::Text).and_then(|f| self.text(&f.key)).unwrap_or(&self.id)
    }

    /// The level of the threat on a scale, from the template's level field for it.
    pub fn level<'a>(&'a self, template: &Template, scale: &str) -> Option<&'a str> {
        let field = template.field_of_kind(&FieldKind::Level(scale.to_owned()))?;
        self.text(&field.key)
    }

    /// The priority the process's matrix gives this threat.
    pub fn computed_priority(&self, template: &Template, process: &Process) -> Option<u32> {
        process.priority(self.level(template, "likelihood")?, self.level(template, "damage")?)
    }

    /// The stated priority, if the threat states one.
    pub fn stated_priority(&self, template: &Template) -> Option<u32> {
        let field = template.field_of_kind(&FieldKind::Priority)?;
        match self.values.get(&field.key)? {
            FieldValue::Priority(p) => Some(*p),
            _ => None,
        }
    }

    /// The priority shown in documents: the stated one when explained, else the computed one.
    pub fn priority(&self, template: &Template, process: &Process) -> Option<u32> {
        match (self.stated_priority(template), &self.priority_reason) {
            (Some(p), Some(_)) => Some(p),
            _ => self.computed_priority(template, process).or(self.stated_priority(template)),
        }
    }

    /// The attack tree, if the threat has one.
    pub fn attack_tree(&self) -> Option<&AttackNode> {
        self.values.values().find_map(|v| match v {
            FieldValue::AttackTree(t) => Some(t),
            _ => None,
        })
    }
}

/// Whether `id` is a lower-case slug: `a-z`, `0-9`, `-`.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

pub(crate) fn read_threat(r: &mut Reader<'_>, stem: &str, template: &Template, process: &Process) -> Option<Threat> {
    let root: Vec<Seg> = Vec::new();
    let value = r.doc.value.clone();
    let map = r.mapping(&root, &value, "a threat (a mapping of field keys to values)")?;
    let mut known: Vec<&str> = BUILTIN_KEYS.to_vec();
    known.extend(template.fields.iter().map(|f| f.key.as_str()).filter(|k| !BUILTIN_KEYS.contains(k)));
    if template.checkable {
        let mut unknown = map.clone();
        // Keys of template fields that are themselves broken are the template's error.
        unknown.retain(|k, _| !k.as_str().is_some_and(|k| template.unreadable_keys.iter().any(|u| u == k)));
        r.unknown_keys(&root, &unknown, &known, "a threat");
    }
    match r.string(&root, map, "id", true, "the threat") {
        Some(id) if id != stem => {
            r.error(
                &child(&root, "id"),
                format!("id \"{id}\" differs from the file name \"{stem}\": they must be equal"),
            );
        }
        _ => {}
    }
    if !is_slug(stem) {
        r.error(
            &child(&root, "id"),
            format!("the file name \"{stem}\" is not a valid threat id: use lower-case letters, digits and '-'"),
        );
    }
    let mut threat = Threat {
        id: stem.to_owned(),
        file: r.doc.file.clone(),
        status: None,
        priority_reason: r.string(&root, map, "priority_reason", false, "the threat"),
        values: BTreeMap::new(),
        lines: BTreeMap::new(),
    };
    if let Some(status) = r.string(&root, map, "status", false, "the threat") {
        if THREAT_STATUSES.contains(&status.as_str()) {
            threat.status = Some(status);
        } else {
            r.error(
                &child(&root, "status"),
                format!("unknown status \"{status}\" (expected one of: {})", THREAT_STATUSES.join(", ")),
            );
        }
    }
    for field in &template.fields {
        let path = child(&root, &field.key);
        let loc = r.doc.value_loc(&path);
        match map.get(field.key.as_str()) {
            None => {
                if field.required {
                    r.error(&root, format!("missing required field \"{}\" ({})", field.key, field.label));
                }
            }
            Some(Value::Null) => {
                if field.required {
                    r.error_key(&path, format!("required field \"{}\" ({}) is empty", field.key, field.label));
                }
            }
            Some(Value::String(s)) if s.trim().is_empty() && field.required => {
                r.error_key(&path, format!("required field \"{}\" ({}) is empty", field.key, field.label));
            }
            Some(value) => {
                if let Some(v) = read_value(r, &path, field, value, process) {
                    threat.lines.insert(field.key.clone(), (loc.line, loc.column));
                    threat.values.insert(field.key.clone(), v);
                }
            }
        }
    }
    if threat.status.is_none()
        && let Some(FieldValue::Text(s)) =
            template.field_of_kind(&FieldKind::Status).and_then(|f| threat.values.get(&f.key))
    {
        threat.status = Some(s.clone());
    }
    Some(threat)
}

fn read_value(r: &mut Reader<'_>, path: &[Seg], field: &Field, value: &Value, process: &Process) -> Option<FieldValue> {
    let key = field.key.as_str();
    match &field.kind {
        FieldKind::Text => {
            let text = r.scalar_text(path, value, key)?;
            if text.trim_end().contains('\n') {
                r.error(path, format!("\"{key}\" is one line of text; use a field of kind markdown for paragraphs"));
            }
            Some(FieldValue::Text(text.trim().to_owned()))
        }
        FieldKind::Markdown => r.scalar_text(path, value, key).map(FieldValue::Text),
        FieldKind::Level(scale) => {
            let level = r.scalar_text(path, value, key)?;
            // An empty scale failed to load: the process reports that, not every threat.
            if let Some(levels) = process.scale(scale).filter(|levels| !levels.is_empty())
                && !levels.iter().any(|l| l.level == level)
            {
                let names: Vec<&str> = levels.iter().map(|l| l.level.as_str()).collect();
                let hint = suggest(&level, names.iter().copied())
                    .map(|s| format!("did you mean \"{s}\"? "))
                    .unwrap_or_default();
                r.error(
                    path,
                    format!("unknown {scale} level \"{level}\" ({hint}expected one of: {})", names.join(", ")),
                );
                return None;
            }
            Some(FieldValue::Text(level))
        }
        FieldKind::Status => {
            let status = r.scalar_text(path, value, key)?;
            if !THREAT_STATUSES.contains(&status.as_str()) {
                r.error(path, format!("unknown status \"{status}\" (expected one of: {})", THREAT_STATUSES.join(", ")));
                return None;
            }
            Some(FieldValue::Text(status))
        }
        FieldKind::Priority => match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(p) if process.priorities.is_empty() || process.priority_level(p).is_some() => {
                Some(FieldValue::Priority(p))
            }
            Some(p) => {
                let levels: Vec<String> = process.priorities.iter().map(|l| l.level.to_string()).collect();
                r.error(path, format!("unknown priority {p} (expected one of: {})", levels.join(", ")));
                None
            }
            None => {
                r.error(path, format!("\"{key}\" must be a priority level number, found {}", describe(value)));
                None
            }
        },
        FieldKind::AttackTree => read_tree(r, path, value).map(FieldValue::AttackTree),
        FieldKind::References => {
            let items = r.sequence(path, value, "a list of {ref, note}")?;
            let mut refs = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = index(path, i);
                if let Value::String(id) = item {
                    refs.push(RefUse { id: id.clone(), note: None });
                    continue;
                }
                let Some(m) = r.mapping(&p, item, "a reference: {ref, note}") else { continue };
                r.unknown_keys(&p, m, &["ref", "note"], "a reference");
                if let Some(id) = r.string(&p, m, "ref", true, "a reference") {
                    refs.push(RefUse { id, note: r.string(&p, m, "note", false, "a reference") });
                }
            }
            Some(FieldValue::References(refs))
        }
        FieldKind::Approaches => {
            let items = r.sequence(path, value, "a list of {approach, implementation_issues}")?;
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = index(path, i);
                let Some(m): Option<&Mapping> = r.mapping(&p, item, "an approach: {approach, implementation_issues}")
                else {
                    continue;
                };
                r.unknown_keys(&p, m, &["approach", "implementation_issues"], "an approach");
                let approach = r.string(&p, m, "approach", true, "an approach");
                let issues = r.string(&p, m, "implementation_issues", true, "an approach");
                if let (Some(approach), Some(implementation_issues)) = (approach, issues) {
                    out.push(Approach { approach, implementation_issues });
                }
            }
            Some(FieldValue::Approaches(out))
        }
        FieldKind::List => {
            let items = r.sequence(path, value, "a list of Markdown items")?;
            let texts =
                items.iter().enumerate().filter_map(|(i, item)| r.scalar_text(&index(path, i), item, key)).collect();
            Some(FieldValue::List(texts))
        }
    }
}
