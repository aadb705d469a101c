//! Threat files: one value per template field, read and checked against the template.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_yaml::{Mapping, Value};

use crate::attack_tree::{AttackNode, read_tree};
use crate::process::Process;
use crate::reader::{Reader, child, describe, index, suggest};
use crate::scale::ScaleName;
use crate::template::{Field, FieldKind, Template};
use crate::value::{Approach, ApproachPart, FieldValue, RefUse, ThreatStatus};
use crate::yaml::Seg;

/// The key of a threat's status, which a template field of kind status may share.
pub const STATUS_KEY: &str = "status";

/// Keys every threat may have besides the template's fields.
pub const BUILTIN_KEYS: &[&str] = &["id", STATUS_KEY, "priority_reason"];

/// The keys of the template's fields that play a part of their own in every threat (its
/// name, its levels, its stated priority), recorded when the threat is read against the
/// template, so that the threat answers for them alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Roles {
    /// The first text field: the threat's name.
    name: Option<String>,
    /// The first level field of each scale.
    levels: Vec<(ScaleName, String)>,
    /// The first priority field: a stated priority.
    priority: Option<String>,
}

impl Roles {
    fn of(template: &Template) -> Roles {
        let key = |field: Option<&Field>| field.map(|f| f.key.clone());
        let mut levels: Vec<(ScaleName, String)> = Vec::new();
        for field in &template.fields {
            if let FieldKind::Level(scale) = &field.kind
                && !levels.iter().any(|(s, _)| s == scale)
            {
                levels.push((scale.clone(), field.key.clone()));
            }
        }
        Roles { name: key(template.name_field()), levels, priority: key(template.field_of_kind(&FieldKind::Priority)) }
    }
}

/// One threat of the analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Threat {
    /// The file stem, a lower-case slug.
    pub id: String,
    /// The file, as shown to users.
    pub file: String,
    /// Where the threat stands.
    pub status: Option<ThreatStatus>,
    /// Why a stated priority differs from the matrix.
    pub priority_reason: Option<String>,
    /// Values by field key.
    pub values: BTreeMap<String, FieldValue>,
    /// The line each field's value starts on, for locating later checks.
    #[serde(skip)]
    pub lines: BTreeMap<String, (usize, usize)>,
    /// Which fields are the name, the levels and the stated priority.
    #[serde(skip)]
    roles: Roles,
}

impl Threat {
    /// Whether the threat is proposed: under discussion, not yet analysed, and so outside
    /// the analysis's summary and risk matrix.
    pub fn is_proposed(&self) -> bool {
        self.status == Some(ThreatStatus::Proposed)
    }

    /// A threat with no values, read against no template: its name is its id.
    pub fn new(id: impl Into<String>, file: impl Into<String>) -> Threat {
        Threat {
            id: id.into(),
            file: file.into(),
            status: None,
            priority_reason: None,
            values: BTreeMap::new(),
            lines: BTreeMap::new(),
            roles: Roles::default(),
        }
    }

    /// The value of a field, by its key.
    pub fn value(&self, key: &str) -> Option<&FieldValue> {
        self.values.get(key)
    }

    /// The text of a field that holds one string (see [`FieldValue::text`]).
    pub fn text(&self, key: &str) -> Option<&str> {
        self.value(key)?.text()
    }

    fn role(&self, key: Option<&String>) -> Option<&FieldValue> {
        self.value(key?)
    }

    /// The threat's name: the value of the template's first text field, else its id.
    pub fn name(&self) -> &str {
        match self.role(self.roles.name.as_ref()) {
            Some(FieldValue::Text(name)) => name,
            _ => &self.id,
        }
    }

    /// The threat's level on a scale: the value of the template's first level field for it.
    pub fn level(&self, scale: &ScaleName) -> Option<&str> {
        let key = self.roles.levels.iter().find(|(s, _)| s == scale).map(|(_, key)| key);
        match self.role(key)? {
            FieldValue::Level { level, .. } => Some(level),
            _ => None,
        }
    }

    /// How likely an attack is, on the process's likelihood scale.
    pub fn likelihood(&self) -> Option<&str> {
        self.level(&ScaleName::Likelihood)
    }

    /// How much harm it does, on the process's damage scale.
    pub fn damage(&self) -> Option<&str> {
        self.level(&ScaleName::Damage)
    }

    /// The priority the process's matrix gives this threat.
    pub fn computed_priority(&self, process: &Process) -> Option<u32> {
        process.priority(self.likelihood()?, self.damage()?)
    }

    /// The stated priority, if the threat states one.
    pub fn stated_priority(&self) -> Option<u32> {
        match self.role(self.roles.priority.as_ref())? {
            FieldValue::Priority(p) => Some(*p),
            _ => None,
        }
    }

