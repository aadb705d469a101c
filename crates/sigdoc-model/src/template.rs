//! `template.yaml`: the fields every threat fills, which also validate every threat.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_yaml::{Mapping, Value};

use crate::front::{DocMeta, META_KEYS, Prose, read_meta};
use crate::reader::{Reader, child, index, suggest};
use crate::scale::ScaleName;
use crate::sig::Author;
use crate::yaml::Seg;

/// What kind of value a field holds.
///
/// It serializes as `{"kind": <name>}`, with `"scale"` for a level field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Markdown prose.
    Markdown,
    /// A level of one of the process's scales.
    Level(ScaleName),
    /// The priority, computed from the matrix.
    Priority,
    /// An attack tree.
    AttackTree,
    /// A list of `{ref, note?}`.
    References,
    /// A list of approaches, each with its implementation issues.
    Approaches,
    /// A list of Markdown items.
    List,
    /// The threat's status: one of [`ThreatStatus`](crate::ThreatStatus).
    Status,
}

/// One kind of each name, in the order messages list them. A new kind fails to compile
/// in [`FieldKind::name`] until it is named there; name it here too. The scale of the
/// level kind stands for any scale.
static EACH_KIND: [FieldKind; 9] = [
    FieldKind::Text,
    FieldKind::Markdown,
    FieldKind::Level(ScaleName::Likelihood),
    FieldKind::Priority,
    FieldKind::AttackTree,
    FieldKind::References,
    FieldKind::Approaches,
    FieldKind::List,
    FieldKind::Status,
];

impl FieldKind {
    /// The name as written in `template.yaml`.
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Markdown => "markdown",
            FieldKind::Level(_) => "level",
            FieldKind::Priority => "priority",
            FieldKind::AttackTree => "attack-tree",
            FieldKind::References => "references",
            FieldKind::Approaches => "approaches",
            FieldKind::List => "list",
            FieldKind::Status => "status",
        }
    }

    /// Every kind name, as written in `template.yaml`.
    pub fn names() -> impl Iterator<Item = &'static str> {
        EACH_KIND.iter().map(FieldKind::name)
    }

    /// The kind of a name; a level field's scale is written apart, so `scale` gives it
    /// (and is asked only for `level`).
    pub fn from_name(name: &str, scale: impl FnOnce() -> Option<ScaleName>) -> Option<FieldKind> {
        match EACH_KIND.iter().find(|k| k.name() == name)? {
            FieldKind::Level(_) => scale().map(FieldKind::Level),
            other => Some(other.clone()),
        }
    }

    /// The name with a level's scale, as documents describe a field: `level (damage)`.
    pub fn describe(&self) -> String {
        match self {
            FieldKind::Level(scale) => format!("level ({scale})"),
            other => other.name().to_owned(),
        }
    }
}

impl Serialize for FieldKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let scale = match self {
            FieldKind::Level(scale) => Some(scale),
            _ => None,
        };
        let mut s = serializer.serialize_struct("FieldKind", 1 + usize::from(scale.is_some()))?;
        s.serialize_field("kind", self.name())?;
        if let Some(scale) = scale {
            s.serialize_field("scale", scale)?;
        }
        s.end()
    }
}

/// One field of the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The key threats use.
    pub key: String,
    /// How the field is titled in documents.
    pub label: String,
    /// What kind of value it holds.
    pub kind: FieldKind,
    /// Whether every threat must fill it.
    pub required: bool,
    /// Instructions for authors (Markdown).
    pub guidance: String,
}

/// The template deliverable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Template {
    /// Metadata.
    pub meta: DocMeta,
    /// Introduction (Markdown).
    pub intro: Prose,
    /// The fields, in document order.
    pub fields: Vec<Field>,
    /// Whether the list of fields could be read, so that threats can be checked against
    /// it; when not, checking them would only repeat the template's own errors.
    #[serde(skip)]
    pub checkable: bool,
    /// Keys of fields that are in the template but could not be read: threats may use
    /// them without an "unknown key" error.
    #[serde(skip)]
    pub unreadable_keys: Vec<String>,
}

impl Template {
    /// The field of a key.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The first field of a kind.
    pub fn field_of_kind(&self, kind: &FieldKind) -> Option<&Field> {
        self.fields.iter().find(|f| &f.kind == kind)
    }