    /// The priority shown in documents: the stated one when explained, else the computed one.
    pub fn priority(&self, process: &Process) -> Option<u32> {
        match (self.stated_priority(), &self.priority_reason) {
            (Some(p), Some(_)) => Some(p),
            _ => self.computed_priority(process).or(self.stated_priority()),
        }
    }

    /// The attack tree, if the threat has one (the first by field key).
    pub fn attack_tree(&self) -> Option<&AttackNode> {
        self.values.values().find_map(|v| match v {
            FieldValue::AttackTree(t) => Some(t),
            _ => None,
        })
    }

    /// The potential approaches, if the threat lists any (the first list by field key).
    pub fn approaches(&self) -> Option<&[Approach]> {
        self.values.values().find_map(|v| match v {
            FieldValue::Approaches(a) => Some(a.as_slice()),
            _ => None,
        })
    }

    /// Every reference the threat cites, field by field in key order.
    pub fn references(&self) -> impl Iterator<Item = &RefUse> {
        self.values.values().flat_map(|v| match v {
            FieldValue::References(refs) => refs.as_slice(),
            _ => &[],
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
        priority_reason: r.string(&root, map, "priority_reason", false, "the threat"),
        roles: Roles::of(template),
        ..Threat::new(stem, r.doc.file.clone())
    };
    if let Some(status) = r.string(&root, map, STATUS_KEY, false, "the threat") {
        match ThreatStatus::from_name(&status) {
            Some(status) => threat.status = Some(status),
            None => r.error(
                &child(&root, STATUS_KEY),
                format!("unknown status \"{status}\" (expected one of: {})", ThreatStatus::names()),
            ),
        }
    }
    // A proposed threat need not have every required field yet: say what is missing.
    let proposed = threat.status == Some(ThreatStatus::Proposed)
        || template
            .field_of_kind(&FieldKind::Status)
            .and_then(|f| map.get(f.key.as_str()))
            .and_then(Value::as_str)
            .is_some_and(|s| ThreatStatus::from_name(s.trim()) == Some(ThreatStatus::Proposed));
    for field in &template.fields {
        let path = child(&root, &field.key);
        let loc = r.doc.value_loc(&path);
        let missing = match map.get(field.key.as_str()) {
            None => Some(false),
            Some(Value::Null) => Some(true),
            Some(Value::String(s)) if s.trim().is_empty() => Some(true),
            Some(value) => {
                if let Some(v) = read_value(r, &path, field, value, process) {
                    threat.lines.insert(field.key.clone(), (loc.line, loc.column));
                    threat.values.insert(field.key.clone(), v);
                }
                None
            }
        };
        let Some(present_but_empty) = missing else { continue };
        if !field.required {
            continue;
        }
        if proposed && !template.needed_when_proposed(field) {
            let message = format!("proposed threat: {} not written yet", field.label.to_lowercase());
            if present_but_empty { r.warning_key(&path, message) } else { r.warning(&root, message) }
        } else if present_but_empty {
            r.error_key(&path, format!("required field \"{}\" ({}) is empty", field.key, field.label));
        } else {
            r.error(&root, format!("missing required field \"{}\" ({})", field.key, field.label));
        }
    }
    if threat.status.is_none()
        && let Some(FieldValue::Status(s)) =
            template.field_of_kind(&FieldKind::Status).and_then(|f| threat.values.get(&f.key))
    {
        threat.status = Some(*s);
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
        FieldKind::Markdown => r.scalar_text(path, value, key).map(FieldValue::Markdown),
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
            Some(FieldValue::Level { scale: scale.clone(), level })
        }
        FieldKind::Status => {
            let status = r.scalar_text(path, value, key)?;
            let Some(status) = ThreatStatus::from_name(&status) else {
                r.error(path, format!("unknown status \"{status}\" (expected one of: {})", ThreatStatus::names()));
                return None;
            };
            Some(FieldValue::Status(status))
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
            let keys = ApproachPart::ALL.map(ApproachPart::key);
            let shape = format!("{{{}}}", keys.join(", "));
            let items = r.sequence(path, value, &format!("a list of {shape}"))?;
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = index(path, i);
                let Some(m): Option<&Mapping> = r.mapping(&p, item, &format!("an approach: {shape}")) else {
                    continue;
                };
                r.unknown_keys(&p, m, &keys, "an approach");
                let [approach, issues] = keys.map(|key| r.string(&p, m, key, true, "an approach"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::example::load_example;

    const STEM: &str = "starttls-stripping";

    /// The example's one threat, with `edit` applied to the threat and the template.
    fn example_threat(edit: impl Fn(&str, &str) -> String) -> (Threat, Process, bool) {
        let (d, errors) = load_example(edit);
        let threat = d.threat(STEM).cloned().unwrap_or_else(|| Threat::new("missing", ""));
        (threat, d.process, errors)
    }

    fn unchanged(_: &str, text: &str) -> String {
        text.to_owned()
    }

    #[test]
    fn accessors_answer_by_kind_not_by_key() {
        let (t, process, errors) = example_threat(unchanged);
        assert!(!errors);
        assert_eq!(t.id, STEM);
        assert_eq!(t.name(), "STARTTLS stripping");
        assert_eq!(t.likelihood(), Some("medium"));
        assert_eq!(t.damage(), Some("high"));
        assert_eq!(t.level(&ScaleName::Likelihood), Some("medium"));
        assert_eq!(t.level(&ScaleName::Other("impact".into())), None);
        assert_eq!(t.status, Some(ThreatStatus::Open));
        assert_eq!(t.stated_priority(), None);
        assert_eq!(t.computed_priority(&process), Some(1));
        assert_eq!(t.priority(&process), Some(1));
        assert_eq!(t.attack_tree().map(|tree| tree.goal.as_str()), Some("Read a client's traffic"));
        let approaches: Vec<&str> = t.approaches().unwrap_or_default().iter().map(|a| a.approach.as_str()).collect();
        assert_eq!(approaches, ["Clients require TLS by default."]);
        let cited: Vec<&str> = t.references().map(|r| r.id.as_str()).collect();
        assert_eq!(cited, ["RFC 6120", "RFC 7525"]);
        assert_eq!(
            t.value("likelihood"),
            Some(&FieldValue::Level { scale: ScaleName::Likelihood, level: "medium".into() })
        );
        assert_eq!(t.value("status"), Some(&FieldValue::Status(ThreatStatus::Open)));
        assert!(matches!(t.value("name"), Some(FieldValue::Text(_))));
        assert!(matches!(t.value("abstract"), Some(FieldValue::Markdown(_))));
        assert_eq!(t.text("damage"), Some("high"));
        assert_eq!(t.text("attack_tree"), None);
        assert_eq!(t.value("nothing"), None);
    }

    #[test]
    fn roles_follow_the_template_whatever_the_keys() {
        let (t, process, errors) = example_threat(|path, text| {
            let renamed = text
                .replace("key: name\n", "key: title\n")
                .replace("key: likelihood\n", "key: chance\n")
                .replace("key: damage\n", "key: harm\n")
                .replace("\nname: ", "\ntitle: ")
                .replace("\nlikelihood: ", "\nchance: ")
                .replace("\ndamage: medium", "\nharm: low")
                .replace("\ndamage: high", "\nharm: low");
            if path.starts_with("threats/") || path == "template.yaml" { renamed } else { text.to_owned() }
        });
        assert!(!errors);
        assert_eq!(t.name(), "STARTTLS stripping");
        assert_eq!((t.likelihood(), t.damage()), (Some("medium"), Some("low")));
        assert_eq!(t.priority(&process), Some(3));
    }

    #[test]
    fn the_first_field_of_a_kind_plays_its_part() {
        // A second text field and a second likelihood field come after the first ones.
        let (t, _, errors) = example_threat(|path, text| {
            match path {
            "template.yaml" => text.replace(
                "fields:\n",
                "fields:\n  - {key: alias, label: Alias, kind: text}\n  - {key: chance, label: Chance, kind: level, scale: likelihood}\n",
            ),
            p if p.starts_with("threats/") => format!("{text}alias: Stripping\nchance: low\n"),
            _ => text.to_owned(),
        }
        });
        assert!(!errors);
        assert_eq!(t.name(), "Stripping");
        assert_eq!(t.likelihood(), Some("low"));
        // Without a value for the first one, the threat has none: the second does not stand in.
        let (t, _, _) = example_threat(|path, text| {
            match path {
            "template.yaml" => text.replace(
                "fields:\n",
                "fields:\n  - {key: alias, label: Alias, kind: text}\n  - {key: chance, label: Chance, kind: level, scale: likelihood}\n",
            ),
            _ => text.to_owned(),
        }
        });
        assert_eq!(t.name(), STEM);
        assert_eq!(t.likelihood(), None);
    }

    #[test]
    fn a_stated_priority_counts_when_explained() {
        let stated = |reason: &str| {
            example_threat(|path, text| match path {
                p if p.starts_with("threats/") => format!("{text}priority: 3\n{reason}"),
                _ => text.to_owned(),
            })
        };
        let (t, process, errors) = stated("");
        assert!(errors, "a stated priority that differs from the matrix is an error");
        assert_eq!(
            (t.stated_priority(), t.computed_priority(&process), t.priority(&process)),
            (Some(3), Some(1), Some(1))
        );
        let (t, process, errors) = stated("priority_reason: Clients mostly require TLS by now.\n");
        assert!(!errors);
        assert_eq!((t.stated_priority(), t.priority(&process)), (Some(3), Some(3)));
        // Without ratings, a stated priority is the only one there is.
        let (t, process, _) = example_threat(|path, text| match path {
            p if p.starts_with("threats/") => format!("{}\npriority: 2\n", text.replace("\nlikelihood: medium", "")),
            _ => text.to_owned(),
        });
        assert_eq!((t.likelihood(), t.computed_priority(&process)), (None, None));
        assert_eq!(t.priority(&process), Some(2));
    }

    #[test]
    fn a_threat_read_against_no_template_is_named_by_its_id() {
        let mut t = Threat::new("x", "documents/threats/x.yaml");
        assert_eq!((t.name(), t.file.as_str()), ("x", "documents/threats/x.yaml"));
        t.values.insert("name".into(), FieldValue::Text("Named".into()));
        t.values.insert("likelihood".into(), FieldValue::Level { scale: ScaleName::Likelihood, level: "high".into() });
        assert_eq!(t.name(), "x", "no template says which field is the name");
        assert_eq!((t.likelihood(), t.stated_priority(), t.priority(&Process::default())), (None, None, None));
        assert_eq!((t.attack_tree(), t.approaches(), t.references().count()), (None, None, 0));
    }

    #[test]
    fn statuses_are_read_by_name() {
        let (t, _, errors) = example_threat(|path, text| match path {
            p if p.starts_with("threats/") => text.replace("status: open", "status: mitigated"),
            _ => text.to_owned(),
        });
        assert!(!errors);
        assert_eq!(t.status, Some(ThreatStatus::Mitigated));
        let (t, _, errors) = example_threat(|path, text| match path {
            p if p.starts_with("threats/") => text.replace("status: open", "status: closed"),
            _ => text.to_owned(),
        });
        assert!(errors);
        assert_eq!(t.status, None);
    }

    /// The example's threat cut down to its name and abstract, proposed, plus `extra`.
    fn proposed(extra: &str) -> (Vec<crate::Diagnostic>, Option<Threat>) {
        let files = crate::example::EXAMPLE.map(|(path, text)| {
            let text = if path.starts_with("threats/") {
                let head: String =
                    text.lines().take_while(|l| !l.starts_with("definition:")).map(|l| format!("{l}\n")).collect();
                format!("{}{extra}", head.replace("status: open", "status: proposed"))
            } else {
                text.to_owned()
            };
            (path, text)
        });
        let loaded = crate::Deliverables::load(&crate::Snapshot::from_files("documents", files));
        (loaded.diagnostics, loaded.deliverables.threat(STEM).cloned())
    }

    #[test]
    fn a_proposed_threat_needs_only_its_name_and_abstract() {
        let (diagnostics, threat) = proposed("");
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
        let warnings: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(warnings.contains(&"proposed threat: definition not written yet"), "{warnings:?}");
        assert!(warnings.contains(&"proposed threat: attack tree not written yet"), "{warnings:?}");
        assert!(warnings.iter().all(|w| !w.contains("abstract") && !w.contains(": name")), "{warnings:?}");
        let threat = threat.unwrap_or_else(|| Threat::new("missing", ""));
        assert_eq!((threat.status, threat.name()), (Some(ThreatStatus::Proposed), "STARTTLS stripping"));
        assert_eq!((threat.likelihood(), threat.attack_tree()), (None, None));
        assert!(threat.is_proposed() && !Threat::new("open", "").is_proposed());
        // An empty value is located at its key.
        let (diagnostics, _) = proposed("gap:\n");
        let gap = diagnostics.iter().find(|d| d.message == "proposed threat: gap not written yet");
        assert_eq!(gap.map(|d| (d.line, d.column)), Some((7, 1)), "{diagnostics:?}");
    }

    #[test]
    fn what_a_proposed_threat_has_is_checked_in_full() {
        let (diagnostics, _) = proposed("likelihood: hihg\n");
        assert!(diagnostics.iter().any(|d| d.is_error() && d.message.contains("hihg")), "{diagnostics:?}");
        // Without its abstract, a proposed threat is not yet a threat.
        let files = crate::example::EXAMPLE.map(|(path, text)| {
            let text = if path.starts_with("threats/") {
                "id: starttls-stripping\nname: STARTTLS stripping\nstatus: proposed\n".to_owned()
            } else {
                text.to_owned()
            };
            (path, text)
        });
        let loaded = crate::Deliverables::load(&crate::Snapshot::from_files("documents", files));
        let errors: Vec<&str> =
            loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.as_str()).collect();
        assert_eq!(errors, ["missing required field \"abstract\" (Abstract)"]);
    }
}