    /// The field that names every threat: the first text field.
    pub fn name_field(&self) -> Option<&Field> {
        self.field_of_kind(&FieldKind::Text)
    }

    /// The field that sums every threat up: the first Markdown field.
    pub fn abstract_field(&self) -> Option<&Field> {
        self.field_of_kind(&FieldKind::Markdown)
    }

    /// Whether a proposed threat must already have this field: its name and abstract.
    pub fn needed_when_proposed(&self, field: &Field) -> bool {
        [self.name_field(), self.abstract_field()].into_iter().flatten().any(|f| f.key == field.key)
    }
}

const FIELD_KEYS: &[&str] = &["key", "label", "kind", "scale", "required", "guidance"];

pub(crate) fn read_template(r: &mut Reader<'_>, group_authors: &[Author], scales: &[String]) -> Template {
    let mut template = Template::default();
    let root: Vec<Seg> = Vec::new();
    let value = r.doc.value.clone();
    let Some(map) = r.mapping(&root, &value, "the template") else { return template };
    let mut known: Vec<&str> = META_KEYS.to_vec();
    known.extend(["intro", "fields"]);
    r.unknown_keys(&root, map, &known, "template.yaml");
    template.meta = read_meta(r, &root, map, group_authors);
    let intro = r.string(&root, map, "intro", false, "template.yaml").unwrap_or_default();
    // A block scalar's text starts on the line after its indicator.
    let line = r.doc.value_loc(&child(&root, "intro")).line + usize::from(intro.contains('\n'));
    template.intro = Prose { text: intro, file: r.doc.file.clone(), line };
    let fields_path = child(&root, "fields");
    let Some(fields) = map.get("fields").filter(|v| !v.is_null()) else {
        r.error(&root, "template.yaml is missing required key \"fields\"");
        return template;
    };
    let Some(items) = r.sequence(&fields_path, fields, "the template's fields") else { return template };
    template.checkable = true;
    if items.is_empty() {
        r.error(&fields_path, "the template has no fields: list at least the threat's name");
    }
    for (i, item) in items.iter().enumerate() {
        let p = index(&fields_path, i);
        let field = read_field(r, &p, item, scales);
        if field.is_none()
            && let Some(key) = item.get("key").and_then(Value::as_str)
        {
            template.unreadable_keys.push(key.to_owned());
        }
        if let Some(field) = field {
            if template.field(&field.key).is_some() {
                r.error(&child(&p, "key"), format!("duplicate field key \"{}\"", field.key));
                continue;
            }
            template.fields.push(field);
        }
    }
    template
}

fn read_field(r: &mut Reader<'_>, path: &[Seg], value: &Value, scales: &[String]) -> Option<Field> {
    let map = r.mapping(path, value, "a field: {key, label, kind, required, guidance}")?;
    r.unknown_keys(path, map, FIELD_KEYS, "a template field");
    let key = r.string(path, map, "key", true, "a template field")?;
    if !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') || key.is_empty() {
        r.error(&child(path, "key"), format!("field key \"{key}\" must be lower-case letters, digits and '_'"));
        return None;
    }
    if crate::threat::BUILTIN_KEYS.contains(&key.as_str()) && key != crate::threat::STATUS_KEY {
        r.error(&child(path, "key"), format!("\"{key}\" is built into every threat and cannot be a field"));
        return None;
    }
    let kind_name = r.string(path, map, "kind", true, "a template field")?;
    if !FieldKind::names().any(|name| name == kind_name) {
        let hint = match suggest(&kind_name, FieldKind::names()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("expected one of: {}", FieldKind::names().collect::<Vec<_>>().join(", ")),
        };
        r.error(&child(path, "kind"), format!("unknown field kind \"{kind_name}\" ({hint})"));
        return None;
    }
    let kind = FieldKind::from_name(&kind_name, || level_scale(r, path, map, &key, scales))?;
    if map.contains_key("scale") && !matches!(kind, FieldKind::Level(_)) {
        r.warning_key(
            &child(path, "scale"),
            format!("\"scale\" only applies to fields of kind level, not {kind_name}"),
        );
    }
    Some(Field {
        label: r.string(path, map, "label", false, "a template field").unwrap_or_else(|| key.clone()),
        required: r.boolean(path, map, "required").unwrap_or(false),
        guidance: r.string(path, map, "guidance", false, "a template field").unwrap_or_default(),
        key,
        kind,
    })
}

/// The scale a level field names, which the process must define.
fn level_scale(r: &mut Reader<'_>, path: &[Seg], map: &Mapping, key: &str, scales: &[String]) -> Option<ScaleName> {
    match r.string(path, map, "scale", false, "a template field") {
        Some(s) if scales.is_empty() || scales.contains(&s) => Some(ScaleName::from_name(&s)),
        Some(s) => {
            r.error(
                &child(path, "scale"),
                format!("unknown scale \"{s}\" (the process defines: {})", scales.join(", ")),
            );
            None
        }
        None => {
            r.error(path, format!("field \"{key}\" of kind level needs \"scale\" (one of: {})", scales.join(", ")));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::example::load_example;

    #[test]
    fn kind_names_derive_from_the_kinds() {
        let names: Vec<&str> = FieldKind::names().collect();
        assert_eq!(
            names,
            ["text", "markdown", "level", "priority", "attack-tree", "references", "approaches", "list", "status"]
        );
        for kind in &EACH_KIND {
            let parsed = FieldKind::from_name(kind.name(), || Some(ScaleName::Damage));
            let expected = match kind {
                FieldKind::Level(_) => FieldKind::Level(ScaleName::Damage),
                other => other.clone(),
            };
            assert_eq!(parsed, Some(expected));
        }
        assert_eq!(FieldKind::from_name("level", || None), None, "a level needs its scale");
        assert_eq!(FieldKind::from_name("text", || panic!("only a level asks for a scale")), Some(FieldKind::Text));
        assert_eq!(FieldKind::from_name("attack_tree", || None), None);
    }

    #[test]
    fn kinds_serialize_and_describe_with_their_scale() {
        let level = FieldKind::Level(ScaleName::Likelihood);
        assert_eq!(serde_json::to_value(&level).ok(), Some(json!({"kind": "level", "scale": "likelihood"})));
        assert_eq!(serde_json::to_value(FieldKind::AttackTree).ok(), Some(json!({"kind": "attack-tree"})));
        assert_eq!(level.describe(), "level (likelihood)");
        assert_eq!(FieldKind::Level(ScaleName::Other("impact".into())).describe(), "level (impact)");
        assert_eq!(FieldKind::List.describe(), "list");
    }

    #[test]
    fn unknown_kinds_are_named_with_a_hint() {
        let messages = |kind: &str| {
            let files = crate::example::EXAMPLE.map(|(path, text)| {
                (
                    path,
                    if path == "template.yaml" { text.replacen("kind: attack-tree", kind, 1) } else { text.to_owned() },
                )
            });
            let loaded = crate::Deliverables::load(&crate::Snapshot::from_files("documents", files));
            loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.clone()).collect::<Vec<_>>()
        };
        assert_eq!(messages("kind: atack-tree"), ["unknown field kind \"atack-tree\" (did you mean \"attack-tree\"?)"]);
        assert_eq!(
            messages("kind: graph"),
            [
                "unknown field kind \"graph\" (expected one of: text, markdown, level, priority, attack-tree, references, approaches, list, status)"
            ]
        );
        let level = messages("kind: level");
        assert_eq!(level, ["field \"attack_tree\" of kind level needs \"scale\" (one of: damage, likelihood)"]);
        assert_eq!(
            messages("kind: level\n    scale: impact"),
            ["unknown scale \"impact\" (the process defines: damage, likelihood)"]
        );
    }

    #[test]
    fn the_template_reads_scales_and_kinds() {
        let (d, errors) = load_example(|_, text| text.to_owned());
        assert!(!errors);
        let kind = |key: &str| d.template.field(key).map(|f| f.kind.clone());
        assert_eq!(kind("likelihood"), Some(FieldKind::Level(ScaleName::Likelihood)));
        assert_eq!(kind("damage"), Some(FieldKind::Level(ScaleName::Damage)));
        assert_eq!(kind("status"), Some(FieldKind::Status));
        assert_eq!(d.template.field_of_kind(&FieldKind::Markdown).map(|f| f.key.as_str()), Some("abstract"));
    }
}
